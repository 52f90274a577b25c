//! The chain store: blocks, certificates, state and the signer's record, each commit one synced
//! batch, over a key-value [`Backend`] (RocksDB on nodes, memory in the simulator).

mod backend;
pub mod format;
mod memory;
mod prune;
mod snapshot;
#[cfg(feature = "store")]
mod rocks;
mod validator_sets;
pub use validator_sets::SetRecord;

use std::collections::BTreeMap;

use prost::Message;
use thiserror::Error;

pub use backend::{Backend, Column};
pub use memory::MemBackend;
pub use prune::MAX_PRUNE_PER_CALL;
#[cfg(feature = "store")]
pub use rocks::RocksBackend;

use crate::error::WireError;
use crate::hash::{to_hex, Hash};
use crate::state_cache::StateCache;
use crate::records::{decode_hash, decode_height, decode_signer_state, decode_stored_block, decode_stored_certificate};
use crate::wire::{Block, CommitCertificate, SignerState};

const CF_BLOCKS: Column = Column::Blocks;
const CF_COMMITS: Column = Column::Commits;
const CF_STATE: Column = Column::State;
const CF_META: Column = Column::Meta;
const CF_SIGNER: Column = Column::Signer;
const CF_INDEX: Column = Column::Index;

const META_LATEST_HEIGHT: &[u8] = b"latest_height";
const META_LATEST_HASH: &[u8] = b"latest_hash";
const META_STATE_ROOT: &[u8] = b"state_root";
const META_GENESIS: &[u8] = b"genesis_done";
const SIGNER_KEY: &[u8] = b"last_signed";

/// Why the chain store refused or failed an operation.
#[derive(Debug, Error)]
pub enum StoreError {
    #[cfg(feature = "store")]
    #[error("rocksdb at {path}: {source}")]
    Rocks { path: std::path::PathBuf, source: rocksdb::Error },
    #[error("column family {0} is missing")]
    MissingColumnFamily(&'static str),
    #[error("stored {what} is corrupt: {reason}")]
    Corrupt { what: String, reason: String },
    #[error("stored {what} is corrupt: {source}")]
    CorruptRecord { what: String, source: WireError },
    #[error("the latest committed height is {latest}: no block can follow it")]
    HeightExhausted { latest: u64 },
    #[error("block at height {got} does not follow the latest committed height {latest}")]
    NotNext { latest: u64, got: u64 },
    #[error("block at height {height} has previous hash {got}, but the block at {} hashes to {expected}", height.saturating_sub(1))]
    WrongParent { height: u64, expected: String, got: String },
    #[error("certificate is for height {cert_height} and block {cert_hash}, the block is {block_hash} at {height}")]
    CertificateMismatch { height: u64, block_hash: String, cert_height: u64, cert_hash: String },
    #[error("genesis state was already written")]
    GenesisDone,
    #[error("a read of the state failed earlier during execution: {0}")]
    ReadFailed(String),
    #[error(
        "the data directory {path} was written by {written_by} in storage format {found}; this binary ({}) reads storage format {}: run a release that reads format {found}, or move the directory aside and sync the chain again (docs/operator.md, \"Upgrades\")",
        format::RELEASE,
        format::FORMAT
    )]
    Format { path: String, found: u32, written_by: String },
}

impl StoreError {
    /// Whether RocksDB failed because the disk is full. RocksDB reports it only as an I/O
    /// error with the OS's message, so the message is what tells.
    pub fn is_disk_full(&self) -> bool {
        #[cfg(feature = "store")]
        if let StoreError::Rocks { source, .. } = self {
            return source.kind() == rocksdb::ErrorKind::IOError && source.to_string().contains("No space left on device");
        }
        false
    }
}

/// The state writes of one block's execution, by key: `None` deletes the key.
pub type StateWrites = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// The writes of one block's execution and the state root after applying them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StateChanges {
    pub writes: StateWrites,
    pub root: Hash,
}

/// A checked commit laid out in its WriteBatch, waiting only for its state root, which
/// goes into the same batch. Splitting the commit lets the state tree be hashed on
/// another thread while this batch is built; nothing reaches the disk before
/// [`ChainStore::write_prepared`], so a crash in between loses the whole commit.
pub struct PreparedCommit<B: Backend> {
    batch: B::Batch,
    /// The state writes in the batch, for the cache once the batch is on disk.
    state: StateWrites,
}

impl<B: Backend> std::fmt::Debug for PreparedCommit<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PreparedCommit({} bytes)", B::batch_bytes(&self.batch))
    }
}

/// Key-value pairs in key order.
pub type Entries = Vec<(Vec<u8>, Vec<u8>)>;

/// The chain's database: RocksDB on a node ([`ChainStore::open`]), memory in the simulator.
pub struct ChainStore<B: Backend> {
    db: B,
    cache: StateCache,
}

impl<B: Backend> std::fmt::Debug for ChainStore<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ChainStore({})", self.db.describe())
    }
}

#[cfg(feature = "store")]
impl ChainStore<RocksBackend> {
    /// Opens (or creates) the RocksDB store at `path`.
    pub fn open(path: &std::path::Path) -> Result<Self, StoreError> {
        let db = RocksBackend::open(path)?;
        format::check(&db)?;
        Ok(Self::with_backend(db))
    }

    /// Where the database lives.
    pub fn path(&self) -> &std::path::Path {
        self.db.path()
    }
}

impl<B: Backend> ChainStore<B> {
    pub fn with_backend(db: B) -> Self {
        Self { db, cache: StateCache::default() }
    }

    /// The engine underneath (the simulator injects crashes through it).
    pub fn backend(&self) -> &B {
        &self.db
    }

    fn get(&self, cf: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.db.get(cf, key)
    }

    fn put(&self, cf: Column, key: &[u8], value: &[u8], synced: bool) -> Result<(), StoreError> {
        let mut batch = self.db.new_batch();
        self.db.batch_put(&mut batch, cf, key, value)?;
        self.db.write(batch, synced)
    }

    /// Writes the genesis state (height 0) in one synced batch; only once.
    pub fn commit_genesis(&self, changes: &StateChanges) -> Result<(), StoreError> {
        let prepared = self.prepare_genesis(&changes.writes)?;
        self.write_prepared(prepared, &changes.root)
    }

    /// Commits a block, its certificate and the state it produced in one synced
    /// WriteBatch: after a crash either all of it is there or none of it.
    pub fn commit(&self, block: &Block, cert: &CommitCertificate, changes: &StateChanges) -> Result<(), StoreError> {
        let prepared = self.prepare_commit(block, cert, &changes.writes)?;
        self.write_prepared(prepared, &changes.root)
    }

    /// Checks and lays out the genesis batch, all but its state root: the root can be
    /// computed meanwhile (see [`PreparedCommit`]).
    pub fn prepare_genesis(&self, writes: &StateWrites) -> Result<PreparedCommit<B>, StoreError> {
        if self.get(CF_META, META_GENESIS)?.is_some() {
            return Err(StoreError::GenesisDone);
        }
        let mut batch = self.db.new_batch();
        self.add_state(&mut batch, writes)?;
        self.db.batch_put(&mut batch, CF_META, META_GENESIS, &[1u8])?;
        Ok(PreparedCommit { batch, state: writes.clone() })
    }

    /// Checks a block and its certificate against the chain and lays out their batch
    /// with the state writes, all but the state root (see [`PreparedCommit`]).
    pub fn prepare_commit(
        &self,
        block: &Block,
        cert: &CommitCertificate,
        writes: &StateWrites,
    ) -> Result<PreparedCommit<B>, StoreError> {
        let height = block.height();
        let hash = block.hash();
        let latest = self.latest_height()?.unwrap_or(0);
        // The latest height comes from the disk: a corrupt u64::MAX must not overflow.
        let next = latest.checked_add(1).ok_or(StoreError::HeightExhausted { latest })?;
        if height != next {
            return Err(StoreError::NotNext { latest, got: height });
        }
        check_certifies(block, cert)?;
        let parent = match self.get(CF_META, META_LATEST_HASH)? {
            Some(parent) => parent,
            None => vec![0u8; 32],
        };
        let prev_hash = block.header.as_ref().map(|h| h.prev_hash.as_slice()).unwrap_or_default();
        if prev_hash != parent.as_slice() {
            return Err(StoreError::WrongParent { height, expected: to_hex(&parent), got: to_hex(prev_hash) });
        }
        let key = height.to_be_bytes();
        let db = &self.db;
        let mut batch = db.new_batch();
        db.batch_put(&mut batch, CF_BLOCKS, &key, &block.encode_to_vec())?;
        db.batch_put(&mut batch, CF_COMMITS, &key, &cert.encode_to_vec())?;
        db.batch_put(&mut batch, CF_INDEX, &hash, &key)?;
        db.batch_put(&mut batch, CF_META, META_LATEST_HEIGHT, &key)?;
        db.batch_put(&mut batch, CF_META, META_LATEST_HASH, &hash)?;
        self.add_state(&mut batch, writes)?;
        Ok(PreparedCommit { batch, state: writes.clone() })
    }

    /// Adds the state root to a prepared batch and writes it, synced.
    pub fn write_prepared(&self, prepared: PreparedCommit<B>, root: &Hash) -> Result<(), StoreError> {
        let PreparedCommit { mut batch, state } = prepared;
        self.db.batch_put(&mut batch, CF_META, META_STATE_ROOT, root)?;
        self.db.write(batch, true)?;
        self.cache.write_through(&state);
        Ok(())
    }

    fn add_state(&self, batch: &mut B::Batch, writes: &StateWrites) -> Result<(), StoreError> {
        for (key, value) in writes {
            match value {
                Some(value) => self.db.batch_put(batch, CF_STATE, key, value)?,
                None => self.db.batch_delete(batch, CF_STATE, key)?,
            }
        }
        Ok(())
    }

    /// The latest committed height, `None` before the first block.
    pub fn latest_height(&self) -> Result<Option<u64>, StoreError> {
        self.get(CF_META, META_LATEST_HEIGHT)?
            .map(|bytes| corrupt("latest height".into(), decode_height("latest height", &bytes)))
            .transpose()
    }

    /// The hash of the latest committed block, `None` before the first block.
    pub fn latest_hash(&self) -> Result<Option<Hash>, StoreError> {
        self.get(CF_META, META_LATEST_HASH)?
            .map(|bytes| corrupt("latest hash".into(), decode_hash("latest hash", &bytes)))
            .transpose()
    }

    /// The state root after the latest commit (genesis included), `None` before genesis.
    pub fn state_root(&self) -> Result<Option<Hash>, StoreError> {
        self.get(CF_META, META_STATE_ROOT)?
            .map(|bytes| corrupt("state root".into(), decode_hash("state root", &bytes)))
            .transpose()
    }

    /// Whether the genesis state has been written.
    pub fn genesis_done(&self) -> Result<bool, StoreError> {
        Ok(self.get(CF_META, META_GENESIS)?.is_some())
    }

    /// The block at `height`.
    pub fn block(&self, height: u64) -> Result<Option<Block>, StoreError> {
        self.get(CF_BLOCKS, &height.to_be_bytes())?
            .map(|bytes| corrupt(format!("block {height}"), decode_stored_block(height, &bytes)))
            .transpose()
    }

    /// The height of the block whose header hashes to `hash`.
    pub fn height_of(&self, hash: &Hash) -> Result<Option<u64>, StoreError> {
        self.get(CF_INDEX, hash)?
            .map(|bytes| corrupt("hash index".into(), decode_height("hash index", &bytes)))
            .transpose()
    }

    /// The block whose header hashes to `hash`.
    pub fn block_by_hash(&self, hash: &Hash) -> Result<Option<Block>, StoreError> {
        match self.height_of(hash)? {
            Some(height) => self.block(height),
            None => Ok(None),
        }
    }

    /// The certificate that committed the block at `height`.
    pub fn certificate(&self, height: u64) -> Result<Option<CommitCertificate>, StoreError> {
        self.get(CF_COMMITS, &height.to_be_bytes())?
            .map(|bytes| corrupt(format!("certificate {height}"), decode_stored_certificate(height, &bytes)))
            .transpose()
    }

    /// One committed state value.
    pub fn state_get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        match self.cache.get(key) {
            Ok(cached) => Ok(cached),
            Err(miss) => {
                let value = self.get(CF_STATE, key)?;
                self.cache.fill(miss, key, &value);
                Ok(value)
            }
        }
    }

    /// The committed state entries whose key starts with `prefix`, in key order.
    pub fn state_scan_prefix(&self, prefix: &[u8]) -> Result<Entries, StoreError> {
        let mut entries = Vec::new();
        self.state_for_each_from(prefix, |key, value| {
            if key.starts_with(prefix) {
                entries.push((key.to_vec(), value.to_vec()));
                true
            } else {
                false
            }
        })?;
        Ok(entries)
    }

    /// At most `limit` committed keys under `prefix` that sort after `after` (from the first
    /// when `None`), in key order: a page, so a large prefix is never read whole.
    pub fn state_keys_page(&self, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut keys = Vec::new();
        let start = after.unwrap_or(prefix);
        self.state_for_each_from(start, |key, _| {
            if !key.starts_with(prefix) || keys.len() >= limit {
                return false;
            }
            if after.is_none_or(|after| key > after) {
                keys.push(key.to_vec());
            }
            true
        })?;
        Ok(keys)
    }

    /// Calls `visit` for every committed state entry, in key order.
    pub fn state_for_each(&self, visit: impl FnMut(&[u8], &[u8])) -> Result<(), StoreError> {
        let mut visit = visit;
        self.state_for_each_from(&[], |key, value| {
            visit(key, value);
            true
        })
    }

    fn state_for_each_from(&self, start: &[u8], mut visit: impl FnMut(&[u8], &[u8]) -> bool) -> Result<(), StoreError> {
        self.db.for_each_from(CF_STATE, start, &mut visit)
    }

    /// The validator's last-signed record.
    pub fn signer_state(&self) -> Result<Option<SignerState>, StoreError> {
        self.get(CF_SIGNER, SIGNER_KEY)?
            .map(|bytes| corrupt("signer state".into(), decode_signer_state(&bytes)))
            .transpose()
    }

    /// Stores the validator's last-signed record, not synced: it survives a process crash,
    /// and the node's consensus WAL, synced before a vote or proposal leaves, is the record
    /// that survives a power loss (one fsync per signed message, not two).
    pub fn save_signer_state(&self, state: &SignerState) -> Result<(), StoreError> {
        self.put(CF_SIGNER, SIGNER_KEY, &state.encode_to_vec(), false)
    }

    /// A free-form metadata value (e.g. the genesis hash the node started from).
    pub fn meta(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.get(CF_META, format!("app/{key}").as_bytes())
    }

    /// Stores a free-form metadata value, synced.
    pub fn put_meta(&self, key: &str, value: &[u8]) -> Result<(), StoreError> {
        self.put(CF_META, format!("app/{key}").as_bytes(), value, true)
    }
}

/// Refuses a certificate that is not for `block` (its height and hash).
fn check_certifies(block: &Block, cert: &CommitCertificate) -> Result<(), StoreError> {
    let (height, hash) = (block.height(), block.hash());
    if cert.height != height || cert.block_hash.as_slice() != hash.as_slice() {
        return Err(StoreError::CertificateMismatch {
            height,
            block_hash: to_hex(&hash),
            cert_height: cert.height,
            cert_hash: to_hex(&cert.block_hash),
        });
    }
    Ok(())
}

fn corrupt<T>(what: String, decoded: Result<T, WireError>) -> Result<T, StoreError> {
    decoded.map_err(|source| StoreError::CorruptRecord { what, source })
}

#[cfg(test)]
mod tests;
