//! What a simulation runs: validators, households, faults, the network and how long.

use consensus::Params;

/// A Byzantine behaviour of one validator.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Behaviour {
    /// Sends nothing, ever.
    Silent,
    /// Signs a second, conflicting version of each of its votes and sends one version to each
    /// half of the network.
    Equivocator,
    /// Loses its whole disk when it crashes (no WAL, no signer record) and rejoins as if new.
    Amnesia,
    /// Proposes a block the real proposal check refuses (a wrong state root) and prevotes and
    /// precommits for it, or for a block nobody has, in every round.
    InvalidVoter,
    /// Runs as two honest copies of one validator key (twins): a second node with the same key,
    /// appended after the validators, so a partition between the copies makes the key sign
    /// conflicting messages.
    Twin,
    /// A hostile peer of the hostile-input issue on the consensus channel: besides each of its
    /// honest messages it sends a bit-flipped copy, a truncated copy, a padded copy, random
    /// bytes, and (for a vote) a validly signed vote a million heights ahead.
    Hostile,
}

/// Links between nodes in different groups drop every message from `from_ms` until `until_ms`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    pub from_ms: u64,
    pub until_ms: u64,
    /// Group number of every node (by node index); nodes past the end are in group 0.
    pub groups: Vec<u8>,
}

impl Partition {
    pub fn separates(&self, a: usize, b: usize, now_ms: u64) -> bool {
        let group = |i: usize| self.groups.get(i).copied().unwrap_or(0);
        now_ms >= self.from_ms && now_ms < self.until_ms && group(a) != group(b)
    }
}

/// A node loses power at `at_ms`, losing what it had not synced (and `torn_wal_bytes` of its
/// WAL's unsynced tail stay behind as a torn record), and restarts `down_ms` later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Crash {
    pub node: usize,
    pub at_ms: u64,
    pub down_ms: u64,
    pub torn_wal_bytes: usize,
}

/// Every link: one-way delay `latency + uniform(0..=jitter_ms)` (jitter reorders), independent
/// loss and duplication. `matrix[a][b]`, when given, replaces `latency_ms` per link.
#[derive(Clone, Debug, PartialEq)]
pub struct LinkConfig {
    pub latency_ms: u64,
    pub jitter_ms: u64,
    pub loss: f64,
    pub duplicate: f64,
    pub matrix: Option<Vec<Vec<u64>>>,
}

impl LinkConfig {
    pub fn latency(&self, from: usize, to: usize) -> u64 {
        self.matrix.as_ref().and_then(|m| m.get(from)?.get(to).copied()).unwrap_or(self.latency_ms)
    }
}

/// The network administrator sets validator `validator`'s power at `at_ms` with a real
/// `ValidatorUpdate` transaction, submitted to a node that is up (0 removes it from the set).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorUpdate {
    pub at_ms: u64,
    pub validator: usize,
    pub power: u64,
}

/// The network administrator schedules the protocol upgrade to `version` at block `height`
/// with a real `ScheduleUpgrade` transaction at `at_ms`, submitted to a node that is up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpgradeSchedule {
    pub at_ms: u64,
    pub version: u32,
    pub height: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimConfig {
    pub seed: u64,
    pub validators: usize,
    /// Genesis power of validator `i` (1 when absent); 0 runs the node with its validator key
    /// outside the genesis set, to join by a [`ValidatorUpdate`].
    pub powers: Vec<u64>,
    pub validator_updates: Vec<ValidatorUpdate>,
    pub upgrades: Vec<UpgradeSchedule>,
    /// Households registered and approved in the genesis; each bids for every slot.
    pub households: usize,
    /// Heights every honest node must commit.
    pub heights: u64,
    /// Block pacing in the genesis (ms between slot deadlines).
    pub slot_ms: u64,
    pub params: Params,
    pub links: LinkConfig,
    /// Each node's clock runs ahead of or behind true time by up to this much.
    pub max_clock_skew_ms: u64,
    pub partitions: Vec<Partition>,
    pub crashes: Vec<Crash>,
    /// `(validator index, behaviour)`; at most one behaviour per validator.
    pub byzantine: Vec<(usize, Behaviour)>,
    /// The driver bug planted for the simulator to find (`DriverSettings`).
    pub planted_bug_skip_wal_sync: bool,
    /// The consensus bug planted for the simulator to find: every honest validator ignores its
    /// lock and valid value (`Params::planted_bug_ignore_locks`, set on every node's core).
    pub planted_bug_ignore_locks: bool,
    /// Simulated time after which the run stops, committed or not.
    pub max_time_ms: u64,
}

impl SimConfig {
    /// `validators` equal validators, `households` bidding, no faults, 50 ms links.
    pub fn honest(validators: usize, households: usize, heights: u64, seed: u64) -> Self {
        Self {
            seed,
            validators,
            powers: Vec::new(),
            validator_updates: Vec::new(),
            upgrades: Vec::new(),
            households,
            heights,
            slot_ms: 1_000,
            params: Params::default(),
            links: LinkConfig { latency_ms: 50, jitter_ms: 0, loss: 0.0, duplicate: 0.0, matrix: None },
            max_clock_skew_ms: 0,
            partitions: Vec::new(),
            crashes: Vec::new(),
            byzantine: Vec::new(),
            planted_bug_skip_wal_sync: false,
            planted_bug_ignore_locks: false,
            max_time_ms: 600_000,
        }
    }

    /// When the last partition heals and the last crashed node is back: after it, liveness
    /// is required.
    pub fn heal_time_ms(&self) -> u64 {
        let partitions = self.partitions.iter().map(|p| p.until_ms);
        let crashes = self.crashes.iter().map(|c| c.at_ms.saturating_add(c.down_ms));
        partitions.chain(crashes).max().unwrap_or(0)
    }

    pub fn behaviour_of(&self, validator: usize) -> Option<Behaviour> {
        self.byzantine.iter().find(|(v, _)| *v == validator).map(|(_, b)| *b)
    }

    pub fn power_of(&self, validator: usize) -> u64 {
        self.powers.get(validator).copied().unwrap_or(1)
    }

    /// The validators run as twins, in order: node `validators + k` is a copy of the `k`-th.
    pub fn twins(&self) -> Vec<usize> {
        let mut twins: Vec<usize> =
            self.byzantine.iter().filter(|(v, b)| *b == Behaviour::Twin && *v < self.validators).map(|(v, _)| *v).collect();
        twins.sort_unstable();
        twins.dedup();
        twins
    }

    /// Every node of the run: the validators, then the twin copies.
    pub fn nodes(&self) -> usize {
        self.validators + self.twins().len()
    }

    /// Whether any fault can make a node miss an acknowledged bid's slot.
    pub fn has_faults(&self) -> bool {
        !self.partitions.is_empty() || !self.crashes.is_empty() || !self.byzantine.is_empty() || self.links.loss > 0.0
    }
}
