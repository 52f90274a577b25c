//! The libp2p swarm: gossip of transactions and consensus messages, block sync, and a
//! permissioned peer set.

mod backoff;
mod events;
mod rate;
mod sync_protocol;

pub use backoff::Backoff;
pub use rate::{RateLimiter, Verdict};
pub use sync_protocol::{SyncRequest, SyncResponse, SyncedBlock, MAX_BLOCKS_PER_RESPONSE};

use futures::StreamExt;
use libp2p::{
    allow_block_list, gossipsub, identity, multiaddr::Protocol, request_response, swarm::NetworkBehaviour,
    swarm::SwarmEvent, Multiaddr, PeerId, StreamProtocol, Swarm,
};
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

pub use node_core::channel::Channel;

fn topic_of(channel: Channel, chain_id: &str) -> gossipsub::IdentTopic {
    gossipsub::IdentTopic::new(format!("/solartrade/{chain_id}/{}/1", channel.name()))
}

#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    #[error("peer address {addr:?} is not a multiaddr ending in /p2p/<node id>: {why}")]
    BadPeerAddr { addr: String, why: String },
    #[error("cannot listen on {addr}: {why} (is another node using this port?)")]
    Listen { addr: Multiaddr, why: String },
    #[error("cannot build the libp2p swarm: {0}")]
    Build(String),
}

/// Splits "/ip4/1.2.3.4/tcp/36656/p2p/<id>" into the peer id and its dialable address.
pub fn parse_peer_addr(text: &str) -> Result<(PeerId, Multiaddr), NetworkError> {
    let bad = |why: &str| NetworkError::BadPeerAddr { addr: text.into(), why: why.into() };
    let addr: Multiaddr = text.parse().map_err(|e: libp2p::multiaddr::Error| bad(&e.to_string()))?;
    match addr.iter().last() {
        Some(Protocol::P2p(peer)) => Ok((peer, addr)),
        _ => Err(bad("no /p2p/<node id> at the end")),
    }
}

#[derive(NetworkBehaviour)]
struct Behaviour {
    allow: allow_block_list::Behaviour<allow_block_list::AllowedPeers>,
    gossip: gossipsub::Behaviour,
    sync: request_response::cbor::Behaviour<SyncRequest, SyncResponse>,
}

/// Settings the swarm needs, taken from config.toml and the genesis.
pub struct NetworkSettings {
    pub chain_id: String,
    pub listen: Multiaddr,
    /// Also listen over QUIC here.
    pub quic_listen: Option<Multiaddr>,
    pub persistent_peers: Vec<(PeerId, Multiaddr)>,
    /// Everyone who may stay connected: genesis validators and config's allowed peers.
    pub allowed: HashSet<PeerId>,
    pub max_message_bytes: usize,
    pub max_messages_per_peer_per_second: u32,
    pub dial_backoff_initial: Duration,
    pub dial_backoff_max: Duration,
}

pub type ResponseChannel = request_response::ResponseChannel<SyncResponse>;

/// What the swarm reports to the node.
pub enum NetEvent {
    Gossip { channel: Channel, source: PeerId, id: gossipsub::MessageId, data: Vec<u8> },
    SyncRequest { peer: PeerId, request: SyncRequest, channel: ResponseChannel },
    SyncResponse { peer: PeerId, response: SyncResponse },
    SyncFailed { peer: PeerId, why: String },
    PeerConnected(PeerId),
    PeerDisconnected(PeerId),
}

/// How a gossiped message fared in the node's validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Acceptance {
    /// Valid: forward it.
    Accept,
    /// Invalid: drop it and penalise the peer that sent it.
    Reject,
    /// Not useful (stale, duplicate, throttled): drop it without penalty.
    Ignore,
}

pub struct Network {
    swarm: Swarm<Behaviour>,
    chain_id: String,
    topics: HashMap<gossipsub::TopicHash, Channel>,
    persistent: HashMap<PeerId, (Multiaddr, Backoff)>,
    connected: HashSet<PeerId>,
    rate: RateLimiter,
    dial_tick: tokio::time::Interval,
    max_message_bytes: usize,
    allowed: HashSet<PeerId>,
}

fn message_id(message: &gossipsub::Message) -> gossipsub::MessageId {
    use sha2::Digest;
    let mut h = sha2::Sha256::new();
    // Transactions are content-addressed, so one submitted at two nodes is gossiped once.
    // Consensus messages also carry their publisher and sequence number: a validator's
    // rebroadcast of an identical vote must travel again to reach peers that lost it.
    if !message.topic.as_str().ends_with("/txs/1") {
        if let Some(source) = &message.source {
            h.update(source.to_bytes());
        }
        h.update(message.sequence_number.unwrap_or(0).to_be_bytes());
    }
    h.update(&message.data);
    gossipsub::MessageId::from(h.finalize()[..20].to_vec())
}

fn gossip_behaviour(keypair: &identity::Keypair, settings: &NetworkSettings) -> Result<gossipsub::Behaviour, NetworkError> {
    let config = gossipsub::ConfigBuilder::default()
        .heartbeat_interval(Duration::from_millis(250))
        .max_transmit_size(settings.max_message_bytes)
        // Peers are authenticated by noise and every payload is signed by its author's
        // chain key, so a second gossipsub signature per message would only add latency.
        .validation_mode(gossipsub::ValidationMode::Permissive)
        .validate_messages()
        .message_id_fn(message_id)
        .duplicate_cache_time(Duration::from_secs(120))
        .build()
        .map_err(|e| NetworkError::Build(e.to_string()))?;
    let mut gossip = gossipsub::Behaviour::new(gossipsub::MessageAuthenticity::Author(keypair.public().to_peer_id()), config)
        .map_err(|e| NetworkError::Build(e.to_string()))?;
    let mut params = gossipsub::PeerScoreParams::default();
    for channel in Channel::ALL {
        let score = gossipsub::TopicScoreParams {
            // Each message the node rejects costs the forwarder; a few dozen push it under the
            // graylist threshold, where its gossip is ignored.
            invalid_message_deliveries_weight: -10.0,
            invalid_message_deliveries_decay: 0.9,
            ..Default::default()
        };
        params.topics.insert(topic_of(channel, &settings.chain_id).hash(), score);
    }
    gossip.with_peer_score(params, gossipsub::PeerScoreThresholds::default()).map_err(NetworkError::Build)?;
    Ok(gossip)
}

impl Network {
    pub fn new(keypair: identity::Keypair, settings: NetworkSettings) -> Result<Network, NetworkError> {
        let gossip = gossip_behaviour(&keypair, &settings)?;
        let codec = request_response::cbor::codec::Codec::<SyncRequest, SyncResponse>::default()
            .set_request_size_maximum(4096)
            .set_response_size_maximum(64 * 1024 * 1024);
        let sync = request_response::Behaviour::with_codec(
            codec,
            [(StreamProtocol::new(sync_protocol::PROTOCOL), request_response::ProtocolSupport::Full)],
            request_response::Config::default().with_request_timeout(Duration::from_secs(20)),
        );
        let mut allow = allow_block_list::Behaviour::<allow_block_list::AllowedPeers>::default();
        for peer in &settings.allowed {
            allow.allow_peer(*peer);
        }
        // The swarm never dials itself, but a genesis lists every validator: allow our own id.
        allow.allow_peer(keypair.public().to_peer_id());
        let mut swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
            .with_tokio()
            .with_tcp(
                libp2p::tcp::Config::default().nodelay(true),
                libp2p::noise::Config::new,
                libp2p::yamux::Config::default,
            )
            .map_err(|e| NetworkError::Build(e.to_string()))?
            .with_quic()
            .with_behaviour(|_| Behaviour { allow, gossip, sync })
            .map_err(|e| NetworkError::Build(e.to_string()))?
            .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(3600)))
            .build();
        let mut topics = HashMap::new();
        for channel in Channel::ALL {
            let topic = topic_of(channel, &settings.chain_id);
            swarm
                .behaviour_mut()
                .gossip
                .subscribe(&topic)
                .map_err(|e| NetworkError::Build(format!("subscribe {topic}: {e}")))?;
            topics.insert(topic.hash(), channel);
        }
        swarm
            .listen_on(settings.listen.clone())
            .map_err(|e| NetworkError::Listen { addr: settings.listen.clone(), why: e.to_string() })?;
        if let Some(quic) = &settings.quic_listen {
            swarm.listen_on(quic.clone()).map_err(|e| NetworkError::Listen { addr: quic.clone(), why: e.to_string() })?;
        }
        let now = Instant::now();
        let persistent = settings
            .persistent_peers
            .iter()
            .filter(|(peer, _)| peer != swarm.local_peer_id())
            .map(|(peer, addr)| (*peer, (addr.clone(), Backoff::new(settings.dial_backoff_initial, settings.dial_backoff_max, now))))
            .collect();
        let mut dial_tick = tokio::time::interval(Duration::from_millis(100));
        dial_tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        Ok(Network {
            swarm,
            chain_id: settings.chain_id,
            topics,
            persistent,
            connected: HashSet::new(),
            rate: RateLimiter::new(settings.max_messages_per_peer_per_second),
            dial_tick,
            max_message_bytes: settings.max_message_bytes,
            allowed: settings.allowed,
        })
    }

    pub fn local_peer_id(&self) -> PeerId {
        *self.swarm.local_peer_id()
    }

    pub fn peers(&self) -> Vec<PeerId> {
        let mut peers: Vec<PeerId> = self.connected.iter().copied().collect();
        peers.sort();
        peers
    }

    /// Publishes `data`; false when no peer took it (none subscribed yet, or over the limit),
    /// so a caller whose message matters can send it again.
    pub fn publish(&mut self, channel: Channel, data: Vec<u8>) -> bool {
        let topic = topic_of(channel, &self.chain_id);
        let len = data.len();
        match self.swarm.behaviour_mut().gossip.publish(topic, data) {
            Ok(_) | Err(gossipsub::PublishError::Duplicate) => true,
            // A message over the limit never goes anywhere, which the operator must see.
            Err(gossipsub::PublishError::MessageTooLarge) => {
                tracing::warn!(channel = channel.name(), bytes = len, max = self.max_message_bytes, "gossip message over the size limit not published");
                false
            }
            Err(e) => {
                tracing::debug!(channel = channel.name(), bytes = len, error = %e, "gossip publish dropped");
                false
            }
        }
    }

    /// Replaces the set of peers that may connect: newly allowed peers may dial in, and the
    /// connections of peers no longer allowed (a removed or slashed validator) are closed.
    pub fn set_allowed(&mut self, allowed: &HashSet<PeerId>) {
        let me = self.local_peer_id();
        let removed: Vec<PeerId> = self.allowed.difference(allowed).copied().filter(|p| *p != me).collect();
        for peer in removed {
            self.swarm.behaviour_mut().allow.disallow_peer(peer);
            tracing::info!(%peer, "peer no longer allowed (left the validator set or the registry); disconnected");
        }
        for peer in allowed.difference(&self.allowed.clone()) {
            self.swarm.behaviour_mut().allow.allow_peer(*peer);
            tracing::info!(%peer, "peer allowed (joined the validator set or the registry)");
        }
        self.allowed = allowed.clone();
    }

    pub fn validated(&mut self, id: &gossipsub::MessageId, source: &PeerId, acceptance: Acceptance) {
        let acceptance = match acceptance {
            Acceptance::Accept => gossipsub::MessageAcceptance::Accept,
            Acceptance::Reject => gossipsub::MessageAcceptance::Reject,
            Acceptance::Ignore => gossipsub::MessageAcceptance::Ignore,
        };
        self.swarm.behaviour_mut().gossip.report_message_validation_result(id, source, acceptance);
    }

    pub fn request_blocks(&mut self, peer: PeerId, request: SyncRequest) {
        self.swarm.behaviour_mut().sync.send_request(&peer, request);
    }

    pub fn respond(&mut self, channel: ResponseChannel, response: SyncResponse) {
        if self.swarm.behaviour_mut().sync.send_response(channel, response).is_err() {
            tracing::debug!("sync requester went away before the response");
        }
    }
}
