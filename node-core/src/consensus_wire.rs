//! Consensus messages on the wire and in the WAL, and the ledger's ed25519 keys plugged
//! into the consensus core as its signer and verifier.
//!
//! Votes are signed over the ledger's precommit payload (not the core's raw sign bytes), so
//! the precommit signatures the core gathers form a certificate the ledger verifies.

use consensus::{
    Evidence, Proposal, SignDomain, SignedProposal, SignedVote, Vote, VoteType, PROPOSAL_SIGN_BYTES_LEN,
    VOTE_SIGN_BYTES_LEN,
};
use ledger::sign::{Domain, Keypair};
use prost::Message as _;

pub const SIGNATURE_LEN: usize = 64;
const TAG_VOTE: u8 = 0x01;
const TAG_PROPOSAL: u8 = 0x02;
const TAG_EVIDENCE_VOTES: u8 = 0x03;
const TAG_EVIDENCE_PROPOSALS: u8 = 0x04;
const VOTE_MSG_LEN: usize = VOTE_SIGN_BYTES_LEN + SIGNATURE_LEN;
const PROPOSAL_MSG_LEN: usize = PROPOSAL_SIGN_BYTES_LEN + SIGNATURE_LEN;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireFormatError {
    #[error("{what} is {len} bytes, expected {expected}")]
    Length { what: &'static str, len: usize, expected: usize },
    #[error("{what} has unknown tag {tag:#04x}")]
    Tag { what: &'static str, tag: u8 },
    #[error("{what}: {why}")]
    Field { what: &'static str, why: String },
}

/// The payload a vote's signature covers: the ledger's `Vote` message.
pub(crate) fn ledger_vote_payload(chain_id: &str, vote: &Vote) -> Vec<u8> {
    let vote_type = match vote.vote_type {
        VoteType::Prevote => ledger::wire::VoteType::Prevote,
        VoteType::Precommit => ledger::wire::VoteType::Precommit,
    };
    ledger::wire::Vote {
        chain_id: chain_id.to_string(),
        vote_type: vote_type as i32,
        height: vote.height,
        round: vote.round,
        block_hash: vote.value.map(|v| v.to_vec()).unwrap_or_default(),
    }
    .encode_to_vec()
}

/// Maps what the core asks to sign onto the ledger domain and payload.
fn signing_input(chain_id: &str, domain: SignDomain, payload: &[u8]) -> Option<(Domain, Vec<u8>)> {
    match domain {
        SignDomain::Proposal => Some((Domain::Proposal, payload.to_vec())),
        SignDomain::Prevote | SignDomain::Precommit => {
            let vote = parse_vote_sign_bytes(payload).ok()?;
            let ledger_domain = if domain == SignDomain::Prevote { Domain::Prevote } else { Domain::Precommit };
            Some((ledger_domain, ledger_vote_payload(chain_id, &vote)))
        }
    }
}

pub struct LedgerSigner {
    pub keypair: Keypair,
    pub chain_id: String,
}

impl consensus::Signer for LedgerSigner {
    fn sign(&self, domain: SignDomain, payload: &[u8]) -> Vec<u8> {
        match signing_input(&self.chain_id, domain, payload) {
            Some((domain, payload)) => self.keypair.sign(domain, &self.chain_id, &payload).to_vec(),
            // The core only hands over its own fixed-length encodings, which always parse;
            // an empty signature would be refused by every verifier.
            None => Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct LedgerVerifier {
    pub chain_id: String,
}

impl consensus::Verifier for LedgerVerifier {
    fn verify(&self, domain: SignDomain, validator: &consensus::ValidatorId, payload: &[u8], signature: &[u8]) -> bool {
        let Some((domain, payload)) = signing_input(&self.chain_id, domain, payload) else { return false };
        let (Ok(key), Ok(signature)) = (ledger::sign::parse_public_key(validator), ledger::sign::parse_signature(signature)) else {
            return false;
        };
        ledger::sign::verify(&key, domain, &self.chain_id, &payload, &signature).is_ok()
    }
}

/// The core's verifier when its host has verified every message before handing it over
/// (the node's driver does, in gossip intake; the WAL only holds what passed): accepts all.
pub struct Preverified;

impl consensus::Verifier for Preverified {
    fn verify(&self, _domain: SignDomain, _validator: &consensus::ValidatorId, _payload: &[u8], _signature: &[u8]) -> bool {
        true
    }
}

/// `N` bytes of `b` from `at`. Every caller reads fixed offsets of a buffer whose exact length
/// it checked first, so the range is always inside; were it not, zeros come back (and a debug
/// build stops), never a panic a peer's bytes could reach.
fn field<const N: usize>(b: &[u8], at: usize) -> [u8; N] {
    let mut a = [0u8; N];
    match b.get(at..at.saturating_add(N)) {
        Some(s) => a.copy_from_slice(s),
        None => debug_assert!(false, "field {at}..{} outside a {}-byte buffer", at.saturating_add(N), b.len()),
    }
    a
}
fn be_u64(b: &[u8], at: usize) -> u64 {
    u64::from_be_bytes(field(b, at))
}
fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes(field(b, at))
}
fn b32(b: &[u8], at: usize) -> [u8; 32] {
    field(b, at)
}

/// Inverse of `Vote::sign_bytes` (layout documented there).
pub fn parse_vote_sign_bytes(b: &[u8]) -> Result<Vote, WireFormatError> {
    if b.len() != VOTE_SIGN_BYTES_LEN {
        return Err(WireFormatError::Length { what: "vote", len: b.len(), expected: VOTE_SIGN_BYTES_LEN });
    }
    let vote_type = match b[0] {
        0x01 => VoteType::Prevote,
        0x02 => VoteType::Precommit,
        tag => return Err(WireFormatError::Tag { what: "vote type", tag }),
    };
    let value = match b[13] {
        0 if b[14..46].iter().all(|x| *x == 0) => None,
        1 => Some(b32(b, 14)),
        flag => return Err(WireFormatError::Field { what: "vote", why: format!("has_value flag {flag} with value bytes") }),
    };
    Ok(Vote { vote_type, height: be_u64(b, 1), round: be_u32(b, 9), value, validator: b32(b, 46) })
}

/// Inverse of `Proposal::sign_bytes` (layout documented there).
pub fn parse_proposal_sign_bytes(b: &[u8]) -> Result<Proposal, WireFormatError> {
    if b.len() != PROPOSAL_SIGN_BYTES_LEN {
        return Err(WireFormatError::Length { what: "proposal", len: b.len(), expected: PROPOSAL_SIGN_BYTES_LEN });
    }
    if b[0] != 0x03 {
        return Err(WireFormatError::Tag { what: "proposal", tag: b[0] });
    }
    // Without a POL round its four bytes must be zero: one proposal, one encoding (else a
    // relayer could make many distinct messages of one proposal, each passing gossip dedup).
    let pol_round = match b[13] {
        0 if b[14..18].iter().all(|x| *x == 0) => None,
        1 => Some(be_u32(b, 14)),
        flag => return Err(WireFormatError::Field { what: "proposal", why: format!("has_pol flag {flag} with pol round bytes") }),
    };
    Ok(Proposal { height: be_u64(b, 1), round: be_u32(b, 9), pol_round, value: b32(b, 18), proposer: b32(b, 50) })
}

pub fn encode_signed_vote(vote: &SignedVote, out: &mut Vec<u8>) {
    out.extend_from_slice(&vote.vote.sign_bytes());
    let mut sig = [0u8; SIGNATURE_LEN];
    let n = vote.signature.len().min(SIGNATURE_LEN);
    sig[..n].copy_from_slice(&vote.signature[..n]);
    out.extend_from_slice(&sig);
}

pub fn decode_signed_vote(b: &[u8]) -> Result<SignedVote, WireFormatError> {
    if b.len() != VOTE_MSG_LEN {
        return Err(WireFormatError::Length { what: "signed vote", len: b.len(), expected: VOTE_MSG_LEN });
    }
    Ok(SignedVote { vote: parse_vote_sign_bytes(&b[..VOTE_SIGN_BYTES_LEN])?, signature: b[VOTE_SIGN_BYTES_LEN..].to_vec() })
}

pub fn encode_signed_proposal(p: &SignedProposal, out: &mut Vec<u8>) {
    out.extend_from_slice(&p.proposal.sign_bytes());
    let mut sig = [0u8; SIGNATURE_LEN];
    let n = p.signature.len().min(SIGNATURE_LEN);
    sig[..n].copy_from_slice(&p.signature[..n]);
    out.extend_from_slice(&sig);
}

pub fn decode_signed_proposal(b: &[u8]) -> Result<SignedProposal, WireFormatError> {
    if b.len() != PROPOSAL_MSG_LEN {
        return Err(WireFormatError::Length { what: "signed proposal", len: b.len(), expected: PROPOSAL_MSG_LEN });
    }
    Ok(SignedProposal {
        proposal: parse_proposal_sign_bytes(&b[..PROPOSAL_SIGN_BYTES_LEN])?,
        signature: b[PROPOSAL_SIGN_BYTES_LEN..].to_vec(),
    })
}

/// What travels on the consensus and evidence gossip topics.
#[derive(Debug, Clone, PartialEq)]
pub enum GossipMessage {
    Vote(SignedVote),
    /// A proposal and the encoded block it proposes (`proposal.value` is its hash).
    Proposal(SignedProposal, Vec<u8>),
    Evidence(Evidence),
}

impl GossipMessage {
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            GossipMessage::Vote(v) => {
                out.push(TAG_VOTE);
                encode_signed_vote(v, &mut out);
            }
            GossipMessage::Proposal(p, block) => {
                out.push(TAG_PROPOSAL);
                encode_signed_proposal(p, &mut out);
                out.extend_from_slice(block);
            }
            GossipMessage::Evidence(Evidence::ConflictingVotes(a, b)) => {
                out.push(TAG_EVIDENCE_VOTES);
                encode_signed_vote(a, &mut out);
                encode_signed_vote(b, &mut out);
            }
            GossipMessage::Evidence(Evidence::ConflictingProposals(a, b)) => {
                out.push(TAG_EVIDENCE_PROPOSALS);
                encode_signed_proposal(a, &mut out);
                encode_signed_proposal(b, &mut out);
            }
        }
        out
    }

    pub fn decode(b: &[u8]) -> Result<GossipMessage, WireFormatError> {
        let Some((&tag, rest)) = b.split_first() else {
            return Err(WireFormatError::Length { what: "consensus message", len: 0, expected: 1 });
        };
        match tag {
            TAG_VOTE => Ok(GossipMessage::Vote(decode_signed_vote(rest)?)),
            TAG_PROPOSAL => {
                if rest.len() < PROPOSAL_MSG_LEN {
                    return Err(WireFormatError::Length { what: "proposal message", len: rest.len(), expected: PROPOSAL_MSG_LEN });
                }
                let (p, block) = rest.split_at(PROPOSAL_MSG_LEN);
                Ok(GossipMessage::Proposal(decode_signed_proposal(p)?, block.to_vec()))
            }
            TAG_EVIDENCE_VOTES => {
                if rest.len() != 2 * VOTE_MSG_LEN {
                    return Err(WireFormatError::Length { what: "vote evidence", len: rest.len(), expected: 2 * VOTE_MSG_LEN });
                }
                let (a, b) = rest.split_at(VOTE_MSG_LEN);
                Ok(GossipMessage::Evidence(Evidence::ConflictingVotes(decode_signed_vote(a)?, decode_signed_vote(b)?)))
            }
            TAG_EVIDENCE_PROPOSALS => {
                if rest.len() != 2 * PROPOSAL_MSG_LEN {
                    return Err(WireFormatError::Length { what: "proposal evidence", len: rest.len(), expected: 2 * PROPOSAL_MSG_LEN });
                }
                let (a, b) = rest.split_at(PROPOSAL_MSG_LEN);
                Ok(GossipMessage::Evidence(Evidence::ConflictingProposals(decode_signed_proposal(a)?, decode_signed_proposal(b)?)))
            }
            tag => Err(WireFormatError::Tag { what: "consensus message", tag }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consensus::{Signer, Verifier};

    fn keys() -> (LedgerSigner, LedgerVerifier) {
        let keypair = Keypair::from_seed(&[7; 32]);
        (LedgerSigner { keypair, chain_id: "test-chain".into() }, LedgerVerifier { chain_id: "test-chain".into() })
    }

    #[test]
    fn a_signed_vote_round_trips_and_verifies_but_not_on_another_chain() {
        let (signer, verifier) = keys();
        let vote = Vote { vote_type: VoteType::Precommit, height: 9, round: 2, value: Some([3; 32]), validator: signer.keypair.public() };
        let signature = signer.sign(SignDomain::Precommit, &vote.sign_bytes());
        let msg = GossipMessage::Vote(SignedVote { vote, signature: signature.clone() });
        let back = GossipMessage::decode(&msg.encode()).unwrap();
        assert_eq!(back, msg);
        assert!(verifier.verify(SignDomain::Precommit, &vote.validator, &vote.sign_bytes(), &signature));
        let other = LedgerVerifier { chain_id: "other-chain".into() };
        assert!(!other.verify(SignDomain::Precommit, &vote.validator, &vote.sign_bytes(), &signature));
        assert!(!verifier.verify(SignDomain::Prevote, &vote.validator, &vote.sign_bytes(), &signature));
    }

    #[test]
    fn precommit_signatures_form_a_certificate_the_ledger_accepts() {
        let (signer, _) = keys();
        let id = signer.keypair.public();
        let vote = Vote { vote_type: VoteType::Precommit, height: 4, round: 1, value: Some([5; 32]), validator: id };
        let signature = signer.sign(SignDomain::Precommit, &vote.sign_bytes());
        let cert = ledger::certificate::certificate(4, 1, &[5; 32], vec![(id, signature)]);
        let power = ledger::certificate::verify_certificate(&cert, "test-chain", 4, &[5; 32], &[(id, 10)]).unwrap();
        assert_eq!(power, 10);
    }

    #[test]
    fn a_proposal_keeps_its_block_bytes_and_nil_votes_parse() {
        let (signer, _) = keys();
        let proposal = Proposal { height: 3, round: 0, pol_round: None, value: [1; 32], proposer: signer.keypair.public() };
        let signature = signer.sign(SignDomain::Proposal, &proposal.sign_bytes());
        let msg = GossipMessage::Proposal(SignedProposal { proposal, signature }, vec![9, 9, 9]);
        assert_eq!(GossipMessage::decode(&msg.encode()).unwrap(), msg);
        let nil = Vote { vote_type: VoteType::Prevote, height: 3, round: 0, value: None, validator: [2; 32] };
        assert_eq!(parse_vote_sign_bytes(&nil.sign_bytes()).unwrap(), nil);
    }

    #[test]
    fn truncated_and_unknown_messages_are_refused() {
        assert!(matches!(GossipMessage::decode(&[]), Err(WireFormatError::Length { .. })));
        assert!(matches!(GossipMessage::decode(&[0x7f, 1, 2]), Err(WireFormatError::Tag { tag: 0x7f, .. })));
        assert!(matches!(GossipMessage::decode(&[TAG_VOTE, 1, 2]), Err(WireFormatError::Length { .. })));
    }

    #[test]
    fn a_proposal_without_a_pol_round_but_with_pol_bytes_is_refused_as_a_second_encoding() {
        let proposal = Proposal { height: 6, round: 0, pol_round: None, value: [1; 32], proposer: [2; 32] };
        let mut bytes = proposal.sign_bytes().to_vec();
        assert!(parse_proposal_sign_bytes(&bytes).is_ok());
        bytes[17] = 6;
        assert!(parse_proposal_sign_bytes(&bytes).is_err(), "found by the decode_gossip fuzzer");
    }
}
