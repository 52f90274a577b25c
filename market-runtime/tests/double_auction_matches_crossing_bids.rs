//! Scenario: pay-as-clear, Lb 1,000,000 and Ls 400,000 µ/kWh. Three buyers and three sellers
//! bid prices; the highest buyer meets the two cheapest sellers, the rest do not cross. The
//! matched energy trades at one clearing price, the rest goes to and from the grid at Lb and Ls,
//! and every balance moves by exactly what the settlement says.

mod common;

use common::*;
use market_runtime::*;

// (household, side, Wh, limit price µ/kWh), in address order.
const BOOK: [(u32, Side, u64, u64); 6] = [
    (0, Side::Buy, 3_000, 900_000),
    (1, Side::Buy, 2_000, 600_000),
    (2, Side::Buy, 1_000, 450_000),
    (3, Side::Sell, 2_000, 500_000),
    (4, Side::Sell, 2_000, 700_000),
    (5, Side::Sell, 1_000, 950_000),
];

#[test]
fn crossing_bids_trade_at_one_clearing_price_and_the_rest_goes_to_the_grid() {
    let mut store = store_with(&genesis(6, 1_000_000_000, Mechanism::PayAsClear));
    let txs: Vec<Tx> = BOOK.iter().map(|&(h, side, q, p)| priced_bid(household_addr(h), 0, 1, side, q, p)).collect();
    let before = total_balance(&store);
    let out = execute_block(&mut store, &ctx(1, 1), &txs);
    assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
    let c = out.clearing.expect("slot 1 is cleared");

    // Household 0 (900k) takes household 3's 2,000 Wh (500k) and 1,000 of household 4's (700k);
    // household 1 (600k) is below household 4's 700k, so the walk stops at 3,000 Wh. At any
    // price but 700k an unmatched bid would want to trade (household 4 has 1,000 Wh left at
    // 700k, household 1 wants 2,000 at 600k): the clearing interval is [700k, 700k].
    assert_eq!(c.mechanism, Mechanism::PayAsClear);
    assert_eq!((c.price_buy, c.price_sell), (700_000, 700_000));
    assert_eq!((c.p2p_wh, c.grid_import_wh, c.grid_export_wh), (3_000, 3_000, 2_000));

    // (p2p Wh, grid Wh, amount µ) per household.
    let expected = [
        (3_000, 0, 2_100_000),       // 3,000 Wh at 700k
        (0, 2_000, 2_000_000),       // all from the grid at Lb
        (0, 1_000, 1_000_000),       // all from the grid at Lb
        (2_000, 0, 1_400_000),       // 2,000 Wh at 700k
        (1_000, 1_000, 1_100_000),   // 1,000 at 700k + 1,000 to the grid at Ls
        (0, 1_000, 400_000),         // all to the grid at Ls
    ];
    for (s, want) in c.settlements.iter().zip(expected) {
        assert_eq!((s.p2p_wh, s.grid_wh, s.amount), want, "household {:?}", &s.household[..4]);
    }
    assert_eq!(c.buyers_paid, 5_100_000);
    assert_eq!(c.sellers_received, 2_900_000);
    // The grid: 3,000 Wh imported at Lb, 2,000 exported at Ls.
    assert_eq!((c.grid_received, c.grid_paid), (3_000_000 - 800_000, 0));
    assert_eq!(total_balance(&store), before + out.minted.total() as u128);
    assert_eq!(account(&store, &household_addr(0)).expect("readable").balance, 1_000_000_000 - 2_100_000);
}
