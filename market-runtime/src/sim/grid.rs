//! The sim under a grid topology (`MarketParams::topology`): which lot each simulated household
//! is in, the energy that crossed between lots in each slot (the paper's Figure 9) and how
//! often each limit bound, as data for tables and charts.

use std::fmt::Write;

use serde::Serialize;

use super::run::ScenarioRun;
use crate::chain::grid::{GridFlows, Topology, Transformer};
use crate::MarketParams;

/// The paper's compound: `lots` lots of equal size under one transformer, each feeder with
/// the same limits (Wh per slot; `None` unlimited), and the loss factor (ppm).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compound {
    pub lots: usize,
    pub feeder_import_wh: Option<u64>,
    pub feeder_export_wh: Option<u64>,
    pub transformer_import_wh: Option<u64>,
    pub transformer_export_wh: Option<u64>,
    pub loss_ppm: u32,
}

impl Compound {
    /// The topology to put in `MarketParams::topology`.
    pub fn topology(&self) -> Topology {
        let transformer = Transformer { import_limit_wh: self.transformer_import_wh, export_limit_wh: self.transformer_export_wh };
        Topology::compound(self.lots, (self.feeder_import_wh, self.feeder_export_wh), transformer, self.loss_ppm)
    }
}

/// The feeder of simulated household `h` of `n`: the lots take the households in contiguous
/// blocks of (nearly) equal size, in household order, as the compound's lots are laid out.
pub fn feeder_of(h: usize, n: usize, params: &MarketParams) -> u16 {
    let Some(t) = &params.topology else { return 0 };
    let lots = t.feeders.len().max(1);
    // h < n, so the block index is below `lots` <= MAX_FEEDERS.
    u16::try_from(h.saturating_mul(lots) / n.max(1)).unwrap_or(0)
}

/// One slot's energy between lots: what each lot sent to the others (losses included) and
/// received from them, in the topology's feeder order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SlotFlows {
    pub slot: usize,
    pub inter_lot_wh: u64,
    pub loss_wh: u64,
    pub to_lots_wh: Vec<u64>,
    pub from_lots_wh: Vec<u64>,
    pub grid_import_wh: Vec<u64>,
    pub grid_export_wh: Vec<u64>,
    pub curtailed_wh: u64,
    pub unserved_wh: u64,
}

/// How many slots a connection's import and export limits bound in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BoundCount {
    /// A lot, or "transformer".
    pub connection: String,
    pub import_slots: usize,
    pub export_slots: usize,
}

/// One scenario's flows under the topology.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GridReport {
    pub scenario: &'static str,
    pub lots: Vec<String>,
    pub slots: Vec<SlotFlows>,
    /// The feeders in order, then the transformer.
    pub bound: Vec<BoundCount>,
    pub inter_lot_wh: u64,
    pub loss_wh: u64,
}

/// The report of `run`, if it ran under `topology` (its slots carry flows).
pub fn grid_report(run: &ScenarioRun, topology: &Topology) -> Option<GridReport> {
    let lots: Vec<String> = topology.feeders.iter().map(|f| f.lot.clone()).collect();
    let mut bound: Vec<BoundCount> = lots.iter().map(|l| BoundCount { connection: l.clone(), ..BoundCount::default() }).collect();
    bound.push(BoundCount { connection: "transformer".to_string(), ..BoundCount::default() });
    let mut slots = Vec::with_capacity(run.slots.len());
    for s in &run.slots {
        let flows = s.flows.as_ref()?;
        count_bound(flows, &mut bound);
        slots.push(slot_flows(s.slot, flows));
    }
    let inter_lot_wh = slots.iter().map(|s| s.inter_lot_wh).sum();
    let loss_wh = slots.iter().map(|s| s.loss_wh).sum();
    Some(GridReport { scenario: run.scenario.name, lots, slots, bound, inter_lot_wh, loss_wh })
}

fn count_bound(flows: &GridFlows, bound: &mut [BoundCount]) {
    let transformer = std::iter::once(&flows.transformer_bound);
    for (count, b) in bound.iter_mut().zip(flows.feeders.iter().map(|f| &f.bound).chain(transformer)) {
        count.import_slots += usize::from(b.import);
        count.export_slots += usize::from(b.export);
    }
}

fn slot_flows(slot: usize, g: &GridFlows) -> SlotFlows {
    let per = |f: fn(&crate::chain::grid::FeederFlows) -> u64| g.feeders.iter().map(f).collect::<Vec<u64>>();
    SlotFlows {
        slot,
        inter_lot_wh: g.inter_lot_wh,
        loss_wh: g.loss_wh,
        to_lots_wh: per(|f| f.to_lots_wh),
        from_lots_wh: per(|f| f.from_lots_wh),
        grid_import_wh: per(|f| f.grid_import_wh),
        grid_export_wh: per(|f| f.grid_export_wh),
        curtailed_wh: g.feeders.iter().map(|f| f.curtailed_wh).sum(),
        unserved_wh: g.feeders.iter().map(|f| f.unserved_wh).sum(),
    }
}

/// A text table: per slot (hour), what each lot sent to the others, losses, curtailment and
/// unserved demand (kWh), then how often each limit bound.
pub fn render(report: &GridReport) -> String {
    let kwh = |wh: u64| wh as f64 / 1000.0;
    let mut out = format!("Energy between lots, {} (kWh; Figure 9)\n{:>5}", report.scenario, "slot");
    for lot in &report.lots {
        let _ = write!(out, " {:>12}", format!("{lot} sent"));
    }
    let _ = writeln!(out, " {:>8} {:>10} {:>9}", "loss", "curtailed", "unserved");
    for s in &report.slots {
        let _ = write!(out, "{:>5}", s.slot);
        for sent in &s.to_lots_wh {
            let _ = write!(out, " {:>12.3}", kwh(*sent));
        }
        let _ = writeln!(out, " {:>8.3} {:>10.3} {:>9.3}", kwh(s.loss_wh), kwh(s.curtailed_wh), kwh(s.unserved_wh));
    }
    let _ = writeln!(out, "Limits that bound (slots of {}):", report.slots.len());
    for b in &report.bound {
        let _ = writeln!(out, "  {:<14} import {:>4}  export {:>4}", b.connection, b.import_slots, b.export_slots);
    }
    out
}
