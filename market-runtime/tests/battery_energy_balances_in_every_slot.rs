//! Scenario: simulated communities with batteries in every PV home, both strategies, every
//! mechanism, a July and a March week-end, demand response on. In every household and slot the
//! energy balances: the bid is load − PV + charged − discharged (to the Wh), the battery never
//! charges and discharges at once nor beyond its power, its state of charge stays within its
//! bounds and moves by exactly what went in and out (eqs. 4-5); homes without a battery bid
//! load − PV.

use market_runtime::model::{Battery, BatteryStrategy, Community, CommunityConfig};
use market_runtime::sim::{run_scenario, RunSettings, ScenarioRun, S2};
use market_runtime::{MarketParams, Mechanism};

fn check(run: &ScenarioRun, label: &str) {
    let b = Battery::default();
    let (lo, hi) = (b.soc_min * b.capacity_wh, b.soc_max * b.capacity_wh);
    for h in 0..run.n_households {
        let mut soc = b.soc_wh;
        for s in 0..run.slots.len() {
            let x = run.at(s, h).expect("in run");
            let raw = x.load_wh as f64 - x.pv_wh as f64;
            let at = format!("{label}, slot {s}, home {h}");
            assert_eq!(x.net_wh, (raw + x.charged_wh - x.discharged_wh).round() as i64, "{at}: bid");
            if !run.prosumer[h] {
                assert_eq!((x.charged_wh, x.discharged_wh, x.soc_wh), (0.0, 0.0, 0), "{at}: no battery");
                continue;
            }
            assert!(x.charged_wh == 0.0 || x.discharged_wh == 0.0, "{at}: charged and discharged at once");
            assert!(x.charged_wh <= b.power_w && x.discharged_wh <= b.power_w, "{at}: beyond power");
            soc += b.charge_efficiency * x.charged_wh - x.discharged_wh / b.discharge_efficiency;
            assert!(soc >= lo - 1e-6 && soc <= hi + 1e-6, "{at}: SoC {soc} outside {lo}..{hi}");
            assert!((x.soc_wh as f64 - soc).abs() <= 0.5 + 1e-6, "{at}: reported SoC {} against {soc}", x.soc_wh);
        }
    }
}

#[test]
fn energy_balances_for_every_household_in_every_slot() {
    for day in [196, 80] {
        let community = Community::generate(&CommunityConfig { households: 40, hours: 48, seed: 7, start_day: day, ..CommunityConfig::default() });
        let profile = community.profile();
        for mechanism in Mechanism::ALL {
            for strategy in BatteryStrategy::ALL {
                let settings = RunSettings { params: MarketParams { mechanism, ..MarketParams::default() }, dr: true, battery_strategy: strategy };
                let run = run_scenario(&profile, &S2, &settings);
                check(&run, &format!("day {day}, {}, {}", mechanism.name(), strategy.name()));
            }
        }
    }
}
