//! What a Byzantine validator does to the messages its real driver publishes: the driver runs
//! honestly, and the fault is applied on the way out, as a compromised host would (the
//! Commonware way: Byzantine behaviour in mocks around the engine, never inside it).

use std::collections::BTreeMap;

use consensus::{Message, SignDomain, Signer};
use ledger::hash::Hash;
use ledger::wire::Block;
use node_core::consensus_wire::{GossipMessage, LedgerSigner};
use prost::Message as _;

use crate::config::Behaviour;

/// Where a rewritten message goes.
pub(crate) enum Outgoing {
    /// Nothing leaves.
    Nothing,
    /// One message to every peer.
    All(Vec<u8>),
    /// One version to even-numbered peers, another to odd-numbered ones.
    Split { even: Vec<u8>, odd: Vec<u8> },
    /// Several messages, each to every peer, in order.
    Burst(Vec<Vec<u8>>),
}

/// What a Byzantine validator remembers between its messages.
#[derive(Default)]
pub(crate) struct Mischief {
    /// The refused block it proposed at each height: its votes name it.
    invalid_blocks: BTreeMap<u64, Hash>,
}

impl Mischief {
    /// Rewrites `bytes`, one of the node's own consensus messages (`own`, decoded), according
    /// to `behaviour`; `refused` collects every block hash built to be refused. `now_ms` makes
    /// an equivocator's second vote differ from round to round.
    pub(crate) fn rewrite(
        &mut self,
        behaviour: Behaviour,
        signer: &LedgerSigner,
        own: &Message,
        bytes: Vec<u8>,
        now_ms: u64,
        refused: &mut Vec<Hash>,
    ) -> Outgoing {
        match (behaviour, own) {
            (Behaviour::Silent, _) => Outgoing::Nothing,
            (Behaviour::Equivocator, Message::Vote(vote)) => {
                let mut other = vote.vote;
                other.value = match other.value {
                    Some(_) => None,
                    None => Some(ledger::hash::sha256(&now_ms.to_le_bytes())),
                };
                let signature = signer.sign(other.vote_type.domain(), &other.sign_bytes());
                let twin = GossipMessage::Vote(consensus::SignedVote { vote: other, signature }).encode();
                Outgoing::Split { even: bytes, odd: twin }
            }
            (Behaviour::InvalidVoter, Message::Vote(vote)) => {
                let mut bad = vote.vote;
                let value = self.invalid_blocks.get(&bad.height).copied().unwrap_or_else(|| nobody_has(bad.height, bad.round));
                refused.push(value);
                bad.value = Some(value);
                let signature = signer.sign(bad.vote_type.domain(), &bad.sign_bytes());
                Outgoing::All(GossipMessage::Vote(consensus::SignedVote { vote: bad, signature }).encode())
            }
            (Behaviour::InvalidVoter, Message::Proposal(_)) => match self.invalid_proposal(signer, &bytes) {
                Some((hash, message)) => {
                    refused.push(hash);
                    Outgoing::All(message)
                }
                // Not a proposal this node can re-encode: it sends nothing rather than a valid block.
                None => Outgoing::Nothing,
            },
            (Behaviour::Hostile, own) => Outgoing::Burst(crate::hostile::burst(signer, own, bytes)),
            _ => Outgoing::All(bytes),
        }
    }

    /// The node's proposal with its block's state root changed: a block every honest node's
    /// proposal check refuses (`state_root` differs from its own), signed as the proposer.
    fn invalid_proposal(&mut self, signer: &LedgerSigner, bytes: &[u8]) -> Option<(Hash, Vec<u8>)> {
        let GossipMessage::Proposal(mut proposal, block) = GossipMessage::decode(bytes).ok()? else { return None };
        let mut block = Block::decode(block.as_slice()).ok()?;
        let header = block.header.as_mut()?;
        header.state_root = ledger::hash::sha256(&header.state_root).to_vec();
        let hash = block.hash();
        proposal.proposal.value = hash;
        proposal.signature = signer.sign(SignDomain::Proposal, &proposal.proposal.sign_bytes());
        self.invalid_blocks.insert(proposal.proposal.height, hash);
        self.invalid_blocks.retain(|h, _| *h >= proposal.proposal.height);
        Some((hash, GossipMessage::Proposal(proposal, block.encode_to_vec()).encode()))
    }
}

/// A value no block hashes to: what an invalid voter votes for when it proposed nothing.
fn nobody_has(height: u64, round: u32) -> Hash {
    let mut seed = b"refused".to_vec();
    seed.extend_from_slice(&height.to_le_bytes());
    seed.extend_from_slice(&round.to_le_bytes());
    ledger::hash::sha256(&seed)
}
