//! The chain on a node: the rules are `node_core::chain`, the store is RocksDB.

use ledger::store::{ChainStore, RocksBackend};
use market_runtime::StateStore;
use std::path::Path;
use std::sync::Arc;

pub use node_core::chain::*;

/// The chain over the node's RocksDB store.
pub type NodeChain = Chain<RocksBackend>;

/// Opens (or creates) the RocksDB store at `db_path` and the chain in it.
pub fn open(db_path: &Path, genesis: node_core::genesis::Genesis) -> Result<NodeChain, ChainError> {
    Chain::open(Arc::new(ChainStore::open(db_path)?), genesis)
}

/// The committed state, read-only, for RPC queries and mempool checks outside the node task.
#[derive(Clone)]
pub struct CommittedState(pub Arc<ChainStore<RocksBackend>>);

impl StateStore for CommittedState {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.0.state_get(key).ok().flatten()
    }
    fn put(&mut self, _key: &[u8], _value: Vec<u8>) {
        // Read-only view: writes only go through the node's StateDb.
    }
    fn delete(&mut self, _key: &[u8]) {}
    fn scan_prefix(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.0.state_scan_prefix(prefix).unwrap_or_default()
    }
}
