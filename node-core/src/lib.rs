//! The node's pure rules around consensus (no sockets, no clock, storage behind traits): the chain, the driver, wire codecs, WAL, mempool and admission, evidence.

pub mod admission;
pub mod chain;
pub mod channel;
pub mod consensus_wire;
pub mod driver;
pub mod evidence;
pub mod genesis;
pub mod light_proofs;
pub mod mempool;
pub mod protocol;
pub mod verdict;
pub mod wal;
pub mod wal_record;
