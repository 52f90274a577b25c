//! Scenario: readings settle closed slots only. A report for a slot not yet cleared (the one
//! being bid on, or one further ahead) and one for a slot the chain skipped (never cleared)
//! are refused with `MeterReportSlotNotCleared`, and change nothing.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn reports_for_uncleared_and_skipped_slots_are_refused() {
    let mut store = store_with(&metered_genesis(2, 1_000_000_000, MeteringParams::default()));
    let r = reading(1_000, 500);
    // Nothing cleared yet.
    assert_eq!(run_one(&mut store, report(household_addr(0), 0, 0, r)), Err(TxError::MeterReportSlotNotCleared { slot: 0, last_cleared: None }));
    run_block_conserving(&mut store, 1, &[bid(household_addr(0), 0, 1, Side::Sell, 1_000)]);
    // Slot 2 is open for bids, not closed.
    run_block_conserving(&mut store, 1, &[bid(household_addr(0), 1, 2, Side::Sell, 1_000)]);
    let before = store.clone();
    assert_eq!(run_one(&mut store, report(household_addr(0), 2, 2, r)), Err(TxError::MeterReportSlotNotCleared { slot: 2, last_cleared: Some(1) }));
    assert_eq!(store, before, "a refused report changes nothing");
    // The chain jumps from slot 1 to slot 4: slots 2 and 3 were never cleared.
    run_block_conserving(&mut store, 4, &[]);
    assert_eq!(run_one(&mut store, report(household_addr(0), 2, 3, r)), Err(TxError::MeterReportSlotNotCleared { slot: 3, last_cleared: Some(4) }));
    // Slot 1 was cleared and its window (24 slots) is open: accepted.
    assert_eq!(run_one(&mut store, report(household_addr(0), 2, 1, r)), Ok(()));
}
