//! Scenario: a full market-aware battery at the evening peak. It sells to its neighbours when
//! the sale beats every use the stored energy would find later, no more than its share of
//! what the community is forecast to import; it keeps the energy when its own later deficit
//! is worth more; a self-consumption battery never sells.

use market_runtime::model::{Battery, BatteryStrategy, SlotOutlook, OUTLOOK_SLOTS};

fn full() -> Battery {
    Battery { soc_wh: 5_000.0, ..Battery::default() }
}

/// The evening slot (no own deficit: the household is away) and a day after it.
fn outlook(later_own_deficit_wh: i64, shortfall_share_wh: u64) -> Vec<SlotOutlook> {
    let mut o = vec![SlotOutlook { net_wh: later_own_deficit_wh, buy: 90_000, sell: 40_000, surplus_share_wh: 0, shortfall_share_wh: 0 }; OUTLOOK_SLOTS];
    o[0] = SlotOutlook { net_wh: 0, buy: 90_000, sell: 88_000, surplus_share_wh: 0, shortfall_share_wh };
    o
}

#[test]
fn it_sells_at_full_power_when_nothing_later_pays_more() {
    let mut b = full();
    let step = BatteryStrategy::MarketAware.step(&mut b, 0.0, 1.0, &outlook(-500, 100_000));
    assert_eq!(step.discharged_wh, 2_500.0, "full power: the household bids a 2,500 Wh sale");
    assert_eq!(step.charged_wh, 0.0);
}

#[test]
fn it_sells_no_more_than_its_share_of_the_forecast_import() {
    let mut b = full();
    let step = BatteryStrategy::MarketAware.step(&mut b, 0.0, 1.0, &outlook(-500, 800));
    assert_eq!(step.discharged_wh, 800.0);
}

#[test]
fn it_keeps_the_energy_when_its_own_later_deficit_is_worth_more() {
    let mut b = full();
    let step = BatteryStrategy::MarketAware.step(&mut b, 0.0, 1.0, &outlook(1_000, 100_000));
    assert_eq!((step.charged_wh, step.discharged_wh), (0.0, 0.0));
    assert_eq!(b.soc_wh, 5_000.0);
}

#[test]
fn a_self_consumption_battery_never_sells() {
    let mut b = full();
    let step = BatteryStrategy::SelfConsumption.step(&mut b, 0.0, 1.0, &outlook(-500, 100_000));
    assert_eq!((step.charged_wh, step.discharged_wh), (0.0, 0.0));
}
