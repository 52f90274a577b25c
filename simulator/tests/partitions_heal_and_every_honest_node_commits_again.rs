//! Scenario: the network splits; nothing (or only the side holding more than two thirds)
//! commits, and once the partition heals every honest node commits again, within ten rounds
//! of the round it had reached.

use consensus::Params;
use simulator::{run, Partition, SimConfig, SimReport};

/// Rounds a height may need after the heal beyond those it had time to reach before it.
const LIVENESS_ROUNDS: u32 = 10;

/// The most rounds that fit in `ms`: each round lasts at least its three timeouts, so no node
/// can be further than this many rounds into a height that started `ms` ago.
fn rounds_within(params: &Params, ms: u64) -> u32 {
    let mut spent = 0u64;
    let mut round = 0u32;
    loop {
        spent += params.propose_timeout(round) + params.prevote_timeout(round) + params.precommit_timeout(round);
        if spent > ms {
            return round;
        }
        round += 1;
    }
}

/// Every commit made after `heal_ms` is at most `LIVENESS_ROUNDS` beyond the rounds the
/// partition had room for.
fn assert_live_after(report: &SimReport, config: &SimConfig, from_ms: u64, heal_ms: u64) {
    let allowed = rounds_within(&config.params, heal_ms - from_ms) + LIVENESS_ROUNDS;
    let late: Vec<_> = report.commits.iter().filter(|c| c.3 >= heal_ms && c.2 > allowed).collect();
    assert!(late.is_empty(), "commits more than {LIVENESS_ROUNDS} rounds after the heal (allowed {allowed}): {late:?}");
    assert!(report.min_honest_height >= config.heights, "{report}");
}

fn split(groups: Vec<u8>, from_ms: u64, until_ms: u64, seed: u64) -> SimConfig {
    let mut config = SimConfig::honest(groups.len(), 2, 8, seed);
    config.links.jitter_ms = 20;
    config.partitions = vec![Partition { from_ms, until_ms, groups }];
    config
}

#[test]
fn an_even_split_commits_nothing_until_it_heals_then_commits_within_ten_rounds() {
    for seed in 0..10 {
        let config = split(vec![0, 0, 1, 1], 2_500, 20_000, seed);
        let report = run(&config);
        assert!(report.passed(), "{report}");
        // A height may be decided just before the split, its commit landing a hop later.
        let during: Vec<_> = report.first_commit_ms.iter().filter(|(_, at)| *at > 2_700 && *at < 20_000).collect();
        assert!(during.is_empty(), "committed without a quorum: {during:?}");
        assert_live_after(&report, &config, 2_500, 20_000);
    }
}

#[test]
fn the_majority_side_keeps_committing_and_the_minority_catches_up() {
    let config = split(vec![0, 0, 0, 0, 1], 1_500, 10_000, 4);
    let report = run(&config);
    assert!(report.passed(), "{report}");
    let cut_off = |c: &&(usize, u64, u32, u64)| c.0 == 4;
    assert!(report.commits.iter().any(|c| !cut_off(&c) && c.3 > 3_000 && c.3 < 10_000), "the majority stalled: {report}");
    assert!(report.commits.iter().filter(cut_off).all(|c| c.3 < 1_500 || c.3 >= 10_000), "the cut-off node committed alone: {report}");
    assert_live_after(&report, &config, 1_500, 10_000);
}

#[test]
fn three_way_splits_that_heal_repeatedly_stay_safe_and_live() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(7, 2, 12, seed);
        config.links.jitter_ms = 40;
        config.partitions = vec![
            Partition { from_ms: 1_000, until_ms: 4_000, groups: vec![0, 0, 1, 1, 2, 2, 2] },
            Partition { from_ms: 6_000, until_ms: 10_000, groups: vec![0, 1, 2, 0, 1, 2, 0] },
        ];
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert_live_after(&report, &config, 6_000, 10_000);
    }
}
