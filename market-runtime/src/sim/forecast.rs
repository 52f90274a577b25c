//! The outlook a market-aware battery decides from in the sim: the community's forecast
//! clearing, a day ahead, of what the households would bid if every battery ran
//! self-consumption.
//!
//! Why this forecast: every quantity in it is known before the slot (the bids are forecasts
//! of load and PV anyway, and a community operator, or the agents, can clear them in advance
//! with the chain's own settlement), it exists from the first slot on, and it is the same for
//! every household. Each battery may buy its share (by battery power) of what the forecast
//! says the community would export, and sell its share of what it would import. The forecast counts the batteries' storing of their own
//! surplus (a forecast without batteries offered their owners' surplus as supply, the
//! batteries then stored it themselves and bought the rest at retail), but not the
//! market-aware answer to the forecast itself, so a slot may clear dearer than forecast. The
//! sim reports the outcome as cleared. The agent on a real chain uses the prices cleared one
//! day earlier instead (node `agent.rs`).

use super::run::ScenarioRun;
use crate::model::{Profile, SlotOutlook, OUTLOOK_SLOTS};

/// Slots per day: past the end of a run, a forecast repeats the same hour of an earlier day.
const DAY_SLOTS: usize = 24;

/// The forecast of one slot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotPrice {
    /// Buy and sell price (micro-tokens/kWh).
    pub buy: u64,
    pub sell: u64,
    /// What the community would export and import (Wh), or one battery's share of it (`shared`).
    pub export_wh: u64,
    pub import_wh: u64,
}

/// The forecast with each slot's export and import cut to the share one battery may trade,
/// rounded down (computed once per slot, not once per household and slot).
pub fn shared(forecast: &[SlotPrice], share: f64) -> Vec<SlotPrice> {
    let part = |wh: u64| (wh as f64 * share).floor() as u64;
    forecast.iter().map(|p| SlotPrice { export_wh: part(p.export_wh), import_wh: part(p.import_wh), ..*p }).collect()
}

/// Each slot's forecast: the prices and export of `run` (the self-consumption clearing).
pub fn community_forecast(run: &ScenarioRun) -> Vec<SlotPrice> {
    let mut out = vec![SlotPrice::default(); run.slots.iter().map(|s| s.slot + 1).max().unwrap_or(0)];
    for s in &run.slots {
        out[s.slot] = SlotPrice { buy: s.price_buy, sell: s.price_sell, export_wh: s.grid_export_wh, import_wh: s.grid_import_wh };
    }
    out
}

/// The slot whose forecast stands for slot `t` of a run of `slots`: `t` itself, or past the
/// end the same hour of the latest day inside the run (none when the run is shorter than a day).
fn stand_in(t: usize, slots: usize) -> Option<usize> {
    if t < slots {
        Some(t)
    } else if slots >= DAY_SLOTS {
        Some(t - DAY_SLOTS * ((t - slots) / DAY_SLOTS + 1))
    } else {
        None
    }
}

/// Household `h`'s outlook from `slot` on, written to `out`, from a forecast `shared` for one
/// battery; returns how many entries it has (fewer than `OUTLOOK_SLOTS` only near the end of a
/// run shorter than a day).
pub fn household_outlook(profile: &Profile, loads: &[u64], prices: &[SlotPrice], h: usize, slot: usize, out: &mut [SlotOutlook; OUTLOOK_SLOTS]) -> usize {
    let mut n = 0;
    for k in 0..OUTLOOK_SLOTS {
        let Some(t) = stand_in(slot + k, profile.slots) else { break };
        let i = profile.at(t, h);
        let (Some(&load), Some(&pv), Some(price)) = (loads.get(i), profile.pv_wh.get(i), prices.get(t)) else { break };
        out[n] = SlotOutlook {
            net_wh: load as i64 - pv as i64,
            buy: price.buy,
            sell: price.sell,
            surplus_share_wh: price.export_wh,
            shortfall_share_wh: price.import_wh,
        };
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn past_the_end_a_forecast_repeats_the_same_hour_of_the_last_day() {
        assert_eq!(stand_in(47, 48), Some(47));
        assert_eq!(stand_in(48, 48), Some(24));
        assert_eq!(stand_in(71, 48), Some(47));
        assert_eq!(stand_in(72, 48), Some(24));
        assert_eq!(stand_in(30, 30), Some(6), "hour 6 of the second day stands in for hour 6");
        assert_eq!(stand_in(12, 12), None);
    }
}
