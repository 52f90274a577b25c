//! Scenario: pay-as-bid, Lb 1,000,000 and Ls 400,000 µ/kWh. Two buyers (900k and 700k) and two
//! sellers (500k and 600k) all cross. Each buyer pays its own price; the sellers share what the
//! buyers paid in proportion to the energy they sold, so each gets the volume-weighted average
//! bid (800k), above its own ask, and nothing is left over for any other account. The same book
//! under pay-as-clear trades at 650k, the middle of [600k, 700k].

mod common;

use common::*;
use market_runtime::*;

const BOOK: [(u32, Side, u64, u64); 4] = [
    (0, Side::Buy, 2_000, 900_000),
    (1, Side::Buy, 2_000, 700_000),
    (2, Side::Sell, 1_500, 500_000),
    (3, Side::Sell, 2_500, 600_000),
];

fn run(mechanism: Mechanism) -> (SlotClearing, u128, u128) {
    let mut store = store_with(&genesis(4, 1_000_000_000, mechanism));
    let txs: Vec<Tx> = BOOK.iter().map(|&(h, side, q, p)| priced_bid(household_addr(h), 0, 1, side, q, p)).collect();
    let before = total_balance(&store);
    let out = execute_block(&mut store, &ctx(1, 1), &txs);
    assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
    (out.clearing.expect("slot 1 is cleared"), before, total_balance(&store) - out.minted.total() as u128)
}

#[test]
fn buyers_pay_their_bids_and_sellers_share_what_they_paid() {
    let (c, before, after_less_mint) = run(Mechanism::PayAsBid);
    assert_eq!(c.p2p_wh, 4_000, "every Wh crosses");
    let amounts: Vec<u64> = c.settlements.iter().map(|s| s.amount).collect();
    // 2,000 Wh at 900k and at 700k; 1,500 and 2,500 Wh at (1.8M + 1.4M) / 4,000 Wh = 800k.
    assert_eq!(amounts, [1_800_000, 1_400_000, 1_200_000, 2_000_000]);
    assert_eq!((c.price_buy, c.price_sell), (800_000, 800_000), "the volume-weighted average");
    assert_eq!((c.buyers_paid, c.sellers_received, c.grid_received, c.grid_paid), (3_200_000, 3_200_000, 0, 0));
    assert_eq!(after_less_mint, before);
}

#[test]
fn the_same_book_under_pay_as_clear_trades_at_one_price() {
    let (c, before, after_less_mint) = run(Mechanism::PayAsClear);
    assert_eq!((c.price_buy, c.price_sell), (650_000, 650_000));
    let amounts: Vec<u64> = c.settlements.iter().map(|s| s.amount).collect();
    assert_eq!(amounts, [1_300_000, 1_300_000, 975_000, 1_625_000]);
    assert_eq!(after_less_mint, before);
}
