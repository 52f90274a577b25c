//! Every wire type survives encode then decode unchanged (proptest).

mod common;

use common::{block, cert, key, CHAIN};
use ledger::block::decode_block;
use ledger::certificate::decode_certificate;
use ledger::consensus_msg::{decode_proposal, decode_vote, encode_proposal, encode_vote};
use ledger::sync::{decode_sync_request, decode_sync_response};
use ledger::tx::{decode_tx, encode_tx};
use ledger::wire::{CommittedBlock, SignStep, SignerState, SyncRequest, SyncResponse, VoteType};
use market_runtime::{HouseholdKind, HouseholdSpec, MeterReading, Side, Tx, TxBody};
use prost::Message;
use proptest::prelude::*;

fn address() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

fn body() -> impl Strategy<Value = TxBody> {
    prop_oneof![
        (any::<u64>(), any::<u64>(), any::<u64>(), any::<u64>(), any::<bool>(), "[a-zA-Z0-9 -]{0,64}", proptest::option::of(address())).prop_map(
            |(pv, bwh, bw, imp, villa, lot, node_key)| TxBody::RegisterHousehold(HouseholdSpec {
                pv_capacity_w: pv,
                battery_wh: bwh,
                battery_w: bw,
                import_limit_w: imp,
                kind: if villa { HouseholdKind::Villa } else { HouseholdKind::Flat },
                lot,
                node_key,
            })
        ),
        address().prop_map(|household| TxBody::ApproveHousehold { household }),
        (address(), "\\PC{0,60}").prop_map(|(household, reason)| TxBody::RejectHousehold { household, reason }),
        Just(TxBody::OpenMarket),
        Just(TxBody::CloseMarket),
        (any::<u64>(), any::<bool>(), any::<u64>(), proptest::option::of(any::<[u64; 4]>()), proptest::option::of(any::<u64>())).prop_map(
            |(slot, buy, quantity_wh, meter, limit_price)| TxBody::Bid {
                slot,
                side: if buy { Side::Buy } else { Side::Sell },
                quantity_wh,
                meter: meter.map(|[generation_wh, load_wh, battery_soc_wh, battery_capacity_wh]| MeterReading {
                    generation_wh,
                    load_wh,
                    battery_soc_wh,
                    battery_capacity_wh,
                }),
                limit_price,
            }
        ),
        (address(), any::<u64>()).prop_map(|(to, amount)| TxBody::Transfer { to, amount }),
        (any::<u64>(), any::<[u64; 4]>()).prop_map(|(slot, [generation_wh, load_wh, battery_soc_wh, battery_capacity_wh])| TxBody::MeterReport {
            slot,
            reading: MeterReading { generation_wh, load_wh, battery_soc_wh, battery_capacity_wh },
        }),
        (address(), any::<u64>(), proptest::option::of(address()))
            .prop_map(|(validator, power, node_key)| TxBody::ValidatorUpdate { validator, power, node_key }),
    ]
}

proptest! {
    #[test]
    fn every_transaction_body_round_trips(seed in any::<[u8; 32]>(), nonce in any::<u64>(), body in body()) {
        let keypair = ledger::sign::Keypair::from_seed(&seed);
        let tx = Tx { sender: keypair.public(), nonce, body };
        let bytes = encode_tx(&keypair, CHAIN, &tx).expect("non-evidence bodies encode");
        let verified = decode_tx(&bytes, CHAIN).expect("own transaction decodes");
        prop_assert_eq!(verified.tx, tx);
        prop_assert_eq!(verified.bytes, bytes.clone());
        prop_assert_eq!(verified.hash, ledger::hash::sha256(&bytes));
    }

    #[test]
    fn votes_round_trip(height in any::<u64>(), round in any::<u32>(), hash in proptest::option::of(any::<[u8; 32]>()), precommit in any::<bool>()) {
        let keypair = key(9);
        let vote_type = if precommit { VoteType::Precommit } else { VoteType::Prevote };
        let bytes = encode_vote(&keypair, CHAIN, vote_type, height, round, hash.as_ref());
        let vote = decode_vote(&bytes, CHAIN).expect("own vote decodes");
        prop_assert_eq!(vote.validator, keypair.public());
        prop_assert_eq!(vote.vote_type, vote_type);
        prop_assert_eq!((vote.height, vote.round, vote.block_hash), (height, round, hash));
    }

    #[test]
    fn proposals_round_trip(height in 1u64..1_000_000, round in 1u32..100, pol in proptest::option::of(0u32..1), ntx in 0usize..20) {
        let proposer = key(1);
        let sender = key(50);
        let txs = (0..ntx as u64).map(|n| common::bid_tx(&sender, n, height)).collect();
        let block = block(height, [3; 32], txs, [4; 32]);
        let bytes = encode_proposal(&proposer, CHAIN, round, pol, block.clone());
        let proposal = decode_proposal(&bytes, CHAIN).expect("own proposal decodes");
        prop_assert_eq!(proposal.block, block);
        prop_assert_eq!((proposal.height, proposal.round, proposal.pol_round), (height, round, pol));
        prop_assert_eq!(proposal.proposer, proposer.public());
    }

    #[test]
    fn blocks_and_certificates_round_trip(height in 1u64..u64::MAX, ntx in 0usize..30, round in any::<u32>(), signers in proptest::sample::subsequence(vec![0usize, 1, 2, 3], 0..=4)) {
        let sender = key(51);
        let txs = (0..ntx as u64).map(|n| common::bid_tx(&sender, n, 7)).collect();
        let block = block(height, [1; 32], txs, [2; 32]);
        let decoded = decode_block(&block.encode_to_vec(), CHAIN).expect("own block decodes");
        prop_assert_eq!(decoded.hash(), block.hash());
        prop_assert_eq!(&decoded, &block);
        let certificate = cert(&block, round, &signers);
        prop_assert_eq!(decode_certificate(&certificate.encode_to_vec()).expect("own certificate decodes"), certificate);
    }

    #[test]
    fn sync_messages_round_trip(from in 1u64..u64::MAX / 2, max in 1u32..=64, n in 0u64..4) {
        let request = SyncRequest { from_height: from, max_blocks: max };
        prop_assert_eq!(decode_sync_request(&request.encode_to_vec()).expect("request decodes"), request);
        let mut prev = [0u8; 32];
        let mut blocks = Vec::new();
        for height in from..from + n {
            let b = block(height, prev, vec![], [0; 32]);
            prev = b.hash();
            blocks.push(CommittedBlock { certificate: Some(cert(&b, 0, &[0, 1, 2])), block: Some(b) });
        }
        let response = SyncResponse { blocks, latest_height: from + n };
        prop_assert_eq!(decode_sync_response(&response.encode_to_vec(), CHAIN).expect("response decodes"), response);
    }

    #[test]
    fn signer_state_round_trips(height in any::<u64>(), round in any::<u32>(), step in 0i32..4, hash in any::<[u8; 32]>()) {
        let state = SignerState { height, round, step, payload_hash: hash.to_vec() };
        prop_assert!(SignStep::try_from(step).is_ok());
        prop_assert_eq!(SignerState::decode(state.encode_to_vec().as_slice()).expect("decodes"), state);
    }
}

#[test]
fn header_hash_is_stable_across_encode_and_decode() {
    let b = block(5, [9; 32], vec![], [8; 32]);
    let header = b.header.clone().expect("built with a header");
    let again = ledger::block::Header::decode(header.encode_to_vec().as_slice()).expect("decodes");
    assert_eq!(header.hash(), again.hash());
    let mut changed = header.clone();
    changed.time_ms += 1;
    assert_ne!(changed.hash(), header.hash());
}

#[test]
fn evidence_of_two_conflicting_votes_round_trips() {
    let validator = key(2);
    let reporter = key(3);
    let first = encode_vote(&validator, CHAIN, VoteType::Prevote, 10, 1, Some(&[1; 32]));
    let second = encode_vote(&validator, CHAIN, VoteType::Prevote, 10, 1, Some(&[2; 32]));
    let bytes = ledger::tx::encode_evidence_tx(&reporter, CHAIN, 4, &first, &second).expect("conflicting votes are evidence");
    let verified = decode_tx(&bytes, CHAIN).expect("evidence decodes");
    assert_eq!(verified.tx.body, TxBody::Evidence { validator: validator.public(), height: 10, round: 1 });
    assert_eq!(verified.tx.sender, reporter.public());
    assert_eq!(verified.tx.nonce, 4);
}
