//! How a household runs its battery: self-consumption (the paper's S2, and the default) or
//! market-aware, which also charges from the market in cheap slots and sells in dear ones.
//!
//! Both keep the physics of `battery.rs` (capacity, power, efficiencies, state-of-charge
//! bounds): a strategy only chooses what to ask of the battery, `Battery::step` decides what
//! the battery can do.
//!
//! # Market-aware
//!
//! Causal: it decides from an outlook known before the slot, a price forecast for the slot and
//! the coming ones (the buy and sell price the household would face) and its own forecast net
//! position (load − PV). Who supplies the forecast is the caller's choice (the sim: the
//! community's forecast clearing of the households' net positions before batteries; the agent:
//! the prices the chain cleared a day earlier). Deterministic: the same battery, net position
//! and outlook give the same request.
//!
//! A stored Wh is worth what its best coming use pays: covering the household's own deficit of
//! a coming slot saves that slot's buy price, selling earns the sell price. Lined up from the
//! best use down, each coming slot offers its own deficit (up to the battery power) at the buy
//! price and the rest of the power at the sell price. The **value of holding** is the value of
//! the last use the energy now stored would reach; the **value of charging** is the value of the
//! last use the energy after a full slot of charging would reach (zero when the coming uses
//! cannot absorb it). Then, in this order:
//! 1. sell now (discharge at full power, own deficit first) if the sell price now is above the
//!    value of holding: a sale now beats every use the stored energy would otherwise find; at
//!    most the household's share of what the community is forecast to import;
//! 2. cover the own deficit now if the buy price now is at least the value of holding;
//! 3. if the buy price now is below the value of charging times the round-trip efficiency,
//!    charge from the own surplus and buy from the market up to the household's share of what
//!    the community is forecast to export, within power;
//! 4. else store the own surplus if the coming day has a use for it (value of charging > 0);
//! 5. otherwise hold: the household bids its net position as it is.
//!
//! Why the market is only ever asked for a share of the forecast import or export, and why the
//! own surplus is stored without asking the sell price: the forecast is made without the
//! batteries' answer to it, and every battery sees the same forecast. A first version bought at
//! full power wherever charging looked cheap, and sold the own surplus wherever the forecast
//! sell price beat storing it. On a July day 315 batteries then drew 787 kWh at 09:00 against
//! a forecast 150 kWh surplus and paid nearly retail for it; on a March day they all sold their
//! morning surplus at a forecast near-retail price (the forecast saw no other seller) and got
//! the feed-in price, because together they were the surplus. Capped at shares of the
//! forecast flows, the batteries take from the market what would have gone to the grid (the
//! move the paper's battery claim is about) and sell only what would have come from it.
//!
//! With flat grid prices (no trading: buy = Lb, sell = Ls < Lb) this stores the own surplus and
//! covers the own deficit, as self-consumption does. Without an outlook it is self-consumption.

use serde::{Deserialize, Serialize};

use super::battery::{Battery, BatteryStep};

/// Coming slots a decision looks at, the current one included: one day of hour slots.
pub const OUTLOOK_SLOTS: usize = 24;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BatteryStrategy {
    /// Charge from the household's own surplus, discharge to its own deficit.
    #[default]
    SelfConsumption,
    /// Charge from own surplus or the market when cheap, use or sell when dear (module doc).
    MarketAware,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown battery strategy {0:?} (expected self-consumption or market-aware)")]
pub struct UnknownStrategy(pub String);

impl BatteryStrategy {
    pub const ALL: [BatteryStrategy; 2] = [BatteryStrategy::SelfConsumption, BatteryStrategy::MarketAware];

    pub fn name(self) -> &'static str {
        match self {
            BatteryStrategy::SelfConsumption => "self-consumption",
            BatteryStrategy::MarketAware => "market-aware",
        }
    }

    pub fn parse(name: &str) -> Result<Self, UnknownStrategy> {
        Self::ALL.into_iter().find(|s| s.name() == name).ok_or_else(|| UnknownStrategy(name.to_string()))
    }

    /// Steps `battery` through one slot of `hours` in which the household's load − PV is
    /// `net_wh`. `outlook[0]` is the current slot, the rest the coming ones (entries past
    /// `OUTLOOK_SLOTS` are ignored). The household then bids `net_wh + charged − discharged`.
    pub fn step(self, battery: &mut Battery, net_wh: f64, hours: f64, outlook: &[SlotOutlook]) -> BatteryStep {
        match self {
            BatteryStrategy::SelfConsumption => battery.step(net_wh, hours),
            BatteryStrategy::MarketAware => {
                let window = &outlook[..outlook.len().min(OUTLOOK_SLOTS)];
                let request = market_aware_request(battery, net_wh, hours, window);
                battery.step(request, hours)
            }
        }
    }
}

/// What a household expects of one slot before it starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SlotOutlook {
    /// Its own load − PV (Wh; negative = surplus), before the battery.
    pub net_wh: i64,
    /// The forecast prices it would face buying and selling (micro-tokens/kWh).
    pub buy: u64,
    pub sell: u64,
    /// Its share of what the community is forecast to export (Wh): the most it may buy from
    /// the market to charge in the slot.
    pub surplus_share_wh: u64,
    /// Its share of what the community is forecast to import (Wh): the most it may sell from
    /// the battery beyond its own deficit in the slot.
    pub shortfall_share_wh: u64,
}

/// One way a coming slot could use stored energy: `value` per Wh for up to `wh`.
#[derive(Clone, Copy, Debug, Default)]
struct Use {
    value: u64,
    wh: f64,
}

/// The signed request for `Battery::step`: negative charges (own surplus first, then bought),
/// positive discharges (own deficit first, then sold), 0 holds.
fn market_aware_request(battery: &Battery, net_wh: f64, hours: f64, outlook: &[SlotOutlook]) -> f64 {
    let Some((now, coming)) = outlook.split_first() else { return net_wh };
    let power_wh = battery.power_w * hours;
    if power_wh <= 0.0 {
        return net_wh;
    }
    let (lo, hi) = (battery.soc_min * battery.capacity_wh, battery.soc_max * battery.capacity_wh);
    let deliverable_wh = ((battery.soc_wh - lo) * battery.discharge_efficiency).max(0.0);
    let drawable_wh = ((hi - battery.soc_wh) / battery.charge_efficiency).clamp(0.0, power_wh);
    let round_trip = battery.charge_efficiency * battery.discharge_efficiency;

    let mut uses = [Use::default(); 2 * OUTLOOK_SLOTS];
    let count = coming_uses(coming, power_wh, &mut uses);
    let uses = &uses[..count];
    let hold = marginal_value(uses, deliverable_wh) as f64;
    let (buy, sell) = (now.buy as f64, now.sell as f64);
    let own_deficit_wh = net_wh.max(0.0);
    if deliverable_wh > 0.0 && sell > hold && now.shortfall_share_wh > 0 {
        return (own_deficit_wh + now.shortfall_share_wh as f64).min(power_wh);
    }
    if net_wh > 0.0 && buy >= hold {
        return net_wh;
    }
    let charge = round_trip * marginal_value(uses, deliverable_wh + drawable_wh * round_trip) as f64;
    let own_surplus_wh = (-net_wh).max(0.0);
    if buy < charge && now.surplus_share_wh > 0 {
        return -(own_surplus_wh + now.surplus_share_wh as f64).min(power_wh);
    }
    if own_surplus_wh > 0.0 && charge > 0.0 {
        return net_wh;
    }
    0.0
}

/// Fills `out` with the coming slots' uses, best value first (ties: earlier slot, own use
/// before sale), and returns how many there are.
fn coming_uses(coming: &[SlotOutlook], power_wh: f64, out: &mut [Use; 2 * OUTLOOK_SLOTS]) -> usize {
    let mut unsorted = [Use::default(); 2 * OUTLOOK_SLOTS];
    // Sort keys: the value's complement above the entry's index, so an ascending sort of
    // plain integers (fast, and deterministic since keys are distinct) puts the best first.
    let mut keys = [0u64; 2 * OUTLOOK_SLOTS];
    let mut n = 0;
    let mut push = |value: u64, wh: f64| {
        unsorted[n] = Use { value, wh };
        keys[n] = ((MAX_VALUE - value.min(MAX_VALUE)) << INDEX_BITS) | n as u64;
        n += 1;
    };
    for o in coming.iter().take(OUTLOOK_SLOTS - 1) {
        let own_wh = (o.net_wh.max(0) as f64).min(power_wh);
        if own_wh > 0.0 {
            push(o.buy, own_wh);
        }
        if power_wh > own_wh {
            push(o.sell, power_wh - own_wh);
        }
    }
    keys[..n].sort_unstable();
    for (slot, key) in out.iter_mut().zip(&keys[..n]) {
        *slot = unsorted[(key & ((1 << INDEX_BITS) - 1)) as usize];
    }
    n
}

/// Room for an entry index (at most `2 * OUTLOOK_SLOTS`) below the value in a sort key.
const INDEX_BITS: u32 = 8;
/// Prices above this (far above any genesis bound, 10^7 micro-tokens/kWh) sort as this.
const MAX_VALUE: u64 = (1 << 40) - 1;

/// The value of the use that the `energy_wh`-th Wh would reach, walking down `uses` (best
/// first); 0 when the uses cannot absorb that much, or when there is no energy to place.
fn marginal_value(uses: &[Use], energy_wh: f64) -> u64 {
    if energy_wh <= 0.0 {
        return uses.first().map_or(0, |u| u.value);
    }
    let mut placed = 0.0;
    for u in uses {
        placed += u.wh;
        if placed >= energy_wh {
            return u.value;
        }
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(n: usize, net_wh: i64) -> Vec<SlotOutlook> {
        vec![SlotOutlook { net_wh, buy: 90_000, sell: 40_000, surplus_share_wh: 0, shortfall_share_wh: 0 }; n]
    }

    #[test]
    fn names_round_trip() {
        for s in BatteryStrategy::ALL {
            assert_eq!(BatteryStrategy::parse(s.name()), Ok(s));
        }
        assert!(BatteryStrategy::parse("arbitrage").is_err());
    }

    #[test]
    fn with_flat_grid_prices_market_aware_stores_surplus_and_covers_deficit() {
        let mut a = Battery::default();
        let mut b = Battery::default();
        let mut outlook = flat(OUTLOOK_SLOTS, 1_000);
        outlook[0].net_wh = -2_000;
        let sa = BatteryStrategy::SelfConsumption.step(&mut a, -2_000.0, 1.0, &outlook);
        let sb = BatteryStrategy::MarketAware.step(&mut b, -2_000.0, 1.0, &outlook);
        assert_eq!(sa, sb);
        outlook[0].net_wh = 800;
        let sa = BatteryStrategy::SelfConsumption.step(&mut a, 800.0, 1.0, &outlook);
        let sb = BatteryStrategy::MarketAware.step(&mut b, 800.0, 1.0, &outlook);
        assert_eq!(sa, sb);
    }

    #[test]
    fn without_an_outlook_market_aware_is_self_consumption() {
        let (mut a, mut b) = (Battery::default(), Battery::default());
        for net in [-3_000.0, 500.0, 4_000.0, -100.0] {
            assert_eq!(BatteryStrategy::SelfConsumption.step(&mut a, net, 1.0, &[]), BatteryStrategy::MarketAware.step(&mut b, net, 1.0, &[]));
        }
    }

    #[test]
    fn marginal_value_walks_down_the_uses() {
        let uses = [Use { value: 9, wh: 100.0 }, Use { value: 5, wh: 100.0 }];
        assert_eq!(marginal_value(&uses, 50.0), 9);
        assert_eq!(marginal_value(&uses, 150.0), 5);
        assert_eq!(marginal_value(&uses, 250.0), 0);
        assert_eq!(marginal_value(&uses, 0.0), 9);
    }
}
