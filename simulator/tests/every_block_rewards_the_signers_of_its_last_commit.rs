//! Scenario: one validator of four stays silent, so every last commit holds three signers;
//! each block's reward goes to exactly the signers its last commit names (the checker's
//! reward invariant, after every commit on every node), never to the silent one.

use simulator::{run, Behaviour, SimConfig};

#[test]
fn every_block_rewards_the_signers_of_its_last_commit_and_not_a_silent_validator() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(4, 2, 10, seed);
        config.byzantine = vec![(3, Behaviour::Silent)];
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 10, "{report}");
    }
}
