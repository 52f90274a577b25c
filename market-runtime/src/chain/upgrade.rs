//! Protocol upgrades: the administrator schedules the next protocol version at a block height,
//! and from that height every block carries it and is executed under it.
//!
//! The schedule lives in the state, so every node knows the height at which its release stops
//! being able to follow the chain, and a release that runs the new version knows when to switch.
//! One block is one slot (`slot = height`), so the last cleared slot is the chain's height here.

use super::codec;
use super::error::TxError;
use super::keys;
use super::state::{self, Plan};
use super::store::StateStore;

/// Fewest blocks between the block that schedules an upgrade and the upgrade: time for the
/// operators to install the release (with one-hour slots, most communities will give days).
pub const MIN_UPGRADE_NOTICE: u64 = 10;

/// An upgrade the administrator scheduled and that has not started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled {
    pub version: u32,
    pub height: u64,
}

/// The protocol version the chain runs now (0 until the first upgrade starts).
pub fn active_version(store: &impl StateStore) -> u32 {
    store
        .get(keys::PROTOCOL)
        .and_then(|raw| raw.try_into().ok().map(u32::from_le_bytes))
        .unwrap_or(0)
}

/// The scheduled upgrade, if one is waiting for its height.
pub fn scheduled(store: &impl StateStore) -> Option<Scheduled> {
    let raw = store.get(keys::UPGRADE)?;
    let version = u32::from_le_bytes(raw.get(..4)?.try_into().ok()?);
    let height = codec::decode_u64(raw.get(4..)?)?;
    Some(Scheduled { version, height })
}

/// The version block `height` must carry, given the state after block `height - 1`.
pub fn version_at(store: &impl StateStore, height: u64) -> u32 {
    match scheduled(store) {
        Some(s) if height >= s.height => s.version,
        _ => active_version(store),
    }
}

/// Starts a scheduled upgrade whose height has come; called first in every block.
pub(super) fn activate(store: &mut impl StateStore, height: u64) {
    if let Some(s) = scheduled(store) {
        if height >= s.height {
            store.put(keys::PROTOCOL, s.version.to_le_bytes().to_vec());
            store.delete(keys::UPGRADE);
        }
    }
}

/// Plans `ScheduleUpgrade { version, height }`: the next version at a height at least the
/// minimum notice ahead, replacing any upgrade not yet started; `height = 0` cancels.
pub(super) fn plan_schedule(store: &impl StateStore, plan: &mut Plan, version: u32, height: u64) -> Result<(), TxError> {
    let active = active_version(store);
    if height == 0 {
        return match scheduled(store) {
            Some(_) => {
                plan.delete(keys::UPGRADE.to_vec());
                Ok(())
            }
            None => Err(TxError::NoUpgradeScheduled),
        };
    }
    let next = active.checked_add(1).ok_or(TxError::UpgradeVersion { version, active })?;
    if version != next {
        return Err(TxError::UpgradeVersion { version, active });
    }
    let now = state::last_cleared(store)?.unwrap_or(0);
    let earliest = now.saturating_add(MIN_UPGRADE_NOTICE);
    if height < earliest {
        return Err(TxError::UpgradeTooSoon { height, earliest, notice: MIN_UPGRADE_NOTICE });
    }
    let mut value = version.to_le_bytes().to_vec();
    value.extend_from_slice(&codec::encode_u64(height));
    plan.put(keys::UPGRADE.to_vec(), value);
    Ok(())
}
