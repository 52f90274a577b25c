//! Scenario: slow, jittery links that lose, duplicate and reorder messages; rebroadcasts, block
//! sync and growing timeouts keep the chain going, and nothing unsafe happens.

use simulator::{run, SimConfig};

#[test]
fn twenty_percent_loss_with_duplicates_and_reordering_stays_safe_and_live() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(7, 2, 8, seed);
        config.links.latency_ms = 200;
        config.links.jitter_ms = 150;
        config.links.loss = 0.2;
        config.links.duplicate = 0.1;
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 8, "{report}");
    }
}

#[test]
fn links_slower_than_the_first_timeouts_only_cost_rounds() {
    // A 1.5 s one-way delay exceeds the round-0 timeouts: rounds must grow until it fits.
    let mut config = SimConfig::honest(4, 0, 5, 9);
    config.links.latency_ms = 1_500;
    config.links.jitter_ms = 500;
    let report = run(&config);
    assert!(report.passed(), "{report}");
    assert!(report.min_honest_height >= 5, "{report}");
    assert!(report.commits.iter().any(|c| c.2 > 0), "round 0 was enough: the links were not slow: {report}");
}
