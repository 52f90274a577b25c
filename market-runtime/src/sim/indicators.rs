//! The community indicators a comparison reports for one run, the ones the P2P literature
//! compares mechanisms by (Zhou et al. 2018's self-sufficiency, Liu et al.'s prosumers' costs):
//! self-sufficiency, self-consumption, community cost, each household's bill against no
//! trading, the share of households better off, peak grid import.

use serde::Serialize;

use super::run::ScenarioRun;
use crate::Mechanism;

/// What a comparison keeps of one run: totals and each household's bill.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSummary {
    pub load_wh: u64,
    pub pv_wh: u64,
    pub grid_import_wh: u64,
    pub grid_export_wh: u64,
    pub p2p_wh: u64,
    /// The largest grid import of one slot (Wh in the hour: the hourly mean power in W).
    pub peak_grid_import_wh: u64,
    /// Each household's whole-run bill under the run's mechanism (micro-tokens, + pays).
    pub bills: Vec<i64>,
    pub dr_iterations: usize,
    pub dr_converged: bool,
}

impl RunSummary {
    pub fn of(run: &ScenarioRun) -> Self {
        let sum = |f: fn(&super::run::SlotResult) -> u64| run.slots.iter().map(f).sum::<u64>();
        Self {
            load_wh: sum(|s| s.load_wh),
            pv_wh: sum(|s| s.pv_wh),
            grid_import_wh: sum(|s| s.grid_import_wh),
            grid_export_wh: sum(|s| s.grid_export_wh),
            p2p_wh: sum(|s| s.p2p_wh),
            peak_grid_import_wh: run.slots.iter().map(|s| s.grid_import_wh).max().unwrap_or(0),
            bills: run.bills_of(run.mechanism).to_vec(),
            dr_iterations: run.dr_iterations,
            dr_converged: run.dr_converged,
        }
    }

    pub fn community_cost(&self) -> i64 {
        self.bills.iter().sum()
    }
}

/// One run's indicators. Fractions in 0..=1, money in tokens, energy in kWh, power in kW.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Indicators {
    /// Share of the community's load not imported from the grid.
    pub self_sufficiency: f64,
    /// Share of the community's PV used inside the community (not exported); 0 without PV.
    pub self_consumption: f64,
    /// Sum of the households' bills (pays minus receives).
    pub community_cost: f64,
    /// Each household's bill minus its bill without trading: mean, and spread over households.
    pub bill_delta_mean: f64,
    pub bill_delta_std: f64,
    pub bill_delta_min: f64,
    pub bill_delta_max: f64,
    /// Share of households whose bill is lower than without trading.
    pub better_off: f64,
    /// Share of households whose bill is higher than without trading.
    pub worse_off: f64,
    pub peak_grid_import_kw: f64,
    pub p2p_kwh: f64,
    pub grid_export_kwh: f64,
    pub grid_import_kwh: f64,
}

/// The indicators of `run` against `no_trading`, the same households, battery strategy and
/// seed without a market (`Mechanism::NoTrading` chosen: every household's own best reply to
/// flat grid prices, its battery run for them too).
pub fn indicators(run: &RunSummary, no_trading: &RunSummary) -> Indicators {
    let ratio = |part: u64, whole: u64| if whole == 0 { 0.0 } else { part as f64 / whole as f64 };
    let deltas: Vec<f64> = run.bills.iter().zip(&no_trading.bills).map(|(a, b)| (a - b) as f64 / 1e6).collect();
    let n = deltas.len().max(1) as f64;
    let mean = deltas.iter().sum::<f64>() / n;
    let var = deltas.iter().map(|d| (d - mean) * (d - mean)).sum::<f64>() / n;
    let count = |pred: fn(&f64) -> bool| deltas.iter().filter(|d| pred(d)).count() as f64 / n;
    let (min, max) = match deltas.is_empty() {
        true => (0.0, 0.0),
        false => (deltas.iter().copied().fold(f64::INFINITY, f64::min), deltas.iter().copied().fold(f64::NEG_INFINITY, f64::max)),
    };
    Indicators {
        self_sufficiency: 1.0 - ratio(run.grid_import_wh, run.load_wh),
        self_consumption: if run.pv_wh == 0 { 0.0 } else { 1.0 - ratio(run.grid_export_wh, run.pv_wh) },
        community_cost: run.community_cost() as f64 / 1e6,
        bill_delta_mean: mean,
        bill_delta_std: var.sqrt(),
        bill_delta_min: min,
        bill_delta_max: max,
        better_off: count(|d| *d < 0.0),
        worse_off: count(|d| *d > 0.0),
        peak_grid_import_kw: run.peak_grid_import_wh as f64 / 1000.0,
        p2p_kwh: run.p2p_wh as f64 / 1000.0,
        grid_export_kwh: run.grid_export_wh as f64 / 1000.0,
        grid_import_kwh: run.grid_import_wh as f64 / 1000.0,
    }
}

/// The mechanism a comparison measures every other against.
pub const BASELINE: Mechanism = Mechanism::NoTrading;

/// One column of a comparison: how to read an indicator and how to show it.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Machine name (CSV header stem, chart file stem).
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    /// Shown multiplied by this (100 for shares shown in %).
    pub scale: f64,
    /// Decimals in the table.
    pub decimals: usize,
    pub get: fn(&Indicators) -> f64,
}

/// The indicators every comparison output shows, in order.
pub const COLUMNS: [Column; 10] = [
    Column { key: "self_sufficiency", label: "self-sufficiency", unit: "%", scale: 100.0, decimals: 2, get: |i| i.self_sufficiency },
    Column { key: "self_consumption", label: "self-consumption", unit: "%", scale: 100.0, decimals: 1, get: |i| i.self_consumption },
    Column { key: "community_cost", label: "community cost", unit: "tokens", scale: 1.0, decimals: 1, get: |i| i.community_cost },
    Column { key: "bill_vs_no_trading", label: "bill vs no trading, mean", unit: "tokens", scale: 1.0, decimals: 3, get: |i| i.bill_delta_mean },
    Column { key: "bill_vs_no_trading_std", label: "bill vs no trading, spread over homes (std)", unit: "tokens", scale: 1.0, decimals: 3, get: |i| i.bill_delta_std },
    Column { key: "better_off", label: "households better off", unit: "%", scale: 100.0, decimals: 1, get: |i| i.better_off },
    Column { key: "worse_off", label: "households worse off", unit: "%", scale: 100.0, decimals: 1, get: |i| i.worse_off },
    Column { key: "peak_grid_import", label: "peak grid import", unit: "kW", scale: 1.0, decimals: 1, get: |i| i.peak_grid_import_kw },
    Column { key: "p2p", label: "P2P traded", unit: "kWh", scale: 1.0, decimals: 1, get: |i| i.p2p_kwh },
    Column { key: "grid_export", label: "grid export", unit: "kWh", scale: 1.0, decimals: 1, get: |i| i.grid_export_kwh },
];
