//! The household registry: self-registration, bounded so that fresh keys cannot grow state
//! without limit, and the administrator's decisions.
//!
//! Anyone with a key may register (it costs nothing), so registrations are bounded three ways:
//! every field has a limit (lot bytes, powers, battery size); at most
//! `MarketParams::max_pending_registrations` wait for the administrator at once; and when that
//! queue is full, a new registration replaces the oldest pending one if that one has waited
//! `pending_registration_ttl_slots` or more (counted by the last cleared slot), else it is
//! refused with `TooManyPendingRegistrations`. Approving or rejecting a registration takes it
//! out of the queue, so the administrator's decisions always work and always make room.

use super::codec;
use super::error::TxError;
use super::keys;
use super::params::{MarketParams, MAX_LOT_LEN, MAX_SPEC_W, MAX_SPEC_WH};
use super::state::{self, Plan};
use super::store::StateStore;
use super::types::{Address, Household, HouseholdSpec, HouseholdStatus};

/// Checks a household spec against the runtime's limits (also used for genesis households).
pub fn validate_spec(spec: &HouseholdSpec) -> Result<(), String> {
    if spec.lot.len() > MAX_LOT_LEN {
        return Err(format!("lot is {} bytes, the limit is {MAX_LOT_LEN}", spec.lot.len()));
    }
    let bounds = [
        ("pv_capacity_w", spec.pv_capacity_w, MAX_SPEC_W),
        ("battery_w", spec.battery_w, MAX_SPEC_W),
        ("import_limit_w", spec.import_limit_w, MAX_SPEC_W),
        ("battery_wh", spec.battery_wh, MAX_SPEC_WH),
    ];
    for (field, value, max) in bounds {
        if value > max {
            return Err(format!("{field} is {value}, the limit is {max}"));
        }
    }
    if (spec.battery_wh == 0) != (spec.battery_w == 0) {
        return Err(format!(
            "battery capacity {} Wh and power {} W must both be 0 or both be positive",
            spec.battery_wh, spec.battery_w
        ));
    }
    if spec.pv_capacity_w == 0 && spec.import_limit_w == 0 {
        return Err("a household needs PV capacity or an import limit to trade".to_string());
    }
    Ok(())
}

fn pending_count(store: &impl StateStore) -> Result<u64, TxError> {
    match store.get(keys::PENDING_COUNT) {
        None => Ok(0),
        Some(raw) => codec::decode_u64(&raw).ok_or_else(|| TxError::CorruptState { key: keys::display(keys::PENDING_COUNT) }),
    }
}

pub(super) fn register(store: &impl StateStore, plan: &mut Plan, sender: Address, spec: &HouseholdSpec) -> Result<(), TxError> {
    if state::household(store, &sender)?.is_some() {
        return Err(TxError::AlreadyRegistered { household: sender });
    }
    validate_spec(spec).map_err(|reason| TxError::InvalidSpec { reason })?;
    // The grid is the counterparty of every household; letting it bid would net it against itself.
    if sender == state::grid_account(store)? {
        return Err(TxError::InvalidSpec { reason: "the grid account cannot register as a household".to_string() });
    }
    let params = state::params(store)?;
    // Refused here, not mapped to some default feeder: a household on the wrong feeder would
    // trade across limits it does not sit behind, and the administrator could not tell.
    if params.topology.as_ref().is_some_and(|t| t.feeder_index(&spec.lot).is_none()) {
        return Err(TxError::LotNotAFeeder { lot: spec.lot.clone() });
    }
    let now = state::last_cleared(store)?.unwrap_or(0);
    let pending = pending_count(store)?;
    if pending >= params.max_pending_registrations {
        // The queue stays at its size: the newcomer takes the evicted one's place.
        evict_oldest(store, plan, &params, now, pending)?;
    } else {
        // pending < max <= u64::MAX, so this cannot overflow.
        plan.put(keys::PENDING_COUNT.to_vec(), codec::encode_u64(pending + 1));
    }
    plan.put(keys::pending(&sender), codec::encode_u64(now));
    let hh = Household { address: sender, spec: spec.clone(), status: HouseholdStatus::Pending };
    plan.put(keys::household(&sender), codec::encode_household(&hh));
    Ok(())
}

/// Removes the oldest pending registration (lowest stamp, then lowest address) if it has
/// waited its time; the queue holds at most `max_pending_registrations` entries, so the scan is bounded.
fn evict_oldest(store: &impl StateStore, plan: &mut Plan, params: &MarketParams, now: u64, pending: u64) -> Result<(), TxError> {
    let mut oldest: Option<(u64, Address)> = None;
    for (key, value) in store.scan_prefix(keys::PENDING_PREFIX) {
        let corrupt = || TxError::CorruptState { key: keys::display(&key) };
        let entry = (codec::decode_u64(&value).ok_or_else(corrupt)?, keys::trailing_address(&key).ok_or_else(corrupt)?);
        if oldest.is_none_or(|o| entry < o) {
            oldest = Some(entry);
        }
    }
    let max = params.max_pending_registrations;
    let ttl = params.pending_registration_ttl_slots;
    match oldest {
        Some((stamp, addr)) if now >= stamp.saturating_add(ttl) => {
            plan.delete(keys::pending(&addr));
            plan.delete(keys::household(&addr));
            Ok(())
        }
        Some((stamp, _)) => {
            Err(TxError::TooManyPendingRegistrations { pending, max, oldest_expires_at_slot: stamp.saturating_add(ttl) })
        }
        // A limit of 0 closes registration: households come from the genesis only.
        None => Err(TxError::TooManyPendingRegistrations { pending, max, oldest_expires_at_slot: u64::MAX }),
    }
}

/// The administrator approves or rejects a pending registration.
pub(super) fn decide(
    store: &impl StateStore,
    plan: &mut Plan,
    household: &Address,
    status: HouseholdStatus,
) -> Result<(), TxError> {
    let mut hh = state::household(store, household)?.ok_or(TxError::UnknownHousehold { household: *household })?;
    if hh.status != HouseholdStatus::Pending {
        return Err(TxError::NotPending { household: *household, status: hh.status.name().to_string() });
    }
    hh.status = status;
    plan.put(keys::household(household), codec::encode_household(&hh));
    // A chain older than the queue has pending households without a `pend/` entry; saturate.
    if store.get(&keys::pending(household)).is_some() {
        plan.delete(keys::pending(household));
        plan.put(keys::PENDING_COUNT.to_vec(), codec::encode_u64(pending_count(store)?.saturating_sub(1)));
    }
    Ok(())
}
