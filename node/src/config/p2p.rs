//! `[p2p]`: where the libp2p swarm listens, whom it dials and admits, and the limits on what
//! one peer may send.

use super::{invalid, nonzero, ConfigError, DEFAULT_P2P_PORT};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct P2pConfig {
    pub listen: String,
    /// A second, QUIC listen address ("/ip4/0.0.0.0/udp/36656/quic-v1"); empty: no QUIC.
    pub quic_listen: String,
    pub persistent_peers: Vec<String>,
    pub allowed_peers: Vec<String>,
    pub max_message_bytes: usize,
    pub max_messages_per_peer_per_second: u32,
    pub dial_backoff_initial_ms: u64,
    pub dial_backoff_max_ms: u64,
}

impl Default for P2pConfig {
    fn default() -> Self {
        P2pConfig {
            listen: format!("/ip4/0.0.0.0/tcp/{DEFAULT_P2P_PORT}"),
            quic_listen: String::new(),
            persistent_peers: Vec::new(),
            allowed_peers: Vec::new(),
            max_message_bytes: 4 * 1024 * 1024,
            max_messages_per_peer_per_second: 20_000,
            dial_backoff_initial_ms: 250,
            dial_backoff_max_ms: 30_000,
        }
    }
}

impl P2pConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        self.listen
            .parse::<libp2p::Multiaddr>()
            .map_err(|e| invalid("p2p.listen", &self.listen, &e.to_string()))?;
        if !self.quic_listen.is_empty() {
            let addr = self
                .quic_listen
                .parse::<libp2p::Multiaddr>()
                .map_err(|e| invalid("p2p.quic_listen", &self.quic_listen, &e.to_string()))?;
            if !addr.iter().any(|p| matches!(p, libp2p::multiaddr::Protocol::QuicV1)) {
                return Err(invalid("p2p.quic_listen", &self.quic_listen, "is not a QUIC address (it needs /udp/<port>/quic-v1)"));
            }
        }
        for peer in &self.persistent_peers {
            crate::network::parse_peer_addr(peer).map_err(|e| invalid("p2p.persistent_peers", peer, &e.to_string()))?;
        }
        for peer in &self.allowed_peers {
            peer.parse::<libp2p::PeerId>().map_err(|e| invalid("p2p.allowed_peers", peer, &e.to_string()))?;
        }
        nonzero("p2p.max_message_bytes", self.max_message_bytes)
    }

    pub(super) fn documented_toml(&self) -> String {
        format!(
            r#"[p2p]
# Multiaddr the libp2p swarm listens on (TCP, noise, yamux). Default port {DEFAULT_P2P_PORT}.
listen = {listen:?}
# Optional QUIC listen address (UDP; TLS 1.3 and its own multiplexing instead of noise and yamux),
# e.g. "/ip4/0.0.0.0/udp/{DEFAULT_P2P_PORT}/quic-v1". Empty: TCP only. Peers may be dialled over
# either: a persistent peer's address decides ("/ip4/1.2.3.4/udp/36656/quic-v1/p2p/<node id>").
quic_listen = {quic_listen:?}
# Peers dialled at start and re-dialled with back-off when they drop: "/ip4/1.2.3.4/tcp/36656/p2p/<node id>".
persistent_peers = {persistent}
# Node ids admitted in addition to the genesis validators (household and observer nodes).
allowed_peers = {allowed}
# Largest gossip or sync message accepted, in bytes.
max_message_bytes = {max_msg}
# Messages per second one peer may send before it is penalised and throttled.
max_messages_per_peer_per_second = {max_rate}
# Re-dial back-off for unreachable persistent peers: starts here and doubles up to the maximum.
dial_backoff_initial_ms = {backoff_initial}
dial_backoff_max_ms = {backoff_max}
"#,
            listen = self.listen,
            quic_listen = self.quic_listen,
            persistent = super::toml_list(&self.persistent_peers),
            allowed = super::toml_list(&self.allowed_peers),
            max_msg = self.max_message_bytes,
            max_rate = self.max_messages_per_peer_per_second,
            backoff_initial = self.dial_backoff_initial_ms,
            backoff_max = self.dial_backoff_max_ms,
        )
    }
}
