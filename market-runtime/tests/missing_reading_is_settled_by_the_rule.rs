//! Scenario: three households bid for slot 1; one reports, two stay silent. When the window
//! closes (the clearing of slot 1 + W + 1), the silent ones are settled by the genesis rule:
//! `as-allocated` moves nothing and counts them; `worst-plausible` settles each as if its meter
//! had read no PV and the most load its registration allows, which is never better than the
//! report it could have sent.

mod common;

use common::*;
use market_runtime::*;

const W: u64 = 1;

/// Slot 1: household 0 sells 3,000 Wh, 1 buys 2,000 Wh, 2 sells 1,000 Wh; household 0 reports
/// in slot 2's block; slot 3's clearing closes the window. Returns the closing block's outcome.
fn run(rule: MissingReading) -> (MemStore, BlockOutcome, [u64; 3]) {
    let metering = MeteringParams { metering_window_slots: W, missing_reading: rule, ..MeteringParams::default() };
    let mut store = store_with(&metered_genesis(3, 1_000_000_000, metering));
    let bids = [
        bid(household_addr(0), 0, 1, Side::Sell, 3_000),
        bid(household_addr(1), 0, 1, Side::Buy, 2_000),
        bid(household_addr(2), 0, 1, Side::Sell, 1_000),
    ];
    run_block_conserving(&mut store, 1, &bids);
    let out = run_block_conserving(&mut store, 2, &[report(household_addr(0), 1, 1, reading(3_000, 0))]);
    assert!(out.window_closed.is_none(), "slot 2's clearing leaves the window open");
    let before = [0, 1, 2].map(|i| balance(&store, &household_addr(i)));
    let out = run_block_conserving(&mut store, 1 + W + 1, &[]);
    (store, out, before)
}

#[test]
fn as_allocated_moves_nothing_and_counts_the_silent() {
    let (store, out, before) = run(MissingReading::AsAllocated);
    let close = out.window_closed.expect("window of slot 1 closed");
    assert_eq!(close, WindowClose { slot: 1, rule: MissingReading::AsAllocated, bidders: 3, reported: 1, by_rule: 2 });
    assert!(out.metered.is_empty());
    assert_eq!([0, 1, 2].map(|i| balance(&store, &household_addr(i))), before);
    assert_eq!(window_close(&store, 1), Ok(Some(close)), "the close is recorded in state");
    assert!(store.get(&chain::keys::meter_window(1)).is_none());
}

#[test]
fn worst_plausible_settles_the_silent_at_the_most_load_their_registration_allows() {
    let (store, out, before) = run(MissingReading::WorstPlausible);
    let close = out.window_closed.expect("window of slot 1 closed");
    assert_eq!((close.bidders, close.reported, close.by_rule), (3, 1, 2));
    // spec(): 5 kW PV + 2.5 kW battery + 10 kW import over one hour = 17,500 Wh of load at most.
    let [buyer, seller] = [&out.metered[0], &out.metered[1]];
    assert_eq!((buyer.household, buyer.source, buyer.metered_wh), (household_addr(1), MeteredSource::Rule, -17_500));
    assert_eq!((buyer.allocated_wh, buyer.shortfall_wh, buyer.charged), (-2_000, 15_500, 15_500_000));
    assert_eq!((seller.household, seller.allocated_wh, seller.shortfall_wh, seller.charged), (household_addr(2), 1_000, 18_500, 18_500_000));
    assert_eq!(balance(&store, &household_addr(1)), before[1] - 15_500_000);
    assert_eq!(balance(&store, &household_addr(2)), before[2] - 18_500_000);
    assert_eq!(balance(&store, &household_addr(0)), before[0], "the reporter is not settled again");
    // State holds all three, in address order, for RPC.
    let stored = metered_settlements(&store, 1).expect("records decode");
    let sources: Vec<_> = stored.iter().map(|m| (m.household, m.source)).collect();
    assert_eq!(sources, [(household_addr(0), MeteredSource::Reported), (household_addr(1), MeteredSource::Rule), (household_addr(2), MeteredSource::Rule)]);
    assert_eq!(metered_settlement(&store, 1, &household_addr(2)), Ok(Some(seller.clone())));
    // The least favourable report household 2 could have sent costs no more than silence.
    let worst_report = chain::metering::imbalance(1_000, 0 - 17_500, (1_000_000, 400_000));
    assert!(worst_report.amount <= seller.charged);
}

#[test]
fn metering_of_a_slot_without_bids_opens_no_window() {
    let metering = MeteringParams { metering_window_slots: W, ..MeteringParams::default() };
    let mut store = store_with(&metered_genesis(1, 1_000_000_000, metering));
    for slot in 1..=4 {
        let out = run_block_conserving(&mut store, slot, &[]);
        assert!(out.window_closed.is_none());
    }
    assert!(store.iter().all(|(k, _)| !k.starts_with(b"mwin/") && !k.starts_with(b"mclose/")));
}
