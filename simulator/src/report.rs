//! What one simulation run found: how far the chain got, every violation, the acknowledged
//! bids' fate, commit latencies and the trace hash that a replay of the seed must match.

use crate::invariants::Violation;

#[derive(Clone, Debug, Default)]
pub struct SimReport {
    pub seed: u64,
    /// The lowest tip among honest nodes that are up at the end.
    pub min_honest_height: u64,
    /// Heights decided by at least one node.
    pub decided: u64,
    pub violations: Vec<Violation>,
    /// SHA-256 over every event the run processed, in order.
    pub trace_hash: [u8; 32],
    pub events: u64,
    pub messages: u64,
    /// Simulated time at the end (ms).
    pub sim_time_ms: u64,
    /// Evidence transactions in decided blocks (double signs reported and punished).
    pub evidence_committed: u64,
    /// Blocks Byzantine validators proposed or voted for that every honest node must refuse.
    pub refused_values: u64,
    pub bids_acked: u64,
    pub bids_settled: u64,
    /// Acknowledged bids whose slot closed without them (possible only under faults).
    pub bids_missed: u64,
    /// Bids a node refused at submission, by reason.
    pub bids_refused: std::collections::BTreeMap<String, u64>,
    /// Per decided height: when the first node committed it (simulated ms).
    pub first_commit_ms: Vec<(u64, u64)>,
    /// Every commit by every node: (node, height, round, simulated ms), in order.
    pub commits: Vec<(usize, u64, u32, u64)>,
    /// What each committed height's header carries (the nodes agree on the blocks, which the
    /// checker enforces, so one entry per height).
    pub headers: std::collections::BTreeMap<u64, HeaderFacts>,
}

/// The header fields a scenario judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderFacts {
    pub protocol_version: u32,
    pub time_ms: u64,
}

impl SimReport {
    pub fn passed(&self) -> bool {
        self.violations.is_empty()
    }

    pub fn trace_hex(&self) -> String {
        hex::encode(self.trace_hash)
    }
}

impl std::fmt::Display for SimReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "seed {}: {} heights decided (lowest honest tip {}), {} events, {} messages, {} ms simulated; {} evidence committed, {} refused values; bids {} acknowledged, {} settled, {} missed their slot, refused {:?}; trace {}",
            self.seed,
            self.decided,
            self.min_honest_height,
            self.events,
            self.messages,
            self.sim_time_ms,
            self.evidence_committed,
            self.refused_values,
            self.bids_acked,
            self.bids_settled,
            self.bids_missed,
            self.bids_refused,
            &self.trace_hex()[..16],
        )?;
        for v in &self.violations {
            write!(f, "\n  VIOLATION {v}")?;
        }
        Ok(())
    }
}
