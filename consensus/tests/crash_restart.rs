//! Scenario: honest validators crash, lose what they had not synced, restart from their
//! write-ahead log and signer state, and rejoin without ever signing twice.

use consensus::sim::{run, Crash, SimConfig};

#[test]
fn repeated_crashes_of_one_validator_never_make_it_double_sign() {
    for seed in 0..20 {
        let mut config = SimConfig::honest(4, 12, seed);
        config.network.jitter_ms = 40;
        config.network.loss = 0.05;
        // Crash times spread over the first heights so they land in every step.
        config.crashes =
            (0..6).map(|i| Crash { node: 1, at_ms: 37 + i * 613 + seed * 7, down_ms: 150 + seed * 13 }).collect();
        let report = run(config).unwrap();
        assert!(report.is_safe(), "seed {seed}: {:?}", report.violations);
        assert!(report.is_live(), "seed {seed}: {:?}", report.final_states);
    }
}

#[test]
fn a_third_of_the_network_crashing_at_once_only_pauses_it() {
    let mut config = SimConfig::honest(4, 8, 5);
    config.crashes = vec![Crash { node: 0, at_ms: 400, down_ms: 3_000 }, Crash { node: 2, at_ms: 500, down_ms: 2_000 }];
    let report = run(config).unwrap();
    assert!(report.is_safe(), "{:?}", report.violations);
    assert!(report.is_live(), "{:?}", report.final_states);
    // With two of four down there is no quorum: nothing is decided while both are out.
    assert!(!report.decisions.iter().any(|d| d.decided_ms > 500 && d.decided_ms < 2_500));
}
