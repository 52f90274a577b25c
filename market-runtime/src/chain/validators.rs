//! The validator registry: power updates by the administrator, and evidence.
//!
//! Slashing: evidence of double signing (verified by consensus before it reaches a tx) against
//! validator V at (height, round) removes V from the set (power 0, so it neither proposes nor
//! votes from the next height on) and moves `MarketParams::slash_amount` micro-tokens, or V's
//! whole available balance if smaller, from V's account to the administrator's lead member's
//! account (the community fund; `admin`). Nothing is burned, so conservation holds. The same (V, height, round) can
//! be punished once only. If V is the last validator it keeps its place (and its power) and
//! is slashed in money only: an empty set halts the chain for good.
//!
//! Set bounds: at least one validator, at most `MAX_VALIDATORS`, total power at most
//! `MAX_TOTAL_POWER`; an update that would break one is refused (admission and execution).

use super::codec;
use super::error::TxError;
use super::keys;
use super::params::{MAX_TOTAL_POWER, MAX_VALIDATORS};
use super::state::{self, Plan};
use super::store::StateStore;
use super::types::Address;

/// All validators with their power, in ascending address order.
pub fn list(store: &impl StateStore) -> Result<Vec<(Address, u64)>, TxError> {
    Ok(list_with_node_keys(store)?.into_iter().map(|(a, p, _)| (a, p)).collect())
}

/// All validators with their power and node key, in ascending address order.
pub fn list_with_node_keys(store: &impl StateStore) -> Result<Vec<(Address, u64, Option<Address>)>, TxError> {
    store
        .scan_prefix(keys::VALIDATOR_PREFIX)
        .into_iter()
        .map(|(k, v)| {
            let addr = keys::trailing_address(&k);
            match (addr, codec::decode_validator(&v)) {
                (Some(a), Some((p, node_key))) => Ok((a, p, node_key)),
                _ => Err(TxError::CorruptState { key: keys::display(&k) }),
            }
        })
        .collect()
}

/// Before block `height` changes the registry, keeps the set as it was: that set signed
/// `height`'s certificate, which the next block carries as its last commit and which a
/// node checks (and the mint pays) against it.
pub fn snapshot_signing_set(store: &mut impl StateStore, height: u64) -> Result<(), TxError> {
    let set = list(store)?;
    let mut value = Vec::with_capacity(8 + set.len() * 40);
    value.extend_from_slice(&height.to_le_bytes());
    for (addr, power) in &set {
        value.extend_from_slice(addr);
        value.extend_from_slice(&power.to_le_bytes());
    }
    store.put(keys::SIGNING_SET, value);
    Ok(())
}

/// The validators that signed block `latest_height` (the committed tip): the snapshot if that
/// block changed the registry, else the registry itself, which then has not changed since.
pub fn signing_set(store: &impl StateStore, latest_height: u64) -> Result<Vec<(Address, u64)>, TxError> {
    let Some(raw) = store.get(keys::SIGNING_SET) else { return list(store) };
    let corrupt = || TxError::CorruptState { key: keys::display(keys::SIGNING_SET) };
    let (head, body) = raw.split_at_checked(8).ok_or_else(corrupt)?;
    if codec::decode_u64(head) != Some(latest_height) {
        return list(store);
    }
    if body.len() % 40 != 0 {
        return Err(corrupt());
    }
    body.chunks_exact(40)
        .map(|entry| {
            let (addr, power) = entry.split_at(32);
            match (<[u8; 32]>::try_from(addr), codec::decode_u64(power)) {
                (Ok(a), Some(p)) => Ok((a, p)),
                _ => Err(corrupt()),
            }
        })
        .collect()
}

/// Sets `validator`'s power (0 removes it). Refused if the set would become empty, hold more
/// than `MAX_VALIDATORS`, or total more than `MAX_TOTAL_POWER`: any of those would leave
/// the consensus core without a valid set, which halts the chain.
/// A `node_key` of `None` keeps the one stored.
pub fn plan_update(
    store: &impl StateStore,
    plan: &mut Plan,
    validator: &Address,
    power: u64,
    node_key: Option<Address>,
) -> Result<(), TxError> {
    let set = list_with_node_keys(store)?;
    let stored = set.iter().find(|(a, _, _)| a == validator);
    let existing = stored.is_some();
    if power == 0 {
        if !existing {
            return Err(TxError::UnknownValidator { validator: *validator });
        }
        if set.len() == 1 {
            return Err(TxError::WouldEmptyValidatorSet { validator: *validator });
        }
        plan.delete(keys::validator(validator));
        return Ok(());
    }
    if !existing && set.len() >= MAX_VALIDATORS {
        return Err(TxError::TooManyValidators { max: MAX_VALIDATORS });
    }
    // At most MAX_VALIDATORS u64 values: the u128 sum cannot overflow.
    let others: u128 = set.iter().filter(|(a, _, _)| a != validator).map(|(_, p, _)| u128::from(*p)).sum();
    let total = others + u128::from(power);
    if total > u128::from(MAX_TOTAL_POWER) {
        return Err(TxError::TotalPowerAboveCap { validator: *validator, power, total, max: MAX_TOTAL_POWER });
    }
    let node_key = node_key.or(stored.and_then(|(_, _, k)| *k));
    plan.put(keys::validator(validator), codec::encode_validator(power, node_key.as_ref()));
    Ok(())
}

pub fn plan_evidence(
    store: &impl StateStore,
    plan: &mut Plan,
    sender: &Address,
    validator: &Address,
    height: u64,
    round: u32,
) -> Result<(), TxError> {
    let admin = state::administrator(store)?;
    // Evidence is a proof checked by consensus, not a decision: any one member may report it.
    if !admin.is_member(sender) && state::validator_power(store, sender)?.is_none() {
        return Err(TxError::NotAuthorizedForEvidence { sender: *sender });
    }
    if state::validator_power(store, validator)?.is_none() {
        return Err(TxError::UnknownValidator { validator: *validator });
    }
    let key = keys::evidence(validator, height, round);
    if store.get(&key).is_some() {
        return Err(TxError::EvidenceAlreadyHandled { validator: *validator, height, round });
    }
    let slash = state::params(store)?.slash_amount;
    let offender = plan.account(store, validator)?;
    let taken = slash.min(offender.available());
    offender.balance = offender.balance.saturating_sub(taken);
    let lead = *admin.lead().ok_or_else(|| TxError::CorruptState { key: keys::display(keys::ADMIN) })?;
    let fund = plan.account(store, &lead)?;
    fund.balance = fund.balance.checked_add(taken).ok_or(TxError::BalanceOverflow { account: lead })?;
    // The last validator stays (slashed in money only): an empty set would halt the chain for
    // good, while a set of one can still commit the administrator's update that replaces it.
    if store.scan_prefix(keys::VALIDATOR_PREFIX).len() > 1 {
        plan.delete(keys::validator(validator));
    }
    plan.put(key, Vec::new());
    Ok(())
}
