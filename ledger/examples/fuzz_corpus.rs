//! Writes the fuzzers' seed corpus: a few valid encodings per target, from fixed keys, so
//! the fuzzers start past the shape checks. Run from the repository root:
//! `cargo run --release -p ledger --example fuzz_corpus -- ledger/fuzz/corpus`

use std::path::{Path, PathBuf};

use ledger::block::{last_commit_hash, txs_root, validators_hash, Block, Header};
use ledger::certificate::{certificate, precommit_payload};
use ledger::sign::{Domain, Keypair};
use ledger::wire::{CommitCertificate, CommittedBlock, SignerState, SyncRequest, SyncResponse, VoteType};
use ledger::Hash;
use market_runtime::{HouseholdKind, HouseholdSpec, MeterReading, Side, Tx, TxBody};
use prost::Message;

/// The chain id every fuzz target checks against.
const CHAIN: &str = "fuzz-chain";

fn key(n: u8) -> Keypair {
    Keypair::from_seed(&[n; 32])
}

fn tx(keypair: &Keypair, nonce: u64, body: TxBody) -> Vec<u8> {
    let tx = Tx { sender: keypair.public(), nonce, body };
    ledger::tx::encode_tx(keypair, CHAIN, &tx).expect("corpus transactions encode")
}

fn vote(n: u8, vote_type: VoteType, height: u64, round: u32, hash: Option<&Hash>) -> Vec<u8> {
    ledger::consensus_msg::encode_vote(&key(n), CHAIN, vote_type, height, round, hash)
}

fn txs() -> Vec<Vec<u8>> {
    let home = key(10);
    let meter = MeterReading { generation_wh: 1_200, load_wh: 900, battery_soc_wh: 2_000, battery_capacity_wh: 5_000 };
    let spec = HouseholdSpec {
        node_key: None,
        pv_capacity_w: 5_000,
        battery_wh: 5_000,
        battery_w: 2_500,
        import_limit_w: 10_000,
        kind: HouseholdKind::Villa,
        lot: "A-17".into(),
    };
    vec![
        tx(&home, 0, TxBody::RegisterHousehold(spec)),
        tx(&home, 1, TxBody::Bid { slot: 7, side: Side::Buy, quantity_wh: 1_500, meter: None, limit_price: None }),
        tx(&home, 2, TxBody::Bid { slot: 8, side: Side::Sell, quantity_wh: 300, meter: Some(meter), limit_price: Some(60_000) }),
        tx(&home, 3, TxBody::Transfer { to: key(11).public(), amount: 1_000_000 }),
        tx(&key(1), 0, TxBody::ApproveHousehold { household: home.public() }),
        tx(&key(1), 1, TxBody::ValidatorUpdate { validator: key(2).public(), power: 10, node_key: Some(key(3).public()) }),
        ledger::tx::encode_evidence_tx(
            &key(1),
            CHAIN,
            2,
            &vote(3, VoteType::Prevote, 4, 0, Some(&[1; 32])),
            &vote(3, VoteType::Prevote, 4, 0, Some(&[2; 32])),
        )
        .expect("corpus evidence encodes"),
        tx(&home, 4, TxBody::MeterReport { slot: 7, reading: meter }),
        tx(&key(1), 3, TxBody::SetAdministrator { threshold: 2, members: vec![key(1).public(), key(4).public(), key(5).public()] }),
    ]
}

fn cert(height: u64, hash: &Hash, round: u32) -> CommitCertificate {
    let payload = precommit_payload(CHAIN, height, round, hash);
    let signatures = (1..=3)
        .map(|n| (key(n).public(), key(n).sign(Domain::Precommit, CHAIN, &payload).to_vec()))
        .collect();
    certificate(height, round, hash, signatures)
}

/// A block at `height` after `prev`, proposed by validator 1, carrying `txs`.
fn block(height: u64, prev: Hash, txs: Vec<Vec<u8>>) -> Block {
    let last_commit = (height > 1).then(|| cert(height - 1, &prev, 0));
    let validators: Vec<([u8; 32], u64)> = (1..=4).map(|n| (key(n).public(), 10)).collect();
    let header = Header {
        chain_id: CHAIN.into(),
        height,
        slot: height,
        time_ms: 1_700_000_000_000u64.saturating_add(height.saturating_mul(1_000)),
        prev_hash: prev.to_vec(),
        txs_root: txs_root(&txs).to_vec(),
        state_root: [3; 32].to_vec(),
        proposer: key(1).public().to_vec(),
        validators_hash: validators_hash(&validators).to_vec(),
        last_commit_hash: last_commit_hash(last_commit.as_ref()).to_vec(),
        protocol_version: 0,
    };
    Block { header: Some(header), txs, last_commit }
}

fn write(root: &Path, target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let dir = root.join(target);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(name), bytes)
}

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "ledger/fuzz/corpus".into()));
    let txs = txs();
    for (i, bytes) in txs.iter().enumerate() {
        write(&root, "decode_tx", &format!("tx-{i}"), bytes)?;
    }
    let first = block(1, [0; 32], Vec::new());
    let second = block(2, first.hash(), txs[1..4].to_vec());
    let hash = second.hash();
    // Edge values as seeds: a byte-level fuzzer rarely grows a 1-byte varint into a 10-byte
    // one (the enclosing lengths would have to change with it), but it readily turns a
    // large value into the largest.
    let last = block(u64::MAX - 1, [4; 32], Vec::new());
    write(&root, "decode_block", "height-near-max", &last.encode_to_vec())?;
    write(&root, "decode_vote", "round-near-max", &vote(3, VoteType::Prevote, u64::MAX - 1, u32::MAX - 1, Some(&hash)))?;
    write(&root, "decode_certificate", "height-near-max", &cert(u64::MAX - 1, &hash, u32::MAX - 1).encode_to_vec())?;
    write(&root, "decode_vote", "prevote", &vote(2, VoteType::Prevote, 2, 0, Some(&hash)))?;
    write(&root, "decode_vote", "precommit-nil", &vote(2, VoteType::Precommit, 2, 1, None))?;
    write(&root, "decode_vote", "precommit-late-round", &vote(4, VoteType::Precommit, 9, 70_000, Some(&hash)))?;
    write(&root, "decode_block", "height-1", &first.encode_to_vec())?;
    write(&root, "decode_block", "height-2", &second.encode_to_vec())?;
    let proposal = |b: &Block, round, pol| ledger::consensus_msg::encode_proposal(&key(1), CHAIN, round, pol, b.clone());
    write(&root, "decode_proposal", "height-1", &proposal(&first, 0, None))?;
    write(&root, "decode_proposal", "height-2-pol", &proposal(&second, 3, Some(1)))?;
    write(&root, "decode_proposal", "height-near-max", &proposal(&last, u32::MAX - 1, Some(u32::MAX - 2)))?;
    let certs = [cert(1, &first.hash(), 0), cert(2, &hash, 2)];
    for (i, c) in certs.iter().enumerate() {
        write(&root, "decode_certificate", &format!("cert-{i}"), &c.encode_to_vec())?;
    }
    write(&root, "decode_sync", "request", &SyncRequest { from_height: 1, max_blocks: 64 }.encode_to_vec())?;
    write(&root, "decode_sync", "request-near-max", &SyncRequest { from_height: u64::MAX - 1, max_blocks: 2 }.encode_to_vec())?;
    let committed = vec![
        CommittedBlock { block: Some(first.clone()), certificate: Some(certs[0].clone()) },
        CommittedBlock { block: Some(second.clone()), certificate: Some(certs[1].clone()) },
    ];
    let response = SyncResponse { blocks: committed, latest_height: 2 };
    write(&root, "decode_sync", "response", &response.encode_to_vec())?;
    write(&root, "decode_tx_batch", "all", &ledger::batch::encode_tx_batch(&txs))?;
    write(&root, "decode_tx_batch", "one", &ledger::batch::encode_tx_batch(&txs[1..2]))?;
    write(&root, "decode_stored", "height", &7u64.to_be_bytes())?;
    write(&root, "decode_stored", "block-near-max", &last.encode_to_vec())?;
    write(&root, "decode_stored", "hash", &hash)?;
    write(&root, "decode_stored", "block", &first.encode_to_vec())?;
    write(&root, "decode_stored", "certificate", &certs[0].encode_to_vec())?;
    let signer = SignerState { height: 2, round: 1, step: 3, payload_hash: hash.to_vec() };
    write(&root, "decode_stored", "signer", &signer.encode_to_vec())?;
    Ok(())
}
