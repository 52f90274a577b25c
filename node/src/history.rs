//! A home's recent slots for the dashboard and `/households/{addr}`: per slot, its meter
//! reading, its bid and its settlement. Only the latest reading is in state (one key per
//! household); the hourly history lives here, in memory, over the last `HISTORY_SLOTS` slots:
//! filled on every commit and rebuilt from the last blocks when the node starts.

use ledger::store::{ChainStore, RocksBackend};
use market_runtime::chain::{codec, keys};
use market_runtime::{Address, MeterReading, Side, SlotClearing, StateStore, Tx, TxBody, TxError};
use std::collections::{BTreeMap, HashMap};

/// How many slots of history the node keeps (two days of hourly slots).
pub const HISTORY_SLOTS: u64 = 48;

/// One household in one slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SlotRecord {
    pub bid: Option<(Side, u64)>,
    pub meter: Option<MeterReading>,
    pub settlement: Option<SettledRecord>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettledRecord {
    pub p2p_wh: u64,
    pub grid_wh: u64,
    /// Micro-tokens paid (buy) or received (sell).
    pub amount: u64,
    pub solar_reward: u64,
}

/// Slot-major, so dropping the oldest slot is one removal whatever the number of homes.
#[derive(Debug, Default)]
pub struct History {
    slots: BTreeMap<u64, HashMap<Address, SlotRecord>>,
    /// The newest block slot seen; slots at or below `newest - HISTORY_SLOTS` are dropped.
    newest: u64,
}

impl History {
    /// Records a committed block: its accepted bids (with their readings) and its clearing.
    /// `accepted(i)` says whether transaction `i` was applied.
    pub fn record_block(&mut self, block_slot: u64, txs: &[&Tx], accepted: impl Fn(usize) -> bool, clearing: Option<&SlotClearing>) {
        self.newest = self.newest.max(block_slot);
        let oldest = self.oldest_kept();
        for (i, tx) in txs.iter().enumerate() {
            let TxBody::Bid { slot, side, quantity_wh, meter, .. } = &tx.body else { continue };
            if *slot < oldest || !accepted(i) {
                continue;
            }
            let record = self.slots.entry(*slot).or_default().entry(tx.sender).or_default();
            // A 0 Wh bid only carries a reading (the battery balanced the home).
            if *quantity_wh > 0 {
                record.bid = Some((*side, *quantity_wh));
            }
            record.meter = *meter;
        }
        if let Some(c) = clearing {
            if c.slot >= oldest {
                let slot = self.slots.entry(c.slot).or_default();
                for s in &c.settlements {
                    let record = slot.entry(s.household).or_default();
                    record.bid.get_or_insert((s.side, s.quantity_wh));
                    record.settlement =
                        Some(SettledRecord { p2p_wh: s.p2p_wh, grid_wh: s.grid_wh, amount: s.amount, solar_reward: s.solar_reward });
                }
            }
        }
        while let Some((&first, _)) = self.slots.first_key_value() {
            if first >= oldest {
                break;
            }
            self.slots.remove(&first);
        }
    }

    fn oldest_kept(&self) -> u64 {
        self.newest.saturating_sub(HISTORY_SLOTS - 1)
    }

    /// A household's kept slots, oldest first (future slots it already bid for included).
    pub fn of(&self, household: &Address) -> Vec<(u64, SlotRecord)> {
        self.slots.iter().filter_map(|(slot, homes)| homes.get(household).map(|r| (*slot, *r))).collect()
    }

    /// The reading a household sent for `slot`, if it is still kept.
    pub fn reading(&self, household: &Address, slot: u64) -> Option<MeterReading> {
        self.slots.get(&slot)?.get(household)?.meter
    }

    /// Rebuilds the index from the last `HISTORY_SLOTS` committed blocks and their clearings.
    /// The transactions' results are not stored, so a bid counts as accepted when the state
    /// holds this household's bid record for its slot with the same side and quantity, and
    /// only the first such bid of a slot counts (a later duplicate was refused); a 0 Wh
    /// reading-only bid counts when its reading passes the runtime's check against today's
    /// registration (an approximation: the nonce and market state at the time are not re-checked).
    pub fn rebuild(store: &ChainStore<RocksBackend>, state: &impl StateStore, chain_id: &str) -> Result<History, HistoryError> {
        let mut history = History::default();
        let Some(tip) = store.latest_height()? else { return Ok(history) };
        let first = tip.saturating_sub(HISTORY_SLOTS - 1).max(1);
        for height in first..=tip {
            let Some(block) = store.block(height)? else { continue };
            let block_slot = block.header.as_ref().map_or(height, |h| h.slot);
            let txs: Vec<Tx> = block.txs.iter().filter_map(|b| ledger::tx::decode_committed_tx(b, chain_id).ok()).collect();
            let refs: Vec<&Tx> = txs.iter().collect();
            let mut seen = std::collections::HashSet::new();
            let accepted: Vec<bool> = txs
                .iter()
                .map(|tx| match &tx.body {
                    // A reading-only bid leaves no bid record; it counts when its reading is valid,
                    // which is all the runtime checked of it beyond the slot.
                    TxBody::Bid { slot, quantity_wh: 0, meter: Some(reading), .. } => {
                        let hh = market_runtime::household(state, &tx.sender).ok().flatten();
                        let params = market_runtime::query::market_params(state).ok();
                        let plausible = match (hh, params) {
                            (Some(hh), Some(params)) => market_runtime::chain::meter::check_reading(reading, &hh.spec, &params).is_ok(),
                            _ => false,
                        };
                        plausible && !seen.contains(&(*slot, tx.sender))
                    }
                    TxBody::Bid { slot, side, quantity_wh, .. } => {
                        let stored = state.get(&keys::bid(*slot, &tx.sender)).and_then(|raw| codec::decode_bid(&raw));
                        stored.is_some_and(|b| b.side == *side && b.quantity_wh == *quantity_wh) && seen.insert((*slot, tx.sender))
                    }
                    _ => false,
                })
                .collect();
            let clearing = market_runtime::slot_clearing(state, block_slot)?;
            history.record_block(block_slot, &refs, |i| accepted[i], clearing.as_ref());
        }
        Ok(history)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("cannot read the chain store: {0}")]
    Store(#[from] ledger::store::StoreError),
    #[error("cannot read a slot's clearing: {0}")]
    State(#[from] TxError),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(sender: u8, slot: u64, load_wh: u64) -> Tx {
        let meter = MeterReading { generation_wh: 0, load_wh, battery_soc_wh: 0, battery_capacity_wh: 0 };
        Tx { sender: [sender; 32], nonce: 0, body: TxBody::Bid { slot, side: Side::Buy, quantity_wh: load_wh, meter: Some(meter), limit_price: None } }
    }

    #[test]
    fn slots_older_than_the_window_are_dropped() {
        let mut history = History::default();
        for slot in 1..=60 {
            let tx = bid(1, slot, slot * 10);
            history.record_block(slot, &[&tx], |_| true, None);
        }
        let kept = history.of(&[1; 32]);
        assert_eq!(kept.len() as u64, HISTORY_SLOTS);
        assert_eq!(kept.first().map(|(s, _)| *s), Some(60 - HISTORY_SLOTS + 1));
        assert_eq!(history.reading(&[1; 32], 60).map(|m| m.load_wh), Some(600));
        assert_eq!(history.reading(&[1; 32], 12), None);
    }

    #[test]
    fn a_refused_bid_leaves_no_record() {
        let mut history = History::default();
        let tx = bid(2, 5, 100);
        history.record_block(5, &[&tx], |_| false, None);
        assert!(history.of(&[2; 32]).is_empty());
    }
}
