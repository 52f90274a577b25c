//! Builders shared by the integration tests: keys, transactions, blocks and certificates.
#![allow(dead_code)]

use ledger::block::{last_commit_hash, txs_root, validators_hash, Block, Header};
use ledger::certificate::{certificate, precommit_payload};
use ledger::sign::{Domain, Keypair};
use ledger::wire::CommitCertificate;
use ledger::Hash;
use market_runtime::{Side, Tx, TxBody};

pub const CHAIN: &str = "solartrade-test";

pub fn key(n: u8) -> Keypair {
    Keypair::from_seed(&[n; 32])
}

pub fn bid_tx(keypair: &Keypair, nonce: u64, slot: u64) -> Vec<u8> {
    let tx = Tx {
        sender: keypair.public(),
        nonce,
        body: TxBody::Bid { slot, side: if nonce & 1 == 0 { Side::Buy } else { Side::Sell }, quantity_wh: 1_000 + nonce, meter: None, limit_price: None },
    };
    ledger::tx::encode_tx(keypair, CHAIN, &tx).expect("bids encode")
}

pub fn validators() -> Vec<Keypair> {
    (1..=4).map(key).collect()
}

pub fn validator_set(keys: &[Keypair]) -> Vec<([u8; 32], u64)> {
    keys.iter().map(|k| (k.public(), 10)).collect()
}

/// A block at `height` after `prev`, proposed by the first validator. Above height 1 it
/// carries a last commit for `prev` signed by the first three validators.
pub fn block(height: u64, prev: Hash, txs: Vec<Vec<u8>>, state_root: Hash) -> Block {
    let keys = validators();
    let last_commit = (height > 1).then(|| cert_for(height - 1, &prev, 0, &[0, 1, 2]));
    let header = Header {
        chain_id: CHAIN.into(),
        height,
        slot: height,
        time_ms: 1_700_000_000_000u64.wrapping_add(height.wrapping_mul(1_000)),
        prev_hash: prev.to_vec(),
        txs_root: txs_root(&txs).to_vec(),
        state_root: state_root.to_vec(),
        proposer: keys[0].public().to_vec(),
        validators_hash: validators_hash(&validator_set(&keys)).to_vec(),
        last_commit_hash: last_commit_hash(last_commit.as_ref()).to_vec(),
        protocol_version: 0,
    };
    Block { header: Some(header), txs, last_commit }
}

/// A certificate for `block` signed by the validators `signers` (indices into `validators()`).
pub fn cert(block: &Block, round: u32, signers: &[usize]) -> CommitCertificate {
    cert_for(block.height(), &block.hash(), round, signers)
}

/// A certificate for the block `hash` at `height` signed by the validators `signers`.
pub fn cert_for(height: u64, hash: &Hash, round: u32, signers: &[usize]) -> CommitCertificate {
    let keys = validators();
    let hash = *hash;
    let payload = precommit_payload(CHAIN, height, round, &hash);
    let signatures = signers
        .iter()
        .map(|i| (keys[*i].public(), keys[*i].sign(Domain::Precommit, CHAIN, &payload).to_vec()))
        .collect();
    certificate(height, round, &hash, signatures)
}
