//! Scenario: the validator set changes through the real `ValidatorUpdate` transaction of the
//! network administrator (a validator outside the genesis set joins with the most power,
//! another leaves, a third gains power); every node commits on, each certificate checks
//! against the set that signed its height, and the joiner's votes are needed for a quorum.

use simulator::{run, SimConfig, ValidatorUpdate};

#[test]
fn a_validator_joins_and_another_leaves_by_transaction() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(5, 2, 12, seed);
        config.links.jitter_ms = 25;
        // Validator 4 runs from the start, outside the set; validator 0 leaves.
        config.powers = vec![1, 1, 1, 1, 0];
        config.validator_updates = vec![
            ValidatorUpdate { at_ms: 3_500, validator: 4, power: 3 },
            ValidatorUpdate { at_ms: 3_500, validator: 1, power: 2 },
            ValidatorUpdate { at_ms: 3_500, validator: 0, power: 0 },
        ];
        let report = run(&config);
        // The checker verifies each certificate against the set that signed its height.
        assert!(report.passed(), "{report}");
        // With powers 2, 1, 1, 3 a quorum needs more than 14/3: without the joiner's 3 the
        // other three hold 4, so every late height proves the joiner signs.
        assert!(report.min_honest_height >= 12, "{report}");
    }
}
