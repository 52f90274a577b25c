//! Scenario: f validators sign two conflicting versions of every vote and proposal and
//! split them across the network; honest validators stay in agreement, keep deciding,
//! and report the equivocation as evidence when both versions reach one of them.

use consensus::sim::{run, Behaviour, SimConfig};

fn with_equivocators(n: usize, byzantine: &[usize], seed: u64) -> SimConfig {
    let mut config = SimConfig::honest(n, 10, seed);
    config.network.jitter_ms = 30;
    config.byzantine = byzantine.iter().map(|v| (*v, Behaviour::Equivocator)).collect();
    config
}

#[test]
fn one_equivocator_of_four_is_harmless() {
    // Each honest node here sees only one version of every message (no gossip relays
    // them), so there is nothing to report; `core_rules` covers evidence directly.
    for seed in 0..20 {
        let report = run(with_equivocators(4, &[1], seed)).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?}", report.final_states);
    }
}

#[test]
fn two_equivocators_of_seven_are_reported_and_harmless() {
    for seed in 0..20 {
        let report = run(with_equivocators(7, &[0, 5], seed)).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?}", report.final_states);
        assert!(report.evidence > 0);
    }
}

#[test]
fn equivocators_with_a_third_of_the_stake_cannot_split_heavier_honest_validators() {
    // Weighted: the equivocator holds 30 of 100 (< 1/3).
    let mut config = with_equivocators(4, &[3], 11);
    config.powers = vec![30, 20, 20, 30];
    let report = run(config).unwrap();
    assert!(report.is_safe(), "{:?}", report.violations);
    assert!(report.is_live());
}
