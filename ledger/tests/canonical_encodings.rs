//! Scenario: a hostile peer or client re-wraps valid messages with junk the decoder used to
//! skip (unknown fields, repeated fields, default values written out, overlong varints), to
//! pad blocks past the gossip limit or to give one transaction a second id. Every decoder
//! refuses bytes that do not re-encode identically, naming the message.

mod common;

use common::{bid_tx, block, cert, key, CHAIN};
use ledger::block::decode_block;
use ledger::certificate::decode_certificate;
use ledger::consensus_msg::{decode_proposal, decode_vote};
use ledger::envelope::seal;
use ledger::limits::MAX_TX_BYTES;
use ledger::sync::{decode_sync_request, decode_sync_response};
use ledger::tx::{decode_tx, verify_batch};
use ledger::wire::{CommittedBlock, EnvelopeKind, Proposal, SyncResponse, Transaction, Vote, VoteType};
use ledger::WireError;
use prost::Message;

/// An unknown length-delimited field (number 100, in none of the messages) carrying `len`
/// junk bytes.
fn junk_field(len: usize) -> Vec<u8> {
    let mut field = Vec::new();
    prost::encoding::encode_key(100, prost::encoding::WireType::LengthDelimited, &mut field);
    prost::encoding::encode_varint(len as u64, &mut field);
    field.extend(std::iter::repeat_n(0x5a, len));
    field
}

fn non_canonical_what(err: WireError) -> &'static str {
    match err {
        WireError::NonCanonical { what, .. } => what,
        other => panic!("expected NonCanonical, got {other}"),
    }
}

#[test]
fn transaction_envelope_padded_by_a_relayer_to_almost_4_kib_is_refused() {
    let tx = bid_tx(&key(9), 0, 3);
    assert!(decode_tx(&tx, CHAIN).is_ok());
    let mut padded = tx.clone();
    padded.extend(junk_field(3_900));
    assert!(padded.len() <= MAX_TX_BYTES, "the padding stays inside the size limit");
    assert_eq!(non_canonical_what(decode_tx(&padded, CHAIN).unwrap_err()), "envelope");
    let err = verify_batch(&[tx.as_slice(), padded.as_slice()], CHAIN).unwrap_err();
    assert_eq!((err.index, non_canonical_what(err.error)), (1, "envelope"));
}

#[test]
fn transaction_payload_padded_and_signed_by_its_own_sender_is_refused() {
    let tx = bid_tx(&key(9), 0, 3);
    let envelope = ledger::wire::SignedEnvelope::decode(tx.as_slice()).unwrap();
    let mut payload = envelope.payload.clone();
    payload.extend(junk_field(3_000));
    let padded = seal(&key(9), EnvelopeKind::Transaction, CHAIN, payload);
    assert_eq!(non_canonical_what(decode_tx(&padded, CHAIN).unwrap_err()), "transaction");
}

#[test]
fn transaction_with_its_nonce_written_twice_is_refused() {
    let transaction = Transaction::decode(
        ledger::wire::SignedEnvelope::decode(bid_tx(&key(9), 5, 3).as_slice()).unwrap().payload.as_slice(),
    )
    .unwrap();
    let mut payload = transaction.encode_to_vec();
    payload.extend([0x10, 0x05]);
    let twice = seal(&key(9), EnvelopeKind::Transaction, CHAIN, payload);
    assert_eq!(non_canonical_what(decode_tx(&twice, CHAIN).unwrap_err()), "transaction");
}

#[test]
fn vote_with_a_default_round_written_out_is_refused() {
    let vote = Vote { chain_id: CHAIN.into(), vote_type: VoteType::Prevote as i32, height: 4, round: 0, block_hash: vec![1; 32] };
    let canonical = seal(&key(2), EnvelopeKind::Prevote, CHAIN, vote.encode_to_vec());
    assert!(decode_vote(&canonical, CHAIN).is_ok());
    // Field 4 (round) written as 0, between fields 3 and 5 where an encoder would put it.
    let mut payload = Vec::new();
    payload.extend(Vote { block_hash: Vec::new(), ..vote.clone() }.encode_to_vec());
    payload.extend([0x20, 0x00, 0x2a, 0x20]);
    payload.extend([1; 32]);
    assert_eq!(Vote::decode(payload.as_slice()).unwrap(), vote);
    let written_out = seal(&key(2), EnvelopeKind::Prevote, CHAIN, payload);
    assert_eq!(non_canonical_what(decode_vote(&written_out, CHAIN).unwrap_err()), "vote");
}

#[test]
fn proposal_with_its_height_as_an_overlong_varint_is_refused() {
    let proposal = Proposal { chain_id: CHAIN.into(), height: 1, round: 0, pol_round: -1, block: Some(block(1, [0; 32], Vec::new(), [0; 32])) };
    let canonical = proposal.encode_to_vec();
    assert!(decode_proposal(&seal(&key(1), EnvelopeKind::Proposal, CHAIN, canonical.clone()), CHAIN).is_ok());
    // chain_id is field 1 (2 + 15 bytes), then height 1 as 0x10 0x01: write it as 0x10 0x81 0x00.
    let at = 2 + CHAIN.len();
    assert_eq!(&canonical[at..at + 2], &[0x10, 0x01]);
    let mut payload = canonical[..at].to_vec();
    payload.extend([0x10, 0x81, 0x00]);
    payload.extend(&canonical[at + 2..]);
    let overlong = seal(&key(1), EnvelopeKind::Proposal, CHAIN, payload);
    assert_eq!(non_canonical_what(decode_proposal(&overlong, CHAIN).unwrap_err()), "proposal");
}

#[test]
fn block_and_certificate_with_junk_fields_are_refused() {
    let first = block(1, [0; 32], vec![bid_tx(&key(9), 0, 1)], [0; 32]);
    let mut bytes = first.encode_to_vec();
    assert!(decode_block(&bytes, CHAIN).is_ok());
    bytes.extend(junk_field(100));
    assert_eq!(non_canonical_what(decode_block(&bytes, CHAIN).unwrap_err()), "block");
    let mut cert_bytes = cert(&first, 0, &[0, 1, 2]).encode_to_vec();
    assert!(decode_certificate(&cert_bytes).is_ok());
    cert_bytes.extend(junk_field(10));
    assert_eq!(non_canonical_what(decode_certificate(&cert_bytes).unwrap_err()), "certificate");
}

#[test]
fn sync_messages_with_junk_fields_are_refused() {
    let mut request = ledger::wire::SyncRequest { from_height: 1, max_blocks: 4 }.encode_to_vec();
    request.extend([0x18, 0x01]);
    assert_eq!(non_canonical_what(decode_sync_request(&request).unwrap_err()), "sync request");
    let first = block(1, [0; 32], Vec::new(), [0; 32]);
    let committed = CommittedBlock { certificate: Some(cert(&first, 0, &[0, 1, 2])), block: Some(first) };
    let mut response = SyncResponse { blocks: vec![committed], latest_height: 1 }.encode_to_vec();
    assert!(decode_sync_response(&response, CHAIN).is_ok());
    response.extend(junk_field(64));
    assert_eq!(non_canonical_what(decode_sync_response(&response, CHAIN).unwrap_err()), "sync response");
}
