//! A deterministic simulation of whole solartrade nodes: the real driver, mempool and execution over memory stores, a simulated network and clocks, faults, and invariants checked after every step.
//!
//! Everything a node does around consensus runs here as it runs on a real node (`node_core`'s
//! driver, admission, mempool, WAL replay, sync by certificate, evidence), over a chain store and
//! WAL in memory that lose unsynced writes on a power loss. Only the I/O is simulated: links
//! with latency, jitter, loss, duplication and partitions, clocks with skew, crashes. One seed
//! gives one trace; its hash is the same on every run.

mod administrator;
mod byzantine;
pub mod config;
mod disk;
mod effects;
pub mod geo;
mod hostile;
mod households;
pub mod invariants;
mod network;
mod node;
pub mod random;
pub mod report;
mod setup;
mod world;

pub use config::{Behaviour, Crash, LinkConfig, Partition, SimConfig, UpgradeSchedule, ValidatorUpdate};
pub use report::{HeaderFacts, SimReport};
pub use world::run;
