//! Scenario: Byzantine validators (two of seven) propose blocks the real proposal check
//! refuses (a wrong state root) and prevote and precommit for them, or for blocks nobody has,
//! in every round: no honest node commits any of them, and the chain goes on.

use simulator::{run, Behaviour, SimConfig};

#[test]
fn validators_proposing_and_voting_for_refused_blocks_never_get_them_committed() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(7, 2, 8, seed);
        config.links.latency_ms = 30;
        config.links.jitter_ms = 30;
        config.links.loss = 0.02;
        config.byzantine = vec![(2, Behaviour::InvalidVoter), (5, Behaviour::InvalidVoter)];
        let report = run(&config);
        // The invariant checker stops the run if any node commits a refused block.
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 8, "{report}");
        assert!(report.refused_values > 0, "the invalid voters never proposed or voted: {report}");
        assert!(report.commits.iter().any(|c| c.2 > 0), "no round was lost to a refused proposal: {report}");
    }
}
