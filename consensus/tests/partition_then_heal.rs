//! Scenario: the network splits, nothing (or only the majority side) decides, and after
//! the partition heals every honest validator decides again within 10 rounds.

use consensus::sim::{run, Partition, SimConfig, LIVENESS_ROUNDS};

fn split(groups: Vec<u8>, until_ms: u64, seed: u64) -> SimConfig {
    let mut config = SimConfig::honest(groups.len(), 6, seed);
    config.network.jitter_ms = 20;
    config.partitions = vec![Partition { from_ms: 0, until_ms, groups }];
    config
}

#[test]
fn an_even_split_decides_nothing_until_it_heals_then_decides_within_ten_rounds() {
    for seed in 0..10 {
        let report = run(split(vec![0, 0, 1, 1], 20_000, seed)).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.decisions.iter().all(|d| d.decided_ms >= 20_000), "decided without a quorum");
        assert!(report.is_live(), "seed {seed}: late {:?}, states {:?}", report.late_decisions, report.final_states);
    }
}

#[test]
fn the_majority_side_keeps_deciding_and_the_minority_catches_up() {
    let report = run(split(vec![0, 0, 0, 1], 10_000, 4)).unwrap();
    assert!(report.is_safe());
    assert!(report.is_live());
    let minority: Vec<_> = report.decisions.iter().filter(|d| d.node == 3).collect();
    assert!(report.decisions.iter().any(|d| d.node != 3 && d.decided_ms < 10_000), "the majority stalled");
    assert!(minority.iter().all(|d| d.decided_ms >= 10_000));
    assert!(minority.iter().any(|d| d.via_sync), "the cut-off validator should catch up by certificates");
}

#[test]
fn three_way_splits_that_heal_repeatedly_stay_safe_and_live() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(7, 8, seed);
        config.network.jitter_ms = 40;
        config.partitions = vec![
            Partition { from_ms: 0, until_ms: 3_000, groups: vec![0, 0, 1, 1, 2, 2, 2] },
            Partition { from_ms: 5_000, until_ms: 9_000, groups: vec![0, 1, 2, 0, 1, 2, 0] },
        ];
        let report = run(config).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?}", report.late_decisions);
        assert!(report.late_decisions.iter().all(|d| d.round <= d.allowed), "{LIVENESS_ROUNDS}");
    }
}
