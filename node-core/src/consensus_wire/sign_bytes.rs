//! The consensus core's fixed-length sign bytes (docs/consensus.md, "Signing bytes") read
//! back into its types, and a signed message as the WAL lays it out: sign bytes || signature.
//!
//! Gossip carries the same sign bytes inside `ConsensusGossip`; one parser serves both, and it
//! accepts exactly one encoding of each vote and proposal.

use consensus::{Proposal, SignedProposal, SignedVote, Vote, VoteType, PROPOSAL_SIGN_BYTES_LEN, VOTE_SIGN_BYTES_LEN};

use super::WireFormatError;

pub const SIGNATURE_LEN: usize = 64;
const VOTE_MSG_LEN: usize = VOTE_SIGN_BYTES_LEN + SIGNATURE_LEN;
const PROPOSAL_MSG_LEN: usize = PROPOSAL_SIGN_BYTES_LEN + SIGNATURE_LEN;

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
        flag => return Err(WireFormatError::Flag { what: "vote has_value", flag }),
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
    // Without a POL round its four bytes must be zero: one proposal, one encoding.
    let pol_round = match b[13] {
        0 if b[14..18].iter().all(|x| *x == 0) => None,
        1 => Some(be_u32(b, 14)),
        flag => return Err(WireFormatError::Flag { what: "proposal has_pol", flag }),
    };
    Ok(Proposal { height: be_u64(b, 1), round: be_u32(b, 9), pol_round, value: b32(b, 18), proposer: b32(b, 50) })
}

/// A signed vote as the WAL stores it: sign bytes || signature, the signature padded or cut
/// to 64 bytes (the core's signer always gives 64) so the record keeps its fixed length.
pub fn encode_signed_vote(vote: &SignedVote, out: &mut Vec<u8>) {
    out.extend_from_slice(&vote.vote.sign_bytes());
    let mut sig = [0u8; SIGNATURE_LEN];
    let n = vote.signature.len().min(SIGNATURE_LEN);
    sig[..n].copy_from_slice(&vote.signature[..n]);
    out.extend_from_slice(&sig);
}

/// Inverse of [`encode_signed_vote`].
pub fn decode_signed_vote(b: &[u8]) -> Result<SignedVote, WireFormatError> {
    if b.len() != VOTE_MSG_LEN {
        return Err(WireFormatError::Length { what: "signed vote", len: b.len(), expected: VOTE_MSG_LEN });
    }
    Ok(SignedVote { vote: parse_vote_sign_bytes(&b[..VOTE_SIGN_BYTES_LEN])?, signature: b[VOTE_SIGN_BYTES_LEN..].to_vec() })
}

/// A signed proposal as the WAL stores it (as [`encode_signed_vote`]).
pub fn encode_signed_proposal(p: &SignedProposal, out: &mut Vec<u8>) {
    out.extend_from_slice(&p.proposal.sign_bytes());
    let mut sig = [0u8; SIGNATURE_LEN];
    let n = p.signature.len().min(SIGNATURE_LEN);
    sig[..n].copy_from_slice(&p.signature[..n]);
    out.extend_from_slice(&sig);
}

/// Inverse of [`encode_signed_proposal`].
pub fn decode_signed_proposal(b: &[u8]) -> Result<SignedProposal, WireFormatError> {
    if b.len() != PROPOSAL_MSG_LEN {
        return Err(WireFormatError::Length { what: "signed proposal", len: b.len(), expected: PROPOSAL_MSG_LEN });
    }
    Ok(SignedProposal {
        proposal: parse_proposal_sign_bytes(&b[..PROPOSAL_SIGN_BYTES_LEN])?,
        signature: b[PROPOSAL_SIGN_BYTES_LEN..].to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nil_votes_and_votes_for_a_value_parse_back() {
        let nil = Vote { vote_type: VoteType::Prevote, height: 3, round: 0, value: None, validator: [2; 32] };
        assert_eq!(parse_vote_sign_bytes(&nil.sign_bytes()), Ok(nil));
        let some = Vote { vote_type: VoteType::Precommit, height: u64::MAX, round: u32::MAX, value: Some([4; 32]), validator: [5; 32] };
        assert_eq!(parse_vote_sign_bytes(&some.sign_bytes()), Ok(some));
    }

    #[test]
    fn a_nil_vote_with_value_bytes_is_refused_as_a_second_encoding() {
        let nil = Vote { vote_type: VoteType::Prevote, height: 3, round: 0, value: None, validator: [2; 32] };
        let mut bytes = nil.sign_bytes();
        bytes[20] = 1;
        assert_eq!(parse_vote_sign_bytes(&bytes), Err(WireFormatError::Flag { what: "vote has_value", flag: 0 }));
        bytes[13] = 2;
        assert_eq!(parse_vote_sign_bytes(&bytes), Err(WireFormatError::Flag { what: "vote has_value", flag: 2 }));
    }

    #[test]
    fn a_proposal_without_a_pol_round_but_with_pol_bytes_is_refused_as_a_second_encoding() {
        let proposal = Proposal { height: 6, round: 0, pol_round: None, value: [1; 32], proposer: [2; 32] };
        let mut bytes = proposal.sign_bytes();
        assert_eq!(parse_proposal_sign_bytes(&bytes), Ok(proposal));
        bytes[17] = 6;
        // Found by the decode_gossip fuzzer.
        assert_eq!(parse_proposal_sign_bytes(&bytes), Err(WireFormatError::Flag { what: "proposal has_pol", flag: 0 }));
    }

    #[test]
    fn unknown_type_tags_are_refused() {
        let vote = Vote { vote_type: VoteType::Prevote, height: 1, round: 0, value: None, validator: [2; 32] };
        let mut bytes = vote.sign_bytes();
        bytes[0] = 0x03;
        assert_eq!(parse_vote_sign_bytes(&bytes), Err(WireFormatError::Tag { what: "vote type", tag: 0x03 }));
        let proposal = Proposal { height: 1, round: 0, pol_round: None, value: [1; 32], proposer: [2; 32] };
        let mut bytes = proposal.sign_bytes();
        bytes[0] = 0x01;
        assert_eq!(parse_proposal_sign_bytes(&bytes), Err(WireFormatError::Tag { what: "proposal", tag: 0x01 }));
    }

    #[test]
    fn a_signed_vote_keeps_the_wal_layout() {
        let vote = Vote { vote_type: VoteType::Precommit, height: 9, round: 2, value: Some([3; 32]), validator: [7; 32] };
        let signed = SignedVote { vote, signature: vec![8; SIGNATURE_LEN] };
        let mut bytes = Vec::new();
        encode_signed_vote(&signed, &mut bytes);
        assert_eq!(bytes.len(), VOTE_MSG_LEN);
        assert_eq!(&bytes[..VOTE_SIGN_BYTES_LEN], &vote.sign_bytes()[..]);
        assert_eq!(decode_signed_vote(&bytes), Ok(signed));
    }
}
