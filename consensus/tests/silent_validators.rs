//! Scenario: f validators never send anything; the other 2f+1 still decide every height.

use consensus::sim::{run, Behaviour, SimConfig};

fn with_silent(n: usize, silent: &[usize], seed: u64) -> SimConfig {
    let mut config = SimConfig::honest(n, 10, seed);
    config.network.jitter_ms = 20;
    config.byzantine = silent.iter().map(|v| (*v, Behaviour::Silent)).collect();
    config
}

#[test]
fn one_silent_validator_of_four_does_not_stop_the_chain() {
    for seed in 0..20 {
        let report = run(with_silent(4, &[0], seed)).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?}", report.final_states);
    }
}

#[test]
fn two_silent_validators_of_seven_do_not_stop_the_chain() {
    for seed in 0..20 {
        let report = run(with_silent(7, &[1, 4], seed)).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?}", report.final_states);
    }
}

#[test]
fn a_silent_proposer_costs_one_round_not_the_height() {
    let report = run(with_silent(4, &[2], 7)).unwrap();
    assert!(report.is_live());
    assert!(report.decisions.iter().all(|d| d.round <= 1), "{:?}", report.decisions);
    assert!(report.decisions.iter().any(|d| d.round == 1), "the silent validator never had a turn to propose");
}

#[test]
fn two_silent_validators_of_four_halt_the_chain_but_not_safety() {
    let mut config = with_silent(4, &[0, 1], 3);
    config.max_time_ms = 60_000;
    let report = run(config).unwrap();
    assert!(report.is_safe());
    assert!(report.decisions.is_empty(), "decided without a quorum: {:?}", report.decisions);
}
