//! One module per CLI verb; each owns its arguments and its `run`.

pub mod bench;
pub mod debug;
pub mod genesis;
pub mod grid_args;
pub mod household_args;
pub mod init;
pub mod keys;
pub mod meter_sim;
pub mod query;
pub mod season_args;
pub mod sim;
pub mod sim_nodes;
pub mod start;
pub mod statesync;
pub mod testnet;
pub mod tx;
pub mod verify;
