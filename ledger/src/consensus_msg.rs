//! Votes and proposals on the wire: the helpers the node uses to sign and check consensus messages.

use prost::Message;

use crate::block::check_block;
use crate::canonical::check_canonical;
use crate::envelope::{open, seal, OpenedEnvelope};
use crate::error::{bytes32, check_chain_id, check_len, WireError};
use crate::hash::{Address, Hash};
use crate::limits::{MAX_BLOCK_TXS, MAX_CHAIN_ID_LEN, MAX_PROPOSAL_BYTES, MAX_VOTE_BYTES};
use crate::prescan::count_field;
use crate::sign::Keypair;
use crate::wire::{Block, EnvelopeKind, Proposal, Vote, VoteType};

/// A vote whose signature has been checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedVote {
    pub validator: Address,
    pub vote_type: VoteType,
    pub height: u64,
    pub round: u32,
    /// `None` is a nil vote.
    pub block_hash: Option<Hash>,
    /// The 64-byte signature, e.g. for a commit certificate.
    pub signature: [u8; 64],
    /// The envelope as received, to relay or to use as evidence.
    pub bytes: Vec<u8>,
}

/// A proposal whose signature and block shape have been checked.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedProposal {
    pub proposer: Address,
    pub height: u64,
    pub round: u32,
    /// Tendermint's valid round, `None` for -1.
    pub pol_round: Option<u32>,
    pub block: Block,
    pub signature: [u8; 64],
}

fn envelope_kind(vote_type: VoteType) -> EnvelopeKind {
    match vote_type {
        VoteType::Precommit => EnvelopeKind::Precommit,
        // An unspecified type is never produced by the node; sign it as a prevote so
        // that the receiver's type check refuses it.
        VoteType::Prevote | VoteType::Unspecified => EnvelopeKind::Prevote,
    }
}

/// Signs a vote and returns the envelope bytes.
pub fn encode_vote(
    keypair: &Keypair,
    chain_id: &str,
    vote_type: VoteType,
    height: u64,
    round: u32,
    block_hash: Option<&Hash>,
) -> Vec<u8> {
    let vote = Vote {
        chain_id: chain_id.to_string(),
        vote_type: vote_type as i32,
        height,
        round,
        block_hash: block_hash.map(|h| h.to_vec()).unwrap_or_default(),
    };
    seal(keypair, envelope_kind(vote_type), chain_id, vote.encode_to_vec())
}

/// Decodes a vote envelope and checks its chain id, type and signature.
pub fn decode_vote(bytes: &[u8], chain_id: &str) -> Result<VerifiedVote, WireError> {
    let opened = open(bytes, MAX_VOTE_BYTES, &[EnvelopeKind::Prevote, EnvelopeKind::Precommit], "vote")?;
    let vote = Vote::decode(opened.payload.as_slice()).map_err(|e| WireError::malformed("vote", e))?;
    check_canonical("vote", &opened.payload, &vote)?;
    check_chain_id_len(&vote.chain_id)?;
    check_chain_id(chain_id, &vote.chain_id)?;
    let vote_type = VoteType::try_from(vote.vote_type)
        .ok()
        .filter(|t| *t != VoteType::Unspecified)
        .ok_or(WireError::UnknownKind { what: "vote", value: vote.vote_type })?;
    if envelope_kind(vote_type) != opened.kind {
        return Err(WireError::field("vote", "vote_type", format!("{vote_type:?} inside a {:?} envelope", opened.kind)));
    }
    let block_hash = if vote.block_hash.is_empty() {
        None
    } else {
        Some(bytes32("vote", "block_hash", &vote.block_hash)?)
    };
    opened.verify(chain_id)?;
    Ok(VerifiedVote {
        validator: opened.signer,
        vote_type,
        height: vote.height,
        round: vote.round,
        block_hash,
        signature: opened.signature.to_bytes(),
        bytes: bytes.to_vec(),
    })
}

/// Signs a proposal carrying `block` and returns the envelope bytes.
pub fn encode_proposal(keypair: &Keypair, chain_id: &str, round: u32, pol_round: Option<u32>, block: Block) -> Vec<u8> {
    let proposal = Proposal {
        chain_id: chain_id.to_string(),
        height: block.height(),
        round,
        pol_round: pol_round.map_or(-1, i64::from),
        block: Some(block),
    };
    seal(keypair, EnvelopeKind::Proposal, chain_id, proposal.encode_to_vec())
}

/// Decodes a proposal envelope: size and transaction count before decoding, then the
/// chain id, the block's shape, that the header names the signer as proposer and
/// carries the proposal's height, and the signature. The block's transactions and
/// execution are the node's to check.
pub fn decode_proposal(bytes: &[u8], chain_id: &str) -> Result<VerifiedProposal, WireError> {
    check_len("proposal", bytes, MAX_PROPOSAL_BYTES)?;
    let opened = open(bytes, MAX_PROPOSAL_BYTES, &[EnvelopeKind::Proposal], "proposal")?;
    let proposal = decode_proposal_payload(&opened)?;
    check_chain_id_len(&proposal.chain_id)?;
    check_chain_id(chain_id, &proposal.chain_id)?;
    let block = proposal.block.ok_or_else(|| WireError::field("proposal", "block", "is missing"))?;
    check_block(&block, chain_id)?;
    if block.height() != proposal.height {
        return Err(WireError::field(
            "proposal",
            "height",
            format!("is {} but the block's header says {}", proposal.height, block.height()),
        ));
    }
    let proposer = block.header.as_ref().map(|h| h.proposer.clone()).unwrap_or_default();
    if proposer.as_slice() != opened.signer.as_slice() {
        return Err(WireError::field("proposal", "block.header.proposer", "is not the signer of the proposal"));
    }
    let pol_round = match proposal.pol_round {
        -1 => None,
        r => Some(u32::try_from(r).map_err(|_| WireError::field("proposal", "pol_round", format!("{r} is neither -1 nor a round")))?),
    };
    if pol_round.is_some_and(|r| r >= proposal.round) {
        return Err(WireError::field("proposal", "pol_round", format!("{:?} is not below the round {}", pol_round, proposal.round)));
    }
    opened.verify(chain_id)?;
    Ok(VerifiedProposal {
        proposer: opened.signer,
        height: proposal.height,
        round: proposal.round,
        pol_round,
        block,
        signature: opened.signature.to_bytes(),
    })
}

fn decode_proposal_payload(opened: &OpenedEnvelope) -> Result<Proposal, WireError> {
    // The block's transaction count must be refused before the block is decoded: find
    // the block field's bytes without decoding and count there.
    let block_bytes = nested_field("proposal", &opened.payload, 5)?;
    if let Some(block_bytes) = block_bytes {
        let count = count_field("block", block_bytes, 2)?;
        if count > MAX_BLOCK_TXS {
            return Err(WireError::TooMany { what: "block", items: "transactions", count, max: MAX_BLOCK_TXS });
        }
    }
    let proposal = Proposal::decode(opened.payload.as_slice()).map_err(|e| WireError::malformed("proposal", e))?;
    check_canonical("proposal", &opened.payload, &proposal)?;
    Ok(proposal)
}

/// The bytes of the last occurrence of length-delimited top-level `field` (protobuf
/// merges repeated occurrences of a message field; the transactions of all of them
/// are counted by the caller via the last one only, so more than one is refused).
fn nested_field<'a>(what: &'static str, bytes: &'a [u8], field: u64) -> Result<Option<&'a [u8]>, WireError> {
    if count_field(what, bytes, field)? > 1 {
        return Err(WireError::field(what, "block", "occurs more than once"));
    }
    crate::prescan::find_field(what, bytes, field)
}

fn check_chain_id_len(chain_id: &str) -> Result<(), WireError> {
    if chain_id.len() > MAX_CHAIN_ID_LEN {
        return Err(WireError::Oversize { what: "chain id", len: chain_id.len(), max: MAX_CHAIN_ID_LEN });
    }
    Ok(())
}
