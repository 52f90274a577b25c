//! `solartrade bench consensus --sim`: commit latency of whole simulated nodes (the real
//! driver, mempool, WAL and execution; `nodes.rs`) on the deterministic simulated network, for
//! one or several validator counts.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{bail, Context};
use hdrhistogram::Histogram;
use serde::Serialize;

#[derive(clap::Args)]
pub struct Args {
    /// Run on the deterministic simulated network (the only mode so far).
    #[arg(long)]
    pub(super) sim: bool,
    /// Per-link delays from the geographic matrix (validators over eight cities; see
    /// `simulator::geo`) instead of --latency-ms.
    #[arg(long)]
    pub(super) geo: bool,
    /// Validator counts to measure, comma-separated (e.g. 4,16,64,623).
    #[arg(long, value_delimiter = ',', default_value = "4")]
    pub(super) validators: Vec<usize>,
    /// One-way link delay in milliseconds.
    #[arg(long, default_value_t = 50)]
    pub(super) latency_ms: u64,
    /// Extra uniform delay in [0, jitter] per message, in milliseconds (reorders messages).
    #[arg(long, default_value_t = 0)]
    pub(super) jitter_ms: u64,
    /// Probability that a message is lost, in [0, 1].
    #[arg(long, default_value_t = 0.0)]
    pub(super) loss: f64,
    /// Heights every validator must decide.
    #[arg(long, default_value_t = 20)]
    pub(super) heights: u64,
    /// Seed of the simulated network.
    #[arg(long, default_value_t = 1)]
    pub(super) seed: u64,
    /// Print the results as JSON.
    #[arg(long)]
    json: bool,
    /// Write one row per decision (validators, node, height, round, start, decide, latency).
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Draw commit latency (p50, p90, p99) against the number of validators as SVG.
    #[arg(long)]
    chart: Option<PathBuf>,
}

/// The results for one validator count.
#[derive(Serialize)]
pub(super) struct Row {
    pub(super) validators: usize,
    pub(super) heights: u64,
    pub(super) latency_ms: u64,
    pub(super) jitter_ms: u64,
    pub(super) loss: f64,
    pub(super) p50_ms: u64,
    pub(super) p90_ms: u64,
    pub(super) p99_ms: u64,
    pub(super) max_ms: u64,
    pub(super) mean_ms: f64,
    pub(super) messages_per_height: f64,
    pub(super) rounds_per_height: f64,
    pub(super) safety_violations: usize,
    pub(super) all_decided: bool,
    pub(super) simulated_ms: u64,
    pub(super) wall_ms: u128,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    if !args.sim {
        bail!("only the simulated network is supported: pass --sim");
    }
    if !(0.0..=1.0).contains(&args.loss) {
        bail!("--loss must be a probability in [0, 1], got {}", args.loss);
    }
    if args.heights == 0 {
        bail!("--heights must be at least 1");
    }
    let mut rows = Vec::new();
    let mut csv = match &args.csv {
        Some(path) => {
            let mut w = csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
            w.write_record(["validators", "node", "height", "round", "started_ms", "decided_ms", "latency_ms"])?;
            Some(w)
        }
        None => None,
    };
    for &n in &args.validators {
        if n == 0 {
            bail!("--validators: a network needs at least one validator");
        }
        let (row, commits) = super::nodes::measure(&args, n)?;
        if let Some(w) = csv.as_mut() {
            for c in commits {
                w.write_record(&[
                    n.to_string(),
                    c.node.to_string(),
                    c.height.to_string(),
                    c.round.to_string(),
                    c.started_ms.to_string(),
                    c.committed_ms.to_string(),
                    c.latency_ms().to_string(),
                ])?;
            }
        }
        rows.push(row);
    }
    if let Some(mut w) = csv {
        w.flush()?;
    }
    if let Some(path) = &args.chart {
        draw_chart(path, &rows).with_context(|| format!("drawing {}", path.display()))?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    } else {
        print_table(&rows);
    }
    if rows.iter().any(|r| r.safety_violations > 0) {
        bail!("the simulator found safety violations");
    }
    Ok(())
}

/// What a simulated run gives a row besides its latencies.
pub(super) struct RunFigures {
    pub messages: u64,
    pub violations: usize,
    pub all_decided: bool,
    pub simulated_ms: u64,
    pub wall_ms: u128,
}

impl Row {
    /// One validator count's row: `rounds` is, per height, the round it was decided in.
    pub(super) fn new(args: &Args, n: usize, hist: &Histogram<u64>, mean_ms: f64, rounds: &BTreeMap<u64, u32>, run: &RunFigures) -> Row {
        Row {
            validators: n,
            heights: args.heights,
            latency_ms: args.latency_ms,
            jitter_ms: args.jitter_ms,
            loss: args.loss,
            p50_ms: hist.value_at_quantile(0.5),
            p90_ms: hist.value_at_quantile(0.9),
            p99_ms: hist.value_at_quantile(0.99),
            max_ms: hist.max(),
            mean_ms,
            messages_per_height: run.messages as f64 / args.heights as f64,
            rounds_per_height: rounds.values().map(|r| f64::from(*r) + 1.0).sum::<f64>() / rounds.len().max(1) as f64,
            safety_violations: run.violations,
            all_decided: run.all_decided,
            simulated_ms: run.simulated_ms,
            wall_ms: run.wall_ms,
        }
    }
}

fn print_table(rows: &[Row]) {
    println!(
        "{:>10} {:>8} {:>8} {:>8} {:>8} {:>9} {:>14} {:>9} {:>10} {:>9}",
        "validators", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms", "msgs/height", "rounds/h", "violations", "wall s"
    );
    for r in rows {
        println!(
            "{:>10} {:>8} {:>8} {:>8} {:>8} {:>9.1} {:>14.0} {:>9.2} {:>10} {:>9.1}",
            r.validators,
            r.p50_ms,
            r.p90_ms,
            r.p99_ms,
            r.max_ms,
            r.mean_ms,
            r.messages_per_height,
            r.rounds_per_height,
            r.safety_violations,
            r.wall_ms as f64 / 1000.0
        );
    }
}

fn draw_chart(path: &std::path::Path, rows: &[Row]) -> anyhow::Result<()> {
    use plotters::prelude::*;
    let root = SVGBackend::new(path, (800, 500)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| anyhow::anyhow!("{e}"))?;
    let max_n = rows.iter().map(|r| r.validators).max().unwrap_or(1) as f64;
    let max_ms = rows.iter().map(|r| r.p99_ms).max().unwrap_or(1) as f64 * 1.15;
    let mut chart = ChartBuilder::on(&root)
        .caption("Simulated commit latency vs validators", ("sans-serif", 22))
        .margin(20)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((1f64..max_n * 1.5).log_scale(), 0f64..max_ms)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    chart
        .configure_mesh()
        .x_desc("validators")
        .y_desc("commit latency (ms)")
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let series: [(&str, fn(&Row) -> u64, RGBColor); 3] =
        [("p50", |r| r.p50_ms, BLUE), ("p90", |r| r.p90_ms, GREEN), ("p99", |r| r.p99_ms, RED)];
    for (name, pick, color) in series {
        let points: Vec<(f64, f64)> = rows.iter().map(|r| (r.validators as f64, pick(r) as f64)).collect();
        chart
            .draw_series(LineSeries::new(points.clone(), color.stroke_width(2)))
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
        chart.draw_series(points.into_iter().map(|p| Circle::new(p, 4, color.filled()))).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    root.present().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}
