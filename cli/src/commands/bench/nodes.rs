//! `bench consensus --sim`: commit latency of whole simulated nodes (the real
//! driver, mempool, WAL and execution) for one validator count.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context;
use hdrhistogram::Histogram;
use simulator::{geo, run as simulate, LinkConfig, SimConfig};

use super::consensus::{Args, Row, RunFigures};

/// One node's commit of one height.
pub(super) struct Commit {
    pub node: usize,
    pub height: u64,
    pub round: u32,
    pub started_ms: u64,
    pub committed_ms: u64,
}

impl Commit {
    pub fn latency_ms(&self) -> u64 {
        self.committed_ms.saturating_sub(self.started_ms)
    }
}

pub(super) fn measure(args: &Args, n: usize) -> anyhow::Result<(Row, Vec<Commit>)> {
    let mut config = SimConfig::honest(n, 0, args.heights, args.seed);
    config.links = LinkConfig {
        latency_ms: args.latency_ms,
        jitter_ms: args.jitter_ms,
        loss: args.loss,
        duplicate: 0.0,
        matrix: args.geo.then(|| geo::matrix(n)),
    };
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(format!("{n} whole nodes, {} heights", args.heights));
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let started = Instant::now();
    let report = simulate(&config);
    let wall_ms = started.elapsed().as_millis();
    bar.finish_and_clear();
    // A height starts at a node at its slot's deadline, or when that node committed the
    // height before, whichever is later.
    let mut last: BTreeMap<usize, u64> = BTreeMap::new();
    let mut commits = Vec::new();
    let mut rounds: BTreeMap<u64, u32> = BTreeMap::new();
    for &(node, height, round, at) in &report.commits {
        let deadline = height.saturating_mul(config.slot_ms);
        let started_ms = deadline.max(last.get(&node).copied().unwrap_or(0));
        last.insert(node, at);
        if height <= args.heights {
            commits.push(Commit { node, height, round, started_ms, committed_ms: at });
            let r = rounds.entry(height).or_insert(round);
            *r = (*r).min(round);
        }
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 3_600_000, 3).context("latency histogram")?;
    for c in &commits {
        hist.record(c.latency_ms().max(1)).context("recording a latency")?;
    }
    let mean_ms = commits.iter().map(|c| c.latency_ms() as f64).sum::<f64>() / commits.len().max(1) as f64;
    let run = RunFigures {
        messages: report.messages,
        violations: report.violations.len(),
        all_decided: report.min_honest_height >= args.heights,
        simulated_ms: report.sim_time_ms,
        wall_ms,
    };
    let row = Row::new(args, n, &hist, mean_ms, &rounds, &run);
    for v in &report.violations {
        eprintln!("VIOLATION {v}");
    }
    Ok((row, commits))
}
