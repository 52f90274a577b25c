//! Two of four equal validators down: the other two hold half the power, less than the
//! two thirds a commit needs, so the chain stops; it resumes when one of them is back.

use simulator::{run, Crash, SimConfig};

#[test]
fn two_of_four_down_halt_the_chain_and_it_resumes_when_one_returns() {
    let mut config = SimConfig::honest(4, 0, 12, 7);
    config.crashes.push(Crash { node: 1, at_ms: 3_000, down_ms: 6_000, torn_wal_bytes: 0 });
    config.crashes.push(Crash { node: 2, at_ms: 3_000, down_ms: 20_000, torn_wal_bytes: 0 });
    let report = run(&config);
    assert!(report.passed(), "{report}");
    // Allow for a height decided just before the crash that lands a few ms after it.
    let during: Vec<_> = report.first_commit_ms.iter().filter(|(_, at)| *at > 3_500 && *at < 9_000).collect();
    assert!(during.is_empty(), "heights committed while two of four were down: {during:?}");
    assert!(report.first_commit_ms.iter().any(|(_, at)| *at >= 9_000 && *at < 23_000), "resumed once node 1 was back: {report}");
    assert!(report.min_honest_height >= 12, "{report}");
}
