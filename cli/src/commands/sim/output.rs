//! The per-slot/household CSV and the `--json` document.

use std::path::Path;

use anyhow::Context;
use market_runtime::sim::{report, totals, SimResult};
use serde_json::{json, Value};

/// One row per scenario, slot and household.
pub fn write_household_csv(result: &SimResult, path: &Path) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record([
        "scenario", "slot", "household", "load_wh", "pv_wh", "battery_soc_wh", "net_wh", "p2p_wh", "grid_wh",
        "bill_utok", "baseline_bill_utok", "solar_reward_utok", "price_buy", "price_sell",
    ])?;
    for run in &result.runs {
        for slot in &run.slots {
            for h in 0..run.n_households {
                let hs = &run.households[slot.slot * run.n_households + h];
                w.write_record([
                    run.scenario.name.to_string(),
                    slot.slot.to_string(),
                    h.to_string(),
                    hs.load_wh.to_string(),
                    hs.pv_wh.to_string(),
                    hs.soc_wh.to_string(),
                    hs.net_wh.to_string(),
                    hs.p2p_wh.to_string(),
                    hs.grid_wh.to_string(),
                    hs.bill.to_string(),
                    hs.baseline_bill.to_string(),
                    hs.solar_reward.to_string(),
                    slot.price_buy.to_string(),
                    slot.price_sell.to_string(),
                ])?;
            }
        }
    }
    w.flush().with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// The JSON document: configuration, `scenarios[].slots[]`, `scenarios[].totals`, the report.
pub fn json(result: &SimResult) -> Value {
    let p = &result.params;
    let scenarios: Vec<Value> = result
        .runs
        .iter()
        .map(|run| {
            let slots: Vec<Value> = run
                .slots
                .iter()
                .map(|s| {
                    let sdr = if s.sdr.is_infinite() { Value::Null } else { json!(s.sdr.num as f64 / s.sdr.den as f64) };
                    json!({
                        "slot": s.slot,
                        "tsp_wh": s.tsp_wh,
                        "tbp_wh": s.tbp_wh,
                        "sdr": sdr,
                        "sdr_num": s.sdr.num as u64,
                        "sdr_den": s.sdr.den as u64,
                        "price_sell": s.price_sell,
                        "price_buy": s.price_buy,
                        "grid_buy_price": p.grid_buy_price,
                        "grid_sell_price": p.grid_sell_price,
                        "p2p_wh": s.p2p_wh,
                        "grid_import_wh": s.grid_import_wh,
                        "grid_export_wh": s.grid_export_wh,
                        "load_wh": s.load_wh,
                        "pv_wh": s.pv_wh,
                        "battery_soc_wh": s.soc_wh,
                        "buyers_paid": s.buyers_paid,
                        "solar_reward": s.solar_reward,
                    })
                })
                .collect();
            json!({
                "name": run.scenario.name,
                "label": run.scenario.label,
                "mechanism": run.mechanism.name(),
                "battery_strategy": run.battery_strategy.name(),
                "slots": slots,
                "totals": totals(run),
            })
        })
        .collect();
    json!({
        "source": result.source,
        "seed": result.seed,
        "mechanism": p.mechanism.name(),
        "demand_response": result.dr,
        "battery_strategy": result.battery_strategy.name(),
        "units": {"energy": "Wh", "money": "micro-tokens", "prices": "micro-tokens per kWh", "sdr": "TSP/TBP, null when TBP = 0"},
        "scenarios": scenarios,
        "report": report::findings(result),
    })
}
