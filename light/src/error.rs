//! Why verification failed, naming the height, key or slot and the check that did not hold.

use ledger::certificate::CertError;
use ledger::state::ProofError;
use ledger::WireError;
use thiserror::Error;

type BoxedError = Box<dyn std::error::Error + Send + Sync + 'static>;

#[derive(Debug, Error)]
pub enum LightError {
    #[error("the node did not answer {call}: {source}")]
    Source { call: String, source: BoxedError },

    #[error("header {height} does not decode: {source}")]
    HeaderUndecodable { height: u64, source: WireError },
    #[error("header {height} is not in canonical encoding, so its hash would not be the one signed")]
    HeaderNotCanonical { height: u64 },
    #[error("asked for header {asked}, the node sent header {got}")]
    WrongHeaderHeight { asked: u64, got: u64 },
    #[error("header {height} is of chain {got:?}, not the trusted chain {expected:?}")]
    WrongChain { height: u64, expected: String, got: String },
    #[error("header {height} hashes to {got}, not the trusted hash {expected}")]
    TrustedHashMismatch { height: u64, expected: String, got: String },
    #[error("the validator set the node sent for height {height} hashes to {computed}, but header {height}'s validators_hash is {header}")]
    ValidatorsHashMismatch { height: u64, header: String, computed: String },
    #[error("the validator set the node sent for height {height} has {count} members, more than the {max} a set may have")]
    TooManyValidators { height: u64, count: usize, max: usize },
    #[error("the certificate of header {height} does not decode: {source}")]
    CertificateUndecodable { height: u64, source: WireError },
    #[error("the certificate of header {height} does not commit it: {source}")]
    Certificate { height: u64, source: CertError },
    #[error("header {height} is signed by {signed} of the {total} power of the set trusted at height {trusted_height}, not more than a third, and there is no height between them to bisect through")]
    TooLittleTrust { height: u64, trusted_height: u64, signed: u128, total: u128 },
    #[error("verifying header {target} needed more than {max} headers")]
    TooManyHeaders { target: u64, max: usize },
    #[error("header {target} is not after the trusted height {trusted}; the light client only verifies forward")]
    NotAfterTrusted { target: u64, trusted: u64 },
    #[error("the proven state is after height {height}, which leaves no header to prove it by")]
    HeightExhausted { height: u64 },

    #[error("asked for proofs of {asked} keys, the node answered {got}")]
    WrongProofCount { asked: usize, got: usize },
    #[error("proof {index} is for key {got}, not the key asked, {asked}")]
    WrongProofKey { index: usize, asked: String, got: String },
    #[error("key {key} after height {height}: {source}")]
    Proof { height: u64, key: String, source: ProofError },

    #[error("account {key} after height {height} holds {len} bytes that are not an account")]
    AccountUndecodable { height: u64, key: String, len: usize },
    #[error("meta/cleared after height {height} holds {len} bytes that are not a slot number")]
    ClearedUndecodable { height: u64, len: usize },
    #[error("the settlements of slot {slot} ({len} bytes) do not decode")]
    SettlementsUndecodable { slot: u64, len: usize },
    #[error("the bid of {bidder} in slot {slot} is proven but does not decode")]
    BidUndecodable { slot: u64, bidder: String },
    #[error("the bid of {bidder} in slot {slot} is proven absent, yet the node listed it as a bidder")]
    ListedBidAbsent { slot: u64, bidder: String },
    #[error("the node listed the bidders of slot {slot} out of order (entry {index}): they must be distinct and ascending")]
    BiddersNotAscending { slot: u64, index: usize },
    #[error("the node listed {listed} bidders of slot {slot}, but the slot's proven settlements have {settled} entries")]
    BidderCountMismatch { slot: u64, listed: usize, settled: usize },
    #[error("{asked} slots asked for, at most {max} are checked at once")]
    TooManySlots { asked: u64, max: u64 },
    #[error("slot {slot} has more than {max} bidders, more than the light client verifies")]
    TooManyBidders { slot: u64, max: usize },
}

impl LightError {
    pub(crate) fn source(call: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        LightError::Source { call: call.into(), source: Box::new(source) }
    }
}
