//! Primitive identifiers shared by every message of the protocol.

/// A validator's identity: its ed25519 public key in the node, any 32 bytes in tests.
pub type ValidatorId = [u8; 32];

/// The identity of a proposed value: the block hash.
pub type ValueId = [u8; 32];

/// A block height (one consensus instance per height).
pub type Height = u64;

/// A round inside a height; rounds start at 0.
pub type Round = u32;

/// The step a validator signs at, ordered as the protocol passes through them in a round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Propose,
    Prevote,
    Precommit,
}

/// Which signing domain a payload belongs to, so the host can separate the three kinds
/// (the ledger maps them to `Domain::{Proposal, Prevote, Precommit}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignDomain {
    Proposal,
    Prevote,
    Precommit,
}
