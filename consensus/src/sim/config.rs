//! What a simulation runs: validators, faults, network and how long.

use crate::params::Params;
use crate::types::Height;

/// A Byzantine behaviour of one validator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Behaviour {
    /// Sends nothing, ever.
    Silent,
    /// Signs two conflicting versions of each of its votes and proposals and sends one
    /// version to each half of the network.
    Equivocator,
    /// Forgets its lock and valid value (the core's ignore-locks switch).
    Amnesia,
    /// Proposes and votes for values the application rejects.
    InvalidVoter,
    /// Runs as two independent honest copies of one key (twins); a partition makes them
    /// sign conflicting messages.
    Twin,
}

/// Links between nodes in different groups drop every message from `from_ms` until `until_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    pub from_ms: u64,
    pub until_ms: u64,
    /// Group number of every node (by node index); nodes past the end are in group 0.
    pub groups: Vec<u8>,
}

/// A node stops at `at_ms`, losing what it had not synced, and restarts `down_ms` later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crash {
    pub node: usize,
    pub at_ms: u64,
    pub down_ms: u64,
}

/// Per-link behaviour: one-way delay `latency_ms + uniform(0..=jitter_ms)` (jitter reorders),
/// independent loss and duplication with the given probabilities.
#[derive(Clone, Debug, PartialEq)]
pub struct NetworkConfig {
    pub latency_ms: u64,
    pub jitter_ms: u64,
    pub loss: f64,
    pub duplicate: f64,
}

/// The powers of every validator from a height on (power 0: not in the set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorChange {
    pub height: Height,
    pub powers: Vec<u64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    pub seed: u64,
    /// Voting power of validator `i` at height 1.
    pub powers: Vec<u64>,
    pub changes: Vec<ValidatorChange>,
    /// Heights every honest node must decide.
    pub heights: Height,
    pub params: Params,
    pub network: NetworkConfig,
    pub partitions: Vec<Partition>,
    pub crashes: Vec<Crash>,
    /// `(validator index, behaviour)`; at most one behaviour per validator.
    pub byzantine: Vec<(usize, Behaviour)>,
    /// How often a node that saw a higher height asks a peer for commit certificates.
    pub sync_interval_ms: u64,
    /// Simulated time after which the run stops, decided or not.
    pub max_time_ms: u64,
    /// Print every event with the receiving node's state to stderr (debugging a seed).
    pub log_events: bool,
}

impl SimConfig {
    /// `n` equal validators, no faults, a 50 ms network.
    pub fn honest(n: usize, heights: Height, seed: u64) -> Self {
        Self {
            seed,
            powers: vec![1; n],
            changes: Vec::new(),
            heights,
            params: Params::default(),
            network: NetworkConfig { latency_ms: 50, jitter_ms: 0, loss: 0.0, duplicate: 0.0 },
            partitions: Vec::new(),
            crashes: Vec::new(),
            byzantine: Vec::new(),
            sync_interval_ms: 1000,
            max_time_ms: 600_000,
            log_events: false,
        }
    }

    /// When the last partition heals and the last crashed node is back: the global
    /// stabilisation time after which liveness is required.
    pub fn heal_time_ms(&self) -> u64 {
        let partitions = self.partitions.iter().map(|p| p.until_ms);
        let crashes = self.crashes.iter().map(|c| c.at_ms + c.down_ms);
        partitions.chain(crashes).max().unwrap_or(0)
    }

    pub fn behaviour_of(&self, validator: usize) -> Option<Behaviour> {
        self.byzantine.iter().find(|(v, _)| *v == validator).map(|(_, b)| *b)
    }

    /// The powers in force at `height`.
    pub fn powers_at(&self, height: Height) -> &[u64] {
        self.changes
            .iter()
            .filter(|c| c.height <= height)
            .max_by_key(|c| c.height)
            .map_or(&self.powers, |c| &c.powers)
    }
}
