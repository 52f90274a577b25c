//! The deterministic market state transition (registry, bids, clearing, settlement, mint) and the household models.
//!
//! `chain` is what every node executes: integer-only, no I/O, no clocks. `model` holds the
//! off-chain household models (PV, load, battery, demand response, CSV import) that agents and
//! simulations use to produce the integer Wh quantities they bid. `sim` runs those models
//! through the chain's clearing for `solartrade sim` (scenarios, claims, comparisons).

pub mod chain;
pub mod model;
pub mod sim;

pub use chain::*;
