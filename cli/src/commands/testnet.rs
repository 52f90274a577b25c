//! `solartrade testnet`.

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`solartrade testnet` is not built yet")
}
