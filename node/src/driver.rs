//! The consensus driver: feeds the consensus core with gossip, timeouts and proposals,
//! answers its requests (build a block, persist the signed step, commit a decision), and
//! turns its outputs into effects the I/O task carries out. No sockets, no timers: the
//! caller passes the time in and schedules what the effects ask for.

use crate::chain::{BlockCheckError, Chain, ChainError};
use crate::consensus_wire::{GossipMessage, LedgerSigner, LedgerVerifier};
use crate::mempool::{Hash, Mempool};
use crate::network::{Acceptance, Channel};
use crate::wal::{Wal, WalEntry, WalError};
use consensus::{Consensus, Input, Message, Output, Params, SignDomain, Timeout, Verifier};
use ledger::sign::Keypair;
use ledger::tx::VerifiedTx;
use ledger::wire::{Block, CommitCertificate};
use market_runtime::BlockOutcome;
use prost::Message as _;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Proposals of later heights kept until this node gets there (bounds memory).
const MAX_FUTURE_HEIGHTS: u64 = 8;

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Wal(#[from] WalError),
}

/// A committed block and what it did.
#[derive(Debug)]
pub struct Committed {
    pub block: Block,
    pub outcome: BlockOutcome,
    pub txs: Vec<VerifiedTx>,
    pub round: u32,
    pub latency_ms: f64,
    pub synced: bool,
    pub evicted: Vec<Hash>,
}

#[derive(Debug)]
pub enum Effect {
    Publish(Channel, Vec<u8>),
    Timer { timeout: Timeout, after_ms: u64 },
    /// Start `height` at unix time `at_ms` (its slot's deadline).
    StartAt { height: u64, at_ms: u64 },
    Committed(Box<Committed>),
    /// A decided block is missing here: fetch it from peers.
    NeedSync,
    /// A transaction this node signed (an evidence report) to admit and gossip like any other.
    SubmitTx(Vec<u8>),
}

pub struct DriverSettings {
    pub params: Params,
    pub max_block_txs: usize,
}

pub struct Driver {
    chain: Chain,
    mempool: Mempool,
    consensus: Consensus,
    me: Option<Keypair>,
    verifier: LedgerVerifier,
    wal: Wal,
    max_block_txs: usize,
    /// Candidate blocks of the running height, by hash.
    blocks: HashMap<Hash, Vec<u8>>,
    /// Their transactions, already verified, by block hash.
    checked: HashMap<Hash, Vec<VerifiedTx>>,
    future: BTreeMap<u64, Vec<(consensus::SignedProposal, Vec<u8>)>>,
    /// Height consensus is running (0 until the first start).
    running: u64,
    replaying: bool,
    /// A decision whose block has not arrived yet (precommits can overtake the proposal).
    pending_decision: Option<(u64, u32, Hash, Vec<(consensus::ValidatorId, Vec<u8>)>)>,
    /// Double signs already reported by this node, (validator, height, round): one report each.
    reported: HashSet<([u8; 32], u64, u32)>,
}

impl Driver {
    pub fn new(chain: Chain, mempool: Mempool, me: Option<Keypair>, wal: Wal, settings: DriverSettings) -> Driver {
        let chain_id = chain.chain_id().to_string();
        let verifier = LedgerVerifier { chain_id: chain_id.clone() };
        // Only a key in the validator set signs; any other node follows as an observer.
        let my_id = me.as_ref().map(|k| k.public()).filter(|id| chain.validators().index_of(id).is_some());
        let signer: Box<dyn consensus::Signer> = match &me {
            Some(k) => Box::new(LedgerSigner { keypair: k.clone(), chain_id: chain_id.clone() }),
            None => Box::new(LedgerSigner { keypair: Keypair::from_seed(&[0; 32]), chain_id: chain_id.clone() }),
        };
        let consensus = Consensus::new(settings.params, my_id, signer, Box::new(verifier.clone()));
        Driver {
            chain,
            mempool,
            consensus,
            me,
            verifier,
            wal,
            max_block_txs: settings.max_block_txs,
            blocks: HashMap::new(),
            checked: HashMap::new(),
            future: BTreeMap::new(),
            running: 0,
            replaying: false,
            pending_decision: None,
            reported: HashSet::new(),
        }
    }

    pub fn chain(&self) -> &Chain {
        &self.chain
    }
    pub fn mempool(&self) -> &Mempool {
        &self.mempool
    }
    pub fn mempool_mut(&mut self) -> &mut Mempool {
        &mut self.mempool
    }
    pub fn is_validator(&self) -> bool {
        self.me.as_ref().is_some_and(|k| self.chain.validators().index_of(&k.public()).is_some())
    }
    pub fn round(&self) -> u32 {
        self.consensus.round()
    }

    /// First call after opening: restores the signer guard and, if the WAL holds the
    /// height in progress, replays it; otherwise waits for the next slot's deadline.
    pub fn start(&mut self, now_ms: u64) -> Result<Vec<Effect>, DriverError> {
        self.consensus.restore_signer_state(self.chain.signed_step()?);
        let next = self.chain.tip().height + 1;
        let entries: Vec<WalEntry> = self.wal.read_all()?.into_iter().filter(|e| e.height() == next).collect();
        if entries.is_empty() {
            self.wal.truncate()?;
            return Ok(vec![Effect::StartAt { height: next, at_ms: self.chain.genesis.slot_deadline_ms(next) }]);
        }
        tracing::info!(height = next, entries = entries.len(), "replaying the consensus write-ahead log");
        self.replaying = true;
        let mut effects = Vec::new();
        let validators = self.chain.validators().clone();
        for entry in &entries {
            match entry {
                WalEntry::Proposal { input: Input::Proposal { proposal, .. }, block } => {
                    self.blocks.insert(proposal.proposal.value, block.clone());
                }
                WalEntry::ProposeValue { value, block, .. } => {
                    self.blocks.insert(*value, block.clone());
                }
                WalEntry::StartHeight(h) => self.running = *h,
                _ => {}
            }
            let outputs = self.consensus.handle(entry.input(&validators));
            self.process(outputs, now_ms, &mut effects)?;
        }
        self.replaying = false;
        Ok(effects)
    }

    /// Begins the next height (its slot's deadline has passed).
    pub fn start_height(&mut self, height: u64, now_ms: u64) -> Result<Vec<Effect>, DriverError> {
        let mut effects = Vec::new();
        if height != self.chain.tip().height + 1 || self.running == height {
            return Ok(effects);
        }
        self.running = height;
        self.log(&WalEntry::StartHeight(height))?;
        let outputs = self.consensus.handle(Input::StartHeight { height, validators: self.chain.validators().clone() });
        self.process(outputs, now_ms, &mut effects)?;
        let buffered = self.future.remove(&height).unwrap_or_default();
        self.future = self.future.split_off(&height);
        for (proposal, block) in buffered {
            self.feed_proposal(proposal, block, now_ms, &mut effects)?;
        }
        Ok(effects)
    }

    pub fn on_timeout(&mut self, timeout: Timeout, now_ms: u64) -> Result<Vec<Effect>, DriverError> {
        let mut effects = Vec::new();
        if timeout.height != self.running {
            return Ok(effects);
        }
        self.log(&WalEntry::Timeout(timeout))?;
        let outputs = self.consensus.handle(Input::Timeout(timeout));
        self.process(outputs, now_ms, &mut effects)?;
        Ok(effects)
    }

    /// A message from the consensus or evidence topic: the verdict for gossip and the effects.
    pub fn on_gossip(&mut self, data: &[u8], now_ms: u64) -> Result<(Acceptance, Vec<Effect>), DriverError> {
        let mut effects = Vec::new();
        let Ok(message) = GossipMessage::decode(data) else { return Ok((Acceptance::Reject, effects)) };
        let tip = self.chain.tip().height;
        match message {
            GossipMessage::Vote(vote) => {
                let v = &vote.vote;
                if v.height <= tip {
                    return Ok((Acceptance::Ignore, effects));
                }
                let domain = v.vote_type.domain();
                if !self.verifier.verify(domain, &v.validator, &v.sign_bytes(), &vote.signature) {
                    return Ok((Acceptance::Reject, effects));
                }
                if v.height > tip + 2 {
                    // Peers are more than a height ahead: this node missed blocks.
                    effects.push(Effect::NeedSync);
                    return Ok((Acceptance::Accept, effects));
                }
                let input = Input::Vote(vote);
                self.log(&WalEntry::Vote(input.clone()))?;
                let outputs = self.consensus.handle(input);
                self.process(outputs, now_ms, &mut effects)?;
                Ok((Acceptance::Accept, effects))
            }
            GossipMessage::Proposal(proposal, block) => {
                let p = proposal.proposal;
                if p.height <= tip {
                    return Ok((Acceptance::Ignore, effects));
                }
                if !self.verifier.verify(SignDomain::Proposal, &p.proposer, &p.sign_bytes(), &proposal.signature) {
                    return Ok((Acceptance::Reject, effects));
                }
                if p.height > tip + 1 {
                    if p.height <= tip + MAX_FUTURE_HEIGHTS {
                        self.future.entry(p.height).or_default().push((proposal, block));
                    }
                    // One height ahead is normal with back-to-back slots (the next proposer
                    // committed first); more means this node missed blocks.
                    if p.height > tip + 2 {
                        effects.push(Effect::NeedSync);
                    }
                    return Ok((Acceptance::Accept, effects));
                }
                self.feed_proposal(proposal, block, now_ms, &mut effects)?;
                Ok((Acceptance::Accept, effects))
            }
            GossipMessage::Evidence(evidence) => {
                tracing::warn!(validator = %hex::encode(evidence.validator()), height = evidence.height(), round = evidence.round(),
                    "evidence of equivocation received");
                if !self.report(&evidence, &mut effects) {
                    return Ok((Acceptance::Reject, effects));
                }
                Ok((Acceptance::Accept, effects))
            }
        }
    }

    fn feed_proposal(
        &mut self,
        proposal: consensus::SignedProposal,
        block: Vec<u8>,
        now_ms: u64,
        effects: &mut Vec<Effect>,
    ) -> Result<(), DriverError> {
        let p = proposal.proposal;
        if let Some((height, round, value, signatures)) = self.pending_decision.clone() {
            let checked = self.check(&p, &block, now_ms);
            if height == p.height && value == p.value && checked.is_ok() {
                self.pending_decision = None;
                if let Ok((decoded, txs)) = checked {
                    let cert = ledger::certificate::certificate(height, round, &value, signatures);
                    self.checked.insert(value, txs);
                    let committed = self.commit(decoded, cert, round, false, now_ms)?;
                    effects.push(Effect::Committed(Box::new(committed)));
                    let next = height + 1;
                    effects.push(Effect::StartAt { height: next, at_ms: self.chain.genesis.slot_deadline_ms(next) });
                }
                return Ok(());
            }
        }
        let valid = match self.check(&p, &block, now_ms) {
            Ok((_, txs)) => {
                self.checked.insert(p.value, txs);
                true
            }
            Err(e) => {
                log_bad_proposal(p.height, p.round, &e);
                false
            }
        };
        if valid {
            self.blocks.insert(p.value, block.clone());
        }
        let input = Input::Proposal { proposal, valid };
        self.log(&WalEntry::Proposal { input: input.clone(), block })?;
        let outputs = self.consensus.handle(input);
        self.process(outputs, now_ms, effects)
    }

    fn check(&self, p: &consensus::Proposal, block: &[u8], now_ms: u64) -> Result<(Block, Vec<VerifiedTx>), BlockCheckError> {
        let pool = &self.mempool;
        let known = |hash: &Hash| pool.get(hash).map(|t| VerifiedTx { hash: t.hash, tx: t.tx.clone(), bytes: t.bytes.clone() });
        self.chain.check_proposal(&p.value, &p.proposer, p.pol_round.is_some(), block, now_ms, &known)
    }

    fn log(&mut self, entry: &WalEntry) -> Result<(), DriverError> {
        if !self.replaying {
            self.wal.append(entry)?;
        }
        Ok(())
    }

    fn process(&mut self, outputs: Vec<Output>, now_ms: u64, effects: &mut Vec<Effect>) -> Result<(), DriverError> {
        let mut queue: std::collections::VecDeque<Output> = outputs.into();
        while let Some(output) = queue.pop_front() {
            match output {
                Output::Broadcast(message) => self.broadcast(message, effects)?,
                Output::ScheduleTimeout { timeout, after_ms } => effects.push(Effect::Timer { timeout, after_ms }),
                Output::GetValue { height, round } => {
                    let (value, block) = self.build_proposal(now_ms);
                    self.blocks.insert(value, block.clone());
                    self.log(&WalEntry::ProposeValue { height, round, value, block })?;
                    queue.extend(self.consensus.handle(Input::ProposeValue { height, round, value }));
                }
                Output::Decide { height, round, value, certificate } => {
                    let Some(bytes) = self.blocks.get(&value).cloned() else {
                        tracing::debug!(height, value = %hex::encode(value), "decided a block not received yet; waiting for it or syncing it");
                        self.pending_decision = Some((height, round, value, certificate.signatures));
                        effects.push(Effect::NeedSync);
                        continue;
                    };
                    let block = match Block::decode(bytes.as_slice()) {
                        Ok(b) => b,
                        Err(e) => {
                            tracing::error!(height, error = %e, "decided block does not decode; syncing it");
                            effects.push(Effect::NeedSync);
                            continue;
                        }
                    };
                    let cert = ledger::certificate::certificate(height, round, &value, certificate.signatures);
                    let committed = self.commit(block, cert, round, false, now_ms)?;
                    effects.push(Effect::Committed(Box::new(committed)));
                    let next = height + 1;
                    effects.push(Effect::StartAt { height: next, at_ms: self.chain.genesis.slot_deadline_ms(next) });
                    // The rest of this height's outputs are stale once it is committed.
                    break;
                }
                Output::Evidence(evidence) => {
                    tracing::warn!(validator = %hex::encode(evidence.validator()), height = evidence.height(), "equivocation detected");
                    self.report(&evidence, effects);
                    effects.push(Effect::Publish(Channel::Evidence, GossipMessage::Evidence(evidence).encode()));
                }
            }
        }
        Ok(())
    }

    /// A validator reports a double vote once, as an evidence transaction; executing it slashes
    /// the signer. Returns false when the evidence does not prove a double vote (forged), on
    /// every node, so that none relays it.
    fn report(&mut self, evidence: &consensus::Evidence, effects: &mut Vec<Effect>) -> bool {
        if let Err(error) = crate::evidence::verify(self.chain.chain_id(), evidence) {
            tracing::warn!(%error, "evidence does not prove a double vote; ignored");
            return false;
        }
        let key = (evidence.validator(), evidence.height(), evidence.round());
        let Some(me) = self.me.as_ref().filter(|k| self.chain.validators().index_of(&k.public()).is_some()) else {
            return true;
        };
        if self.reported.contains(&key) {
            return true;
        }
        let committed = market_runtime::account(self.chain.state(), &me.public()).map(|a| a.nonce).unwrap_or(0);
        let nonce = self.mempool.next_nonce(&me.public(), committed);
        match crate::evidence::evidence_tx(me, self.chain.chain_id(), nonce, evidence) {
            Ok(Some(tx)) => {
                self.reported.insert(key);
                tracing::warn!(validator = %hex::encode(key.0), height = key.1, round = key.2, nonce, "reporting the double vote in an evidence transaction");
                effects.push(Effect::SubmitTx(tx));
                true
            }
            Ok(None) => true,
            Err(error) => {
                tracing::warn!(%error, "evidence does not prove a double vote; ignored");
                false
            }
        }
    }

    fn broadcast(&mut self, message: Message, effects: &mut Vec<Effect>) -> Result<(), DriverError> {
        let own = self.me.as_ref().is_some_and(|k| k.public() == message.sender());
        let gossip = match &message {
            Message::Vote(v) => GossipMessage::Vote(v.clone()),
            Message::Proposal(p) => match self.blocks.get(&p.proposal.value) {
                Some(block) => GossipMessage::Proposal(p.clone(), block.clone()),
                None => return Ok(()),
            },
        };
        if own && !self.replaying {
            // The signed step is on disk before the message can leave: a restart never
            // signs a conflicting message at the same step.
            let payload = match &message {
                Message::Vote(v) => v.vote.sign_bytes().to_vec(),
                Message::Proposal(p) => p.proposal.sign_bytes().to_vec(),
            };
            self.chain.save_signed_step(message.signed_step(), &payload)?;
            match &message {
                Message::Vote(v) => self.wal.append(&WalEntry::Vote(Input::Vote(v.clone())))?,
                Message::Proposal(p) => {
                    let block = self.blocks.get(&p.proposal.value).cloned().unwrap_or_default();
                    self.wal.append(&WalEntry::Proposal { input: Input::Proposal { proposal: p.clone(), valid: true }, block })?
                }
            }
        }
        effects.push(Effect::Publish(Channel::Consensus, gossip.encode()));
        Ok(())
    }

    fn build_proposal(&mut self, now_ms: u64) -> (Hash, Vec<u8>) {
        let height = self.chain.tip().height + 1;
        let reaped = self.mempool.reap(height, self.max_block_txs);
        let verified: Vec<VerifiedTx> = reaped.iter().map(|t| VerifiedTx { hash: t.hash, tx: t.tx.clone(), bytes: t.bytes.clone() }).collect();
        let txs: Vec<Vec<u8>> = reaped.into_iter().map(|t| t.bytes.clone()).collect();
        let proposer = self.me.as_ref().map(|k| k.public()).unwrap_or([0; 32]);
        let block = self.chain.build_block(proposer, now_ms, txs);
        let hash = block.hash();
        self.checked.insert(hash, verified);
        (hash, block.encode_to_vec())
    }

    fn commit(&mut self, block: Block, cert: CommitCertificate, round: u32, synced: bool, now_ms: u64) -> Result<Committed, DriverError> {
        let hash = block.hash();
        let checked = self.checked.remove(&hash);
        let (outcome, txs) = self.chain.execute_and_commit(&block, &cert, checked)?;
        self.checked.clear();
        self.pending_decision = None;
        self.wal.truncate()?;
        self.blocks.clear();
        let height = self.chain.tip().height;
        let included: Vec<Hash> = txs.iter().map(|t| t.hash).collect();
        let state = self.chain.state();
        let evicted = self.mempool.after_block(&included, height + 1, |addr| {
            market_runtime::account(state, addr).map(|a| a.nonce).unwrap_or(0)
        });
        let time_ms = block.header.as_ref().map_or(now_ms, |h| h.time_ms);
        let latency_ms = now_ms.saturating_sub(time_ms) as f64;
        Ok(Committed { block, outcome, txs, round, latency_ms, synced, evicted })
    }

    /// A block and certificate from block sync for the next height: verified, committed,
    /// and consensus moves on to the height after it.
    pub fn apply_synced(&mut self, block: Block, cert: CommitCertificate, now_ms: u64) -> Result<Vec<Effect>, DriverError> {
        let height = block.height();
        if height != self.chain.tip().height + 1 {
            return Ok(Vec::new());
        }
        self.chain.verify_synced(&block, &cert)?;
        let round = cert.round;
        let committed = self.commit(block, cert, round, true, now_ms)?;
        let next = height + 1;
        Ok(vec![Effect::Committed(Box::new(committed)), Effect::StartAt { height: next, at_ms: self.chain.genesis.slot_deadline_ms(next) }])
    }
}

fn log_bad_proposal(height: u64, round: u32, error: &BlockCheckError) {
    tracing::warn!(height, round, %error, "proposal refused");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::genesis::{Genesis, GenesisValidator};
    use crate::mempool::Limits;

    fn limits() -> Limits {
        Limits { max_txs: 100, max_bytes: 1 << 20, max_per_account: 4, max_tx_bytes: 4096 }
    }

    fn genesis(validators: &[&Keypair]) -> Genesis {
        let admin = Keypair::from_seed(&[1; 32]);
        let mut g = Genesis::new("driver-test", 0, 0, admin.public(), [9; 32]);
        for (i, v) in validators.iter().enumerate() {
            let node_key = Keypair::from_seed(&[100 + i as u8; 32]);
            let node_id = crate::localnet::node_id_of(&node_key).unwrap();
            g.add_validator(GenesisValidator { address: v.public(), power: 10, moniker: format!("v{i}"), node_id });
        }
        g
    }

    fn driver(dir: &std::path::Path, g: &Genesis, me: &Keypair) -> Driver {
        let chain = Chain::open(&dir.join("chain"), g.clone()).unwrap();
        let next = chain.tip().height + 1;
        let wal = Wal::open(&dir.join("cs.wal")).unwrap();
        let settings = DriverSettings { params: Params::default(), max_block_txs: 100 };
        Driver::new(chain, Mempool::new(limits(), next), Some(me.clone()), wal, settings)
    }

    fn published_votes(effects: &[Effect]) -> Vec<consensus::SignedVote> {
        effects
            .iter()
            .filter_map(|e| match e {
                Effect::Publish(Channel::Consensus, bytes) => match GossipMessage::decode(bytes) {
                    Ok(GossipMessage::Vote(v)) => Some(v),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_lone_validator_proposes_votes_and_commits_without_sockets() {
        let dir = tempfile::tempdir().unwrap();
        let me = Keypair::from_seed(&[3; 32]);
        let g = genesis(&[&me]);
        let mut d = driver(dir.path(), &g, &me);
        let start = d.start(1_000).unwrap();
        assert!(matches!(start.as_slice(), [Effect::StartAt { height: 1, at_ms: 0 }]), "{start:?}");
        let effects = d.start_height(1, 1_000).unwrap();
        let committed: Vec<&Committed> = effects.iter().filter_map(|e| if let Effect::Committed(c) = e { Some(&**c) } else { None }).collect();
        assert_eq!(committed.len(), 1, "{effects:?}");
        assert_eq!(committed[0].block.height(), 1);
        assert_eq!(d.chain().tip().height, 1);
        assert_eq!(published_votes(&effects).len(), 2, "one prevote and one precommit");
        assert!(effects.iter().any(|e| matches!(e, Effect::StartAt { height: 2, .. })));
    }

    #[test]
    fn a_restarted_validator_replays_its_wal_and_signs_nothing_new_at_the_same_step() {
        let dir = tempfile::tempdir().unwrap();
        let keys: Vec<Keypair> = (0..4).map(|i| Keypair::from_seed(&[10 + i; 32])).collect();
        let g = genesis(&keys.iter().collect::<Vec<_>>());
        let me = &keys[0];
        let first_votes = {
            let mut d = driver(dir.path(), &g, me);
            d.start(1_000).unwrap();
            let mut effects = d.start_height(1, 1_000).unwrap();
            // Nothing from the others: the propose timeout makes it prevote (nil or its own block).
            let timers: Vec<Timeout> = effects.iter().filter_map(|e| if let Effect::Timer { timeout, .. } = e { Some(*timeout) } else { None }).collect();
            for t in timers.into_iter().filter(|t| t.step == consensus::TimeoutStep::Propose) {
                effects.extend(d.on_timeout(t, 2_000).unwrap());
            }
            published_votes(&effects)
        };
        assert!(!first_votes.is_empty(), "the validator prevoted before the crash");
        // "Crash" and restart on the same store and WAL.
        let mut d = driver(dir.path(), &g, me);
        let replay = d.start(3_000).unwrap();
        for vote in published_votes(&replay) {
            let same = first_votes.iter().any(|v| v.vote == vote.vote);
            let conflicting = first_votes.iter().any(|v| {
                v.vote.height == vote.vote.height && v.vote.round == vote.vote.round && v.vote.vote_type == vote.vote.vote_type && v.vote.value != vote.vote.value
            });
            assert!(same || !conflicting, "after the restart it signed a conflicting vote: {vote:?}");
        }
        let step = d.chain().signed_step().unwrap().expect("the signed step was persisted");
        assert_eq!(step.height, 1);
    }

    #[test]
    fn a_double_vote_from_another_validator_becomes_one_evidence_transaction() {
        let dir = tempfile::tempdir().unwrap();
        let keys: Vec<Keypair> = (0..4).map(|i| Keypair::from_seed(&[30 + i; 32])).collect();
        let g = genesis(&keys.iter().collect::<Vec<_>>());
        let mut d = driver(dir.path(), &g, &keys[0]);
        d.start(1_000).unwrap();
        d.start_height(1, 1_000).unwrap();
        let cheat = LedgerSigner { keypair: keys[2].clone(), chain_id: g.chain_id.clone() };
        let vote = |value: u8| {
            let vote = consensus::Vote {
                vote_type: consensus::VoteType::Prevote,
                height: 1,
                round: 0,
                value: Some([value; 32]),
                validator: keys[2].public(),
            };
            let signature = consensus::Signer::sign(&cheat, SignDomain::Prevote, &vote.sign_bytes());
            GossipMessage::Vote(consensus::SignedVote { vote, signature }).encode()
        };
        let mut effects = Vec::new();
        for bytes in [vote(1), vote(2), vote(2)] {
            effects.extend(d.on_gossip(&bytes, 1_100).unwrap().1);
        }
        let reports: Vec<&Vec<u8>> = effects.iter().filter_map(|e| if let Effect::SubmitTx(tx) = e { Some(tx) } else { None }).collect();
        assert_eq!(reports.len(), 1, "{effects:?}");
        let tx = ledger::tx::decode_tx(reports[0], &g.chain_id).unwrap().tx;
        assert_eq!(tx.sender, keys[0].public());
        assert_eq!(tx.body, market_runtime::TxBody::Evidence { validator: keys[2].public(), height: 1, round: 0 });
        assert!(effects.iter().any(|e| matches!(e, Effect::Publish(Channel::Evidence, _))), "the evidence is gossiped too");
    }
}
