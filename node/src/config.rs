//! `config.toml`: the node's local settings, with documented defaults.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

mod agent;
mod consensus;
mod observe;
mod p2p;
mod rpc;
mod statesync;
mod storage;
pub use agent::{AgentConfig, ProfileSource};
pub use consensus::{ConsensusConfig, MempoolConfig};
pub use observe::{LogConfig, LogFormat, MetricsConfig};
pub use p2p::P2pConfig;
pub use rpc::RpcConfig;
pub use statesync::StateSyncConfig;
pub use storage::StorageConfig;

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
    pub storage: StorageConfig,
    pub statesync: StateSyncConfig,
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
            storage: StorageConfig::default(),
            statesync: StateSyncConfig::default(),
        }
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
        self.p2p.validate()?;
        self.rpc.validate()?;
        self.metrics.validate()?;
        self.mempool.validate()?;
        self.consensus.validate()?;
        self.storage.validate()?;
        self.statesync.validate()?;
        self.agent.validate()
    }

    /// The TOML text with a comment above every setting, so the file documents itself.
    pub fn to_documented_toml(&self) -> String {
        let sections = [
            self.p2p.documented_toml(),
            self.rpc.documented_toml(),
            self.metrics.documented_toml(),
            self.mempool.documented_toml(),
            self.consensus.documented_toml(),
            self.log.documented_toml(),
            self.agent.documented_toml(),
            self.storage.documented_toml(),
            self.statesync.documented_toml(),
        ];
        format!(
            "# solartrade node configuration. Every setting shows its default when `solartrade init` wrote it.\n\n\
             # A human-readable name for this node, shown in /status and /validators.\nmoniker = {:?}\n\n{}",
            self.moniker,
            sections.join("\n"),
        )
    }
}

/// A setting that is not valid, named as the file names it.
fn invalid(field: &'static str, value: &str, why: &str) -> ConfigError {
    ConfigError::Invalid { field, value: value.into(), why: why.into() }
}

/// Limits of 0 would refuse everything.
fn nonzero(field: &'static str, value: usize) -> Result<(), ConfigError> {
    if value == 0 {
        return Err(invalid(field, "0", "must be at least 1"));
    }
    Ok(())
}

/// A list of strings as a TOML array.
fn toml_list(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| format!("{s:?}")).collect();
    format!("[{}]", items.join(", "))
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
            battery_strategy: market_runtime::model::BatteryStrategy::MarketAware,
            site: "freiburg".into(),
            day: "03-21".into(),
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
