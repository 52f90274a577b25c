//! Everything the core has seen in one round of the current height, and which
//! "for the first time" rules already fired in it.

use crate::proposal::SignedProposal;
use crate::types::{ValidatorId, ValueId};
use crate::vote::VoteType;
use crate::vote_tally::VoteTally;

/// An equivocating proposer can sign any number of proposals; keeping a few is enough to
/// act on the one the honest quorum prevoted and to report the conflict.
pub(crate) const MAX_PROPOSALS_PER_ROUND: usize = 4;

pub(crate) struct RoundState {
    /// Proposals from the round's proposer with the host's verdict, in arrival order.
    pub(crate) proposals: Vec<(SignedProposal, bool)>,
    pub(crate) prevotes: VoteTally,
    pub(crate) precommits: VoteTally,
    /// Validators with any message in this round, and their power (round skip needs f+1).
    senders: Vec<bool>,
    pub(crate) senders_power: u64,
    pub(crate) prevote_timeout_scheduled: bool,
    pub(crate) precommit_timeout_scheduled: bool,
    pub(crate) polka_handled: bool,
}

impl RoundState {
    pub(crate) fn new(validators: usize) -> Self {
        Self {
            proposals: Vec::new(),
            prevotes: VoteTally::new(validators),
            precommits: VoteTally::new(validators),
            senders: vec![false; validators],
            senders_power: 0,
            prevote_timeout_scheduled: false,
            precommit_timeout_scheduled: false,
            polka_handled: false,
        }
    }

    pub(crate) fn tally(&self, vote_type: VoteType) -> &VoteTally {
        match vote_type {
            VoteType::Prevote => &self.prevotes,
            VoteType::Precommit => &self.precommits,
        }
    }

    pub(crate) fn tally_mut(&mut self, vote_type: VoteType) -> &mut VoteTally {
        match vote_type {
            VoteType::Prevote => &mut self.prevotes,
            VoteType::Precommit => &mut self.precommits,
        }
    }

    pub(crate) fn note_sender(&mut self, index: usize, power: u64) {
        if let Some(seen) = self.senders.get_mut(index) {
            if !*seen {
                *seen = true;
                // Bounded by the set's total power (distinct senders); saturating all the same.
                self.senders_power = self.senders_power.saturating_add(power);
            }
        }
    }

    /// A valid proposal of this round for `value`, if one arrived.
    pub(crate) fn valid_proposal_for(&self, value: &ValueId) -> bool {
        self.proposals.iter().any(|(p, valid)| *valid && p.proposal.value == *value)
    }

    pub(crate) fn proposal_by(&self, proposer: &ValidatorId) -> Option<&SignedProposal> {
        self.proposals.iter().map(|(p, _)| p).find(|p| p.proposal.proposer == *proposer)
    }
}
