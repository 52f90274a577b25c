//! Scenario: under a topology, a bid whose whole quantity a grid limit cuts (here a buyer on a
//! lot whose feeder brings nothing in) has nothing to trade, so it must not set the double
//! auction's clearing price: the slot clears as if it had not bid.

use market_runtime::chain::settlement::{settle, BidLine};
use market_runtime::*;

fn priced(side: Side, quantity_wh: u64, price: u64, feeder: u16) -> BidLine {
    BidLine { limit_price: Some(price), feeder, ..BidLine::new(side, quantity_wh) }
}

#[test]
fn an_unserved_buyer_leaves_the_price_as_if_absent() {
    let closed_in = Feeder { lot: "B".into(), import_limit_wh: Some(0), export_limit_wh: None };
    let open = Feeder { lot: "A".into(), import_limit_wh: None, export_limit_wh: None };
    let topology = Topology { feeders: vec![open, closed_in], transformer: Transformer::default(), loss_ppm: 0 };
    for mechanism in [Mechanism::PayAsClear, Mechanism::PayAsBid] {
        let params = MarketParams { grid_buy_price: 1_000_000, grid_sell_price: 400_000, mechanism, topology: Some(topology.clone()), ..MarketParams::default() };
        let local = [priced(Side::Sell, 1_000, 450_000, 0), priced(Side::Buy, 1_000, 950_000, 0)];
        let with_cut: Vec<BidLine> = local.iter().copied().chain([priced(Side::Buy, 500, 800_000, 1)]).collect();
        let (cut, absent) = (settle(&params, &with_cut), settle(&params, &local));
        assert_eq!(cut.lines[2].p2p_wh + cut.lines[2].grid_wh + cut.lines[2].amount, 0, "{mechanism:?}: unserved, unpaid");
        assert_eq!((cut.price_buy, cut.price_sell), (absent.price_buy, absent.price_sell), "{mechanism:?}");
        assert_eq!(&cut.lines[..2], &absent.lines[..], "{mechanism:?}");
    }
}
