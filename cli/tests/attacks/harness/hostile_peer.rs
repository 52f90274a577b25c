//! The hostile peer: a household node the validators admit (its node id is in their
//! `p2p.allowed_peers`), running the node's own `Network` in the test process. It publishes
//! whatever bytes a scenario crafts and answers sync requests as the scenario's liar decides.

use ledger::sign::Keypair;
use node::network::{Channel, NetEvent, Network, NetworkSettings, SyncRequest, SyncResponse};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Decides the answer to a sync request; None leaves the requester waiting until it times out.
pub type SyncLiar = Box<dyn FnMut(&SyncRequest) -> Option<SyncResponse> + Send>;

/// The hostile peer's own transmit limit: above the nodes' 4 MiB, so it can send oversize messages.
const MAX_TRANSMIT_BYTES: usize = 12 * 1024 * 1024;

#[derive(Debug, Default, Clone)]
pub struct PeerStats {
    pub connected: HashSet<String>,
    pub sync_requests: u64,
    pub sync_lies: u64,
    pub sync_responses: u64,
    pub published: u64,
}

enum Command {
    Publish(Channel, Vec<u8>),
    RequestBlocks(String, SyncRequest),
    Stop,
}

pub struct HostilePeer {
    /// Node key: the libp2p identity, and the key it signs consensus messages with.
    pub key: Keypair,
    commands: mpsc::UnboundedSender<Command>,
    stats: Arc<Mutex<PeerStats>>,
    liar: Arc<Mutex<Option<SyncLiar>>>,
    handle: Option<JoinHandle<()>>,
}

impl HostilePeer {
    /// A fresh key and node id, to admit in the validators' configs before they start.
    pub fn new_key() -> (Keypair, String) {
        let key = Keypair::generate();
        let id = node::localnet::node_id_of(&key).expect("node id of a fresh key");
        (key, id)
    }

    /// Joins the network listening on `port`, dialling `validators` ("/ip4/../p2p/<id>").
    pub fn join(key: Keypair, chain_id: &str, port: u16, validators: &[String]) -> HostilePeer {
        let seed = key.seed();
        let persistent: Vec<_> = validators.iter().map(|a| node::network::parse_peer_addr(a).expect("validator address")).collect();
        let settings = NetworkSettings {
            chain_id: chain_id.to_string(),
            listen: format!("/ip4/127.0.0.1/tcp/{port}").parse().expect("listen address"),
            quic_listen: None,
            allowed: persistent.iter().map(|(p, _)| *p).collect(),
            persistent_peers: persistent,
            max_message_bytes: MAX_TRANSMIT_BYTES,
            max_messages_per_peer_per_second: 1_000_000,
            dial_backoff_initial: Duration::from_millis(200),
            dial_backoff_max: Duration::from_millis(1000),
        };
        let (commands, rx) = mpsc::unbounded_channel();
        let stats = Arc::new(Mutex::new(PeerStats::default()));
        let liar: Arc<Mutex<Option<SyncLiar>>> = Arc::new(Mutex::new(None));
        let handle = std::thread::spawn({
            let (stats, liar) = (stats.clone(), liar.clone());
            move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
                rt.block_on(drive(Keypair::from_seed(&seed), settings, rx, stats, liar));
            }
        });
        HostilePeer { key, commands, stats, liar, handle: Some(handle) }
    }

    pub fn stats(&self) -> PeerStats {
        self.stats.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits until connected to `count` peers; false after `timeout`.
    pub fn wait_connected(&self, count: usize, timeout: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < timeout {
            if self.stats().connected.len() >= count {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    pub fn publish(&self, channel: Channel, data: Vec<u8>) {
        let _ = self.commands.send(Command::Publish(channel, data));
    }

    pub fn request_blocks(&self, node_id: &str, request: SyncRequest) {
        let _ = self.commands.send(Command::RequestBlocks(node_id.to_string(), request));
    }

    pub fn answer_sync(&self, liar: SyncLiar) {
        if let Ok(mut l) = self.liar.lock() {
            *l = Some(liar);
        }
    }
}

impl Drop for HostilePeer {
    fn drop(&mut self) {
        let _ = self.commands.send(Command::Stop);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

async fn drive(
    key: Keypair,
    settings: NetworkSettings,
    mut rx: mpsc::UnboundedReceiver<Command>,
    stats: Arc<Mutex<PeerStats>>,
    liar: Arc<Mutex<Option<SyncLiar>>>,
) {
    let identity = node::localnet::node_identity(&key).expect("libp2p identity");
    let mut network = Network::new(identity, settings).expect("hostile peer's swarm");
    loop {
        tokio::select! {
            command = rx.recv() => match command {
                None | Some(Command::Stop) => return,
                Some(Command::Publish(channel, data)) => {
                    network.publish(channel, data);
                    bump(&stats, |s| s.published += 1);
                }
                Some(Command::RequestBlocks(peer, request)) => {
                    if let Ok(peer) = peer.parse() {
                        network.request_blocks(peer, request);
                    }
                }
            },
            event = network.next() => on_event(&mut network, event, &stats, &liar),
        }
    }
}

fn bump(stats: &Mutex<PeerStats>, f: impl FnOnce(&mut PeerStats)) {
    if let Ok(mut s) = stats.lock() {
        f(&mut s);
    }
}

fn on_event(network: &mut Network, event: NetEvent, stats: &Mutex<PeerStats>, liar: &Mutex<Option<SyncLiar>>) {
    match event {
        // It relays nothing it hears: honest traffic reaches the validators without it.
        NetEvent::Gossip { source, id, .. } => network.validated(&id, &source, node::network::Acceptance::Ignore),
        NetEvent::SyncRequest { request, channel, .. } => {
            bump(stats, |s| s.sync_requests += 1);
            let answer = liar.lock().ok().and_then(|mut l| l.as_mut().and_then(|f| f(&request)));
            if let Some(response) = answer {
                bump(stats, |s| s.sync_lies += 1);
                network.respond(channel, response);
            }
        }
        NetEvent::SyncResponse { .. } => bump(stats, |s| s.sync_responses += 1),
        NetEvent::SyncFailed { .. } => {}
        NetEvent::PeerConnected(p) => bump(stats, |s| {
            s.connected.insert(p.to_string());
        }),
        NetEvent::PeerDisconnected(p) => bump(stats, |s| {
            s.connected.remove(&p.to_string());
        }),
    }
}
