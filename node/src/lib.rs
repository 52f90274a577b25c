//! The solartrade node: libp2p networking, mempool, consensus driver, block execution, sync, RPC, metrics and agents.

pub mod chain;
pub mod config;
pub mod consensus_wire;
pub mod dashboard;
pub mod genesis;
pub mod home;
pub mod json;
pub mod mempool;
pub mod metrics;
pub mod network;
pub mod rpc;
pub mod shared;
