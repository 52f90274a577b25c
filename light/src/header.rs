//! One header from the node, checked on its own: exact bytes, chain, validator set and a certificate of more than two thirds of that set.

use ledger::block::{check_header, validators_hash, Header};
use ledger::certificate::{decode_certificate, verify_certificate};
use ledger::hash::{sha256, to_hex};
use ledger::limits::MAX_CERT_SIGNATURES;
use ledger::wire::CommitCertificate;
use ledger::{Address, Hash, WireError};
use prost::Message;

use crate::error::LightError;
use crate::source::RawSignedHeader;

/// Largest header: a 64-byte chain id, six 32-byte hashes and four integers take under 400.
const MAX_HEADER_BYTES: usize = 1024;

/// A header whose certificate carries more than two thirds of the power of the set the
/// header names. Whether that set is to be trusted is the [`crate::Verifier`]'s question.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedHeader {
    pub height: u64,
    pub hash: Hash,
    pub header: Header,
    pub certificate: CommitCertificate,
    /// The set whose hash is the header's `validators_hash`.
    pub validators: Vec<(Address, u64)>,
}

impl CheckedHeader {
    /// The state root after height `height - 1`.
    pub fn state_root(&self) -> Hash {
        // `check_header` refused a state root of any other length.
        let mut root = [0u8; 32];
        root.copy_from_slice(&self.header.state_root);
        root
    }
}

fn undecodable(height: u64, error: impl std::fmt::Display) -> LightError {
    LightError::HeaderUndecodable { height, source: WireError::Malformed { what: "header", reason: error.to_string() } }
}

fn check_size(height: u64, bytes: &[u8]) -> Result<(), LightError> {
    if bytes.len() > MAX_HEADER_BYTES {
        let source = WireError::Oversize { what: "header", len: bytes.len(), max: MAX_HEADER_BYTES };
        return Err(LightError::HeaderUndecodable { height, source });
    }
    Ok(())
}

/// The chain id of a header not yet trusted, only to check it under its own name: its hash
/// against the trusted one decides.
pub(crate) fn peek_chain_id(bytes: &[u8], height: u64) -> Result<String, LightError> {
    check_size(height, bytes)?;
    Header::decode(bytes).map(|h| h.chain_id).map_err(|e| undecodable(height, e))
}

/// Decodes a header from its exact bytes, refusing an encoding whose hash would differ from
/// the one the validators signed, and checks its height, chain and field lengths.
pub(crate) fn decode_header(bytes: &[u8], height: u64, chain_id: &str) -> Result<(Header, Hash), LightError> {
    check_size(height, bytes)?;
    let header = Header::decode(bytes).map_err(|e| undecodable(height, e))?;
    if header.encode_to_vec() != bytes {
        return Err(LightError::HeaderNotCanonical { height });
    }
    if header.height != height {
        return Err(LightError::WrongHeaderHeight { asked: height, got: header.height });
    }
    if header.chain_id != chain_id {
        return Err(LightError::WrongChain { height, expected: chain_id.to_string(), got: header.chain_id });
    }
    check_header(&header, chain_id).map_err(|source| LightError::HeaderUndecodable { height, source })?;
    Ok((header, sha256(bytes)))
}

/// Checks that `validators` is the set header `height` names, and that they committed it.
pub(crate) fn check_signed_header(
    raw: &RawSignedHeader,
    height: u64,
    chain_id: &str,
    validators: Vec<(Address, u64)>,
) -> Result<CheckedHeader, LightError> {
    let (header, hash) = decode_header(&raw.header, height, chain_id)?;
    if validators.len() > MAX_CERT_SIGNATURES {
        return Err(LightError::TooManyValidators { height, count: validators.len(), max: MAX_CERT_SIGNATURES });
    }
    let computed = validators_hash(&validators);
    if computed.as_slice() != header.validators_hash.as_slice() {
        return Err(LightError::ValidatorsHashMismatch {
            height,
            header: to_hex(&header.validators_hash),
            computed: to_hex(&computed),
        });
    }
    let certificate = decode_certificate(&raw.certificate)
        .map_err(|source| LightError::CertificateUndecodable { height, source })?;
    verify_certificate(&certificate, chain_id, height, &hash, &validators)
        .map_err(|source| LightError::Certificate { height, source })?;
    Ok(CheckedHeader { height, hash, header, certificate, validators })
}

/// The power of `trusted` that signed `certificate` (whose signers were verified already),
/// and the trusted set's total.
pub(crate) fn trusted_power(certificate: &CommitCertificate, trusted: &[(Address, u64)]) -> (u128, u128) {
    let total: u128 = trusted.iter().map(|(_, power)| u128::from(*power)).sum();
    let signed: u128 = certificate
        .signatures
        .iter()
        .filter_map(|s| trusted.iter().find(|(id, _)| id.as_slice() == s.validator.as_slice()))
        .map(|(_, power)| u128::from(*power))
        .sum();
    (signed, total)
}
