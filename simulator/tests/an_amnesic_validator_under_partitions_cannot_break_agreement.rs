//! Scenario: a validator loses its whole disk (WAL and signed-step record: it forgets its
//! locks and what it signed) in the middle of a partition, and rejoins as if new; the honest
//! nodes never disagree, and commit every height once the partition heals.

use simulator::{run, Behaviour, Crash, Partition, SimConfig};

#[test]
fn an_amnesic_validator_under_partitions_cannot_break_agreement() {
    for seed in 0..20 {
        let mut config = SimConfig::honest(4, 2, 8, seed);
        config.links.jitter_ms = 60;
        let amnesic = (seed % 4) as usize;
        config.byzantine = vec![(amnesic, Behaviour::Amnesia)];
        config.partitions = vec![Partition { from_ms: 1_100 + seed * 50, until_ms: 4_000, groups: vec![0, 1, 0, 1] }];
        config.crashes = vec![Crash { node: amnesic, at_ms: 2_000 + seed * 100, down_ms: 400, torn_wal_bytes: 0 }];
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 8, "{report}");
    }
}
