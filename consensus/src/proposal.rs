//! Proposals and their canonical signing bytes.

use crate::types::{Height, Round, ValidatorId, ValueId};

const PROPOSAL_TAG: u8 = 0x03;

/// Length of [`Proposal::sign_bytes`].
pub const PROPOSAL_SIGN_BYTES_LEN: usize = 1 + 8 + 4 + 1 + 4 + 32 + 32;

/// The proposer's value for one height and round. `pol_round` is the round of the
/// proof-of-lock (a +2/3 prevote quorum) the proposer re-proposes `value` from, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Proposal {
    pub height: Height,
    pub round: Round,
    pub pol_round: Option<Round>,
    pub value: ValueId,
    pub proposer: ValidatorId,
}

impl Proposal {
    /// The exact bytes a signer signs for this proposal (fixed length, big-endian integers):
    /// `0x03 || height (u64) || round (u32) || has_pol (1: 0 none, 1 some) ||
    /// pol_round (u32, zero when none) || value (32) || proposer (32)`.
    pub fn sign_bytes(&self) -> [u8; PROPOSAL_SIGN_BYTES_LEN] {
        let mut out = [0u8; PROPOSAL_SIGN_BYTES_LEN];
        out[0] = PROPOSAL_TAG;
        out[1..9].copy_from_slice(&self.height.to_be_bytes());
        out[9..13].copy_from_slice(&self.round.to_be_bytes());
        if let Some(pol) = self.pol_round {
            out[13] = 1;
            out[14..18].copy_from_slice(&pol.to_be_bytes());
        }
        out[18..50].copy_from_slice(&self.value);
        out[50..82].copy_from_slice(&self.proposer);
        out
    }
}

/// A proposal with its signature by `proposal.proposer`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignedProposal {
    pub proposal: Proposal,
    pub signature: Vec<u8>,
}
