//! SHA-256, the one hash function of the chain.

use sha2::{Digest, Sha256};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// An ed25519 public key: the address of an account, household or validator.
pub type Address = [u8; 32];

/// sha256 of the concatenation of `parts`, without copying them into one buffer.
pub fn sha256_concat(parts: &[&[u8]]) -> Hash {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
}

/// sha256 of one byte string.
pub fn sha256(bytes: &[u8]) -> Hash {
    Sha256::digest(bytes).into()
}

/// Lowercase hex of a hash or address, the text form used in errors, RPC and files.
pub fn to_hex(bytes: &[u8]) -> String {
    hex::encode(bytes)
}
