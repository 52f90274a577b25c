//! Blocks and headers: hashing, the validators hash, and checking a block from the network.

use prost::Message;

use crate::canonical::check_canonical;
use crate::error::{bytes32, check_chain_id, check_len, WireError};
use crate::hash::{sha256, sha256_concat, Address, Hash};
use crate::limits::{MAX_BLOCK_BYTES, MAX_BLOCK_TXS, MAX_CERT_SIGNATURES, MAX_CHAIN_ID_LEN, MAX_TX_BYTES};
use crate::merkle::merkle_root;
use crate::prescan::count_field;

pub use crate::wire::{Block, CommitCertificate, Header};

impl Header {
    /// sha256 of the header's protobuf encoding; this is the block's hash.
    pub fn hash(&self) -> Hash {
        sha256(&self.encode_to_vec())
    }
}

impl Block {
    /// The hash of the block's header (a block without header hashes as an empty header).
    pub fn hash(&self) -> Hash {
        match &self.header {
            Some(header) => header.hash(),
            None => Header::default().hash(),
        }
    }

    /// The header's height (0 when there is no header).
    pub fn height(&self) -> u64 {
        self.header.as_ref().map_or(0, |h| h.height)
    }
}

/// The Merkle root of a block's transactions, over their exact envelope bytes.
pub fn txs_root<T: AsRef<[u8]>>(txs: &[T]) -> Hash {
    merkle_root(txs)
}

/// The header's `last_commit_hash` for a block carrying `last_commit`: sha256 of the
/// certificate's encoding, or 32 zero bytes when there is none (height 1).
pub fn last_commit_hash(last_commit: Option<&CommitCertificate>) -> Hash {
    match last_commit {
        Some(cert) => sha256(&cert.encode_to_vec()),
        None => [0u8; 32],
    }
}

/// sha256 over each validator's id and power (8 bytes big-endian), in set order.
pub fn validators_hash(validators: &[(Address, u64)]) -> Hash {
    let mut parts: Vec<u8> = Vec::with_capacity(validators.len() * 40);
    for (id, power) in validators {
        parts.extend_from_slice(id);
        parts.extend_from_slice(&power.to_be_bytes());
    }
    sha256_concat(&[&parts])
}

/// Decodes a block from the network or the disk, refusing non-canonical encodings, and
/// checks its shape (see [`check_block`]).
pub fn decode_block(bytes: &[u8], chain_id: &str) -> Result<Block, WireError> {
    check_len("block", bytes, MAX_BLOCK_BYTES)?;
    let count = count_field("block", bytes, 2)?;
    if count > MAX_BLOCK_TXS {
        return Err(WireError::TooMany { what: "block", items: "transactions", count, max: MAX_BLOCK_TXS });
    }
    let block = Block::decode(bytes).map_err(|e| WireError::malformed("block", e))?;
    check_canonical("block", bytes, &block)?;
    check_block(&block, chain_id)?;
    Ok(block)
}

/// Checks a block's shape: a header of this chain with 32-byte hashes, at most
/// [`MAX_BLOCK_TXS`] transactions of at most [`MAX_TX_BYTES`] each, and a txs root that
/// matches them, and a previous commit that the header binds: absent at height 1, else for
/// height - 1 and the parent block. Signatures and execution are checked elsewhere.
pub fn check_block(block: &Block, chain_id: &str) -> Result<(), WireError> {
    let header = block
        .header
        .as_ref()
        .ok_or_else(|| WireError::field("block", "header", "is missing"))?;
    check_header(header, chain_id)?;
    if block.txs.len() > MAX_BLOCK_TXS {
        return Err(WireError::TooMany {
            what: "block",
            items: "transactions",
            count: block.txs.len(),
            max: MAX_BLOCK_TXS,
        });
    }
    if let Some((index, tx)) = block.txs.iter().enumerate().find(|(_, tx)| tx.len() > MAX_TX_BYTES) {
        return Err(WireError::field(
            "block",
            "txs",
            format!("transaction {index} is {} bytes, over the limit of {MAX_TX_BYTES}", tx.len()),
        ));
    }
    check_last_commit(block, header)?;
    let root = txs_root(&block.txs);
    if root.as_slice() != header.txs_root.as_slice() {
        return Err(WireError::field(
            "block",
            "txs_root",
            format!("is {} but the transactions give {}", hex::encode(&header.txs_root), hex::encode(root)),
        ));
    }
    Ok(())
}

fn check_last_commit(block: &Block, header: &Header) -> Result<(), WireError> {
    match (&block.last_commit, header.height) {
        (None, 1) => {}
        (Some(_), 1) => return Err(WireError::field("block", "last_commit", "must be absent at height 1")),
        (None, height) => {
            return Err(WireError::field("block", "last_commit", format!("is missing at height {height}")));
        }
        (Some(cert), height) => {
            // `cert.height` is decoded: u64::MAX + 1 overflowed and panicked every node that
            // decoded the block. Compare without adding.
            if cert.height.checked_add(1) != Some(height) {
                return Err(WireError::field(
                    "block",
                    "last_commit",
                    format!("is for height {} but the block is at height {height}", cert.height),
                ));
            }
            if cert.block_hash != header.prev_hash {
                return Err(WireError::field(
                    "block",
                    "last_commit",
                    format!("commits block {} but the parent is {}", hex::encode(&cert.block_hash), hex::encode(&header.prev_hash)),
                ));
            }
            if cert.signatures.len() > MAX_CERT_SIGNATURES {
                return Err(WireError::TooMany {
                    what: "last commit",
                    items: "signatures",
                    count: cert.signatures.len(),
                    max: MAX_CERT_SIGNATURES,
                });
            }
        }
    }
    let expected = last_commit_hash(block.last_commit.as_ref());
    if header.last_commit_hash.as_slice() != expected.as_slice() {
        return Err(WireError::field(
            "block",
            "last_commit_hash",
            format!("is {} but the last commit gives {}", hex::encode(&header.last_commit_hash), hex::encode(expected)),
        ));
    }
    Ok(())
}

/// Checks a header's chain id and the lengths of its hash fields.
pub fn check_header(header: &Header, chain_id: &str) -> Result<(), WireError> {
    if header.chain_id.len() > MAX_CHAIN_ID_LEN {
        return Err(WireError::Oversize { what: "chain id", len: header.chain_id.len(), max: MAX_CHAIN_ID_LEN });
    }
    check_chain_id(chain_id, &header.chain_id)?;
    bytes32("header", "prev_hash", &header.prev_hash)?;
    bytes32("header", "txs_root", &header.txs_root)?;
    bytes32("header", "state_root", &header.state_root)?;
    bytes32("header", "proposer", &header.proposer)?;
    bytes32("header", "validators_hash", &header.validators_hash)?;
    bytes32("header", "last_commit_hash", &header.last_commit_hash)?;
    if header.height == 0 {
        return Err(WireError::field("header", "height", "must be at least 1"));
    }
    Ok(())
}
