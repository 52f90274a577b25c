//! Scenario: lot A sells 10 kWh, lot B buys 2 kWh, and the transformer takes at most 5 kWh to
//! the grid. B gets its 2 kWh from A, 5 kWh are exported, and the last 3 kWh are curtailed.
//! With the transformer's import limit, a community deficit beyond it is unserved.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn the_transformer_export_limit_binds() {
    let transformer = Transformer { import_limit_wh: None, export_limit_wh: Some(5_000) };
    let g = genesis_on(two_lots((None, None), (None, None), transformer, 0), &["A", "B"], Mechanism::Mmr);
    let (_, c, expected, total) = clear_on(&g, &[(0, Side::Sell, 10_000), (1, Side::Buy, 2_000)]);
    let flows = c.flows.clone().expect("flows under a topology");
    assert!(flows.transformer_bound.export && !flows.transformer_bound.import);
    assert!(!flows.feeders.iter().any(|f| f.bound.any()));
    let a = &flows.feeders[0];
    assert_eq!((a.to_lots_wh, a.grid_export_wh, a.curtailed_wh), (2_000, 5_000, 3_000));
    assert_eq!((c.settlements[0].p2p_wh, c.settlements[0].grid_wh, cut_wh(&c, 0)), (2_000, 5_000, 3_000));
    assert_eq!(total, expected);
}

#[test]
fn the_transformer_import_limit_leaves_demand_unserved() {
    let transformer = Transformer { import_limit_wh: Some(1_000), export_limit_wh: None };
    let g = genesis_on(two_lots((None, None), (None, None), transformer, 0), &["A", "B", "B"], Mechanism::Sdr);
    let (_, c, expected, total) = clear_on(&g, &[(0, Side::Sell, 1_000), (1, Side::Buy, 3_000), (2, Side::Buy, 1_000)]);
    let flows = c.flows.clone().expect("flows under a topology");
    assert!(flows.transformer_bound.import);
    let b = &flows.feeders[1];
    assert_eq!((b.from_lots_wh, b.grid_import_wh, b.unserved_wh), (1_000, 1_000, 2_000));
    // The lot's buyers share what it received in proportion to their bids: 3/4 and 1/4.
    assert_eq!((cut_wh(&c, 1), cut_wh(&c, 2)), (1_500, 500));
    assert_eq!(total, expected);
}
