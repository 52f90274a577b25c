//! The one solartrade binary: run a node, operate it, simulate the market, start testnets, benchmark.

mod chart;
mod commands;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "solartrade", version, about = "Peer-to-peer solar energy trading on a permissioned BFT blockchain")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a node home directory (config, keys, genesis) in the CometBFT manner.
    Init(commands::init::Args),
    /// Create, show and import keys.
    Keys(commands::keys::Args),
    /// Build and validate a genesis file.
    Genesis(commands::genesis::Args),
    /// Start a node.
    Start(commands::start::Args),
    /// Sign and submit a transaction.
    Tx(commands::tx::Args),
    /// Query a node over RPC.
    Query(commands::query::Args),
    /// Run the market with simulated households, with no network.
    Sim(commands::sim::Args),
    /// Deterministic simulation of whole nodes (the real driver, mempool and execution) under
    /// faults: a seed sweep with every invariant checked, or one seed replayed.
    SimNodes(commands::sim_nodes::Args),
    /// Start a local or docker testnet.
    Testnet(commands::testnet::Args),
    /// Benchmarks that need no criterion harness.
    Bench(commands::bench::Args),
    /// Sign bids for many simulated households and submit them to a node.
    MeterSim(commands::meter_sim::Args),
    /// Verify what a node says against headers the validators signed: `verify account`.
    Verify(commands::verify::Args),
    /// Operator tools: `debug dump` collects a node's state for a bug report.
    Debug(commands::debug::Args),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init(args) => commands::init::run(args),
        Command::Keys(args) => commands::keys::run(args),
        Command::Genesis(args) => commands::genesis::run(args),
        Command::Start(args) => commands::start::run(args),
        Command::Tx(args) => commands::tx::run(args),
        Command::Query(args) => commands::query::run(args),
        Command::Sim(args) => commands::sim::run(args),
        Command::SimNodes(args) => commands::sim_nodes::run(args),
        Command::Testnet(args) => commands::testnet::run(args),
        Command::Bench(args) => commands::bench::run(args),
        Command::MeterSim(args) => commands::meter_sim::run(args),
        Command::Verify(args) => commands::verify::run(args),
        Command::Debug(args) => commands::debug::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
