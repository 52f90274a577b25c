//! Sealing a payload into a SignedEnvelope and opening one: limits, kind, signature.

use ed25519_dalek::{Signature, VerifyingKey};
use prost::Message;

use crate::canonical::check_canonical;
use crate::error::{check_len, WireError};
use crate::hash::Address;
use crate::sign::{parse_public_key, parse_signature, signing_digest, verify_digest, Domain, Keypair};
use crate::wire::{EnvelopeKind, SignedEnvelope};

/// The signing domain of an envelope kind; the unspecified kind has none.
pub fn domain_of(kind: EnvelopeKind) -> Option<Domain> {
    match kind {
        EnvelopeKind::Unspecified => None,
        EnvelopeKind::Transaction => Some(Domain::Transaction),
        EnvelopeKind::Proposal => Some(Domain::Proposal),
        EnvelopeKind::Prevote => Some(Domain::Prevote),
        EnvelopeKind::Precommit => Some(Domain::Precommit),
    }
}

/// A short name of a kind for error messages.
pub fn kind_name(kind: EnvelopeKind) -> &'static str {
    match kind {
        EnvelopeKind::Unspecified => "unspecified",
        EnvelopeKind::Transaction => "transaction",
        EnvelopeKind::Proposal => "proposal",
        EnvelopeKind::Prevote => "prevote",
        EnvelopeKind::Precommit => "precommit",
    }
}

/// Signs `payload` and wraps it, returning the envelope's bytes.
pub fn seal(keypair: &Keypair, kind: EnvelopeKind, chain_id: &str, payload: Vec<u8>) -> Vec<u8> {
    let signature = match domain_of(kind) {
        Some(domain) => keypair.sign(domain, chain_id, &payload).to_vec(),
        // No domain means nothing may verify: an empty signature is refused on opening.
        None => Vec::new(),
    };
    SignedEnvelope {
        kind: kind as i32,
        payload,
        public_key: keypair.public().to_vec(),
        signature,
    }
    .encode_to_vec()
}

/// An envelope whose shape has been checked but whose signature has not (yet).
#[derive(Debug, Clone)]
pub struct OpenedEnvelope {
    pub kind: EnvelopeKind,
    pub domain: Domain,
    pub payload: Vec<u8>,
    pub signer: Address,
    pub key: VerifyingKey,
    pub signature: Signature,
}

impl OpenedEnvelope {
    /// The digest the signer signed, for `chain_id`.
    pub fn digest(&self, chain_id: &str) -> [u8; 32] {
        signing_digest(self.domain, chain_id, &self.payload)
    }

    /// Checks the signature for `chain_id`.
    pub fn verify(&self, chain_id: &str) -> Result<(), WireError> {
        verify_digest(&self.key, self.domain, &self.digest(chain_id), &self.signature)?;
        Ok(())
    }
}

/// Decodes an envelope of at most `max` bytes, canonically encoded, and checks its kind is
/// one of `accepted`, its key and signature well formed. The signature itself is checked
/// by [`OpenedEnvelope::verify`] or in a batch.
pub fn open(
    bytes: &[u8],
    max: usize,
    accepted: &[EnvelopeKind],
    expected: &'static str,
) -> Result<OpenedEnvelope, WireError> {
    check_len("envelope", bytes, max)?;
    let envelope = SignedEnvelope::decode(bytes).map_err(|e| WireError::malformed("envelope", e))?;
    // An id is the hash of these bytes: one envelope, one encoding (see `canonical`).
    check_canonical("envelope", bytes, &envelope)?;
    let kind = EnvelopeKind::try_from(envelope.kind)
        .map_err(|_| WireError::UnknownKind { what: "envelope", value: envelope.kind })?;
    let domain = domain_of(kind).ok_or(WireError::UnknownKind { what: "envelope", value: envelope.kind })?;
    if !accepted.contains(&kind) {
        return Err(WireError::WrongKind { expected, got: kind_name(kind) });
    }
    let key = parse_public_key(&envelope.public_key)?;
    let signature = parse_signature(&envelope.signature)?;
    Ok(OpenedEnvelope {
        kind,
        domain,
        payload: envelope.payload,
        signer: key.to_bytes(),
        key,
        signature,
    })
}
