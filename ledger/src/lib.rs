//! Chain data: protobuf wire types, domain-separated signing, the chain store (RocksDB or memory) and the state root.

pub mod batch;
pub mod block;
mod canonical;
pub mod certificate;
pub mod consensus_msg;
pub mod envelope;
pub mod error;
pub mod gossip;
pub mod hash;
pub mod limits;
pub mod merkle;
mod prescan;
pub mod records;
pub mod sign;
pub mod state;
mod state_cache;
pub mod store;
pub mod sync;
pub mod tx;
pub mod wire;

pub use error::WireError;
pub use hash::{Address, Hash};
