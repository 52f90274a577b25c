//! The light client's verification core: a household checks its balance and settlements from an untrusted node against headers the validators signed.
//!
//! Pure: the node is reached through the [`Source`] trait, which the CLI implements over HTTP and
//! the tests in memory. Starting from a trusted point (the genesis validator set, or a height and
//! header hash the operator trusts), [`Verifier`] verifies a later header by skipping
//! verification (its certificate carries more than two thirds of its own set's power and more
//! than one third of a trusted set's; otherwise it bisects), following validator-set changes.
//! [`verify_bill`] then checks the account and the household's recent settlements with state
//! proofs against the verified header's state root.

mod bill;
mod error;
mod header;
mod proofs;
mod settlement;
mod source;
mod verifier;

pub use bill::{verify_bill, Bill, MAX_BIDDERS_PER_SLOT, MAX_SLOTS};
pub use error::LightError;
pub use header::CheckedHeader;
pub use proofs::MAX_KEYS_PER_REQUEST;
pub use settlement::SlotVerdict;
pub use source::{ProvenBatch, ProvenEntry, RawSignedHeader, Source};
pub use verifier::{TrustAnchor, Verifier, MAX_HEADERS_FETCHED};
