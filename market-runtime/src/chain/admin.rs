//! The network administrator as a k-of-n rule: `threshold` of `members` must approve an admin
//! action (`admin_action`). A single key is the 1-of-1 case and keeps its stored bytes.
//!
//! Stored under `meta/admin`: a 1-of-1 administrator as its 32-byte key, exactly as before
//! k-of-n existed, so chains that never use it keep their state root; any other as
//! `threshold (u8) | count (u8) | count x 32-byte members`, members in their given order.
//! The first member is the lead: its account is the community fund that receives slashes
//! (`validators::plan_evidence`), as the single administrator's account did.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::codec::Reader;
use super::error::Short;
use super::types::Address;

/// Most members an administrator may have: a utility, a community board and their deputies
/// fit with room to spare, and it bounds every approval list and stored record.
pub const MAX_ADMIN_MEMBERS: usize = 16;

/// Why a set of keys and a threshold cannot be the administrator.
#[derive(Clone, Debug, PartialEq, Eq, Error, Serialize, Deserialize)]
pub enum AdminSetError {
    #[error("the administrator must have at least one member")]
    NoMembers,
    #[error("the administrator has {count} members, at most {max} are allowed")]
    TooManyMembers { count: usize, max: usize },
    #[error("threshold {threshold} is not in 1..={members} (the number of members)")]
    ThresholdOutOfRange { threshold: u32, members: usize },
    #[error("{} appears twice among the administrator's members", Short(.member))]
    DuplicateMember { member: Address },
}

/// Who rules admin actions: `threshold` distinct approvals out of `members`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Administrator {
    pub threshold: u32,
    /// In the order given; the first is the lead (the community fund's account).
    pub members: Vec<Address>,
}

impl Administrator {
    pub fn single(key: Address) -> Self {
        Self { threshold: 1, members: vec![key] }
    }

    /// Checks the bounds on a candidate rule; `members` is counted before anything is copied.
    pub fn new(threshold: u32, members: &[Address]) -> Result<Self, AdminSetError> {
        if members.is_empty() {
            return Err(AdminSetError::NoMembers);
        }
        if members.len() > MAX_ADMIN_MEMBERS {
            return Err(AdminSetError::TooManyMembers { count: members.len(), max: MAX_ADMIN_MEMBERS });
        }
        if threshold == 0 || threshold as usize > members.len() {
            return Err(AdminSetError::ThresholdOutOfRange { threshold, members: members.len() });
        }
        let mut sorted = members.to_vec();
        sorted.sort_unstable();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(AdminSetError::DuplicateMember { member: w[0] });
        }
        Ok(Self { threshold, members: members.to_vec() })
    }

    pub fn is_member(&self, key: &Address) -> bool {
        self.members.contains(key)
    }

    /// The account that receives slashes. `new` and `decode` never yield an empty set.
    pub fn lead(&self) -> Option<&Address> {
        self.members.first()
    }

    pub fn encode(&self) -> Vec<u8> {
        if let ([key], 1) = (self.members.as_slice(), self.threshold) {
            return key.to_vec();
        }
        // `new` bounds both below 256.
        let mut out = Vec::with_capacity(2 + 32 * self.members.len());
        out.push(self.threshold as u8);
        out.push(self.members.len() as u8);
        for m in &self.members {
            out.extend_from_slice(m);
        }
        out
    }

    /// The inverse of `encode`, refusing every other byte string (a 1-of-1 in the long form
    /// included), so one administrator has one encoding.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        if let Ok(key) = <[u8; 32]>::try_from(bytes) {
            return Some(Self::single(key));
        }
        let mut r = Reader { bytes };
        let threshold = u32::from(r.u8()?);
        let count = usize::from(r.u8()?);
        if !(2..=MAX_ADMIN_MEMBERS).contains(&count) {
            return None;
        }
        let members = (0..count).map(|_| r.address()).collect::<Option<Vec<_>>>()?;
        r.end()?;
        Self::new(threshold, &members).ok()
    }
}
