//! `solartrade init`: a home directory with config, keys and a one-validator genesis.

use anyhow::Context;
use node::config::Config;
use node::genesis::{Genesis, GenesisValidator};
use node::home::{default_home, Home, HomeError};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Home directory.
    #[arg(long, env = "SOLARTRADE_HOME", default_value_os_t = default_home())]
    pub home: PathBuf,
    /// This node's name.
    #[arg(long, default_value = "solartrade-node")]
    pub moniker: String,
    /// Chain id of the genesis written here.
    #[arg(long, default_value = "solartrade-local")]
    pub chain_id: String,
    /// Block pacing of the genesis written here, ms per slot (0 = back to back).
    #[arg(long, default_value_t = 3_600_000)]
    pub slot_ms: u64,
    /// Overwrite an existing home.
    #[arg(long)]
    pub force: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let home = Home::new(&args.home);
    if home.config_file().exists() && !args.force {
        return Err(HomeError::AlreadyInitialised { path: args.home.clone(), file: home.config_file() }.into());
    }
    home.create_dirs()?;
    let mut config = Config::default();
    config.moniker = args.moniker.clone();
    config.save(&home.config_file())?;
    let node_key = ledger::sign::Keypair::generate();
    node_key.save(&home.node_key_file())?;
    let validator = ledger::sign::Keypair::generate();
    validator.save(&home.validator_key_file())?;
    let node_id = node::localnet::node_id_of(&node_key)?;
    // Like CometBFT: a genesis in which this node is the only validator (and, here, the
    // market's administrator), ready for `solartrade start`.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis() as u64;
    let mut genesis = Genesis::new(&args.chain_id, now, args.slot_ms, validator.public(), node::localnet::grid_address(&args.chain_id));
    genesis.set_balance(genesis.app_state.grid_account, node::localnet::GRID_BALANCE);
    genesis.add_validator(GenesisValidator { address: validator.public(), power: 10, moniker: args.moniker, node_id: node_id.clone() });
    node::genesis::validate(&genesis).context("the generated genesis")?;
    genesis.save(&home.genesis_file())?;
    println!("initialised {}", args.home.display());
    println!("  config     {}", home.config_file().display());
    println!("  genesis    {} (chain id {})", home.genesis_file().display(), args.chain_id);
    println!("  validator  {}", hex::encode(validator.public()));
    println!("  node id    {node_id}");
    Ok(())
}
