//! Scenario: slow, jittery links that lose, duplicate and reorder messages; rebroadcasts
//! and growing timeouts keep the chain going and nothing unsafe happens.

use consensus::sim::{run, NetworkConfig, SimConfig};

#[test]
fn twenty_percent_loss_with_duplicates_and_reordering_stays_safe_and_live() {
    for seed in 0..20 {
        let mut config = SimConfig::honest(7, 8, seed);
        config.network = NetworkConfig { latency_ms: 200, jitter_ms: 150, loss: 0.2, duplicate: 0.1 };
        let report = run(config).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?} {:?}", report.late_decisions, report.final_states);
    }
}

#[test]
fn links_slower_than_the_first_timeouts_only_cost_rounds() {
    let mut config = SimConfig::honest(4, 5, 9);
    // A 1.5 s one-way delay exceeds the round-0 timeouts; rounds must grow until it fits.
    config.network = NetworkConfig { latency_ms: 1_500, jitter_ms: 500, loss: 0.0, duplicate: 0.0 };
    let report = run(config).unwrap();
    assert!(report.is_safe());
    assert!(report.is_live(), "{:?}", report.final_states);
}
