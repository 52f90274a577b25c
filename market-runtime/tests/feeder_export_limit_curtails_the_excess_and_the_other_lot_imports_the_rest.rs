//! Scenario: lot A has 10 kWh to sell and lot B wants 10 kWh, but A's feeder carries at most
//! 6 kWh out. A's feeder is also its only way to the grid, so the 4 kWh it cannot carry are
//! curtailed (not sold, not paid); B gets 6 kWh from A and the other 4 kWh from the grid at Lb.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn the_export_limit_binds_and_the_excess_is_curtailed() {
    let topology = two_lots((None, Some(6_000)), (None, None), Transformer::default(), 0);
    let g = genesis_on(topology, &["A", "B"], Mechanism::Sdr);
    let (_, c, expected, total) = clear_on(&g, &[(0, Side::Sell, 10_000), (1, Side::Buy, 10_000)]);
    let flows = c.flows.clone().expect("flows under a topology");
    let (a, b) = (&flows.feeders[0], &flows.feeders[1]);
    assert_eq!((a.to_lots_wh, a.curtailed_wh, a.grid_export_wh), (6_000, 4_000, 0));
    assert!(a.bound.export && !a.bound.import);
    assert_eq!((b.from_lots_wh, b.grid_import_wh, b.unserved_wh), (6_000, 4_000, 0));
    assert!(!b.bound.any() && !flows.transformer_bound.any());
    assert_eq!((flows.inter_lot_wh, flows.grid_import_wh, flows.grid_export_wh), (6_000, 4_000, 0));

    // SDR over what can be delivered: 6 kWh against 10 kWh.
    assert_eq!((c.tsp_wh, c.tbp_wh, c.p2p_wh, c.grid_import_wh), (6_000, 10_000, 6_000, 4_000));
    assert_eq!(cut_wh(&c, 0), 4_000, "the seller's curtailed energy is not paid");
    assert_eq!(cut_wh(&c, 1), 0);
    let seller = &c.settlements[0];
    // Psell at SDR 0.6 with Lb 1.0, Ls 0.4: 0.4 / (0.6 x 0.6 + 0.4) = 0.526315..; 6 kWh of it.
    assert_eq!(seller.amount, 3_157_894);
    assert_eq!(total, expected, "no token created or lost outside the mint");
}

#[test]
fn every_mechanism_settles_only_the_deliverable_part() {
    for mechanism in Mechanism::ALL {
        let topology = two_lots((None, Some(6_000)), (None, None), Transformer::default(), 0);
        let g = genesis_on(topology, &["A", "B"], mechanism);
        let (_, c, expected, total) = clear_on(&g, &[(0, Side::Sell, 10_000), (1, Side::Buy, 10_000)]);
        assert_eq!(cut_wh(&c, 0), 4_000, "{mechanism:?}");
        assert_eq!(c.settlements[1].p2p_wh + c.settlements[1].grid_wh, 10_000, "{mechanism:?}");
        assert_eq!(c.buyers_paid + c.grid_paid, c.sellers_received + c.grid_received, "{mechanism:?}");
        assert_eq!(total, expected, "{mechanism:?}");
    }
}
