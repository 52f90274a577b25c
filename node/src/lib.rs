//! The solartrade node: libp2p networking, mempool, consensus driver, block execution, sync, RPC, metrics and agents.

pub use node_core::{consensus_wire, driver, evidence, mempool, protocol, wal_record};

pub mod agent;
pub mod allowlist;
pub mod chain;
pub mod client;
pub mod clock;
pub mod compose;
pub mod config;
pub mod dashboard;
pub mod genesis;
pub mod history;
pub mod home;
pub mod household_agent;
pub mod json;
pub mod localnet;
pub mod metrics;
pub mod network;
pub mod prom_read;
pub mod rpc;
pub mod service;
pub mod shared;
pub mod snapshots;
pub mod sync_peers;
pub mod sync_server;
pub mod tx_gossip;
pub mod verifier;
pub mod wal;
