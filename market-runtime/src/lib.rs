//! The deterministic market state transition (registry, bids, clearing, settlement, mint) and the household models.
//!
//! `chain` is what every node executes: integer-only, no I/O, no clocks. `model` holds the
//! off-chain household models (PV, load, battery, demand response, CSV import) that agents and
//! simulations use to produce the integer Wh quantities they bid.

pub mod chain;
pub mod model;

pub use chain::*;
