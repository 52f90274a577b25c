//! Consensus messages on the wire and in the WAL, and the ledger's ed25519 keys plugged
//! into the consensus core as its signer and verifier.
//!
//! What travels is `ConsensusGossip` (ledger/proto/solartrade/v1/gossip.proto, framing
//! checked by `ledger::gossip`); this module maps it onto the core's types by parsing the
//! core's fixed-length sign bytes, which the WAL stores too.

mod error;
mod gossip;
mod keys;
mod sign_bytes;

pub use error::WireFormatError;
pub use gossip::GossipMessage;
pub(crate) use keys::ledger_vote_payload;
pub use keys::{LedgerSigner, LedgerVerifier, Preverified};
pub use sign_bytes::{
    decode_signed_proposal, decode_signed_vote, encode_signed_proposal, encode_signed_vote, parse_proposal_sign_bytes,
    parse_vote_sign_bytes, SIGNATURE_LEN,
};
