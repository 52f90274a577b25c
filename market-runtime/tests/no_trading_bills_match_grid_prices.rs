//! Scenario: one set of bids (S1 and S2, both battery strategies) settled by every mechanism.
//! Without trading each household pays its purchases at the retail price and is paid its sales
//! at the feed-in price (to the micro-token per slot, the split's rounding); and every trading
//! mechanism costs the community exactly the spread Lb − Ls less per kWh traded inside, since
//! whatever a mechanism does with prices, the community's money only leaves for the grid.

use market_runtime::model::{BatteryStrategy, Community, CommunityConfig};
use market_runtime::sim::{run_scenario, RunSettings, ScenarioRun, Scenario, S1, S2};
use market_runtime::{MarketParams, Mechanism};

fn runs(mechanism: Mechanism, dr: bool) -> Vec<(String, ScenarioRun)> {
    let mut out = Vec::new();
    for day in [196, 80] {
        let profile = Community::generate(&CommunityConfig { households: 60, hours: 48, seed: 11, start_day: day, ..CommunityConfig::default() }).profile();
        let cases: [(Scenario, BatteryStrategy); 3] =
            [(S1, BatteryStrategy::SelfConsumption), (S2, BatteryStrategy::SelfConsumption), (S2, BatteryStrategy::MarketAware)];
        for (scenario, strategy) in cases {
            let settings = RunSettings { params: MarketParams { mechanism, ..MarketParams::default() }, dr, battery_strategy: strategy };
            out.push((format!("day {day}, {}, {}", scenario.name, strategy.name()), run_scenario(&profile, &scenario, &settings)));
        }
    }
    out
}

#[test]
fn without_trading_every_household_pays_the_grid_prices() {
    let p = MarketParams::default();
    for (label, run) in runs(Mechanism::Sdr, true) {
        let baseline = run.bills_of(Mechanism::NoTrading);
        for (h, &run_bill) in baseline.iter().enumerate() {
            let mut exact_milli = 0i128;
            let mut summed = 0i64;
            for s in 0..run.slots.len() {
                let x = run.at(s, h).expect("in run");
                let price = if x.net_wh > 0 { p.grid_buy_price } else { p.grid_sell_price };
                exact_milli += x.net_wh as i128 * price as i128;
                summed += x.baseline_bill;
            }
            assert_eq!(summed, run_bill, "{label}, home {h}: per-slot bills add up to the run's");
            let off = (run_bill as i128 * 1000 - exact_milli).abs();
            assert!(off <= 1000 * run.slots.len() as i128, "{label}, home {h}: {run_bill} µ against {exact_milli} mµ");
        }
    }
}

#[test]
fn trading_saves_the_community_the_spread_on_every_kwh_traded_inside() {
    let p = MarketParams::default();
    let spread = (p.grid_buy_price - p.grid_sell_price) as i128;
    for m in Mechanism::ALL.into_iter().filter(|m| *m != Mechanism::NoTrading) {
        // Each mechanism chosen in turn, so its own P2P energy is the one recorded.
        for (label, run) in runs(m, false) {
            let cost = |m: Mechanism| run.bills_of(m).iter().map(|b| *b as i128).sum::<i128>();
            let saved_milli = (cost(Mechanism::NoTrading) - cost(m)) * 1000;
            let p2p_milli: i128 = run.slots.iter().map(|s| s.p2p_wh as i128 * spread).sum();
            assert!(
                (saved_milli - p2p_milli).abs() <= 1000 * run.slots.len() as i128,
                "{label}, {}: saved {saved_milli} mµ, spread on P2P {p2p_milli} mµ",
                m.name()
            );
        }
    }
}
