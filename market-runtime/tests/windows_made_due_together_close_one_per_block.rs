//! Scenario: slots 1 and 2 are cleared with bids, then the chain jumps from slot 2 to slot 10,
//! making both windows (W = 1) due at once. The jump's block closes slot 1's window, the next
//! block slot 2's, and neither accepts a report in between.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn the_oldest_due_window_closes_first_and_one_per_block() {
    let metering = MeteringParams { metering_window_slots: 1, ..MeteringParams::default() };
    let mut store = store_with(&metered_genesis(1, 1_000_000_000, metering));
    let h = household_addr(0);
    run_block_conserving(&mut store, 1, &[bid(h, 0, 1, Side::Sell, 1_000), bid(h, 1, 2, Side::Sell, 1_000)]);
    run_block_conserving(&mut store, 2, &[]);
    let out = run_block_conserving(&mut store, 10, &[]);
    assert_eq!(out.window_closed.map(|c| c.slot), Some(1));
    // Slot 2's window is due but not yet closed: its reports are refused all the same.
    let late = report(h, 2, 2, reading(1_000, 0));
    assert_eq!(check_tx(&store, &late), Err(TxError::MeteringWindowClosed { slot: 2, last_cleared: 10, window_slots: 1 }));
    let out = run_block_conserving(&mut store, 11, &[]);
    assert_eq!(out.window_closed.map(|c| (c.slot, c.by_rule)), Some((2, 1)));
    assert!(run_block_conserving(&mut store, 12, &[]).window_closed.is_none());
}
