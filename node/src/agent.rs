//! The household agent's decision: what a household meters and bids for a slot. Its battery
//! (paper eqs. 4-5, DESIGN.md's defaults) carries its state of charge from one slot to the next,
//! run by the household's strategy (`market_runtime::model::battery_strategy`).

use market_runtime::model::community::Profile;
use market_runtime::model::{Battery, BatteryStrategy, SlotOutlook, OUTLOOK_SLOTS};
use market_runtime::sim::forecast::SlotPrice;
use market_runtime::{HouseholdSpec, HouseholdStatus, MeterReading, Side, StateStore, Tx, TxBody};

/// One household's meter: its row of the profile, its battery and how it runs it.
#[derive(Debug, Clone)]
pub struct HouseholdMeter {
    pub index: usize,
    /// `None` for a home without a battery.
    battery: Option<Battery>,
    strategy: BatteryStrategy,
}

/// What the meter reports for a slot and the bid it leads to (`None` when exactly balanced).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotDecision {
    pub reading: MeterReading,
    pub bid: Option<(Side, u64)>,
}

impl SlotDecision {
    /// The side and quantity to sign: the net position, or a 0 Wh bid when the battery
    /// balanced the home exactly (the runtime records its reading and nothing else).
    pub fn side_and_quantity(&self) -> (Side, u64) {
        self.bid.unwrap_or((Side::Buy, 0))
    }
}

impl HouseholdMeter {
    /// A meter for profile row `index` with the battery the household registered
    /// (capacity and power from `spec`; efficiencies and SoC bounds from `Battery::default`).
    pub fn new(index: usize, spec: &HouseholdSpec) -> Self {
        let battery = (spec.battery_wh > 0 && spec.battery_w > 0).then(|| {
            let defaults = Battery::default();
            let capacity_wh = spec.battery_wh as f64;
            Battery {
                capacity_wh,
                power_w: spec.battery_w as f64,
                soc_wh: defaults.soc_min * capacity_wh,
                ..defaults
            }
        });
        Self { index, battery, strategy: BatteryStrategy::SelfConsumption }
    }

    /// The same meter running its battery by `strategy`.
    pub fn with_strategy(mut self, strategy: BatteryStrategy) -> Self {
        self.strategy = strategy;
        self
    }

    pub fn strategy(&self) -> BatteryStrategy {
        self.strategy
    }

    /// Whether the household has a battery (only then does a market-aware agent need a forecast).
    pub fn has_battery(&self) -> bool {
        self.battery.is_some()
    }

    /// Continues from the state of charge in the household's latest reading on chain, so a
    /// restarted agent does not reset the battery. Ignored for a reading of another capacity.
    pub fn resume_from(&mut self, reading: &MeterReading) {
        if let Some(battery) = &mut self.battery {
            if reading.battery_capacity_wh == battery.capacity_wh as u64 {
                let (lo, hi) = (battery.soc_min * battery.capacity_wh, battery.soc_max * battery.capacity_wh);
                battery.soc_wh = (reading.battery_soc_wh as f64).clamp(lo, hi);
            }
        }
    }

    /// Meters `slot` (profile hour `(slot - 1) mod profile.slots`), lets the battery absorb
    /// surplus or cover deficit, and bids the rest. Call once per slot, in slot order: each
    /// call moves the battery on by one hour. `None` when the index is outside the profile.
    /// A market-aware battery without a forecast runs as self-consumption (`step_with`).
    pub fn step(&mut self, profile: &Profile, slot: u64) -> Option<SlotDecision> {
        self.step_with(profile, slot, &[])
    }

    /// `step`, with a forecast for a market-aware battery: `forecast[i]` is for slot `slot + i`
    /// (prices, and this battery's share of the community's export and import), at most a day.
    pub fn step_with(&mut self, profile: &Profile, slot: u64, forecast: &[SlotPrice]) -> Option<SlotDecision> {
        if profile.slots == 0 || self.index >= profile.households {
            return None;
        }
        let at = profile.at(profile_hour(profile, slot), self.index);
        let load_wh = *profile.load_wh.get(at)?;
        let pv_wh = *profile.pv_wh.get(at)?;
        let mut net = load_wh as f64 - pv_wh as f64;
        let outlook = self.outlook(profile, slot, forecast);
        let (soc_wh, capacity_wh) = match &mut self.battery {
            Some(battery) => {
                let step = self.strategy.step(battery, net, 1.0, &outlook);
                net += step.charged_wh - step.discharged_wh;
                // Floor keeps the reported SoC at or below capacity, as the runtime requires.
                (step.soc_wh.max(0.0).floor() as u64, battery.capacity_wh as u64)
            }
            None => (0, 0),
        };
        let net = net.round() as i64;
        let bid = match net.cmp(&0) {
            std::cmp::Ordering::Greater => Some((Side::Buy, net.unsigned_abs())),
            std::cmp::Ordering::Less => Some((Side::Sell, net.unsigned_abs())),
            std::cmp::Ordering::Equal => None,
        };
        let reading = MeterReading {
            generation_wh: pv_wh,
            load_wh,
            battery_soc_wh: soc_wh.min(capacity_wh),
            battery_capacity_wh: capacity_wh,
        };
        Some(SlotDecision { reading, bid })
    }

    /// The household's own forecast net position (its profile, which repeats) beside each
    /// forecast slot; empty without a forecast or a battery.
    fn outlook(&self, profile: &Profile, slot: u64, forecast: &[SlotPrice]) -> Vec<SlotOutlook> {
        if self.battery.is_none() {
            return Vec::new();
        }
        let mut out = Vec::with_capacity(OUTLOOK_SLOTS);
        for (k, price) in forecast.iter().take(OUTLOOK_SLOTS).enumerate() {
            let at = profile.at(profile_hour(profile, slot + k as u64), self.index);
            let (Some(&load), Some(&pv)) = (profile.load_wh.get(at), profile.pv_wh.get(at)) else { break };
            out.push(SlotOutlook {
                net_wh: load as i64 - pv as i64,
                buy: price.buy,
                sell: price.sell,
                surplus_share_wh: price.export_wh,
                shortfall_share_wh: price.import_wh,
            });
        }
        out
    }
}

/// The profile hour that stands for chain slot `slot` (slot 1 is the profile's first hour).
fn profile_hour(profile: &Profile, slot: u64) -> usize {
    (slot.saturating_sub(1) % profile.slots.max(1) as u64) as usize
}

/// Slots a market-aware agent looks back: the same hour a day earlier stands for the coming one.
const DAY_SLOTS: u64 = 24;

/// The forecast a market-aware battery decides from on a real chain: for `slot` and the 23
/// after it, what the chain cleared at the same hour a day (24 slots) earlier (persistence, the
/// usual naive forecast; the sim clears its own forecast instead, `market_runtime::sim::forecast`),
/// with this battery's share of that slot's export and import, by battery power among the
/// approved households. Where that slot was not cleared (the chain's first day, or one still
/// open) it is the grid prices and no flows. Only cleared slots are read: the forecast is
/// known before the slot. Empty when the market parameters cannot be read.
pub fn previous_day_forecast(state: &impl StateStore, slot: u64, spec: &HouseholdSpec) -> Vec<SlotPrice> {
    let Ok(params) = market_runtime::chain::query::market_params(state) else { return Vec::new() };
    let total_battery_w = market_runtime::households(state).map_or(0, |all| {
        all.iter()
            .filter(|h| h.status == HouseholdStatus::Approved && h.spec.battery_wh > 0)
            .fold(0u64, |sum, h| sum.saturating_add(h.spec.battery_w))
    });
    let share = if total_battery_w == 0 { 0.0 } else { (spec.battery_w as f64 / total_battery_w as f64).min(1.0) };
    let part = |wh: u64| (wh as f64 * share).floor() as u64;
    (0..OUTLOOK_SLOTS as u64)
        .map(|k| {
            let earlier = (slot + k).checked_sub(DAY_SLOTS);
            match earlier.and_then(|s| market_runtime::slot_clearing(state, s).ok().flatten()) {
                Some(c) => SlotPrice { buy: c.price_buy, sell: c.price_sell, export_wh: part(c.grid_export_wh), import_wh: part(c.grid_import_wh) },
                None => SlotPrice { buy: params.grid_buy_price, sell: params.grid_sell_price, export_wh: 0, import_wh: 0 },
            }
        })
        .collect()
}

pub fn bid_tx(sender: [u8; 32], nonce: u64, slot: u64, side: Side, quantity_wh: u64, meter: Option<MeterReading>) -> Tx {
    Tx { sender, nonce, body: TxBody::Bid { slot, side, quantity_wh, meter, limit_price: None } }
}

/// The slot a bid sent now should target: the next block's slot, or a later one when the
/// next slot closes within `margin_ms` (the bid could not reach the proposer in time).
pub fn target_slot(latest_height: u64, genesis_time_ms: u64, slot_ms: u64, now_ms: u64, margin_ms: u64) -> u64 {
    let mut slot = latest_height + 1;
    if let Some(elapsed_slots) = now_ms.saturating_sub(genesis_time_ms).checked_div(slot_ms) {
        slot = slot.max(elapsed_slots + 1);
        while genesis_time_ms + slot * slot_ms < now_ms + margin_ms {
            slot += 1;
        }
    }
    slot
}

/// The slot to bid for now, as every agent picks it: with back-to-back slots (0 ms) two
/// blocks ahead, so the bid is in the mempool before its block is built; with timed slots
/// the first one that does not close within `margin_ms`.
pub fn bid_slot(latest_height: u64, genesis_time_ms: u64, slot_ms: u64, now_ms: u64, margin_ms: u64) -> u64 {
    if slot_ms == 0 {
        latest_height + 2
    } else {
        target_slot(latest_height, genesis_time_ms, slot_ms, now_ms, margin_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use market_runtime::HouseholdKind;

    fn spec(battery_wh: u64) -> HouseholdSpec {
        HouseholdSpec {
            pv_capacity_w: 5_000,
            battery_wh,
            battery_w: if battery_wh > 0 { 2_500 } else { 0 },
            import_limit_w: 20_000,
            kind: HouseholdKind::Villa,
            lot: "A-1".into(),
            node_key: None,
        }
    }

    fn profile() -> Profile {
        // Two hours: a sunny surplus of 2,000 Wh, then an evening deficit of 1,500 Wh.
        Profile {
            households: 1,
            slots: 2,
            ids: vec!["a".into()],
            load_wh: vec![1_000, 1_500],
            pv_wh: vec![3_000, 0],
            pv_capacity_w: vec![5_000],
        }
    }

    #[test]
    fn target_slot_skips_a_slot_that_closes_too_soon() {
        // Slot s closes at 1000 + s*1000. At t=3950 slot 3 (closes 4000) is too close for 100 ms.
        assert_eq!(target_slot(1, 1000, 1000, 3950, 100), 4);
        assert_eq!(target_slot(1, 1000, 1000, 3500, 100), 3);
        // Back-to-back slots: always the next block.
        assert_eq!(target_slot(41, 0, 0, 99_999, 100), 42);
        assert_eq!(bid_slot(41, 0, 0, 99_999, 100), 43);
    }

    #[test]
    fn without_a_battery_buyers_bid_their_shortfall_and_sellers_their_surplus() {
        let mut meter = HouseholdMeter::new(0, &spec(0));
        let sunny = meter.step(&profile(), 1).expect("in profile");
        assert_eq!(sunny.bid, Some((Side::Sell, 2_000)));
        assert_eq!(sunny.reading, MeterReading { generation_wh: 3_000, load_wh: 1_000, battery_soc_wh: 0, battery_capacity_wh: 0 });
        assert_eq!(meter.step(&profile(), 2).expect("in profile").bid, Some((Side::Buy, 1_500)));
        assert_eq!(HouseholdMeter::new(1, &spec(0)).step(&profile(), 1), None);
    }

    #[test]
    fn a_restarted_meter_continues_from_the_reading_on_chain() {
        let mut meter = HouseholdMeter::new(0, &spec(5_000));
        meter.resume_from(&MeterReading { generation_wh: 0, load_wh: 0, battery_soc_wh: 3_000, battery_capacity_wh: 5_000 });
        // The evening's 1,500 Wh come from the battery: 3,000 - 1,500 / 0.9999.
        let evening = meter.step(&profile(), 2).expect("in profile");
        assert_eq!((evening.bid, evening.reading.battery_soc_wh), (None, 1_499));
    }

    #[test]
    fn the_battery_stores_the_noon_surplus_and_covers_the_evening() {
        let mut meter = HouseholdMeter::new(0, &spec(5_000));
        let noon = meter.step(&profile(), 1).expect("in profile");
        // 2,000 Wh surplus, 2,500 W battery: all of it charges at 98 %: 500 + 1,960 Wh.
        assert_eq!(noon.reading.battery_soc_wh, 2_460);
        assert_eq!(noon.reading.battery_capacity_wh, 5_000);
        assert_eq!(noon.bid, None);
        assert_eq!(noon.side_and_quantity(), (Side::Buy, 0), "a balanced slot still sends its reading");
        let evening = meter.step(&profile(), 2).expect("in profile");
        // The 1,500 Wh deficit comes from the battery (1,500 / 0.9999 Wh of charge).
        assert_eq!(evening.bid, None);
        assert_eq!(evening.reading.battery_soc_wh, 959);
    }

    #[test]
    fn a_market_aware_meter_buys_its_share_of_the_forecast_export_at_noon() {
        let forecast = [
            SlotPrice { buy: 40_000, sell: 40_000, export_wh: 400, import_wh: 0 },
            SlotPrice { buy: 90_000, sell: 90_000, export_wh: 0, import_wh: 1_000 },
        ];
        let mut meter = HouseholdMeter::new(0, &spec(5_000)).with_strategy(BatteryStrategy::MarketAware);
        let noon = meter.step_with(&profile(), 1, &forecast).expect("in profile");
        // Its own 2,000 Wh and 400 Wh bought from the neighbours go into the battery.
        assert_eq!(noon.bid, Some((Side::Buy, 400)));
        assert_eq!(noon.reading.battery_soc_wh, 2_852);
    }

    #[test]
    fn a_market_aware_meter_without_a_forecast_runs_as_self_consumption() {
        let mut plain = HouseholdMeter::new(0, &spec(5_000));
        let mut aware = HouseholdMeter::new(0, &spec(5_000)).with_strategy(BatteryStrategy::MarketAware);
        for slot in 1..=4 {
            assert_eq!(plain.step(&profile(), slot), aware.step(&profile(), slot), "slot {slot}");
        }
    }

    #[test]
    fn the_chain_forecast_is_yesterdays_clearing_with_this_batterys_share() {
        use market_runtime::*;
        let small = HouseholdSpec { battery_w: 2_500, ..spec(5_000) };
        let big = HouseholdSpec { battery_w: 7_500, ..spec(15_000) };
        let (a, b, grid) = ([1u8; 32], [2u8; 32], [0xEE; 32]);
        let genesis = AppGenesis {
            administrator: [0xAA; 32],
            administrator_set: None,
            grid_account: grid,
            params: MarketParams::default(),
            balances: [a, b, grid].iter().map(|&address| GenesisBalance { address, amount: 1_000_000_000_000 }).collect(),
            households: vec![GenesisHousehold { address: a, spec: small.clone() }, GenesisHousehold { address: b, spec: big }],
            validators: vec![],
            market_open: true,
        };
        let mut store = MemStore::new();
        init_genesis(&mut store, &genesis).expect("genesis");
        // Slot 2: 1,000 Wh offered, 200 Wh wanted: 800 Wh go to the grid at the feed-in price.
        let bids = [bid_tx(a, 0, 2, Side::Sell, 1_000, None), bid_tx(b, 0, 2, Side::Buy, 200, None)];
        for (height, txs) in [(1u64, &[][..]), (2, &bids[..])] {
            let ctx = BlockContext { height, slot: height, proposer: [0x77; 32], signers: vec![] };
            let out = execute_block(&mut store, &ctx, txs);
            assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
        }
        let forecast = previous_day_forecast(&store, 26, &small);
        assert_eq!(forecast.len(), OUTLOOK_SLOTS);
        // Slot 26 stands on slot 2; a quarter of the battery power gets a quarter of the export.
        assert_eq!(forecast[0], SlotPrice { buy: 40_000, sell: 40_000, export_wh: 200, import_wh: 0 });
        // Slot 27 stands on slot 3, not cleared: the grid prices, nothing to trade.
        assert_eq!(forecast[1], SlotPrice { buy: 90_000, sell: 40_000, export_wh: 0, import_wh: 0 });
    }
}
