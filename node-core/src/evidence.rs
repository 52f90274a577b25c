//! Equivocation evidence as a transaction: the two conflicting votes the consensus core
//! caught, re-wrapped as the ledger's signed vote envelopes and reported by this validator,
//! so that executing the block slashes the double signer on every node.

use consensus::{Evidence, SignedVote, VoteType};
use ledger::sign::Keypair;
use ledger::wire::{EnvelopeKind, SignedEnvelope};
use ledger::WireError;
use prost::Message as _;

use crate::consensus_wire::ledger_vote_payload;

/// A vote as the ledger's envelope. The node signs votes over exactly this payload and
/// domain (see `consensus_wire`), so the signature carries over unchanged.
pub fn vote_envelope(chain_id: &str, vote: &SignedVote) -> Vec<u8> {
    let kind = match vote.vote.vote_type {
        VoteType::Prevote => EnvelopeKind::Prevote,
        VoteType::Precommit => EnvelopeKind::Precommit,
    };
    SignedEnvelope {
        kind: kind as i32,
        payload: ledger_vote_payload(chain_id, &vote.vote),
        public_key: vote.vote.validator.to_vec(),
        signature: vote.signature.clone(),
    }
    .encode_to_vec()
}

/// Whether `evidence` proves a double vote (forged or mismatched votes do not); conflicting
/// proposals are not checked here (see `evidence_tx`).
pub fn verify(chain_id: &str, evidence: &Evidence) -> Result<(), WireError> {
    let Evidence::ConflictingVotes(first, second) = evidence else { return Ok(()) };
    ledger::tx::verify_evidence_votes(&vote_envelope(chain_id, first), &vote_envelope(chain_id, second), chain_id).map(|_| ())
}

/// The evidence transaction `reporter` signs with `nonce`, or `None` for conflicting
/// proposals, which the ledger does not punish (a proposer that equivocates gains nothing
/// the votes do not already stop). Fails when the votes do not prove a double vote.
pub fn evidence_tx(reporter: &Keypair, chain_id: &str, nonce: u64, evidence: &Evidence) -> Result<Option<Vec<u8>>, WireError> {
    let Evidence::ConflictingVotes(first, second) = evidence else { return Ok(None) };
    let (first, second) = (vote_envelope(chain_id, first), vote_envelope(chain_id, second));
    ledger::tx::encode_evidence_tx(reporter, chain_id, nonce, &first, &second).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consensus_wire::LedgerSigner;
    use consensus::{SignDomain, Signer, Vote};
    use market_runtime::TxBody;

    const CHAIN: &str = "evidence-test";

    fn signed(signer: &LedgerSigner, value: u8) -> SignedVote {
        let vote = Vote {
            vote_type: VoteType::Precommit,
            height: 7,
            round: 2,
            value: Some([value; 32]),
            validator: signer.keypair.public(),
        };
        let signature = signer.sign(SignDomain::Precommit, &vote.sign_bytes());
        SignedVote { vote, signature }
    }

    #[test]
    fn double_vote_becomes_an_evidence_tx_every_node_accepts() {
        let cheat = LedgerSigner { keypair: Keypair::from_seed(&[3; 32]), chain_id: CHAIN.into() };
        let reporter = Keypair::from_seed(&[4; 32]);
        let evidence = Evidence::ConflictingVotes(signed(&cheat, 1), signed(&cheat, 2));
        let bytes = evidence_tx(&reporter, CHAIN, 5, &evidence).unwrap().unwrap();
        let tx = ledger::tx::decode_tx(&bytes, CHAIN).unwrap().tx;
        assert_eq!(tx.sender, reporter.public());
        assert_eq!(tx.nonce, 5);
        assert_eq!(tx.body, TxBody::Evidence { validator: cheat.keypair.public(), height: 7, round: 2 });
    }

    #[test]
    fn forged_second_vote_is_not_evidence() {
        let cheat = LedgerSigner { keypair: Keypair::from_seed(&[3; 32]), chain_id: CHAIN.into() };
        let mut forged = signed(&cheat, 2);
        forged.signature[0] ^= 1;
        let evidence = Evidence::ConflictingVotes(signed(&cheat, 1), forged);
        assert!(evidence_tx(&Keypair::from_seed(&[4; 32]), CHAIN, 0, &evidence).is_err());
        assert!(verify(CHAIN, &evidence).is_err(), "a node that cannot report it still refuses to relay it");
        assert!(verify(CHAIN, &Evidence::ConflictingVotes(signed(&cheat, 1), signed(&cheat, 2))).is_ok());
    }
}
