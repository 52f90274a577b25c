//! What executing a block produces: the block context in, the slot clearing and mint out.

use serde::{Deserialize, Serialize};

use super::error::TxError;
use super::grid::GridFlows;
use super::params::{Mechanism, MissingReading};
use super::ratio::Ratio;
use super::types::{Address, Side};

/// What the node tells the runtime about the block it executes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockContext {
    pub height: u64,
    /// The market slot this block clears.
    pub slot: u64,
    pub proposer: Address,
    /// Validators whose precommits are in the block's last commit (the certificate of the
    /// previous height that the block carries); they share the block reward. Empty at
    /// height 1, which mints no block reward.
    pub signers: Vec<Address>,
}

/// One household's result in a cleared slot. Amounts are micro-tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settlement {
    pub household: Address,
    pub side: Side,
    pub quantity_wh: u64,
    /// Matched inside the community.
    pub p2p_wh: u64,
    /// Imported from (buyers) or exported to (sellers) the grid.
    pub grid_wh: u64,
    /// Paid (buyers) or received (sellers) for the energy.
    pub amount: u64,
    /// Minted to a seller for its solar energy consumed inside the community.
    pub solar_reward: u64,
}

/// The slot's clearing: prices, energy flows and every household's settlement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotClearing {
    pub slot: u64,
    pub mechanism: Mechanism,
    /// Total sell (Wh).
    pub tsp_wh: u64,
    /// Total buy (Wh).
    pub tbp_wh: u64,
    /// TSP / TBP exactly; den 0 when nobody buys.
    pub sdr: Ratio,
    /// Micro-tokens per kWh, rounded down from the exact price.
    pub price_sell: u64,
    pub price_buy: u64,
    /// Lb and Ls of the slot.
    pub grid_buy_price: u64,
    pub grid_sell_price: u64,
    pub p2p_wh: u64,
    pub grid_import_wh: u64,
    pub grid_export_wh: u64,
    /// Sum of buyers' payments.
    pub buyers_paid: u64,
    /// Sum of sellers' receipts (before the solar reward).
    pub sellers_received: u64,
    /// What the grid account received from buyers and paid to sellers, net of each other.
    pub grid_received: u64,
    pub grid_paid: u64,
    /// In ascending household address order.
    pub settlements: Vec<Settlement>,
    /// Under a genesis topology: flows between lots, losses, each feeder's grid import and
    /// export, and which limits bound (`chain::grid`). With one, `tsp_wh`/`tbp_wh` are the
    /// deliverable parts the mechanism priced; the bids' totals are the feeders' `sell_wh`/`buy_wh`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flows: Option<GridFlows>,
}

/// Tokens created by the block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Minted {
    /// Block reward paid, per signing validator (ascending address order).
    pub validators: Vec<(Address, u64)>,
    pub block_reward: u64,
    /// Solar reward paid to sellers (per seller in `SlotClearing::settlements`).
    pub solar_reward: u64,
}

impl Minted {
    pub fn total(&self) -> u64 {
        self.block_reward.saturating_add(self.solar_reward)
    }
}

/// Where a metered settlement's reading came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeteredSource {
    /// The household's `MeterReport`.
    Reported,
    /// The no-reading rule, when the slot's window closed (`MissingReading`).
    Rule,
}

/// What one metered settlement did (`chain::metering`). Energy in Wh, money in micro-tokens.
/// Signed energies are positive for export (sold, delivered) and negative for import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeteredSettlement {
    pub household: Address,
    pub slot: u64,
    pub source: MeteredSource,
    /// The slot's bid: +quantity for a sell, -quantity for a buy, 0 without a bid.
    pub allocated_wh: i64,
    /// Metered net export: generation - load - battery charge (see `metering::metered_wh`).
    pub metered_wh: i64,
    /// allocated - metered, when positive: bought from the grid account.
    pub shortfall_wh: u64,
    /// metered - allocated, when positive: sold to the grid account.
    pub surplus_wh: u64,
    /// The imbalance price applied (micro-tokens per kWh); 0 when there is no deviation.
    pub price: u64,
    /// Paid by the household to the grid account for the shortfall.
    pub charged: u64,
    /// Paid by the grid account to the household for the surplus.
    pub credited: u64,
    /// The part of the shortfall charge the household's available balance could not cover,
    /// added to its debt (`mdebt/<addr>`).
    pub debt_added: u64,
    /// Earlier debt this settlement collected, paid to the grid account.
    pub debt_collected: u64,
    /// The part of the surplus credit the grid account's available balance could not pay.
    pub credit_unpaid: u64,
    /// The reading's end-of-slot battery charge (Wh); `None` when settled by the rule. The next
    /// slot's battery change starts from it.
    pub battery_soc_wh: Option<u64>,
}

/// A slot's metering window that this block closed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowClose {
    pub slot: u64,
    pub rule: MissingReading,
    /// Households with a bid in the slot.
    pub bidders: u64,
    /// Of them, those that sent a reading within the window.
    pub reported: u64,
    /// Of them, those settled by the rule (the others' settlements are in
    /// `BlockOutcome::metered`, source `rule`, when the rule moved anything).
    pub by_rule: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockOutcome {
    pub height: u64,
    /// One entry per tx, in block order; an `Err` tx was skipped and changed nothing.
    pub tx_results: Vec<Result<(), TxError>>,
    /// `None` when `slot` was already cleared by an earlier block.
    pub clearing: Option<SlotClearing>,
    /// Bids for earlier slots the chain skipped, released and deleted by this block.
    pub expired_bids: u64,
    pub minted: Minted,
    /// Metered settlements of this block: its meter reports in block order, then those of the
    /// no-reading rule in address order. Absent from JSON when empty, as before metering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metered: Vec<MeteredSettlement>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub window_closed: Option<WindowClose>,
    /// Records of old slots this block removed under the genesis's retention (`retention`).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pruned_records: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
