//! Skipping verification with bisection (Tendermint's light client), from a trusted point to a later header, following validator-set changes.
//!
//! A header at height X is accepted from a trusted height T < X when its certificate carries
//! more than two thirds of X's own set (the set whose hash X names) and more than one third of
//! T's set: then at least one honest validator of T signed X, given that T's set has fewer than
//! a third faulty. If too few of T's set signed, the verifier first verifies the height halfway
//! between, and tries again from there. Headers carry no hash of the next height's set, so two
//! adjacent heights whose sets overlap by a third or less cannot be bridged: that is refused
//! by name ([`LightError::TooLittleTrust`]).

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

use ledger::hash::to_hex;
use ledger::{Address, Hash};

use crate::error::LightError;
use crate::header::{check_signed_header, decode_header, peek_chain_id, trusted_power, CheckedHeader};
use crate::source::Source;

/// Most headers fetched to verify one target: bisection needs about log2(distance) per
/// validator-set change it has to cross, so this is far beyond an honest chain's need and
/// bounds what a node that keeps the client bisecting can cost.
pub const MAX_HEADERS_FETCHED: usize = 256;

/// Where trust starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrustAnchor {
    /// The genesis: its chain id and validator set, which votes on height 1.
    Genesis { chain_id: String, validators: Vec<(Address, u64)> },
    /// A height and its header hash the operator trusts (e.g. read from a node of its own).
    Header { height: u64, hash: Hash },
}

/// The verified headers of one chain, from the trust anchor on.
#[derive(Debug, Clone)]
pub struct Verifier {
    chain_id: String,
    /// Each trusted height with the set that voted on it (height 0: the genesis set).
    trusted: BTreeMap<u64, Vec<(Address, u64)>>,
    headers: BTreeMap<u64, CheckedHeader>,
    fetched: usize,
}

impl Verifier {
    /// Starts from the genesis (no I/O).
    pub fn from_genesis(chain_id: &str, validators: &[(Address, u64)]) -> Self {
        let mut set = validators.to_vec();
        set.sort_by_key(|(id, _)| *id);
        let trusted = BTreeMap::from([(0, set)]);
        Verifier { chain_id: chain_id.to_string(), trusted, headers: BTreeMap::new(), fetched: 0 }
    }

    /// Starts from a trusted height and header hash: the header is fetched and must hash to
    /// `hash`; its chain id becomes the trusted chain, its set the trusted set.
    pub fn from_trusted_header<S: Source>(source: &mut S, height: u64, hash: &Hash) -> Result<Self, LightError> {
        let raw = source.signed_header(height).map_err(|e| LightError::source(format!("header {height}"), e))?;
        let chain_id = peek_chain_id(&raw.header, height)?;
        let (_, got) = decode_header(&raw.header, height, &chain_id)?;
        if &got != hash {
            return Err(LightError::TrustedHashMismatch { height, expected: to_hex(hash), got: to_hex(&got) });
        }
        let validators =
            source.validators(height).map_err(|e| LightError::source(format!("the validators of height {height}"), e))?;
        let checked = check_signed_header(&raw, height, &chain_id, validators)?;
        let trusted = BTreeMap::from([(height, checked.validators.clone())]);
        let headers = BTreeMap::from([(height, checked)]);
        Ok(Verifier { chain_id, trusted, headers, fetched: 1 })
    }

    /// Starts from `anchor`.
    pub fn new<S: Source>(source: &mut S, anchor: &TrustAnchor) -> Result<Self, LightError> {
        match anchor {
            TrustAnchor::Genesis { chain_id, validators } => Ok(Self::from_genesis(chain_id, validators)),
            TrustAnchor::Header { height, hash } => Self::from_trusted_header(source, *height, hash),
        }
    }

    pub fn chain_id(&self) -> &str {
        &self.chain_id
    }

    /// How many headers were fetched and checked so far.
    pub fn headers_fetched(&self) -> usize {
        self.fetched
    }

    /// Verifies header `target`, bisecting where a trusted set signed too little of it.
    pub fn verify<S: Source>(&mut self, source: &mut S, target: u64) -> Result<&CheckedHeader, LightError> {
        let lowest = self.trusted.keys().next().copied().unwrap_or(0);
        if target <= lowest && !self.headers.contains_key(&target) {
            return Err(LightError::NotAfterTrusted { target, trusted: lowest });
        }
        let mut candidates: HashMap<u64, CheckedHeader> = HashMap::new();
        let mut pending = vec![target];
        let mut fetched_here = 0usize;
        while let Some(&next) = pending.last() {
            if self.headers.contains_key(&next) {
                pending.pop();
                continue;
            }
            let Some(&trusted_height) = self.trusted.range(..next).next_back().map(|(height, _)| height) else {
                return Err(LightError::NotAfterTrusted { target: next, trusted: lowest });
            };
            if let Entry::Vacant(slot) = candidates.entry(next) {
                fetched_here += 1;
                if fetched_here > MAX_HEADERS_FETCHED {
                    return Err(LightError::TooManyHeaders { target, max: MAX_HEADERS_FETCHED });
                }
                slot.insert(self.fetch(source, next)?);
            }
            let (Some(candidate), Some(trusted_set)) = (candidates.get(&next), self.trusted.get(&trusted_height)) else {
                continue;
            };
            let (signed, total) = trusted_power(&candidate.certificate, trusted_set);
            // More than a third, in integers.
            if signed * 3 > total {
                let accepted = candidates.remove(&next);
                if let Some(header) = accepted {
                    self.trusted.insert(next, header.validators.clone());
                    self.headers.insert(next, header);
                }
                pending.pop();
                continue;
            }
            let pivot = trusted_height + (next - trusted_height) / 2;
            if pivot == trusted_height {
                return Err(LightError::TooLittleTrust { height: next, trusted_height, signed, total });
            }
            pending.push(pivot);
        }
        self.headers.get(&target).ok_or(LightError::NotAfterTrusted { target, trusted: lowest })
    }

    fn fetch<S: Source>(&mut self, source: &mut S, height: u64) -> Result<CheckedHeader, LightError> {
        self.fetched = self.fetched.saturating_add(1);
        let raw = source.signed_header(height).map_err(|e| LightError::source(format!("header {height}"), e))?;
        let validators =
            source.validators(height).map_err(|e| LightError::source(format!("the validators of height {height}"), e))?;
        check_signed_header(&raw, height, &self.chain_id, validators)
    }
}
