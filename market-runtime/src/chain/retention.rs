//! Retention: a cleared slot's records leave the state once they are `retention_slots` old.
//!
//! Without it every bid ever made stays in the state tree, and the tree (held in memory by
//! every node) grows with the community's age instead of its size. The blocks keep the bids;
//! a household proves a settlement while it is in the window (the proof stays valid against
//! the certified header after the records are gone).

use super::codec;
use super::keys;
use super::params::MarketParams;
use super::store::StateStore;

/// Most slot numbers one block looks at: after a long halt the chain's next slot can be far
/// past the last pruned one, and a block's work must stay bounded; the rest is pruned by the
/// blocks that follow.
pub const MAX_PRUNE_PROBES: u64 = 4_096;

/// What one block removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub slots: u64,
    pub records: u64,
}

/// The lowest slot whose records may still be in the state (`None`: no retention, or nothing
/// cleared yet).
pub fn kept_from(store: &impl StateStore) -> Option<u64> {
    store.get(keys::KEPT_FROM).and_then(|raw| codec::decode_u64(&raw))
}

/// Removes the records of every cleared slot at or below `cleared - retention_slots`, in slot
/// order, after the slot `cleared` was cleared. A slot whose metering window is still open stops
/// the walk: its bids are what its metered settlement is checked against.
pub fn prune(store: &mut impl StateStore, params: &MarketParams, cleared: u64) -> Pruned {
    let Some(retention) = params.retention_slots else { return Pruned::default() };
    let from = match kept_from(store) {
        Some(from) => from,
        None => {
            // Retention is a genesis setting, so nothing older than the first cleared slot exists.
            store.put(keys::KEPT_FROM, codec::encode_u64(cleared));
            return Pruned::default();
        }
    };
    let Some(cutoff) = cleared.checked_sub(retention) else { return Pruned::default() };
    let mut pruned = Pruned::default();
    let mut next = from;
    while next <= cutoff && next - from < MAX_PRUNE_PROBES {
        if store.get(&keys::meter_window(next)).is_some() {
            break;
        }
        let records = prune_slot(store, next);
        if records > 0 {
            pruned.slots += 1;
            pruned.records += records;
        }
        next += 1;
    }
    if next != from {
        store.put(keys::KEPT_FROM, codec::encode_u64(next));
    }
    pruned
}

/// Deletes one slot's bids, settlements, clearing and metered records; returns how many keys.
fn prune_slot(store: &mut impl StateStore, slot: u64) -> u64 {
    let mut removed = 0u64;
    for prefix in [keys::slot_bids(slot), keys::slot_metered(slot)] {
        for (key, _) in store.scan_prefix(&prefix) {
            store.delete(&key);
            removed += 1;
        }
    }
    for key in [keys::settlements(slot), keys::slot(slot), keys::meter_window_closed(slot)] {
        if store.get(&key).is_some() {
            store.delete(&key);
            removed += 1;
        }
    }
    removed
}
