//! What enters the core (`Input`) and what it asks the host to do (`Output`).

use crate::certificate::CommitCertificate;
use crate::evidence::Evidence;
use crate::proposal::SignedProposal;
use crate::types::{Height, Round, Step, ValueId};
use crate::validator_set::ValidatorSet;
use crate::vote::SignedVote;

/// Which timer fired.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TimeoutStep {
    Propose,
    Prevote,
    Precommit,
    /// Re-send own messages of the round (lost messages must not stall a round).
    Rebroadcast,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timeout {
    pub height: Height,
    pub round: Round,
    pub step: TimeoutStep,
}

/// A message that travels between validators.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Message {
    Proposal(SignedProposal),
    Vote(SignedVote),
}

/// The `(height, round, step)` a validator signed at: the host persists the highest one of
/// its own messages before they leave the node, and passes it back after a restart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SignedStep {
    pub height: Height,
    pub round: Round,
    pub step: Step,
}

impl Message {
    pub fn height(&self) -> Height {
        match self {
            Message::Proposal(p) => p.proposal.height,
            Message::Vote(v) => v.vote.height,
        }
    }

    pub fn round(&self) -> Round {
        match self {
            Message::Proposal(p) => p.proposal.round,
            Message::Vote(v) => v.vote.round,
        }
    }

    /// The signer of the message.
    pub fn sender(&self) -> crate::types::ValidatorId {
        match self {
            Message::Proposal(p) => p.proposal.proposer,
            Message::Vote(v) => v.vote.validator,
        }
    }

    pub fn signed_step(&self) -> SignedStep {
        match self {
            Message::Proposal(p) => SignedStep { height: p.proposal.height, round: p.proposal.round, step: Step::Propose },
            Message::Vote(v) => SignedStep { height: v.vote.height, round: v.vote.round, step: v.vote.vote_type.step() },
        }
    }

    /// The message as the input a receiving core takes (a received proposal still needs
    /// the host's verdict on its value, `valid`).
    pub fn into_input(self, valid: bool) -> Input {
        match self {
            Message::Proposal(proposal) => Input::Proposal { proposal, valid },
            Message::Vote(vote) => Input::Vote(vote),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// Begin `height` with its validator set (set changes take effect here).
    StartHeight { height: Height, validators: ValidatorSet },
    /// A proposal and the host's verdict on its value (the block executes / checks).
    Proposal { proposal: SignedProposal, valid: bool },
    Vote(SignedVote),
    Timeout(Timeout),
    /// The host's answer to `Output::GetValue`.
    ProposeValue { height: Height, round: Round, value: ValueId },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Output {
    /// Send to every validator. For this validator's own messages, persist
    /// `message.signed_step()` (synced) before it leaves the node.
    Broadcast(Message),
    ScheduleTimeout { timeout: Timeout, after_ms: u64 },
    /// This validator proposes at `(height, round)`: build a value and answer with
    /// `Input::ProposeValue`.
    GetValue { height: Height, round: Round },
    Decide { height: Height, round: Round, value: ValueId, certificate: CommitCertificate },
    Evidence(Evidence),
}
