//! Why consensus bytes (gossip, or a signed message in the WAL) were refused.

/// Why consensus bytes were refused: the gossip framing (`ledger::gossip`), or the core's
/// sign bytes inside it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireFormatError {
    #[error("{what} is {len} bytes, expected {expected}")]
    Length { what: &'static str, len: usize, expected: usize },
    #[error("{what} has unknown tag {tag:#04x}")]
    Tag { what: &'static str, tag: u8 },
    /// A presence flag (a vote's has_value, a proposal's has_pol) other than 0 followed by
    /// zero bytes or 1: refused so that one vote or proposal has one encoding (else a
    /// relayer could make many distinct messages of one, each passing gossip dedup).
    #[error("{what}: flag {flag} is neither 0 followed by zero bytes nor 1")]
    Flag { what: &'static str, flag: u8 },
    #[error(transparent)]
    Framing(#[from] ledger::WireError),
}
