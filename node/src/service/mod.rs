//! The running node: the tokio task around the driver, the swarm, the RPC and metrics
//! servers, transaction gossip and block sync.

use crate::chain::{CommittedState, NodeChain};
use crate::config::Config;
use crate::driver::{Committed, Driver, DriverSettings, Effect};
use crate::genesis::Genesis;
use crate::home::Home;
use crate::mempool::{Limits, Mempool, PoolTx};
use crate::metrics::Metrics;
use crate::network::{Acceptance, Channel, NetEvent, Network, NetworkSettings, SyncRequest, SyncResponse};
use node_core::admission::{self, AdmissionError};
use node_core::verdict::Verdict;
use crate::shared::{NodeEvent, ProofRequest, Shared, StatusSnapshot, Submission, TxState, TxStatus};
use crate::sync_peers::{self, SyncPeers};
use crate::sync_server::SyncServer;
use crate::tx_gossip::{Checked, TxGossip};
use crate::allowlist::Allowlist;
use crate::wal::Wal;

/// The driver over RocksDB and the WAL file.
pub(crate) type NodeDriver = Driver<ledger::store::RocksBackend, Wal>;
use anyhow::Context;
use ledger::store::MAX_PRUNE_PER_CALL;
use consensus::Timeout;
use libp2p::gossipsub::MessageId;
use libp2p::PeerId;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, mpsc};

/// Transactions gossiped together in one message.
const TX_BATCH: usize = 512;
const TX_FLUSH: Duration = Duration::from_millis(5);
const REGOSSIP_DELAY: Duration = Duration::from_millis(1500);
/// After the peers' re-gossip is sent, time for it to arrive and be checked.
const WARM_UP_MARGIN: Duration = Duration::from_millis(300);
const SYNC_BATCH: u32 = 256;

pub use crate::clock::now_ms;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum TimerKind {
    Consensus(u64, u32, u8),
    StartHeight(u64),
    SyncTick,
    FlushTxs,
    Regossip,
    Propose(u64, u32),
}

fn timeout_key(t: &Timeout) -> TimerKind {
    let step = match t.step {
        consensus::TimeoutStep::Propose => 0,
        consensus::TimeoutStep::Prevote => 1,
        consensus::TimeoutStep::Precommit => 2,
        consensus::TimeoutStep::Rebroadcast => 3,
    };
    TimerKind::Consensus(t.height, t.round, step)
}

fn key_timeout(k: &TimerKind) -> Option<Timeout> {
    let TimerKind::Consensus(height, round, step) = k else { return None };
    let step = match step {
        0 => consensus::TimeoutStep::Propose,
        1 => consensus::TimeoutStep::Prevote,
        2 => consensus::TimeoutStep::Precommit,
        _ => consensus::TimeoutStep::Rebroadcast,
    };
    Some(Timeout { height: *height, round: *round, step })
}

mod pending;
mod run;
mod sync;
mod txs;

pub use run::run;

pub struct NodeOptions {
    pub home: Home,
    pub config: Config,
    pub genesis: Genesis,
}

struct Node {
    driver: NodeDriver,
    network: Network,
    shared: Arc<Shared>,
    timers: BinaryHeap<Reverse<(Instant, u64, TimerKind)>>,
    timer_seq: u64,
    armed: HashSet<TimerKind>,
    outbox: Vec<Vec<u8>>,
    submitted_at: HashMap<[u8; 32], Instant>,
    /// The peer asked for blocks, when, and the first height asked.
    sync_in_flight: Option<(PeerId, Instant, u64)>,
    sync_peers: SyncPeers,
    sync_server: SyncServer,
    tx_gossip: TxGossip,
    warm_up_started: bool,
    allowlist: Allowlist,
    validators_hash: [u8; 32],
    /// `[storage] retain_blocks`: 0 keeps every block.
    retain_blocks: u64,
    /// State-sync snapshots made after commits (`[statesync] snapshot_interval`).
    snapshots: Option<crate::snapshots::Snapshots>,
    /// Set when the next height needs a protocol this release does not run; the loop stops.
    halt: Option<node_core::protocol::UpgradeRequired>,
    /// Where the pool is kept across a stop (`None` in tests that have no home).
    pending_file: Option<std::path::PathBuf>,
}

impl Node {
    fn new(driver: NodeDriver, network: Network, shared: Arc<Shared>, sync_server: SyncServer, tx_gossip: TxGossip, allowlist: Allowlist) -> Node {
        let validators_hash = ledger::block::validators_hash(driver.chain().validators().validators());
        Node {
            driver,
            network,
            shared,
            timers: BinaryHeap::new(),
            timer_seq: 0,
            armed: HashSet::new(),
            outbox: Vec::new(),
            submitted_at: HashMap::new(),
            sync_in_flight: None,
            sync_peers: SyncPeers::default(),
            sync_server,
            tx_gossip,
            warm_up_started: false,
            allowlist,
            validators_hash,
            retain_blocks: 0,
            halt: None,
            snapshots: None,
            pending_file: None,
        }
    }

    fn arm(&mut self, at: Instant, kind: TimerKind) {
        if self.armed.insert(kind.clone()) {
            self.timer_seq += 1;
            self.timers.push(Reverse((at, self.timer_seq, kind)));
        }
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            // Past a commit that leaves the chain at a protocol this release does not run,
            // nothing more leaves this node: no proposal, no vote for the next height.
            if self.halt.is_some() {
                break;
            }
            match effect {
                // Consensus messages need no retry here: timeouts and rebroadcasts re-send them.
                Effect::Publish(channel, data) => {
                    self.network.publish(channel, data);
                }
                Effect::Timer { timeout, after_ms } => {
                    self.arm(Instant::now() + Duration::from_millis(after_ms), timeout_key(&timeout));
                }
                Effect::StartAt { height, at_ms } => {
                    let wait = at_ms.saturating_sub(now_ms());
                    self.arm(Instant::now() + Duration::from_millis(wait), TimerKind::StartHeight(height));
                }
                Effect::Committed(c) => self.on_committed(*c),
                Effect::NeedSync => self.request_sync(),
                Effect::SubmitTx(bytes) => self.submit_own(&bytes),
                Effect::ProposeAt { height, round, at_ms } => {
                    let wait = at_ms.saturating_sub(now_ms());
                    self.arm(Instant::now() + Duration::from_millis(wait), TimerKind::Propose(height, round));
                }
            }
        }
        self.publish_status();
    }

    /// When a block changed the validator set or the registry, the allowlist follows it.
    fn follow_registry(&mut self, c: &Committed) {
        let hash = ledger::block::validators_hash(self.driver.chain().validators().validators());
        let registry_changed = c.txs.iter().any(|t| {
            use market_runtime::TxBody::*;
            matches!(t.tx.body, ApproveHousehold { .. } | RejectHousehold { .. } | ValidatorUpdate { .. } | Evidence { .. })
        });
        if hash != self.validators_hash || registry_changed {
            self.validators_hash = hash;
            let allowed = allowed_now(&self.allowlist, self.driver.chain());
            self.network.set_allowed(&allowed);
        }
    }

    fn on_committed(&mut self, c: Committed) {
        self.follow_registry(&c);
        let height = c.block.height();
        let m = &self.shared.metrics;
        m.height.set(height as i64);
        m.round.set(i64::from(c.round));
        m.rounds_total.inc_by(u64::from(c.round));
        if !c.synced {
            m.commit_latency.observe(c.latency_ms / 1000.0);
            } else {
            m.blocks_synced.inc();
        }
        m.txs_committed.inc_by(c.txs.len() as u64);
        self.shared.record_commit_latency(height, c.latency_ms);
        let now = Instant::now();
        for (tx, result) in c.txs.iter().zip(c.outcome.tx_results.iter()) {
            let status = match result {
                Ok(()) => TxStatus { status: TxState::Committed, height: Some(height), error: None },
                Err(e) => TxStatus { status: TxState::Rejected, height: Some(height), error: Some(e.to_string()) },
            };
            self.shared.set_tx_status(tx.hash, status);
            if let Some(at) = self.submitted_at.remove(&tx.hash) {
                // A 0 Wh bid only carries a meter reading: nothing of it is settled.
                if result.is_ok() && matches!(tx.tx.body, market_runtime::TxBody::Bid { quantity_wh, .. } if quantity_wh > 0) {
                    m.bid_latency.observe(now.duration_since(at).as_secs_f64());
                }
            }
        }
        for hash in &c.evicted {
            self.submitted_at.remove(hash);
            self.shared.set_tx_status(*hash, TxStatus { status: TxState::Rejected, height: None, error: Some("evicted: its slot closed or its nonce was used".into()) });
        }
        if let Ok(mut history) = self.shared.history.lock() {
            let txs: Vec<&market_runtime::Tx> = c.txs.iter().map(|v| &v.tx).collect();
            let slot = c.block.header.as_ref().map_or(height, |h| h.slot);
            history.record_block(slot, &txs, |i| c.outcome.tx_results.get(i).is_some_and(Result::is_ok), c.outcome.clearing.as_ref());
        }
        let latency = (!c.synced).then_some(c.latency_ms);
        let _ = self.shared.events.send(NodeEvent::Block(crate::json::block_summary(&c.block, latency)));
        if let Some(clearing) = &c.outcome.clearing {
            m.bids_settled.inc_by(clearing.settlements.len() as u64);
            m.energy_traded_wh.inc_by(clearing.p2p_wh);
            m.clearing_price_sell.set(clearing.price_sell as i64);
            m.clearing_price_buy.set(clearing.price_buy as i64);
            if !clearing.sdr.is_infinite() && clearing.sdr.den > 0 {
                m.sdr.set(clearing.sdr.num as f64 / clearing.sdr.den as f64);
            }
            let _ = self.shared.events.send(NodeEvent::Clearing(crate::json::slot(clearing, Some(height), Some(c.outcome.minted.total()), false)));
        }
        tracing::debug!(height, txs = c.txs.len(), round = c.round, latency_ms = c.latency_ms, synced = c.synced, "committed");
        self.prune_blocks(height);
        if let Some(snapshots) = &self.snapshots {
            snapshots.after_commit(height, self.driver.chain().store());
        }
        self.halt = self.driver.chain().upgrade_required();
        if let Some(required) = &self.halt {
            tracing::error!(height, "{required}");
        }
    }

    /// Removes the blocks that fell out of `[storage] retain_blocks` after a commit at `height`.
    /// A failure only delays pruning to the next commit: the chain does not depend on it.
    fn prune_blocks(&self, height: u64) {
        if self.retain_blocks == 0 {
            return;
        }
        let Some(keep_from) = height.checked_sub(self.retain_blocks).map(|h| h.saturating_add(1)) else { return };
        let store = self.driver.chain().store();
        let before = store.blocks_base().unwrap_or(1);
        match store.prune_blocks_below(keep_from) {
            Ok(after) if after / MAX_PRUNE_PER_CALL != before / MAX_PRUNE_PER_CALL => {
                let store = store.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = store.compact_pruned() {
                        tracing::warn!(error = %e, "compacting pruned blocks failed; the engine reclaims the space later");
                    }
                });
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(height, keep_from, error = %e, "pruning old blocks failed; retrying after the next commit"),
        }
    }

    fn publish_status(&self) {
        let chain = self.driver.chain();
        let tip = chain.tip();
        let st = StatusSnapshot {
            latest_height: tip.height,
            latest_slot: tip.slot,
            latest_block_hash: hex::encode(tip.hash),
            latest_state_root: hex::encode(chain.state_root()),
            latest_block_time_ms: tip.time_ms,
            catching_up: self.sync_peers.behind(tip.height, Instant::now()),
            peers: self.network.peers().len(),
            mempool_size: self.driver.mempool().len(),
            market_open: market_runtime::query::market_open(chain.state()),
        };
        self.shared.metrics.mempool_size.set(st.mempool_size as i64);
        self.shared.metrics.peers.set(st.peers as i64);
        if let Ok(mut s) = self.shared.status.write() {
            *s = st;
        }
    }

    /// Reports a gossip verdict to the swarm (peer scoring) and counts a refusal.
    fn judge(&mut self, channel: Channel, id: &libp2p::gossipsub::MessageId, source: &PeerId, verdict: Verdict) {
        let acceptance = match verdict {
            Verdict::Accept => Acceptance::Accept,
            Verdict::Ignore(reason) => {
                self.shared.metrics.refused(channel.name(), reason);
                Acceptance::Ignore
            }
            Verdict::Reject(reason) => {
                self.shared.metrics.refused(channel.name(), reason);
                tracing::debug!(peer = %source, channel = channel.name(), reason, "gossip message rejected");
                Acceptance::Reject
            }
        };
        self.network.validated(id, source, acceptance);
    }

    fn on_timer(&mut self, kind: TimerKind) -> Result<(), crate::driver::DriverError> {
        self.armed.remove(&kind);
        let now = now_ms();
        match kind {
            TimerKind::StartHeight(height) => {
                let effects = self.driver.start_height(height, now)?;
                self.run_effects(effects);
            }
            TimerKind::SyncTick => {
                self.request_sync();
                self.arm(Instant::now() + Duration::from_secs(1), TimerKind::SyncTick);
            }
            TimerKind::FlushTxs => self.flush_txs(),
            TimerKind::Regossip => self.regossip_pending(),
            TimerKind::Propose(height, round) => {
                let effects = self.driver.propose_deferred(height, round, now)?;
                self.run_effects(effects);
            }
            k @ TimerKind::Consensus(..) => {
                if let Some(timeout) = key_timeout(&k) {
                    let effects = self.driver.on_timeout(timeout, now)?;
                    self.run_effects(effects);
                }
            }
        }
        Ok(())
    }
}

/// Who may connect given the chain's current validator set and registry.
fn allowed_now(allowlist: &Allowlist, chain: &NodeChain) -> HashSet<PeerId> {
    let keys = market_runtime::allowed_node_keys(chain.state()).unwrap_or_else(|error| {
        tracing::error!(%error, "the registry's node keys cannot be read; only configured peers and validators are allowed");
        Vec::new()
    });
    allowlist.allowed(chain.validators(), &keys)
}

/// Why the node stops on a driver error, in words an operator can act on: a full disk is
/// named as such (restarting will not help until space is freed).
fn stop_reason(error: crate::driver::DriverError) -> anyhow::Error {
    if error.is_disk_full() {
        tracing::error!(%error, "the disk is full: the node stops; free space, then start it again");
        return anyhow::anyhow!("the disk is full ({error}); free space, then start the node again");
    }
    tracing::error!(%error, "the node stops");
    anyhow::Error::new(error)
}

