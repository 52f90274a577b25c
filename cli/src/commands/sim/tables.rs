//! The scenario tables `solartrade sim` prints (the figures come from `market_runtime::sim::totals`).

use std::fmt::Write;

use market_runtime::sim::{totals, SimResult};

fn kwh(wh: u64) -> String {
    format!("{:.1}", wh as f64 / 1000.0)
}

fn tokens(micro: i64) -> String {
    format!("{:.2}", micro as f64 / 1e6)
}

/// One table per scenario, plain text.
pub fn tables(result: &SimResult) -> String {
    let mut out = String::new();
    let p = &result.params;
    let _ = writeln!(
        out,
        "solartrade sim — {} — mechanism {}, demand response {}, {} batteries, Lb {} and Ls {} micro-tokens/kWh\n",
        result.source,
        p.mechanism.name(),
        if result.dr { "on" } else { "off" },
        result.battery_strategy.name(),
        p.grid_buy_price,
        p.grid_sell_price
    );
    for run in &result.runs {
        let t = totals(run);
        let _ = writeln!(out, "{} ({} households, {} with PV)", run.scenario.label, t.households, t.prosumers);
        let _ = writeln!(out, "  {:<44} {:>14} {:>14}", "", "trading", "no trading");
        let row = |out: &mut String, name: &str, a: String, b: String| {
            let _ = writeln!(out, "  {name:<44} {a:>14} {b:>14}");
        };
        row(&mut out, "P2P energy traded (kWh)", kwh(t.p2p_wh), "0.0".into());
        row(&mut out, "energy bought from the grid (kWh)", kwh(t.grid_import_wh), kwh(t.baseline_grid_import_wh));
        row(&mut out, "energy sold to the grid (kWh)", kwh(t.grid_export_wh), kwh(t.baseline_grid_export_wh));
        row(&mut out, "peak grid import (kW, hourly mean)", kwh(t.peak_grid_import_wh), kwh(t.baseline_peak_grid_import_wh));
        row(
            &mut out,
            "self-sufficiency (%)",
            format!("{:.1}", 100.0 * t.self_sufficiency),
            format!("{:.1}", 100.0 * t.baseline_self_sufficiency),
        );
        row(&mut out, "community cost (tokens)", tokens(t.community_cost), tokens(t.baseline_community_cost));
        row(&mut out, "mean household bill (tokens)", format!("{:.3}", t.mean_bill / 1e6), format!("{:.3}", t.mean_baseline_bill / 1e6));
        row(
            &mut out,
            "households better / worse off",
            format!("{} / {}", t.households_better_off, t.households_worse_off),
            "-".into(),
        );
        row(&mut out, "prosumers' bill SDR / MMR (tokens)", format!("{} / {}", tokens(t.prosumer_bill.sdr), tokens(t.prosumer_bill.mmr)), tokens(t.prosumer_bill.no_trading));
        row(&mut out, "consumers' bill SDR / MMR (tokens)", format!("{} / {}", tokens(t.consumer_bill.sdr), tokens(t.consumer_bill.mmr)), tokens(t.consumer_bill.no_trading));
        row(&mut out, "tokens paid by buyers", tokens(t.tokens_paid as i64), "-".into());
        row(&mut out, "tokens minted (solar reward)", tokens(t.tokens_minted as i64), "-".into());
        let _ = writeln!(
            out,
            "  demand response: {} price iteration(s), {} (last price move {} micro-tokens/kWh)\n",
            t.dr_iterations,
            if t.dr_converged { "converged" } else { "stopped at the iteration limit" },
            t.dr_price_movement
        );
    }
    out
}
