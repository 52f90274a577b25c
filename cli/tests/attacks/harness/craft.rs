//! The attacker's workshop: transactions, blocks, proposals, votes and evidence built with the
//! real wire types and keys, then bent (an overflowing height, unknown padding, a key outside
//! the validator set, random bytes).

use consensus::{Evidence, Proposal, SignDomain, Signer, SignedProposal, SignedVote, Vote, VoteType};
use ledger::block::{Block, CommitCertificate, Header};
use ledger::sign::Keypair;
use ledger::wire::{self, transaction::Body, EnvelopeKind, Transaction};
use market_runtime::{Tx, TxBody};
use node::consensus_wire::{GossipMessage, LedgerSigner};
use node::network::SyncedBlock;
use prost::Message;

/// A seeded xorshift generator: junk that is the same on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn array32(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        out.iter_mut().for_each(|b| *b = self.next() as u8);
        out
    }
    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(len + 8);
        while out.len() < len {
            out.extend_from_slice(&self.next().to_le_bytes());
        }
        out.truncate(len);
        out
    }
}

fn varint_len(mut v: usize) -> usize {
    let mut n = 1;
    while v >= 0x80 {
        v >>= 7;
        n += 1;
    }
    n
}

/// Appends field 99 (length-delimited; no solartrade message has a field 99, while 15 is
/// `Transaction.bid`) so that the message is exactly `total` bytes (or unchanged if it cannot be).
pub fn pad_with_unknown_field(mut message: Vec<u8>, total: usize) -> Vec<u8> {
    const KEY: [u8; 2] = [0x9a, 0x06]; // (99 << 3) | 2 as a varint
    // Key + length varint + padding = what is left to fill.
    let room = total.saturating_sub(message.len());
    let Some(len) = (1..=4).map(|vl| room.saturating_sub(KEY.len() + vl)).find(|len| KEY.len() + varint_len(*len) + len == room) else {
        return message;
    };
    message.extend_from_slice(&KEY);
    let mut v = len;
    while v >= 0x80 {
        message.push((v as u8 & 0x7f) | 0x80);
        v >>= 7;
    }
    message.push(v as u8);
    message.extend(std::iter::repeat_n(0xA5, len));
    message
}

pub fn transfer(key: &Keypair, chain_id: &str, nonce: u64, to: [u8; 32], amount: u64) -> Vec<u8> {
    let tx = Tx { sender: key.public(), nonce, body: TxBody::Transfer { to, amount } };
    ledger::tx::encode_tx(key, chain_id, &tx).expect("a transfer always encodes")
}

pub fn signed_tx(key: &Keypair, chain_id: &str, tx: &Tx) -> Vec<u8> {
    ledger::tx::encode_tx(key, chain_id, tx).expect("the transaction encodes")
}

/// A transfer of `total` bytes. `inside_signature`: the unknown field pads the signed
/// transaction (the signature covers it); otherwise it pads the envelope around the signature.
pub fn padded_transfer(key: &Keypair, chain_id: &str, nonce: u64, to: [u8; 32], total: usize, inside_signature: bool) -> Vec<u8> {
    if !inside_signature {
        return pad_with_unknown_field(transfer(key, chain_id, nonce, to, 1), total);
    }
    let payload = Transaction {
        chain_id: chain_id.to_string(),
        nonce,
        body: Some(Body::Transfer(wire::Transfer { to: to.to_vec(), amount: 1 })),
    }
    .encode_to_vec();
    let overhead = ledger::envelope::seal(key, EnvelopeKind::Transaction, chain_id, pad_with_unknown_field(payload.clone(), total - 200))
        .len()
        - (total - 200);
    let padded = pad_with_unknown_field(payload, total - overhead);
    ledger::envelope::seal(key, EnvelopeKind::Transaction, chain_id, padded)
}

/// A block for `height` on top of `prev_hash` whose shape passes every check up to its last
/// commit, which is `last_commit` as given (e.g. for height u64::MAX).
pub fn block(chain_id: &str, height: u64, prev_hash: [u8; 32], time_ms: u64, proposer: [u8; 32], last_commit: Option<CommitCertificate>) -> Block {
    let txs: Vec<Vec<u8>> = Vec::new();
    let header = Header {
        chain_id: chain_id.to_string(),
        height,
        slot: height,
        time_ms,
        prev_hash: prev_hash.to_vec(),
        txs_root: ledger::block::txs_root(&txs).to_vec(),
        state_root: [0; 32].to_vec(),
        proposer: proposer.to_vec(),
        validators_hash: [0; 32].to_vec(),
        last_commit_hash: ledger::block::last_commit_hash(last_commit.as_ref()).to_vec(),
        protocol_version: 0,
    };
    Block { header: Some(header), txs, last_commit }
}

/// A certificate claiming `height` for `block_hash`, with no signatures.
pub fn certificate(height: u64, block_hash: [u8; 32]) -> CommitCertificate {
    CommitCertificate { height, round: 0, block_hash: block_hash.to_vec(), signatures: Vec::new() }
}

fn signer(key: &Keypair, chain_id: &str) -> LedgerSigner {
    LedgerSigner { keypair: Keypair::from_seed(&key.seed()), chain_id: chain_id.to_string() }
}

pub fn signed_proposal(key: &Keypair, chain_id: &str, height: u64, round: u32, value: [u8; 32]) -> SignedProposal {
    let proposal = Proposal { height, round, pol_round: None, value, proposer: key.public() };
    let signature = signer(key, chain_id).sign(SignDomain::Proposal, &proposal.sign_bytes());
    SignedProposal { proposal, signature }
}

/// The gossip message proposing `block`, signed by `key` (a validator's or anyone's).
pub fn proposal_message(key: &Keypair, chain_id: &str, round: u32, block: &Block) -> Vec<u8> {
    let proposal = signed_proposal(key, chain_id, block.height(), round, block.hash());
    GossipMessage::Proposal(proposal, block.encode_to_vec()).encode()
}

pub fn signed_vote(key: &Keypair, chain_id: &str, vote_type: VoteType, height: u64, round: u32, value: Option<[u8; 32]>) -> SignedVote {
    let vote = Vote { vote_type, height, round, value, validator: key.public() };
    let signature = signer(key, chain_id).sign(vote_type.domain(), &vote.sign_bytes());
    SignedVote { vote, signature }
}

pub fn vote_message(key: &Keypair, chain_id: &str, vote_type: VoteType, height: u64, round: u32, value: Option<[u8; 32]>) -> Vec<u8> {
    GossipMessage::Vote(signed_vote(key, chain_id, vote_type, height, round, value)).encode()
}

/// Evidence that `key` double-voted: well signed, but `key` is no validator.
pub fn self_evidence(key: &Keypair, chain_id: &str, height: u64, round: u32) -> Vec<u8> {
    let a = signed_vote(key, chain_id, VoteType::Prevote, height, round, Some([1; 32]));
    let b = signed_vote(key, chain_id, VoteType::Prevote, height, round, Some([2; 32]));
    GossipMessage::Evidence(Evidence::ConflictingVotes(a, b)).encode()
}

/// Evidence accusing `validator` of a double vote, with signatures that are random bytes.
pub fn forged_evidence(validator: [u8; 32], height: u64, round: u32, rng: &mut Rng) -> Vec<u8> {
    let mut vote = |value| SignedVote {
        vote: Vote { vote_type: VoteType::Precommit, height, round, value: Some(value), validator },
        signature: rng.bytes(64),
    };
    let (a, b) = (vote([3; 32]), vote([4; 32]));
    GossipMessage::Evidence(Evidence::ConflictingVotes(a, b)).encode()
}

pub fn synced(block: &Block, cert: &CommitCertificate) -> SyncedBlock {
    SyncedBlock { block: block.encode_to_vec(), certificate: cert.encode_to_vec() }
}

/// 32 bytes from a hex string (a block hash from the RPC).
pub fn hash_from_hex(text: &str) -> [u8; 32] {
    let mut out = [0u8; 32];
    if let Ok(bytes) = hex::decode(text) {
        let n = bytes.len().min(32);
        out[..n].copy_from_slice(&bytes[..n]);
    }
    out
}
