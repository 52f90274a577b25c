//! The administrator's actions: household decisions, market open/close, validator updates and
//! the administrator's own replacement. A member's transaction carrying an action is that
//! member's approval of it (`admin_approvals`); the action executes, in that transaction,
//! once `threshold` distinct members approved it. For a 1-of-1 (or any 1-of-n) administrator
//! that is the sender's own transaction, as before k-of-n existed.

use sha2::{Digest, Sha256};

use super::admin::Administrator;
use super::admin_approvals;
use super::error::TxError;
use super::keys;
use super::params::MAX_REASON_LEN;
use super::registration;
use super::state::{self, Plan};
use super::store::StateStore;
use super::types::{Address, HouseholdStatus};
use super::upgrade;
use super::validators;

/// One admin action, borrowed from the transaction that carries it.
#[derive(Clone, Copy, Debug)]
pub enum AdminAction<'a> {
    ApproveHousehold { household: &'a Address },
    RejectHousehold { household: &'a Address, reason: &'a str },
    OpenMarket,
    CloseMarket,
    ValidatorUpdate { validator: &'a Address, power: u64, node_key: Option<Address> },
    SetAdministrator { threshold: u32, members: &'a [Address] },
    ScheduleUpgrade { version: u32, height: u64 },
}

/// Plans `sender`'s approval of `action`, and the action itself if this approval completes it.
pub(super) fn plan(store: &impl StateStore, plan: &mut Plan, sender: Address, action: AdminAction<'_>) -> Result<(), TxError> {
    let admin = state::administrator(store)?;
    if !admin.is_member(&sender) {
        return Err(TxError::NotAdministrator { sender });
    }
    let complete = admin_approvals::approve(store, plan, &admin, sender, &action)?;
    // An approval that does not complete the action still runs it against a scratch plan, so a
    // member learns at once (a typed refusal) that the action could not execute now.
    let mut scratch = Plan::default();
    let target = if complete { plan } else { &mut scratch };
    execute(store, target, &action)
}

fn execute(store: &impl StateStore, plan: &mut Plan, action: &AdminAction<'_>) -> Result<(), TxError> {
    match *action {
        AdminAction::ApproveHousehold { household } => registration::decide(store, plan, household, HouseholdStatus::Approved),
        AdminAction::RejectHousehold { household, reason } => {
            if reason.len() > MAX_REASON_LEN {
                return Err(TxError::ReasonTooLong { len: reason.len(), max: MAX_REASON_LEN });
            }
            registration::decide(store, plan, household, HouseholdStatus::Rejected { reason: reason.to_string() })
        }
        AdminAction::OpenMarket | AdminAction::CloseMarket => {
            let open = matches!(action, AdminAction::OpenMarket);
            match (state::market_open(store), open) {
                (true, true) => Err(TxError::MarketAlreadyOpen),
                (false, false) => Err(TxError::MarketAlreadyClosed),
                _ => {
                    plan.put(keys::OPEN.to_vec(), vec![open as u8]);
                    Ok(())
                }
            }
        }
        AdminAction::ValidatorUpdate { validator, power, node_key } => validators::plan_update(store, plan, validator, power, node_key),
        AdminAction::ScheduleUpgrade { version, height } => upgrade::plan_schedule(store, plan, version, height),
        AdminAction::SetAdministrator { threshold, members } => {
            let next = Administrator::new(threshold, members)?;
            plan.put(keys::ADMIN.to_vec(), next.encode());
            // Approvals were given by the old members under the old rule: none survives it.
            admin_approvals::drop_all(store, plan);
            Ok(())
        }
    }
}

impl AdminAction<'_> {
    /// What identifies an action among open proposals: sha256 of a domain tag and a
    /// fixed-layout encoding, so two transactions carrying the same action agree on it.
    pub fn id(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"solartrade/admin-action/v1");
        match *self {
            AdminAction::ApproveHousehold { household } => {
                h.update([1]);
                h.update(household);
            }
            AdminAction::RejectHousehold { household, reason } => {
                h.update([2]);
                h.update(household);
                // Length-prefixed, so no two reasons hash alike by where the bytes split.
                h.update((reason.len() as u64).to_le_bytes());
                h.update(reason.as_bytes());
            }
            AdminAction::OpenMarket => h.update([3]),
            AdminAction::CloseMarket => h.update([4]),
            AdminAction::ValidatorUpdate { validator, power, node_key } => {
                h.update([5]);
                h.update(validator);
                h.update(power.to_le_bytes());
                match node_key {
                    None => h.update([0]),
                    Some(key) => {
                        h.update([1]);
                        h.update(key);
                    }
                }
            }
            AdminAction::ScheduleUpgrade { version, height } => {
                h.update([7]);
                h.update(version.to_le_bytes());
                h.update(height.to_le_bytes());
            }
            AdminAction::SetAdministrator { threshold, members } => {
                h.update([6]);
                h.update(threshold.to_le_bytes());
                h.update((members.len() as u64).to_le_bytes());
                for m in members {
                    h.update(m);
                }
            }
        }
        h.finalize().into()
    }
}
