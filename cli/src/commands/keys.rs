//! `solartrade keys`: create, show and import ed25519 key files.

use anyhow::Context;
use ledger::sign::Keypair;
use node::home::{default_home, Home};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Subcommand)]
enum Command {
    /// Write a new key file (mode 0600).
    New {
        /// Where to write it.
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        force: bool,
    },
    /// Show a key's address (and, for a node key, its libp2p node id).
    Show {
        /// A key file; without it, the home's validator and node keys.
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long, env = "SOLARTRADE_HOME", default_value_os_t = default_home())]
        home: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Write a key file from a 32-byte secret seed given in hex.
    Import {
        #[arg(long)]
        secret_hex: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        force: bool,
    },
}

fn refuse_overwrite(out: &PathBuf, force: bool) -> anyhow::Result<()> {
    if out.exists() && !force {
        anyhow::bail!("{} already exists; pass --force to overwrite it", out.display());
    }
    Ok(())
}

fn describe(name: &str, key: &Keypair) -> anyhow::Result<serde_json::Value> {
    Ok(serde_json::json!({ "key": name, "address": hex::encode(key.public()), "node_id": node::localnet::node_id_of(key)? }))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.command {
        Command::New { out, force } => {
            refuse_overwrite(&out, force)?;
            let key = Keypair::generate();
            key.save(&out)?;
            println!("{} {}", hex::encode(key.public()), out.display());
        }
        Command::Import { secret_hex, out, force } => {
            refuse_overwrite(&out, force)?;
            let bytes = hex::decode(secret_hex.trim()).context("--secret-hex is not hex")?;
            let seed: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| anyhow::anyhow!("--secret-hex is {} bytes, a secret is 32", b.len()))?;
            let key = Keypair::from_seed(&seed);
            key.save(&out)?;
            println!("{} {}", hex::encode(key.public()), out.display());
        }
        Command::Show { file, home, json } => {
            let mut shown = Vec::new();
            match file {
                Some(file) => shown.push(describe(&file.display().to_string(), &Keypair::load(&file)?)?),
                None => {
                    let home = Home::new(home);
                    home.check_ready()?;
                    if home.validator_key_file().is_file() {
                        shown.push(describe("validator", &Keypair::load(&home.validator_key_file())?)?);
                    }
                    shown.push(describe("node", &Keypair::load(&home.node_key_file())?)?);
                }
            }
            if json {
                println!("{}", serde_json::to_string_pretty(&shown)?);
            } else {
                for s in shown {
                    println!("{:<10} address {}  node id {}", s["key"].as_str().unwrap_or(""), s["address"].as_str().unwrap_or(""), s["node_id"].as_str().unwrap_or(""));
                }
            }
        }
    }
    Ok(())
}
