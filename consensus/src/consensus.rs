//! The Tendermint state machine of one validator (Buchman, Kwon, Milosevic 2018, Algorithm 1),
//! driven by inputs and answering with outputs; it never reads a clock or touches I/O.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::evidence::Evidence;
use crate::io::{Input, Message, Output, SignedStep, Timeout, TimeoutStep};
use crate::params::Params;
use crate::proposal::{Proposal, SignedProposal};
use crate::round_state::{RoundState, MAX_PROPOSALS_PER_ROUND};
use crate::signing::{Signer, Verifier};
use crate::types::{Height, Round, SignDomain, Step, ValidatorId, ValueId};
use crate::validator_set::ValidatorSet;
use crate::vote::{SignedVote, Vote, VoteType};
use crate::vote_tally::Added;

mod rules;

/// Rounds whose own messages a rebroadcast re-sends (the current one and those before it).
const REBROADCAST_ROUNDS: Round = 10;

/// Where the validator is inside the current round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum RoundStep {
    Propose,
    Prevote,
    Precommit,
    /// The height is decided; the host starts the next one.
    Decided,
}

/// The consensus core of one validator (or of a non-voting observer when `my_id` is `None`).
pub struct Consensus {
    params: Params,
    my_id: Option<ValidatorId>,
    signer: Box<dyn Signer>,
    verifier: Box<dyn Verifier>,
    /// Highest step this validator has signed at; it never signs at or below it again.
    last_signed: Option<SignedStep>,
    height: Height,
    validators: Option<Arc<ValidatorSet>>,
    my_index: Option<usize>,
    round: Round,
    step: RoundStep,
    locked: Option<(ValueId, Round)>,
    valid: Option<(ValueId, Round)>,
    rounds: BTreeMap<Round, RoundState>,
    /// Messages of the next height that arrived early; replayed when it starts.
    next_height: Vec<Input>,
    /// `(validator index, round, step)` already reported as equivocating.
    reported: BTreeSet<(usize, Round, Step)>,
}

impl Consensus {
    pub fn new(params: Params, my_id: Option<ValidatorId>, signer: Box<dyn Signer>, verifier: Box<dyn Verifier>) -> Self {
        Self {
            params,
            my_id,
            signer,
            verifier,
            last_signed: None,
            height: 0,
            validators: None,
            my_index: None,
            round: 0,
            step: RoundStep::Propose,
            locked: None,
            valid: None,
            rounds: BTreeMap::new(),
            next_height: Vec::new(),
            reported: BTreeSet::new(),
        }
    }

    /// Restores the double-signing guard after a restart: the core will not sign at or
    /// below `last`. Call before replaying the write-ahead log; the log must hold this
    /// validator's own messages as inputs (they restore its votes, since it will not
    /// re-sign them).
    pub fn restore_signer_state(&mut self, last: Option<SignedStep>) {
        self.last_signed = last;
    }

    pub fn last_signed(&self) -> Option<SignedStep> {
        self.last_signed
    }

    pub fn height(&self) -> Height {
        self.height
    }

    pub fn round(&self) -> Round {
        self.round
    }

    pub fn step(&self) -> RoundStep {
        self.step
    }

    pub fn locked(&self) -> Option<(ValueId, Round)> {
        self.locked
    }

    pub fn valid_value(&self) -> Option<(ValueId, Round)> {
        self.valid
    }

    pub fn validators(&self) -> Option<&ValidatorSet> {
        self.validators.as_deref()
    }

    /// How many rounds of the current height hold state: bounded by `max_rounds_ahead`
    /// past the current round, whatever rounds the messages name (a memory bound to watch).
    pub fn rounds_held(&self) -> usize {
        self.rounds.len()
    }

    /// Feeds one input; deterministic: the same inputs in the same order give the same outputs.
    pub fn handle(&mut self, input: Input) -> Vec<Output> {
        let mut out = Vec::new();
        match input {
            Input::StartHeight { height, validators } => self.start_height(height, validators, &mut out),
            Input::Proposal { proposal, valid } => self.on_proposal(proposal, valid, &mut out),
            Input::Vote(vote) => self.on_vote(vote, &mut out),
            Input::Timeout(timeout) => self.on_timeout(timeout, &mut out),
            Input::ProposeValue { height, round, value } => self.on_propose_value(height, round, value, &mut out),
        }
        out
    }

    fn start_height(&mut self, height: Height, validators: ValidatorSet, out: &mut Vec<Output>) {
        if self.validators.is_some() && height <= self.height {
            return;
        }
        self.height = height;
        self.my_index = self.my_id.and_then(|id| validators.index_of(&id));
        self.validators = Some(Arc::new(validators));
        self.round = 0;
        self.step = RoundStep::Propose;
        self.locked = None;
        self.valid = None;
        self.rounds.clear();
        self.reported.clear();
        let early = std::mem::take(&mut self.next_height);
        self.start_round(0, out);
        for input in early {
            match input {
                Input::Proposal { proposal, valid } if proposal.proposal.height == height => self.on_proposal(proposal, valid, out),
                Input::Vote(vote) if vote.vote.height == height => self.on_vote(vote, out),
                _ => {}
            }
        }
    }

    /// Keeps an early message of the next height, or says it is not one.
    fn buffer_if_next_height(&mut self, height: Height, input: impl FnOnce() -> Input) -> bool {
        // `checked_add`: the running height is the host's, but a height of u64::MAX has no next.
        if self.validators.is_some() && self.height.checked_add(1) == Some(height) {
            if self.next_height.len() < self.params.max_buffered_next_height {
                self.next_height.push(input());
            }
            return true;
        }
        false
    }

    /// Whether a message of `(height, round)` concerns the running height and a round we keep.
    fn accepts(&self, height: Height, round: Round) -> bool {
        self.validators.is_some()
            && height == self.height
            && self.step != RoundStep::Decided
            && round <= self.round.saturating_add(self.params.max_rounds_ahead)
    }

    fn set(&self) -> Option<Arc<ValidatorSet>> {
        self.validators.clone()
    }

    fn round_state(&mut self, round: Round, validators: usize) -> &mut RoundState {
        self.rounds.entry(round).or_insert_with(|| RoundState::new(validators))
    }

    fn on_vote(&mut self, signed: SignedVote, out: &mut Vec<Output>) {
        let vote = signed.vote;
        if self.buffer_if_next_height(vote.height, || Input::Vote(signed.clone())) || !self.accepts(vote.height, vote.round) {
            return;
        }
        let Some(set) = self.set() else { return };
        let Some(index) = set.index_of(&vote.validator) else { return };
        let rs = self.round_state(vote.round, set.len());
        // Duplicates (gossip, rebroadcasts) are the common case; skip the signature check for them.
        if rs.tally(vote.vote_type).vote_of(index).is_some_and(|v| v.vote == vote) {
            return;
        }
        if !self.verifier.verify(vote.vote_type.domain(), &vote.validator, &vote.sign_bytes(), &signed.signature) {
            return;
        }
        self.record_vote(&set, index, signed, out);
        self.after_message(&set, vote.round, vote.vote_type, out);
    }

    /// Adds a vote whose signature is known to be good; reports equivocation.
    fn record_vote(&mut self, set: &ValidatorSet, index: usize, signed: SignedVote, out: &mut Vec<Output>) {
        let vote = signed.vote;
        let power = set.power_at(index);
        let rs = self.round_state(vote.round, set.len());
        match rs.tally_mut(vote.vote_type).add(index, power, signed.clone()) {
            Added::New => rs.note_sender(index, power),
            Added::Duplicate => {}
            Added::Conflict(first) => {
                if self.reported.insert((index, vote.round, vote.vote_type.step())) {
                    out.push(Output::Evidence(Evidence::ConflictingVotes(first, signed)));
                }
            }
        }
    }

    fn start_round(&mut self, round: Round, out: &mut Vec<Output>) {
        let Some(set) = self.set() else { return };
        self.round = round;
        self.step = RoundStep::Propose;
        let height = self.height;
        out.push(Output::ScheduleTimeout {
            timeout: Timeout { height, round, step: TimeoutStep::Propose },
            after_ms: self.params.propose_timeout(round),
        });
        out.push(Output::ScheduleTimeout {
            timeout: Timeout { height, round, step: TimeoutStep::Rebroadcast },
            after_ms: self.params.rebroadcast_ms,
        });
        if self.my_index.is_some() && self.my_index == Some(set.proposer_index(height, round)) {
            match self.valid.filter(|_| !self.params.planted_bug_ignore_locks) {
                Some((value, valid_round)) => self.propose(&set, value, Some(valid_round), out),
                None => out.push(Output::GetValue { height, round }),
            }
        }
        self.check_rules(&set, out);
    }

    fn on_propose_value(&mut self, height: Height, round: Round, value: ValueId, out: &mut Vec<Output>) {
        if !self.accepts(height, round) || round != self.round || self.step != RoundStep::Propose {
            return;
        }
        let Some(set) = self.set() else { return };
        let (Some(me), Some(index)) = (self.my_id, self.my_index) else { return };
        if set.proposer_index(height, round) != index {
            return;
        }
        if self.rounds.get(&round).is_some_and(|rs| rs.proposal_by(&me).is_some()) {
            return;
        }
        self.propose(&set, value, None, out);
        self.check_rules(&set, out);
    }

    fn propose(&mut self, set: &ValidatorSet, value: ValueId, pol_round: Option<Round>, out: &mut Vec<Output>) {
        let (Some(me), Some(index)) = (self.my_id, self.my_index) else { return };
        let proposal = Proposal { height: self.height, round: self.round, pol_round, value, proposer: me };
        let step = SignedStep { height: self.height, round: self.round, step: Step::Propose };
        if !self.may_sign(step) {
            return;
        }
        let signature = self.signer.sign(SignDomain::Proposal, &proposal.sign_bytes());
        self.last_signed = Some(step);
        let signed = SignedProposal { proposal, signature };
        let rs = self.round_state(self.round, set.len());
        rs.proposals.push((signed.clone(), true));
        rs.note_sender(index, set.power_at(index));
        out.push(Output::Broadcast(Message::Proposal(signed)));
        if let Some(pol) = pol_round {
            self.relay_pol(pol, value, out);
        }
    }

    /// Sends the prevotes proving a re-proposed value's lock, so validators that missed them
    /// can accept the proposal (line 28).
    fn relay_pol(&self, pol_round: Round, value: ValueId, out: &mut Vec<Output>) {
        if let Some(rs) = self.rounds.get(&pol_round) {
            for vote in rs.prevotes.votes_for(Some(value)) {
                out.push(Output::Broadcast(Message::Vote(vote.clone())));
            }
        }
    }

    fn on_proposal(&mut self, signed: SignedProposal, valid: bool, out: &mut Vec<Output>) {
        let proposal = signed.proposal;
        if self.buffer_if_next_height(proposal.height, || Input::Proposal { proposal: signed.clone(), valid })
            || !self.accepts(proposal.height, proposal.round)
        {
            return;
        }
        let Some(set) = self.set() else { return };
        let index = set.proposer_index(proposal.height, proposal.round);
        if set.id_at(index) != proposal.proposer || proposal.pol_round.is_some_and(|pol| pol >= proposal.round) {
            return;
        }
        let rs = self.round_state(proposal.round, set.len());
        if rs.proposals.iter().any(|(p, _)| p.proposal == proposal) {
            return;
        }
        if !self.verifier.verify(SignDomain::Proposal, &proposal.proposer, &proposal.sign_bytes(), &signed.signature) {
            return;
        }
        let rs = self.round_state(proposal.round, set.len());
        let conflict = rs.proposals.first().map(|(p, _)| p.clone());
        if rs.proposals.len() < MAX_PROPOSALS_PER_ROUND {
            rs.proposals.push((signed.clone(), valid));
        }
        rs.note_sender(index, set.power_at(index));
        if let Some(first) = conflict {
            if self.reported.insert((index, proposal.round, Step::Propose)) {
                out.push(Output::Evidence(Evidence::ConflictingProposals(first, signed)));
            }
        }
        self.note_past_polka(&set, proposal.round);
        self.try_round_skip(&set, proposal.round, out);
        self.check_rules(&set, out);
    }

    fn on_timeout(&mut self, timeout: Timeout, out: &mut Vec<Output>) {
        if !self.accepts(timeout.height, timeout.round) || timeout.round != self.round {
            return;
        }
        let Some(set) = self.set() else { return };
        match timeout.step {
            TimeoutStep::Propose if self.step == RoundStep::Propose => {
                self.vote(&set, VoteType::Prevote, None, out);
                self.step = RoundStep::Prevote;
            }
            TimeoutStep::Prevote if self.step == RoundStep::Prevote => {
                self.vote(&set, VoteType::Precommit, None, out);
                self.step = RoundStep::Precommit;
            }
            TimeoutStep::Precommit => {
                let Some(next) = self.round.checked_add(1) else { return };
                self.start_round(next, out);
                return;
            }
            TimeoutStep::Rebroadcast => {
                self.rebroadcast(out);
                out.push(Output::ScheduleTimeout { timeout, after_ms: self.params.rebroadcast_ms });
                return;
            }
            _ => return,
        }
        self.check_rules(&set, out);
    }

    /// Re-sends this validator's proposals (with their proof of lock) and votes of the last
    /// rounds of the height: a validator still in an earlier round may have lost them, and
    /// it cannot catch up by round skip when the validators ahead hold less than f+1 power.
    ///
    /// It also relays the polka behind its valid value: an equivocator may have shown the
    /// other validators a different vote, and without its vote for this value they cannot
    /// see the polka, adopt the value and re-propose it.
    fn rebroadcast(&self, out: &mut Vec<Output>) {
        let (Some(me), Some(index)) = (self.my_id, self.my_index) else { return };
        if let Some((value, valid_round)) = self.valid {
            self.relay_pol(valid_round, value, out);
        }
        let oldest = self.round.saturating_sub(REBROADCAST_ROUNDS - 1);
        for (_, rs) in self.rounds.range(oldest..=self.round) {
            if let Some(p) = rs.proposal_by(&me) {
                out.push(Output::Broadcast(Message::Proposal(p.clone())));
                if let Some(pol) = p.proposal.pol_round {
                    self.relay_pol(pol, p.proposal.value, out);
                }
            }
            for vote in [rs.prevotes.vote_of(index), rs.precommits.vote_of(index)].into_iter().flatten() {
                out.push(Output::Broadcast(Message::Vote(vote.clone())));
            }
        }
    }

    fn may_sign(&self, step: SignedStep) -> bool {
        self.my_id.is_some() && self.last_signed.is_none_or(|last| step > last)
    }

    /// Signs, records and broadcasts this validator's vote, unless the guard forbids it.
    fn vote(&mut self, set: &ValidatorSet, vote_type: VoteType, value: Option<ValueId>, out: &mut Vec<Output>) {
        let (Some(me), Some(index)) = (self.my_id, self.my_index) else { return };
        let vote = Vote { vote_type, height: self.height, round: self.round, value, validator: me };
        let step = SignedStep { height: self.height, round: self.round, step: vote_type.step() };
        if !self.may_sign(step) {
            return;
        }
        let signature = self.signer.sign(vote_type.domain(), &vote.sign_bytes());
        self.last_signed = Some(step);
        let signed = SignedVote { vote, signature };
        self.record_vote(set, index, signed.clone(), out);
        out.push(Output::Broadcast(Message::Vote(signed)));
        if vote_type == VoteType::Precommit {
            self.try_decide(set, self.round, out);
        }
    }
}
