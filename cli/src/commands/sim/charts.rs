//! SVG charts in the manner of the paper's figures.

use std::path::{Path, PathBuf};

use anyhow::Context;
use plotters::prelude::RGBColor;

use crate::chart::{draw, Series};

use super::engine::{ScenarioRun, S1, S2};
use super::SimResult;

fn per_slot(run: &ScenarioRun, f: impl Fn(&super::engine::SlotResult) -> f64) -> Vec<(f64, f64)> {
    run.slots.iter().map(|s| (s.slot as f64, f(s))).collect()
}

/// Writes every chart this run has data for; returns their paths.
pub fn write_all(result: &SimResult, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::new();
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

    if let Some(run) = result.runs.iter().find(|r| r.scenario.name == S2.name) {
        let path = dir.join("battery_soc.svg");
        let batteries = run.prosumer.iter().filter(|p| **p).count().max(1) as f64;
        let series = [Series {
            name: "mean battery state of charge",
            color: RGBColor(90, 60, 160),
            points: per_slot(run, |s| s.soc_wh as f64 / batteries / 1000.0),
        }];
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
