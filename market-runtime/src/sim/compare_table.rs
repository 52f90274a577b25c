//! A comparison as text: the table (mean ± standard deviation across seeds), CSV records, and
//! the paper's battery claim checked for every mechanism and battery strategy.

use std::fmt::Write;

use super::compare::{Batteries, Comparison, Row};
use super::indicators::{Column, BASELINE, COLUMNS};
use super::spread::Spread;
use crate::model::BatteryStrategy;
use crate::Mechanism;

/// `col` of `row` across its seeds, in display units.
pub fn spread(row: &Row, col: &Column) -> Spread {
    let values: Vec<f64> = row.per_seed.iter().map(|i| (col.get)(i)).collect();
    Spread::of(&values).scaled(col.scale)
}

/// The comparison as a markdown table (it reads as plain text on a terminal too).
pub fn markdown(c: &Comparison) -> String {
    let mut out = String::new();
    let mut header = String::from("| mechanism | batteries |");
    let mut rule = String::from("|---|---|");
    for col in &COLUMNS {
        let _ = write!(header, " {} ({}) |", col.label, col.unit);
        rule.push_str("---|");
    }
    let _ = writeln!(out, "{header} DR iterations |\n{rule}---|");
    for row in &c.rows {
        let _ = write!(out, "| {} | {} |", row.mechanism.name(), row.batteries.name());
        for col in &COLUMNS {
            let s = spread(row, col);
            let _ = write!(out, " {:.*} ± {:.*} |", col.decimals, s.mean, col.decimals, s.std);
        }
        let iterations: Vec<f64> = row.dr_iterations.iter().map(|&i| i as f64).collect();
        let converged = row.dr_converged.iter().filter(|c| **c).count();
        let _ = writeln!(out, " {:.1} ({converged}/{} converged) |", Spread::of(&iterations).mean, row.dr_converged.len());
    }
    out
}

/// One row per mechanism and battery setting: mean, std, min and max of every indicator.
pub fn summary_records(c: &Comparison) -> Vec<Vec<String>> {
    let mut header = vec!["mechanism".to_string(), "batteries".into(), "seeds".into()];
    for col in &COLUMNS {
        for stat in ["mean", "std", "min", "max"] {
            header.push(format!("{}_{}_{stat}", col.key, unit_key(col)));
        }
    }
    header.extend(["dr_iterations_mean".to_string(), "dr_converged_runs".into()]);
    let mut out = vec![header];
    for row in &c.rows {
        let mut r = vec![row.mechanism.name().to_string(), row.batteries.name().to_string(), row.per_seed.len().to_string()];
        for col in &COLUMNS {
            let s = spread(row, col);
            r.extend([s.mean, s.std, s.min, s.max].map(|v| format!("{v:.6}")));
        }
        let iterations: Vec<f64> = row.dr_iterations.iter().map(|&i| i as f64).collect();
        r.push(format!("{:.2}", Spread::of(&iterations).mean));
        r.push(row.dr_converged.iter().filter(|c| **c).count().to_string());
        out.push(r);
    }
    out
}

/// One row per seed, mechanism and battery setting, every indicator in display units.
pub fn run_records(c: &Comparison) -> Vec<Vec<String>> {
    let mut header = vec!["seed".to_string(), "mechanism".into(), "batteries".into()];
    header.extend(COLUMNS.iter().map(|col| format!("{}_{}", col.key, unit_key(col))));
    header.extend(["dr_iterations".to_string(), "dr_converged".into()]);
    let mut out = vec![header];
    for row in &c.rows {
        for (k, ind) in row.per_seed.iter().enumerate() {
            let mut r = vec![c.seeds.get(k).map_or(String::new(), u64::to_string), row.mechanism.name().into(), row.batteries.name().into()];
            r.extend(COLUMNS.iter().map(|col| format!("{:.6}", (col.get)(ind) * col.scale)));
            r.push(row.dr_iterations.get(k).map_or(String::new(), usize::to_string));
            r.push(row.dr_converged.get(k).map_or(String::new(), bool::to_string));
            out.push(r);
        }
    }
    out
}

fn unit_key(col: &Column) -> &'static str {
    match col.unit {
        "%" => "pct",
        other => other,
    }
}

/// The paper's claim that batteries move energy from grid export to local sales, for one
/// mechanism and strategy: no battery against that strategy's batteries, same seeds.
#[derive(Clone, Debug, PartialEq)]
pub struct BatteryClaim {
    pub mechanism: Mechanism,
    pub strategy: BatteryStrategy,
    /// Means across seeds (kWh).
    pub export_without: f64,
    pub export_with: f64,
    pub p2p_without: f64,
    pub p2p_with: f64,
    /// Seeds in which export fell and P2P rose, out of `seeds`.
    pub holds_in: usize,
    pub seeds: usize,
}

/// The claim for every trading mechanism (without a market nothing is sold locally).
pub fn battery_claims(c: &Comparison) -> Vec<BatteryClaim> {
    let row = |m: Mechanism, b: Batteries| c.rows.iter().find(|r| r.mechanism == m && r.batteries == b);
    let mut out = Vec::new();
    for m in Mechanism::ALL.into_iter().filter(|m| *m != BASELINE) {
        let Some(without) = row(m, Batteries::None) else { continue };
        for strategy in BatteryStrategy::ALL {
            let Some(with) = row(m, Batteries::With(strategy)) else { continue };
            let pairs = without.per_seed.iter().zip(&with.per_seed);
            let holds_in = pairs.clone().filter(|(a, b)| b.grid_export_kwh < a.grid_export_kwh && b.p2p_kwh > a.p2p_kwh).count();
            let mean = |r: &Row, f: fn(&super::indicators::Indicators) -> f64| Spread::of(&r.per_seed.iter().map(f).collect::<Vec<_>>()).mean;
            out.push(BatteryClaim {
                mechanism: m,
                strategy,
                export_without: mean(without, |i| i.grid_export_kwh),
                export_with: mean(with, |i| i.grid_export_kwh),
                p2p_without: mean(without, |i| i.p2p_kwh),
                p2p_with: mean(with, |i| i.p2p_kwh),
                holds_in,
                seeds: pairs.count(),
            });
        }
    }
    out
}

/// One line per mechanism and strategy: which way export and P2P went, and the verdict.
pub fn render_battery_claims(claims: &[BatteryClaim]) -> String {
    let mut out = String::from("The paper's claim \"batteries move energy from grid export to local sales\", per mechanism and strategy:\n");
    for b in claims {
        let verdict = match b.holds_in {
            0 => "DISAGREES".to_string(),
            k if k == b.seeds => "AGREES".to_string(),
            k => format!("PARTLY ({k} of {} seeds)", b.seeds),
        };
        let _ = writeln!(
            out,
            "  [{verdict}] {} with {} batteries: grid export {:.1} -> {:.1} kWh, P2P {:.1} -> {:.1} kWh (means over {} seeds)",
            b.mechanism.name(),
            b.strategy.name(),
            b.export_without,
            b.export_with,
            b.p2p_without,
            b.p2p_with,
            b.seeds
        );
    }
    out
}
