//! `solartrade genesis`: build and check genesis.json.

use anyhow::Context;
use market_runtime::Mechanism;
use node::genesis::{Genesis, GenesisValidator};
use node::home::{default_home, Home};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// The genesis file; default: the home's config/genesis.json.
    #[arg(long, global = true)]
    genesis: Option<PathBuf>,
    #[arg(long, global = true, env = "SOLARTRADE_HOME", default_value_os_t = default_home())]
    home: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Write a new genesis with no validators and the default market parameters.
    New {
        #[arg(long)]
        chain_id: String,
        /// Hex address of the network administrator.
        #[arg(long)]
        admin: String,
        /// Block pacing, ms per slot (0 = back to back).
        #[arg(long, default_value_t = 3_600_000)]
        slot_ms: u64,
        /// Unix time in ms of slot 0; default now.
        #[arg(long)]
        genesis_time_ms: Option<u64>,
        #[arg(long)]
        force: bool,
    },
    /// Add the validator of a home (its validator and node keys).
    AddValidator {
        /// The home whose keys to add; default --home.
        #[arg(long)]
        from_home: Option<PathBuf>,
        #[arg(long, default_value_t = 10)]
        power: u64,
        #[arg(long)]
        moniker: Option<String>,
    },
    /// Add a household approved from block 1.
    AddHousehold {
        #[arg(long)]
        address: String,
        #[command(flatten)]
        household: super::household_args::HouseholdArgs,
        /// Starting balance, micro-tokens.
        #[arg(long, default_value_t = 1_000_000_000)]
        balance: u64,
    },
    /// Set market parameters (only those given).
    SetMarket(MarketArgs),
    /// Check a genesis the way a starting node does.
    Validate,
}

/// `genesis set-market`'s parameters; each one given replaces the genesis's.
#[derive(clap::Args)]
struct MarketArgs {
    /// Grid retail price Lb, micro-tokens per kWh.
    #[arg(long)]
    grid_buy_price: Option<u64>,
    /// Feed-in price Ls, micro-tokens per kWh.
    #[arg(long)]
    grid_sell_price: Option<u64>,
    /// sdr, mmr, bill-sharing, no-trading, pay-as-clear or pay-as-bid.
    #[arg(long)]
    mechanism: Option<String>,
    #[arg(long)]
    block_reward: Option<u64>,
    #[arg(long)]
    solar_reward_per_kwh: Option<u64>,
    #[arg(long)]
    max_future_slots: Option<u64>,
    /// Whether the market is open from block 1.
    #[arg(long)]
    open: Option<bool>,
    /// Starting balance of the grid account, micro-tokens.
    #[arg(long)]
    grid_balance: Option<u64>,
    /// Slots a cleared slot's bids, settlements and clearing stay in the state (24..=87600);
    /// absent: forever. They stay in the blocks either way.
    #[arg(long)]
    retention_slots: Option<u64>,
}

fn parse_addr(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text.trim()).with_context(|| format!("{text:?} is not hex"))?;
    bytes.try_into().map_err(|b: Vec<u8>| anyhow::anyhow!("{text:?} is {} bytes, an address is 32", b.len()))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let path = args.genesis.clone().unwrap_or_else(|| Home::new(&args.home).genesis_file());
    match args.command {
        Command::New { chain_id, admin, slot_ms, genesis_time_ms, force } => new_genesis(&path, &chain_id, &admin, slot_ms, genesis_time_ms, force),
        Command::AddValidator { from_home, power, moniker } => add_validator(&path, Home::new(from_home.unwrap_or(args.home.clone())), power, moniker),
        Command::AddHousehold { address, household, balance } => {
            let mut g = Genesis::load(&path)?;
            let spec = household.spec()?;
            let addr = parse_addr(&address)?;
            g.add_household(addr, spec, balance);
            g.save(&path)?;
            println!("added household {address} to {}", path.display());
            Ok(())
        }
        Command::SetMarket(market) => set_market(&path, market),
        Command::Validate => {
            let g = Genesis::load(&path)?;
            node::genesis::validate(&g)?;
            println!(
                "{} is valid: chain {}, {} validators, {} households, slot {} ms",
                path.display(),
                g.chain_id,
                g.validators.len(),
                g.app_state.households.len(),
                g.slot_ms
            );
            Ok(())
        }
    }
}

fn new_genesis(path: &Path, chain_id: &str, admin: &str, slot_ms: u64, genesis_time_ms: Option<u64>, force: bool) -> anyhow::Result<()> {
    if path.exists() && !force {
        anyhow::bail!("{} already exists; pass --force to overwrite it", path.display());
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as u64;
    let mut g = Genesis::new(chain_id, genesis_time_ms.unwrap_or(now), slot_ms, parse_addr(admin)?, node::localnet::grid_address(chain_id));
    g.set_balance(g.app_state.grid_account, node::localnet::GRID_BALANCE);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).ok();
    }
    g.save(path)?;
    println!("wrote {}", path.display());
    Ok(())
}

/// Adds the validator whose keys `home` holds; its moniker defaults to the home's config's.
fn add_validator(path: &Path, home: Home, power: u64, moniker: Option<String>) -> anyhow::Result<()> {
    let mut g = Genesis::load(path)?;
    let validator = ledger::sign::Keypair::load(&home.validator_key_file())?;
    let node_key = ledger::sign::Keypair::load(&home.node_key_file())?;
    let moniker = match moniker {
        Some(m) => m,
        None => node::config::Config::load(&home.config_file()).map(|c| c.moniker).unwrap_or_else(|_| "validator".into()),
    };
    let node_id = node::localnet::node_id_of(&node_key)?;
    g.add_validator(GenesisValidator { address: validator.public(), power, moniker, node_id });
    g.save(path)?;
    println!("added validator {} (power {power}) to {}", hex::encode(validator.public()), path.display());
    Ok(())
}

fn set_market(path: &Path, m: MarketArgs) -> anyhow::Result<()> {
    let mut g = Genesis::load(path)?;
    let p = &mut g.app_state.params;
    if let Some(v) = m.grid_buy_price {
        p.grid_buy_price = v;
    }
    if let Some(v) = m.grid_sell_price {
        p.grid_sell_price = v;
    }
    if let Some(name) = m.mechanism {
        p.mechanism = parse_mechanism(&name)?;
    }
    if let Some(v) = m.block_reward {
        p.block_reward = v;
    }
    if let Some(v) = m.solar_reward_per_kwh {
        p.solar_reward_per_kwh = v;
    }
    if let Some(v) = m.max_future_slots {
        p.max_future_slots = v;
    }
    if let Some(v) = m.retention_slots {
        p.retention_slots = Some(v);
    }
    if let Some(v) = m.open {
        g.app_state.market_open = v;
    }
    if let Some(v) = m.grid_balance {
        let grid = g.app_state.grid_account;
        g.set_balance(grid, v);
    }
    g.save(path)?;
    println!("updated market parameters in {}", path.display());
    Ok(())
}

fn parse_mechanism(name: &str) -> anyhow::Result<Mechanism> {
    Mechanism::ALL.iter().find(|x| x.name() == name).copied().ok_or_else(|| {
        let names: Vec<&str> = Mechanism::ALL.iter().map(|x| x.name()).collect();
        anyhow::anyhow!("--mechanism {name:?} is not one of {}", names.join(", "))
    })
}
