//! Whole-run totals of a scenario: energy, money, the no-trading baseline beside them.

use serde::Serialize;

use super::run::{ScenarioRun, SlotResult};
use crate::Mechanism;

/// Energy in Wh, money in micro-tokens (signed where it is a bill: positive = pays).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Totals {
    pub households: usize,
    pub prosumers: usize,
    pub load_wh: u64,
    pub pv_wh: u64,
    pub p2p_wh: u64,
    pub grid_import_wh: u64,
    pub grid_export_wh: u64,
    pub baseline_grid_import_wh: u64,
    pub baseline_grid_export_wh: u64,
    pub peak_grid_import_wh: u64,
    pub baseline_peak_grid_import_wh: u64,
    /// Share of the community's load not imported from the grid.
    pub self_sufficiency: f64,
    pub baseline_self_sufficiency: f64,
    /// Sum of household bills (pays minus receives) with trading and without.
    pub community_cost: i64,
    pub baseline_community_cost: i64,
    pub households_better_off: usize,
    pub households_worse_off: usize,
    pub mean_bill: f64,
    pub mean_baseline_bill: f64,
    /// Prosumers' and consumers' summed bills under each trading mechanism and the baseline.
    pub prosumer_bill: MechanismBills,
    pub consumer_bill: MechanismBills,
    /// Paid by buyers to sellers and the grid.
    pub tokens_paid: u64,
    /// Minted as solar reward (the block reward needs validators; the sim has none).
    pub tokens_minted: u64,
    pub dr_iterations: usize,
    pub dr_converged: bool,
    /// Micro-tokens/kWh.
    pub dr_price_movement: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MechanismBills {
    pub sdr: i64,
    pub mmr: i64,
    pub bill_sharing: i64,
    pub no_trading: i64,
}

pub fn totals(run: &ScenarioRun) -> Totals {
    let n = run.n_households;
    let sum = |f: &dyn Fn(&SlotResult) -> u64| run.slots.iter().map(f).sum::<u64>();
    let load_wh = sum(&|s| s.load_wh);
    let grid_import_wh = sum(&|s| s.grid_import_wh);
    let baseline_grid_import_wh = sum(&|s| s.tbp_wh);
    let bills = run.bills_of(run.mechanism);
    let baseline = run.bills_of(Mechanism::NoTrading);
    let group = |want_prosumer: bool| {
        let pick = |m: Mechanism| -> i64 {
            run.bills_of(m).iter().zip(&run.prosumer).filter(|(_, p)| **p == want_prosumer).map(|(b, _)| *b).sum()
        };
        MechanismBills {
            sdr: pick(Mechanism::Sdr),
            mmr: pick(Mechanism::Mmr),
            bill_sharing: pick(Mechanism::BillSharing),
            no_trading: pick(Mechanism::NoTrading),
        }
    };
    let ratio = |part: u64, whole: u64| if whole == 0 { 0.0 } else { part as f64 / whole as f64 };
    Totals {
        households: n,
        prosumers: run.prosumer.iter().filter(|p| **p).count(),
        load_wh,
        pv_wh: sum(&|s| s.pv_wh),
        p2p_wh: sum(&|s| s.p2p_wh),
        grid_import_wh,
        grid_export_wh: sum(&|s| s.grid_export_wh),
        baseline_grid_import_wh,
        baseline_grid_export_wh: sum(&|s| s.tsp_wh),
        peak_grid_import_wh: run.slots.iter().map(|s| s.grid_import_wh).max().unwrap_or(0),
        baseline_peak_grid_import_wh: run.slots.iter().map(|s| s.tbp_wh).max().unwrap_or(0),
        self_sufficiency: 1.0 - ratio(grid_import_wh, load_wh),
        baseline_self_sufficiency: 1.0 - ratio(baseline_grid_import_wh, load_wh),
        community_cost: bills.iter().sum(),
        baseline_community_cost: baseline.iter().sum(),
        households_better_off: bills.iter().zip(baseline).filter(|(b, o)| b < o).count(),
        households_worse_off: bills.iter().zip(baseline).filter(|(b, o)| b > o).count(),
        mean_bill: bills.iter().sum::<i64>() as f64 / n.max(1) as f64,
        mean_baseline_bill: baseline.iter().sum::<i64>() as f64 / n.max(1) as f64,
        prosumer_bill: group(true),
        consumer_bill: group(false),
        tokens_paid: sum(&|s| s.buyers_paid),
        tokens_minted: sum(&|s| s.solar_reward),
        dr_iterations: run.dr_iterations,
        dr_converged: run.dr_converged,
        dr_price_movement: run.dr_price_movement,
    }
}
