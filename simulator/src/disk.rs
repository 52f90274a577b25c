//! A node's disk: its chain store and WAL in memory, which outlive the node's process.

use std::sync::Arc;

use ledger::store::{ChainStore, MemBackend};
use node_core::wal::MemWal;

#[derive(Clone)]
pub struct Disk {
    pub store: Arc<ChainStore<MemBackend>>,
    pub wal: MemWal,
}

impl Disk {
    pub fn new() -> Self {
        Self { store: Arc::new(ChainStore::with_backend(MemBackend::new())), wal: MemWal::new() }
    }

    /// The machine lost power: unsynced writes are gone; `torn_wal_bytes` of the WAL's
    /// unsynced tail stay behind as a torn record.
    pub fn power_loss(&self, torn_wal_bytes: usize) {
        self.store.backend().power_loss();
        self.wal.power_loss(torn_wal_bytes);
    }
}
