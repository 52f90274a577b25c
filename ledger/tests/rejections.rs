//! Every way bytes from the network are refused, each with its typed error.

mod common;

use common::{bid_tx, block, cert, cert_for, key, validator_set, validators, CHAIN};
use ledger::block::decode_block;
use ledger::certificate::{decode_certificate, verify_certificate, CertError};
use ledger::consensus_msg::{decode_proposal, decode_vote, encode_proposal, encode_vote};
use ledger::envelope::seal;
use ledger::limits::*;
use ledger::sign::{Domain, SignError};
use ledger::sync::{decode_sync_request, decode_sync_response};
use ledger::tx::{check_nonce, decode_tx, encode_evidence_tx, encode_tx, verify_batch};
use ledger::wire::{self, EnvelopeKind, SignedEnvelope, SyncRequest, Transaction, VoteType};
use ledger::WireError;
use market_runtime::{Tx, TxBody};
use prost::Message;

fn envelope(bytes: &[u8]) -> SignedEnvelope {
    SignedEnvelope::decode(bytes).expect("test envelopes decode")
}

fn sealed_transaction(transaction: Transaction) -> Vec<u8> {
    seal(&key(1), EnvelopeKind::Transaction, CHAIN, transaction.encode_to_vec())
}

#[test]
fn garbage_bytes_are_malformed() {
    let err = decode_tx(&[0xff, 0xff, 0xff], CHAIN).unwrap_err();
    assert!(matches!(err, WireError::Malformed { what: "envelope", .. }), "{err}");
}

#[test]
fn oversize_transaction_is_refused_before_decoding() {
    let err = decode_tx(&vec![0u8; MAX_TX_BYTES + 1], CHAIN).unwrap_err();
    assert_eq!(err, WireError::Oversize { what: "envelope", len: MAX_TX_BYTES + 1, max: MAX_TX_BYTES });
}

#[test]
fn unknown_envelope_kind_is_refused() {
    let mut env = envelope(&bid_tx(&key(1), 0, 1));
    env.kind = 99;
    let err = decode_tx(&env.encode_to_vec(), CHAIN).unwrap_err();
    assert_eq!(err, WireError::UnknownKind { what: "envelope", value: 99 });
    env.kind = 0;
    let err = decode_tx(&env.encode_to_vec(), CHAIN).unwrap_err();
    assert_eq!(err, WireError::UnknownKind { what: "envelope", value: 0 });
}

#[test]
fn vote_envelope_is_not_a_transaction() {
    let vote = encode_vote(&key(1), CHAIN, VoteType::Prevote, 1, 0, None);
    let err = decode_tx(&vote, CHAIN).unwrap_err();
    assert_eq!(err, WireError::WrongKind { expected: "transaction", got: "prevote" });
}

#[test]
fn transaction_of_another_chain_is_refused() {
    let bytes = bid_tx(&key(1), 0, 1);
    let err = decode_tx(&bytes, "other-chain").unwrap_err();
    assert_eq!(err, WireError::WrongChainId { expected: "other-chain".into(), got: CHAIN.into() });
}

#[test]
fn signature_with_another_chain_id_in_the_hash_is_bad() {
    // Payload says CHAIN but the signature was made over another chain id.
    let keypair = key(1);
    let payload = Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(wire::transaction::Body::OpenMarket(wire::OpenMarket {})) }
        .encode_to_vec();
    let bytes = seal(&keypair, EnvelopeKind::Transaction, "other-chain", payload);
    let err = decode_tx(&bytes, CHAIN).unwrap_err();
    assert!(matches!(err, WireError::Signature(SignError::BadSignature { domain: Domain::Transaction, .. })), "{err}");
}

#[test]
fn tampered_payload_fails_the_signature() {
    let mut env = envelope(&bid_tx(&key(1), 0, 1));
    let last = env.payload.len() - 1;
    env.payload[last] ^= 1;
    let err = decode_tx(&env.encode_to_vec(), CHAIN).unwrap_err();
    assert!(matches!(err, WireError::Signature(SignError::BadSignature { .. })), "{err}");
}

#[test]
fn signature_from_another_domain_is_bad() {
    // The same payload signed in the prevote domain, relabelled as a transaction.
    let keypair = key(1);
    let mut env = envelope(&bid_tx(&keypair, 0, 1));
    env.signature = keypair.sign(Domain::Prevote, CHAIN, &env.payload).to_vec();
    let err = decode_tx(&env.encode_to_vec(), CHAIN).unwrap_err();
    assert!(matches!(err, WireError::Signature(SignError::BadSignature { .. })), "{err}");
}

#[test]
fn wrong_lengths_of_key_and_signature_are_refused() {
    let mut env = envelope(&bid_tx(&key(1), 0, 1));
    env.signature.pop();
    assert_eq!(decode_tx(&env.encode_to_vec(), CHAIN).unwrap_err(), WireError::Signature(SignError::SignatureLength(63)));
    let mut env = envelope(&bid_tx(&key(1), 0, 1));
    env.public_key.push(0);
    assert_eq!(decode_tx(&env.encode_to_vec(), CHAIN).unwrap_err(), WireError::Signature(SignError::PublicKeyLength(33)));
}

#[test]
fn weak_public_key_is_refused() {
    let mut env = envelope(&bid_tx(&key(1), 0, 1));
    // The identity point: small order.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    env.public_key = identity.to_vec();
    let err = decode_tx(&env.encode_to_vec(), CHAIN).unwrap_err();
    assert!(matches!(err, WireError::Signature(SignError::PublicKeyWeak(_))), "{err}");
}

#[test]
fn transaction_without_body_is_refused() {
    let bytes = sealed_transaction(Transaction { chain_id: CHAIN.into(), nonce: 0, body: None });
    assert_eq!(decode_tx(&bytes, CHAIN).unwrap_err(), WireError::field("transaction", "body", "is missing"));
}

#[test]
fn unknown_bid_side_and_household_kind_are_refused() {
    let bid = wire::transaction::Body::Bid(wire::Bid { slot: 1, side: 7, quantity_wh: 5, meter: None, limit_price: None });
    let bytes = sealed_transaction(Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(bid) });
    assert_eq!(decode_tx(&bytes, CHAIN).unwrap_err(), WireError::UnknownKind { what: "bid side", value: 7 });
    let register = wire::transaction::Body::RegisterHousehold(wire::RegisterHousehold { kind: 0, ..Default::default() });
    let bytes = sealed_transaction(Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(register) });
    assert_eq!(decode_tx(&bytes, CHAIN).unwrap_err(), WireError::UnknownKind { what: "household", value: 0 });
}

#[test]
fn short_addresses_inside_bodies_are_refused() {
    let transfer = wire::transaction::Body::Transfer(wire::Transfer { to: vec![1; 31], amount: 5 });
    let bytes = sealed_transaction(Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(transfer) });
    assert_eq!(decode_tx(&bytes, CHAIN).unwrap_err(), WireError::field("transaction", "to", "must be 32 bytes, is 31"));
}

#[test]
fn overlong_reason_lot_and_chain_id_are_refused() {
    let reject = wire::transaction::Body::RejectHousehold(wire::RejectHousehold {
        household: vec![1; 32],
        reason: "x".repeat(MAX_REASON_LEN + 1),
    });
    let bytes = sealed_transaction(Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(reject) });
    assert_eq!(
        decode_tx(&bytes, CHAIN).unwrap_err(),
        WireError::Oversize { what: "reason", len: MAX_REASON_LEN + 1, max: MAX_REASON_LEN }
    );
    let register = wire::transaction::Body::RegisterHousehold(wire::RegisterHousehold {
        kind: 1,
        lot: "l".repeat(65),
        ..Default::default()
    });
    let bytes = sealed_transaction(Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(register) });
    assert_eq!(decode_tx(&bytes, CHAIN).unwrap_err(), WireError::Oversize { what: "lot", len: 65, max: 64 });
    let long = "c".repeat(MAX_CHAIN_ID_LEN + 1);
    let bytes = sealed_transaction(Transaction { chain_id: long.clone(), nonce: 0, body: Some(wire::transaction::Body::OpenMarket(wire::OpenMarket {})) });
    assert_eq!(
        decode_tx(&bytes, CHAIN).unwrap_err(),
        WireError::Oversize { what: "chain id", len: MAX_CHAIN_ID_LEN + 1, max: MAX_CHAIN_ID_LEN }
    );
}

#[test]
fn reused_and_skipped_nonces_are_refused() {
    let tx = Tx { sender: [1; 32], nonce: 3, body: TxBody::OpenMarket };
    assert!(check_nonce(3, &tx).is_ok());
    assert!(matches!(check_nonce(4, &tx), Err(WireError::NonceReused { got: 3, expected: 4, .. })));
    assert!(matches!(check_nonce(2, &tx), Err(WireError::NonceGap { got: 3, expected: 2, .. })));
}

#[test]
fn batch_names_the_bad_signature() {
    let sender = key(5);
    let mut txs: Vec<Vec<u8>> = (0..32).map(|n| bid_tx(&sender, n, 1)).collect();
    let mut env = envelope(&txs[17]);
    env.signature[0] ^= 0x01;
    txs[17] = env.encode_to_vec();
    let err = verify_batch(&txs, CHAIN).unwrap_err();
    assert_eq!(err.index, 17);
    assert!(matches!(err.error, WireError::Batch(ref b) if b.index == 17), "{err}");
    txs.remove(17);
    assert_eq!(verify_batch(&txs, CHAIN).expect("the rest verify").len(), 31);
}

#[test]
fn batch_names_a_malformed_transaction() {
    let sender = key(5);
    let txs = vec![bid_tx(&sender, 0, 1), vec![0xff; 3]];
    let err = verify_batch(&txs, CHAIN).unwrap_err();
    assert_eq!(err.index, 1);
}

#[test]
fn evidence_is_refused_by_encode_tx_and_needs_conflict() {
    let tx = Tx { sender: key(1).public(), nonce: 0, body: TxBody::Evidence { validator: [2; 32], height: 1, round: 0 } };
    assert!(matches!(encode_tx(&key(1), CHAIN, &tx), Err(WireError::Field { field: "body", .. })));
    let v = key(2);
    let same_a = encode_vote(&v, CHAIN, VoteType::Prevote, 5, 0, Some(&[1; 32]));
    let same_b = encode_vote(&v, CHAIN, VoteType::Prevote, 5, 0, Some(&[1; 32]));
    assert!(matches!(encode_evidence_tx(&key(1), CHAIN, 0, &same_a, &same_b), Err(WireError::Field { field: "second", .. })));
    let other_round = encode_vote(&v, CHAIN, VoteType::Prevote, 5, 1, Some(&[2; 32]));
    assert!(matches!(encode_evidence_tx(&key(1), CHAIN, 0, &same_a, &other_round), Err(WireError::Field { field: "second", .. })));
    let other_signer = encode_vote(&key(3), CHAIN, VoteType::Prevote, 5, 0, Some(&[2; 32]));
    assert!(matches!(encode_evidence_tx(&key(1), CHAIN, 0, &same_a, &other_signer), Err(WireError::Field { field: "second", .. })));
    // Evidence whose vote signature is forged is refused on decode too.
    let mut forged = envelope(&encode_vote(&v, CHAIN, VoteType::Prevote, 5, 0, Some(&[2; 32])));
    forged.signature[5] ^= 4;
    let body = wire::transaction::Body::EquivocationEvidence(wire::EquivocationEvidence {
        first: Some(envelope(&same_a)),
        second: Some(forged),
    });
    let bytes = sealed_transaction(Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(body) });
    assert!(matches!(decode_tx(&bytes, CHAIN), Err(WireError::Signature(_))));
}

#[test]
fn vote_type_must_match_envelope_kind() {
    let keypair = key(1);
    let vote = wire::Vote { chain_id: CHAIN.into(), vote_type: VoteType::Precommit as i32, height: 1, round: 0, block_hash: vec![] };
    let bytes = seal(&keypair, EnvelopeKind::Prevote, CHAIN, vote.encode_to_vec());
    assert!(matches!(decode_vote(&bytes, CHAIN), Err(WireError::Field { field: "vote_type", .. })));
    let bytes = encode_vote(&keypair, CHAIN, VoteType::Prevote, 1, 0, None);
    assert_eq!(decode_vote(&bytes, "x").unwrap_err(), WireError::WrongChainId { expected: "x".into(), got: CHAIN.into() });
    assert!(matches!(decode_vote(&vec![0; MAX_VOTE_BYTES + 1], CHAIN), Err(WireError::Oversize { .. })));
}

#[test]
fn proposal_signed_by_someone_else_than_the_proposer_is_refused() {
    let b = block(3, [0; 32], vec![], [0; 32]);
    let bytes = encode_proposal(&key(2), CHAIN, 0, None, b);
    assert!(matches!(decode_proposal(&bytes, CHAIN), Err(WireError::Field { field: "block.header.proposer", .. })));
}

#[test]
fn proposal_with_pol_round_not_below_round_is_refused() {
    let b = block(3, [0; 32], vec![], [0; 32]);
    let bytes = encode_proposal(&key(1), CHAIN, 2, Some(2), b);
    assert!(matches!(decode_proposal(&bytes, CHAIN), Err(WireError::Field { field: "pol_round", .. })));
}

#[test]
fn block_with_wrong_txs_root_is_refused() {
    let mut b = block(3, [0; 32], vec![bid_tx(&key(5), 0, 3)], [0; 32]);
    b.txs.push(bid_tx(&key(5), 1, 3));
    assert!(matches!(decode_block(&b.encode_to_vec(), CHAIN), Err(WireError::Field { field: "txs_root", .. })));
}

#[test]
fn block_without_header_or_with_short_hashes_is_refused() {
    let b = wire::Block { header: None, txs: vec![], last_commit: None };
    assert_eq!(decode_block(&b.encode_to_vec(), CHAIN).unwrap_err(), WireError::field("block", "header", "is missing"));
    let mut b = block(3, [0; 32], vec![], [0; 32]);
    if let Some(h) = b.header.as_mut() {
        h.state_root.truncate(5);
    }
    assert_eq!(
        decode_block(&b.encode_to_vec(), CHAIN).unwrap_err(),
        WireError::field("header", "state_root", "must be 32 bytes, is 5")
    );
}

#[test]
fn block_with_too_many_transactions_is_refused_before_decoding() {
    // 20,001 empty transactions: small in bytes, over the count limit.
    let b = wire::Block { header: None, txs: vec![Vec::new(); MAX_BLOCK_TXS + 1], last_commit: None };
    assert_eq!(
        decode_block(&b.encode_to_vec(), CHAIN).unwrap_err(),
        WireError::TooMany { what: "block", items: "transactions", count: MAX_BLOCK_TXS + 1, max: MAX_BLOCK_TXS }
    );
}

#[test]
fn block_above_height_one_without_last_commit_is_refused() {
    let mut b = block(2, [7; 32], vec![], [0; 32]);
    b.last_commit = None;
    assert_eq!(
        decode_block(&b.encode_to_vec(), CHAIN).unwrap_err(),
        WireError::field("block", "last_commit", "is missing at height 2")
    );
}

#[test]
fn first_block_with_a_last_commit_is_refused() {
    let mut b = block(1, [0; 32], vec![], [0; 32]);
    b.last_commit = Some(cert_for(0, &[0; 32], 0, &[0]));
    assert_eq!(
        decode_block(&b.encode_to_vec(), CHAIN).unwrap_err(),
        WireError::field("block", "last_commit", "must be absent at height 1")
    );
}

#[test]
fn last_commit_of_another_parent_or_height_is_refused() {
    let mut other_parent = block(5, [7; 32], vec![], [0; 32]);
    other_parent.last_commit = Some(cert_for(4, &[8; 32], 0, &[0, 1, 2]));
    let err = decode_block(&other_parent.encode_to_vec(), CHAIN).unwrap_err();
    assert!(err.to_string().contains(&format!("commits block {}", hex::encode([8u8; 32]))), "{err}");

    let mut other_height = block(5, [7; 32], vec![], [0; 32]);
    other_height.last_commit = Some(cert_for(3, &[7; 32], 0, &[0, 1, 2]));
    assert_eq!(
        decode_block(&other_height.encode_to_vec(), CHAIN).unwrap_err(),
        WireError::field("block", "last_commit", "is for height 3 but the block is at height 5")
    );
}

#[test]
fn last_commit_the_header_does_not_bind_is_refused() {
    // Swapping the signers after the header was made would change who the mint pays.
    let mut b = block(5, [7; 32], vec![], [0; 32]);
    b.last_commit = Some(cert_for(4, &[7; 32], 0, &[1, 2, 3]));
    let err = decode_block(&b.encode_to_vec(), CHAIN).unwrap_err();
    assert!(err.to_string().contains("last_commit_hash"), "{err}");
}

#[test]
fn certificate_without_two_thirds_is_refused() {
    let keys = validators();
    let set = validator_set(&keys);
    let b = block(3, [0; 32], vec![], [0; 32]);
    let two = cert(&b, 0, &[0, 1]);
    assert_eq!(
        verify_certificate(&two, CHAIN, 3, &b.hash(), &set).unwrap_err(),
        CertError::InsufficientPower { got: 20, total: 40 }
    );
    let three = cert(&b, 0, &[0, 1, 2]);
    assert_eq!(verify_certificate(&three, CHAIN, 3, &b.hash(), &set), Ok(30));
}

#[test]
fn certificate_with_duplicate_unknown_or_forged_signer_is_refused() {
    let keys = validators();
    let set = validator_set(&keys);
    let b = block(3, [0; 32], vec![], [0; 32]);
    let dup = cert(&b, 0, &[0, 1, 1, 2]);
    assert!(matches!(verify_certificate(&dup, CHAIN, 3, &b.hash(), &set), Err(CertError::DuplicateSigner(_))));
    let mut unknown = cert(&b, 0, &[0, 1, 2]);
    unknown.signatures[0].validator = key(77).public().to_vec();
    assert!(matches!(verify_certificate(&unknown, CHAIN, 3, &b.hash(), &set), Err(CertError::UnknownSigner(_))));
    let mut forged = cert(&b, 0, &[0, 1, 2, 3]);
    forged.signatures[2].signature[10] ^= 1;
    match verify_certificate(&forged, CHAIN, 3, &b.hash(), &set) {
        Err(CertError::Wire(WireError::Batch(batch))) => assert_eq!(batch.index, 2),
        other => panic!("expected a batch error naming signature 2, got {other:?}"),
    }
    assert!(matches!(verify_certificate(&forged, CHAIN, 4, &b.hash(), &set), Err(CertError::WrongHeight { .. })));
    assert!(matches!(verify_certificate(&forged, CHAIN, 3, &[0; 32], &set), Err(CertError::WrongBlock { .. })));
}

#[test]
fn certificate_with_too_many_signatures_is_refused_before_decoding() {
    let sigs = vec![wire::CommitSignature::default(); MAX_CERT_SIGNATURES + 1];
    let c = wire::CommitCertificate { height: 1, round: 0, block_hash: vec![], signatures: sigs };
    assert!(matches!(
        decode_certificate(&c.encode_to_vec()),
        Err(WireError::TooMany { count, .. }) if count == MAX_CERT_SIGNATURES + 1
    ));
}

#[test]
fn sync_request_out_of_range_is_refused() {
    let zero = SyncRequest { from_height: 0, max_blocks: 1 };
    assert!(matches!(decode_sync_request(&zero.encode_to_vec()), Err(WireError::Field { field: "from_height", .. })));
    let many = SyncRequest { from_height: 1, max_blocks: 65 };
    assert!(matches!(decode_sync_request(&many.encode_to_vec()), Err(WireError::Field { field: "max_blocks", .. })));
    assert!(matches!(decode_sync_request(&[0u8; MAX_SYNC_REQUEST_BYTES + 1]), Err(WireError::Oversize { .. })));
}

#[test]
fn sync_response_with_gaps_or_too_many_blocks_is_refused() {
    let b1 = block(1, [0; 32], vec![], [0; 32]);
    let b3 = block(3, b1.hash(), vec![], [0; 32]);
    let gap = wire::SyncResponse {
        blocks: vec![
            wire::CommittedBlock { certificate: Some(cert(&b1, 0, &[0])), block: Some(b1.clone()) },
            wire::CommittedBlock { certificate: Some(cert(&b3, 0, &[0])), block: Some(b3) },
        ],
        latest_height: 3,
    };
    assert!(matches!(decode_sync_response(&gap.encode_to_vec(), CHAIN), Err(WireError::Field { field: "blocks", .. })));
    let many = wire::SyncResponse { blocks: vec![wire::CommittedBlock::default(); MAX_SYNC_BLOCKS + 1], latest_height: 0 };
    assert!(matches!(decode_sync_response(&many.encode_to_vec(), CHAIN), Err(WireError::TooMany { items: "blocks", .. })));
    let no_cert = wire::SyncResponse { blocks: vec![wire::CommittedBlock { block: Some(b1), certificate: None }], latest_height: 1 };
    assert!(matches!(decode_sync_response(&no_cert.encode_to_vec(), CHAIN), Err(WireError::Field { field: "blocks.certificate", .. })));
}

#[test]
fn sync_response_hiding_too_many_transactions_in_a_block_is_refused_before_decoding() {
    let fat = wire::Block { header: None, txs: vec![Vec::new(); MAX_BLOCK_TXS + 1], last_commit: None };
    let response = wire::SyncResponse { blocks: vec![wire::CommittedBlock { block: Some(fat), certificate: None }], latest_height: 1 };
    assert!(matches!(
        decode_sync_response(&response.encode_to_vec(), CHAIN),
        Err(WireError::TooMany { items: "transactions", .. })
    ));
}

#[test]
fn proposal_whose_height_disagrees_with_its_block_or_without_block_is_refused() {
    let keypair = key(1);
    let b = block(3, [0; 32], vec![], [0; 32]);
    let proposal = wire::Proposal { chain_id: CHAIN.into(), height: 4, round: 0, pol_round: -1, block: Some(b) };
    let bytes = seal(&keypair, EnvelopeKind::Proposal, CHAIN, proposal.encode_to_vec());
    assert!(matches!(decode_proposal(&bytes, CHAIN), Err(WireError::Field { field: "height", .. })));
    let empty = wire::Proposal { chain_id: CHAIN.into(), height: 4, round: 0, pol_round: -1, block: None };
    let bytes = seal(&keypair, EnvelopeKind::Proposal, CHAIN, empty.encode_to_vec());
    assert_eq!(decode_proposal(&bytes, CHAIN).unwrap_err(), WireError::field("proposal", "block", "is missing"));
    let bad_pol = wire::Proposal { chain_id: CHAIN.into(), height: 3, round: 5, pol_round: -7, block: Some(block(3, [0; 32], vec![], [0; 32])) };
    let bytes = seal(&keypair, EnvelopeKind::Proposal, CHAIN, bad_pol.encode_to_vec());
    assert!(matches!(decode_proposal(&bytes, CHAIN), Err(WireError::Field { field: "pol_round", .. })));
}

#[test]
fn transaction_envelope_is_not_a_proposal_nor_a_vote() {
    let tx = bid_tx(&key(1), 0, 1);
    assert_eq!(decode_proposal(&tx, CHAIN).unwrap_err(), WireError::WrongKind { expected: "proposal", got: "transaction" });
    assert_eq!(decode_vote(&tx, CHAIN).unwrap_err(), WireError::WrongKind { expected: "vote", got: "transaction" });
}

#[test]
fn sync_response_whose_certificate_is_for_another_height_is_refused() {
    let b1 = block(1, [0; 32], vec![], [0; 32]);
    let b2 = block(2, b1.hash(), vec![], [0; 32]);
    let response = wire::SyncResponse {
        blocks: vec![wire::CommittedBlock { certificate: Some(cert(&b2, 0, &[0])), block: Some(b1) }],
        latest_height: 2,
    };
    assert!(matches!(
        decode_sync_response(&response.encode_to_vec(), CHAIN),
        Err(WireError::Field { field: "blocks.certificate.height", .. })
    ));
}

#[test]
fn block_with_an_oversize_transaction_is_refused() {
    let big = vec![0u8; MAX_TX_BYTES + 1];
    let b = block(2, [0; 32], vec![big], [0; 32]);
    assert!(matches!(decode_block(&b.encode_to_vec(), CHAIN), Err(WireError::Field { field: "txs", .. })));
}
