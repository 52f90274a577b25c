//! What the node task shares with the RPC server: read-only chain access, a status
//! snapshot, transaction statuses, the event stream and the submission queue.

use crate::chain::CommittedState;
use crate::genesis::Genesis;
use crate::history::History;
use crate::mempool::PoolTx;
use crate::metrics::Metrics;
use ledger::store::{ChainStore, RocksBackend};
use serde::Serialize;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::{broadcast, mpsc, oneshot};

#[derive(Debug, Clone, Default, Serialize)]
pub struct StatusSnapshot {
    pub latest_height: u64,
    pub latest_slot: u64,
    pub latest_block_hash: String,
    pub latest_state_root: String,
    pub latest_block_time_ms: u64,
    pub catching_up: bool,
    pub peers: usize,
    pub mempool_size: usize,
    pub market_open: bool,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TxState {
    Pending,
    Committed,
    Rejected,
}

#[derive(Debug, Clone, Serialize)]
pub struct TxStatus {
    pub status: TxState,
    pub height: Option<u64>,
    pub error: Option<String>,
}

/// Statuses of recent transactions, oldest forgotten first, so memory stays bounded.
#[derive(Debug, Default)]
pub struct TxStatusIndex {
    map: HashMap<[u8; 32], TxStatus>,
    order: VecDeque<[u8; 32]>,
}

const TX_STATUS_CAPACITY: usize = 500_000;

impl TxStatusIndex {
    pub fn set(&mut self, hash: [u8; 32], status: TxStatus) {
        if self.map.insert(hash, status).is_none() {
            self.order.push_back(hash);
            while self.order.len() > TX_STATUS_CAPACITY {
                if let Some(old) = self.order.pop_front() {
                    self.map.remove(&old);
                }
            }
        }
    }
    pub fn get(&self, hash: &[u8; 32]) -> Option<TxStatus> {
        self.map.get(hash).cloned()
    }
}

/// Events for `/events`: a committed block and, when its slot cleared, the clearing.
#[derive(Debug, Clone)]
pub enum NodeEvent {
    Block(serde_json::Value),
    Clearing(serde_json::Value),
}

/// Transactions for the mempool (already signature- and state-checked), with one answer each.
pub struct Submission {
    pub txs: Vec<PoolTx>,
    pub reply: oneshot::Sender<Vec<Result<(), node_core::admission::AdmissionError>>>,
}

/// Keys to prove in the committed state, answered by the node task, which owns the state tree.
pub struct ProofRequest {
    pub keys: Vec<Vec<u8>>,
    pub reply: oneshot::Sender<Result<node_core::light_proofs::Proven, node_core::light_proofs::ProveError>>,
}

pub struct Shared {
    pub genesis: Arc<Genesis>,
    pub node_id: String,
    pub moniker: String,
    pub validator: bool,
    pub store: Arc<ChainStore<RocksBackend>>,
    pub status: RwLock<StatusSnapshot>,
    pub txs: Mutex<TxStatusIndex>,
    /// Commit latency per recent height in ms (bounded), for /blocks.
    pub commit_latency_ms: Mutex<VecDeque<(u64, f64)>>,
    pub events: broadcast::Sender<NodeEvent>,
    /// Each household's last slots (readings, bids, settlements), for `/households/{addr}`.
    pub history: Mutex<History>,
    pub submit: mpsc::Sender<Submission>,
    /// Proof requests for the node task (bounded: a full queue is answered 503).
    pub prove: mpsc::Sender<ProofRequest>,
    /// How far ahead of an account's next nonce a transaction may be admitted.
    pub max_nonce_ahead: u64,
    pub metrics: Metrics,
    /// Where this node's state-sync snapshots are (`snapshots`).
    pub snapshot_dir: std::path::PathBuf,
}

impl Shared {
    /// Hands transactions (already checked) to the node task's mempool and waits for its
    /// verdict on each; `None` when the node is stopping.
    pub async fn to_mempool(&self, txs: Vec<crate::mempool::PoolTx>) -> Option<Vec<Result<(), node_core::admission::AdmissionError>>> {
        let (reply, answer) = oneshot::channel();
        self.submit.send(Submission { txs, reply }).await.ok()?;
        answer.await.ok()
    }

    pub fn state(&self) -> CommittedState {
        CommittedState(self.store.clone())
    }

    pub fn set_tx_status(&self, hash: [u8; 32], status: TxStatus) {
        if let Ok(mut txs) = self.txs.lock() {
            txs.set(hash, status);
        }
    }

    /// The reading `household` sent for `slot`, if the history still holds it.
    pub fn reading_at(&self, household: &[u8; 32], slot: u64) -> Option<market_runtime::MeterReading> {
        self.history.lock().ok()?.reading(household, slot)
    }

    pub fn record_commit_latency(&self, height: u64, ms: f64) {
        if let Ok(mut q) = self.commit_latency_ms.lock() {
            q.push_back((height, ms));
            while q.len() > 100_000 {
                q.pop_front();
            }
        }
    }

    /// Every recorded (height, latency ms) from `from` on, oldest first.
    pub fn commit_latencies_from(&self, from: u64) -> Vec<(u64, f64)> {
        let Ok(q) = self.commit_latency_ms.lock() else { return Vec::new() };
        let start = q.partition_point(|(h, _)| *h < from);
        q.range(start..).copied().collect()
    }

    pub fn commit_latency_of(&self, height: u64) -> Option<f64> {
        let q = self.commit_latency_ms.lock().ok()?;
        let idx = q.binary_search_by_key(&height, |(h, _)| *h).ok()?;
        q.get(idx).map(|(_, ms)| *ms)
    }
}
