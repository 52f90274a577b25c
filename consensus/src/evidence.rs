//! Equivocation evidence: two conflicting messages signed by one validator at one
//! height and round, which the host can put into a block for slashing.

use crate::proposal::SignedProposal;
use crate::types::{Height, Round, ValidatorId};
use crate::vote::SignedVote;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Evidence {
    /// Two votes of the same type, height, round and validator for different values.
    ConflictingVotes(SignedVote, SignedVote),
    /// Two proposals of the same proposer, height and round that differ.
    ConflictingProposals(SignedProposal, SignedProposal),
}

impl Evidence {
    pub fn validator(&self) -> ValidatorId {
        match self {
            Evidence::ConflictingVotes(a, _) => a.vote.validator,
            Evidence::ConflictingProposals(a, _) => a.proposal.proposer,
        }
    }

    pub fn height(&self) -> Height {
        match self {
            Evidence::ConflictingVotes(a, _) => a.vote.height,
            Evidence::ConflictingProposals(a, _) => a.proposal.height,
        }
    }

    pub fn round(&self) -> Round {
        match self {
            Evidence::ConflictingVotes(a, _) => a.vote.round,
            Evidence::ConflictingProposals(a, _) => a.proposal.round,
        }
    }
}
