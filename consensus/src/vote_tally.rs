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

pub(crate) struct VoteTally {
    /// At most one vote per validator, indexed like the validator set.
    votes: Vec<Option<SignedVote>>,
    /// Power per value (nil is `None`); a short list, since honest rounds see one or two values.
    per_value: Vec<(Option<ValueId>, u64)>,
    any: u64,
}

impl VoteTally {
    pub(crate) fn new(validators: usize) -> Self {
        Self { votes: vec![None; validators], per_value: Vec::new(), any: 0 }
    }

    pub(crate) fn vote_of(&self, index: usize) -> Option<&SignedVote> {
        self.votes.get(index).and_then(Option::as_ref)
    }

    pub(crate) fn add(&mut self, index: usize, power: u64, vote: SignedVote) -> Added {
        let Some(slot) = self.votes.get_mut(index) else {
            return Added::Duplicate;
        };
        if let Some(existing) = slot {
            return if existing.vote.value == vote.vote.value { Added::Duplicate } else { Added::Conflict(existing.clone()) };
        }
        let value = vote.vote.value;
        *slot = Some(vote);
        self.any += power;
        match self.per_value.iter_mut().find(|(v, _)| *v == value) {
            Some((_, p)) => *p += power,
            None => self.per_value.push((value, power)),
        }
        Added::New
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

    /// The votes for `value`, in validator-set order.
    pub(crate) fn votes_for(&self, value: Option<ValueId>) -> impl Iterator<Item = &SignedVote> {
        self.votes.iter().flatten().filter(move |v| v.vote.value == value)
    }
}
