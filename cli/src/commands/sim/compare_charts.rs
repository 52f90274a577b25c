//! `--compare` charts: one SVG per indicator, a group of bars per mechanism (one bar per
//! battery setting, at the mean across seeds) with a whisker from the lowest to the highest seed.

use std::path::{Path, PathBuf};

use anyhow::anyhow;
use market_runtime::sim::compare_table::spread;
use market_runtime::sim::indicators::Column;
use market_runtime::sim::{Batteries, Comparison, COLUMNS};
use market_runtime::Mechanism;
use plotters::prelude::*;

const SIZE: (u32, u32) = (900, 500);
const COLORS: [RGBColor; 3] = [RGBColor(150, 150, 150), RGBColor(30, 110, 200), RGBColor(230, 120, 0)];
/// Width of a group of bars, in units of the distance between mechanisms.
const GROUP_WIDTH: f64 = 0.8;

/// Writes `compare_<indicator>.svg` for every indicator; returns their paths.
pub fn write_all(c: &Comparison, dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut written = Vec::with_capacity(COLUMNS.len());
    for col in &COLUMNS {
        let path = dir.join(format!("compare_{}.svg", col.key));
        draw(c, col, &path)?;
        written.push(path);
    }
    Ok(written)
}

/// One bar: its x extent, mean, and the seeds' range.
struct Bar {
    x0: f64,
    x1: f64,
    mean: f64,
    min: f64,
    max: f64,
}

/// The bars of battery setting `b`, one per mechanism that has a row.
fn bars(c: &Comparison, col: &Column, b: usize) -> Vec<Bar> {
    let width = GROUP_WIDTH / Batteries::ALL.len() as f64;
    let mut out = Vec::new();
    for (m_index, m) in Mechanism::ALL.iter().enumerate() {
        let Some(row) = c.rows.iter().find(|r| r.mechanism == *m && r.batteries == Batteries::ALL[b]) else { continue };
        let s = spread(row, col);
        let x0 = m_index as f64 - GROUP_WIDTH / 2.0 + b as f64 * width;
        out.push(Bar { x0, x1: x0 + 0.9 * width, mean: s.mean, min: s.min, max: s.max });
    }
    out
}

fn legend(b: Batteries) -> String {
    match b {
        Batteries::None => "no battery".to_string(),
        Batteries::With(s) => format!("{} batteries", s.name()),
    }
}

fn y_range(all: &[Vec<Bar>]) -> (f64, f64) {
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for b in all.iter().flatten() {
        lo = lo.min(b.min).min(b.mean);
        hi = hi.max(b.max).max(b.mean);
    }
    if hi <= lo {
        hi = lo + 1.0;
    }
    let pad = 0.08 * (hi - lo);
    (if lo < 0.0 { lo - pad } else { lo }, hi + pad)
}

fn draw(c: &Comparison, col: &Column, path: &Path) -> anyhow::Result<()> {
    let plot_err = |e: &dyn std::fmt::Display| anyhow!("drawing {}: {e}", path.display());
    let all: Vec<Vec<Bar>> = (0..Batteries::ALL.len()).map(|b| bars(c, col, b)).collect();
    let (y0, y1) = y_range(&all);
    let n = Mechanism::ALL.len();
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(|e| plot_err(&e))?;
    let title = format!("{} ({}): mean across {} seed(s), whisker = range", col.label, col.unit, c.seeds.len());
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 18))
        .margin(15)
        .x_label_area_size(40)
        .y_label_area_size(80)
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), y0..y1)
        .map_err(|e| plot_err(&e))?;
    let name_at = |x: &f64| {
        let i = x.round();
        let on_tick = (x - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n;
        if on_tick { Mechanism::ALL[i as usize].name().to_string() } else { String::new() }
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n)
        .x_label_formatter(&name_at)
        .x_desc("mechanism")
        .y_desc(format!("{} ({})", col.label, col.unit))
        .draw()
        .map_err(|e| plot_err(&e))?;
    for (b, bars) in all.iter().enumerate() {
        let color = COLORS[b % COLORS.len()];
        chart
            .draw_series(bars.iter().map(|bar| Rectangle::new([(bar.x0, 0.0), (bar.x1, bar.mean)], color.filled())))
            .map_err(|e| plot_err(&e))?
            .label(legend(Batteries::ALL[b]))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], color.filled()));
        chart
            .draw_series(bars.iter().map(|bar| {
                let mid = (bar.x0 + bar.x1) / 2.0;
                PathElement::new(vec![(mid, bar.min), (mid, bar.max)], BLACK.stroke_width(1))
            }))
            .map_err(|e| plot_err(&e))?;
    }
    crate::chart::finish(chart, &root, path)
}
