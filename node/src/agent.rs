//! The household agent's decision: what a simulated household bids for a slot.

use market_runtime::model::community::Profile;
use market_runtime::{Side, Tx, TxBody};

/// The bid of household `index` for `slot`: its net position (load minus PV) over the
/// slot's hour of the profile, which repeats every `profile.slots` hours. `None` when the
/// household is exactly balanced.
pub fn bid_for(profile: &Profile, index: usize, slot: u64) -> Option<(Side, u64)> {
    if profile.slots == 0 || index >= profile.households {
        return None;
    }
    let hour = (slot.saturating_sub(1) % profile.slots as u64) as usize;
    let at = profile.at(hour, index);
    let load = *profile.load_wh.get(at)?;
    let pv = *profile.pv_wh.get(at)?;
    match load.cmp(&pv) {
        std::cmp::Ordering::Greater => Some((Side::Buy, load - pv)),
        std::cmp::Ordering::Less => Some((Side::Sell, pv - load)),
        std::cmp::Ordering::Equal => None,
    }
}

pub fn bid_tx(sender: [u8; 32], nonce: u64, slot: u64, side: Side, quantity_wh: u64) -> Tx {
    Tx { sender, nonce, body: TxBody::Bid { slot, side, quantity_wh } }
}

/// The slot a bid sent now should target: the next block's slot, or a later one when the
/// next slot closes within `margin_ms` (the bid could not reach the proposer in time).
pub fn target_slot(latest_height: u64, genesis_time_ms: u64, slot_ms: u64, now_ms: u64, margin_ms: u64) -> u64 {
    let mut slot = latest_height + 1;
    if slot_ms > 0 {
        let elapsed = now_ms.saturating_sub(genesis_time_ms);
        slot = slot.max(elapsed / slot_ms + 1);
        while genesis_time_ms + slot * slot_ms < now_ms + margin_ms {
            slot += 1;
        }
    }
    slot
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_slot_skips_a_slot_that_closes_too_soon() {
        // Slot s closes at 1000 + s*1000. At t=3950 slot 3 (closes 4000) is too close for 100 ms.
        assert_eq!(target_slot(1, 1000, 1000, 3950, 100), 4);
        assert_eq!(target_slot(1, 1000, 1000, 3500, 100), 3);
        // Back-to-back slots: always the next block.
        assert_eq!(target_slot(41, 0, 0, 99_999, 100), 42);
    }

    #[test]
    fn buyers_bid_their_shortfall_and_sellers_their_surplus() {
        let profile = Profile {
            households: 2,
            slots: 1,
            ids: vec!["a".into(), "b".into()],
            load_wh: vec![900, 300],
            pv_wh: vec![100, 1300],
            pv_capacity_w: vec![1000, 2000],
        };
        assert_eq!(bid_for(&profile, 0, 1), Some((Side::Buy, 800)));
        assert_eq!(bid_for(&profile, 1, 7), Some((Side::Sell, 1000)));
        assert_eq!(bid_for(&profile, 2, 1), None);
    }
}
