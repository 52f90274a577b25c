//! What travels on the consensus and evidence gossip topics, in the core's types: the
//! `ConsensusGossip` of gossip.proto, whose framing `ledger::gossip` checks, with the sign
//! bytes inside parsed here.

use consensus::{Evidence, SignedProposal, SignedVote, PROPOSAL_SIGN_BYTES_LEN, VOTE_SIGN_BYTES_LEN};
use ledger::gossip::Gossip;
use ledger::wire;

use super::sign_bytes::{parse_proposal_sign_bytes, parse_vote_sign_bytes, SIGNATURE_LEN};
use super::WireFormatError;

// The spec (gossip.proto, ledger::gossip) and the core must agree on every length.
const _: () = assert!(ledger::gossip::VOTE_SIGN_BYTES_LEN == VOTE_SIGN_BYTES_LEN);
const _: () = assert!(ledger::gossip::PROPOSAL_SIGN_BYTES_LEN == PROPOSAL_SIGN_BYTES_LEN);
const _: () = assert!(ledger::gossip::SIGNATURE_LEN == SIGNATURE_LEN);

/// What travels on the consensus and evidence gossip topics.
#[derive(Debug, Clone, PartialEq)]
pub enum GossipMessage {
    Vote(SignedVote),
    /// A proposal and the encoded block it proposes (`proposal.value` is its hash).
    Proposal(SignedProposal, Vec<u8>),
    Evidence(Evidence),
}

impl GossipMessage {
    /// The `ConsensusGossip` bytes. A signature of another length than 64 bytes is written as
    /// it is, and refused by every receiver (the core's signer always gives 64).
    pub fn encode(&self) -> Vec<u8> {
        let gossip = match self {
            GossipMessage::Vote(v) => Gossip::Vote(wire_vote(v)),
            GossipMessage::Proposal(p, block) => Gossip::Proposal { proposal: wire_proposal(p), block: block.clone() },
            GossipMessage::Evidence(Evidence::ConflictingVotes(a, b)) => {
                Gossip::VoteEvidence { first: wire_vote(a), second: wire_vote(b) }
            }
            GossipMessage::Evidence(Evidence::ConflictingProposals(a, b)) => {
                Gossip::ProposalEvidence { first: wire_proposal(a), second: wire_proposal(b) }
            }
        };
        gossip.encode()
    }

    /// Decodes gossip bytes: the framing (size before decoding, canonical encoding, required
    /// fields, exact lengths; `ledger::gossip::Gossip::decode`), then the sign bytes, which
    /// must be the one encoding of their vote or proposal. So what decodes encodes back to
    /// the same bytes. Signatures are checked by the driver.
    pub fn decode(b: &[u8]) -> Result<GossipMessage, WireFormatError> {
        Ok(match Gossip::decode(b)? {
            Gossip::Vote(v) => GossipMessage::Vote(core_vote(v)?),
            Gossip::Proposal { proposal, block } => GossipMessage::Proposal(core_proposal(proposal)?, block),
            Gossip::VoteEvidence { first, second } => {
                GossipMessage::Evidence(Evidence::ConflictingVotes(core_vote(first)?, core_vote(second)?))
            }
            Gossip::ProposalEvidence { first, second } => {
                GossipMessage::Evidence(Evidence::ConflictingProposals(core_proposal(first)?, core_proposal(second)?))
            }
        })
    }
}

fn wire_vote(v: &SignedVote) -> wire::SignedVote {
    wire::SignedVote { sign_bytes: v.vote.sign_bytes().to_vec(), signature: v.signature.clone() }
}

fn wire_proposal(p: &SignedProposal) -> wire::SignedProposal {
    wire::SignedProposal { sign_bytes: p.proposal.sign_bytes().to_vec(), signature: p.signature.clone() }
}

fn core_vote(v: wire::SignedVote) -> Result<SignedVote, WireFormatError> {
    Ok(SignedVote { vote: parse_vote_sign_bytes(&v.sign_bytes)?, signature: v.signature })
}

fn core_proposal(p: wire::SignedProposal) -> Result<SignedProposal, WireFormatError> {
    Ok(SignedProposal { proposal: parse_proposal_sign_bytes(&p.sign_bytes)?, signature: p.signature })
}
