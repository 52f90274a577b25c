//! Scenario: a household reports slot 1, then sends a second, different reading for slot 1.
//! The second is refused with `DuplicateMeterReport` and settles nothing; its report for
//! slot 2 is still accepted.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn the_second_report_for_a_slot_is_refused() {
    let mut store = store_with(&metered_genesis(2, 1_000_000_000, MeteringParams::default()));
    run_block_conserving(&mut store, 1, &[bid(household_addr(0), 0, 1, Side::Sell, 1_000)]);
    run_block_conserving(&mut store, 2, &[bid(household_addr(0), 1, 2, Side::Sell, 1_000)]);
    let first = report(household_addr(0), 2, 1, reading(1_000, 0));
    let second = report(household_addr(0), 3, 1, reading(0, 0));
    let out = execute_block(&mut store, &ctx(3, 3), &[first, second.clone()]);
    assert_eq!(out.tx_results[0], Ok(()));
    assert_eq!(out.tx_results[1], Err(TxError::DuplicateMeterReport { household: household_addr(0), slot: 1 }));
    assert_eq!(out.metered.len(), 1, "only the first report settled");
    assert_eq!(out.metered[0].shortfall_wh, 0);
    // In a later block, too, and by admission.
    assert_eq!(run_one(&mut store, second), Err(TxError::DuplicateMeterReport { household: household_addr(0), slot: 1 }));
    assert_eq!(run_one(&mut store, report(household_addr(0), 3, 2, reading(1_000, 0))), Ok(()));
}
