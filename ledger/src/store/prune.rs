//! Pruning old blocks: an operator's `[storage] retain_blocks` removes blocks and certificates
//! below a height, so the disk holds a window of the chain instead of all of it.
//!
//! The state is not touched (it is what the node executes against), nor the latest block and
//! certificate (the next block's parent and last commit are checked against them).

use super::{corrupt, Backend, ChainStore, StoreError, CF_BLOCKS, CF_COMMITS, CF_INDEX, CF_META};
use crate::records::decode_height;

pub(super) const META_BLOCKS_BASE: &[u8] = b"blocks_base";

/// Most heights one call removes, so one batch stays small; a node catching up on a
/// newly set `retain_blocks` prunes the backlog over the following commits.
pub const MAX_PRUNE_PER_CALL: u64 = 1_000;

impl<B: Backend> ChainStore<B> {
    /// The lowest height whose block this store still holds (1 before any pruning).
    pub fn blocks_base(&self) -> Result<u64, StoreError> {
        Ok(self
            .get(CF_META, META_BLOCKS_BASE)?
            .map(|bytes| corrupt("blocks base".into(), decode_height("blocks base", &bytes)))
            .transpose()?
            .unwrap_or(1))
    }

    /// Removes the blocks, certificates and hash-index entries below `keep_from` (at most
    /// [`MAX_PRUNE_PER_CALL`] heights, never the latest block); returns the new base.
    /// Not synced: a crash loses at most a pruning step, which the next call redoes.
    pub fn prune_blocks_below(&self, keep_from: u64) -> Result<u64, StoreError> {
        let base = self.blocks_base()?;
        let latest = self.latest_height()?.unwrap_or(0);
        let target = keep_from.min(latest).min(base.saturating_add(MAX_PRUNE_PER_CALL));
        if target <= base {
            return Ok(base);
        }
        let mut batch = self.db.new_batch();
        for height in base..target {
            let key = height.to_be_bytes();
            if let Some(block) = self.block(height)? {
                self.db.batch_delete(&mut batch, CF_INDEX, &block.hash())?;
            }
            self.db.batch_delete(&mut batch, CF_BLOCKS, &key)?;
            self.db.batch_delete(&mut batch, CF_COMMITS, &key)?;
        }
        self.db.batch_put(&mut batch, CF_META, META_BLOCKS_BASE, &target.to_be_bytes())?;
        self.db.write(batch, false)?;
        Ok(target)
    }

    /// Compacts the pruned heights away. Without it the deleted blocks stay on disk until the
    /// engine's compaction reaches the bottom level: measured, a 2,000-block window grew to 4 GB
    /// before falling back. Slow (it rewrites files); run it off the node's loop.
    pub fn compact_pruned(&self) -> Result<(), StoreError> {
        let end = self.blocks_base()?.to_be_bytes();
        self.db.compact_below(CF_BLOCKS, &end);
        self.db.compact_below(CF_COMMITS, &end);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemBackend, StateChanges};
    use crate::wire::{Block, CommitCertificate, Header};

    /// A store holding blocks 1..=n, each a child of the one before.
    fn chain_of(n: u64) -> ChainStore<MemBackend> {
        let store = ChainStore::with_backend(MemBackend::new());
        let mut prev = vec![0u8; 32];
        for height in 1..=n {
            let block = Block { header: Some(Header { height, prev_hash: prev.clone(), ..Header::default() }), ..Block::default() };
            let cert = CommitCertificate { height, block_hash: block.hash().to_vec(), ..CommitCertificate::default() };
            store.commit(&block, &cert, &StateChanges::default()).expect("commits");
            prev = block.hash().to_vec();
        }
        store
    }

    #[test]
    fn pruning_removes_old_blocks_certificates_and_their_hash_index_but_never_the_latest() {
        let store = chain_of(10);
        let old_hash = store.block(3).unwrap().unwrap().hash();
        assert_eq!(store.blocks_base().unwrap(), 1);
        assert_eq!(store.prune_blocks_below(6).unwrap(), 6);
        assert_eq!(store.blocks_base().unwrap(), 6);
        for height in 1..6 {
            assert!(store.block(height).unwrap().is_none(), "block {height} still there");
            assert!(store.certificate(height).unwrap().is_none(), "certificate {height} still there");
        }
        assert_eq!(store.height_of(&old_hash).unwrap(), None);
        assert!(store.block(6).unwrap().is_some());
        // Asking past the tip keeps the latest block: the next commit is checked against it.
        assert_eq!(store.prune_blocks_below(u64::MAX).unwrap(), 10);
        assert!(store.block(10).unwrap().is_some() && store.certificate(10).unwrap().is_some());
        // Asking for less than is already pruned changes nothing.
        assert_eq!(store.prune_blocks_below(2).unwrap(), 10);
    }

    #[test]
    fn one_call_prunes_at_most_its_share_so_a_long_backlog_takes_several_commits() {
        let store = chain_of(MAX_PRUNE_PER_CALL + 50);
        assert_eq!(store.prune_blocks_below(MAX_PRUNE_PER_CALL + 40).unwrap(), 1 + MAX_PRUNE_PER_CALL);
        assert_eq!(store.prune_blocks_below(MAX_PRUNE_PER_CALL + 40).unwrap(), MAX_PRUNE_PER_CALL + 40);
    }
}
