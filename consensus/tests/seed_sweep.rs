//! Random scenarios over many seeds: zero safety violations, and every run decides all its
//! heights within 10 rounds of the network healing.

use std::time::Instant;

use consensus::sim::{random_scenario, run, SimReport};

fn sweep(seeds: std::ops::Range<u64>, on_done: &dyn Fn()) -> Vec<SimReport> {
    seeds
        .map(|seed| {
            let report = run(random_scenario(seed, false)).unwrap();
            on_done();
            report
        })
        .collect()
}

fn assert_all_safe_and_live(reports: &[SimReport]) {
    let unsafe_runs: Vec<_> = reports.iter().filter(|r| !r.is_safe()).map(|r| (r.seed, r.violations.clone())).collect();
    assert!(unsafe_runs.is_empty(), "safety violations: {unsafe_runs:?}");
    let stalled: Vec<_> =
        reports.iter().filter(|r| !r.is_live()).map(|r| (r.seed, r.all_decided, r.late_decisions.clone())).collect();
    assert!(stalled.is_empty(), "liveness failures (seed, all decided, late decisions): {stalled:?}");
}

#[test]
fn one_thousand_random_seeds_keep_safety_and_liveness() {
    let started = Instant::now();
    let reports = sweep(0..1_000, &|| {});
    assert_all_safe_and_live(&reports);
    let decisions: usize = reports.iter().map(|r| r.decisions.len()).sum();
    println!("1000 seeds, {decisions} decisions, 0 violations, in {:.1?}", started.elapsed());
}

#[test]
#[ignore = "long: 100,000 seeds; run with `cargo test --release -p consensus --test seed_sweep -- --ignored`"]
fn one_hundred_thousand_random_seeds_keep_safety_and_liveness() {
    const SEEDS: u64 = 100_000;
    let started = Instant::now();
    let bar = indicatif::ProgressBar::new(SEEDS);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{elapsed_precise} [{bar:40}] {pos}/{len} seeds ({eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut violations = 0usize;
    let mut stalled = Vec::new();
    let mut decisions = 0usize;
    // Chunks keep memory flat: reports are summarised and dropped.
    for chunk in (0..SEEDS).step_by(1_000) {
        let reports = sweep(chunk..chunk + 1_000, &|| bar.inc(1));
        violations += reports.iter().filter(|r| !r.is_safe()).count();
        stalled.extend(reports.iter().filter(|r| !r.is_live()).map(|r| r.seed));
        decisions += reports.iter().map(|r| r.decisions.len()).sum::<usize>();
        assert_eq!(violations, 0, "safety violations up to seed {}", chunk + 999);
        if (chunk + 1_000) % 10_000 == 0 {
            // Plain lines too: the bar is hidden when stderr is not a terminal (CI logs).
            eprintln!("{} seeds: 0 violations, {} liveness failures", chunk + 1_000, stalled.len());
        }
    }
    bar.finish();
    println!(
        "{SEEDS} seeds, {decisions} decisions, {violations} safety violations, {} liveness failures {stalled:?}, in {:.1?}",
        stalled.len(),
        started.elapsed()
    );
    assert!(stalled.is_empty());
}
