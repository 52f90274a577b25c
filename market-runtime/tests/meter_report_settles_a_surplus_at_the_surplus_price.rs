//! Scenario: a household bought 1,000 Wh for slot 1 but consumed only 400 Wh net (its PV made
//! 600 Wh of its 1,000 Wh load). The 600 Wh it did not take are sold back to the grid account at
//! the surplus price, Ls by default; a buyer that consumed exactly what it bought settles nothing.

mod common;

use common::*;
use market_runtime::*;

fn slot_one(store: &mut MemStore) {
    run_block_conserving(store, 1, &[bid(household_addr(0), 0, 1, Side::Buy, 1_000), bid(household_addr(1), 0, 1, Side::Sell, 500)]);
}

#[test]
fn the_surplus_is_sold_at_the_feed_in_price() {
    let mut store = store_with(&metered_genesis(2, 1_000_000_000, MeteringParams::default()));
    slot_one(&mut store);
    let (buyer, grid) = (balance(&store, &household_addr(0)), balance(&store, &GRID));
    let out = run_block_conserving(&mut store, 2, &[report(household_addr(0), 1, 1, reading(600, 1_000))]);
    let s = &out.metered[0];
    assert_eq!((s.allocated_wh, s.metered_wh, s.surplus_wh, s.shortfall_wh), (-1_000, -400, 600, 0));
    // Ls of the test genesis: 400,000 micro-tokens per kWh.
    assert_eq!((s.price, s.credited, s.charged), (400_000, 240_000, 0));
    assert_eq!(balance(&store, &household_addr(0)), buyer + 240_000);
    assert_eq!(balance(&store, &GRID), grid - 240_000);
}

#[test]
fn a_reading_equal_to_the_bid_settles_nothing() {
    let mut store = store_with(&metered_genesis(2, 1_000_000_000, MeteringParams::default()));
    slot_one(&mut store);
    let buyer = balance(&store, &household_addr(0));
    let out = run_block_conserving(&mut store, 2, &[report(household_addr(0), 1, 1, reading(0, 1_000))]);
    let s = &out.metered[0];
    assert_eq!((s.shortfall_wh, s.surplus_wh, s.price, s.charged, s.credited), (0, 0, 0, 0, 0));
    assert_eq!(balance(&store, &household_addr(0)), buyer);
}
