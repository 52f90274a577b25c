//! Scenario: pay-as-clear where the match ends inside a price level. Two buyers bid the same
//! 800k µ/kWh for 3,000 and 1,000 Wh against one seller of 2,000 Wh at 500k: the tied buyers
//! share the 2,000 Wh in proportion to what they bid (not first come, first served), and since
//! buyers are left over at 800k, the uniform price that clears is 800k.

use market_runtime::chain::settlement::{settle, BidLine};
use market_runtime::*;

fn priced(side: Side, quantity_wh: u64, price: u64) -> BidLine {
    BidLine { limit_price: Some(price), ..BidLine::new(side, quantity_wh) }
}

#[test]
fn tied_marginal_bids_share_the_match_pro_rata_and_set_the_price() {
    let params = MarketParams { grid_buy_price: 1_000_000, grid_sell_price: 400_000, mechanism: Mechanism::PayAsClear, ..MarketParams::default() };
    let bids = [priced(Side::Buy, 3_000, 800_000), priced(Side::Buy, 1_000, 800_000), priced(Side::Sell, 2_000, 500_000)];
    let s = settle(&params, &bids);

    assert_eq!((s.price_buy, s.price_sell), (800_000, 800_000));
    let p2p: Vec<u64> = s.lines.iter().map(|l| l.p2p_wh).collect();
    assert_eq!(p2p, [1_500, 500, 2_000]);
    // 1,500 Wh at 800k + 1,500 at Lb; 500 at 800k + 500 at Lb; 2,000 at 800k.
    let amounts: Vec<u64> = s.lines.iter().map(|l| l.amount).collect();
    assert_eq!(amounts, [2_700_000, 900_000, 1_600_000]);
    assert_eq!((s.grid_received, s.grid_paid), (2_000_000, 0));
}

#[test]
fn a_lone_wh_at_the_marginal_level_goes_to_the_largest_remainder_then_the_lower_address() {
    let params = MarketParams { grid_buy_price: 1_000_000, grid_sell_price: 400_000, mechanism: Mechanism::PayAsClear, ..MarketParams::default() };
    // 1 Wh for two tied buyers of 1 and 5 Wh: shares 1/6 and 5/6, so the larger remainder wins.
    let bids = [priced(Side::Buy, 1, 700_000), priced(Side::Buy, 5, 700_000), priced(Side::Sell, 1, 400_000)];
    assert_eq!(settle(&params, &bids).lines.iter().map(|l| l.p2p_wh).collect::<Vec<_>>(), [0, 1, 1]);
    // Equal buyers: the lower address (index) wins.
    let bids = [priced(Side::Buy, 3, 700_000), priced(Side::Buy, 3, 700_000), priced(Side::Sell, 1, 400_000)];
    assert_eq!(settle(&params, &bids).lines.iter().map(|l| l.p2p_wh).collect::<Vec<_>>(), [1, 0, 1]);
}
