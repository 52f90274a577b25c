//! The consensus write-ahead log's records: what one entry holds, its bytes, and reading a
//! whole log back with a torn tail told apart from corruption.
//!
//! A record is `len (u32 BE) || check (first 4 bytes of sha256(body)) || body`. A process
//! killed mid-write leaves at most one incomplete or unchecked record, at the end: that torn
//! tail is dropped. A bad record followed by more bytes cannot come from a torn write; it is
//! corruption, and replaying past it (or silently stopping before it) could make a validator
//! forget what it signed, so reading fails and names the offset.

use crate::consensus_wire::{decode_signed_proposal, decode_signed_vote, encode_signed_proposal, encode_signed_vote};
use consensus::{Input, SignedStep, Step, Timeout, TimeoutStep, ValidatorId, ValidatorSet};
use sha2::Digest;

const START: u8 = 0x10;
const PROPOSAL: u8 = 0x11;
const VOTE: u8 = 0x12;
const TIMEOUT: u8 = 0x13;
const PROPOSE_VALUE: u8 = 0x14;
const PROPOSAL_MSG_LEN: usize = consensus::PROPOSAL_SIGN_BYTES_LEN + 64;
const HEADER_LEN: usize = 8;
/// Largest record body: a proposal with the largest block the ledger accepts.
pub const MAX_RECORD_BYTES: usize = ledger::limits::MAX_BLOCK_BYTES + 1024;

/// Why a log cannot be replayed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalCorrupt {
    #[error("record at byte offset {offset} fails its checksum and {following} bytes follow it (corruption, not a torn write)")]
    Checksum { offset: usize, following: usize },
    #[error("record at byte offset {offset} has a good checksum but does not decode: {why}")]
    Undecodable { offset: usize, why: &'static str },
    #[error("record at byte offset {offset} claims {len} bytes, over the limit of {max}")]
    TooLong { offset: usize, len: usize, max: usize },
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

/// What reading a log found: its intact entries and how many torn bytes were dropped.
#[derive(Debug, Clone, PartialEq)]
pub struct WalContents {
    pub entries: Vec<WalEntry>,
    pub torn_bytes: usize,
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

    /// The step this entry shows `signer` signed: its own proposal or vote, logged (and
    /// synced) before the message left the node. After a crash the highest such step is the
    /// signer guard, so the WAL's one fsync is all a signed message waits for.
    pub fn signed_by(&self, signer: &ValidatorId) -> Option<SignedStep> {
        match self {
            WalEntry::Proposal { input: Input::Proposal { proposal: p, .. }, .. } if p.proposal.proposer == *signer => {
                Some(SignedStep { height: p.proposal.height, round: p.proposal.round, step: Step::Propose })
            }
            WalEntry::Vote(Input::Vote(v)) if v.vote.validator == *signer => {
                Some(SignedStep { height: v.vote.height, round: v.vote.round, step: v.vote.vote_type.step() })
            }
            _ => None,
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

    fn encode_body(&self) -> Vec<u8> {
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
                out.push(step_code(t.step));
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

    /// The framed record: length, checksum, body.
    pub fn encode(&self) -> Vec<u8> {
        let body = self.encode_body();
        let mut record = Vec::with_capacity(body.len() + HEADER_LEN);
        record.extend_from_slice(&u32::try_from(body.len()).unwrap_or(u32::MAX).to_be_bytes());
        record.extend_from_slice(&sha2::Sha256::digest(&body)[..4]);
        record.extend_from_slice(&body);
        record
    }

    fn decode_body(b: &[u8]) -> Result<WalEntry, &'static str> {
        let (&tag, rest) = b.split_first().ok_or("empty body")?;
        let u64_at = |i: usize| rest.get(i..i.saturating_add(8)).and_then(|s| s.try_into().ok()).map(u64::from_be_bytes);
        let u32_at = |i: usize| rest.get(i..i.saturating_add(4)).and_then(|s| s.try_into().ok()).map(u32::from_be_bytes);
        match tag {
            START if rest.len() != 8 => Err("start record is not 8 bytes"),
            START => Ok(WalEntry::StartHeight(u64_at(0).ok_or("short start record")?)),
            PROPOSAL => {
                let valid = match rest.first() {
                    Some(0) => false,
                    Some(1) => true,
                    _ => return Err("proposal validity flag is neither 0 nor 1"),
                };
                let signed = rest.get(1..1 + PROPOSAL_MSG_LEN).ok_or("short proposal record")?;
                let proposal = decode_signed_proposal(signed).map_err(|_| "proposal does not decode")?;
                let block = rest.get(1 + PROPOSAL_MSG_LEN..).unwrap_or_default().to_vec();
                Ok(WalEntry::Proposal { input: Input::Proposal { proposal, valid }, block })
            }
            VOTE => Ok(WalEntry::Vote(Input::Vote(decode_signed_vote(rest).map_err(|_| "vote does not decode")?))),
            TIMEOUT => {
                let step = step_of(*rest.get(12).ok_or("short timeout record")?).ok_or("unknown timeout step")?;
                if rest.len() != 13 {
                    return Err("timeout record has trailing bytes");
                }
                Ok(WalEntry::Timeout(Timeout { height: u64_at(0).ok_or("short timeout")?, round: u32_at(8).ok_or("short timeout")?, step }))
            }
            PROPOSE_VALUE => Ok(WalEntry::ProposeValue {
                height: u64_at(0).ok_or("short propose-value record")?,
                round: u32_at(8).ok_or("short propose-value record")?,
                value: rest.get(12..44).and_then(|s| s.try_into().ok()).ok_or("short propose-value record")?,
                block: rest.get(44..).unwrap_or_default().to_vec(),
            }),
            _ => Err("unknown record tag"),
        }
    }
}

fn step_code(step: TimeoutStep) -> u8 {
    match step {
        TimeoutStep::Propose => 0,
        TimeoutStep::Prevote => 1,
        TimeoutStep::Precommit => 2,
        TimeoutStep::Rebroadcast => 3,
    }
}

fn step_of(code: u8) -> Option<TimeoutStep> {
    match code {
        0 => Some(TimeoutStep::Propose),
        1 => Some(TimeoutStep::Prevote),
        2 => Some(TimeoutStep::Precommit),
        3 => Some(TimeoutStep::Rebroadcast),
        _ => None,
    }
}

/// Reads a whole log: every entry up to a torn tail, or the offset of the first corrupt record.
pub fn read_log(bytes: &[u8]) -> Result<WalContents, WalCorrupt> {
    let mut entries = Vec::new();
    let mut at = 0usize;
    while at < bytes.len() {
        let rest = &bytes[at..];
        let Some(header) = rest.get(..HEADER_LEN) else { break };
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        if len > MAX_RECORD_BYTES {
            // A torn write cannot produce a length over the limit from a good writer, but a
            // length field cut mid-write can: only at the very end is it a torn tail.
            if rest.len() <= HEADER_LEN {
                break;
            }
            return Err(WalCorrupt::TooLong { offset: at, len, max: MAX_RECORD_BYTES });
        }
        let end = HEADER_LEN + len;
        let Some(body) = rest.get(HEADER_LEN..end) else { break };
        if sha2::Sha256::digest(body)[..4] != header[4..8] {
            let following = rest.len() - end;
            if following == 0 {
                break;
            }
            return Err(WalCorrupt::Checksum { offset: at, following });
        }
        let entry = WalEntry::decode_body(body).map_err(|why| WalCorrupt::Undecodable { offset: at, why })?;
        entries.push(entry);
        at += end;
    }
    Ok(WalContents { entries, torn_bytes: bytes.len() - at })
}

#[cfg(test)]
mod tests {
    use super::*;
    use consensus::{SignedVote, Vote, VoteType};

    fn entries() -> Vec<WalEntry> {
        let vote = SignedVote {
            vote: Vote { vote_type: VoteType::Prevote, height: 5, round: 1, value: Some([4; 32]), validator: [9; 32] },
            signature: vec![1; 64],
        };
        vec![
            WalEntry::StartHeight(5),
            WalEntry::Vote(Input::Vote(vote)),
            WalEntry::Timeout(Timeout { height: 5, round: 1, step: TimeoutStep::Prevote }),
            WalEntry::ProposeValue { height: 5, round: 1, value: [4; 32], block: vec![1, 2, 3] },
        ]
    }

    fn log(entries: &[WalEntry]) -> Vec<u8> {
        entries.iter().flat_map(WalEntry::encode).collect()
    }

    #[test]
    fn a_torn_last_record_is_dropped_and_counted() {
        let mut bytes = log(&entries());
        bytes.extend_from_slice(&[0, 0, 0, 50, 1, 2]);
        let read = read_log(&bytes).unwrap();
        assert_eq!(read.entries, entries());
        assert_eq!(read.torn_bytes, 6);
    }

    #[test]
    fn a_last_record_with_a_bad_checksum_is_a_torn_write() {
        let mut bytes = log(&entries());
        let last = bytes.len() - 1;
        bytes[last] ^= 0xff;
        let read = read_log(&bytes).unwrap();
        assert_eq!(read.entries.len(), 3);
    }

    #[test]
    fn a_corrupt_record_in_the_middle_is_an_error_naming_its_offset() {
        let all = entries();
        let first_len = all[0].encode().len();
        let mut bytes = log(&all);
        bytes[first_len + HEADER_LEN + 3] ^= 0x01;
        let err = read_log(&bytes).unwrap_err();
        assert!(matches!(err, WalCorrupt::Checksum { offset, .. } if offset == first_len), "{err}");
        assert!(err.to_string().contains(&format!("offset {first_len}")), "{err}");
    }

    #[test]
    fn a_length_over_the_limit_in_the_middle_is_corruption_not_an_allocation() {
        let mut bytes = u32::MAX.to_be_bytes().to_vec();
        bytes.extend_from_slice(&[0; 40]);
        assert!(matches!(read_log(&bytes), Err(WalCorrupt::TooLong { offset: 0, .. })));
    }

    #[test]
    fn a_start_record_with_trailing_bytes_is_corruption_found_by_the_fuzzer() {
        let body = [0x10u8, 0, 0, 0, 0, 0, 0, 0, 12, 0, 0];
        let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(&sha2::Sha256::digest(body)[..4]);
        bytes.extend_from_slice(&body);
        assert!(matches!(read_log(&bytes), Err(WalCorrupt::Undecodable { offset: 0, .. })));
    }

    #[test]
    fn a_checked_record_that_does_not_decode_is_an_error() {
        let body = [0x13u8, 1, 2];
        let mut bytes = (body.len() as u32).to_be_bytes().to_vec();
        bytes.extend_from_slice(&sha2::Sha256::digest(body)[..4]);
        bytes.extend_from_slice(&body);
        assert!(matches!(read_log(&bytes), Err(WalCorrupt::Undecodable { offset: 0, .. })));
    }
}
