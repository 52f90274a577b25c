//! `solartrade sim` without its I/O: the chosen scenarios, and the extra runs the charts and
//! the report compare them with.

use crate::model::BatteryStrategy;
use crate::MarketParams;

use super::engine::run_scenario;
use super::grid::{grid_report, GridReport};
use super::run::{RunSettings, ScenarioRun};
use super::scenario::{Households, Scenario, S1, S2};

/// What to simulate, and how the households are described in the output.
#[derive(Clone, Debug, PartialEq)]
pub struct SimSetup {
    pub settings: RunSettings,
    pub scenarios: Vec<Scenario>,
    /// The seed the households were drawn from (reported only; the profile is already drawn).
    pub seed: u64,
    pub source: String,
}

/// Everything a run produced, for the tables, files, charts and report.
#[derive(Clone, Debug, PartialEq)]
pub struct SimResult {
    pub params: MarketParams,
    pub dr: bool,
    pub battery_strategy: BatteryStrategy,
    pub seed: u64,
    pub source: String,
    pub runs: Vec<ScenarioRun>,
    /// S1 with demand response toggled the other way, for the net-deficit chart.
    pub s1_other_dr: Option<ScenarioRun>,
    /// S2 with the other battery strategy, so the report checks the battery claim under both.
    pub s2_other_strategy: Option<ScenarioRun>,
    /// Under a topology, each scenario's flows between lots and bound limits (`sim::grid`).
    pub grid: Vec<GridReport>,
}

/// How many runs `simulate` makes (for a progress bar).
pub fn run_count(setup: &SimSetup) -> u64 {
    let extra = usize::from(setup.scenarios.contains(&S1)) + usize::from(setup.scenarios.contains(&S2));
    (setup.scenarios.len() + extra) as u64
}

/// Runs the scenarios; `progress` hears the label of each run as it starts.
pub fn simulate(households: &Households, setup: &SimSetup, progress: &mut dyn FnMut(&str)) -> SimResult {
    let settings = &setup.settings;
    let mut runs = Vec::with_capacity(setup.scenarios.len());
    for s in &setup.scenarios {
        progress(s.label);
        runs.push(run_scenario(&households.profile_for(s), s, settings));
    }
    let s1_other_dr = setup.scenarios.contains(&S1).then(|| {
        progress("S1 with demand response toggled, for the chart");
        let other = RunSettings { dr: !settings.dr, ..settings.clone() };
        run_scenario(&households.profile_for(&S1), &S1, &other)
    });
    let s2_other_strategy = setup.scenarios.contains(&S2).then(|| {
        progress("S2 with the other battery strategy, for the report");
        let other = RunSettings { battery_strategy: other_strategy(settings.battery_strategy), ..settings.clone() };
        run_scenario(&households.profile_for(&S2), &S2, &other)
    });
    let grid = settings.params.topology.as_ref().map_or_else(Vec::new, |t| runs.iter().filter_map(|r| grid_report(r, t)).collect());
    SimResult {
        grid,
        params: settings.params.clone(),
        dr: settings.dr,
        battery_strategy: settings.battery_strategy,
        seed: setup.seed,
        source: setup.source.clone(),
        runs,
        s1_other_dr,
        s2_other_strategy,
    }
}

fn other_strategy(s: BatteryStrategy) -> BatteryStrategy {
    match s {
        BatteryStrategy::SelfConsumption => BatteryStrategy::MarketAware,
        BatteryStrategy::MarketAware => BatteryStrategy::SelfConsumption,
    }
}
