//! The one error type of every decoder of bytes from the network or the disk.

use thiserror::Error;

use crate::sign::{BatchError, SignError};

/// Why bytes were refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WireError {
    #[error("{what} is {len} bytes, over the limit of {max}")]
    Oversize { what: &'static str, len: usize, max: usize },
    #[error("{what} holds {count} {items}, over the limit of {max}")]
    TooMany { what: &'static str, items: &'static str, count: usize, max: usize },
    /// Bytes that decode but are not what the reference encoder writes for the decoded
    /// message (unknown, repeated or default-valued fields, overlong varints, fields out of
    /// order): refused so that one message has one encoding, hence one hash.
    #[error(
        "{what} of {len} bytes is not canonically encoded: it re-encodes to {canonical_len} bytes, \
         differing from byte {first_difference} on"
    )]
    NonCanonical { what: &'static str, len: usize, canonical_len: usize, first_difference: usize },
    #[error("malformed {what}: {reason}")]
    Malformed { what: &'static str, reason: String },
    #[error("unknown {what} kind {value}")]
    UnknownKind { what: &'static str, value: i32 },
    #[error("expected a {expected} envelope, got {got}")]
    WrongKind { expected: &'static str, got: &'static str },
    #[error("wrong chain id: expected {expected:?}, got {got:?}")]
    WrongChainId { expected: String, got: String },
    #[error("{what}: field {field} is {len} bytes, must be exactly {expected}")]
    Length { what: &'static str, field: &'static str, len: usize, expected: usize },
    #[error("{what}: required field {field} is missing")]
    Missing { what: &'static str, field: &'static str },
    #[error("{what}: field {field} {reason}")]
    Field { what: &'static str, field: &'static str, reason: String },
    #[error("bad signature: {0}")]
    Signature(#[from] SignError),
    #[error("bad signature in batch: {0}")]
    Batch(#[from] BatchError),
    #[error("nonce {got} of {sender} reused: the account's next nonce is {expected}")]
    NonceReused { sender: String, got: u64, expected: u64 },
    #[error("nonce {got} of {sender} out of order: the account's next nonce is {expected}")]
    NonceGap { sender: String, got: u64, expected: u64 },
}

impl WireError {
    pub(crate) fn malformed(what: &'static str, err: impl std::fmt::Display) -> Self {
        WireError::Malformed { what, reason: err.to_string() }
    }

    /// A field-level error: `what` message, `field` name, `reason` in words.
    pub fn field(what: &'static str, field: &'static str, reason: impl Into<String>) -> Self {
        WireError::Field { what, field, reason: reason.into() }
    }
}

/// Refuses `bytes` longer than `max` before anything is decoded or allocated.
pub(crate) fn check_len(what: &'static str, bytes: &[u8], max: usize) -> Result<(), WireError> {
    if bytes.len() > max {
        return Err(WireError::Oversize { what, len: bytes.len(), max });
    }
    Ok(())
}

/// Reads a 32-byte hash or address field.
pub(crate) fn bytes32(what: &'static str, field: &'static str, bytes: &[u8]) -> Result<[u8; 32], WireError> {
    bytes
        .try_into()
        .map_err(|_| WireError::field(what, field, format!("must be 32 bytes, is {}", bytes.len())))
}

/// Checks a chain id carried in a payload against the node's own.
pub(crate) fn check_chain_id(expected: &str, got: &str) -> Result<(), WireError> {
    if expected != got {
        return Err(WireError::WrongChainId {
            expected: expected.to_string(),
            got: got.chars().take(crate::limits::MAX_CHAIN_ID_LEN).collect(),
        });
    }
    Ok(())
}
