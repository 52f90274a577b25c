//! Scenario: validators that never send anything. Below a third of the power they cost the
//! rounds they would have led and nothing else; at half the power the chain stops, safely.

use simulator::{run, Behaviour, SimConfig};

fn with_silent(n: usize, silent: &[usize], seed: u64) -> SimConfig {
    let mut config = SimConfig::honest(n, 2, 10, seed);
    config.links.jitter_ms = 20;
    config.byzantine = silent.iter().map(|v| (*v, Behaviour::Silent)).collect();
    config
}

#[test]
fn one_silent_validator_of_four_does_not_stop_the_chain() {
    for seed in 0..20 {
        let report = run(&with_silent(4, &[0], seed));
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 10, "{report}");
    }
}

#[test]
fn two_silent_validators_of_seven_do_not_stop_the_chain() {
    for seed in 0..20 {
        let report = run(&with_silent(7, &[1, 4], seed));
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 10, "{report}");
    }
}

#[test]
fn a_silent_proposer_costs_one_round_not_the_height() {
    let report = run(&with_silent(4, &[2], 7));
    assert!(report.passed(), "{report}");
    let rounds: Vec<u32> = report.commits.iter().map(|c| c.2).collect();
    assert!(rounds.iter().all(|r| *r <= 1), "a height took more than one extra round: {rounds:?}");
    assert!(rounds.contains(&1), "the silent validator never had a turn to propose: {rounds:?}");
}

#[test]
fn two_silent_validators_of_four_halt_the_chain_but_not_safety() {
    let mut config = with_silent(4, &[0, 1], 3);
    config.max_time_ms = 30_000;
    let report = run(&config);
    assert!(report.commits.is_empty(), "committed without a quorum: {report}");
    // The only violation is the liveness one: nothing else broke.
    assert!(report.violations.iter().all(|v| v.what.starts_with("liveness")), "{report}");
    assert_eq!(report.violations.len(), 1, "{report}");
}
