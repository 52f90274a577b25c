//! What one simulated scenario produced: per slot, per household and slot, and whole-run bills.

use crate::chain::Ratio;
use crate::model::BatteryStrategy;
use crate::{MarketParams, Mechanism};

use super::scenario::Scenario;

/// How a scenario is run: the market, demand response on or off, and the batteries' strategy.
#[derive(Clone, Debug, PartialEq)]
pub struct RunSettings {
    /// `params.mechanism` is the mechanism whose prices the households see and respond to.
    pub params: MarketParams,
    /// Price-based demand response (Liu et al.'s model, at its equilibrium).
    pub dr: bool,
    pub battery_strategy: BatteryStrategy,
}

/// One slot of one scenario, community-wide.
#[derive(Clone, Debug, PartialEq)]
pub struct SlotResult {
    pub slot: usize,
    pub tsp_wh: u64,
    pub tbp_wh: u64,
    pub sdr: Ratio,
    pub price_sell: u64,
    pub price_buy: u64,
    pub p2p_wh: u64,
    pub grid_import_wh: u64,
    pub grid_export_wh: u64,
    pub buyers_paid: u64,
    pub solar_reward: u64,
    /// Community load (after demand response) and PV.
    pub load_wh: u64,
    pub pv_wh: u64,
    /// Sum of battery states of charge at the end of the slot (Wh).
    pub soc_wh: u64,
    /// Community net position load - PV before batteries (Wh; negative = surplus).
    pub net_wh: i64,
    /// Flows between lots, losses and bound limits, under a topology (`sim::grid`).
    pub flows: Option<crate::chain::GridFlows>,
}

/// One household in one slot.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HouseholdSlot {
    pub load_wh: u64,
    pub pv_wh: u64,
    pub soc_wh: u64,
    /// Bid: positive buys, negative sells (load − PV + charged − discharged, rounded to Wh).
    pub net_wh: i64,
    /// What the battery took in from the household's bus (charged) and gave to it (Wh).
    pub charged_wh: f64,
    pub discharged_wh: f64,
    pub p2p_wh: u64,
    pub grid_wh: u64,
    /// Paid (+) or received (−) for energy under the chosen mechanism and under no trading.
    pub bill: i64,
    pub baseline_bill: i64,
    pub solar_reward: u64,
}

/// A scenario's full run.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioRun {
    pub scenario: Scenario,
    pub mechanism: Mechanism,
    pub battery_strategy: BatteryStrategy,
    pub slots: Vec<SlotResult>,
    /// Slot-major: `slot * households + h`.
    pub households: Vec<HouseholdSlot>,
    pub n_households: usize,
    /// Whole-run bill of each household under each mechanism, the same bids settled by each
    /// (index = position in `Mechanism::ALL`).
    pub bills: Vec<Vec<i64>>,
    /// Households with PV (prosumers).
    pub prosumer: Vec<bool>,
    /// Demand-response price iterations used, and whether prices settled within epsilon.
    pub dr_iterations: usize,
    pub dr_converged: bool,
    /// The largest slot price change in the last demand-response iteration (micro-tokens/kWh).
    pub dr_price_movement: u64,
}

impl ScenarioRun {
    /// Each household's whole-run bill under `m` (empty if `m` was not settled).
    pub fn bills_of(&self, m: Mechanism) -> &[i64] {
        Mechanism::ALL.iter().position(|x| *x == m).and_then(|i| self.bills.get(i)).map_or(&[], Vec::as_slice)
    }

    /// Household `h` in `slot`.
    pub fn at(&self, slot: usize, h: usize) -> Option<&HouseholdSlot> {
        self.households.get(slot * self.n_households + h)
    }
}
