//! `solartrade bench`: benchmarks run as commands (criterion covers the micro-benchmarks).

mod consensus;
mod nodes;
mod storage;
mod sync;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    target: Target,
}

#[derive(clap::Subcommand)]
enum Target {
    /// Commit latency of whole nodes on the deterministic simulated network (--sim).
    Consensus(consensus::Args),
    /// A fresh node syncing N blocks from a validator (real processes).
    Sync(sync::Args),
    /// A node's memory and disk over a long chain, with and without pruning.
    Storage(storage::Args),
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.target {
        Target::Consensus(args) => consensus::run(args),
        Target::Sync(args) => sync::run(args),
        Target::Storage(args) => storage::run(args),
    }
}
