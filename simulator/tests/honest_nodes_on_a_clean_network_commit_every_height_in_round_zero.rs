//! Scenario: every validator is honest and the links are clean (no jitter, loss or skew): every
//! node commits every height in round 0, three one-way delays after the height starts.

use simulator::{run, SimConfig};

#[test]
fn honest_validators_on_clean_links_commit_every_height_in_round_zero() {
    let report = run(&SimConfig::honest(4, 4, 20, 1));
    assert!(report.passed(), "{report}");
    assert!(report.min_honest_height >= 20, "{report}");
    let commits: Vec<_> = report.commits.iter().filter(|c| c.1 <= 20).collect();
    assert_eq!(commits.len(), 4 * 20, "every node commits every height once by consensus: {report}");
    assert!(commits.iter().all(|c| c.2 == 0), "a height needed a second round: {commits:?}");
}

#[test]
fn a_commit_takes_three_one_way_delays_after_the_slot_deadline() {
    let config = SimConfig::honest(7, 0, 10, 2);
    let report = run(&config);
    assert!(report.passed(), "{report}");
    // Proposal, prevotes, precommits: three 50 ms hops from the slot's deadline.
    for &(node, height, _, at) in report.commits.iter().filter(|c| c.1 <= 10) {
        assert_eq!(at, height * config.slot_ms + 3 * config.links.latency_ms, "node {node} height {height}");
    }
}
