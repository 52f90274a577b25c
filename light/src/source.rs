//! What the light client asks a node for. Every answer is untrusted: the core checks it, never believes it.

use ledger::state::Proof;
use ledger::Address;

/// A header and the certificate that committed it, as the protobuf bytes the node stored: the
/// header's hash is taken over exactly these bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSignedHeader {
    pub header: Vec<u8>,
    pub certificate: Vec<u8>,
}

/// One key's value (`None`: absent) with its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenEntry {
    pub key: Vec<u8>,
    pub value: Option<Vec<u8>>,
    pub proof: Proof,
}

/// Proofs of several keys against the state after `height`, which header `height + 1`'s
/// state root commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvenBatch {
    pub height: u64,
    pub entries: Vec<ProvenEntry>,
}

/// A node, as the light client sees it. Implementations do the I/O and bound it (sizes,
/// timeouts); the core bounds how many calls it makes.
pub trait Source {
    type Error: std::error::Error + Send + Sync + 'static;

    /// The header and certificate of `height`. May wait (bounded) for `height` to be committed.
    fn signed_header(&mut self, height: u64) -> Result<RawSignedHeader, Self::Error>;

    /// The validator set (ids and powers, in set order) that voted on `height`.
    fn validators(&mut self, height: u64) -> Result<Vec<(Address, u64)>, Self::Error>;

    /// Values and proofs of `keys`, all against one state, in the order asked.
    fn prove(&mut self, keys: &[Vec<u8>]) -> Result<ProvenBatch, Self::Error>;

    /// At most `limit` addresses of `slot`'s bidders, ascending, each greater than `after`.
    fn bidders(&mut self, slot: u64, after: Option<&Address>, limit: usize) -> Result<Vec<Address>, Self::Error>;
}
