//! Cheap, deterministic keys for the core's own tests and benches (feature `test-util`): a
//! keyed 64-bit FNV-1a tag stands in for a signature, so a test measures or checks the rules,
//! not ed25519. Not cryptographic: a test that forges another validator's tag breaks the
//! property real signatures give, so none does.

use crate::signing::{Signer, Verifier};
use crate::types::{SignDomain, ValidatorId};

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

/// 64-bit FNV-1a, folded over several byte slices.
pub fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash = FNV_OFFSET;
    for part in parts {
        for byte in *part {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(FNV_PRIME);
        }
    }
    hash
}

fn domain_tag(domain: SignDomain) -> u8 {
    match domain {
        SignDomain::Proposal => 1,
        SignDomain::Prevote => 2,
        SignDomain::Precommit => 3,
    }
}

fn tag(validator: &ValidatorId, domain: SignDomain, payload: &[u8]) -> [u8; 8] {
    fnv1a(&[validator, &[domain_tag(domain)], payload]).to_be_bytes()
}

/// Signs as one validator.
#[derive(Clone, Copy, Debug)]
pub struct SimSigner(pub ValidatorId);

impl Signer for SimSigner {
    fn sign(&self, domain: SignDomain, payload: &[u8]) -> Vec<u8> {
        tag(&self.0, domain, payload).to_vec()
    }
}

/// Checks tags made by [`SimSigner`].
#[derive(Clone, Copy, Debug, Default)]
pub struct SimVerifier;

impl Verifier for SimVerifier {
    fn verify(&self, domain: SignDomain, validator: &ValidatorId, payload: &[u8], signature: &[u8]) -> bool {
        signature == tag(validator, domain, payload)
    }
}

/// The test id of validator `index`: ids sort in index order.
pub fn validator_id(index: usize) -> ValidatorId {
    let mut id = [0x5a; 32];
    id[..8].copy_from_slice(&(index as u64).to_be_bytes());
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_verifies_only_for_its_signer_domain_and_payload() {
        let signer = SimSigner(validator_id(1));
        let sig = signer.sign(SignDomain::Prevote, b"abc");
        assert!(SimVerifier.verify(SignDomain::Prevote, &validator_id(1), b"abc", &sig));
        assert!(!SimVerifier.verify(SignDomain::Prevote, &validator_id(2), b"abc", &sig));
        assert!(!SimVerifier.verify(SignDomain::Precommit, &validator_id(1), b"abc", &sig));
        assert!(!SimVerifier.verify(SignDomain::Prevote, &validator_id(1), b"abd", &sig));
    }
}
