//! What executing a block produces: the block context in, the slot clearing and mint out.

use serde::{Deserialize, Serialize};

use super::error::TxError;
use super::grid::GridFlows;
use super::params::Mechanism;
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
}
