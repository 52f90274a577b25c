//! Approvals of a k-of-n administrator's actions, collected on chain.
//!
//! Rule:
//! - A member's transaction carrying an admin action is its approval. The first approval opens
//!   a proposal, `adm/<action id>` (`AdminAction::id`), stamped with the current slot (the last
//!   cleared slot, 0 before any); later approvals of the same action add to it.
//! - The action executes in the transaction whose approval is the `threshold`-th distinct
//!   member's, and the proposal is deleted. A member approving twice is refused
//!   (`AlreadyApproved`), so it counts once; a non-member is refused (`NotAdministrator`).
//! - A proposal expires `ADMIN_PROPOSAL_TTL_SLOTS` slots after it was opened: an approval that
//!   lands later finds no live proposal and opens a fresh one with itself alone, so stale
//!   approvals can never complete an action.
//! - At most `MAX_ADMIN_PROPOSALS` proposals are open; a new one first evicts expired ones, and
//!   is refused (`TooManyAdminProposals`) if none has expired.
//! - Replacing the administrator drops every open proposal (`drop_all`).
//! - A threshold of 1 writes nothing here: a 1-of-1 administrator's state stays as it was.
//!
//! Value of `adm/<id>`: opened-at slot (u64 LE), then the approvers' 32-byte keys, ascending.

use super::admin::{Administrator, MAX_ADMIN_MEMBERS};
use super::admin_action::AdminAction;
use super::codec::Reader;
use super::error::TxError;
use super::keys;
use super::state;
use super::state::Plan;
use super::store::StateStore;
use super::types::Address;

/// A week of one-hour slots: time for the members to meet, short enough that an approval
/// given for yesterday's circumstances cannot complete an action months later.
pub const ADMIN_PROPOSAL_TTL_SLOTS: u64 = 168;
/// Most proposals open at once: bounds the scans here, and what members can make state hold.
pub const MAX_ADMIN_PROPOSALS: usize = 64;

/// An open proposal as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proposal {
    pub opened_at_slot: u64,
    /// Ascending, without repeats.
    pub approvers: Vec<Address>,
}

impl Proposal {
    fn expired(&self, now_slot: u64) -> bool {
        now_slot > self.opened_at_slot.saturating_add(ADMIN_PROPOSAL_TTL_SLOTS)
    }
}

pub fn encode(p: &Proposal) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + 32 * p.approvers.len());
    out.extend_from_slice(&p.opened_at_slot.to_le_bytes());
    for a in &p.approvers {
        out.extend_from_slice(a);
    }
    out
}

pub fn decode(bytes: &[u8]) -> Option<Proposal> {
    let mut r = Reader { bytes };
    let opened_at_slot = r.u64()?;
    if !r.bytes.len().is_multiple_of(32) || r.bytes.len() / 32 > MAX_ADMIN_MEMBERS {
        return None;
    }
    let approvers: Vec<Address> = r.bytes.chunks_exact(32).filter_map(|c| c.try_into().ok()).collect();
    // Strictly ascending: one encoding per proposal, and no approver twice.
    if approvers.windows(2).any(|w| w[0] >= w[1]) {
        return None;
    }
    Some(Proposal { opened_at_slot, approvers })
}

/// Records `member`'s approval of `action`; true if it completes the action (which the caller
/// then executes in the same plan).
pub(super) fn approve(
    store: &impl StateStore,
    plan: &mut Plan,
    admin: &Administrator,
    member: Address,
    action: &AdminAction<'_>,
) -> Result<bool, TxError> {
    if admin.threshold <= 1 {
        return Ok(true);
    }
    let key = keys::admin_proposal(&action.id());
    let now_slot = state::last_cleared(store)?.unwrap_or(0);
    let stored = match store.get(&key) {
        None => None,
        Some(raw) => Some(decode(&raw).ok_or_else(|| TxError::CorruptState { key: keys::display(&key) })?),
    };
    let mut proposal = match stored {
        Some(p) if !p.expired(now_slot) => p,
        // An expired proposal is replaced under its own key, so it takes no new room.
        Some(_) => Proposal { opened_at_slot: now_slot, approvers: Vec::new() },
        None => {
            make_room(store, plan, now_slot)?;
            Proposal { opened_at_slot: now_slot, approvers: Vec::new() }
        }
    };
    let pos = match proposal.approvers.binary_search(&member) {
        Ok(_) => return Err(TxError::AlreadyApproved { member }),
        Err(pos) => pos,
    };
    proposal.approvers.insert(pos, member);
    if proposal.approvers.len() >= admin.threshold as usize {
        plan.delete(key);
        return Ok(true);
    }
    plan.put(key, encode(&proposal));
    Ok(false)
}

/// Evicts expired proposals if the table is full; refuses if that frees nothing.
fn make_room(store: &impl StateStore, plan: &mut Plan, now_slot: u64) -> Result<(), TxError> {
    let open = store.scan_prefix(keys::ADMIN_PROPOSAL_PREFIX);
    if open.len() < MAX_ADMIN_PROPOSALS {
        return Ok(());
    }
    let mut live = 0usize;
    for (key, raw) in open {
        match decode(&raw) {
            Some(p) if !p.expired(now_slot) => live += 1,
            Some(_) => plan.delete(key),
            None => return Err(TxError::CorruptState { key: keys::display(&key) }),
        }
    }
    if live >= MAX_ADMIN_PROPOSALS {
        return Err(TxError::TooManyAdminProposals { max: MAX_ADMIN_PROPOSALS });
    }
    Ok(())
}

/// Deletes every open proposal (in key order).
pub(super) fn drop_all(store: &impl StateStore, plan: &mut Plan) {
    for (key, _) in store.scan_prefix(keys::ADMIN_PROPOSAL_PREFIX) {
        plan.delete(key);
    }
}

/// The open proposals, in key order: (action id, proposal). For queries and the dashboard.
pub fn open_proposals(store: &impl StateStore) -> Result<Vec<([u8; 32], Proposal)>, TxError> {
    store
        .scan_prefix(keys::ADMIN_PROPOSAL_PREFIX)
        .into_iter()
        .map(|(k, v)| match (keys::trailing_address(&k), decode(&v)) {
            (Some(id), Some(p)) => Ok((id, p)),
            _ => Err(TxError::CorruptState { key: keys::display(&k) }),
        })
        .collect()
}
