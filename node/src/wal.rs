//! Write-ahead log of the consensus inputs of the current height, so a restarted validator
//! resumes its round with the votes it saw and the messages it signed.
//!
//! Records are `len (u32 BE) || check (first 4 bytes of sha256) || body`; a torn last
//! record (the process died mid-write) ends the replay. The log holds one height: it is
//! truncated when a block commits.

use crate::consensus_wire::{decode_signed_proposal, decode_signed_vote, encode_signed_proposal, encode_signed_vote};
use consensus::{Input, Timeout, TimeoutStep, ValidatorSet};
use sha2::Digest;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const START: u8 = 0x10;
const PROPOSAL: u8 = 0x11;
const VOTE: u8 = 0x12;
const TIMEOUT: u8 = 0x13;
const PROPOSE_VALUE: u8 = 0x14;
const PROPOSAL_MSG_LEN: usize = consensus::PROPOSAL_SIGN_BYTES_LEN + 64;

#[derive(Debug, thiserror::Error)]
pub enum WalError {
    #[error("write-ahead log {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// One logged input; proposals carry their block so a replay can still commit it.
#[derive(Debug, Clone, PartialEq)]
pub enum WalEntry {
    StartHeight(u64),
    Proposal { input: Input, block: Vec<u8> },
    Vote(Input),
    Timeout(Timeout),
    ProposeValue { height: u64, round: u32, value: [u8; 32], block: Vec<u8> },
}

impl WalEntry {
    pub fn height(&self) -> u64 {
        match self {
            WalEntry::StartHeight(h) => *h,
            WalEntry::Proposal { input: Input::Proposal { proposal, .. }, .. } => proposal.proposal.height,
            WalEntry::Vote(Input::Vote(v)) => v.vote.height,
            WalEntry::Timeout(t) => t.height,
            WalEntry::ProposeValue { height, .. } => *height,
            _ => 0,
        }
    }

    /// The consensus input to replay (`StartHeight` needs the validator set of the height).
    pub fn input(&self, validators: &ValidatorSet) -> Input {
        match self {
            WalEntry::StartHeight(height) => Input::StartHeight { height: *height, validators: validators.clone() },
            WalEntry::Proposal { input, .. } | WalEntry::Vote(input) => input.clone(),
            WalEntry::Timeout(t) => Input::Timeout(*t),
            WalEntry::ProposeValue { height, round, value, .. } => Input::ProposeValue { height: *height, round: *round, value: *value },
        }
    }

    fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        match self {
            WalEntry::StartHeight(h) => {
                out.push(START);
                out.extend_from_slice(&h.to_be_bytes());
            }
            WalEntry::Proposal { input: Input::Proposal { proposal, valid }, block } => {
                out.push(PROPOSAL);
                out.push(u8::from(*valid));
                encode_signed_proposal(proposal, &mut out);
                out.extend_from_slice(block);
            }
            WalEntry::Vote(Input::Vote(v)) => {
                out.push(VOTE);
                encode_signed_vote(v, &mut out);
            }
            WalEntry::Timeout(t) => {
                out.push(TIMEOUT);
                out.extend_from_slice(&t.height.to_be_bytes());
                out.extend_from_slice(&t.round.to_be_bytes());
                out.push(match t.step {
                    TimeoutStep::Propose => 0,
                    TimeoutStep::Prevote => 1,
                    TimeoutStep::Precommit => 2,
                    TimeoutStep::Rebroadcast => 3,
                });
            }
            WalEntry::ProposeValue { height, round, value, block } => {
                out.push(PROPOSE_VALUE);
                out.extend_from_slice(&height.to_be_bytes());
                out.extend_from_slice(&round.to_be_bytes());
                out.extend_from_slice(value);
                out.extend_from_slice(block);
            }
            // Other pairings are never constructed.
            WalEntry::Proposal { .. } | WalEntry::Vote(_) => {}
        }
        out
    }

    fn decode(b: &[u8]) -> Option<WalEntry> {
        let (&tag, rest) = b.split_first()?;
        let u64_at = |i: usize| rest.get(i..i + 8).map(|s| u64::from_be_bytes(s.try_into().unwrap_or([0; 8])));
        let u32_at = |i: usize| rest.get(i..i + 4).map(|s| u32::from_be_bytes(s.try_into().unwrap_or([0; 4])));
        match tag {
            START => Some(WalEntry::StartHeight(u64_at(0)?)),
            PROPOSAL => {
                let valid = *rest.first()? == 1;
                let proposal = decode_signed_proposal(rest.get(1..1 + PROPOSAL_MSG_LEN)?).ok()?;
                Some(WalEntry::Proposal { input: Input::Proposal { proposal, valid }, block: rest.get(1 + PROPOSAL_MSG_LEN..)?.to_vec() })
            }
            VOTE => Some(WalEntry::Vote(Input::Vote(decode_signed_vote(rest).ok()?))),
            TIMEOUT => {
                let step = match *rest.get(12)? {
                    0 => TimeoutStep::Propose,
                    1 => TimeoutStep::Prevote,
                    2 => TimeoutStep::Precommit,
                    _ => TimeoutStep::Rebroadcast,
                };
                Some(WalEntry::Timeout(Timeout { height: u64_at(0)?, round: u32_at(8)?, step }))
            }
            PROPOSE_VALUE => Some(WalEntry::ProposeValue {
                height: u64_at(0)?,
                round: u32_at(8)?,
                value: rest.get(12..44)?.try_into().ok()?,
                block: rest.get(44..)?.to_vec(),
            }),
            _ => None,
        }
    }
}

pub struct Wal {
    path: PathBuf,
    file: File,
}

impl Wal {
    pub fn open(path: &Path) -> Result<Wal, WalError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| WalError::Io { path: path.into(), source })?;
        Ok(Wal { path: path.into(), file })
    }

    /// Appends one entry. Not fsynced: a killed process loses nothing the kernel holds, and
    /// the safety-critical record (the last signed step) is synced separately in RocksDB.
    pub fn append(&mut self, entry: &WalEntry) -> Result<(), WalError> {
        let body = entry.encode();
        let mut record = Vec::with_capacity(body.len() + 8);
        record.extend_from_slice(&(body.len() as u32).to_be_bytes());
        record.extend_from_slice(&sha2::Sha256::digest(&body)[..4]);
        record.extend_from_slice(&body);
        self.file.write_all(&record).map_err(|source| WalError::Io { path: self.path.clone(), source })
    }

    /// Every intact entry, in order; stops at the first torn or corrupt record.
    pub fn read_all(&self) -> Result<Vec<WalEntry>, WalError> {
        let mut bytes = Vec::new();
        File::open(&self.path)
            .and_then(|mut f| f.read_to_end(&mut bytes))
            .map_err(|source| WalError::Io { path: self.path.clone(), source })?;
        let mut entries = Vec::new();
        let mut at = 0usize;
        while at + 8 <= bytes.len() {
            let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
            let Some(body) = bytes.get(at + 8..at + 8 + len) else { break };
            if sha2::Sha256::digest(body)[..4] != bytes[at + 4..at + 8] {
                break;
            }
            match WalEntry::decode(body) {
                Some(entry) => entries.push(entry),
                None => break,
            }
            at += 8 + len;
        }
        Ok(entries)
    }

    /// Empties the log once its height is committed.
    pub fn truncate(&mut self) -> Result<(), WalError> {
        self.file.set_len(0).map_err(|source| WalError::Io { path: self.path.clone(), source })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use consensus::{SignedVote, Vote, VoteType};

    #[test]
    fn entries_survive_a_reopen_and_a_torn_tail_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cs.wal");
        let vote = SignedVote {
            vote: Vote { vote_type: VoteType::Prevote, height: 5, round: 1, value: Some([4; 32]), validator: [9; 32] },
            signature: vec![1; 64],
        };
        let entries = vec![
            WalEntry::StartHeight(5),
            WalEntry::Vote(Input::Vote(vote)),
            WalEntry::Timeout(Timeout { height: 5, round: 1, step: TimeoutStep::Prevote }),
            WalEntry::ProposeValue { height: 5, round: 1, value: [4; 32], block: vec![1, 2, 3] },
        ];
        {
            let mut wal = Wal::open(&path).unwrap();
            for e in &entries {
                wal.append(e).unwrap();
            }
        }
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[0, 0, 0, 50, 1, 2]).unwrap();
        let wal = Wal::open(&path).unwrap();
        assert_eq!(wal.read_all().unwrap(), entries);
    }
}
