//! Scenario: under `worst-plausible`, a slot with more bidders than one block may settle by the
//! rule (`CLOSE_HOUSEHOLDS_PER_BLOCK`) closes over two blocks: the first settles the lowest
//! addresses and keeps the window open (no `window_closed`), the second the rest, each household
//! exactly once, and the close counts them all.

mod common;

use common::*;
use market_runtime::chain::metering_close::CLOSE_HOUSEHOLDS_PER_BLOCK;
use market_runtime::*;

#[test]
fn the_rule_settles_a_large_slot_across_blocks_once_each() {
    let n = CLOSE_HOUSEHOLDS_PER_BLOCK as u32 + 50;
    let metering = MeteringParams { metering_window_slots: 1, missing_reading: MissingReading::WorstPlausible, ..MeteringParams::default() };
    let mut store = store_with(&metered_genesis(n, 100_000_000, metering));
    let bids: Vec<Tx> = (0..n).map(|i| bid(household_addr(i), 0, 1, Side::Sell, 1_000)).collect();
    run_block_conserving(&mut store, 1, &bids);
    run_block_conserving(&mut store, 2, &[report(household_addr(7), 1, 1, reading(1_000, 0))]);

    let first = run_block_conserving(&mut store, 3, &[]);
    assert!(first.window_closed.is_none(), "the close continues in the next block");
    assert_eq!(first.metered.len() as u64, CLOSE_HOUSEHOLDS_PER_BLOCK - 1, "the budget counts the reporter it passed");
    let second = run_block_conserving(&mut store, 4, &[]);
    let close = second.window_closed.expect("closed in the second block");
    assert_eq!((close.bidders, close.reported, close.by_rule), (u64::from(n), 1, u64::from(n) - 1));
    assert_eq!(second.metered.len(), 50);

    let mut settled: Vec<Address> = first.metered.iter().chain(&second.metered).map(|m| m.household).collect();
    settled.sort_unstable();
    settled.dedup();
    assert_eq!(settled.len() as u32, n - 1, "every silent bidder settled exactly once");
    assert!(!settled.contains(&household_addr(7)));
    assert!(run_block_conserving(&mut store, 5, &[]).metered.is_empty());
}
