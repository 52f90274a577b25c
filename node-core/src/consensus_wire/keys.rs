//! The ledger's ed25519 keys as the consensus core's signer and verifier.
//!
//! Votes are signed over the ledger's precommit payload (not the core's raw sign bytes), so
//! the precommit signatures the core gathers form a certificate the ledger verifies.

use consensus::{SignDomain, Vote, VoteType};
use ledger::sign::{Domain, Keypair};
use prost::Message as _;

use super::sign_bytes::parse_vote_sign_bytes;

/// The payload a vote's signature covers: the ledger's `Vote` message.
pub(crate) fn ledger_vote_payload(chain_id: &str, vote: &Vote) -> Vec<u8> {
    let vote_type = match vote.vote_type {
        VoteType::Prevote => ledger::wire::VoteType::Prevote,
        VoteType::Precommit => ledger::wire::VoteType::Precommit,
    };
    ledger::wire::Vote {
        chain_id: chain_id.to_string(),
        vote_type: vote_type as i32,
        height: vote.height,
        round: vote.round,
        block_hash: vote.value.map(|v| v.to_vec()).unwrap_or_default(),
    }
    .encode_to_vec()
}

/// Maps what the core asks to sign onto the ledger domain and payload.
fn signing_input(chain_id: &str, domain: SignDomain, payload: &[u8]) -> Option<(Domain, Vec<u8>)> {
    match domain {
        SignDomain::Proposal => Some((Domain::Proposal, payload.to_vec())),
        SignDomain::Prevote | SignDomain::Precommit => {
            let vote = parse_vote_sign_bytes(payload).ok()?;
            let ledger_domain = if domain == SignDomain::Prevote { Domain::Prevote } else { Domain::Precommit };
            Some((ledger_domain, ledger_vote_payload(chain_id, &vote)))
        }
    }
}

pub struct LedgerSigner {
    pub keypair: Keypair,
    pub chain_id: String,
}

impl consensus::Signer for LedgerSigner {
    fn sign(&self, domain: SignDomain, payload: &[u8]) -> Vec<u8> {
        match signing_input(&self.chain_id, domain, payload) {
            Some((domain, payload)) => self.keypair.sign(domain, &self.chain_id, &payload).to_vec(),
            // The core only hands over its own fixed-length encodings, which always parse;
            // an empty signature would be refused by every verifier.
            None => Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct LedgerVerifier {
    pub chain_id: String,
}

impl consensus::Verifier for LedgerVerifier {
    fn verify(&self, domain: SignDomain, validator: &consensus::ValidatorId, payload: &[u8], signature: &[u8]) -> bool {
        let Some((domain, payload)) = signing_input(&self.chain_id, domain, payload) else { return false };
        let (Ok(key), Ok(signature)) = (ledger::sign::parse_public_key(validator), ledger::sign::parse_signature(signature)) else {
            return false;
        };
        ledger::sign::verify(&key, domain, &self.chain_id, &payload, &signature).is_ok()
    }
}

/// The core's verifier when its host has verified every message before handing it over
/// (the node's driver does, in gossip intake; the WAL only holds what passed): accepts all.
pub struct Preverified;

impl consensus::Verifier for Preverified {
    fn verify(&self, _domain: SignDomain, _validator: &consensus::ValidatorId, _payload: &[u8], _signature: &[u8]) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consensus::{Signer, Verifier};

    fn keys() -> (LedgerSigner, LedgerVerifier) {
        let keypair = Keypair::from_seed(&[7; 32]);
        (LedgerSigner { keypair, chain_id: "test-chain".into() }, LedgerVerifier { chain_id: "test-chain".into() })
    }

    #[test]
    fn a_vote_signature_verifies_but_not_on_another_chain_nor_as_another_step() {
        let (signer, verifier) = keys();
        let vote = Vote { vote_type: VoteType::Precommit, height: 9, round: 2, value: Some([3; 32]), validator: signer.keypair.public() };
        let signature = signer.sign(SignDomain::Precommit, &vote.sign_bytes());
        assert!(verifier.verify(SignDomain::Precommit, &vote.validator, &vote.sign_bytes(), &signature));
        let other = LedgerVerifier { chain_id: "other-chain".into() };
        assert!(!other.verify(SignDomain::Precommit, &vote.validator, &vote.sign_bytes(), &signature));
        assert!(!verifier.verify(SignDomain::Prevote, &vote.validator, &vote.sign_bytes(), &signature));
    }

    #[test]
    fn precommit_signatures_form_a_certificate_the_ledger_accepts() {
        let (signer, _) = keys();
        let id = signer.keypair.public();
        let vote = Vote { vote_type: VoteType::Precommit, height: 4, round: 1, value: Some([5; 32]), validator: id };
        let signature = signer.sign(SignDomain::Precommit, &vote.sign_bytes());
        let cert = ledger::certificate::certificate(4, 1, &[5; 32], vec![(id, signature)]);
        let power = ledger::certificate::verify_certificate(&cert, "test-chain", 4, &[5; 32], &[(id, 10)]).unwrap();
        assert_eq!(power, 10);
    }
}
