//! `--lots` and the limits that go with it: the paper's compound of lots under one
//! transformer, as a genesis topology for `sim` (docs/market.md, "Grid limits and losses").

use market_runtime::chain::grid::MAX_FEEDERS;
use market_runtime::sim::Compound;
use market_runtime::Topology;

#[derive(clap::Args, Debug, Clone)]
pub struct GridArgs {
    /// Lots (feeders under one transformer) the households are split into, in contiguous blocks;
    /// 0: one pool with no limits or losses.
    #[arg(long, default_value_t = 0)]
    pub lots: usize,
    /// Each feeder's import limit, Wh per slot (default: none).
    #[arg(long)]
    pub feeder_import_wh: Option<u64>,
    /// Each feeder's export limit, Wh per slot (default: none).
    #[arg(long)]
    pub feeder_export_wh: Option<u64>,
    /// The transformer's import limit from the grid, Wh per slot (default: none).
    #[arg(long)]
    pub transformer_import_wh: Option<u64>,
    /// The transformer's export limit to the grid, Wh per slot (default: none).
    #[arg(long)]
    pub transformer_export_wh: Option<u64>,
    /// Losses on energy crossing between lots, parts per million of what is delivered.
    #[arg(long, default_value_t = 0)]
    pub loss_ppm: u32,
}

impl GridArgs {
    /// The topology the flags describe, checked as a genesis checks it; `None` without `--lots`.
    pub fn topology(&self) -> anyhow::Result<Option<Topology>> {
        if self.lots == 0 {
            let limits = [self.feeder_import_wh, self.feeder_export_wh, self.transformer_import_wh, self.transformer_export_wh];
            anyhow::ensure!(limits.iter().all(Option::is_none) && self.loss_ppm == 0, "grid limits and --loss-ppm need --lots");
            return Ok(None);
        }
        anyhow::ensure!(self.lots <= MAX_FEEDERS, "--lots is {}; a topology has at most {MAX_FEEDERS} feeders", self.lots);
        let compound = Compound {
            lots: self.lots,
            feeder_import_wh: self.feeder_import_wh,
            feeder_export_wh: self.feeder_export_wh,
            transformer_import_wh: self.transformer_import_wh,
            transformer_export_wh: self.transformer_export_wh,
            loss_ppm: self.loss_ppm,
        };
        let topology = compound.topology();
        topology.check().map_err(|e| anyhow::anyhow!("--lots and its limits: {e}"))?;
        Ok(Some(topology))
    }
}
