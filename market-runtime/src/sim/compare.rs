//! `sim --compare`: every mechanism of `Mechanism::ALL`, with no battery and with each battery
//! strategy, on the same households, over several seeds.
//!
//! Each (seed, mechanism, batteries) is one full run (`run_scenario`, demand response at its
//! equilibrium under that mechanism's prices). Runs are independent, so they may be spread
//! over threads; each result is stored at its job's index and every figure is computed from
//! those in a fixed order, so the comparison does not depend on thread scheduling.

use crate::model::{BatteryStrategy, Community, CommunityConfig, Profile};
use crate::{MarketParams, Mechanism};

use super::engine::run_scenario;
use super::indicators::{indicators, Indicators, RunSummary, BASELINE};
use super::parallel::{self, WorkerFailed};
use super::run::RunSettings;
use super::scenario::{Scenario, S1, S2};

/// Batteries in a comparison row: none (S1), or one in every PV household run by a strategy (S2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Batteries {
    None,
    With(BatteryStrategy),
}

impl Batteries {
    pub const ALL: [Batteries; 3] =
        [Batteries::None, Batteries::With(BatteryStrategy::SelfConsumption), Batteries::With(BatteryStrategy::MarketAware)];

    pub fn name(self) -> &'static str {
        match self {
            Batteries::None => "none",
            Batteries::With(s) => s.name(),
        }
    }

    fn scenario(self) -> &'static Scenario {
        match self {
            Batteries::None => &S1,
            Batteries::With(_) => &S2,
        }
    }

    fn strategy(self) -> BatteryStrategy {
        match self {
            Batteries::None => BatteryStrategy::SelfConsumption,
            Batteries::With(s) => s,
        }
    }
}

/// The households of a comparison.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareSource {
    /// Drawn again for every seed (`seed` in the config is replaced).
    Simulated(CommunityConfig),
    /// Measured profiles: nothing random to vary, so one run stands for every seed.
    Measured(Profile),
}

#[derive(Clone, Debug, PartialEq)]
pub struct CompareConfig {
    pub source: CompareSource,
    pub seeds: Vec<u64>,
    /// Grid prices and the rest; the mechanism is set per row.
    pub params: MarketParams,
    pub dr: bool,
    /// Worker threads (1: run everything on the caller's thread).
    pub threads: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompareError {
    #[error("a comparison needs at least one seed")]
    NoSeeds,
    #[error("a comparison needs households and slots (got {households} households, {slots} slots)")]
    Empty { households: usize, slots: usize },
    #[error(transparent)]
    WorkerFailed(#[from] WorkerFailed),
}

/// One row: a mechanism with a battery setting, its indicators for each seed (seed order).
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub mechanism: Mechanism,
    pub batteries: Batteries,
    pub per_seed: Vec<Indicators>,
    pub dr_iterations: Vec<usize>,
    pub dr_converged: Vec<bool>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// The seeds actually run (one for measured data).
    pub seeds: Vec<u64>,
    pub households: usize,
    pub slots: usize,
    /// `Mechanism::ALL` order, and within a mechanism `Batteries::ALL` order.
    pub rows: Vec<Row>,
}

/// How many runs `compare` makes for `config` (for a progress bar).
pub fn run_count(config: &CompareConfig) -> usize {
    seeds_run(config).len() * Mechanism::ALL.len() * Batteries::ALL.len()
}

fn seeds_run(config: &CompareConfig) -> Vec<u64> {
    match config.source {
        CompareSource::Simulated(_) => config.seeds.clone(),
        CompareSource::Measured(_) => config.seeds.iter().take(1).copied().collect(),
    }
}

/// Runs the comparison; `progress(done, total)` is called after each run, from any thread.
pub fn compare(config: &CompareConfig, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<Comparison, CompareError> {
    let seeds = seeds_run(config);
    if seeds.is_empty() {
        return Err(CompareError::NoSeeds);
    }
    let profiles = parallel::map(&seeds, config.threads, |&seed| profile_for_seed(&config.source, seed), |_| {})?;
    let Some(first) = profiles.first() else { return Err(CompareError::NoSeeds) };
    let (households, slots) = (first.households, first.slots);
    if households == 0 || slots == 0 {
        return Err(CompareError::Empty { households, slots });
    }
    let jobs: Vec<Job> = (0..seeds.len())
        .flat_map(|s| Mechanism::ALL.into_iter().flat_map(move |m| Batteries::ALL.into_iter().map(move |b| Job { seed: s, mechanism: m, batteries: b })))
        .collect();
    let run = |job: &Job| run_job(config, &profiles[job.seed], job);
    let summaries = parallel::map(&jobs, config.threads, run, |done| progress(done, jobs.len()))?;
    let rows = rows(&seeds, &jobs, &summaries);
    Ok(Comparison { seeds, households, slots, rows })
}

fn profile_for_seed(source: &CompareSource, seed: u64) -> Profile {
    match source {
        CompareSource::Simulated(c) => Community::generate(&CommunityConfig { seed, ..c.clone() }).profile(),
        CompareSource::Measured(p) => p.clone(),
    }
}

#[derive(Clone, Copy, Debug)]
struct Job {
    /// Index into the seeds run.
    seed: usize,
    mechanism: Mechanism,
    batteries: Batteries,
}

fn run_job(config: &CompareConfig, profile: &Profile, job: &Job) -> RunSummary {
    let settings = RunSettings {
        params: MarketParams { mechanism: job.mechanism, ..config.params.clone() },
        dr: config.dr,
        battery_strategy: job.batteries.strategy(),
    };
    RunSummary::of(&run_scenario(profile, job.batteries.scenario(), &settings))
}

/// Groups the summaries into rows and measures each against the same seed's and battery
/// setting's no-trading run.
fn rows(seeds: &[u64], jobs: &[Job], summaries: &[RunSummary]) -> Vec<Row> {
    let find = |seed: usize, m: Mechanism, b: Batteries| {
        jobs.iter().position(|j| j.seed == seed && j.mechanism == m && j.batteries == b).map(|i| &summaries[i])
    };
    let mut rows = Vec::new();
    for m in Mechanism::ALL {
        for b in Batteries::ALL {
            let mut row = Row { mechanism: m, batteries: b, per_seed: Vec::new(), dr_iterations: Vec::new(), dr_converged: Vec::new() };
            for s in 0..seeds.len() {
                let (Some(run), Some(base)) = (find(s, m, b), find(s, BASELINE, b)) else { continue };
                row.per_seed.push(indicators(run, base));
                row.dr_iterations.push(run.dr_iterations);
                row.dr_converged.push(run.dr_converged);
            }
            rows.push(row);
        }
    }
    rows
}
