//! Scenario: the simulator moved from the cli into `market_runtime::sim` and learned battery
//! strategies; under self-consumption (the default) every scenario of the paper must give the
//! very same slots, household slots, bills and demand-response iterations as before.
//!
//! The digests were taken from the cli's engine (`cli/src/commands/sim/engine.rs`) just
//! before the move, over every figure a run produces, for the docs' run (623 homes, 48 h,
//! seed 1), a run without demand response and three 10-home runs (the paper's size).

use market_runtime::model::{BatteryStrategy, Community, CommunityConfig};
use market_runtime::sim::{run_scenario, RunSettings, ScenarioRun, S1, S2, S3};
use market_runtime::{MarketParams, Mechanism};
use sha2::{Digest, Sha256};

/// SHA-256 (first 12 bytes) over every integer the run reports, in a fixed order.
fn digest(run: &ScenarioRun) -> String {
    let mut h = Sha256::new();
    let mut put = |v: i128| h.update(v.to_le_bytes());
    for s in &run.slots {
        for v in [
            s.slot as i128, s.tsp_wh as i128, s.tbp_wh as i128, s.sdr.num as i128, s.sdr.den as i128, s.price_sell as i128,
            s.price_buy as i128, s.p2p_wh as i128, s.grid_import_wh as i128, s.grid_export_wh as i128, s.buyers_paid as i128,
            s.solar_reward as i128, s.load_wh as i128, s.pv_wh as i128, s.soc_wh as i128, s.net_wh as i128,
        ] {
            put(v);
        }
    }
    for x in &run.households {
        for v in [
            x.load_wh as i128, x.pv_wh as i128, x.soc_wh as i128, x.net_wh as i128, x.p2p_wh as i128, x.grid_wh as i128,
            x.bill as i128, x.baseline_bill as i128, x.solar_reward as i128,
        ] {
            put(v);
        }
    }
    // The price-blind mechanisms only: the auctions joined `Mechanism::ALL` after the move.
    for (_, b) in Mechanism::ALL.iter().zip(run.bills.iter()).filter(|(m, _)| !m.uses_limit_prices()) {
        for v in b {
            put(*v as i128);
        }
    }
    put(run.dr_iterations as i128);
    put(run.dr_converged as i128);
    put(run.dr_price_movement as i128);
    h.finalize().iter().take(12).map(|b| format!("{b:02x}")).collect()
}

const BEFORE: [(usize, usize, u64, bool, &str, &str); 15] = [
    (623, 48, 1, true, "s1", "957c8fb6f5a5a6fb9964465e"),
    (623, 48, 1, true, "s2", "04254a9f0e89a648ec721c20"),
    (623, 48, 1, true, "s3", "8dc517ae116ce71eb4d314e3"),
    (40, 24, 9, false, "s1", "5dad577c0fcd1e41a7875d5f"),
    (40, 24, 9, false, "s2", "4bc947021d3091f4bd78f121"),
    (40, 24, 9, false, "s3", "439882c32c90f1476cc6b918"),
    (10, 48, 1, true, "s1", "1a15ba175504b53618046aae"),
    (10, 48, 1, true, "s2", "71e0c21443f1ed9ab1872ef4"),
    (10, 48, 1, true, "s3", "ea618685289131e1e9d75d71"),
    (10, 48, 2, true, "s1", "10fd3c9363398e3c84b9af05"),
    (10, 48, 2, true, "s2", "cbae720d356672dac08f96f3"),
    (10, 48, 2, true, "s3", "92e46e33fc907a65307c3486"),
    (10, 48, 3, true, "s1", "4c11a684c41ea18857ccd91e"),
    (10, 48, 3, true, "s2", "f0fd2417622b72620cf7c9d7"),
    (10, 48, 3, true, "s3", "da73649a94799454a7f454e4"),
];

#[test]
fn every_scenario_gives_the_results_it_gave_before_the_move() {
    let mut got = Vec::new();
    for (homes, hours, seed, dr, name, _) in BEFORE {
        let community = Community::generate(&CommunityConfig { households: homes, hours, seed, ..CommunityConfig::default() });
        let scenario = [S1, S2, S3].into_iter().find(|s| s.name == name).expect("known scenario");
        let profile = match scenario.pv_kw {
            Some(kw) => community.with_pv_kw(kw).profile(),
            None => community.profile(),
        };
        let settings = RunSettings { params: MarketParams::default(), dr, battery_strategy: BatteryStrategy::SelfConsumption };
        got.push(digest(&run_scenario(&profile, &scenario, &settings)));
    }
    let want: Vec<String> = BEFORE.iter().map(|b| b.5.to_string()).collect();
    assert_eq!(got, want);
}
