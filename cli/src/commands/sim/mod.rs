//! `solartrade sim`: the market with simulated (or measured) households over H hours, no network.
//!
//! Runs the scenarios of Boumaiza & Sanfilippo (S1 PV, S2 PV + batteries, S3 10 kW PV) through
//! the chain's own clearing and settlement, always alongside the no-trading baseline, and prints
//! tables, a per-slot/household CSV, SVG charts, an optional JSON document and a report that
//! checks the paper's claims against this run's own numbers.

mod charts;
mod engine;
mod output;
mod report;
mod totals;

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use market_runtime::model::{read_csv, Community, CommunityConfig, Profile};
use market_runtime::{MarketParams, Mechanism};

use engine::{Scenario, ScenarioRun, S1, S2, S3};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScenarioArg {
    S1,
    S2,
    S3,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum MechanismArg {
    Sdr,
    Mmr,
    BillSharing,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Which scenario: S1 PV as configured, S2 with batteries, S3 PV raised to 10 kW, or all.
    #[arg(long, value_enum, default_value = "all")]
    pub scenario: ScenarioArg,
    /// Number of simulated households (ignored with --data).
    #[arg(long, default_value_t = 623)]
    pub households: usize,
    /// Hours to simulate, one slot per hour (ignored with --data).
    #[arg(long, default_value_t = 48)]
    pub hours: usize,
    /// Clearing mechanism; the no-trading baseline is always computed too.
    #[arg(long, value_enum, default_value = "sdr")]
    pub mechanism: MechanismArg,
    /// Price-based demand response (10 % flexible load, Liu et al.'s model).
    #[arg(long, value_enum, default_value = "on")]
    pub dr: OnOff,
    /// Seed of every random draw (households, weather).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Measured data instead of simulated households: CSV with timestamp,household,load_wh,pv_wh.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Directory for the CSV and the charts.
    #[arg(long, default_value = "out/sim")]
    pub out: PathBuf,
    /// Print one JSON document on stdout instead of the tables and report.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub season: crate::commands::season_args::SeasonArgs,
}

/// Everything a run produced, for the writers.
pub struct SimResult {
    pub params: MarketParams,
    pub dr: bool,
    pub seed: u64,
    pub source: String,
    pub runs: Vec<ScenarioRun>,
    /// S1 with demand response toggled the other way, for the net-deficit chart.
    pub s1_other_dr: Option<ScenarioRun>,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let mechanism = match args.mechanism {
        MechanismArg::Sdr => Mechanism::Sdr,
        MechanismArg::Mmr => Mechanism::Mmr,
        MechanismArg::BillSharing => Mechanism::BillSharing,
    };
    let params = MarketParams { mechanism, ..MarketParams::default() };
    let dr = args.dr == OnOff::On;
    let scenarios: Vec<Scenario> = match args.scenario {
        ScenarioArg::S1 => vec![S1],
        ScenarioArg::S2 => vec![S2],
        ScenarioArg::S3 => vec![S3],
        ScenarioArg::All => vec![S1, S2, S3],
    };

    let (base, community, source) = match &args.data {
        Some(path) => {
            let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
            let rows = read_csv(std::io::BufReader::new(file)).with_context(|| format!("reading {}", path.display()))?;
            (Profile::from_rows(&rows), None, format!("measured data from {}", path.display()))
        }
        None => {
            anyhow::ensure!(args.households > 0, "--households must be at least 1");
            anyhow::ensure!(args.hours > 0, "--hours must be at least 1");
            let (site, start_day) = args.season.resolve()?;
            let config = CommunityConfig { households: args.households, hours: args.hours, seed: args.seed, site, start_day, ..CommunityConfig::default() };
            let community = Community::generate(&config);
            let source = format!(
                "{} simulated households (seed {}), {}, {} h from {} (MM-DD)",
                args.households,
                args.seed,
                site.name,
                args.hours,
                market_runtime::model::format_day(start_day)
            );
            (community.profile(), Some(community), source)
        }
    };

    let total_steps = scenarios.len() as u64 + 1;
    let bar = if args.json { ProgressBar::hidden() } else { ProgressBar::new(total_steps) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let profile_for = |s: &Scenario| -> Profile {
        match (s.pv_kw, &community) {
            (None, _) => base.clone(),
            (Some(kw), Some(c)) => c.with_pv_kw(kw).profile(),
            (Some(kw), None) => scale_pv(&base, kw),
        }
    };
    let mut runs = Vec::new();
    for s in &scenarios {
        bar.set_message(s.label);
        runs.push(engine::run_scenario(&profile_for(s), s, &params, dr));
        bar.inc(1);
    }
    bar.set_message("S1 with demand response toggled, for the chart");
    let s1_other_dr = scenarios.contains(&S1).then(|| engine::run_scenario(&base, &S1, &params, !dr));
    bar.inc(1);
    bar.finish_and_clear();

    let result = SimResult { params, dr, seed: args.seed, source, runs, s1_other_dr };
    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let csv_path = args.out.join("households.csv");
    output::write_household_csv(&result, &csv_path)?;
    let charts = charts::write_all(&result, &args.out)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&output::json(&result))?);
    } else {
        print!("{}", totals::tables(&result));
        print!("{}", report::render(&report::findings(&result)));
        println!("\nWrote {}", csv_path.display());
        for c in charts {
            println!("Wrote {}", c.display());
        }
    }
    Ok(())
}

/// Measured data has no kWp; scale every PV household's output so its peak hour reaches `kw`.
fn scale_pv(profile: &Profile, kw: f64) -> Profile {
    let mut p = profile.clone();
    for h in 0..p.households {
        let peak = p.pv_capacity_w[h];
        if peak == 0 {
            continue;
        }
        let factor = kw * 1000.0 / peak as f64;
        for s in 0..p.slots {
            let i = p.at(s, h);
            p.pv_wh[i] = (p.pv_wh[i] as f64 * factor).round() as u64;
        }
        p.pv_capacity_w[h] = (kw * 1000.0) as u64;
    }
    p
}
