//! Scenario: a household whose balance is nearly all reserved for an open bid reports a
//! shortfall it cannot pay. It pays what is available (its reservation stays whole), the rest
//! is recorded as debt under `mdebt/<addr>`, no balance goes negative, and its next metered
//! surplus collects the debt for the grid account before anything else.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn the_unpaid_part_of_a_shortfall_is_debt_collected_from_the_next_surplus() {
    // 2,500,000 micro-tokens: a 2,000 Wh buy for slot 2 reserves 2,000,000 at Lb.
    let mut store = store_with(&metered_genesis(2, 2_500_000, MeteringParams::default()));
    let h = household_addr(0);
    run_block_conserving(&mut store, 1, &[bid(h, 0, 1, Side::Sell, 3_000), bid(h, 1, 2, Side::Buy, 2_000)]);
    let acct = account(&store, &h).unwrap();
    let available = acct.balance - acct.reserved;
    // Delivered nothing of the 3,000 Wh sold: 3,000,000 owed at Lb.
    let out = execute_block(&mut store, &ctx(2, 1), &[report(h, 2, 1, reading(0, 0))]);
    assert_eq!(out.tx_results[0], Ok(()));
    let s = &out.metered[0];
    assert_eq!((s.charged, s.debt_added), (available, 3_000_000 - available));
    let after = account(&store, &h).unwrap();
    assert_eq!(after.balance, after.reserved, "the reservation for the open bid stays covered");
    assert_eq!(chain::metering::debt(&store, &h), Ok(3_000_000 - available));

    // Slot 2 clears (the buy settles), then a reading of no net import against the 2,000 Wh bought is a 2,000 Wh surplus, 800,000 at Ls,
    // all of which goes to the debt.
    run_block_conserving(&mut store, 2, &[]);
    let debt = chain::metering::debt(&store, &h).unwrap();
    let out = run_block_conserving(&mut store, 3, &[report(h, 3, 2, reading(1_000, 1_000))]);
    let s = &out.metered[0];
    assert_eq!((s.surplus_wh, s.credited), (2_000, 800_000));
    assert_eq!(s.debt_collected, 800_000.min(debt));
    assert_eq!(chain::metering::debt(&store, &h), Ok(debt - s.debt_collected));
}
