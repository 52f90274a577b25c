//! SVG charts in the manner of the paper's figures.

use std::path::{Path, PathBuf};

use anyhow::Context;
use plotters::prelude::RGBColor;

use market_runtime::sim::{ScenarioRun, SimResult, SlotResult, S1, S2};

use crate::chart::{draw, Series};

fn per_slot(run: &ScenarioRun, f: impl Fn(&SlotResult) -> f64) -> Vec<(f64, f64)> {
    run.slots.iter().map(|s| (s.slot as f64, f(s))).collect()
}

/// Under a topology: the energy each lot sent to the others per slot, and the losses (the
/// paper's Figure 9), one chart per scenario.
fn write_grid_flows(result: &SimResult, dir: &Path, written: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    const COLORS: [RGBColor; 4] = [RGBColor(30, 110, 200), RGBColor(230, 120, 20), RGBColor(40, 160, 70), RGBColor(150, 60, 170)];
    for report in &result.grid {
        let path = dir.join(format!("grid_flows_{}.svg", report.scenario));
        let names: Vec<String> = report.lots.iter().map(|lot| format!("sent by {lot}")).collect();
        let mut series: Vec<Series> = names
            .iter()
            .enumerate()
            .map(|(i, name)| Series {
                name,
                color: COLORS[i % COLORS.len()],
                points: report.slots.iter().map(|s| (s.slot as f64, s.to_lots_wh.get(i).copied().unwrap_or(0) as f64 / 1000.0)).collect(),
            })
            .collect();
        series.push(Series { name: "losses", color: RGBColor(200, 30, 30), points: report.slots.iter().map(|s| (s.slot as f64, s.loss_wh as f64 / 1000.0)).collect() });
        draw(&path, &format!("{}: energy between lots per hour", report.scenario), "slot (hour)", "kWh", &series, false)
            .with_context(|| format!("chart {}", path.display()))?;
        written.push(path);
    }
    Ok(())
}

/// Writes every chart this run has data for; returns their paths.
pub fn write_all(result: &SimResult, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    write_grid_flows(result, dir, &mut written)?;
    for run in &result.runs {
        let path = dir.join(format!("generation_demand_{}.svg", run.scenario.name));
        let series = [
            Series { name: "PV generation", color: RGBColor(230, 160, 0), points: per_slot(run, |s| s.pv_wh as f64 / 1000.0) },
            Series { name: "demand", color: RGBColor(40, 40, 160), points: per_slot(run, |s| s.load_wh as f64 / 1000.0) },
            Series { name: "grid import, no trading", color: RGBColor(200, 30, 30), points: per_slot(run, |s| s.tbp_wh as f64 / 1000.0) },
            Series { name: "grid import, trading", color: RGBColor(30, 150, 60), points: per_slot(run, |s| s.grid_import_wh as f64 / 1000.0) },
        ];
        draw(&path, &format!("{} — community energy per hour", run.scenario.label), "slot (hour)", "kWh", &series, false)
            .with_context(|| format!("chart {}", path.display()))?;
        written.push(path);
    }

    let path = dir.join("prices_vs_sdr.svg");
    let mut buy = Vec::new();
    let mut sell = Vec::new();
    for run in &result.runs {
        for s in run.slots.iter().filter(|s| !s.sdr.is_infinite()) {
            let sdr = (s.sdr.num as f64 / s.sdr.den as f64).min(2.0);
            buy.push((sdr, s.price_buy as f64 / 1e6));
            sell.push((sdr, s.price_sell as f64 / 1e6));
        }
    }
    let series = [
        Series { name: "buy price", color: RGBColor(200, 30, 30), points: buy },
        Series { name: "sell price", color: RGBColor(30, 150, 60), points: sell },
    ];
    draw(&path, "Clearing prices against the supply-demand ratio (SDR capped at 2)", "SDR", "tokens per kWh", &series, true)?;
    written.push(path);

    let s2_runs: Vec<&ScenarioRun> =
        result.runs.iter().filter(|r| r.scenario.name == S2.name).chain(result.s2_other_strategy.as_ref()).collect();
    if let Some(first) = s2_runs.first() {
        let path = dir.join("battery_soc.svg");
        let batteries = first.prosumer.iter().filter(|p| **p).count().max(1) as f64;
        let colors = [RGBColor(90, 60, 160), RGBColor(230, 120, 0)];
        let names: Vec<String> = s2_runs.iter().map(|r| format!("mean state of charge, {} batteries", r.battery_strategy.name())).collect();
        let series: Vec<Series> = s2_runs
            .iter()
            .zip(&names)
            .enumerate()
            .map(|(k, (run, name))| Series {
                name: name.as_str(),
                color: colors[k % colors.len()],
                points: per_slot(run, |s| s.soc_wh as f64 / batteries / 1000.0),
            })
            .collect();
        draw(&path, "S2 — battery state of charge (mean over batteries)", "slot (hour)", "kWh", &series, false)?;
        written.push(path);
    }

    if let (Some(a), Some(b)) = (result.runs.iter().find(|r| r.scenario.name == S1.name), &result.s1_other_dr) {
        let (with, without) = if result.dr { (a, b) } else { (b, a) };
        let path = dir.join("net_deficit_dr.svg");
        let series = [
            Series { name: "without demand response", color: RGBColor(200, 30, 30), points: per_slot(without, |s| s.net_wh as f64 / 1000.0) },
            Series { name: "with demand response", color: RGBColor(30, 110, 200), points: per_slot(with, |s| s.net_wh as f64 / 1000.0) },
        ];
        draw(&path, "S1 — community net deficit (load − PV)", "slot (hour)", "kWh", &series, false)?;
        written.push(path);
    }
    Ok(written)
}
