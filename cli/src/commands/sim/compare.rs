//! `solartrade sim --compare`: runs `market_runtime::sim::compare`, prints the table and the
//! battery claim per mechanism, writes `compare.csv` (mean, std, min, max across seeds),
//! `compare_runs.csv` (every seed) and one chart per indicator.

use std::path::Path;
use std::time::Instant;

use anyhow::Context;
use market_runtime::sim::compare_table::{battery_claims, markdown, render_battery_claims, run_records, spread, summary_records};
use market_runtime::sim::{self, CompareConfig, CompareSource, Comparison, COLUMNS};
use market_runtime::MarketParams;
use serde_json::{json, Value};

use super::{community_config, compare_charts, progress_bar, read_profile, Args};

/// Every seed is a full run per mechanism and battery setting, all kept for the spread.
const MAX_SEEDS: u64 = 1_000;

pub fn run(args: &Args, params: MarketParams, dr: bool) -> anyhow::Result<()> {
    anyhow::ensure!((1..=MAX_SEEDS).contains(&args.seeds), "--seeds is {}; it must be 1 to {MAX_SEEDS}", args.seeds);
    anyhow::ensure!(args.threads != Some(0), "--threads must be at least 1");
    let (source, described) = match &args.data {
        Some(path) => {
            let (profile, described) = read_profile(path)?;
            (CompareSource::Measured(profile), described)
        }
        None => {
            let c = community_config(args)?;
            let described = format!(
                "{} simulated households, {}, {} h from {} (MM-DD)",
                c.households,
                c.site.name,
                c.hours,
                market_runtime::model::format_day(c.start_day)
            );
            (CompareSource::Simulated(c), described)
        }
    };
    let seeds: Vec<u64> = (0..args.seeds).map(|k| args.seed.wrapping_add(k)).collect();
    let threads = args.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let config = CompareConfig { source, seeds, params, dr, threads };

    let bar = progress_bar(args.json, sim::compare::run_count(&config) as u64);
    bar.set_message("runs: mechanism x batteries x seed");
    let started = Instant::now();
    let comparison = sim::compare(&config, &|done: usize, _total: usize| bar.set_position(done as u64))?;
    let elapsed = started.elapsed();
    bar.finish_and_clear();

    std::fs::create_dir_all(&args.out).with_context(|| format!("creating {}", args.out.display()))?;
    let summary_path = args.out.join("compare.csv");
    let runs_path = args.out.join("compare_runs.csv");
    write_records(&summary_path, &summary_records(&comparison))?;
    write_records(&runs_path, &run_records(&comparison))?;
    let charts = compare_charts::write_all(&comparison, &args.out)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&json_document(&comparison, &described, dr))?);
        return Ok(());
    }
    println!(
        "solartrade sim --compare — {described} — seeds {:?}, demand response {}, Lb {} and Ls {} micro-tokens/kWh",
        comparison.seeds,
        if dr { "on" } else { "off" },
        config.params.grid_buy_price,
        config.params.grid_sell_price
    );
    println!("mean ± standard deviation across seeds; bills against the same seed's no-trading run with the same batteries\n");
    print!("{}", markdown(&comparison));
    println!();
    print!("{}", render_battery_claims(&battery_claims(&comparison)));
    println!(
        "\n{} runs ({} households x {} slots each) in {:.2} s on {} thread(s)",
        comparison.rows.iter().map(|r| r.per_seed.len()).sum::<usize>(),
        comparison.households,
        comparison.slots,
        elapsed.as_secs_f64(),
        threads
    );
    for path in [&summary_path, &runs_path].into_iter().chain(charts.iter()) {
        println!("Wrote {}", path.display());
    }
    Ok(())
}

fn write_records(path: &Path, records: &[Vec<String>]) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    for r in records {
        w.write_record(r)?;
    }
    w.flush().with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// `--json`: every row with its per-seed indicators and their spread, and the battery claim.
fn json_document(c: &Comparison, described: &str, dr: bool) -> Value {
    let rows: Vec<Value> = c
        .rows
        .iter()
        .map(|row| {
            let spreads: serde_json::Map<String, Value> =
                COLUMNS.iter().map(|col| (col.key.to_string(), json!(spread(row, col)))).collect();
            json!({
                "mechanism": row.mechanism.name(),
                "batteries": row.batteries.name(),
                "per_seed": row.per_seed,
                "spread": spreads,
                "dr_iterations": row.dr_iterations,
                "dr_converged": row.dr_converged,
            })
        })
        .collect();
    let claims: Vec<Value> = battery_claims(c)
        .iter()
        .map(|b| {
            json!({
                "mechanism": b.mechanism.name(),
                "strategy": b.strategy.name(),
                "grid_export_kwh": [b.export_without, b.export_with],
                "p2p_kwh": [b.p2p_without, b.p2p_with],
                "holds_in_seeds": b.holds_in,
                "seeds": b.seeds,
            })
        })
        .collect();
    json!({
        "source": described,
        "seeds": c.seeds,
        "households": c.households,
        "slots": c.slots,
        "demand_response": dr,
        "units": {"shares": "% in spread, 0..1 in per_seed", "money": "tokens", "energy": "kWh", "power": "kW"},
        "rows": rows,
        "battery_claim": claims,
    })
}
