//! Start-up (keys, servers, store, network) and the event loop that drives the node.

use super::*;

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
    crate::genesis::validate(&genesis).context("the genesis is not valid")?;
    let node_key = ledger::sign::Keypair::load(&home.node_key_file()).context("cannot load the node key")?;
    let validator_key = if home.validator_key_file().is_file() {
        Some(ledger::sign::Keypair::load(&home.validator_key_file()).context("cannot load the validator key")?)
    } else {
        None
    };
    let identity = libp2p::identity::Keypair::ed25519_from_bytes(node_key.seed()).context("node key is not an ed25519 key")?;
    let peer_id = identity.public().to_peer_id();

    // Bind the servers first, so a port in use fails start-up with a clear message.
    let rpc_listener = bind("RPC", &config.rpc.listen).await?;
    let metrics_listener = if config.metrics.enabled { Some(bind("metrics", &config.metrics.listen).await?) } else { None };
    // Load the agent's key and profile before anything starts, so a bad [agent] section fails start-up.
    let household_agent = if config.agent.enabled {
        Some(crate::household_agent::HouseholdAgent::load(&home, &config.agent).context("cannot start the household agent")?)
    } else {
        None
    };
    std::fs::create_dir_all(home.data_dir()).with_context(|| format!("cannot create {}", home.data_dir().display()))?;
    let chain = crate::chain::open(&home.chain_db(), genesis.clone()).context("cannot open the chain store")?;
    let tip = chain.tip().height;
    if let Some(required) = chain.upgrade_required() {
        return Err(anyhow::Error::new(required));
    }
    let history = crate::history::History::rebuild(chain.store(), &CommittedState(chain.store().clone()), &genesis.chain_id)
        .context("cannot rebuild the households' recent history")?;
    let mut driver = open_driver(chain, &home, &config, validator_key)?;
    let allowlist = Allowlist::new(&genesis, configured_peers(&config)?.0);
    let network = Network::new(identity, network_settings(&config, &genesis, allowed_now(&allowlist, driver.chain()))?)?;

    let metrics = Metrics::new();
    metrics.height.set(tip as i64);
    let (submit_tx, submit_rx) = mpsc::channel::<Submission>(8192);
    let (prove_tx, prove_rx) = mpsc::channel::<ProofRequest>(PROOF_QUEUE);
    let shared = Arc::new(Shared {
        genesis: Arc::new(genesis.clone()),
        node_id: peer_id.to_string(),
        moniker: config.moniker.clone(),
        validator: driver.is_validator(),
        store: driver.chain().store().clone(),
        status: RwLock::new(StatusSnapshot::default()),
        txs: Mutex::new(Default::default()),
        commit_latency_ms: Mutex::new(Default::default()),
        events: broadcast::channel(1024).0,
        history: Mutex::new(history),
        submit: submit_tx,
        prove: prove_tx,
        max_nonce_ahead: config.mempool.max_per_account as u64,
        metrics: metrics.clone(),
        snapshot_dir: crate::snapshots::snapshot_dir(&home.data_dir()),
    });
    let rpc_addr = rpc_listener.local_addr()?;
    tokio::spawn(crate::rpc::serve(rpc_listener, crate::rpc::router(shared.clone(), &config.rpc), crate::rpc::ServerLimits::from(&config.rpc)));
    if let Some(listener) = metrics_listener {
        tracing::info!(addr = %listener.local_addr()?, "metrics listening");
        tokio::spawn(crate::metrics::serve(listener, metrics));
    }
    tracing::info!(chain_id = %genesis.chain_id, node_id = %peer_id, validator = shared.validator, height = tip, rpc = %rpc_addr, "node started");
    if let Some(agent) = household_agent {
        tokio::spawn(crate::household_agent::run(agent, shared.clone()));
    }
    let (sync_server, sync_ready) = SyncServer::new(driver.chain().store().clone());
    let (tx_gossip, tx_checked) = TxGossip::new(genesis.chain_id.clone());
    if driver.chain().validators().validators().len() > 1 {
        driver.hold_proposals_until(u64::MAX);
    }
    let start_effects = driver.start(now_ms()).map_err(stop_reason)?;
    let mut node = Node::new(driver, network, shared, sync_server, tx_gossip, allowlist);
    node.retain_blocks = config.storage.retain_blocks;
    node.snapshots = Some(crate::snapshots::Snapshots::new(&home.data_dir(), &config.statesync));
    node.pending_file = Some(super::pending::pending_file(&home.data_dir()));
    // What a full pool of this configuration writes, length prefixes included.
    let pending_limit = (config.mempool.max_bytes as u64).saturating_add((config.mempool.max_txs as u64).saturating_mul(4));
    node.restore_pending(pending_limit);
    node.arm(Instant::now() + Duration::from_millis(500), TimerKind::SyncTick);
    node.run_effects(start_effects);
    event_loop(node, Inputs { submissions: submit_rx, proofs: prove_rx, sync_ready, tx_checked }).await
}

/// Proof requests waiting for the node task; one more is answered 503. Each is at most
/// 1,024 keys, so a full queue is a few milliseconds of the task's time.
const PROOF_QUEUE: usize = 16;

async fn bind(what: &str, addr: &str) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen for {what} on {addr} (is another node using this port?)"))
}

fn open_driver(chain: NodeChain, home: &Home, config: &Config, validator_key: Option<ledger::sign::Keypair>) -> anyhow::Result<NodeDriver> {
    let limits = Limits {
        max_txs: config.mempool.max_txs,
        max_bytes: config.mempool.max_bytes,
        max_per_account: config.mempool.max_per_account,
        max_tx_bytes: config.mempool.max_tx_bytes,
    };
    let mempool = Mempool::new(limits, chain.tip().height + 1, chain.genesis.app_state.administrator);
    let wal = Wal::open(&home.wal_file())?;
    let c = &config.consensus;
    let params = consensus::Params {
        timeout_propose_ms: c.timeout_propose_ms,
        timeout_propose_delta_ms: c.timeout_increase_ms,
        timeout_prevote_ms: c.timeout_prevote_ms,
        timeout_prevote_delta_ms: c.timeout_increase_ms,
        timeout_precommit_ms: c.timeout_precommit_ms,
        timeout_precommit_delta_ms: c.timeout_increase_ms,
        ..consensus::Params::default()
    };
    let settings = DriverSettings { params, max_block_txs: c.max_block_txs, max_message_bytes: config.p2p.max_message_bytes, bid_wait_ms: c.bid_wait_ms, planted_bug_skip_wal_sync: false };
    Ok(Driver::new(chain, mempool, validator_key, wal, settings))
}

/// The peers the configuration allows, and those of them to keep dialling (with addresses).
fn configured_peers(config: &Config) -> anyhow::Result<(HashSet<PeerId>, Vec<(PeerId, libp2p::Multiaddr)>)> {
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
    Ok((configured, persistent))
}

fn network_settings(config: &Config, genesis: &Genesis, allowed: HashSet<PeerId>) -> anyhow::Result<NetworkSettings> {
    let p2p = &config.p2p;
    Ok(NetworkSettings {
        chain_id: genesis.chain_id.clone(),
        listen: p2p.listen.parse().with_context(|| format!("p2p.listen {:?}", p2p.listen))?,
        quic_listen: match p2p.quic_listen.as_str() {
            "" => None,
            text => Some(text.parse().with_context(|| format!("p2p.quic_listen {text:?}"))?),
        },
        persistent_peers: configured_peers(config)?.1,
        allowed,
        max_message_bytes: p2p.max_message_bytes,
        max_messages_per_peer_per_second: p2p.max_messages_per_peer_per_second,
        dial_backoff_initial: Duration::from_millis(p2p.dial_backoff_initial_ms),
        dial_backoff_max: Duration::from_millis(p2p.dial_backoff_max_ms),
    })
}

/// What the loop listens to besides the swarm and the timers.
struct Inputs {
    submissions: mpsc::Receiver<Submission>,
    proofs: mpsc::Receiver<ProofRequest>,
    sync_ready: mpsc::Receiver<crate::sync_server::Ready>,
    tx_checked: mpsc::Receiver<crate::tx_gossip::Checked>,
}

/// Runs the node until it stops, for whatever reason, then keeps its pool for the next start.
async fn event_loop(mut node: Node, inputs: Inputs) -> anyhow::Result<()> {
    let stopped = serve(&mut node, inputs).await;
    node.save_pending();
    stopped
}

async fn serve(node: &mut Node, mut inputs: Inputs) -> anyhow::Result<()> {
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
            event = node.network.next() => node.on_net_event(event).map_err(stop_reason)?,
            Some(ready) = inputs.sync_ready.recv() => node.network.respond(ready.channel, ready.response),
            Some(checked) = inputs.tx_checked.recv() => node.on_tx_checked(checked),
            Some(sub) = inputs.submissions.recv() => node.on_submission(sub),
            Some(request) = inputs.proofs.recv() => node.on_proof_request(request),
        }
        if let Some(required) = node.halt.take() {
            return Err(anyhow::Error::new(required));
        }
    }
}

impl Node {
    fn on_net_event(&mut self, event: NetEvent) -> Result<(), crate::driver::DriverError> {
        match event {
            NetEvent::Gossip { channel, source, id, data } => {
                let verdict = match channel {
                    Channel::Txs => self.on_tx_gossip(id.clone(), source, &data),
                    Channel::Consensus | Channel::Evidence => {
                        let (verdict, effects) = self.driver.on_gossip(&data, now_ms())?;
                        self.run_effects(effects);
                        Some(verdict)
                    }
                };
                if let Some(verdict) = verdict {
                    self.judge(channel, &id, &source, verdict);
                }
            }
            NetEvent::SyncRequest { peer, request, channel } => self.on_sync_request(peer, request, channel),
            NetEvent::SyncResponse { peer, response } => self.on_sync_response(peer, response),
            NetEvent::SyncFailed { peer, why } => {
                tracing::debug!(%peer, why, "sync request failed");
                if self.sync_in_flight.is_some_and(|(p, _, _)| p == peer) {
                    self.sync_in_flight = None;
                }
            }
            NetEvent::PeerConnected(_) => {
                self.on_first_peer();
                self.publish_status();
                self.request_sync();
                // After the gossipsub subscriptions have been exchanged (a heartbeat).
                self.arm(Instant::now() + REGOSSIP_DELAY, TimerKind::Regossip);
            }
            NetEvent::PeerDisconnected(peer) => {
                self.sync_peers.forget(&peer);
                self.publish_status();
            }
        }
        Ok(())
    }

    /// State proofs for a light client, between two commits (the node task owns the tree).
    fn on_proof_request(&mut self, request: ProofRequest) {
        let answer = self.driver.prove(&request.keys, crate::rpc::light::MAX_PROOF_BYTES);
        let _ = request.reply.send(answer);
    }

    /// Transactions from RPC or the household agent, already verified and state-checked.
    fn on_submission(&mut self, sub: Submission) {
        let now = Instant::now();
        let results: Vec<Result<(), AdmissionError>> = sub
            .txs
            .into_iter()
            .map(|tx| {
                let hash = tx.hash;
                let result = self.admit(tx);
                if result.is_ok() {
                    self.submitted_at.insert(hash, now);
                }
                result
            })
            .collect();
        let _ = sub.reply.send(results);
    }
}

