//! Writes the seed corpus of the node-core fuzz targets (`decode_gossip`, `read_wal` in
//! ledger/fuzz): a few valid encodings from fixed keys, so the fuzzers start past the shape
//! checks (gossip: each `ConsensusGossip` variant of gossip.proto). Run from the repository root:
//! `cargo run --release -p node-core --example consensus_fuzz_corpus -- ledger/fuzz/corpus`

use consensus::{Evidence, Input, Proposal, SignDomain, SignedProposal, SignedVote, Signer, Timeout, TimeoutStep, Vote, VoteType};
use ledger::sign::Keypair;
use node_core::consensus_wire::{GossipMessage, LedgerSigner};
use node_core::wal_record::WalEntry;
use std::path::{Path, PathBuf};

const CHAIN: &str = "fuzz-chain";

fn signer(n: u8) -> LedgerSigner {
    LedgerSigner { keypair: Keypair::from_seed(&[n; 32]), chain_id: CHAIN.into() }
}

fn vote(n: u8, vote_type: VoteType, height: u64, round: u32, value: Option<[u8; 32]>) -> SignedVote {
    let s = signer(n);
    let vote = Vote { vote_type, height, round, value, validator: s.keypair.public() };
    let domain = if vote_type == VoteType::Prevote { SignDomain::Prevote } else { SignDomain::Precommit };
    SignedVote { signature: s.sign(domain, &vote.sign_bytes()), vote }
}

fn proposal(n: u8, height: u64, round: u32, pol_round: Option<u32>) -> SignedProposal {
    let s = signer(n);
    let proposal = Proposal { height, round, pol_round, value: [height as u8; 32], proposer: s.keypair.public() };
    SignedProposal { signature: s.sign(SignDomain::Proposal, &proposal.sign_bytes()), proposal }
}

fn write(root: &Path, target: &str, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    let dir = root.join(target);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join(name), bytes)
}

fn main() -> std::io::Result<()> {
    let root = PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "ledger/fuzz/corpus".into()));
    let gossip = [
        ("prevote", GossipMessage::Vote(vote(1, VoteType::Prevote, 7, 0, Some([3; 32])))),
        ("precommit_nil", GossipMessage::Vote(vote(2, VoteType::Precommit, u64::MAX, u32::MAX, None))),
        ("proposal", GossipMessage::Proposal(proposal(3, 9, 1, Some(0)), vec![0x0a, 0x02, 0x08, 0x01])),
        ("proposal_no_pol", GossipMessage::Proposal(proposal(3, u64::MAX, u32::MAX, None), vec![0x0a, 0x00])),
        ("evidence_votes", GossipMessage::Evidence(Evidence::ConflictingVotes(
            vote(4, VoteType::Prevote, 5, 2, Some([1; 32])),
            vote(4, VoteType::Prevote, 5, 2, Some([2; 32])),
        ))),
        ("evidence_proposals", GossipMessage::Evidence(Evidence::ConflictingProposals(proposal(5, 6, 0, None), proposal(5, 6, 0, Some(3))))),
    ];
    for (name, message) in &gossip {
        write(&root, "decode_gossip", name, &message.encode())?;
    }
    let entries = [
        WalEntry::StartHeight(12),
        WalEntry::Proposal { input: Input::Proposal { proposal: proposal(3, 12, 0, None), valid: true }, block: vec![0x0a, 0x00] },
        WalEntry::Vote(Input::Vote(vote(1, VoteType::Precommit, 12, 0, Some([12; 32])))),
        WalEntry::Timeout(Timeout { height: 12, round: 0, step: TimeoutStep::Precommit }),
        WalEntry::ProposeValue { height: 12, round: 1, value: [9; 32], block: vec![1, 2, 3] },
    ];
    let log: Vec<u8> = entries.iter().flat_map(WalEntry::encode).collect();
    write(&root, "read_wal", "log", &log)?;
    write(&root, "read_wal", "torn", &log[..log.len() - 5])?;
    for (i, entry) in entries.iter().enumerate() {
        write(&root, "read_wal", &format!("entry{i}"), &entry.encode())?;
    }
    println!("corpus written to {}", root.display());
    Ok(())
}
