//! The solartrade node: libp2p networking, mempool, consensus driver, block execution, sync, RPC, metrics and agents.

pub mod agent;
pub mod chain;
pub mod client;
pub mod compose;
pub mod config;
pub mod consensus_wire;
pub mod dashboard;
pub mod driver;
pub mod evidence;
pub mod genesis;
pub mod history;
pub mod home;
pub mod household_agent;
pub mod json;
pub mod localnet;
pub mod mempool;
pub mod metrics;
pub mod network;
pub mod prom_read;
pub mod rpc;
pub mod service;
pub mod shared;
pub mod wal;
