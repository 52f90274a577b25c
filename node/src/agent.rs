//! The household agent's decision: what a household meters and bids for a slot. Its battery
//! (paper eqs. 4-5, DESIGN.md's defaults) carries its state of charge from one slot to the next.

use market_runtime::model::community::Profile;
use market_runtime::model::Battery;
use market_runtime::{HouseholdSpec, MeterReading, Side, Tx, TxBody};

/// One household's meter: its row of the profile and its battery.
#[derive(Debug, Clone)]
pub struct HouseholdMeter {
    pub index: usize,
    /// `None` for a home without a battery.
    battery: Option<Battery>,
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
        Self { index, battery }
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
    pub fn step(&mut self, profile: &Profile, slot: u64) -> Option<SlotDecision> {
        if profile.slots == 0 || self.index >= profile.households {
            return None;
        }
        let hour = (slot.saturating_sub(1) % profile.slots as u64) as usize;
        let at = profile.at(hour, self.index);
        let load_wh = *profile.load_wh.get(at)?;
        let pv_wh = *profile.pv_wh.get(at)?;
        let mut net = load_wh as f64 - pv_wh as f64;
        let (soc_wh, capacity_wh) = match &mut self.battery {
            Some(battery) => {
                let step = battery.step(net, 1.0);
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
}
