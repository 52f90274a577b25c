//! The round's rules (Algorithm 1's "upon" clauses): which one a new message or step change
//! fires, applied one at a time until none does. Apart from the message handlers so that each
//! rule reads beside the line of the paper it implements.

use super::{Consensus, RoundStep};
use crate::certificate::CommitCertificate;
use crate::io::{Output, Timeout, TimeoutStep};
use crate::round_state::RoundState;
use crate::types::{Round, ValueId};
use crate::validator_set::ValidatorSet;
use crate::vote::VoteType;

impl Consensus {
    /// The rules a new message at `round` can trigger, in the order the algorithm needs.
    pub(super) fn after_message(&mut self, set: &ValidatorSet, round: Round, vote_type: VoteType, out: &mut Vec<Output>) {
        if vote_type == VoteType::Precommit && self.try_decide(set, round, out) {
            return;
        }
        self.note_past_polka(set, round);
        self.try_round_skip(set, round, out);
        self.check_rules(set, out);
    }

    /// A polka for a valid proposal seen late, in a round we already left, still raises the
    /// valid value (line 36 only looks at the current round). Without it, a validator that
    /// locked in a round the others missed the end of waits for its own turn to propose,
    /// which with little power can take many rounds. Safe: whoever re-proposes the value
    /// names that round, and acceptors check the polka themselves (line 28).
    pub(super) fn note_past_polka(&mut self, set: &ValidatorSet, round: Round) {
        if round >= self.round || self.valid.is_some_and(|(_, r)| r >= round) {
            return;
        }
        let Some(rs) = self.rounds.get(&round) else { return };
        if let Some(Some(value)) = rs.prevotes.quorum_value(set) {
            if rs.valid_proposal_for(&value) {
                self.valid = Some((value, round));
            }
        }
    }

    pub(super) fn try_decide(&mut self, set: &ValidatorSet, round: Round, out: &mut Vec<Output>) -> bool {
        if self.step == RoundStep::Decided {
            return false;
        }
        let Some(rs) = self.rounds.get(&round) else { return false };
        // A decision needs only the certificate, not the proposal: more than two thirds
        // precommitted, so honest validators checked the value; a host that lacks the block
        // fetches it by its hash.
        let Some(Some(value)) = rs.precommits.quorum_value(set) else { return false };
        let signatures = rs
            .precommits
            .votes_for(Some(value))
            .map(|v| (v.vote.validator, v.signature.clone()))
            .collect();
        let certificate = CommitCertificate { height: self.height, round, value, signatures };
        self.step = RoundStep::Decided;
        out.push(Output::Decide { height: self.height, round, value, certificate });
        true
    }

    /// Round skip (line 55): f+1 power already in a higher round means at least one honest
    /// validator is there, so waiting for our timeouts is pointless.
    pub(super) fn try_round_skip(&mut self, set: &ValidatorSet, round: Round, out: &mut Vec<Output>) {
        if round <= self.round || self.step == RoundStep::Decided {
            return;
        }
        if self.rounds.get(&round).is_some_and(|rs| set.is_one_third(rs.senders_power)) {
            self.start_round(round, out);
        }
    }


    /// Applies the rules of the current round until none fires.
    pub(super) fn check_rules(&mut self, set: &ValidatorSet, out: &mut Vec<Output>) {
        while self.step != RoundStep::Decided && self.apply_one_rule(set, out) {}
    }

    /// Fires the first rule of the current step that applies; says whether one did. The order
    /// the rules are tried in decides which outputs come first, so it is kept as it was.
    fn apply_one_rule(&mut self, set: &ValidatorSet, out: &mut Vec<Output>) -> bool {
        if !self.rounds.contains_key(&self.round) {
            return false;
        }
        match self.step {
            RoundStep::Propose => self.prevote_on_proposal(set, out),
            RoundStep::Prevote | RoundStep::Precommit => {
                self.lock_on_polka(set, out)
                    || self.precommit_nil_on_nil_polka(set, out)
                    || self.start_prevote_timer(set, out)
                    || self.start_precommit_timer(set, out)
            }
            RoundStep::Decided => false,
        }
    }

    /// Lines 22 and 28: prevote on the round's proposal.
    fn prevote_on_proposal(&mut self, set: &ValidatorSet, out: &mut Vec<Output>) -> bool {
        let Some(rs) = self.rounds.get(&self.round) else { return false };
        let Some(value) = self.prevote_choice(set, rs) else { return false };
        self.vote(set, VoteType::Prevote, value, out);
        self.step = RoundStep::Prevote;
        true
    }

    /// The prevote the round's first judgeable proposal calls for: its value when it is valid
    /// and the lock allows it, nil when not; `None` while no proposal can be judged yet (one
    /// naming a proof-of-lock round waits for that round's polka).
    fn prevote_choice(&self, set: &ValidatorSet, rs: &RoundState) -> Option<Option<ValueId>> {
        let ignore_locks = self.params.planted_bug_ignore_locks;
        for (signed, valid) in &rs.proposals {
            let p = &signed.proposal;
            let acceptable = match p.pol_round {
                None => ignore_locks || self.locked.is_none_or(|(v, _)| v == p.value),
                Some(pol) => {
                    let polka = self
                        .rounds
                        .get(&pol)
                        .is_some_and(|prs| set.is_quorum(prs.prevotes.power_for(Some(p.value))));
                    if !polka {
                        continue;
                    }
                    ignore_locks || self.locked.is_none_or(|(v, r)| r <= pol || v == p.value)
                }
            };
            return Some((*valid && acceptable).then_some(p.value));
        }
        None
    }

    /// Line 36: a polka for a valid proposal locks (in prevote) and sets the valid value.
    fn lock_on_polka(&mut self, set: &ValidatorSet, out: &mut Vec<Output>) -> bool {
        let round = self.round;
        let Some(rs) = self.rounds.get(&round) else { return false };
        if rs.polka_handled {
            return false;
        }
        let Some(Some(value)) = rs.prevotes.quorum_value(set) else { return false };
        if !rs.valid_proposal_for(&value) {
            return false;
        }
        let was_prevote = self.step == RoundStep::Prevote;
        if let Some(rs) = self.rounds.get_mut(&round) {
            rs.polka_handled = true;
        }
        self.valid = Some((value, round));
        if was_prevote {
            self.locked = Some((value, round));
            self.vote(set, VoteType::Precommit, Some(value), out);
            if self.step != RoundStep::Decided {
                self.step = RoundStep::Precommit;
            }
        }
        true
    }

    /// Line 44: +2/3 prevoted nil.
    fn precommit_nil_on_nil_polka(&mut self, set: &ValidatorSet, out: &mut Vec<Output>) -> bool {
        if self.step != RoundStep::Prevote {
            return false;
        }
        let Some(rs) = self.rounds.get(&self.round) else { return false };
        if !set.is_quorum(rs.prevotes.power_for(None)) {
            return false;
        }
        self.vote(set, VoteType::Precommit, None, out);
        if self.step != RoundStep::Decided {
            self.step = RoundStep::Precommit;
        }
        true
    }

    /// Line 34: +2/3 prevotes of any kind start the prevote timer.
    fn start_prevote_timer(&mut self, set: &ValidatorSet, out: &mut Vec<Output>) -> bool {
        let (height, round) = (self.height, self.round);
        if self.step != RoundStep::Prevote {
            return false;
        }
        let Some(rs) = self.rounds.get_mut(&round) else { return false };
        if rs.prevote_timeout_scheduled || !set.is_quorum(rs.prevotes.power_any()) {
            return false;
        }
        rs.prevote_timeout_scheduled = true;
        out.push(Output::ScheduleTimeout {
            timeout: Timeout { height, round, step: TimeoutStep::Prevote },
            after_ms: self.params.prevote_timeout(round),
        });
        true
    }

    /// Line 47: +2/3 precommits of any kind start the precommit timer.
    fn start_precommit_timer(&mut self, set: &ValidatorSet, out: &mut Vec<Output>) -> bool {
        let (height, round) = (self.height, self.round);
        let Some(rs) = self.rounds.get_mut(&round) else { return false };
        if rs.precommit_timeout_scheduled || !set.is_quorum(rs.precommits.power_any()) {
            return false;
        }
        rs.precommit_timeout_scheduled = true;
        out.push(Output::ScheduleTimeout {
            timeout: Timeout { height, round, step: TimeoutStep::Precommit },
            after_ms: self.params.precommit_timeout(round),
        });
        true
    }
}
