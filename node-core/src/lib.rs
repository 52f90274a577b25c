//! The node's pure rules around consensus (no I/O, no clock): wire codecs, WAL records, mempool and admission, evidence.

pub mod consensus_wire;
pub mod evidence;
pub mod mempool;
pub mod wal_record;
pub mod admission;
pub mod verdict;
