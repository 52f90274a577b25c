//! The simulator can fail: with the planted bug (every honest validator ignores its lock),
//! the CI seed budget finds a safety violation.

use consensus::sim::{random_scenario, run, Violation};

#[test]
fn ignoring_locks_is_caught_within_the_ci_seed_budget() {
    let found = (0..1_000u64).find_map(|seed| {
        let report = run(random_scenario(seed, true)).unwrap();
        report.violations.first().cloned().map(|v| (seed, v))
    });
    let (seed, violation) = found.expect("no seed out of 1,000 broke safety with locks ignored");
    println!("planted bug caught at seed {seed}: {violation}");
    assert!(matches!(violation, Violation::Disagreement { .. }), "{violation}");
    let fixed = run(random_scenario(seed, false)).unwrap();
    assert!(fixed.is_safe(), "seed {seed} breaks safety even with locks honoured: {:?}", fixed.violations);
}

