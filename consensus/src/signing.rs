//! The signing abstraction: the node plugs in the ledger's ed25519 domain-separated keys,
//! the core's own tests plug in cheap keys (`testing`).

use crate::types::{SignDomain, ValidatorId};

/// Signs payloads with this validator's key. `payload` is `Vote::sign_bytes()` or
/// `Proposal::sign_bytes()`; `domain` says which, so the host can separate domains.
pub trait Signer: Send {
    fn sign(&self, domain: SignDomain, payload: &[u8]) -> Vec<u8>;
}

/// Checks a signature made by `validator` over `payload` in `domain`.
pub trait Verifier: Send {
    fn verify(&self, domain: SignDomain, validator: &ValidatorId, payload: &[u8], signature: &[u8]) -> bool;
}
