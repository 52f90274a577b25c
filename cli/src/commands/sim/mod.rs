//! `solartrade sim`: the market with simulated (or measured) households over H hours, no network.
//!
//! The simulation itself is `market_runtime::sim` (pure, tested there): the scenarios of
//! Boumaiza & Sanfilippo (S1 PV, S2 PV + batteries, S3 10 kW PV) through the chain's own
//! clearing and settlement, the report on the paper's claims, and `--compare` over every
//! mechanism and battery strategy. This module parses arguments, shows progress, writes the
//! CSV, charts and JSON, and prints.

mod charts;
mod compare;
mod compare_charts;
mod output;
mod tables;

use std::path::PathBuf;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use market_runtime::model::{read_csv, BatteryStrategy, Community, CommunityConfig, Profile};
use market_runtime::sim::{self, Households, RunSettings, Scenario, SimSetup, S1, S2, S3};
use market_runtime::{MarketParams, Mechanism};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScenarioArg {
    S1,
    S2,
    S3,
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum BatteryStrategyArg {
    SelfConsumption,
    MarketAware,
}

impl From<BatteryStrategyArg> for BatteryStrategy {
    fn from(a: BatteryStrategyArg) -> Self {
        match a {
            BatteryStrategyArg::SelfConsumption => BatteryStrategy::SelfConsumption,
            BatteryStrategyArg::MarketAware => BatteryStrategy::MarketAware,
        }
    }
}

/// Any mechanism the runtime knows (`Mechanism::ALL`), by its name.
fn parse_mechanism(name: &str) -> Result<Mechanism, String> {
    Mechanism::ALL.into_iter().find(|m| m.name() == name).ok_or_else(|| {
        let known: Vec<&str> = Mechanism::ALL.iter().map(|m| m.name()).collect();
        format!("unknown mechanism {name:?}; known: {}", known.join(", "))
    })
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
    /// Clearing mechanism (sdr, mmr, bill-sharing, or any other the runtime knows); the
    /// no-trading baseline is always computed too.
    #[arg(long, default_value = "sdr", value_parser = parse_mechanism)]
    pub mechanism: Mechanism,
    /// Price-based demand response (10 % flexible load, Liu et al.'s model).
    #[arg(long, value_enum, default_value = "on")]
    pub dr: OnOff,
    /// How the S2 batteries run: self-consumption (own surplus in, own deficit out) or
    /// market-aware (also buys when a day-ahead price forecast says cheap, sells when dear).
    /// The report checks the battery claim under both either way.
    #[arg(long, value_enum, default_value = "self-consumption")]
    pub battery_strategy: BatteryStrategyArg,
    /// Seed of every random draw (households, weather); with --compare, the first seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Compare every mechanism, without batteries and with each battery strategy, over
    /// --seeds seeds; writes a table, compare.csv, compare_runs.csv and charts to --out.
    #[arg(long)]
    pub compare: bool,
    /// Seeds for --compare: --seed, --seed + 1, ... (one run with --data: nothing to vary).
    #[arg(long, default_value_t = 5)]
    pub seeds: u64,
    /// Worker threads for --compare (default: the machine's cores); results do not depend on it.
    #[arg(long)]
    pub threads: Option<usize>,
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
    #[command(flatten)]
    pub grid: crate::commands::grid_args::GridArgs,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let params = MarketParams { mechanism: args.mechanism, topology: args.grid.topology()?, ..MarketParams::default() };
    let dr = args.dr == OnOff::On;
    if args.compare {
        return compare::run(&args, params, dr);
    }
    let scenarios: Vec<Scenario> = match args.scenario {
        ScenarioArg::S1 => vec![S1],
        ScenarioArg::S2 => vec![S2],
        ScenarioArg::S3 => vec![S3],
        ScenarioArg::All => vec![S1, S2, S3],
    };
    let (households, source) = load_households(&args)?;
    let settings = RunSettings { params, dr, battery_strategy: args.battery_strategy.into() };
    let setup = SimSetup { settings, scenarios, seed: args.seed, source };

    let bar = progress_bar(args.json, sim::simulate::run_count(&setup));
    let mut started = 0;
    let result = sim::simulate(&households, &setup, &mut |label: &str| {
        bar.set_position(started);
        started += 1;
        bar.set_message(label.to_string());
    });
    bar.finish_and_clear();

    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let csv_path = args.out.join("households.csv");
    output::write_household_csv(&result, &csv_path)?;
    let charts = charts::write_all(&result, &args.out)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&output::json(&result))?);
    } else {
        print!("{}", tables::tables(&result));
        print!("{}", sim::report::render(&sim::report::findings(&result)));
        for report in &result.grid {
            print!("\n{}", sim::grid::render(report));
        }
        println!("\nWrote {}", csv_path.display());
        for c in charts {
            println!("Wrote {}", c.display());
        }
    }
    Ok(())
}

/// The simulated community the flags describe (its seed is `--seed`).
/// The most household-slots one simulated run holds (a year of 623 homes is 5.5 million).
const MAX_HOUSEHOLD_SLOTS: usize = 20_000_000;

fn community_config(args: &Args) -> anyhow::Result<CommunityConfig> {
    anyhow::ensure!(args.households > 0, "--households must be at least 1");
    anyhow::ensure!(args.hours > 0, "--hours must be at least 1");
    // A run keeps every household's every slot in memory (about 100 bytes each).
    let household_slots = args.households.saturating_mul(args.hours);
    anyhow::ensure!(
        household_slots <= MAX_HOUSEHOLD_SLOTS,
        "--households x --hours is {household_slots}; at most {MAX_HOUSEHOLD_SLOTS} household-slots fit one run"
    );
    let (site, start_day) = args.season.resolve()?;
    Ok(CommunityConfig { households: args.households, hours: args.hours, seed: args.seed, site, start_day, ..CommunityConfig::default() })
}

/// The measured profile of `--data`, with a description for the output.
fn read_profile(path: &std::path::Path) -> anyhow::Result<(Profile, String)> {
    let file = std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let rows = read_csv(std::io::BufReader::new(file)).with_context(|| format!("reading {}", path.display()))?;
    Ok((Profile::from_rows(&rows), format!("measured data from {}", path.display())))
}

/// The households of this run (measured with `--data`, simulated otherwise) and their description.
fn load_households(args: &Args) -> anyhow::Result<(Households, String)> {
    if let Some(path) = &args.data {
        let (profile, source) = read_profile(path)?;
        return Ok((Households::measured(profile), source));
    }
    let config = community_config(args)?;
    let source = format!(
        "{} simulated households (seed {}), {}, {} h from {} (MM-DD)",
        config.households,
        config.seed,
        config.site.name,
        config.hours,
        market_runtime::model::format_day(config.start_day)
    );
    Ok((Households::simulated(Community::generate(&config)), source))
}

/// A progress bar on stderr (hidden with `--json`, whose stdout a program reads).
fn progress_bar(hidden: bool, len: u64) -> ProgressBar {
    let bar = if hidden { ProgressBar::hidden() } else { ProgressBar::new(len) };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
