//! Votes (prevotes and precommits) and their canonical signing bytes.

use crate::types::{Height, Round, SignDomain, Step, ValidatorId, ValueId};

/// The two kinds of vote.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum VoteType {
    Prevote,
    Precommit,
}

impl VoteType {
    pub fn step(self) -> Step {
        match self {
            VoteType::Prevote => Step::Prevote,
            VoteType::Precommit => Step::Precommit,
        }
    }

    pub fn domain(self) -> SignDomain {
        match self {
            VoteType::Prevote => SignDomain::Prevote,
            VoteType::Precommit => SignDomain::Precommit,
        }
    }

    fn tag(self) -> u8 {
        match self {
            VoteType::Prevote => VOTE_TAG_PREVOTE,
            VoteType::Precommit => VOTE_TAG_PRECOMMIT,
        }
    }
}

const VOTE_TAG_PREVOTE: u8 = 0x01;
const VOTE_TAG_PRECOMMIT: u8 = 0x02;

/// Length of [`Vote::sign_bytes`]: every vote encodes to the same number of bytes.
pub const VOTE_SIGN_BYTES_LEN: usize = 1 + 8 + 4 + 1 + 32 + 32;

/// A vote for a value (`Some`) or for nil (`None`) at one height and round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Vote {
    pub vote_type: VoteType,
    pub height: Height,
    pub round: Round,
    pub value: Option<ValueId>,
    pub validator: ValidatorId,
}

impl Vote {
    /// The exact bytes a signer signs for this vote (fixed length, big-endian integers):
    /// `tag (1: 0x01 prevote, 0x02 precommit) || height (u64) || round (u32) ||
    /// has_value (1: 0 nil, 1 value) || value (32, zeros for nil) || validator (32)`.
    pub fn sign_bytes(&self) -> [u8; VOTE_SIGN_BYTES_LEN] {
        let mut out = [0u8; VOTE_SIGN_BYTES_LEN];
        out[0] = self.vote_type.tag();
        out[1..9].copy_from_slice(&self.height.to_be_bytes());
        out[9..13].copy_from_slice(&self.round.to_be_bytes());
        if let Some(value) = &self.value {
            out[13] = 1;
            out[14..46].copy_from_slice(value);
        }
        out[46..78].copy_from_slice(&self.validator);
        out
    }
}

/// A vote with its signature by `vote.validator`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SignedVote {
    pub vote: Vote,
    pub signature: Vec<u8>,
}
