//! State-sync snapshots: a consistent copy of the store at a height, read back in chunks to
//! serve a new node, and a verified state installed into an empty store.
//!
//! A new node checks what it installs against a header whose certificate it verified (the
//! light client's work), so nothing here trusts the bytes it is given.

use prost::Message;

use super::{Backend, ChainStore, Entries, StoreError, CF_BLOCKS, CF_COMMITS, CF_INDEX, CF_META, CF_STATE};
use super::{META_GENESIS, META_LATEST_HASH, META_LATEST_HEIGHT, META_STATE_ROOT};
use crate::hash::Hash;
use crate::wire::{Block, CommitCertificate};

#[cfg(feature = "store")]
impl ChainStore<super::RocksBackend> {
    /// Copies the whole store to `dir` (a RocksDB checkpoint) and returns the height it holds.
    pub fn checkpoint(&self, dir: &std::path::Path) -> Result<u64, StoreError> {
        self.db.checkpoint(dir)?;
        let copy = Self::open_read_only(dir)?;
        Ok(copy.latest_height()?.unwrap_or(0))
    }

    /// Opens a snapshot for reading.
    pub fn open_read_only(dir: &std::path::Path) -> Result<Self, StoreError> {
        Ok(Self::with_backend(super::RocksBackend::open_read_only(dir)?))
    }
}

impl<B: Backend> ChainStore<B> {
    /// The state entries after `after` (all, from the first, when `None`), in key order, until
    /// `max_bytes` of keys and values; the flag says whether more follow.
    pub fn state_chunk(&self, after: Option<&[u8]>, max_bytes: usize) -> Result<(Entries, bool), StoreError> {
        let mut entries = Vec::new();
        let (mut bytes, mut more) = (0usize, false);
        let start = after.unwrap_or(&[]);
        self.db.for_each_from(CF_STATE, start, &mut |key, value| {
            if after.is_some_and(|a| key == a) {
                return true;
            }
            if !entries.is_empty() && bytes.saturating_add(key.len() + value.len()) > max_bytes {
                more = true;
                return false;
            }
            bytes += key.len() + value.len();
            entries.push((key.to_vec(), value.to_vec()));
            true
        })?;
        Ok((entries, more))
    }

    /// Writes state entries of a snapshot being installed (not synced: `install_tip` is).
    /// Refused once the store holds a chain.
    pub fn install_state(&self, entries: &[(Vec<u8>, Vec<u8>)]) -> Result<(), StoreError> {
        if self.genesis_done()? {
            return Err(StoreError::GenesisDone);
        }
        let mut batch = self.db.new_batch();
        for (key, value) in entries {
            self.db.batch_put(&mut batch, CF_STATE, key, value)?;
        }
        self.db.write(batch, false)
    }

    /// Completes an install: block `height` and its certificate become the tip, with the state
    /// root the installed entries were checked to give; blocks below it are not held.
    pub fn install_tip(&self, block: &Block, cert: &CommitCertificate, root: &Hash) -> Result<(), StoreError> {
        super::check_certifies(block, cert)?;
        let (height, hash) = (block.height(), block.hash());
        let key = height.to_be_bytes();
        let mut batch = self.db.new_batch();
        self.db.batch_put(&mut batch, CF_BLOCKS, &key, &block.encode_to_vec())?;
        self.db.batch_put(&mut batch, CF_COMMITS, &key, &cert.encode_to_vec())?;
        self.db.batch_put(&mut batch, CF_INDEX, &hash, &key)?;
        self.db.batch_put(&mut batch, CF_META, META_LATEST_HEIGHT, &key)?;
        self.db.batch_put(&mut batch, CF_META, META_LATEST_HASH, &hash)?;
        self.db.batch_put(&mut batch, CF_META, META_STATE_ROOT, root)?;
        self.db.batch_put(&mut batch, CF_META, META_GENESIS, &[1u8])?;
        self.db.batch_put(&mut batch, CF_META, super::prune::META_BLOCKS_BASE, &key)?;
        self.db.write(batch, true)
    }
}
