//! Scenario: one honest validator loses power again and again (its unsynced writes gone, torn
//! WAL tails) on jittery, lossy links, restarting from its disk every time: it never signs two
//! different messages for one step, and the chain reaches every height.

use simulator::{run, Crash, SimConfig};

#[test]
fn repeated_power_losses_of_one_validator_never_make_it_double_sign() {
    for seed in 0..20 {
        let mut config = SimConfig::honest(4, 2, 12, seed);
        config.links.jitter_ms = 40;
        config.links.loss = 0.05;
        // Crash times spread over the first heights so they land in every step.
        config.crashes = (0..6)
            .map(|i| Crash { node: 1, at_ms: 1_037 + i * 1_613 + seed * 7, down_ms: 150 + seed * 13, torn_wal_bytes: (i as usize * 5) % 23 })
            .collect();
        let report = run(&config);
        assert!(report.passed(), "{report}");
        assert!(report.min_honest_height >= 12, "{report}");
    }
}
