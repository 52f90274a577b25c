//! Scenario: energy crossing between lots loses 2 % of what is delivered. The exporting lot's
//! sellers bear the loss (they are paid for what arrives); buyers pay for what they receive;
//! no micro-token is created or lost outside the mint, under every mechanism.

mod common;

use common::*;
use market_runtime::*;

const LOSS_PPM: u32 = 20_000;

#[test]
fn a_surplus_lot_sends_the_losses_on_top_of_what_arrives() {
    let g = genesis_on(two_lots((None, None), (None, None), Transformer::default(), LOSS_PPM), &["A", "B"], Mechanism::Sdr);
    let (_, c, expected, total) = clear_on(&g, &[(0, Side::Sell, 10_000), (1, Side::Buy, 5_000)]);
    let flows = c.flows.clone().expect("flows under a topology");
    // 5 kWh arrive; ceil(5,000 x 2 %) = 100 Wh are lost on the way; 4.9 kWh go to the grid.
    assert_eq!((flows.inter_lot_wh, flows.loss_wh, flows.grid_export_wh), (5_000, 100, 4_900));
    assert_eq!((flows.feeders[0].to_lots_wh, flows.feeders[0].loss_wh), (5_100, 100));
    assert_eq!(flows.feeders[1].from_lots_wh, 5_000);
    assert_eq!((c.settlements[0].p2p_wh, c.settlements[0].grid_wh, cut_wh(&c, 0)), (5_000, 4_900, 100));
    assert_eq!((c.settlements[1].p2p_wh, c.settlements[1].grid_wh), (5_000, 0));
    assert_eq!(total, expected);
}

#[test]
fn a_short_lot_gets_what_arrives_and_the_rest_from_the_grid() {
    let g = genesis_on(two_lots((None, None), (None, None), Transformer::default(), LOSS_PPM), &["A", "B"], Mechanism::Sdr);
    let (_, c, expected, total) = clear_on(&g, &[(0, Side::Sell, 3_000), (1, Side::Buy, 5_000)]);
    let flows = c.flows.clone().expect("flows under a topology");
    // floor(3,000 / 1.02) = 2,941 Wh can arrive; all 3,000 are sent, 59 lost.
    assert_eq!((flows.inter_lot_wh, flows.loss_wh, flows.grid_import_wh), (2_941, 59, 2_059));
    assert_eq!((c.settlements[0].p2p_wh, cut_wh(&c, 0)), (2_941, 59));
    assert_eq!((c.settlements[1].p2p_wh, c.settlements[1].grid_wh), (2_941, 2_059));
    assert_eq!(total, expected);
}

#[test]
fn energy_used_in_its_own_lot_loses_nothing_and_crosses_no_limit() {
    let closed = (Some(0), Some(0));
    let g = genesis_on(two_lots(closed, closed, Transformer::default(), LOSS_PPM), &["A", "A"], Mechanism::Sdr);
    let (_, c, expected, total) = clear_on(&g, &[(0, Side::Sell, 4_000), (1, Side::Buy, 4_000)]);
    let flows = c.flows.clone().expect("flows under a topology");
    assert_eq!((flows.feeders[0].local_wh, flows.loss_wh, flows.inter_lot_wh), (4_000, 0, 0));
    assert!(!flows.any_bound());
    assert_eq!((c.settlements[0].p2p_wh, c.settlements[1].p2p_wh), (4_000, 4_000));
    assert_eq!(total, expected);
}

#[test]
fn every_mechanism_conserves_tokens_with_losses_and_limits() {
    let lots = ["A", "A", "B", "B", "B"];
    let bids = [(0, Side::Sell, 7_321), (1, Side::Buy, 1_003), (2, Side::Buy, 2_999), (3, Side::Buy, 4_777), (4, Side::Sell, 13)];
    for mechanism in Mechanism::ALL {
        let transformer = Transformer { import_limit_wh: Some(1_500), export_limit_wh: Some(100) };
        let topology = two_lots((None, Some(5_000)), (Some(6_000), None), transformer, 37_123);
        let (_, c, expected, total) = clear_on(&genesis_on(topology, &lots, mechanism), &bids);
        assert_eq!(total, expected, "{mechanism:?}");
        assert_eq!(c.buyers_paid + c.grid_paid, c.sellers_received + c.grid_received, "{mechanism:?}");
    }
}
