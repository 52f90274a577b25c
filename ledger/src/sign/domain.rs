//! The domain tags that keep a signature made for one kind of message from being valid for another.

use crate::hash::{sha256_concat, Hash};

/// What a signature is for. Each domain has its own tag inside the signed hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Domain {
    Transaction,
    Proposal,
    Prevote,
    Precommit,
    /// A block header signed outside consensus (e.g. a light-client attestation).
    Block,
}

impl Domain {
    /// The tag hashed in front of the chain id and payload. The tags are distinct and
    /// none is a prefix of another, so no two domains can produce the same input.
    pub fn tag(self) -> &'static [u8] {
        match self {
            Domain::Transaction => b"solartrade/v1/transaction\0",
            Domain::Proposal => b"solartrade/v1/proposal\0",
            Domain::Prevote => b"solartrade/v1/prevote\0",
            Domain::Precommit => b"solartrade/v1/precommit\0",
            Domain::Block => b"solartrade/v1/block\0",
        }
    }
}

/// The 32 bytes an ed25519 key signs: `sha256(tag || chain_id || payload)`.
pub fn signing_digest(domain: Domain, chain_id: &str, payload: &[u8]) -> Hash {
    sha256_concat(&[domain.tag(), chain_id.as_bytes(), payload])
}
