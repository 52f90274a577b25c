//! Scenario: lot A has 10 kWh to sell, lot B wants 10 kWh, but B's feeder brings at most 6 kWh
//! in. A's surplus that B cannot take goes to the grid at Ls; the 4 kWh B's feeder cannot
//! bring in are unserved (not delivered, not paid).

mod common;

use common::*;
use market_runtime::*;

#[test]
fn the_import_limit_binds_and_the_surplus_is_exported() {
    let topology = two_lots((None, None), (Some(6_000), None), Transformer::default(), 0);
    let g = genesis_on(topology, &["A", "B"], Mechanism::Sdr);
    let (_, c, expected, total) = clear_on(&g, &[(0, Side::Sell, 10_000), (1, Side::Buy, 10_000)]);
    let flows = c.flows.clone().expect("flows under a topology");
    let (a, b) = (&flows.feeders[0], &flows.feeders[1]);
    assert_eq!((a.to_lots_wh, a.grid_export_wh, a.curtailed_wh), (6_000, 4_000, 0));
    assert_eq!((b.from_lots_wh, b.grid_import_wh, b.unserved_wh), (6_000, 0, 4_000));
    assert!(b.bound.import && !a.bound.any());
    assert_eq!((flows.grid_export_wh, flows.grid_import_wh), (4_000, 0));
    // The buyer trades 6 kWh locally and pays nothing for the 4 kWh it did not get.
    assert_eq!((c.settlements[1].p2p_wh, c.settlements[1].grid_wh, cut_wh(&c, 1)), (6_000, 0, 4_000));
    // The seller sells 6 kWh locally and exports 4 kWh.
    assert_eq!((c.settlements[0].p2p_wh, c.settlements[0].grid_wh), (6_000, 4_000));
    assert_eq!(total, expected);
}
