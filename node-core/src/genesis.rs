//! genesis.json: the chain's first state and its validators, shared by every node.

use market_runtime::{AppGenesis, MemStore};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub type Address = [u8; 32];

/// A validator as the genesis names it: the consensus key, its voting power, a name, and
/// the libp2p node id it connects with (so the permissioned swarm admits it).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct GenesisValidator {
    #[serde(with = "hex32")]
    pub address: Address,
    pub power: u64,
    pub moniker: String,
    pub node_id: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Genesis {
    pub chain_id: String,
    /// Unix time in ms; slot `s` (block height `s`) closes at `genesis_time_ms + s * slot_ms`.
    pub genesis_time_ms: u64,
    /// Block pacing; 0 runs slots back to back.
    pub slot_ms: u64,
    pub validators: Vec<GenesisValidator>,
    pub app_state: AppGenesis,
}

#[derive(Debug, thiserror::Error)]
pub enum GenesisFileError {
    #[error("cannot read genesis {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("genesis {path} is not valid JSON of the genesis format: {source}")]
    Parse { path: PathBuf, source: serde_json::Error },
    #[error("cannot write genesis {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("genesis is not valid: {0}")]
    Invalid(String),
}

impl Genesis {
    /// A genesis with no validators or households yet, the given administrator and grid
    /// account, and the market's default parameters.
    pub fn new(chain_id: &str, genesis_time_ms: u64, slot_ms: u64, administrator: Address, grid_account: Address) -> Self {
        Genesis {
            chain_id: chain_id.into(),
            genesis_time_ms,
            slot_ms,
            validators: Vec::new(),
            app_state: AppGenesis {
                administrator,
                administrator_set: None,
                grid_account,
                params: market_runtime::MarketParams::default(),
                balances: Vec::new(),
                households: Vec::new(),
                validators: Vec::new(),
                market_open: true,
            },
        }
    }

    pub fn load(path: &Path) -> Result<Genesis, GenesisFileError> {
        let bytes = std::fs::read(path).map_err(|source| GenesisFileError::Read { path: path.into(), source })?;
        serde_json::from_slice(&bytes).map_err(|source| GenesisFileError::Parse { path: path.into(), source })
    }

    pub fn save(&self, path: &Path) -> Result<(), GenesisFileError> {
        let mut json = serde_json::to_vec_pretty(self).map_err(|e| GenesisFileError::Invalid(e.to_string()))?;
        json.push(b'\n');
        std::fs::write(path, json).map_err(|source| GenesisFileError::Write { path: path.into(), source })
    }

    /// Adds a validator to both the consensus list and the application's validator set,
    /// which must agree; replaces an entry with the same address.
    pub fn add_validator(&mut self, validator: GenesisValidator) {
        self.validators.retain(|v| v.address != validator.address);
        self.app_state.validators.retain(|v| v.address != validator.address);
        self.app_state
            .validators
            .push(market_runtime::GenesisValidator { address: validator.address, power: validator.power });
        self.validators.push(validator);
    }

    pub fn add_household(&mut self, address: Address, spec: market_runtime::HouseholdSpec, balance: u64) {
        self.app_state.households.retain(|h| h.address != address);
        self.app_state.households.push(market_runtime::GenesisHousehold { address, spec });
        self.set_balance(address, balance);
    }

    pub fn set_balance(&mut self, address: Address, amount: u64) {
        self.app_state.balances.retain(|b| b.address != address);
        if amount > 0 {
            self.app_state.balances.push(market_runtime::GenesisBalance { address, amount });
        }
    }

    /// Everything a node checks before it trusts a genesis: identifiers, the validator
    /// list against the application's, and the application state itself (by loading it).
    /// `is_node_id` says whether a string is a node id of the network layer (a libp2p peer
    /// id on real nodes), which this crate does not know.
    pub fn validate_with(&self, is_node_id: &dyn Fn(&str) -> bool) -> Result<(), GenesisFileError> {
        let invalid = |s: String| Err(GenesisFileError::Invalid(s));
        if self.chain_id.is_empty() || self.chain_id.len() > 64 {
            return invalid(format!("chain_id {:?} must be 1 to 64 characters", self.chain_id));
        }
        if !self.chain_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.') {
            return invalid(format!("chain_id {:?} may hold only letters, digits, '-', '_' and '.'", self.chain_id));
        }
        if self.validators.is_empty() {
            return invalid("there are no validators (add one with `solartrade genesis add-validator`)".into());
        }
        let mut seen_nodes = std::collections::HashSet::new();
        for v in &self.validators {
            if v.power == 0 {
                return invalid(format!("validator {} has power 0", hex::encode(v.address)));
            }
            if !is_node_id(&v.node_id) {
                return invalid(format!("validator {} has node_id {:?}, which is not a libp2p peer id", hex::encode(v.address), v.node_id));
            }
            if !seen_nodes.insert(v.node_id.clone()) {
                return invalid(format!("node_id {} appears twice among the validators", v.node_id));
            }
        }
        let mut consensus: Vec<(Address, u64)> = self.validators.iter().map(|v| (v.address, v.power)).collect();
        let mut app: Vec<(Address, u64)> = self.app_state.validators.iter().map(|v| (v.address, v.power)).collect();
        consensus.sort();
        app.sort();
        if consensus != app {
            return invalid("validators and app_state.validators name different keys or powers".into());
        }
        if let Err(e) = consensus::ValidatorSet::new(consensus) {
            return invalid(format!("validator set: {e}"));
        }
        let mut store = MemStore::new();
        if let Err(e) = market_runtime::init_genesis(&mut store, &self.app_state) {
            return invalid(format!("app_state: {e}"));
        }
        Ok(())
    }

    pub fn moniker_of(&self, address: &Address) -> Option<&str> {
        self.validators.iter().find(|v| &v.address == address).map(|v| v.moniker.as_str())
    }

    /// Unix ms at which slot `slot` closes (the earliest its block may be proposed).
    pub fn slot_deadline_ms(&self, slot: u64) -> u64 {
        self.genesis_time_ms.saturating_add(slot.saturating_mul(self.slot_ms))
    }
}

pub mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&hex::encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        let bytes = hex::decode(&text).map_err(|e| serde::de::Error::custom(format!("{text:?} is not hex: {e}")))?;
        bytes
            .try_into()
            .map_err(|b: Vec<u8>| serde::de::Error::custom(format!("{text:?} is {} bytes, not 32", b.len())))
    }
}
