//! The running node: the tokio task around the driver, the swarm, the RPC and metrics
//! servers, transaction gossip and block sync.

use crate::chain::{Chain, CommittedState};
use crate::config::Config;
use crate::driver::{Committed, Driver, DriverSettings, Effect};
use crate::genesis::Genesis;
use crate::home::Home;
use crate::mempool::{Limits, Mempool, PoolTx};
use crate::metrics::Metrics;
use crate::network::{Acceptance, Channel, NetEvent, Network, NetworkSettings, SyncRequest, SyncResponse};
use node_core::admission::{self, AdmissionError};
use node_core::verdict::Verdict;
use crate::shared::{NodeEvent, Shared, StatusSnapshot, Submission, TxState, TxStatus};
use crate::sync_peers::{self, SyncPeers};
use crate::sync_server::SyncServer;
use crate::tx_gossip::{Checked, TxGossip};
use crate::allowlist::Allowlist;
use crate::wal::Wal;
use anyhow::Context;
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

pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

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

/// Encodes transactions for one gossip message or `POST /txs/batch` body: a `TxBatch`
/// (ledger/proto/solartrade/v1/batch.proto).
pub fn encode_tx_batch(txs: &[Vec<u8>]) -> Vec<u8> {
    ledger::batch::encode_tx_batch(txs)
}

/// Decodes a `TxBatch`; `None` when `ledger::batch::decode_tx_batch` refuses it.
pub fn decode_tx_batch(b: &[u8]) -> Option<Vec<&[u8]>> {
    ledger::batch::decode_tx_batch(b).ok()
}

pub struct NodeOptions {
    pub home: Home,
    pub config: Config,
    pub genesis: Genesis,
}

struct Node {
    driver: Driver,
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
}

impl Node {
    fn arm(&mut self, at: Instant, kind: TimerKind) {
        if self.armed.insert(kind.clone()) {
            self.timer_seq += 1;
            self.timers.push(Reverse((at, self.timer_seq, kind)));
        }
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
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

    fn request_sync(&mut self) {
        if let Some((_, at, _)) = self.sync_in_flight {
            if at.elapsed() < Duration::from_secs(5) {
                return;
            }
        }
        let tip = self.driver.chain().tip().height;
        let Some(peer) = self.sync_peers.pick(&self.network.peers(), tip, Instant::now()) else { return };
        let from = tip.saturating_add(1);
        self.network.request_blocks(peer, SyncRequest { from_height: from, max_blocks: SYNC_BATCH });
        self.sync_in_flight = Some((peer, Instant::now(), from));
    }

    fn on_sync_request(&mut self, peer: PeerId, request: SyncRequest, channel: crate::network::ResponseChannel) {
        let latest = self.driver.chain().tip().height;
        if !self.sync_server.serve(request, channel, latest) {
            self.shared.metrics.refused("sync", "server-busy");
            tracing::debug!(%peer, "sync: busy serving other peers; request dropped");
        }
    }

    fn on_sync_response(&mut self, peer: PeerId, response: SyncResponse) {
        let tip_before = self.driver.chain().tip().height;
        let asked_from = match self.sync_in_flight.take() {
            Some((asked, _, from)) if asked == peer => from,
            // A late answer (after a timeout) still carries blocks and a claim worth checking.
            other => {
                self.sync_in_flight = other;
                tip_before.saturating_add(1)
            }
        };
        let chain_id = self.driver.chain().chain_id().to_string();
        let mut applied = 0u64;
        // Blocks that checked out, applied or already committed here meanwhile by consensus.
        let mut delivered = 0u64;
        let mut bad_block = false;
        for synced in response.blocks {
            let decoded = ledger::block::decode_block(&synced.block, &chain_id)
                .map_err(|e| e.to_string())
                .and_then(|b| ledger::certificate::decode_certificate(&synced.certificate).map(|c| (b, c)).map_err(|e| e.to_string()));
            let (block, cert) = match decoded {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::warn!(%peer, %error, "sync: peer sent a block or certificate that does not decode");
                    bad_block = true;
                    break;
                }
            };
            match self.driver.apply_synced(block, cert, now_ms()) {
                Ok(effects) => {
                    delivered += 1;
                    applied += u64::from(!effects.is_empty());
                    // Only the commit matters here; the start of consensus waits for the last block.
                    let (commits, _): (Vec<Effect>, Vec<Effect>) = effects.into_iter().partition(|e| matches!(e, Effect::Committed(_)));
                    self.run_effects(commits);
                }
                Err(e) if e.is_disk_full() => {
                    tracing::error!(error = %e, "sync: the disk is full");
                    break;
                }
                Err(e) => {
                    tracing::warn!(%peer, error = %e, "sync: block refused");
                    bad_block = true;
                    break;
                }
            }
        }
        let tip = self.driver.chain().tip().height;
        if let sync_peers::Outcome::Misbehaved(reason) = self.sync_peers.judge(peer, response.latest_height, asked_from, delivered, bad_block, Instant::now()) {
            self.shared.metrics.refused("sync", reason);
            tracing::warn!(%peer, reason, claimed = response.latest_height, applied, "sync: peer set aside for {} s", sync_peers::SET_ASIDE.as_secs());
        }
        if applied > 0 {
            tracing::info!(%peer, applied, height = tip, peer_height = response.latest_height, "synced blocks");
            let next = tip + 1;
            let at_ms = self.driver.chain().genesis.slot_deadline_ms(next);
            self.run_effects(vec![Effect::StartAt { height: next, at_ms }]);
        }
        if self.sync_peers.behind(tip, Instant::now()) || bad_block {
            self.request_sync();
        }
    }

    /// A transaction this node signed itself goes the way of one from RPC: checked against
    /// the committed state, admitted, gossiped.
    fn submit_own(&mut self, bytes: &[u8]) {
        let chain_id = self.driver.chain().chain_id().to_string();
        let admitted = ledger::tx::decode_tx(bytes, &chain_id).map_err(AdmissionError::from).and_then(|v| {
            let state = CommittedState(self.driver.chain().store().clone());
            admission::check_state(&state, &v.tx, self.max_nonce_ahead())?;
            self.admit(PoolTx { hash: v.hash, tx: v.tx, bytes: v.bytes })
        });
        if let Err(error) = admitted {
            tracing::warn!(%error, "own transaction refused");
        }
    }

    /// Admits a transaction into the mempool (already signature- and state-checked).
    fn admit(&mut self, tx: PoolTx) -> Result<(), AdmissionError> {
        let hash = tx.hash;
        let bytes = tx.bytes.clone();
        let evicted = self.driver.mempool_mut().insert(tx)?;
        for old in evicted {
            self.submitted_at.remove(&old);
            self.shared.set_tx_status(old, TxStatus { status: TxState::Rejected, height: None, error: Some("evicted: the mempool was full and a transaction of a higher priority came".into()) });
        }
        self.outbox.push(bytes);
        self.shared.set_tx_status(hash, TxStatus { status: TxState::Pending, height: None, error: None });
        if self.outbox.len() >= TX_BATCH {
            self.flush_txs();
        } else {
            self.arm(Instant::now() + TX_FLUSH, TimerKind::FlushTxs);
        }
        Ok(())
    }

    fn flush_txs(&mut self) {
        if !self.outbox.is_empty() {
            let batch = std::mem::take(&mut self.outbox);
            self.publish_txs(&batch);
        }
    }

    /// Gossip happens once, so a peer that was down or cut off when a bid travelled never
    /// hears of it; if that peer proposes the bid's slot, an acknowledged bid would miss it.
    /// Re-publishing the pending pool when a peer (re)connects closes that gap. The batches
    /// differ from the original ones, so gossipsub does not drop them as duplicates, and
    /// peers that already hold a transaction skip it.
    fn regossip_pending(&mut self) {
        let pending: Vec<Vec<u8>> = self.driver.mempool().envelopes().map(<[u8]>::to_vec).collect();
        for chunk in pending.chunks(TX_BATCH) {
            self.publish_txs(chunk);
        }
    }

    /// A batch no connected peer took (just started, subscriptions not exchanged yet) would
    /// otherwise reach no one: the pending pool goes out again a little later. With no peer
    /// connected at all, the next connection re-gossips it.
    fn publish_txs(&mut self, batch: &[Vec<u8>]) {
        if !self.network.publish(Channel::Txs, encode_tx_batch(batch)) && !self.network.peers().is_empty() {
            self.arm(Instant::now() + REGOSSIP_DELAY, TimerKind::Regossip);
        }
    }

    /// Decodes a gossiped batch and hands what is new to the checker; `None` while it checks
    /// (the verdict follows in [`Node::on_tx_checked`]).
    fn on_tx_gossip(&mut self, id: MessageId, source: PeerId, data: &[u8]) -> Option<Verdict> {
        let Some(txs) = decode_tx_batch(data) else { return Some(Verdict::Reject("malformed")) };
        let fresh: Vec<Vec<u8>> = txs.into_iter().filter(|t| !self.driver.mempool().contains(&ledger::hash::sha256(t))).map(<[u8]>::to_vec).collect();
        if fresh.is_empty() {
            return Some(Verdict::Accept);
        }
        match self.tx_gossip.check(id, source, fresh) {
            Ok(()) => None,
            Err(_) => Some(Verdict::Ignore("verifier-busy")),
        }
    }

    /// A gossiped batch's signatures have been checked: admit it and judge the message.
    fn on_tx_checked(&mut self, checked: Checked) {
        self.tx_gossip.finished(&checked);
        let verdict = match checked.outcome {
            Err(_) => Verdict::Ignore("verifier-busy"),
            // Honest peers only forward transactions they verified.
            Ok(Err(_)) => Verdict::Reject("invalid-transaction"),
            Ok(Ok(verified)) => self.admit_gossiped(verified),
        };
        self.judge(Channel::Txs, &checked.id, &checked.source, verdict);
    }

    fn admit_gossiped(&mut self, verified: Vec<ledger::tx::VerifiedTx>) -> Verdict {
        let state = CommittedState(self.driver.chain().store().clone());
        let max_ahead = self.max_nonce_ahead();
        let count = verified.len();
        let mut inadmissible = 0usize;
        for v in verified {
            if let Err(e) = admission::admit(&state, self.driver.mempool_mut(), v, max_ahead) {
                inadmissible += usize::from(e.is_senders_fault());
                tracing::trace!(error = %e, "gossiped transaction not admitted");
            }
        }
        // Honest peers forward only what they admitted; a few may fail here for reasons of
        // timing (a block this node committed first), but not most of a batch. Verifying
        // signatures costs CPU, so a peer that sends mostly junk is penalised.
        if inadmissible * 2 > count {
            return Verdict::Reject("inadmissible-transactions");
        }
        Verdict::Accept
    }

    /// Once a peer is connected, proposals wait only until the peers' re-gossip of their
    /// pending pools has arrived (driver/warm_up.rs).
    fn on_first_peer(&mut self) {
        if !self.warm_up_started {
            self.warm_up_started = true;
            let settle_ms = (REGOSSIP_DELAY + WARM_UP_MARGIN).as_millis() as u64;
            self.driver.hold_proposals_until(now_ms().saturating_add(settle_ms));
        }
    }

    fn max_nonce_ahead(&self) -> u64 {
        self.driver.mempool().limits().max_per_account as u64
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
fn allowed_now(allowlist: &Allowlist, chain: &Chain) -> HashSet<PeerId> {
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

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}

/// Runs a node until SIGINT or SIGTERM.
pub async fn run(opts: NodeOptions) -> anyhow::Result<()> {
    let NodeOptions { home, config, genesis } = opts;
    genesis.validate().context("the genesis is not valid")?;
    let node_key = ledger::sign::Keypair::load(&home.node_key_file()).context("cannot load the node key")?;
    let validator_key = if home.validator_key_file().is_file() {
        Some(ledger::sign::Keypair::load(&home.validator_key_file()).context("cannot load the validator key")?)
    } else {
        None
    };
    let identity = libp2p::identity::Keypair::ed25519_from_bytes(node_key.seed()).context("node key is not an ed25519 key")?;
    let peer_id = identity.public().to_peer_id();

    // Bind the servers first, so a port in use fails start-up with a clear message.
    let rpc_listener = tokio::net::TcpListener::bind(&config.rpc.listen)
        .await
        .with_context(|| format!("cannot listen for RPC on {} (is another node using this port?)", config.rpc.listen))?;
    let metrics_listener = if config.metrics.enabled {
        Some(
            tokio::net::TcpListener::bind(&config.metrics.listen)
                .await
                .with_context(|| format!("cannot listen for metrics on {} (is another node using this port?)", config.metrics.listen))?,
        )
    } else {
        None
    };

    // Load the agent's key and profile before anything starts, so a bad [agent] section fails start-up.
    let household_agent = if config.agent.enabled {
        Some(crate::household_agent::HouseholdAgent::load(&home, &config.agent).context("cannot start the household agent")?)
    } else {
        None
    };
    std::fs::create_dir_all(home.data_dir()).with_context(|| format!("cannot create {}", home.data_dir().display()))?;
    let chain = Chain::open(&home.chain_db(), genesis.clone()).context("cannot open the chain store")?;
    let tip = chain.tip().height;
    let history = crate::history::History::rebuild(chain.store(), &CommittedState(chain.store().clone()), &genesis.chain_id)
        .context("cannot rebuild the households' recent history")?;
    let mempool = Mempool::new(
        Limits {
            max_txs: config.mempool.max_txs,
            max_bytes: config.mempool.max_bytes,
            max_per_account: config.mempool.max_per_account,
            max_tx_bytes: config.mempool.max_tx_bytes,
        },
        tip + 1,
        genesis.app_state.administrator,
    );
    let wal = Wal::open(&home.wal_file())?;
    let params = consensus::Params {
        timeout_propose_ms: config.consensus.timeout_propose_ms,
        timeout_propose_delta_ms: config.consensus.timeout_increase_ms,
        timeout_prevote_ms: config.consensus.timeout_prevote_ms,
        timeout_prevote_delta_ms: config.consensus.timeout_increase_ms,
        timeout_precommit_ms: config.consensus.timeout_precommit_ms,
        timeout_precommit_delta_ms: config.consensus.timeout_increase_ms,
        ..consensus::Params::default()
    };
    let mut driver = Driver::new(chain, mempool, validator_key.clone(), wal, DriverSettings { params, max_block_txs: config.consensus.max_block_txs, max_message_bytes: config.p2p.max_message_bytes });
    let is_validator = driver.is_validator();

    let mut configured: HashSet<PeerId> = HashSet::new();
    for p in &config.p2p.allowed_peers {
        configured.insert(p.parse().with_context(|| format!("p2p.allowed_peers: {p:?} is not a node id"))?);
    }
    let mut persistent = Vec::new();
    for p in &config.p2p.persistent_peers {
        let (peer, addr) = crate::network::parse_peer_addr(p)?;
        configured.insert(peer);
        persistent.push((peer, addr));
    }
    let allowlist = Allowlist::new(&genesis, configured);
    let allowed = allowed_now(&allowlist, driver.chain());
    let network = Network::new(
        identity,
        NetworkSettings {
            chain_id: genesis.chain_id.clone(),
            listen: config.p2p.listen.parse().with_context(|| format!("p2p.listen {:?}", config.p2p.listen))?,
            quic_listen: match config.p2p.quic_listen.as_str() {
                "" => None,
                text => Some(text.parse().with_context(|| format!("p2p.quic_listen {text:?}"))?),
            },
            persistent_peers: persistent,
            allowed,
            max_message_bytes: config.p2p.max_message_bytes,
            max_messages_per_peer_per_second: config.p2p.max_messages_per_peer_per_second,
            dial_backoff_initial: Duration::from_millis(config.p2p.dial_backoff_initial_ms),
            dial_backoff_max: Duration::from_millis(config.p2p.dial_backoff_max_ms),
        },
    )?;

    let metrics = Metrics::new();
    metrics.height.set(tip as i64);
    let (events, _) = broadcast::channel(1024);
    let (submit_tx, mut submit_rx) = mpsc::channel::<Submission>(8192);
    let shared = Arc::new(Shared {
        genesis: Arc::new(genesis.clone()),
        node_id: peer_id.to_string(),
        moniker: config.moniker.clone(),
        validator: is_validator,
        store: driver.chain().store().clone(),
        status: RwLock::new(StatusSnapshot::default()),
        txs: Mutex::new(Default::default()),
        commit_latency_ms: Mutex::new(Default::default()),
        events,
        history: Mutex::new(history),
        submit: submit_tx,
        max_nonce_ahead: config.mempool.max_per_account as u64,
        metrics: metrics.clone(),
    });
    let rpc_addr = rpc_listener.local_addr()?;
    let app = crate::rpc::router(shared.clone(), &config.rpc);
    tokio::spawn(crate::rpc::serve(rpc_listener, app, crate::rpc::ServerLimits::from(&config.rpc)));
    if let Some(listener) = metrics_listener {
        tracing::info!(addr = %listener.local_addr()?, "metrics listening");
        tokio::spawn(crate::metrics::serve(listener, metrics));
    }
    tracing::info!(chain_id = %genesis.chain_id, node_id = %peer_id, validator = is_validator, height = tip, rpc = %rpc_addr, "node started");
    if let Some(agent) = household_agent {
        tokio::spawn(crate::household_agent::run(agent, shared.clone()));
    }

    let (sync_server, mut sync_ready) = SyncServer::new(driver.chain().store().clone());
    let validators_hash = ledger::block::validators_hash(driver.chain().validators().validators());
    let (tx_gossip, mut tx_checked) = TxGossip::new(genesis.chain_id.clone());
    if driver.chain().validators().validators().len() > 1 {
        driver.hold_proposals_until(u64::MAX);
    }
    let start_effects = driver.start(now_ms()).map_err(stop_reason)?;
    let mut node = Node {
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
    };
    node.arm(Instant::now() + Duration::from_millis(500), TimerKind::SyncTick);
    node.run_effects(start_effects);

    let shutdown = shutdown_signal();
    tokio::pin!(shutdown);
    loop {
        let next_timer = node.timers.peek().map(|Reverse((at, _, _))| *at);
        let sleep = tokio::time::sleep_until(next_timer.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600)).into());
        tokio::select! {
            biased;
            _ = &mut shutdown => {
                tracing::info!("shutting down");
                return Ok(());
            }
            _ = sleep, if next_timer.is_some() => {
                if let Some(Reverse((_, _, kind))) = node.timers.pop() {
                    node.on_timer(kind).map_err(stop_reason)?;
                }
            }
            event = node.network.next() => match event {
                NetEvent::Gossip { channel, source, id, data } => {
                    let verdict = match channel {
                        Channel::Txs => node.on_tx_gossip(id.clone(), source, &data),
                        Channel::Consensus | Channel::Evidence => {
                            let (verdict, effects) = node.driver.on_gossip(&data, now_ms()).map_err(stop_reason)?;
                            node.run_effects(effects);
                            Some(verdict)
                        }
                    };
                    if let Some(verdict) = verdict {
                        node.judge(channel, &id, &source, verdict);
                    }
                }
                NetEvent::SyncRequest { peer, request, channel } => node.on_sync_request(peer, request, channel),
                NetEvent::SyncResponse { peer, response } => node.on_sync_response(peer, response),
                NetEvent::SyncFailed { peer, why } => {
                    tracing::debug!(%peer, why, "sync request failed");
                    if node.sync_in_flight.is_some_and(|(p, _, _)| p == peer) {
                        node.sync_in_flight = None;
                    }
                }
                NetEvent::PeerConnected(_) => {
                    node.on_first_peer();
                    node.publish_status();
                    node.request_sync();
                    // After the gossipsub subscriptions have been exchanged (a heartbeat).
                    node.arm(Instant::now() + REGOSSIP_DELAY, TimerKind::Regossip);
                }
                NetEvent::PeerDisconnected(peer) => {
                    node.sync_peers.forget(&peer);
                    node.publish_status();
                }
            },
            Some(ready) = sync_ready.recv() => node.network.respond(ready.channel, ready.response),
            Some(checked) = tx_checked.recv() => node.on_tx_checked(checked),
            Some(sub) = submit_rx.recv() => {
                let now = Instant::now();
                let results: Vec<Result<(), AdmissionError>> = sub
                    .txs
                    .into_iter()
                    .map(|tx| {
                        let hash = tx.hash;
                        let result = node.admit(tx);
                        if result.is_ok() {
                            node.submitted_at.insert(hash, now);
                        }
                        result
                    })
                    .collect();
                let _ = sub.reply.send(results);
            }
        }
    }
}
