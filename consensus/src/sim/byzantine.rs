//! How a Byzantine node rewrites its own outgoing messages.

use crate::io::Message;
use crate::proposal::SignedProposal;
use crate::signing::Signer;
use crate::types::{SignDomain, ValueId};
use crate::vote::SignedVote;

use super::config::Behaviour;
use crate::testing::SimSigner;

/// First byte of every value the simulated application rejects.
pub const INVALID_MARK: u8 = 0xff;

/// Whether the simulated application accepts a value.
pub fn is_valid_value(value: &ValueId) -> bool {
    value[0] != INVALID_MARK
}

/// A value conflicting with `value` (another block at the same height).
fn other_value(value: &ValueId) -> ValueId {
    let mut other = *value;
    other[31] ^= 0x01;
    other
}

fn invalid_value(value: &ValueId) -> ValueId {
    let mut bad = *value;
    bad[0] = INVALID_MARK;
    bad
}

fn resign_vote(signer: &SimSigner, mut vote: SignedVote, value: Option<ValueId>) -> SignedVote {
    vote.vote.value = value;
    vote.signature = signer.sign(vote.vote.vote_type.domain(), &vote.vote.sign_bytes());
    vote
}

fn resign_proposal(signer: &SimSigner, mut proposal: SignedProposal, value: ValueId) -> SignedProposal {
    proposal.proposal.value = value;
    proposal.signature = signer.sign(SignDomain::Proposal, &proposal.proposal.sign_bytes());
    proposal
}

/// What a node sends: one message to everyone, or one version to even-numbered nodes and
/// another to odd-numbered nodes.
pub(crate) enum Outgoing {
    All(Message),
    Split { even: Message, odd: Message },
}

/// Rewrites one of the node's own messages according to its behaviour.
pub(crate) fn rewrite(behaviour: Option<Behaviour>, signer: &SimSigner, message: Message) -> Outgoing {
    match (behaviour, message) {
        (Some(Behaviour::Equivocator), Message::Vote(vote)) => {
            let other = match vote.vote.value {
                Some(v) => Some(other_value(&v)),
                None => Some(other_value(&[0x11; 32])),
            };
            let conflicting = resign_vote(signer, vote.clone(), other);
            Outgoing::Split { even: Message::Vote(vote), odd: Message::Vote(conflicting) }
        }
        (Some(Behaviour::Equivocator), Message::Proposal(p)) => {
            let other = other_value(&p.proposal.value);
            let conflicting = resign_proposal(signer, p.clone(), other);
            Outgoing::Split { even: Message::Proposal(p), odd: Message::Proposal(conflicting) }
        }
        (Some(Behaviour::InvalidVoter), Message::Vote(vote)) => {
            let bad = invalid_value(&vote.vote.value.unwrap_or([0x22; 32]));
            Outgoing::All(Message::Vote(resign_vote(signer, vote, Some(bad))))
        }
        (Some(Behaviour::InvalidVoter), Message::Proposal(p)) => {
            let bad = invalid_value(&p.proposal.value);
            Outgoing::All(Message::Proposal(resign_proposal(signer, p, bad)))
        }
        (_, message) => Outgoing::All(message),
    }
}
