//! The solartrade node: libp2p networking, mempool, consensus driver, block execution, sync, RPC, metrics and agents.

pub mod config;
pub mod dashboard;
pub mod home;
pub mod network;
