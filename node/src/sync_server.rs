//! Serving block sync off the consensus loop: blocks are read from RocksDB on blocking
//! threads, at most a few requests at a time, within a byte budget per response.

use crate::network::{ResponseChannel, SyncRequest, SyncResponse, SyncedBlock, MAX_BLOCKS_PER_RESPONSE};
use ledger::store::{ChainStore, RocksBackend};
use prost::Message as _;
use std::sync::Arc;
use tokio::sync::{mpsc, Semaphore};

/// Requests served at once; more are dropped (the requester asks another peer).
const CONCURRENT_REQUESTS: usize = 2;
/// Bytes of blocks and certificates in one response: half the codec's limit, so the
/// encoding's own overhead always fits.
pub const RESPONSE_BYTE_BUDGET: usize = ledger::limits::MAX_SYNC_RESPONSE_BYTES / 2;

/// A response ready to go out through the swarm.
pub struct Ready {
    pub channel: ResponseChannel,
    pub response: SyncResponse,
}

pub struct SyncServer {
    store: Arc<ChainStore<RocksBackend>>,
    slots: Arc<Semaphore>,
    ready: mpsc::Sender<Ready>,
}

impl SyncServer {
    /// The server and the receiver the node loop takes ready responses from.
    pub fn new(store: Arc<ChainStore<RocksBackend>>) -> (SyncServer, mpsc::Receiver<Ready>) {
        let (ready, rx) = mpsc::channel(CONCURRENT_REQUESTS * 2);
        (SyncServer { store, slots: Arc::new(Semaphore::new(CONCURRENT_REQUESTS)), ready }, rx)
    }

    /// Reads the requested blocks on a blocking thread; when busy, drops the request.
    pub fn serve(&self, request: SyncRequest, channel: ResponseChannel, latest: u64) -> bool {
        let Ok(permit) = self.slots.clone().try_acquire_owned() else { return false };
        let (store, ready) = (self.store.clone(), self.ready.clone());
        tokio::task::spawn_blocking(move || {
            let response = read_blocks(&store, &request, latest);
            let _ = ready.blocking_send(Ready { channel, response });
            drop(permit);
        });
        true
    }
}

/// The blocks from `request.from_height`, at most the count asked (capped) and the byte budget.
pub fn read_blocks(store: &ChainStore<RocksBackend>, request: &SyncRequest, latest: u64) -> SyncResponse {
    let max = u64::from(request.max_blocks.min(MAX_BLOCKS_PER_RESPONSE));
    let mut blocks = Vec::new();
    let mut bytes = 0usize;
    let mut height = request.from_height.max(1);
    while height <= latest && (blocks.len() as u64) < max {
        let (Ok(Some(block)), Ok(Some(cert))) = (store.block(height), store.certificate(height)) else { break };
        let synced = SyncedBlock { block: block.encode_to_vec(), certificate: cert.encode_to_vec() };
        let size = synced.block.len() + synced.certificate.len();
        // The first block always goes, or a block over the budget could never be synced.
        if !blocks.is_empty() && bytes.saturating_add(size) > RESPONSE_BYTE_BUDGET {
            break;
        }
        bytes += size;
        blocks.push(synced);
        let Some(next) = height.checked_add(1) else { break };
        height = next;
    }
    SyncResponse { latest_height: latest, blocks }
}
