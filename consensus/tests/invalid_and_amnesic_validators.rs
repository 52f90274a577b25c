//! Scenario: Byzantine validators that propose and vote for values the application
//! rejects, or forget their locks (amnesia); no honest validator decides an invalid value
//! and agreement holds.

use consensus::sim::{run, Behaviour, NetworkConfig, Partition, SimConfig};

#[test]
fn validators_voting_for_invalid_values_never_get_them_decided() {
    for seed in 0..20 {
        let mut config = SimConfig::honest(7, 8, seed);
        config.network = NetworkConfig { latency_ms: 30, jitter_ms: 30, loss: 0.02, duplicate: 0.0 };
        config.byzantine = vec![(2, Behaviour::InvalidVoter), (5, Behaviour::InvalidVoter)];
        let report = run(config).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?}", report.final_states);
    }
}

#[test]
fn an_amnesic_validator_under_partitions_cannot_break_agreement() {
    for seed in 0..20 {
        let mut config = SimConfig::honest(4, 8, seed);
        config.network.jitter_ms = 60;
        config.byzantine = vec![(seed as usize % 4, Behaviour::Amnesia)];
        config.partitions = vec![Partition { from_ms: 100 + seed * 50, until_ms: 3_000, groups: vec![0, 1, 0, 1] }];
        let report = run(config).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?}", report.final_states);
    }
}
