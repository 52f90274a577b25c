//! What a hostile peer sends beside each honest consensus message: the bytes every node must
//! refuse before they cost it anything (cli/tests/attacks runs the same on real processes).
//! Everything is derived from the message itself, so a seed replays the same bytes.

use consensus::{Message, Signer};
use node_core::consensus_wire::{GossipMessage, LedgerSigner};

/// How far ahead the forged vote is: far beyond any height the run reaches.
const FAR_AHEAD: u64 = 1_000_000;
/// Longest run of random bytes sent.
const MAX_GARBAGE: usize = 2048;

/// The honest message first, then its hostile companions.
pub(crate) fn burst(signer: &LedgerSigner, own: &Message, honest: Vec<u8>) -> Vec<Vec<u8>> {
    let digest = ledger::hash::sha256(&honest);
    let pick = |i: usize, n: usize| -> usize { usize::from(digest[i % digest.len()]).wrapping_mul(257).wrapping_add(i) % n.max(1) };
    let mut out = Vec::with_capacity(6);
    let mut flipped = honest.clone();
    if let Some(byte) = flipped.get_mut(pick(0, honest.len())) {
        *byte ^= 1 << (digest[1] % 8);
    }
    out.push(flipped);
    out.push(honest[..pick(2, honest.len())].to_vec());
    let mut padded = honest.clone();
    padded.extend_from_slice(&[0u8; 16]);
    out.push(padded);
    let mut garbage = Vec::with_capacity(MAX_GARBAGE);
    let mut block = digest;
    while garbage.len() < pick(3, MAX_GARBAGE) {
        block = ledger::hash::sha256(&block);
        garbage.extend_from_slice(&block);
    }
    garbage.truncate(pick(3, MAX_GARBAGE));
    out.push(garbage);
    if let Message::Vote(vote) = own {
        let mut ahead = vote.vote;
        ahead.height = ahead.height.saturating_add(FAR_AHEAD);
        let signature = signer.sign(ahead.vote_type.domain(), &ahead.sign_bytes());
        out.push(GossipMessage::Vote(consensus::SignedVote { vote: ahead, signature }).encode());
    }
    out.insert(0, honest);
    out
}
