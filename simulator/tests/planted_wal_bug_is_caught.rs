//! Proof that the simulator finds bugs in node code: a driver that lets its own votes leave
//! before the WAL is synced double-signs after a power loss, and the seed sweep catches it
//! within the CI budget; the failing seed replays to the same trace.

use simulator::random::scenario;
use simulator::run;

#[test]
fn skipping_the_wal_sync_is_caught_and_the_failing_seed_replays() {
    let budget = 2_000u64;
    let found = (0..budget).find_map(|seed| {
        let config = scenario(seed, 4, 10, true);
        let report = run(&config);
        (!report.passed()).then_some((config, report))
    });
    let Some((config, report)) = found else { panic!("the planted bug survived {budget} seeds") };
    assert!(report.violations.iter().any(|v| v.what.contains("double sign")), "{report}");
    let replay = run(&config);
    assert_eq!(replay.trace_hash, report.trace_hash, "seed {} replays", config.seed);
    assert_eq!(replay.violations, report.violations);
    // The same scenario without the bug holds.
    let mut fixed = config.clone();
    fixed.planted_bug_skip_wal_sync = false;
    assert!(run(&fixed).passed(), "seed {} fails without the planted bug too", config.seed);
}
