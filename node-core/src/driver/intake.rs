//! Consensus gossip entering the driver: every message is checked (known validator, the
//! right proposer, a signature, a height and round the core keeps) before it reaches the
//! WAL or the core, and refused with a reason gossip validation can score peers by.

use super::{Driver, DriverError, Effect, EVIDENCE_WINDOW};
use crate::consensus_wire::GossipMessage;
use consensus::{Input, SignDomain, SignedProposal, SignedVote, Verifier};
use crate::verdict::Verdict;
use crate::wal::WalLog;
use ledger::store::Backend;

/// Proposals of later heights kept until this node gets there (bounds memory): how many
/// heights ahead, how many proposals per height, and how many bytes in all.
const MAX_FUTURE_HEIGHTS: u64 = 8;
const MAX_FUTURE_PER_HEIGHT: usize = 4;
const MAX_FUTURE_BYTES: usize = 64 * 1024 * 1024;

impl<B: Backend, W: WalLog> Driver<B, W> {
    /// A message from the consensus or evidence topic: the verdict for gossip and the effects.
    pub fn on_gossip(&mut self, data: &[u8], now_ms: u64) -> Result<(Verdict, Vec<Effect>), DriverError> {
        let mut effects = Vec::new();
        let verdict = match GossipMessage::decode(data) {
            Err(_) => Verdict::Reject("malformed"),
            Ok(GossipMessage::Vote(vote)) => self.on_vote(vote, now_ms, &mut effects)?,
            Ok(GossipMessage::Proposal(proposal, block)) => self.on_proposal(proposal, block, now_ms, &mut effects)?,
            Ok(GossipMessage::Evidence(evidence)) => self.on_evidence(&evidence, &mut effects),
        };
        Ok((verdict, effects))
    }

    /// Whether the core would keep a message of `round` at the running height.
    fn round_kept(&self, round: u32) -> bool {
        round <= self.consensus.round().saturating_add(self.max_rounds_ahead)
    }

    fn on_vote(&mut self, vote: SignedVote, now_ms: u64, effects: &mut Vec<Effect>) -> Result<Verdict, DriverError> {
        let v = &vote.vote;
        let tip = self.chain.tip().height;
        if v.height <= tip {
            return Ok(Verdict::Ignore("stale"));
        }
        let next = tip.saturating_add(1);
        if self.chain.validators().index_of(&v.validator).is_none() {
            // The set of a later height may differ: only at the next height is it known.
            return Ok(if v.height == next { Verdict::Reject("not-a-validator") } else { Verdict::Ignore("unknown-validator") });
        }
        if !self.verifier.verify(v.vote_type.domain(), &v.validator, &v.sign_bytes(), &vote.signature) {
            return Ok(Verdict::Reject("bad-signature"));
        }
        if v.height > next.saturating_add(1) {
            // Peers are more than a height ahead: this node missed blocks.
            effects.push(Effect::NeedSync);
            return Ok(Verdict::Accept);
        }
        if v.height == next && !self.round_kept(v.round) {
            return Ok(Verdict::Ignore("round-too-far"));
        }
        let input = Input::Vote(vote);
        self.log(&super::WalEntry::Vote(input.clone()))?;
        let outputs = self.consensus.handle(input);
        self.process(outputs, now_ms, effects)?;
        Ok(Verdict::Accept)
    }

    fn on_proposal(&mut self, proposal: SignedProposal, block: Vec<u8>, now_ms: u64, effects: &mut Vec<Effect>) -> Result<Verdict, DriverError> {
        let p = &proposal.proposal;
        let tip = self.chain.tip().height;
        if p.height <= tip {
            return Ok(Verdict::Ignore("stale"));
        }
        let next = tip.saturating_add(1);
        let set = self.chain.validators();
        if p.height == next {
            if set.index_of(&p.proposer).is_none() {
                return Ok(Verdict::Reject("not-a-validator"));
            }
            if set.proposer(p.height, p.round) != p.proposer {
                return Ok(Verdict::Reject("wrong-proposer"));
            }
            if !self.round_kept(p.round) {
                return Ok(Verdict::Ignore("round-too-far"));
            }
        } else if set.index_of(&p.proposer).is_none() {
            return Ok(Verdict::Ignore("unknown-validator"));
        }
        if !self.verifier.verify(SignDomain::Proposal, &p.proposer, &p.sign_bytes(), &proposal.signature) {
            return Ok(Verdict::Reject("bad-signature"));
        }
        match self.proposed.get(&(p.height, p.round)) {
            // A rebroadcast (it must travel on to peers that lost it); the core has it already.
            Some(value) if *value == p.value => return Ok(Verdict::Accept),
            Some(value) => {
                tracing::warn!(height = p.height, round = p.round, proposer = %hex::encode(p.proposer),
                    first = %hex::encode(value), second = %hex::encode(p.value), "conflicting proposals from one proposer; the second is refused");
                return Ok(Verdict::Reject("conflicting-proposal"));
            }
            None => {}
        }
        self.proposed.insert((p.height, p.round), p.value);
        if p.height > next {
            // One height ahead is normal with back-to-back slots (the next proposer
            // committed first); more means this node missed blocks.
            if p.height > next.saturating_add(1) {
                effects.push(Effect::NeedSync);
            }
            return Ok(self.buffer_future(proposal, block, tip));
        }
        self.feed_proposal(proposal, block, now_ms, effects)?;
        Ok(Verdict::Accept)
    }

    fn buffer_future(&mut self, proposal: SignedProposal, block: Vec<u8>, tip: u64) -> Verdict {
        let height = proposal.proposal.height;
        if height > tip.saturating_add(MAX_FUTURE_HEIGHTS) {
            return Verdict::Ignore("too-far-ahead");
        }
        let queued = self.future.get(&height).map_or(0, Vec::len);
        if queued >= MAX_FUTURE_PER_HEIGHT || self.future_bytes.saturating_add(block.len()) > MAX_FUTURE_BYTES {
            return Verdict::Ignore("buffer-full");
        }
        self.future_bytes += block.len();
        self.future.entry(height).or_default().push((proposal, block));
        Verdict::Accept
    }

    /// The buffered proposals of `height`, and forgets those of earlier heights.
    pub(super) fn take_future(&mut self, height: u64) -> Vec<(SignedProposal, Vec<u8>)> {
        let buffered = self.future.remove(&height).unwrap_or_default();
        self.future = self.future.split_off(&height);
        self.future_bytes = self.future.values().flatten().map(|(_, b)| b.len()).sum();
        buffered
    }

    fn on_evidence(&mut self, evidence: &consensus::Evidence, effects: &mut Vec<Effect>) -> Verdict {
        let tip = self.chain.tip().height;
        let height = evidence.height();
        if height > tip.saturating_add(1) || height.saturating_add(EVIDENCE_WINDOW) < tip {
            return Verdict::Ignore("evidence-out-of-window");
        }
        if self.chain.validators().index_of(&evidence.validator()).is_none() {
            return Verdict::Reject("not-a-validator");
        }
        tracing::warn!(validator = %hex::encode(evidence.validator()), height, round = evidence.round(), "evidence of equivocation received");
        if self.report(evidence, effects) {
            Verdict::Accept
        } else {
            Verdict::Reject("invalid-evidence")
        }
    }
}
