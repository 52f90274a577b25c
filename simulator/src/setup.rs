//! The simulated chain's genesis: administrator, validator and household keys drawn from the
//! seed, the validators' powers, every household approved, half of them with PV.

use ledger::sign::Keypair;
use market_runtime::{HouseholdKind, HouseholdSpec};
use node_core::genesis::{Genesis, GenesisValidator};

use crate::config::SimConfig;

pub const CHAIN_ID: &str = "solartrade-sim";
/// What every household holds at genesis (micro-tokens): enough for every bid of a run.
pub const HOUSEHOLD_BALANCE: u64 = 1_000_000_000_000;
pub const GRID_BALANCE: u64 = 1_000_000_000_000_000;

pub struct Setup {
    pub genesis: Genesis,
    /// The network administrator (named in the genesis): signs validator updates.
    pub administrator: Keypair,
    pub validators: Vec<Keypair>,
    pub households: Vec<Keypair>,
}

fn key(seed: u64, role: u8, index: usize) -> Keypair {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = role;
    bytes[9..17].copy_from_slice(&(index as u64).to_le_bytes());
    Keypair::from_seed(&ledger::hash::sha256(&bytes))
}

/// Whether household `index` has PV (and so offers energy).
pub fn has_pv(index: usize) -> bool {
    index % 2 == 0
}

pub fn genesis(config: &SimConfig) -> Setup {
    let administrator = key(config.seed, 0, 0);
    let validators: Vec<Keypair> = (0..config.validators).map(|i| key(config.seed, 1, i)).collect();
    let households: Vec<Keypair> = (0..config.households).map(|i| key(config.seed, 2, i)).collect();
    let grid = [0xee; 32];
    let mut genesis = Genesis::new(CHAIN_ID, 0, config.slot_ms, administrator.public(), grid);
    // The grid pays sellers for what the community exports: it must hold enough to.
    genesis.set_balance(grid, GRID_BALANCE);
    for (i, v) in validators.iter().enumerate() {
        let power = config.power_of(i);
        if power > 0 {
            genesis.add_validator(GenesisValidator { address: v.public(), power, moniker: format!("v{i}"), node_id: format!("sim-{i}") });
        }
    }
    for (i, h) in households.iter().enumerate() {
        let spec = HouseholdSpec {
            pv_capacity_w: if has_pv(i) { 5_000 } else { 0 },
            battery_wh: 0,
            battery_w: 0,
            import_limit_w: 10_000,
            kind: HouseholdKind::Villa,
            lot: if i % 4 < 2 { "a".into() } else { "b".into() },
            node_key: None,
        };
        genesis.add_household(h.public(), spec, HOUSEHOLD_BALANCE);
    }
    Setup { genesis, administrator, validators, households }
}
