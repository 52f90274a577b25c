//! SVG charts in the manner of the paper's figures.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use plotters::prelude::*;

use super::engine::{ScenarioRun, S1, S2};
use super::SimResult;

const SIZE: (u32, u32) = (900, 500);

/// A named series of (x, y) points.
struct Series<'a> {
    name: &'a str,
    color: RGBColor,
    points: Vec<(f64, f64)>,
}

fn bounds(series: &[Series]) -> (f64, f64, f64, f64) {
    let pts = series.iter().flat_map(|s| s.points.iter());
    let (mut x0, mut x1, mut y0, mut y1) = (f64::MAX, f64::MIN, 0.0f64, f64::MIN);
    for &(x, y) in pts {
        x0 = x0.min(x);
        x1 = x1.max(x);
        y0 = y0.min(y);
        y1 = y1.max(y);
    }
    if x1 <= x0 {
        x1 = x0 + 1.0;
    }
    if y1 <= y0 {
        y1 = y0 + 1.0;
    }
    (x0, x1, y0, y1 + 0.05 * (y1 - y0))
}

fn draw(path: &Path, title: &str, x_label: &str, y_label: &str, series: &[Series], points_only: bool) -> anyhow::Result<()> {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    let plot_err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    root.fill(&WHITE).map_err(|e| plot_err(&e))?;
    let (x0, x1, y0, y1) = bounds(series);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(70)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| plot_err(&e))?;
    chart.configure_mesh().x_desc(x_label).y_desc(y_label).draw().map_err(|e| plot_err(&e))?;
    for s in series {
        let color = s.color;
        if points_only {
            chart
                .draw_series(s.points.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(|e| plot_err(&e))?
                .label(s.name)
                .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
        } else {
            chart
                .draw_series(LineSeries::new(s.points.iter().copied(), color.stroke_width(2)))
                .map_err(|e| plot_err(&e))?
                .label(s.name)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
        }
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(|e| plot_err(&e))?;
    root.present().map_err(|e| plot_err(&e))?;
    Ok(())
}

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
