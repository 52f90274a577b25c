//! The simulation's event loop: one queue of timed events (deliveries, timers, crashes,
//! bids) in (time, sequence) order, so a seed always gives the same run.

use std::collections::BTreeMap;
use std::sync::Arc;

use consensus::Timeout;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::{Digest, Sha256};

use node_core::channel::Channel;

use crate::config::{Behaviour, SimConfig};
use crate::households::Households;
use crate::invariants::{Checker, Violation};
use crate::network::Network;
use crate::node::SimNode;
use crate::report::SimReport;
use crate::setup::{self, Setup};

/// Most events one run may process: a bound on a run that livelocks.
const MAX_EVENTS: u64 = 20_000_000;

pub(crate) enum Event {
    Gossip { to: usize, from: usize, channel: Channel, bytes: Arc<Vec<u8>> },
    Timer { node: usize, incarnation: u64, timeout: Timeout },
    StartHeight { node: usize, incarnation: u64, height: u64 },
    Propose { node: usize, incarnation: u64, height: u64, round: u32 },
    Sync { node: usize, incarnation: u64, from: usize },
    /// A node's periodic look at its peers' heights (a real node's `SyncTick`).
    SyncTick { node: usize, incarnation: u64 },
    PowerLoss { node: usize, torn_wal_bytes: usize, down_ms: u64 },
    Restart { node: usize },
    Bids { slot: u64 },
    /// The administrator submits `config.validator_updates[update]`.
    ValidatorUpdate { update: usize },
    /// The administrator submits `config.upgrades[upgrade]`.
    ScheduleUpgrade { upgrade: usize },
}

impl Event {
    fn tag(&self) -> (u8, usize) {
        match self {
            Event::Gossip { to, .. } => (0, *to),
            Event::Timer { node, .. } => (1, *node),
            Event::StartHeight { node, .. } => (2, *node),
            Event::Propose { node, .. } => (3, *node),
            Event::Sync { node, .. } => (4, *node),
            Event::PowerLoss { node, .. } => (5, *node),
            Event::Restart { node } => (6, *node),
            Event::Bids { .. } => (7, usize::MAX),
            Event::SyncTick { node, .. } => (8, *node),
            Event::ValidatorUpdate { update } => (9, *update),
            Event::ScheduleUpgrade { upgrade } => (10, *upgrade),
        }
    }
}

pub(crate) struct World<'a> {
    pub config: &'a SimConfig,
    pub setup: Setup,
    pub rng: ChaCha8Rng,
    pub now: u64,
    seq: u64,
    queue: BTreeMap<(u64, u64), Event>,
    pub nodes: Vec<SimNode>,
    pub network: Network,
    pub households: Households,
    pub checker: Checker,
    trace: Sha256,
    pub events: u64,
    pub messages: u64,
    /// Every commit: (node, height, time).
    pub commits: Vec<(usize, u64, u32, u64)>,
    /// What each committed height's header carries.
    pub headers: BTreeMap<u64, crate::report::HeaderFacts>,
}

/// Runs one simulation to its end and reports it.
pub fn run(config: &SimConfig) -> SimReport {
    let mut world = World::new(config);
    world.boot_all();
    while let Some(((at, _), event)) = world.queue.pop_first() {
        world.now = at;
        world.events += 1;
        world.trace_event(&event);
        world.handle(event);
        if !world.checker.violations.is_empty() || world.done() || world.events >= MAX_EVENTS || at > config.max_time_ms {
            break;
        }
    }
    world.finish()
}

impl<'a> World<'a> {
    fn new(config: &'a SimConfig) -> Self {
        let setup = setup::genesis(config);
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        // Twin copies come after the validators, with the key of the validator they copy.
        let copies = config.twins().into_iter().map(|v| (v, Some(Behaviour::Twin)));
        let nodes = (0..config.validators)
            .map(|v| (v, config.behaviour_of(v)))
            .chain(copies)
            .enumerate()
            .map(|(i, (v, behaviour))| {
                let skew = config.max_clock_skew_ms as i64;
                let skew_ms = if skew > 0 { rng.gen_range(-skew..=skew) } else { 0 };
                SimNode::new(i, setup.validators[v].clone(), skew_ms, behaviour)
            })
            .collect();
        // Every key the run may make a validator (joiners are outside the genesis set).
        let validators: Vec<([u8; 32], u64)> = setup.validators.iter().enumerate().map(|(i, k)| (k.public(), config.power_of(i))).collect();
        let supply: u128 = setup.genesis.app_state.balances.iter().map(|b| u128::from(b.amount)).sum();
        let households = Households::new(setup.households.clone());
        Self {
            config,
            network: Network::new(config.links.clone(), config.partitions.clone()),
            setup,
            rng,
            now: 0,
            seq: 0,
            queue: BTreeMap::new(),
            nodes,
            households,
            checker: Checker::new(validators, supply),
            trace: Sha256::new(),
            events: 0,
            messages: 0,
            commits: Vec::new(),
            headers: BTreeMap::new(),
        }
    }

    pub fn schedule(&mut self, at_ms: u64, event: Event) {
        self.seq += 1;
        self.queue.insert((at_ms.max(self.now), self.seq), event);
    }

    fn boot_all(&mut self) {
        for node in 0..self.nodes.len() {
            self.restart(node);
        }
        for crash in &self.config.crashes {
            let event = Event::PowerLoss { node: crash.node, torn_wal_bytes: crash.torn_wal_bytes, down_ms: crash.down_ms };
            self.schedule(crash.at_ms, event);
        }
        for (update, u) in self.config.validator_updates.iter().enumerate() {
            self.schedule(u.at_ms, Event::ValidatorUpdate { update });
        }
        for (upgrade, u) in self.config.upgrades.iter().enumerate() {
            self.schedule(u.at_ms, Event::ScheduleUpgrade { upgrade });
        }
        if self.households.len() > 0 {
            for slot in 1..=self.config.heights {
                let deadline = self.setup.genesis.slot_deadline_ms(slot);
                self.schedule(deadline.saturating_sub(self.config.slot_ms / 2), Event::Bids { slot });
            }
        }
    }

    fn trace_event(&mut self, event: &Event) {
        let (kind, node) = event.tag();
        self.trace.update(self.now.to_le_bytes());
        self.trace.update([kind]);
        self.trace.update((node as u64).to_le_bytes());
        if let Event::Gossip { bytes, .. } = event {
            self.trace.update(ledger::hash::sha256(bytes));
        }
    }

    fn handle(&mut self, event: Event) {
        match event {
            Event::Gossip { to, from, channel, bytes } => self.deliver(to, from, channel, &bytes),
            Event::Timer { node, incarnation, timeout } => {
                self.drive(node, incarnation, |d, now| d.on_timeout(timeout, now));
            }
            Event::StartHeight { node, incarnation, height } => {
                self.drive(node, incarnation, |d, now| d.start_height(height, now));
            }
            Event::Propose { node, incarnation, height, round } => {
                self.drive(node, incarnation, |d, now| d.propose_deferred(height, round, now));
            }
            Event::Sync { node, incarnation, from } => self.sync(node, incarnation, from),
            Event::SyncTick { node, incarnation } => self.sync_tick(node, incarnation),
            Event::PowerLoss { node, torn_wal_bytes, down_ms } => {
                if let Some(n) = self.nodes.get_mut(node) {
                    n.power_loss(torn_wal_bytes);
                    self.schedule(self.now.saturating_add(down_ms), Event::Restart { node });
                }
            }
            Event::Restart { node } => self.restart(node),
            Event::Bids { slot } => self.bids(slot),
            Event::ValidatorUpdate { update } => self.validator_update(update),
            Event::ScheduleUpgrade { upgrade } => self.schedule_upgrade(upgrade),
        }
    }

    /// Whether every honest node has committed every height (and no crash is still to come).
    fn done(&self) -> bool {
        let pending_faults = self.now < self.config.heal_time_ms();
        !pending_faults && self.honest().all(|n| n.tip() >= self.config.heights)
    }

    fn honest(&self) -> impl Iterator<Item = &SimNode> {
        self.nodes.iter().filter(|n| n.behaviour.is_none())
    }

    pub fn violation(&mut self, node: Option<usize>, what: String) {
        self.checker.violations.push(Violation { at_ms: self.now, node, what });
    }

    fn finish(mut self) -> SimReport {
        let min_honest_height = self.honest().map(SimNode::tip).min().unwrap_or(0);
        if self.checker.violations.is_empty() && min_honest_height < self.config.heights {
            let stuck: Vec<String> = self.honest().map(|n| format!("{}:{}", n.index, n.tip())).collect();
            let what = format!(
                "liveness: honest nodes at heights [{}] of {} at {} ms (faults healed at {} ms)",
                stuck.join(", "),
                self.config.heights,
                self.now,
                self.config.heal_time_ms()
            );
            self.violation(None, what);
        }
        let included = self.checker.included();
        let settled = self.households.acked.keys().filter(|h| included.contains_key(*h)).count() as u64;
        let closed = self.checker.decided_heights();
        let missed = self.households.acked.iter().filter(|(h, slot)| **slot <= closed && !included.contains_key(*h)).count() as u64;
        if missed > 0 && !self.config.has_faults() && self.checker.violations.is_empty() {
            self.violation(None, format!("{missed} acknowledged bids missed their slot in a run without faults"));
        }
        // The commits are in time order, so the first of each height is the earliest.
        let mut first_commit_ms: BTreeMap<u64, u64> = BTreeMap::new();
        for &(_, height, _, at) in &self.commits {
            first_commit_ms.entry(height).or_insert(at);
        }
        SimReport {
            seed: self.config.seed,
            min_honest_height,
            decided: closed,
            violations: self.checker.violations.clone(),
            trace_hash: self.trace.finalize().into(),
            events: self.events,
            messages: self.messages,
            sim_time_ms: self.now,
            evidence_committed: self.checker.evidence_committed,
            refused_values: self.checker.refused.len() as u64,
            bids_acked: self.households.acked.len() as u64,
            bids_settled: settled,
            bids_missed: missed,
            bids_refused: self.households.refused.clone(),
            first_commit_ms: first_commit_ms.into_iter().collect(),
            commits: std::mem::take(&mut self.commits),
            headers: std::mem::take(&mut self.headers),
        }
    }
}
