//! Scenario: with a two-slot window, a report for slot 1 is accepted while the last cleared
//! slot is at most 3, and refused with `MeteringWindowClosed` once slot 4 is cleared.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn a_report_after_the_window_closed_is_refused() {
    let metering = MeteringParams { metering_window_slots: 2, ..MeteringParams::default() };
    let mut store = store_with(&metered_genesis(2, 1_000_000_000, metering));
    run_block_conserving(&mut store, 1, &[bid(household_addr(0), 0, 1, Side::Sell, 1_000)]);
    run_block_conserving(&mut store, 2, &[]);
    run_block_conserving(&mut store, 3, &[]);
    // Last cleared 3 = 1 + 2: still open, as admission says.
    assert_eq!(check_tx(&store, &report(household_addr(0), 1, 1, reading(1_000, 0))), Ok(()));
    let out = run_block_conserving(&mut store, 4, &[]);
    assert_eq!(out.window_closed.as_ref().map(|c| c.slot), Some(1), "slot 4's clearing closes slot 1's window");
    let late = report(household_addr(0), 1, 1, reading(1_000, 0));
    assert_eq!(run_one(&mut store, late), Err(TxError::MeteringWindowClosed { slot: 1, last_cleared: 4, window_slots: 2 }));
}
