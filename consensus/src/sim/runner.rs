//! The event loop: delivers messages, fires timers, crashes and restarts nodes, syncs
//! laggards, and checks the invariants at every decision.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::certificate::CommitCertificate;
use crate::io::{Input, Message, Output};
use crate::types::{Height, Round, ValueId};
use crate::validator_set::ValidatorSet;
use crate::error::ValidatorSetError;

use super::byzantine::{is_valid_value, rewrite, Outgoing};
use super::config::{Behaviour, SimConfig};
use crate::testing::{fnv1a, validator_id, SimVerifier};
use super::network::Network;
use super::node::SimNode;
use super::queue::{EventKind, EventQueue};
use super::report::{DecisionRecord, LateDecision, NodeState, SimReport, Violation};
use super::trace::Trace;

/// Rounds allowed after the network heals before a decision counts as late.
pub const LIVENESS_ROUNDS: Round = 10;
/// Certificates sent in one sync response.
const SYNC_BATCH: u64 = 8;

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("validator powers at height {height} do not form a set: {source}")]
    BadValidatorSet { height: Height, source: ValidatorSetError },
    #[error("{what} names node {node}, but there are {nodes} nodes")]
    NoSuchNode { what: &'static str, node: usize, nodes: usize },
    #[error("validator change at height {height} lists {found} powers for {expected} validators")]
    ChangeSize { height: Height, expected: usize, found: usize },
}

/// Runs one simulation to the end.
pub fn run(config: SimConfig) -> Result<SimReport, SimError> {
    run_with_progress(config, &mut |_| {})
}

/// Runs one simulation, calling `progress(height)` when a height is first decided.
pub fn run_with_progress(config: SimConfig, progress: &mut dyn FnMut(Height)) -> Result<SimReport, SimError> {
    let mut sim = Simulation::new(config)?;
    sim.run(progress);
    Ok(sim.into_report())
}

struct Simulation {
    config: SimConfig,
    rng: ChaCha8Rng,
    queue: EventQueue,
    network: Network,
    nodes: Vec<SimNode>,
    base_set: ValidatorSet,
    /// Sets from the heights where they change.
    sets: BTreeMap<Height, ValidatorSet>,
    now: u64,
    trace: Trace,
    first_decision: BTreeMap<Height, ValueId>,
    heal_rounds: BTreeMap<Height, Round>,
    honest_done: usize,
    honest_total: usize,
    report: SimReport,
}

impl Simulation {
    fn new(config: SimConfig) -> Result<Self, SimError> {
        let n = config.powers.len();
        for change in &config.changes {
            if change.powers.len() != n {
                return Err(SimError::ChangeSize { height: change.height, expected: n, found: change.powers.len() });
            }
        }
        let base_set = build_set(&config.powers).map_err(|source| SimError::BadValidatorSet { height: 1, source })?;
        let mut sets = BTreeMap::new();
        for height in config.changes.iter().map(|c| c.height) {
            sets.insert(height, build_set(config.powers_at(height)).map_err(|source| SimError::BadValidatorSet { height, source })?);
        }
        let mut nodes = Vec::with_capacity(n);
        let keep_wal = !config.crashes.is_empty();
        for v in 0..n {
            nodes.push(SimNode::new(v, validator_id(v), config.behaviour_of(v), &config.params, keep_wal));
        }
        for v in 0..n {
            if config.behaviour_of(v) == Some(Behaviour::Twin) {
                nodes.push(SimNode::new(v, validator_id(v), Some(Behaviour::Twin), &config.params, keep_wal));
            }
        }
        for (v, _) in &config.byzantine {
            if *v >= n {
                return Err(SimError::NoSuchNode { what: "a Byzantine behaviour", node: *v, nodes: n });
            }
        }
        for crash in &config.crashes {
            if crash.node >= nodes.len() {
                return Err(SimError::NoSuchNode { what: "a crash", node: crash.node, nodes: nodes.len() });
            }
        }
        let honest_total = nodes.iter().filter(|n| n.is_honest()).count();
        let report = SimReport {
            seed: config.seed,
            trace_hash: 0,
            events: 0,
            end_ms: 0,
            heal_ms: config.heal_time_ms(),
            violations: Vec::new(),
            decisions: Vec::new(),
            all_decided: false,
            late_decisions: Vec::new(),
            messages_sent: 0,
            sync_messages: 0,
            evidence: 0,
            final_states: Vec::new(),
        };
        Ok(Self {
            rng: ChaCha8Rng::seed_from_u64(config.seed),
            queue: EventQueue::default(),
            network: Network::new(config.network.clone(), config.partitions.clone()),
            trace: Trace::new(config.seed),
            nodes,
            base_set,
            sets,
            now: 0,
            first_decision: BTreeMap::new(),
            heal_rounds: BTreeMap::new(),
            honest_done: 0,
            honest_total,
            report,
            config,
        })
    }

    fn set_at(&self, height: Height) -> ValidatorSet {
        self.sets.range(..=height).next_back().map_or(&self.base_set, |(_, s)| s).clone()
    }

    fn run(&mut self, progress: &mut dyn FnMut(Height)) {
        for crash in self.config.crashes.clone() {
            self.queue.push(crash.at_ms, EventKind::Crash { node: crash.node });
            self.queue.push(crash.at_ms + crash.down_ms, EventKind::Restart { node: crash.node });
        }
        let heal = self.config.heal_time_ms();
        if heal > 0 {
            self.queue.push(heal, EventKind::Heal);
        }
        for node in 0..self.nodes.len() {
            if self.nodes[node].up {
                self.queue.push(self.config.sync_interval_ms, EventKind::SyncTick { node, incarnation: 0 });
                let validators = self.set_at(1);
                self.feed(node, Input::StartHeight { height: 1, validators }, progress);
            }
        }
        while self.honest_done < self.honest_total {
            let Some(event) = self.queue.pop() else { break };
            if event.time > self.config.max_time_ms {
                break;
            }
            self.now = event.time;
            self.report.events += 1;
            if self.config.log_events {
                self.log_event(&event.kind);
            }
            self.handle(event.kind, progress);
        }
        self.report.all_decided = self.honest_done >= self.honest_total;
    }

    fn handle(&mut self, kind: EventKind, progress: &mut dyn FnMut(Height)) {
        let now = self.now.to_be_bytes();
        match kind {
            EventKind::Deliver { from, to, message } => {
                record_message(&mut self.trace, &[&now, b"d", &(from as u64).to_be_bytes(), &(to as u64).to_be_bytes()], &message);
                if !self.nodes[to].up {
                    return;
                }
                let node = &mut self.nodes[to];
                if message.height() > node.height && node.ahead.is_none_or(|(h, _)| message.height() > h) {
                    node.ahead = Some((message.height(), from));
                }
                let valid = match message.as_ref() {
                    Message::Proposal(p) => is_valid_value(&p.proposal.value),
                    Message::Vote(_) => true,
                };
                self.feed(to, (*message).clone().into_input(valid), progress);
            }
            EventKind::Timer { node, incarnation, timeout } => {
                let n = &self.nodes[node];
                if !n.up || n.incarnation != incarnation {
                    return;
                }
                self.trace.record(&[&now, b"t", &(node as u64).to_be_bytes(), &timeout.height.to_be_bytes(), &timeout.round.to_be_bytes(), &[timeout.step as u8]]);
                self.feed(node, Input::Timeout(timeout), progress);
            }
            EventKind::SyncTick { node, incarnation } => {
                let n = &self.nodes[node];
                if !n.up || n.incarnation != incarnation {
                    return;
                }
                if let Some((height, peer)) = n.ahead {
                    if height > n.height {
                        let from_height = n.height.max(1);
                        self.report.sync_messages += 1;
                        self.send_one(node, peer, EventKind::SyncRequest { from: node, to: peer, from_height });
                    }
                }
                self.queue.push(self.now + self.config.sync_interval_ms, EventKind::SyncTick { node, incarnation });
            }
            EventKind::SyncRequest { from, to, from_height } => {
                self.trace.record(&[&now, b"q", &(from as u64).to_be_bytes(), &(to as u64).to_be_bytes(), &from_height.to_be_bytes()]);
                let responder = &self.nodes[to];
                if !responder.up {
                    return;
                }
                let certificates: Vec<CommitCertificate> =
                    responder.decided.range(from_height..from_height + SYNC_BATCH).map(|(_, c)| c.clone()).collect();
                if !certificates.is_empty() {
                    self.report.sync_messages += 1;
                    self.send_one(to, from, EventKind::SyncResponse { to: from, certificates: Arc::new(certificates) });
                }
            }
            EventKind::SyncResponse { to, certificates } => {
                self.trace.record(&[&now, b"r", &(to as u64).to_be_bytes(), &(certificates.len() as u64).to_be_bytes()]);
                if !self.nodes[to].up {
                    return;
                }
                for certificate in certificates.iter() {
                    let node = &self.nodes[to];
                    if certificate.height != node.height || node.decided.contains_key(&certificate.height) {
                        continue;
                    }
                    let set = self.set_at(certificate.height);
                    if certificate.verify(certificate.height, &set, &SimVerifier).is_err() {
                        continue;
                    }
                    let height = certificate.height;
                    let round = certificate.round;
                    self.commit(to, certificate.clone(), round, true, progress);
                    let validators = self.set_at(height + 1);
                    self.feed(to, Input::StartHeight { height: height + 1, validators }, progress);
                }
            }
            EventKind::Crash { node } => {
                self.trace.record(&[&now, b"c", &(node as u64).to_be_bytes()]);
                self.nodes[node].crash();
            }
            EventKind::Restart { node } => {
                self.trace.record(&[&now, b"s", &(node as u64).to_be_bytes()]);
                self.restart(node, progress);
            }
            EventKind::Heal => {
                for node in self.nodes.iter().filter(|n| n.is_honest() && n.up) {
                    let entry = self.heal_rounds.entry(node.core.height()).or_insert(0);
                    *entry = (*entry).max(node.core.round());
                }
            }
        }
    }

    fn log_event(&self, kind: &EventKind) {
        let show = |n: &SimNode| {
            let short = |v: Option<(ValueId, Round)>| v.map(|(v, r)| (v[0], r));
            format!(
                "h{} r{} {:?} lock {:?} valid {:?}",
                n.core.height(),
                n.core.round(),
                n.core.step(),
                short(n.core.locked()),
                short(n.core.valid_value())
            )
        };
        match kind {
            EventKind::Deliver { from, to, message } => match message.as_ref() {
                Message::Proposal(p) => eprintln!(
                    "{} {from}->{to} proposal r{} v{} pol {:?} | {}",
                    self.now,
                    p.proposal.round,
                    p.proposal.value[0],
                    p.proposal.pol_round,
                    show(&self.nodes[*to])
                ),
                Message::Vote(v) => eprintln!(
                    "{} {from}->{to} {:?} of {} r{} v{:?} | {}",
                    self.now,
                    v.vote.vote_type,
                    v.vote.validator[7],
                    v.vote.round,
                    v.vote.value.map(|x| x[0]),
                    show(&self.nodes[*to])
                ),
            },
            EventKind::Timer { node, timeout, .. } => eprintln!("{} timer {node} {:?} | {}", self.now, timeout, show(&self.nodes[*node])),
            other => eprintln!("{} {:?}", self.now, other),
        }
    }

    fn restart(&mut self, node: usize, progress: &mut dyn FnMut(Height)) {
        let wal = self.nodes[node].restart();
        let incarnation = self.nodes[node].incarnation;
        self.queue.push(self.now + self.config.sync_interval_ms, EventKind::SyncTick { node, incarnation });
        let mut work = VecDeque::new();
        if wal.is_empty() {
            let height = self.nodes[node].last_decided() + 1;
            work.push_back(Input::StartHeight { height, validators: self.set_at(height) });
        } else {
            for input in wal {
                let outputs = self.nodes[node].core.handle(input);
                self.apply(node, outputs, &mut work, true, progress);
            }
            self.nodes[node].height = self.nodes[node].core.height();
        }
        self.drain(node, work, progress);
    }

    fn feed(&mut self, node: usize, input: Input, progress: &mut dyn FnMut(Height)) {
        self.drain(node, VecDeque::from([input]), progress);
    }

    fn drain(&mut self, node: usize, mut work: VecDeque<Input>, progress: &mut dyn FnMut(Height)) {
        while let Some(input) = work.pop_front() {
            let n = &mut self.nodes[node];
            if let Input::StartHeight { height, .. } = &input {
                n.height = *height;
                n.height_started_ms.insert(*height, self.now);
                n.wal.clear();
                n.wal_synced = 0;
                n.log(&input);
                n.sync_wal();
            } else {
                n.log(&input);
            }
            let outputs = n.core.handle(input);
            self.apply(node, outputs, &mut work, false, progress);
        }
    }

    fn apply(&mut self, node: usize, outputs: Vec<Output>, work: &mut VecDeque<Input>, replay: bool, progress: &mut dyn FnMut(Height)) {
        for output in outputs {
            match output {
                Output::Broadcast(message) => {
                    if replay {
                        continue;
                    }
                    let n = &mut self.nodes[node];
                    let own = message.sender() == n.id;
                    if own {
                        // Persisted before the message leaves: the guard and the log survive a crash.
                        let step = message.signed_step();
                        n.signer_state = Some(n.signer_state.map_or(step, |s| s.max(step)));
                        n.log(&message.clone().into_input(true));
                        n.sync_wal();
                    }
                    let behaviour = if own { n.behaviour } else { None };
                    let outgoing = rewrite(behaviour, &n.signer, message);
                    self.broadcast(node, outgoing);
                }
                Output::ScheduleTimeout { timeout, after_ms } => {
                    let incarnation = self.nodes[node].incarnation;
                    self.queue.push(self.now + after_ms, EventKind::Timer { node, incarnation, timeout });
                }
                Output::GetValue { height, round } => {
                    let value = self.value_for(node, height, round);
                    work.push_back(Input::ProposeValue { height, round, value });
                }
                Output::Decide { height, round, certificate, .. } => {
                    self.commit(node, certificate, round, false, progress);
                    work.push_back(Input::StartHeight { height: height + 1, validators: self.set_at(height + 1) });
                }
                Output::Evidence(evidence) => {
                    self.report.evidence += 1;
                    let validator = self.nodes.iter().find(|n| n.id == evidence.validator()).map(|n| n.validator);
                    if let Some(v) = validator {
                        if self.config.behaviour_of(v).is_none() {
                            self.report.violations.push(Violation::HonestEquivocation {
                                validator: v,
                                height: evidence.height(),
                                round: evidence.round(),
                            });
                        }
                    }
                }
            }
        }
    }

    /// The block this node would build: unique per node, height and round, always valid.
    fn value_for(&self, node: usize, height: Height, round: Round) -> ValueId {
        let mut value = [0u8; 32];
        let tag = fnv1a(&[&self.config.seed.to_be_bytes(), &(node as u64).to_be_bytes(), &height.to_be_bytes(), &round.to_be_bytes()]);
        value[..8].copy_from_slice(&tag.to_be_bytes());
        value[0] &= 0x7f;
        value[8..16].copy_from_slice(&height.to_be_bytes());
        value[16..20].copy_from_slice(&round.to_be_bytes());
        value
    }

    /// Records a decision and checks the safety invariants on it.
    fn commit(&mut self, node: usize, certificate: CommitCertificate, round: Round, via_sync: bool, progress: &mut dyn FnMut(Height)) {
        let height = certificate.height;
        if self.nodes[node].decided.contains_key(&height) {
            return;
        }
        let value = certificate.value;
        self.trace.record(&[&self.now.to_be_bytes(), b"D", &(node as u64).to_be_bytes(), &height.to_be_bytes(), &value]);
        if self.nodes[node].is_honest() {
            let set = self.set_at(height);
            if let Err(error) = certificate.verify(height, &set, &SimVerifier) {
                self.report.violations.push(Violation::BadCertificate { height, node, error });
            }
            if !is_valid_value(&value) {
                self.report.violations.push(Violation::InvalidDecision { height, node, value });
            }
            match self.first_decision.get(&height) {
                Some(first) if *first != value => {
                    self.report.violations.push(Violation::Disagreement { height, node, first: *first, second: value });
                }
                Some(_) => {}
                None => {
                    self.first_decision.insert(height, value);
                    progress(height);
                }
            }
            let heal = self.config.heal_time_ms();
            if !via_sync {
                let allowed = self.heal_rounds.get(&height).copied().unwrap_or(0) + LIVENESS_ROUNDS;
                if self.now >= heal && round > allowed {
                    self.report.late_decisions.push(LateDecision { node, height, round, allowed });
                }
            }
            if height == self.config.heights {
                self.honest_done += 1;
            }
        }
        let n = &mut self.nodes[node];
        let started_ms = n.height_started_ms.get(&height).copied().unwrap_or(self.now);
        self.report.decisions.push(DecisionRecord { node, height, round, started_ms, decided_ms: self.now, via_sync });
        n.decided.insert(height, certificate);
        n.wal.clear();
        n.wal_synced = 0;
        n.ahead = n.ahead.filter(|(h, _)| *h > height + 1);
    }

    fn broadcast(&mut self, from: usize, outgoing: Outgoing) {
        let (even, odd) = match outgoing {
            Outgoing::All(m) => {
                let m = Arc::new(m);
                (Arc::clone(&m), m)
            }
            Outgoing::Split { even, odd } => (Arc::new(even), Arc::new(odd)),
        };
        for to in 0..self.nodes.len() {
            if to == from {
                continue;
            }
            let message = if to % 2 == 0 { &even } else { &odd };
            self.report.messages_sent += 1;
            for delay in self.network.delays(from, to, self.now, &mut self.rng).into_iter().flatten() {
                self.queue.push(self.now + delay, EventKind::Deliver { from, to, message: Arc::clone(message) });
            }
        }
    }

    fn send_one(&mut self, from: usize, to: usize, kind: EventKind) {
        for delay in self.network.delays(from, to, self.now, &mut self.rng).into_iter().flatten() {
            self.queue.push(self.now + delay, kind.clone());
        }
    }

    fn into_report(mut self) -> SimReport {
        self.report.trace_hash = self.trace.hash();
        self.report.end_ms = self.now;
        self.report.final_states = self
            .nodes
            .iter()
            .enumerate()
            .map(|(node, n)| NodeState {
                node,
                honest: n.is_honest(),
                up: n.up,
                height: n.core.height(),
                round: n.core.round(),
                step: n.core.step(),
                last_decided: n.last_decided(),
            })
            .collect();
        self.report
    }
}

fn build_set(powers: &[u64]) -> Result<ValidatorSet, ValidatorSetError> {
    ValidatorSet::new(powers.iter().enumerate().filter(|(_, p)| **p > 0).map(|(i, p)| (validator_id(i), *p)).collect())
}

/// The signed payload of a message (what the trace folds in).
fn record_message(trace: &mut Trace, head: &[&[u8]], message: &Message) {
    match message {
        Message::Proposal(p) => trace.record(&[head[0], head[1], head[2], head[3], &p.proposal.sign_bytes()]),
        Message::Vote(v) => trace.record(&[head[0], head[1], head[2], head[3], &v.vote.sign_bytes()]),
    }
}

