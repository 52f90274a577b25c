//! Scenario: the validator set changes at a given height (a validator joins, another
//! leaves, powers move); decisions continue and each certificate checks against the set
//! of its own height.

use consensus::sim::{run, SimConfig, ValidatorChange};

#[test]
fn a_validator_joins_and_another_leaves_at_height_four() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(5, 8, seed);
        config.network.jitter_ms = 25;
        // Validator 4 starts outside the set and joins; validator 0 leaves.
        config.powers = vec![1, 1, 1, 1, 0];
        config.changes = vec![ValidatorChange { height: 4, powers: vec![0, 2, 1, 1, 3] }];
        let report = run(config).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        // Node 0 has left the set and node 4 was not in it: both still follow the chain.
        assert!(report.is_live(), "seed {seed}: {:?}", report.final_states);
    }
}
