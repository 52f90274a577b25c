//! Scenario: validators with less than a third of the power sign two conflicting versions of
//! every vote and send one to each half of the network; honest nodes stay on one chain and
//! keep committing. (Simulated links carry a message straight to each peer, without gossip's
//! relaying, so no honest node holds both versions here: evidence reported and punished on
//! chain is proven by the twins, whose copies each send to everyone.)

use simulator::{run, Behaviour, SimConfig};

fn with_equivocators(n: usize, byzantine: &[usize], seed: u64) -> SimConfig {
    let mut config = SimConfig::honest(n, 2, 10, seed);
    config.links.jitter_ms = 30;
    config.byzantine = byzantine.iter().map(|v| (*v, Behaviour::Equivocator)).collect();
    config
}

#[test]
fn one_equivocator_of_four_is_harmless() {
    for seed in 0..20 {
        let report = run(&with_equivocators(4, &[1], seed));
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 10, "{report}");
    }
}

#[test]
fn two_equivocators_of_seven_are_harmless() {
    for seed in 0..20 {
        let report = run(&with_equivocators(7, &[0, 5], seed));
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 10, "{report}");
    }
}

#[test]
fn an_equivocator_with_under_a_third_of_the_stake_cannot_split_heavier_honest_validators() {
    // Weighted: the equivocator holds 30 of 100 (< 1/3).
    let mut config = with_equivocators(4, &[3], 11);
    config.powers = vec![30, 20, 20, 30];
    let report = run(&config);
    assert!(report.passed(), "{report}");
    assert!(report.min_honest_height >= 10, "{report}");
}
