//! Scenario: no market (the no-trading baseline chosen), a July and a March community with
//! batteries, demand response on. Facing only the flat grid prices, a market-aware battery has
//! nothing to gain from timing or trading, and does exactly what a self-consumption battery
//! does: the same bids, states of charge and bills in every slot.

use market_runtime::model::{BatteryStrategy, Community, CommunityConfig};
use market_runtime::sim::{run_scenario, RunSettings, S2};
use market_runtime::{MarketParams, Mechanism};

#[test]
fn without_a_market_both_strategies_run_the_battery_alike() {
    for day in [196, 80] {
        let profile = Community::generate(&CommunityConfig { households: 50, hours: 48, seed: 5, start_day: day, ..CommunityConfig::default() }).profile();
        let run = |strategy| {
            let params = MarketParams { mechanism: Mechanism::NoTrading, ..MarketParams::default() };
            run_scenario(&profile, &S2, &RunSettings { params, dr: true, battery_strategy: strategy })
        };
        let (sc, ma) = (run(BatteryStrategy::SelfConsumption), run(BatteryStrategy::MarketAware));
        assert_eq!(sc.households, ma.households, "day {day}");
        assert_eq!(sc.bills, ma.bills, "day {day}");
        assert_eq!(sc.slots, ma.slots, "day {day}");
    }
}
