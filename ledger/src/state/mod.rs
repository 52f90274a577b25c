//! The state the market runtime writes through: an overlay over the chain store, and its authenticated root.

mod db;
mod proof;
mod tree;

pub use db::StateDb;
pub use proof::{Proof, ProofError};
pub use tree::{bucket_hash, bucket_of, node_hash, Entry, StateTree, BUCKETS, DEPTH};
