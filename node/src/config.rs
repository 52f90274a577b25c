//! `config.toml`: the node's local settings, with documented defaults.

use market_runtime::model::BatteryStrategy;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod rpc;
pub use rpc::RpcConfig;

pub const DEFAULT_P2P_PORT: u16 = 36656;
pub const DEFAULT_RPC_PORT: u16 = 36657;
pub const DEFAULT_METRICS_PORT: u16 = 36660;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub moniker: String,
    pub p2p: P2pConfig,
    pub rpc: RpcConfig,
    pub metrics: MetricsConfig,
    pub mempool: MempoolConfig,
    pub consensus: ConsensusConfig,
    pub log: LogConfig,
    pub agent: AgentConfig,
}

/// Where the household agent's bids come from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ProfileSource {
    /// Household `profile_index` of the community simulated from `seed` (the same one
    /// `testnet local` and `meter-sim` use).
    Simulated,
    /// Household `profile_index` (first-appearance order) of the meter CSV at `csv_file`.
    Csv,
}

/// `[agent]`: a household node meters and bids for itself each slot.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AgentConfig {
    pub enabled: bool,
    /// The household's meter key (its address); relative paths are under the home directory.
    pub key_file: String,
    pub profile: ProfileSource,
    pub profile_index: usize,
    pub seed: u64,
    /// Relative paths are under the home directory.
    pub csv_file: String,
    /// Do not bid for a slot that closes sooner than this.
    pub margin_ms: u64,
    /// Simulated: the community's site (doha, freiburg, sydney) and the day its first slot
    /// falls on (MM-DD or day of the year).
    pub site: String,
    pub day: String,
    /// How the household's battery runs (`self-consumption` or `market-aware`).
    pub battery_strategy: BatteryStrategy,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            enabled: false,
            key_file: "config/household_key.json".into(),
            profile: ProfileSource::Simulated,
            profile_index: 0,
            seed: 1,
            csv_file: String::new(),
            margin_ms: 150,
            site: "doha".into(),
            day: "07-15".into(),
            battery_strategy: BatteryStrategy::SelfConsumption,
        }
    }
}

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

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsConfig {
    pub enabled: bool,
    pub listen: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct MempoolConfig {
    pub max_txs: usize,
    pub max_bytes: usize,
    pub max_per_account: usize,
    pub max_tx_bytes: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ConsensusConfig {
    pub timeout_propose_ms: u64,
    pub timeout_prevote_ms: u64,
    pub timeout_precommit_ms: u64,
    pub timeout_increase_ms: u64,
    pub max_block_txs: usize,
    /// After a slot's deadline, how long its proposer waits for approved households that have
    /// not bid yet (0: not at all). With 0 ms slots this is what lets every home bid.
    pub bid_wait_ms: u64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    pub format: LogFormat,
    pub level: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            moniker: "solartrade-node".into(),
            p2p: P2pConfig::default(),
            rpc: RpcConfig::default(),
            metrics: MetricsConfig::default(),
            mempool: MempoolConfig::default(),
            consensus: ConsensusConfig::default(),
            log: LogConfig::default(),
            agent: AgentConfig::default(),
        }
    }
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
impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig { enabled: true, listen: format!("127.0.0.1:{DEFAULT_METRICS_PORT}") }
    }
}
impl Default for MempoolConfig {
    fn default() -> Self {
        MempoolConfig { max_txs: 200_000, max_bytes: 64 * 1024 * 1024, max_per_account: 64, max_tx_bytes: 4096 }
    }
}
impl Default for ConsensusConfig {
    fn default() -> Self {
        ConsensusConfig {
            timeout_propose_ms: 1000,
            timeout_prevote_ms: 500,
            timeout_precommit_ms: 500,
            timeout_increase_ms: 500,
            max_block_txs: ledger::limits::MAX_BLOCK_TXS,
            bid_wait_ms: 200,
        }
    }
}
impl Default for LogConfig {
    fn default() -> Self {
        LogConfig { format: LogFormat::Text, level: "info".into() }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("config {path} is not valid: {source}")]
    Parse { path: PathBuf, source: Box<toml::de::Error> },
    #[error("cannot write config {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("config {field} = {value:?} is not valid: {why}")]
    Invalid { field: &'static str, value: String, why: String },
}

impl Config {
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read { path: path.into(), source })?;
        let config: Config =
            toml::from_str(&text).map_err(|source| ConfigError::Parse { path: path.into(), source: Box::new(source) })?;
        config.validate()?;
        Ok(config)
    }

    pub fn save(&self, path: &Path) -> Result<(), ConfigError> {
        std::fs::write(path, self.to_documented_toml()).map_err(|source| ConfigError::Write { path: path.into(), source })
    }

    /// Checks what serde cannot: addresses parse, limits are not zero.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |field, value: &str, why: &str| ConfigError::Invalid { field, value: value.into(), why: why.into() };
        self.p2p
            .listen
            .parse::<libp2p::Multiaddr>()
            .map_err(|e| invalid("p2p.listen", &self.p2p.listen, &e.to_string()))?;
        if !self.p2p.quic_listen.is_empty() {
            let addr = self
                .p2p
                .quic_listen
                .parse::<libp2p::Multiaddr>()
                .map_err(|e| invalid("p2p.quic_listen", &self.p2p.quic_listen, &e.to_string()))?;
            if !addr.iter().any(|p| matches!(p, libp2p::multiaddr::Protocol::QuicV1)) {
                return Err(invalid("p2p.quic_listen", &self.p2p.quic_listen, "is not a QUIC address (it needs /udp/<port>/quic-v1)"));
            }
        }
        for peer in &self.p2p.persistent_peers {
            crate::network::parse_peer_addr(peer).map_err(|e| invalid("p2p.persistent_peers", peer, &e.to_string()))?;
        }
        for peer in &self.p2p.allowed_peers {
            peer.parse::<libp2p::PeerId>().map_err(|e| invalid("p2p.allowed_peers", peer, &e.to_string()))?;
        }
        self.rpc.validate()?;
        self.metrics
            .listen
            .parse::<std::net::SocketAddr>()
            .map_err(|e| invalid("metrics.listen", &self.metrics.listen, &e.to_string()))?;
        for (field, value) in [
            ("mempool.max_txs", self.mempool.max_txs),
            ("mempool.max_bytes", self.mempool.max_bytes),
            ("mempool.max_per_account", self.mempool.max_per_account),
            ("mempool.max_tx_bytes", self.mempool.max_tx_bytes),
            ("p2p.max_message_bytes", self.p2p.max_message_bytes),
            ("consensus.max_block_txs", self.consensus.max_block_txs),
        ] {
            if value == 0 {
                return Err(invalid(field, "0", "must be at least 1"));
            }
        }
        if self.consensus.max_block_txs > ledger::limits::MAX_BLOCK_TXS {
            // Every node refuses a block over the ledger's limit: a proposer that built one
            // would stall its rounds.
            return Err(invalid(
                "consensus.max_block_txs",
                &self.consensus.max_block_txs.to_string(),
                &format!("must be at most {} (the ledger's limit on transactions per block)", ledger::limits::MAX_BLOCK_TXS),
            ));
        }
        if self.consensus.bid_wait_ms >= self.consensus.timeout_propose_ms {
            return Err(invalid(
                "consensus.bid_wait_ms",
                &self.consensus.bid_wait_ms.to_string(),
                "must be below consensus.timeout_propose_ms (the other validators would time out the proposal first)",
            ));
        }
        if self.agent.enabled {
            if self.agent.key_file.is_empty() {
                return Err(invalid("agent.key_file", "", "the agent needs the household's key file"));
            }
            if self.agent.profile == ProfileSource::Csv && self.agent.csv_file.is_empty() {
                return Err(invalid("agent.csv_file", "", "profile = \"csv\" needs a CSV file"));
            }
        }
        Ok(())
    }

    /// The TOML text with a comment above every setting, so the file documents itself.
    pub fn to_documented_toml(&self) -> String {
        let list = |v: &[String]| {
            let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
            format!("[{}]", items.join(", "))
        };
        let profile = match self.agent.profile {
            ProfileSource::Simulated => "simulated",
            ProfileSource::Csv => "csv",
        };
        let log_format = match self.log.format {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        };
        format!(
            r#"# solartrade node configuration. Every setting shows its default when `solartrade init` wrote it.

# A human-readable name for this node, shown in /status and /validators.
moniker = {moniker:?}

[p2p]
# Multiaddr the libp2p swarm listens on (TCP, noise, yamux). Default port {DEFAULT_P2P_PORT}.
listen = {p2p_listen:?}
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

{rpc_section}
[metrics]
# Prometheus text on /metrics. Default port {DEFAULT_METRICS_PORT}.
enabled = {metrics_enabled}
listen = {metrics_listen:?}

[mempool]
# Most transactions held at once, total bytes, per sending account, and bytes per transaction.
max_txs = {max_txs}
max_bytes = {max_bytes}
max_per_account = {max_per_account}
max_tx_bytes = {max_tx_bytes}

[consensus]
# Round timeouts; each later round of a height waits `timeout_increase_ms` longer.
timeout_propose_ms = {t_propose}
timeout_prevote_ms = {t_prevote}
timeout_precommit_ms = {t_precommit}
timeout_increase_ms = {t_increase}
# Most transactions a proposer puts in one block.
max_block_txs = {max_block_txs}
# After a slot's deadline its proposer waits up to this long for approved households that have
# not bid yet (0: never waits); below timeout_propose_ms, or the round times out first.
bid_wait_ms = {bid_wait_ms}

[log]
# "text" or "json".
format = "{log_format}"
# A tracing filter, e.g. "info" or "node=debug,libp2p=warn".
level = {log_level:?}

[agent]
# Run this household's agent inside the node: each slot it meters PV, load and battery,
# signs its bid with the reading attached and puts it in this node's own mempool (gossiped
# from here, no RPC round trip).
enabled = {agent_enabled}
# The household's meter key (its address on chain); relative to the home directory.
key_file = {agent_key:?}
# "simulated": household `profile_index` of the community simulated from `seed` (as
# `testnet local` and `meter-sim` generate it). "csv": household `profile_index`, in order of
# first appearance, of the meter CSV `csv_file` (relative to the home directory).
profile = "{profile}"
profile_index = {agent_index}
seed = {agent_seed}
csv_file = {agent_csv:?}
# Do not bid for a slot that closes sooner than this, in ms.
margin_ms = {agent_margin}
# How the household's battery runs: "self-consumption" (its own surplus in, its own deficit
# out) or "market-aware" (also buys its share of the community's surplus when that is cheap,
# holds its charge for the dearest hours and sells when a sale beats its own later use; it
# forecasts each slot by what the chain cleared a day earlier). Nothing changes without a battery.
battery_strategy = "{agent_strategy}"
"#,
            moniker = self.moniker,
            p2p_listen = self.p2p.listen,
            quic_listen = self.p2p.quic_listen,
            persistent = list(&self.p2p.persistent_peers),
            allowed = list(&self.p2p.allowed_peers),
            max_msg = self.p2p.max_message_bytes,
            max_rate = self.p2p.max_messages_per_peer_per_second,
            backoff_initial = self.p2p.dial_backoff_initial_ms,
            backoff_max = self.p2p.dial_backoff_max_ms,
            rpc_section = self.rpc.documented_toml(),
            metrics_enabled = self.metrics.enabled,
            metrics_listen = self.metrics.listen,
            max_txs = self.mempool.max_txs,
            max_bytes = self.mempool.max_bytes,
            max_per_account = self.mempool.max_per_account,
            max_tx_bytes = self.mempool.max_tx_bytes,
            t_propose = self.consensus.timeout_propose_ms,
            t_prevote = self.consensus.timeout_prevote_ms,
            t_precommit = self.consensus.timeout_precommit_ms,
            t_increase = self.consensus.timeout_increase_ms,
            max_block_txs = self.consensus.max_block_txs,
            bid_wait_ms = self.consensus.bid_wait_ms,
            log_level = self.log.level,
            agent_enabled = self.agent.enabled,
            agent_key = self.agent.key_file,
            agent_index = self.agent.profile_index,
            agent_seed = self.agent.seed,
            agent_csv = self.agent.csv_file,
            agent_margin = self.agent.margin_ms,
            agent_strategy = self.agent.battery_strategy.name(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_toml_reads_back_as_the_same_config() {
        let mut config = Config::default();
        config.moniker = "val-3".into();
        config.p2p.allowed_peers = vec!["12D3KooWGzP1sZ7yYqLz9Zr4bW3bq1k2Xb1rW6wHn3o5Xq5Q1mZp".into()];
        config.agent = AgentConfig {
            enabled: true,
            profile: ProfileSource::Csv,
            csv_file: "meter.csv".into(),
            profile_index: 3,
            battery_strategy: BatteryStrategy::MarketAware,
            ..AgentConfig::default()
        };
        let back: Config = toml::from_str(&config.to_documented_toml()).unwrap();
        assert_eq!(back, config);
    }

    #[test]
    fn unknown_setting_is_rejected_with_its_name() {
        let err = toml::from_str::<Config>("monikr = \"x\"").unwrap_err();
        assert!(err.to_string().contains("monikr"), "{err}");
    }

    #[test]
    fn bad_rpc_address_names_the_field_and_value() {
        let mut config = Config::default();
        config.rpc.listen = "localhost".into();
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("rpc.listen") && err.contains("localhost"), "{err}");
    }

    #[test]
    fn a_block_size_over_the_ledger_limit_is_refused_before_it_can_stall_consensus() {
        let mut config = Config::default();
        assert_eq!(config.consensus.max_block_txs, ledger::limits::MAX_BLOCK_TXS);
        config.consensus.max_block_txs = ledger::limits::MAX_BLOCK_TXS + 1;
        let err = config.validate().unwrap_err().to_string();
        assert!(err.contains("consensus.max_block_txs") && err.contains("20001"), "{err}");
    }
}
