//! `solartrade sim-nodes`: seeds of the whole-node simulator, swept with a progress bar and
//! their rate, or one seed replayed with its trace hash.

use std::time::Instant;

use anyhow::bail;
use simulator::random::scenario;
use simulator::{run as simulate, SimReport};

/// Seeds a sweep may run in one command (a day of this machine's time at the measured rate).
const MAX_SEEDS: u64 = 10_000_000;

#[derive(clap::Args)]
pub struct Args {
    /// How many seeds to sweep, from --first-seed on.
    #[arg(long, default_value_t = 100)]
    seeds: u64,
    #[arg(long, default_value_t = 0)]
    first_seed: u64,
    /// Validators per run.
    #[arg(long, default_value_t = 4)]
    validators: usize,
    /// Heights every honest node must commit.
    #[arg(long, default_value_t = 20)]
    heights: u64,
    /// Plant the driver bug the simulator must find (own votes sent before the WAL is synced).
    #[arg(long)]
    planted_bug: bool,
    /// Threads running seeds (each seed is single-threaded and deterministic).
    #[arg(long, default_value_t = 2)]
    threads: usize,
    /// Print every seed's report, not only failures.
    #[arg(long)]
    verbose: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if args.seeds == 0 || args.seeds > MAX_SEEDS {
        bail!("--seeds must be 1 to {MAX_SEEDS}, got {}", args.seeds);
    }
    if !(1..=256).contains(&args.validators) {
        bail!("--validators must be 1 to 256, got {}", args.validators);
    }
    if !(1..=10_000).contains(&args.heights) {
        bail!("--heights must be 1 to 10,000, got {}", args.heights);
    }
    let threads = args.threads.clamp(1, 64);
    let Some(last) = args.first_seed.checked_add(args.seeds) else { bail!("--first-seed + --seeds overflows u64") };
    let bar = indicatif::ProgressBar::new(args.seeds);
    bar.set_style(
        indicatif::ProgressStyle::with_template("[{bar:40}] {pos}/{len} seeds {per_sec} {elapsed_precise} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let next = std::sync::atomic::AtomicU64::new(args.first_seed);
    let failures = std::sync::Mutex::new(Vec::<SimReport>::new());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let seed = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if seed >= last {
                    break;
                }
                let report = simulate(&scenario(seed, args.validators, args.heights, args.planted_bug));
                if args.verbose || !report.passed() {
                    say(&bar, &report.to_string());
                }
                if !report.passed() {
                    failures.lock().unwrap_or_else(|p| p.into_inner()).push(report);
                    bar.set_message("FAILURES");
                }
                bar.inc(1);
                log_progress(&bar, started);
            });
        }
    });
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    let failures = failures.into_inner().unwrap_or_else(|p| p.into_inner());
    println!(
        "{} seeds ({} validators, {} heights, faults on{}) in {seconds:.1} s: {:.1} seeds/s on {threads} threads; {} failed",
        args.seeds,
        args.validators,
        args.heights,
        if args.planted_bug { ", planted bug" } else { "" },
        args.seeds as f64 / seconds.max(1e-9),
        failures.len()
    );
    if let Some(first) = failures.iter().min_by_key(|r| r.seed) {
        println!(
            "replay the first: solartrade sim-nodes --first-seed {} --seeds 1 --validators {} --heights {}{} --verbose",
            first.seed,
            args.validators,
            args.heights,
            if args.planted_bug { " --planted-bug" } else { "" }
        );
        bail!("{} of {} seeds broke an invariant", failures.len(), args.seeds);
    }
    Ok(())
}

/// A line above the progress bar, or on stdout when there is no terminal to draw it on.
/// Off a terminal the bar is hidden, so a sweep run into a log says how far it is every 5 %.
fn log_progress(bar: &indicatif::ProgressBar, started: Instant) {
    let (done, total) = (bar.position(), bar.length().unwrap_or(0));
    let step = (total / 20).max(1);
    if bar.is_hidden() && done % step == 0 {
        let seconds = started.elapsed().as_secs_f64();
        println!("{done}/{total} seeds in {seconds:.0} s ({:.1} seeds/s){}", done as f64 / seconds.max(1e-9), if bar.message().is_empty() { "" } else { ", FAILURES above" });
    }
}

fn say(bar: &indicatif::ProgressBar, line: &str) {
    if bar.is_hidden() {
        println!("{line}");
    } else {
        bar.println(line);
    }
}
