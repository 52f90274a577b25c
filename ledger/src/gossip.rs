//! Consensus gossip (`ConsensusGossip` in gossip.proto): the framing of votes, proposals with
//! their block, and evidence, checked here so that the node only ever parses sign bytes and
//! signatures of the exact lengths the spec states.
//!
//! The ledger does not know the consensus core's types; the node maps the checked sign bytes
//! onto them (`node_core::consensus_wire`).

use prost::Message as _;

use crate::canonical::check_canonical;
use crate::error::{check_len, WireError};
use crate::limits::{MAX_BLOCK_BYTES, MAX_CONSENSUS_GOSSIP_BYTES};
use crate::wire::{consensus_gossip, BlockProposal, ConsensusGossip, ProposalEvidence, SignedProposal, SignedVote, VoteEvidence};

/// Length of `SignedVote.sign_bytes` (the consensus core's `Vote::sign_bytes`).
pub const VOTE_SIGN_BYTES_LEN: usize = 78;
/// Length of `SignedProposal.sign_bytes` (the consensus core's `Proposal::sign_bytes`).
pub const PROPOSAL_SIGN_BYTES_LEN: usize = 82;
/// Length of every signature in consensus gossip (ed25519).
pub const SIGNATURE_LEN: usize = crate::sign::SIGNATURE_LEN;

const WHAT: &str = "consensus gossip";

/// A consensus gossip message whose framing passed every check: required fields present,
/// sign bytes and signatures of their exact lengths, a block neither empty nor over the limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gossip {
    Vote(SignedVote),
    Proposal { proposal: SignedProposal, block: Vec<u8> },
    VoteEvidence { first: SignedVote, second: SignedVote },
    ProposalEvidence { first: SignedProposal, second: SignedProposal },
}

impl Gossip {
    /// The `ConsensusGossip` bytes. A message built with fields of other lengths than the spec
    /// states encodes, but every receiver refuses it.
    pub fn encode(self) -> Vec<u8> {
        let message = match self {
            Gossip::Vote(vote) => consensus_gossip::Message::Vote(vote),
            Gossip::Proposal { proposal, block } => {
                consensus_gossip::Message::Proposal(BlockProposal { proposal: Some(proposal), block })
            }
            Gossip::VoteEvidence { first, second } => {
                consensus_gossip::Message::VoteEvidence(VoteEvidence { first: Some(first), second: Some(second) })
            }
            Gossip::ProposalEvidence { first, second } => {
                consensus_gossip::Message::ProposalEvidence(ProposalEvidence { first: Some(first), second: Some(second) })
            }
        };
        ConsensusGossip { message: Some(message) }.encode_to_vec()
    }

    /// Decodes and checks a `ConsensusGossip`: the size before decoding, then that the bytes
    /// are canonical (one message, one encoding: gossip deduplicates by hash), then the
    /// framing. What the sign bytes say, and the signatures, are the node's to check.
    pub fn decode(bytes: &[u8]) -> Result<Gossip, WireError> {
        check_len(WHAT, bytes, MAX_CONSENSUS_GOSSIP_BYTES)?;
        let gossip = ConsensusGossip::decode(bytes).map_err(|e| WireError::malformed(WHAT, e))?;
        check_canonical(WHAT, bytes, &gossip)?;
        // An unknown oneof field decodes to no message and is already refused as not
        // canonical; what reaches here without one is the empty message.
        match gossip.message.ok_or(WireError::Missing { what: WHAT, field: "message" })? {
            consensus_gossip::Message::Vote(vote) => Ok(Gossip::Vote(checked_vote("vote", vote)?)),
            consensus_gossip::Message::Proposal(p) => checked_block_proposal(p),
            consensus_gossip::Message::VoteEvidence(e) => Ok(Gossip::VoteEvidence {
                first: checked_vote("vote evidence: first", required("vote evidence", "first", e.first)?)?,
                second: checked_vote("vote evidence: second", required("vote evidence", "second", e.second)?)?,
            }),
            consensus_gossip::Message::ProposalEvidence(e) => Ok(Gossip::ProposalEvidence {
                first: checked_proposal("proposal evidence: first", required("proposal evidence", "first", e.first)?)?,
                second: checked_proposal("proposal evidence: second", required("proposal evidence", "second", e.second)?)?,
            }),
        }
    }
}

fn required<T>(what: &'static str, field: &'static str, value: Option<T>) -> Result<T, WireError> {
    value.ok_or(WireError::Missing { what, field })
}

fn exact_len(what: &'static str, field: &'static str, bytes: &[u8], expected: usize) -> Result<(), WireError> {
    if bytes.len() != expected {
        return Err(WireError::Length { what, field, len: bytes.len(), expected });
    }
    Ok(())
}

fn checked_vote(what: &'static str, vote: SignedVote) -> Result<SignedVote, WireError> {
    exact_len(what, "sign_bytes", &vote.sign_bytes, VOTE_SIGN_BYTES_LEN)?;
    exact_len(what, "signature", &vote.signature, SIGNATURE_LEN)?;
    Ok(vote)
}

fn checked_proposal(what: &'static str, proposal: SignedProposal) -> Result<SignedProposal, WireError> {
    exact_len(what, "sign_bytes", &proposal.sign_bytes, PROPOSAL_SIGN_BYTES_LEN)?;
    exact_len(what, "signature", &proposal.signature, SIGNATURE_LEN)?;
    Ok(proposal)
}

fn checked_block_proposal(p: BlockProposal) -> Result<Gossip, WireError> {
    let proposal = checked_proposal("proposal", required("proposal", "proposal", p.proposal)?)?;
    if p.block.is_empty() {
        return Err(WireError::Missing { what: "proposal", field: "block" });
    }
    check_len("proposal block", &p.block, MAX_BLOCK_BYTES)?;
    Ok(Gossip::Proposal { proposal, block: p.block })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(fill: u8) -> SignedVote {
        SignedVote { sign_bytes: vec![fill; VOTE_SIGN_BYTES_LEN], signature: vec![fill; SIGNATURE_LEN] }
    }

    fn proposal(fill: u8) -> SignedProposal {
        SignedProposal { sign_bytes: vec![fill; PROPOSAL_SIGN_BYTES_LEN], signature: vec![fill; SIGNATURE_LEN] }
    }

    #[test]
    fn every_variant_round_trips() {
        let all = [
            Gossip::Vote(vote(1)),
            Gossip::Proposal { proposal: proposal(2), block: vec![0x0a, 0x00] },
            Gossip::VoteEvidence { first: vote(3), second: vote(4) },
            Gossip::ProposalEvidence { first: proposal(5), second: proposal(6) },
        ];
        for message in all {
            assert_eq!(Gossip::decode(&message.clone().encode()), Ok(message));
        }
    }

    #[test]
    fn evidence_missing_its_second_half_is_refused() {
        let bytes = ConsensusGossip {
            message: Some(consensus_gossip::Message::VoteEvidence(VoteEvidence { first: Some(vote(1)), second: None })),
        }
        .encode_to_vec();
        assert_eq!(Gossip::decode(&bytes), Err(WireError::Missing { what: "vote evidence", field: "second" }));
    }

    #[test]
    fn a_block_field_over_the_block_limit_is_refused_even_inside_the_message_limit() {
        let block = vec![0u8; MAX_BLOCK_BYTES + 1];
        let bytes = Gossip::Proposal { proposal: proposal(2), block }.encode();
        assert!(bytes.len() <= MAX_CONSENSUS_GOSSIP_BYTES);
        assert!(matches!(Gossip::decode(&bytes), Err(WireError::Oversize { what: "proposal block", .. })));
    }
}
