//! The on-chain state transition: integer-only, deterministic, no I/O, no clocks, no floats.
//!
//! Units: energy in Wh (`u64`), money in micro-tokens (`u64`), prices in micro-tokens per kWh,
//! ratios as exact `u128` rationals. A payment for `q` Wh at price `P` is `q * P / 1000`.
//!
//! Rounding rule (every mechanism; see `settlement`): the clearing yields exact rational prices
//! `Pb` (buy) and `Ps` (sell) and the grid's exact net flow `G = (E_imp * Lb - E_exp * Ls) / 1000`.
//! 1. Buyers' total `B = floor(TBP * Pb / 1000)`.
//! 2. Grid net receipt `Gr = floor(G)` (negative: the grid pays out `-Gr`).
//! 3. Sellers' total `S = B - Gr` (conservation by construction; `S` is `floor` or `ceil` of exact).
//! 4. `B` is split among buyers and `S` among sellers in proportion to their quantities by the
//!    largest-remainder method: each gets `floor(q_i * T / Q)`, and the `T - sum` leftover
//!    micro-tokens go one each to the largest remainders, ties to the lower address.
//! 5. Energy: the short side trades all locally; the long side's local share is split the same
//!    way (largest remainder over Wh).
//! 6. Published prices `price_sell`/`price_buy` are the exact prices rounded down.
//!
//! The auctions (pay-as-clear, pay-as-bid; `auction`, `auction_settlement`) price each bid by its
//! own limit price or the clearing price, so a bid's exact amount is its local energy at its
//! local price plus its grid energy at Lb or Ls. Steps 1-3 are the same with `B` the floor of the
//! buyers' exact sum; in step 4 each bid gets the floor of its exact amount and the leftover
//! micro-tokens go one each to the largest remainders, ties to the lower address (`apportion`).
//! Energy follows the auction's match (`auction`). SDR, MMR, bill sharing and no trading ignore
//! limit prices.
//!
//! Under a genesis topology (`grid`: lots as feeders under one transformer, limits, losses), each
//! bid is first cut to the part its lot can deliver or receive, and the mechanism prices those
//! parts by the same rule; the cut part is curtailed, lost between lots or unserved, and unpaid.
//!
//! Under a genesis with `metering`, a household's reading for a cleared slot settles its
//! deviation from its bid with the grid account at the imbalance prices (`metering`,
//! `metering_close`), floor-rounded, tokens moving only between the two.
//!
//! Nothing is created or lost except by the mint (block reward, solar reward).

pub mod admin;
pub mod admin_action;
pub mod admin_approvals;
pub mod apportion;
pub mod auction;
pub mod auction_settlement;
pub mod block;
pub mod clearing;
pub mod codec;
pub mod error;
pub mod genesis;
pub mod grid;
pub mod hex_addr;
pub mod keys;
pub mod meter;
pub mod metering;
pub mod metering_close;
pub mod outcome;
pub mod params;
pub mod query;
pub mod ratio;
pub mod registration;
pub mod retention;
pub mod settlement;
pub mod state;
pub mod store;
pub mod tx;
pub mod types;
pub mod upgrade;
pub mod validators;

pub use admin::{AdminSetError, Administrator, MAX_ADMIN_MEMBERS};
pub use admin_approvals::{ADMIN_PROPOSAL_TTL_SLOTS, MAX_ADMIN_PROPOSALS};
pub use block::execute_block;
pub use error::{GenesisError, TxError};
pub use genesis::init_genesis;
pub use grid::{Feeder, GridFlows, Topology, Transformer};
pub use outcome::{BlockContext, BlockOutcome, MeteredSettlement, MeteredSource, Minted, Settlement, SlotClearing, WindowClose};
pub use params::{AdministratorSet, AppGenesis, GenesisBalance, GenesisHousehold, GenesisValidator, MarketParams, Mechanism, MeteringParams, MissingReading};
pub use query::{account, admin_proposals, administrator, allowed_node_keys, household, households, meter_reading, metered_settlement, metered_settlements, signing_validators, slot_clearing, validators, window_close};
pub use ratio::Ratio;
pub use store::{MemStore, StateStore};
pub use tx::{check_tx, check_tx_admission};
pub use types::{Account, Address, Household, HouseholdKind, HouseholdSpec, HouseholdStatus, MeterReading, Side, Tx, TxBody};
