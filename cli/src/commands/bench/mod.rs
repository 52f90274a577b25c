//! `solartrade bench`: benchmarks run as commands (criterion covers the micro-benchmarks).

mod consensus;
mod sync;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    target: Target,
}

#[derive(clap::Subcommand)]
enum Target {
    /// Commit latency of the consensus core on a simulated network.
    Consensus(consensus::Args),
    /// A fresh node syncing N blocks from a validator (real processes).
    Sync(sync::Args),
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.target {
        Target::Consensus(args) => consensus::run(args),
        Target::Sync(args) => sync::run(args),
    }
}
