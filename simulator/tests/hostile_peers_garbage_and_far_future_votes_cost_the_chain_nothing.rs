//! Scenario: a validator that is also a hostile peer. Beside each honest message it sends a
//! bit-flipped, a truncated and a padded copy, random bytes, and a validly signed vote a million
//! heights ahead. Every node's real driver refuses them: no panic, no violation, and the chain
//! commits every height as it would without them.

use simulator::{run, Behaviour, SimConfig};

#[test]
fn hostile_peer_bytes_and_far_future_votes_cost_the_chain_nothing() {
    for seed in 0..10 {
        let mut config = SimConfig::honest(4, 4, 10, seed);
        config.links.jitter_ms = 20;
        config.byzantine = vec![(seed as usize % 4, Behaviour::Hostile)];
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 10, "{report}");
        let honest = run(&SimConfig { byzantine: Vec::new(), ..config.clone() });
        assert!(report.messages > honest.messages, "the hostile validator sent nothing extra: {report}");
    }
}

#[test]
fn two_hostile_validators_of_seven_on_lossy_links_stay_safe_and_live() {
    for seed in 0..5 {
        let mut config = SimConfig::honest(7, 4, 8, seed);
        config.links.latency_ms = 60;
        config.links.jitter_ms = 40;
        config.links.loss = 0.05;
        config.byzantine = vec![(1, Behaviour::Hostile), (4, Behaviour::Hostile)];
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 8, "{report}");
    }
}
