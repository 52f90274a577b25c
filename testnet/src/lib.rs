//! Docker testnet runner: applies a manifest of perturbations and checks the network's invariants over RPC.

pub mod delay_proxy;
pub mod docker;
pub mod history;
pub mod latency;
pub mod link;
pub mod manifest;
pub mod probe;
pub mod runner;
