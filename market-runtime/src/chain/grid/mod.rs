//! The community's electrical topology and what it does to a slot: lots as feeders under one
//! transformer, their import and export limits, and losses on energy crossing between lots.
//!
//! Absent from the genesis (`MarketParams::topology` is `None`), the community is one pool with
//! no limits and no losses, and nothing here runs. Present, a slot is cleared in two layers:
//! - the physical one (`route`): from each lot's bid totals, the energy that stays in the lot,
//!   crosses to other lots (and what is lost doing so), goes to or comes from the grid, or is
//!   curtailed (sellers) or unserved (buyers) because a limit binds; recorded as `GridFlows`;
//! - the financial one (`pool`): each bid keeps the part of its quantity that can be delivered,
//!   in proportion to quantity within its lot, and the genesis mechanism prices those parts
//!   exactly as it prices a slot without topology. See docs/market.md, "Grid limits and losses".

pub mod codec;
pub mod flows;
pub mod pool;
pub mod route;
pub mod topology;

pub use flows::{Bound, FeederFlows, GridFlows};
pub use topology::{Feeder, Topology, TopologyError, Transformer, MAX_FEEDERS, PPM};
