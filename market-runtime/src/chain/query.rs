//! Read-only queries over the state, for RPC and tools.

use super::codec;
use super::error::TxError;
use super::keys;
use super::meter::LatestReading;
use super::metering;
use super::metering_close;
use super::outcome::{MeteredSettlement, Settlement, SlotClearing, WindowClose};
use super::state;
use super::store::StateStore;
use super::types::{Account, Address, Household, HouseholdStatus};

pub fn account(store: &impl StateStore, addr: &Address) -> Result<Account, TxError> {
    state::account(store, addr)
}

pub fn household(store: &impl StateStore, addr: &Address) -> Result<Option<Household>, TxError> {
    state::household(store, addr)
}

/// The household's latest meter reading and its slot, if it ever sent one.
pub fn meter_reading(store: &impl StateStore, addr: &Address) -> Result<Option<LatestReading>, TxError> {
    state::meter_reading(store, addr)
}

/// Every registered household (any status), in ascending address order.
pub fn households(store: &impl StateStore) -> Result<Vec<Household>, TxError> {
    store
        .scan_prefix(keys::HOUSEHOLD_PREFIX)
        .into_iter()
        .map(|(k, v)| codec::decode_household(&v).ok_or_else(|| TxError::CorruptState { key: keys::display(&k) }))
        .collect()
}

/// A cleared slot with its settlements, or `None` if the slot was not cleared.
pub fn slot_clearing(store: &impl StateStore, slot: u64) -> Result<Option<SlotClearing>, TxError> {
    let key = keys::slot(slot);
    let Some(raw) = store.get(&key) else {
        return Ok(None);
    };
    let mut clearing = codec::decode_clearing(&raw).ok_or_else(|| TxError::CorruptState { key: keys::display(&key) })?;
    let stl_key = keys::settlements(slot);
    let parts = store
        .get(&stl_key)
        .and_then(|raw| codec::decode_settlements(&raw))
        .ok_or_else(|| TxError::CorruptState { key: keys::display(&stl_key) })?;
    let bids = store.scan_prefix(&keys::slot_bids(slot));
    if bids.len() != parts.len() {
        return Err(TxError::CorruptState { key: keys::display(&stl_key) });
    }
    for ((k, v), part) in bids.iter().zip(parts) {
        let corrupt = || TxError::CorruptState { key: keys::display(k) };
        let household = keys::trailing_address(k).ok_or_else(corrupt)?;
        let bid = codec::decode_bid(v).ok_or_else(corrupt)?;
        clearing.settlements.push(Settlement {
            household,
            side: bid.side,
            quantity_wh: bid.quantity_wh,
            p2p_wh: part.p2p_wh,
            grid_wh: part.grid_wh,
            amount: part.amount,
            solar_reward: part.solar_reward,
        });
    }
    Ok(Some(clearing))
}

/// The validator set, ascending address order.
pub fn validators(store: &impl StateStore) -> Result<Vec<(Address, u64)>, TxError> {
    super::validators::list(store)
}

/// The node keys (libp2p identities) the nodes' allowlist admits: those of approved households
/// and of validators (every stored validator has power > 0), ascending and without repeats.
pub fn allowed_node_keys(store: &impl StateStore) -> Result<Vec<Address>, TxError> {
    let mut out: Vec<Address> = households(store)?
        .into_iter()
        .filter(|h| h.status == HouseholdStatus::Approved)
        .filter_map(|h| h.spec.node_key)
        .collect();
    out.extend(super::validators::list_with_node_keys(store)?.into_iter().filter_map(|(_, _, k)| k));
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The validators that signed the committed block at `latest_height` (what its successor's
/// last commit is checked against); see `validators::signing_set`.
pub fn signing_validators(store: &impl StateStore, latest_height: u64) -> Result<Vec<(Address, u64)>, TxError> {
    super::validators::signing_set(store, latest_height)
}

/// The last cleared slot, if any.
pub fn last_cleared_slot(store: &impl StateStore) -> Result<Option<u64>, TxError> {
    state::last_cleared(store)
}

/// The administrator in force: its threshold and members, the lead first.
pub fn administrator(store: &impl StateStore) -> Result<super::admin::Administrator, TxError> {
    state::administrator(store)
}

/// A k-of-n administrator's open proposals: (action id, proposal), in id order.
pub fn admin_proposals(store: &impl StateStore) -> Result<Vec<([u8; 32], super::admin_approvals::Proposal)>, TxError> {
    super::admin_approvals::open_proposals(store)
}

/// Whether the NA has the market open.
pub fn market_open(store: &impl StateStore) -> bool {
    state::market_open(store)
}

/// The genesis market parameters.
pub fn market_params(store: &impl StateStore) -> Result<super::params::MarketParams, TxError> {
    state::params(store)
}

/// The household's metered settlement for `slot` (from its report or the no-reading rule).
pub fn metered_settlement(store: &impl StateStore, slot: u64, addr: &Address) -> Result<Option<MeteredSettlement>, TxError> {
    let key = keys::metered(slot, addr);
    match store.get(&key) {
        None => Ok(None),
        Some(raw) => metering::decode_record(*addr, slot, &raw).map(Some).ok_or_else(|| TxError::CorruptState { key: keys::display(&key) }),
    }
}

/// Every metered settlement of `slot`, in ascending household address order.
pub fn metered_settlements(store: &impl StateStore, slot: u64) -> Result<Vec<MeteredSettlement>, TxError> {
    store
        .scan_prefix(&keys::slot_metered(slot))
        .into_iter()
        .map(|(k, v)| {
            keys::trailing_address(&k)
                .and_then(|addr| metering::decode_record(addr, slot, &v))
                .ok_or_else(|| TxError::CorruptState { key: keys::display(&k) })
        })
        .collect()
}

/// How the metering window of `slot` closed, once it has.
pub fn window_close(store: &impl StateStore, slot: u64) -> Result<Option<WindowClose>, TxError> {
    let key = keys::meter_window_closed(slot);
    match store.get(&key) {
        None => Ok(None),
        Some(raw) => metering_close::decode_close(slot, &raw).map(Some).ok_or_else(|| TxError::CorruptState { key: keys::display(&key) }),
    }
}
