//! The CI seed budget: random scenarios (Byzantine validators below a third of the power,
//! lossy and jittery links, clock skew, partitions, power losses with torn WAL tails) on the
//! real node code, every invariant checked after every step. `SIM_SEEDS` sets the budget.

use simulator::random::scenario;
use simulator::run;

#[test]
fn random_faulty_scenarios_keep_every_invariant() {
    let seeds: u64 = std::env::var("SIM_SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    let mut failures = Vec::new();
    for seed in 0..seeds {
        let validators = [4, 4, 5, 7][(seed % 4) as usize];
        let report = run(&scenario(seed, validators, 10, false));
        if !report.passed() {
            failures.push(report.to_string());
        }
    }
    assert!(failures.is_empty(), "{} of {seeds} seeds failed:\n{}", failures.len(), failures.join("\n"));
}
