//! Scenario: the paper's battery claim where it can hold. A small-PV home that never has a
//! surplus of its own has a battery; a 10 kW home fills its battery by mid-morning and then
//! exports. Self-consumption leaves the small home's battery empty and the surplus goes to
//! the grid; market-aware, the small home buys its share of the forecast export at noon and
//! covers its evening with it: grid export falls, P2P trade rises, the community pays less,
//! and in no slot does it buy more than its share of what the forecast said would be exported.

use market_runtime::model::{BatteryStrategy, Profile};
use market_runtime::sim::forecast::community_forecast;
use market_runtime::sim::{run_scenario, totals, RunSettings, ScenarioRun, S2};
use market_runtime::MarketParams;

const SLOTS: usize = 48;

/// h0: 1 kWp, 100 Wh at noon against 800 Wh of load; h1: 10 kWp, 8 kWh an hour 09-15 against
/// 500 Wh; h2: no PV, 1 kWh an hour.
fn profile() -> Profile {
    let mut load_wh = Vec::new();
    let mut pv_wh = Vec::new();
    for s in 0..SLOTS {
        let sunny = (9..16).contains(&(s % 24));
        load_wh.extend([800, 500, 1_000]);
        pv_wh.extend([if sunny { 100 } else { 0 }, if sunny { 8_000 } else { 0 }, 0]);
    }
    Profile { households: 3, slots: SLOTS, ids: vec!["h0".into(), "h1".into(), "h2".into()], load_wh, pv_wh, pv_capacity_w: vec![1_000, 10_000, 0] }
}

fn run(strategy: BatteryStrategy) -> ScenarioRun {
    run_scenario(&profile(), &S2, &RunSettings { params: MarketParams::default(), dr: false, battery_strategy: strategy })
}

#[test]
fn export_falls_and_local_trade_rises_with_market_aware_batteries() {
    let (sc, ma) = (totals(&run(BatteryStrategy::SelfConsumption)), totals(&run(BatteryStrategy::MarketAware)));
    assert!(ma.grid_export_wh < sc.grid_export_wh, "export {} -> {}", sc.grid_export_wh, ma.grid_export_wh);
    assert!(ma.p2p_wh > sc.p2p_wh, "P2P {} -> {}", sc.p2p_wh, ma.p2p_wh);
    assert!(ma.community_cost < sc.community_cost, "cost {} -> {}", sc.community_cost, ma.community_cost);
}

#[test]
fn no_battery_buys_more_than_its_share_of_the_forecast_export() {
    // Without demand response the forecast is the self-consumption run itself.
    let forecast = community_forecast(&run(BatteryStrategy::SelfConsumption));
    let ma = run(BatteryStrategy::MarketAware);
    let mut bought_total = 0.0;
    for (s, slot_forecast) in forecast.iter().enumerate() {
        for h in 0..2 {
            let hs = ma.at(s, h).expect("in run");
            let own_surplus = (hs.pv_wh as f64 - hs.load_wh as f64).max(0.0);
            let bought = (hs.charged_wh - own_surplus).max(0.0);
            // Two equal batteries: each may buy half of the forecast export.
            let share = (slot_forecast.export_wh / 2) as f64;
            assert!(bought <= share + 1e-9, "slot {s} home {h}: bought {bought} Wh, share {share} Wh");
            bought_total += bought;
        }
    }
    assert!(bought_total > 0.0, "the small home did buy from its neighbours");
}
