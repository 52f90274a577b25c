//! One round's votes of one type: who voted for what, and the power behind each value.

use crate::types::ValueId;
use crate::validator_set::ValidatorSet;
use crate::vote::SignedVote;

/// What adding a vote did.
pub(crate) enum Added {
    /// A new vote; the tallies grew.
    New,
    /// The validator had already cast exactly this vote.
    Duplicate,
    /// The validator had already voted for another value: equivocation. Holds the first vote.
    Conflict(SignedVote),
}

/// Distinct values counted per validator. An equivocator's vote counts for each value it
/// signed (as the algorithm counts messages): otherwise honest validators that saw its
/// votes in different orders would tally the same polka differently and could stall. The
/// cap bounds the memory an equivocator can take.
const MAX_VALUES_PER_VALIDATOR: usize = 3;

pub(crate) struct VoteTally {
    /// Each validator's first vote, indexed like the validator set.
    votes: Vec<Option<SignedVote>>,
    /// Equivocators' further votes for other values.
    conflicting: Vec<(usize, SignedVote)>,
    /// Power per value (nil is `None`); a short list, since honest rounds see one or two values.
    per_value: Vec<(Option<ValueId>, u64)>,
    any: u64,
}

impl VoteTally {
    pub(crate) fn new(validators: usize) -> Self {
        Self { votes: vec![None; validators], conflicting: Vec::new(), per_value: Vec::new(), any: 0 }
    }

    pub(crate) fn vote_of(&self, index: usize) -> Option<&SignedVote> {
        self.votes.get(index).and_then(Option::as_ref)
    }

    pub(crate) fn add(&mut self, index: usize, power: u64, vote: SignedVote) -> Added {
        let Some(slot) = self.votes.get_mut(index) else {
            return Added::Duplicate;
        };
        let value = vote.vote.value;
        if let Some(existing) = slot {
            if existing.vote.value == value {
                return Added::Duplicate;
            }
            let first = existing.clone();
            let mine = self.conflicting.iter().filter(|(i, _)| *i == index);
            if mine.clone().any(|(_, v)| v.vote.value == value) {
                return Added::Duplicate;
            }
            if mine.count() + 1 < MAX_VALUES_PER_VALIDATOR {
                self.conflicting.push((index, vote));
                self.count(value, power);
            }
            return Added::Conflict(first);
        }
        *slot = Some(vote);
        self.any = self.any.saturating_add(power);
        self.count(value, power);
        Added::New
    }

    /// Each validator adds its power to a value at most once, so no sum exceeds the set's
    /// total (which fits in u64); the additions saturate so that no input can make them panic.
    fn count(&mut self, value: Option<ValueId>, power: u64) {
        match self.per_value.iter_mut().find(|(v, _)| *v == value) {
            Some((_, p)) => *p = p.saturating_add(power),
            None => self.per_value.push((value, power)),
        }
    }

    /// Power of the votes for `value` (nil when `None`).
    pub(crate) fn power_for(&self, value: Option<ValueId>) -> u64 {
        self.per_value.iter().find(|(v, _)| *v == value).map_or(0, |(_, p)| *p)
    }

    /// Power of all votes, whatever their value ("+2/3 any").
    pub(crate) fn power_any(&self) -> u64 {
        self.any
    }

    /// The value (or nil) holding more than two thirds, if one does. With at most f faulty
    /// power there is at most one; with more, the first reached wins, which keeps this
    /// function deterministic.
    pub(crate) fn quorum_value(&self, validators: &ValidatorSet) -> Option<Option<ValueId>> {
        self.per_value.iter().find(|(_, p)| validators.is_quorum(*p)).map(|(v, _)| *v)
    }

    /// The votes for `value` (at most one per validator): first votes in validator-set
    /// order, then equivocators' later votes in arrival order.
    pub(crate) fn votes_for(&self, value: Option<ValueId>) -> impl Iterator<Item = &SignedVote> {
        self.votes.iter().flatten().chain(self.conflicting.iter().map(|(_, v)| v)).filter(move |v| v.vote.value == value)
    }
}
