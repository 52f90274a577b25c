//! Scenario: noon, the community is forecast to export and the price is the feed-in price; an
//! empty market-aware battery stores its own small surplus and buys its share of the
//! community's surplus, never more than that share or its power; a self-consumption battery
//! stores only its own surplus.

use market_runtime::model::{Battery, BatteryStrategy, SlotOutlook, OUTLOOK_SLOTS};

fn noon(surplus_share_wh: u64) -> Vec<SlotOutlook> {
    // The evening and night: the household's own deficit at the retail price.
    let mut o = vec![SlotOutlook { net_wh: 1_500, buy: 90_000, sell: 90_000, surplus_share_wh: 0, shortfall_share_wh: 0 }; OUTLOOK_SLOTS];
    o[0] = SlotOutlook { net_wh: -300, buy: 40_000, sell: 40_000, surplus_share_wh, shortfall_share_wh: 0 };
    o
}

fn charged(strategy: BatteryStrategy, surplus_share_wh: u64) -> f64 {
    let mut b = Battery::default();
    strategy.step(&mut b, -300.0, 1.0, &noon(surplus_share_wh)).charged_wh
}

#[test]
fn it_buys_its_share_of_the_forecast_surplus() {
    // 300 Wh of its own and 1,000 Wh from its neighbours: it bids to buy 1,000 Wh.
    assert_eq!(charged(BatteryStrategy::MarketAware, 1_000), 1_300.0);
}

#[test]
fn it_buys_no_more_than_its_power_allows() {
    assert_eq!(charged(BatteryStrategy::MarketAware, 50_000), 2_500.0);
}

#[test]
fn without_a_forecast_surplus_it_stores_only_its_own() {
    assert_eq!(charged(BatteryStrategy::MarketAware, 0), 300.0);
}

#[test]
fn a_self_consumption_battery_stores_only_its_own_surplus() {
    assert_eq!(charged(BatteryStrategy::SelfConsumption, 1_000), 300.0);
}
