//! Where this run agrees or disagrees with the paper's claims, from the run's own numbers.
//! Nothing here is tuned: each verdict is a comparison stated with the figures it compares.

use std::fmt::Write;

use serde::Serialize;

use super::run::ScenarioRun;
use super::scenario::{S1, S2, S3};
use super::simulate::SimResult;
use super::totals::totals;
use crate::model::BatteryStrategy;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Agrees,
    /// Holds in some scenarios of the run and not in others.
    Partly,
    Disagrees,
    NotEvaluated,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub claim: &'static str,
    pub verdict: Verdict,
    pub evidence: String,
}

fn find<'a>(result: &'a SimResult, name: &str) -> Option<&'a ScenarioRun> {
    result.runs.iter().find(|r| r.scenario.name == name)
}

fn kwh(wh: u64) -> f64 {
    wh as f64 / 1000.0
}

fn verdict(ok: bool) -> Verdict {
    if ok {
        Verdict::Agrees
    } else {
        Verdict::Disagrees
    }
}

fn not_evaluated(claim: &'static str, needs: &str) -> Finding {
    Finding { claim, verdict: Verdict::NotEvaluated, evidence: format!("needs scenario {needs} in this run") }
}

/// Pearson correlation; `None` with fewer than three points or no variance.
fn correlation(xs: &[f64], ys: &[f64]) -> Option<f64> {
    let n = xs.len() as f64;
    if xs.len() < 3 {
        return None;
    }
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in xs.iter().zip(ys) {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Every claim, in the report's order.
pub fn findings(result: &SimResult) -> Vec<Finding> {
    let base = find(result, S1.name).or_else(|| result.runs.first());
    let mut out = vec![trade_finding(base), price_finding(base)];
    out.extend(battery_findings(result));
    out.push(ten_kw_finding(result));
    out.push(sdr_finding(result));
    out.extend(cost_findings(result));
    out
}

/// 1. Trades happen when a household's generation meets its demand.
fn trade_finding(base: Option<&ScenarioRun>) -> Finding {
    let claim = "trades happen when a household's generation meets its demand";
    let Some(run) = base else { return not_evaluated(claim, "s1") };
    let n = run.n_households;
    let mut trade_slots = 0;
    let mut trade_with_surplus = 0;
    let mut surplus_slots = 0;
    let mut surplus_without_trade = 0;
    for s in &run.slots {
        let any_surplus = (0..n).any(|h| {
            let hs = &run.households[s.slot * n + h];
            hs.pv_wh >= hs.load_wh && hs.pv_wh > 0
        });
        if s.p2p_wh > 0 {
            trade_slots += 1;
            trade_with_surplus += usize::from(any_surplus);
        }
        if any_surplus {
            surplus_slots += 1;
            surplus_without_trade += usize::from(s.p2p_wh == 0);
        }
    }
    Finding {
        claim,
        verdict: verdict(trade_slots > 0 && trade_with_surplus == trade_slots && surplus_without_trade == 0),
        evidence: format!(
            "{}: P2P trades in {trade_slots} of {} slots; {trade_with_surplus} of them had a household whose PV met its load; \
             {surplus_without_trade} of {surplus_slots} slots with such a household saw no trade",
            run.scenario.name,
            run.slots.len()
        ),
    }
}

/// 2. Prices fall as PV output rises.
fn price_finding(base: Option<&ScenarioRun>) -> Finding {
    let claim = "prices fall as PV output rises";
    let Some(run) = base else { return not_evaluated(claim, "s1") };
    let sunny: Vec<_> = run.slots.iter().filter(|s| s.pv_wh > 0).collect();
    let pv: Vec<f64> = sunny.iter().map(|s| s.pv_wh as f64).collect();
    let buy: Vec<f64> = sunny.iter().map(|s| s.price_buy as f64).collect();
    let sell: Vec<f64> = sunny.iter().map(|s| s.price_sell as f64).collect();
    match (correlation(&pv, &buy), correlation(&pv, &sell)) {
        (Some(rb), Some(rs)) => Finding {
            claim,
            verdict: verdict(rb < 0.0 && rs < 0.0),
            evidence: format!(
                "{}: over {} daylight slots, correlation of community PV with the buy price {rb:.2}, with the sell price {rs:.2}",
                run.scenario.name,
                sunny.len()
            ),
        },
        _ => Finding { claim, verdict: Verdict::NotEvaluated, evidence: "too few daylight slots or constant prices".into() },
    }
}

/// 4. 10 kW PV sells more to the grid and buys less from it.
fn ten_kw_finding(result: &SimResult) -> Finding {
    let claim = "10 kW PV sells more to the grid and buys less from it";
    match (find(result, S1.name), find(result, S3.name)) {
        (Some(a), Some(b)) => {
            let (ta, tb) = (totals(a), totals(b));
            Finding {
                claim,
                verdict: verdict(tb.grid_export_wh > ta.grid_export_wh && tb.grid_import_wh < ta.grid_import_wh),
                evidence: format!(
                    "S1 -> S3: grid export {:.1} -> {:.1} kWh, grid import {:.1} -> {:.1} kWh",
                    kwh(ta.grid_export_wh),
                    kwh(tb.grid_export_wh),
                    kwh(ta.grid_import_wh),
                    kwh(tb.grid_import_wh)
                ),
            }
        }
        _ => not_evaluated(claim, "s1 and s3"),
    }
}

/// 5. SDR serves prosumers better than MMR.
fn sdr_finding(result: &SimResult) -> Finding {
    let claim = "SDR serves prosumers better than MMR";
    if result.runs.is_empty() {
        return not_evaluated(claim, "any");
    }
    let mut better = 0;
    let mut parts = Vec::new();
    for run in &result.runs {
        let t = totals(run);
        better += usize::from(t.prosumer_bill.sdr < t.prosumer_bill.mmr);
        parts.push(format!(
            "{}: prosumers' bill {:.2} (SDR) vs {:.2} (MMR) tokens",
            run.scenario.name,
            t.prosumer_bill.sdr as f64 / 1e6,
            t.prosumer_bill.mmr as f64 / 1e6
        ));
    }
    let v = match better {
        0 => Verdict::Disagrees,
        b if b == result.runs.len() => Verdict::Agrees,
        _ => Verdict::Partly,
    };
    Finding { claim, verdict: v, evidence: parts.join("; ") }
}

/// And whether trading saved money against the baseline at all, per scenario.
fn cost_findings(result: &SimResult) -> Vec<Finding> {
    let mut out = Vec::new();
    for run in &result.runs {
        let t = totals(run);
        out.push(Finding {
            claim: "P2P trading lowers the community's cost against no trading",
            verdict: verdict(t.community_cost < t.baseline_community_cost),
            evidence: format!(
                "{}: {:.2} tokens with trading vs {:.2} without; {} households better off, {} worse off",
                run.scenario.name,
                t.community_cost as f64 / 1e6,
                t.baseline_community_cost as f64 / 1e6,
                t.households_better_off,
                t.households_worse_off
            ),
        });
    }
    out
}

/// The battery claim once per battery strategy the run has an S2 for (S1 -> S2).
fn battery_findings(result: &SimResult) -> Vec<Finding> {
    let s2_runs = result.runs.iter().filter(|r| r.scenario.name == S2.name).chain(result.s2_other_strategy.as_ref());
    let mut by_strategy: Vec<&ScenarioRun> = s2_runs.collect();
    by_strategy.sort_by_key(|r| BatteryStrategy::ALL.iter().position(|s| *s == r.battery_strategy));
    let (Some(s1), false) = (find(result, S1.name), by_strategy.is_empty()) else {
        return vec![not_evaluated(battery_claim(result.battery_strategy), "s1 and s2")];
    };
    let ta = totals(s1);
    by_strategy
        .into_iter()
        .map(|s2| {
            let tb = totals(s2);
            Finding {
                claim: battery_claim(s2.battery_strategy),
                verdict: verdict(tb.grid_export_wh < ta.grid_export_wh && tb.p2p_wh > ta.p2p_wh),
                evidence: format!(
                    "S1 -> S2 ({} batteries): grid export {:.1} -> {:.1} kWh, P2P {:.1} -> {:.1} kWh, grid import {:.1} -> {:.1} kWh",
                    s2.battery_strategy.name(),
                    kwh(ta.grid_export_wh),
                    kwh(tb.grid_export_wh),
                    kwh(ta.p2p_wh),
                    kwh(tb.p2p_wh),
                    kwh(ta.grid_import_wh),
                    kwh(tb.grid_import_wh)
                ),
            }
        })
        .collect()
}

fn battery_claim(strategy: BatteryStrategy) -> &'static str {
    match strategy {
        BatteryStrategy::SelfConsumption => "batteries move energy from grid export to local sales (self-consumption batteries)",
        BatteryStrategy::MarketAware => "batteries move energy from grid export to local sales (market-aware batteries)",
    }
}

pub fn render(findings: &[Finding]) -> String {
    let mut out = String::from("Report: the paper's claims against this run\n");
    for f in findings {
        let tag = match f.verdict {
            Verdict::Agrees => "AGREES",
            Verdict::Partly => "PARTLY",
            Verdict::Disagrees => "DISAGREES",
            Verdict::NotEvaluated => "NOT EVALUATED",
        };
        let _ = writeln!(out, "  [{tag}] {}\n      {}", f.claim, f.evidence);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Community, CommunityConfig};
    use crate::sim::engine::run_scenario;
    use crate::sim::run::RunSettings;
    use crate::sim::scenario::Scenario;
    use crate::MarketParams;

    fn result_with(scenarios: &[Scenario]) -> SimResult {
        let cfg = CommunityConfig { households: 30, hours: 24, seed: 4, ..CommunityConfig::default() };
        let community = Community::generate(&cfg);
        let params = MarketParams::default();
        let runs = scenarios
            .iter()
            .map(|s| {
                let profile = match s.pv_kw {
                    Some(kw) => community.with_pv_kw(kw).profile(),
                    None => community.profile(),
                };
                let settings = RunSettings { params: params.clone(), dr: false, battery_strategy: BatteryStrategy::SelfConsumption };
                run_scenario(&profile, s, &settings)
            })
            .collect();
        SimResult {
            params,
            dr: false,
            battery_strategy: BatteryStrategy::SelfConsumption,
            seed: 4,
            source: "test".into(),
            runs,
            s1_other_dr: None,
            s2_other_strategy: None,
            grid: Vec::new(),
        }
    }

    #[test]
    fn claims_needing_a_missing_scenario_are_not_evaluated() {
        let f = findings(&result_with(&[S1]));
        let battery = f.iter().find(|x| x.claim.starts_with("batteries")).map(|x| &x.verdict);
        let ten_kw = f.iter().find(|x| x.claim.starts_with("10 kW")).map(|x| &x.verdict);
        assert_eq!(battery, Some(&Verdict::NotEvaluated));
        assert_eq!(ten_kw, Some(&Verdict::NotEvaluated));
    }

    #[test]
    fn ten_kw_verdict_follows_the_runs_own_export_and_import() {
        let result = result_with(&[S1, S3]);
        let (a, b) = (totals(&result.runs[0]), totals(&result.runs[1]));
        let expected = verdict(b.grid_export_wh > a.grid_export_wh && b.grid_import_wh < a.grid_import_wh);
        let f = findings(&result);
        let got = f.iter().find(|x| x.claim.starts_with("10 kW")).map(|x| x.verdict.clone());
        assert_eq!(got, Some(expected));
        assert!(b.pv_wh > a.pv_wh, "S3 has more PV than S1");
    }
}
