//! `[statesync]`: the snapshots this node makes for new nodes, and where a new node fetches one.

use serde::{Deserialize, Serialize};

use super::{invalid, toml_list, ConfigError};

/// Most snapshots a node keeps: each pins the table files of its height on disk.
pub const MAX_SNAPSHOT_KEEP: usize = 16;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct StateSyncConfig {
    /// Make a snapshot every this many blocks (0: none).
    pub snapshot_interval: u64,
    /// How many of the newest snapshots to keep.
    pub snapshot_keep: usize,
    /// RPC addresses (host:port or URL) a new node with an empty home fetches a snapshot from;
    /// empty: a new node syncs every block from genesis.
    pub rpc_servers: Vec<String>,
    /// A height and its header hash the operator trusts (0 and empty: trust the genesis).
    pub trust_height: u64,
    pub trust_hash: String,
}

impl Default for StateSyncConfig {
    fn default() -> Self {
        StateSyncConfig { snapshot_interval: 0, snapshot_keep: 2, rpc_servers: Vec::new(), trust_height: 0, trust_hash: String::new() }
    }
}

impl StateSyncConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.snapshot_keep == 0 || self.snapshot_keep > MAX_SNAPSHOT_KEEP {
            return Err(invalid("statesync.snapshot_keep", &self.snapshot_keep.to_string(), &format!("must be in 1..={MAX_SNAPSHOT_KEEP}")));
        }
        if (self.trust_height == 0) != self.trust_hash.is_empty() {
            return Err(invalid("statesync.trust_hash", &self.trust_hash, "trust_height and trust_hash go together (both unset: trust the genesis)"));
        }
        if !self.trust_hash.is_empty() && !matches!(hex::decode(&self.trust_hash), Ok(b) if b.len() == 32) {
            return Err(invalid("statesync.trust_hash", &self.trust_hash, "must be 32 bytes of hex"));
        }
        Ok(())
    }

    pub(super) fn documented_toml(&self) -> String {
        format!(
            r#"[statesync]
# Serving: a snapshot of the state every this many blocks (0: none), the newest kept.
snapshot_interval = {}
snapshot_keep = {}
# Joining: a node with an empty home fetches the newest snapshot these nodes' RPC offer,
# checks it against a header whose certificate it verifies from the genesis (or from
# trust_height and trust_hash), then syncs the blocks after it. Empty: sync from genesis.
rpc_servers = {}
trust_height = {}
trust_hash = {:?}
"#,
            self.snapshot_interval,
            self.snapshot_keep,
            toml_list(&self.rpc_servers),
            self.trust_height,
            self.trust_hash,
        )
    }
}
