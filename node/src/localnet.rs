//! Homes for a local testnet: N validators with fresh keys, one genesis, loopback ports,
//! and M simulated households pre-approved with keys derived from a seed (so a load
//! generator can sign for them). `solartrade testnet local` and `testnet files` use it.

use crate::config::Config;
use crate::genesis::{Genesis, GenesisValidator};
use crate::home::Home;
use ledger::sign::Keypair;
use market_runtime::model::community::{Community, CommunityConfig, Profile};
use market_runtime::{HouseholdKind, HouseholdSpec};
use sha2::Digest;
use std::path::{Path, PathBuf};

/// Starting balance of a simulated household: enough for years of hourly bids.
pub const HOUSEHOLD_BALANCE: u64 = 1_000_000_000_000;
/// The grid account pays feed-in; it starts rich so it never refuses a sell bid.
pub const GRID_BALANCE: u64 = 1_000_000_000_000_000;
/// Hours of household profile; bids cycle through them.
pub const PROFILE_HOURS: usize = 48;

fn derive_seed(label: &str, seed: u64, index: u64) -> [u8; 32] {
    let mut h = sha2::Sha256::new();
    h.update(b"solartrade-localnet/");
    h.update(label.as_bytes());
    h.update(seed.to_be_bytes());
    h.update(index.to_be_bytes());
    h.finalize().into()
}

pub fn household_keypair(seed: u64, index: usize) -> Keypair {
    Keypair::from_seed(&derive_seed("household", seed, index as u64))
}

pub fn admin_keypair(seed: u64) -> Keypair {
    Keypair::from_seed(&derive_seed("administrator", seed, 0))
}

pub fn grid_address(chain_id: &str) -> [u8; 32] {
    // No one holds this key: the grid account only receives and pays through settlement.
    sha2::Sha256::digest(format!("solartrade-grid/{chain_id}").as_bytes()).into()
}

/// The simulated community behind the households (the same for a given seed and size), in
/// the paper's setting (Doha, from 15 July). Its households do not depend on site or day.
pub fn community(households: usize, seed: u64) -> (Community, Profile) {
    let defaults = CommunityConfig::default();
    community_at(households, seed, defaults.site, defaults.start_day)
}

/// The same households at another site and season: the same registrations, other weather,
/// sun and cooling load.
pub fn community_at(households: usize, seed: u64, site: market_runtime::model::Site, start_day: u32) -> (Community, Profile) {
    let config = CommunityConfig { households, hours: PROFILE_HOURS, seed, site, start_day, ..CommunityConfig::default() };
    let community = Community::generate(&config);
    let profile = community.profile();
    (community, profile)
}

/// The registration of simulated household `index`. Every third PV home has DESIGN.md's default
/// battery (5 kWh, 2.5 kW): with a battery in every PV home, self-consumption would swallow the
/// midday surplus and leave the community nothing to trade (what `sim` finds for scenario S3).
pub fn household_spec(index: usize, h: &market_runtime::model::community::Household) -> HouseholdSpec {
    let with_battery = h.pv_capacity_w > 0.0 && index % 3 == 0;
    let (battery_wh, battery_w) = if with_battery { (5_000, 2_500) } else { (0, 0) };
    let import_limit_w = match h.kind {
        HouseholdKind::Villa => 20_000,
        HouseholdKind::Flat => 10_000,
    };
    HouseholdSpec { pv_capacity_w: h.pv_capacity_w as u64, battery_wh, battery_w, import_limit_w, kind: h.kind, lot: h.id.clone(), node_key: None }
}

pub struct LocalnetSpec {
    pub dir: PathBuf,
    pub chain_id: String,
    pub validators: usize,
    pub households: usize,
    pub slot_ms: u64,
    pub seed: u64,
    /// Node i uses ports base + 10 i (p2p), + 1 (RPC), + 2 (metrics).
    pub base_port: u16,
    pub genesis_time_ms: u64,
    pub host: String,
    /// How the genesis prices a slot.
    pub mechanism: market_runtime::Mechanism,
    /// Metered settlement with the default parameters (`MarketParams::metering`).
    pub metering: bool,
    /// Lots as feeders under one transformer (`MarketParams::topology`); the households are
    /// split into the lots in contiguous blocks, as `sim --lots` splits them.
    pub topology: Option<market_runtime::Topology>,
    /// Slots a cleared slot's records stay in the state (`MarketParams::retention_slots`).
    pub retention_slots: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct LocalnetNode {
    pub home: PathBuf,
    pub moniker: String,
    pub node_id: String,
    pub validator: [u8; 32],
    pub p2p_port: u16,
    pub rpc_port: u16,
    pub metrics_port: u16,
}

#[derive(Debug, thiserror::Error)]
pub enum LocalnetError {
    #[error("{0}")]
    Home(#[from] crate::home::HomeError),
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("{0}")]
    Genesis(#[from] crate::genesis::GenesisFileError),
    #[error("{0}")]
    Key(#[from] ledger::sign::KeyFileError),
    #[error("node key is not usable for libp2p: {0}")]
    NodeKey(String),
    #[error("{validators} validators from port {base} run past port 65535")]
    Ports { validators: usize, base: u16 },
}

/// The libp2p identity a node key stands for (what `start` runs its swarm with); the attack
/// suite builds a hostile peer's `Network` from it without naming libp2p itself.
pub fn node_identity(node_key: &Keypair) -> Result<libp2p::identity::Keypair, LocalnetError> {
    libp2p::identity::Keypair::ed25519_from_bytes(node_key.seed()).map_err(|e| LocalnetError::NodeKey(e.to_string()))
}

pub fn node_id_of(node_key: &Keypair) -> Result<String, LocalnetError> {
    Ok(node_identity(node_key)?.public().to_peer_id().to_string())
}

/// Writes `dir/node<i>/` homes and `dir/admin_key.json`; returns the genesis and the nodes.
pub fn generate(spec: &LocalnetSpec) -> Result<(Genesis, Vec<LocalnetNode>), LocalnetError> {
    if usize::from(spec.base_port) + spec.validators * 10 + 3 > 65_535 {
        return Err(LocalnetError::Ports { validators: spec.validators, base: spec.base_port });
    }
    let admin = admin_keypair(spec.seed);
    let mut genesis = Genesis::new(&spec.chain_id, spec.genesis_time_ms, spec.slot_ms, admin.public(), grid_address(&spec.chain_id));
    genesis.app_state.params.mechanism = spec.mechanism;
    genesis.app_state.params.metering = spec.metering.then(market_runtime::MeteringParams::default);
    genesis.app_state.params.topology = spec.topology.clone();
    genesis.app_state.params.retention_slots = spec.retention_slots;
    genesis.set_balance(genesis.app_state.grid_account, GRID_BALANCE);
    // The administrator can fund households that register during a testnet.
    genesis.set_balance(admin.public(), GRID_BALANCE);
    let (community, _) = community(spec.households, spec.seed);
    let params = genesis.app_state.params.clone();
    for (i, h) in community.households.iter().enumerate() {
        let mut household = household_spec(i, h);
        if let Some(t) = &params.topology {
            let feeder = usize::from(market_runtime::sim::grid::feeder_of(i, spec.households, &params));
            household.lot = t.feeders.get(feeder).map_or(household.lot, |f| f.lot.clone());
        }
        genesis.add_household(household_keypair(spec.seed, i).public(), household, HOUSEHOLD_BALANCE);
    }
    let mut nodes = Vec::new();
    for i in 0..spec.validators {
        let home = Home::new(spec.dir.join(format!("node{i}")));
        home.create_dirs()?;
        let validator = Keypair::from_seed(&derive_seed("validator", spec.seed, i as u64));
        let node_key = Keypair::from_seed(&derive_seed("node", spec.seed, i as u64));
        validator.save(&home.validator_key_file())?;
        node_key.save(&home.node_key_file())?;
        let port = spec.base_port + (i as u16) * 10;
        let moniker = format!("validator-{i}");
        let node_id = node_id_of(&node_key)?;
        genesis.add_validator(GenesisValidator { address: validator.public(), power: 10, moniker: moniker.clone(), node_id: node_id.clone() });
        nodes.push(LocalnetNode {
            home: home.root().to_path_buf(),
            moniker,
            node_id,
            validator: validator.public(),
            p2p_port: port,
            rpc_port: port + 1,
            metrics_port: port + 2,
        });
    }
    crate::genesis::validate(&genesis)?;
    for node in &nodes {
        let home = Home::new(&node.home);
        let mut config = Config::default();
        config.moniker = node.moniker.clone();
        config.p2p.listen = format!("/ip4/{}/tcp/{}", spec.host, node.p2p_port);
        config.p2p.persistent_peers = nodes
            .iter()
            .filter(|o| o.node_id != node.node_id)
            .map(|o| format!("/ip4/{}/tcp/{}/p2p/{}", spec.host, o.p2p_port, o.node_id))
            .collect();
        config.rpc.listen = format!("{}:{}", spec.host, node.rpc_port);
        config.metrics.listen = format!("{}:{}", spec.host, node.metrics_port);
        // Back-to-back slots need short round timeouts to recover quickly from a lost proposer.
        if spec.slot_ms < 1000 {
            config.consensus.timeout_propose_ms = 300;
            config.consensus.timeout_prevote_ms = 200;
            config.consensus.timeout_precommit_ms = 200;
            config.consensus.timeout_increase_ms = 200;
        }
        config.save(&home.config_file())?;
        genesis.save(&home.genesis_file())?;
    }
    admin.save(&spec.dir.join("admin_key.json"))?;
    Ok((genesis, nodes))
}

/// Where `generate` put the administrator's key.
pub fn admin_key_path(dir: &Path) -> PathBuf {
    dir.join("admin_key.json")
}
