//! Scenario: consensus gossip (`ConsensusGossip`, gossip.proto) as a peer may send it. Every
//! variant the node sends decodes back to itself byte for byte; bytes that are empty, too
//! long, padded, of an unknown kind, or with sign bytes or signatures of the wrong length
//! are refused with the reason named.

use consensus::{Evidence, Proposal, SignDomain, SignedProposal, SignedVote, Signer, Vote, VoteType};
use ledger::limits::{MAX_BLOCK_BYTES, MAX_CONSENSUS_GOSSIP_BYTES};
use ledger::sign::Keypair;
use ledger::wire::{self, consensus_gossip, ConsensusGossip};
use ledger::WireError;
use node_core::consensus_wire::{GossipMessage, LedgerSigner, WireFormatError};
use prost::Message as _;

fn signer(n: u8) -> LedgerSigner {
    LedgerSigner { keypair: Keypair::from_seed(&[n; 32]), chain_id: "gossip-chain".into() }
}

fn vote(n: u8, vote_type: VoteType, value: Option<[u8; 32]>) -> SignedVote {
    let s = signer(n);
    let vote = Vote { vote_type, height: 7, round: 1, value, validator: s.keypair.public() };
    SignedVote { signature: s.sign(vote_type.domain(), &vote.sign_bytes()), vote }
}

fn proposal(n: u8, pol_round: Option<u32>) -> SignedProposal {
    let s = signer(n);
    let proposal = Proposal { height: 7, round: 2, pol_round, value: [9; 32], proposer: s.keypair.public() };
    SignedProposal { signature: s.sign(SignDomain::Proposal, &proposal.sign_bytes()), proposal }
}

fn every_variant() -> Vec<GossipMessage> {
    vec![
        GossipMessage::Vote(vote(1, VoteType::Prevote, Some([3; 32]))),
        GossipMessage::Vote(vote(2, VoteType::Precommit, None)),
        GossipMessage::Proposal(proposal(3, Some(1)), vec![0x0a, 0x02, 0x08, 0x07]),
        GossipMessage::Evidence(Evidence::ConflictingVotes(
            vote(4, VoteType::Prevote, Some([1; 32])),
            vote(4, VoteType::Prevote, Some([2; 32])),
        )),
        GossipMessage::Evidence(Evidence::ConflictingProposals(proposal(5, None), proposal(5, Some(0)))),
    ]
}

/// A vote message with the given raw fields, as any protobuf encoder would write it.
fn raw_vote(sign_bytes: Vec<u8>, signature: Vec<u8>) -> Vec<u8> {
    let vote = wire::SignedVote { sign_bytes, signature };
    ConsensusGossip { message: Some(consensus_gossip::Message::Vote(vote)) }.encode_to_vec()
}

fn framing(bytes: &[u8]) -> WireError {
    match GossipMessage::decode(bytes) {
        Err(WireFormatError::Framing(e)) => e,
        other => panic!("expected a framing error, got {other:?}"),
    }
}

#[test]
fn every_variant_round_trips_byte_for_byte() {
    for message in every_variant() {
        let bytes = message.encode();
        let back = GossipMessage::decode(&bytes).expect("decodes");
        assert_eq!(back, message);
        assert_eq!(back.encode(), bytes);
    }
}

#[test]
fn a_proposal_with_the_largest_block_passes_and_the_message_stays_inside_its_limit() {
    let message = GossipMessage::Proposal(proposal(3, None), vec![7; MAX_BLOCK_BYTES]);
    let bytes = message.encode();
    assert!(bytes.len() <= MAX_CONSENSUS_GOSSIP_BYTES, "{} bytes", bytes.len());
    assert_eq!(GossipMessage::decode(&bytes), Ok(message));
}

#[test]
fn empty_bytes_are_a_message_without_its_one_field() {
    assert_eq!(framing(&[]), WireError::Missing { what: "consensus gossip", field: "message" });
}

#[test]
fn an_unknown_oneof_field_is_refused() {
    // Field 5, length-delimited, two bytes: a kind of message this version does not know.
    assert!(matches!(framing(&[0x2a, 0x02, 0x08, 0x01]), WireError::NonCanonical { len: 4, canonical_len: 0, .. }));
}

#[test]
fn sign_bytes_of_the_wrong_length_are_refused() {
    let short = raw_vote(vec![1; 77], vec![0; 64]);
    assert_eq!(framing(&short), WireError::Length { what: "vote", field: "sign_bytes", len: 77, expected: 78 });
    // Evidence whose second proposal's sign bytes are one byte too long.
    let evidence = GossipMessage::Evidence(Evidence::ConflictingProposals(proposal(5, None), proposal(5, Some(0))));
    let mut bytes = ConsensusGossip::decode(evidence.encode().as_slice()).expect("decodes");
    if let Some(consensus_gossip::Message::ProposalEvidence(e)) = &mut bytes.message {
        e.second.as_mut().expect("present").sign_bytes.push(0);
    }
    assert_eq!(
        framing(&bytes.encode_to_vec()),
        WireError::Length { what: "proposal evidence: second", field: "sign_bytes", len: 83, expected: 82 }
    );
}

#[test]
fn signatures_of_the_wrong_length_are_refused() {
    let sign_bytes = vote(1, VoteType::Prevote, None).vote.sign_bytes().to_vec();
    let short = raw_vote(sign_bytes.clone(), vec![0; 63]);
    assert_eq!(framing(&short), WireError::Length { what: "vote", field: "signature", len: 63, expected: 64 });
    // An empty signature is the field left out.
    let missing = raw_vote(sign_bytes, Vec::new());
    assert_eq!(framing(&missing), WireError::Length { what: "vote", field: "signature", len: 0, expected: 64 });
    let empty_signer = GossipMessage::Vote(SignedVote { signature: Vec::new(), ..vote(1, VoteType::Prevote, None) });
    assert!(GossipMessage::decode(&empty_signer.encode()).is_err(), "what encodes with a bad signature does not decode");
}

#[test]
fn oversize_bytes_are_refused_before_decoding() {
    let bytes = vec![0u8; MAX_CONSENSUS_GOSSIP_BYTES + 1];
    assert_eq!(
        framing(&bytes),
        WireError::Oversize { what: "consensus gossip", len: MAX_CONSENSUS_GOSSIP_BYTES + 1, max: MAX_CONSENSUS_GOSSIP_BYTES }
    );
}

#[test]
fn a_field_written_twice_is_refused_as_not_canonical() {
    let once = GossipMessage::Vote(vote(1, VoteType::Prevote, Some([3; 32]))).encode();
    let twice = [once.as_slice(), once.as_slice()].concat();
    assert!(matches!(framing(&twice), WireError::NonCanonical { .. }));
}

#[test]
fn a_padded_length_varint_is_refused_as_not_canonical() {
    let bytes = GossipMessage::Vote(vote(1, VoteType::Prevote, None)).encode();
    // Key 0x0a, then the vote's length (146) in two bytes; write it in three.
    assert_eq!(&bytes[..3], &[0x0a, 0x92, 0x01]);
    let padded = [&[0x0a, 0x92, 0x81, 0x00][..], &bytes[3..]].concat();
    assert!(matches!(framing(&padded), WireError::NonCanonical { first_difference: 2, .. }));
}

#[test]
fn trailing_garbage_is_refused() {
    let bytes = GossipMessage::Proposal(proposal(3, None), vec![1, 2, 3]).encode();
    let zero = [bytes.as_slice(), &[0x00]].concat();
    assert!(matches!(framing(&zero), WireError::Malformed { .. }), "field number 0 does not exist");
    let unknown = [bytes.as_slice(), &[0x28, 0x01]].concat();
    assert!(matches!(framing(&unknown), WireError::NonCanonical { .. }));
}

#[test]
fn a_proposal_without_its_block_is_refused() {
    let bytes = GossipMessage::Proposal(proposal(3, None), Vec::new()).encode();
    assert_eq!(framing(&bytes), WireError::Missing { what: "proposal", field: "block" });
}

#[test]
fn sign_bytes_of_the_right_length_but_a_second_encoding_are_refused() {
    let mut sign_bytes = vote(1, VoteType::Prevote, None).vote.sign_bytes().to_vec();
    // A nil vote (has_value 0) with a non-zero byte where the value would be.
    sign_bytes[20] = 1;
    let bytes = raw_vote(sign_bytes.clone(), vec![0; 64]);
    assert_eq!(GossipMessage::decode(&bytes), Err(WireFormatError::Flag { what: "vote has_value", flag: 0 }));
    sign_bytes[0] = 0x03;
    let bytes = raw_vote(sign_bytes, vec![0; 64]);
    assert_eq!(GossipMessage::decode(&bytes), Err(WireFormatError::Tag { what: "vote type", tag: 0x03 }));
}
