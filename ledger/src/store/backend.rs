//! What the chain store needs from a key-value engine: column reads, atomic batches (synced or
//! not) and ordered scans. RocksDB serves nodes; an in-memory engine with crash semantics
//! serves the whole-node simulator.

use super::StoreError;

/// The store's column families: one per kind of record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    Blocks,
    Commits,
    State,
    Meta,
    Signer,
    Index,
}

impl Column {
    pub const ALL: [Column; 6] = [Column::Blocks, Column::Commits, Column::State, Column::Meta, Column::Signer, Column::Index];

    /// The column family's name on disk.
    pub fn name(self) -> &'static str {
        match self {
            Column::Blocks => "blocks",
            Column::Commits => "commits",
            Column::State => "state",
            Column::Meta => "meta",
            Column::Signer => "signer",
            Column::Index => "index",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A key-value engine under [`super::ChainStore`]. A batch is written all or nothing; a synced
/// write is durable when it returns, and makes every earlier unsynced write durable with it
/// (RocksDB's WAL is ordered); an unsynced write survives a process crash but not a power loss.
pub trait Backend: Send + Sync + 'static {
    type Batch: Send;

    fn get(&self, column: Column, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    fn new_batch(&self) -> Self::Batch;
    fn batch_put(&self, batch: &mut Self::Batch, column: Column, key: &[u8], value: &[u8]) -> Result<(), StoreError>;
    fn batch_delete(&self, batch: &mut Self::Batch, column: Column, key: &[u8]) -> Result<(), StoreError>;
    /// The batch's size in bytes (for logs).
    fn batch_bytes(batch: &Self::Batch) -> usize;
    fn write(&self, batch: Self::Batch, synced: bool) -> Result<(), StoreError>;
    /// Visits `column`'s entries in key order from `start` until `visit` returns false.
    fn for_each_from(&self, column: Column, start: &[u8], visit: &mut dyn FnMut(&[u8], &[u8]) -> bool) -> Result<(), StoreError>;
    /// Where the data lives, for messages.
    fn describe(&self) -> String;
    /// Reclaims the space of deleted keys in `column` below `end` now, rather than when the
    /// engine's own compaction reaches them (an engine without compaction does nothing).
    fn compact_below(&self, _column: Column, _end: &[u8]) {}
}
