//! Scenario: a hostile proposer or sync peer sends messages whose numbers sit at the edge of
//! their types (heights u64::MAX, rounds u32::MAX). Decoding and checking must refuse or
//! accept them with a typed error, never panic (the tests run with overflow checks on).

mod common;

use common::{block, cert, cert_for, key, validator_set, validators, CHAIN};
use ledger::block::{decode_block, last_commit_hash, Block};
use ledger::certificate::verify_certificate;
use ledger::consensus_msg::{decode_proposal, decode_vote, encode_proposal, encode_vote};
use ledger::sync::decode_sync_response;
use ledger::wire::{CommittedBlock, SyncResponse, VoteType};
use ledger::WireError;
use prost::Message;

/// A block at `height` whose last commit claims `cert_height`, with the header binding it.
fn block_with_last_commit_at(height: u64, cert_height: u64) -> Block {
    let mut b = block(height, [4; 32], Vec::new(), [0; 32]);
    let last_commit = cert_for(cert_height, &[4; 32], 0, &[0, 1, 2]);
    let header = b.header.as_mut().expect("header");
    header.last_commit_hash = last_commit_hash(Some(&last_commit)).to_vec();
    b.last_commit = Some(last_commit);
    b
}

fn is_last_commit_refusal(err: &WireError) -> bool {
    matches!(err, WireError::Field { what: "block", field: "last_commit", .. })
}

#[test]
fn block_whose_last_commit_claims_height_u64_max_is_refused_not_a_panic() {
    // The fuzzer's find (ledger/fuzz, decode_block): `cert.height + 1` overflowed.
    let bytes = block_with_last_commit_at(5, u64::MAX).encode_to_vec();
    let err = decode_block(&bytes, CHAIN).unwrap_err();
    assert!(is_last_commit_refusal(&err), "{err}");
}

#[test]
fn proposal_and_sync_response_carrying_that_block_are_refused_too() {
    let hostile = block_with_last_commit_at(5, u64::MAX);
    let proposal = encode_proposal(&key(1), CHAIN, 0, None, hostile.clone());
    let err = decode_proposal(&proposal, CHAIN).unwrap_err();
    assert!(is_last_commit_refusal(&err), "{err}");
    let committed = CommittedBlock { certificate: Some(cert(&hostile, 0, &[0, 1, 2])), block: Some(hostile) };
    let response = SyncResponse { blocks: vec![committed], latest_height: u64::MAX }.encode_to_vec();
    let err = decode_sync_response(&response, CHAIN).unwrap_err();
    assert!(is_last_commit_refusal(&err), "{err}");
}

#[test]
fn block_at_height_u64_max_decodes_and_a_sync_response_ending_there_has_no_next_height() {
    let last = block(u64::MAX, [4; 32], Vec::new(), [0; 32]);
    assert_eq!(decode_block(&last.encode_to_vec(), CHAIN).map(|b| b.height()), Ok(u64::MAX));
    let before = block(u64::MAX - 1, [3; 32], Vec::new(), [0; 32]);
    let blocks = [before, last]
        .into_iter()
        .map(|b| CommittedBlock { certificate: Some(cert(&b, u32::MAX, &[0, 1, 2])), block: Some(b) })
        .collect();
    let response = SyncResponse { blocks, latest_height: u64::MAX }.encode_to_vec();
    // The heights do not follow (the second block's parent is not the first), but they ascend
    // by one: the response decodes; chaining is checked by the node against its store.
    assert_eq!(decode_sync_response(&response, CHAIN).map(|r| r.blocks.len()), Ok(2));
}

#[test]
fn vote_and_proposal_at_height_u64_max_and_round_u32_max_decode() {
    let vote = encode_vote(&key(2), CHAIN, VoteType::Precommit, u64::MAX, u32::MAX, Some(&[9; 32]));
    let decoded = decode_vote(&vote, CHAIN).expect("decodes");
    assert_eq!((decoded.height, decoded.round), (u64::MAX, u32::MAX));
    let last = block(u64::MAX, [4; 32], Vec::new(), [0; 32]);
    let proposal = encode_proposal(&key(1), CHAIN, u32::MAX, Some(u32::MAX - 1), last);
    let decoded = decode_proposal(&proposal, CHAIN).expect("decodes");
    assert_eq!((decoded.height, decoded.round, decoded.pol_round), (u64::MAX, u32::MAX, Some(u32::MAX - 1)));
}

#[test]
fn certificate_at_height_u64_max_with_powers_of_u64_max_verifies_without_overflow() {
    let keys = validators();
    let powers: Vec<([u8; 32], u64)> = validator_set(&keys).into_iter().map(|(id, _)| (id, u64::MAX)).collect();
    let hash = [8; 32];
    let certificate = cert_for(u64::MAX, &hash, u32::MAX, &[0, 1, 2]);
    let signed = verify_certificate(&certificate, CHAIN, u64::MAX, &hash, &powers).expect("three of four sign");
    assert_eq!(signed, 3 * u128::from(u64::MAX));
}
