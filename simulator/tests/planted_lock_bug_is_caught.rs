//! Proof that the simulator finds bugs in the consensus core as well as in node code: with the
//! planted bug (every honest validator ignores its lock and valid value), the CI seed budget
//! finds two honest nodes committing different blocks at one height; the failing seed replays.

use simulator::random::scenario;
use simulator::run;

#[test]
fn ignoring_locks_is_caught_within_the_ci_seed_budget() {
    let budget = 500u64;
    let found = (0..budget).find_map(|seed| {
        let mut config = scenario(seed, 4, 10, false);
        config.planted_bug_ignore_locks = true;
        let report = run(&config);
        (!report.passed()).then_some((config, report))
    });
    let Some((config, report)) = found else { panic!("no seed out of {budget} broke agreement with locks ignored") };
    println!("planted lock bug caught at seed {}: {report}", config.seed);
    assert!(report.violations.iter().any(|v| v.what.contains("another node committed")), "{report}");
    let replay = run(&config);
    assert_eq!(replay.trace_hash, report.trace_hash, "seed {} replays", config.seed);
    let mut fixed = config.clone();
    fixed.planted_bug_ignore_locks = false;
    assert!(run(&fixed).passed(), "seed {} fails with locks honoured too", config.seed);
}
