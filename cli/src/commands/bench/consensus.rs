//! `solartrade bench consensus`.

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<()> {
    anyhow::bail!("`solartrade bench consensus` is not built yet")
}
