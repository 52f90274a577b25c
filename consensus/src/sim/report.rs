//! What a simulation run found: decisions with their timing, safety violations, liveness.

use crate::error::CertificateError;
use crate::types::{Height, Round, ValueId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionRecord {
    pub node: usize,
    pub height: Height,
    pub round: Round,
    pub started_ms: u64,
    pub decided_ms: u64,
    /// Learned from a peer's certificate (block sync) rather than by voting.
    pub via_sync: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Violation {
    #[error("height {height}: node {node} decided {} but another honest node decided {}", short(.second), short(.first))]
    Disagreement { height: Height, node: usize, first: ValueId, second: ValueId },
    #[error("height {height}: node {node} decided with an invalid certificate: {error}")]
    BadCertificate { height: Height, node: usize, error: CertificateError },
    #[error("height {height}: node {node} decided {}, a value the application rejects", short(.value))]
    InvalidDecision { height: Height, node: usize, value: ValueId },
    #[error("honest validator {validator} signed conflicting messages at height {height} round {round}")]
    HonestEquivocation { validator: usize, height: Height, round: Round },
}

/// A decision reached later than 10 rounds after the network healed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LateDecision {
    pub node: usize,
    pub height: Height,
    pub round: Round,
    pub allowed: Round,
}

fn short(v: &ValueId) -> String {
    v[..6].iter().map(|b| format!("{b:02x}")).collect()
}

/// Where a node stood when the run ended (for diagnosing a stall).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeState {
    pub node: usize,
    pub honest: bool,
    pub up: bool,
    pub height: Height,
    pub round: Round,
    pub step: crate::consensus::RoundStep,
    pub last_decided: Height,
}

#[derive(Clone, Debug)]
pub struct SimReport {
    pub seed: u64,
    pub trace_hash: u64,
    pub events: u64,
    pub end_ms: u64,
    pub heal_ms: u64,
    pub violations: Vec<Violation>,
    pub decisions: Vec<DecisionRecord>,
    /// Every honest node decided the configured number of heights in time.
    pub all_decided: bool,
    pub late_decisions: Vec<LateDecision>,
    /// Point-to-point consensus messages sent (a broadcast to n-1 peers counts n-1).
    pub messages_sent: u64,
    pub sync_messages: u64,
    pub evidence: u64,
    pub final_states: Vec<NodeState>,
}

impl SimReport {
    pub fn is_safe(&self) -> bool {
        self.violations.is_empty()
    }

    /// Decided every height, each within 10 rounds of the healing.
    pub fn is_live(&self) -> bool {
        self.all_decided && self.late_decisions.is_empty()
    }
}
