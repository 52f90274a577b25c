//! The deterministic simulator: n validators on a seeded, faulty network with crashes and
//! Byzantine behaviours; safety invariants checked at every decision, liveness after healing.

mod byzantine;
mod config;
mod network;
mod node;
mod queue;
mod random;
mod report;
mod runner;
mod trace;

pub use byzantine::{is_valid_value, INVALID_MARK};
pub use config::{Behaviour, Crash, NetworkConfig, Partition, SimConfig, ValidatorChange};
pub use crate::testing::{fnv1a, validator_id, SimSigner, SimVerifier};
pub use random::random_scenario;
pub use report::{DecisionRecord, LateDecision, NodeState, SimReport, Violation};
pub use runner::{run, run_with_progress, SimError, LIVENESS_ROUNDS};
