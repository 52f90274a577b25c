//! The consensus driver: feeds the consensus core with gossip, timeouts and proposals,
//! answers its requests (build a block, persist the signed step, commit a decision), and
//! turns its outputs into effects the I/O task carries out. No sockets, no timers: the
//! caller passes the time in and schedules what the effects ask for.

mod admit;
mod blocks;
mod evidence_report;
mod intake;
mod replay;
#[cfg(test)]
mod tests;
mod deferral;

use crate::chain::{BlockCheckError, Chain, ChainError};
use crate::consensus_wire::{GossipMessage, LedgerSigner, LedgerVerifier};
use crate::mempool::{Hash, Mempool};
use crate::channel::Channel;
use crate::wal::{WalError, WalLog};
use crate::wal_record::WalEntry;
use ledger::store::Backend;
use consensus::{Consensus, Input, Message, Output, Params, Timeout};
use ledger::sign::Keypair;
use ledger::tx::VerifiedTx;
use ledger::wire::Block;
use market_runtime::BlockOutcome;
use prost::Message as _;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Evidence older than this many heights is not acted on (bounds what a node remembers).
const EVIDENCE_WINDOW: u64 = 100;
/// Room in a proposal's gossip message for everything but the block's transactions: the
/// proposal's own fields, the header and the framing (the last commit is counted apart).
const PROPOSAL_OVERHEAD_BYTES: usize = 4 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Wal(#[from] WalError),
}

impl DriverError {
    /// Whether the error is the disk being full (WAL or RocksDB).
    pub fn is_disk_full(&self) -> bool {
        match self {
            DriverError::Wal(e) => e.is_disk_full(),
            DriverError::Chain(ChainError::Store(e)) => e.is_disk_full(),
            DriverError::Chain(_) => false,
        }
    }
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
    /// Call `propose_deferred(height, round)` at unix time `at_ms`.
    ProposeAt { height: u64, round: u32, at_ms: u64 },
}

pub struct DriverSettings {
    pub params: Params,
    pub max_block_txs: usize,
    /// Largest gossip message: a proposal with its block must fit in one.
    pub max_message_bytes: usize,
    /// How long a proposer waits past the deadline for households that have not bid (deferral.rs).
    pub bid_wait_ms: u64,
    /// A bug planted on purpose for the simulator to find (its own messages leave before the
    /// WAL is synced); never set on a real node.
    pub planted_bug_skip_wal_sync: bool,
}

pub struct Driver<B: Backend, W: WalLog> {
    chain: Chain<B>,
    mempool: Mempool,
    consensus: Consensus,
    me: Option<Keypair>,
    verifier: LedgerVerifier,
    wal: W,
    max_block_txs: usize,
    max_message_bytes: usize,
    max_rounds_ahead: u32,
    /// Candidate blocks of the running height, by hash.
    blocks: HashMap<Hash, Vec<u8>>,
    /// Their transactions, already verified, by block hash.
    checked: HashMap<Hash, Vec<VerifiedTx>>,
    future: BTreeMap<u64, Vec<(consensus::SignedProposal, Vec<u8>)>>,
    future_bytes: usize,
    /// The value first proposed at each (height, round) seen: a second one is refused.
    proposed: HashMap<(u64, u32), Hash>,
    /// Height consensus is running (0 until the first start).
    running: u64,
    replaying: bool,
    /// A decision whose block has not arrived yet (precommits can overtake the proposal).
    pending_decision: Option<(u64, u32, Hash, Vec<(consensus::ValidatorId, Vec<u8>)>)>,
    /// Double signs already reported by this node, (validator, height, round): one report each.
    reported: HashSet<([u8; 32], u64, u32)>,
    /// Proposals wait until this unix time (deferral.rs).
    warm_at_ms: u64,
    deferred_proposal: Option<(u64, u32)>,
    bid_wait_ms: u64,
    planted_bug_skip_wal_sync: bool,
    /// When the running height started, and how many approved households may bid in its slot.
    height_started_ms: u64,
    bidders: Option<(u64, usize)>,
}

impl<B: Backend, W: WalLog> Driver<B, W> {
    pub fn new(chain: Chain<B>, mempool: Mempool, me: Option<Keypair>, wal: W, settings: DriverSettings) -> Self {
        let chain_id = chain.chain_id().to_string();
        let verifier = LedgerVerifier { chain_id: chain_id.clone() };
        // The core signs only at heights whose set holds this key (it looks at every height's
        // set) and follows as an observer at the others: a key the administrator adds to the
        // set later must start signing then, without a restart.
        let my_id = me.as_ref().map(|k| k.public());
        let signer: Box<dyn consensus::Signer> = match &me {
            Some(k) => Box::new(LedgerSigner { keypair: k.clone(), chain_id: chain_id.clone() }),
            None => Box::new(LedgerSigner { keypair: Keypair::from_seed(&[0; 32]), chain_id: chain_id.clone() }),
        };
        let max_rounds_ahead = settings.params.max_rounds_ahead;
        // The driver verifies every message before the core sees it (see intake.rs), and the
        // WAL only holds verified ones: a second check in the core would double the cost.
        let consensus = Consensus::new(settings.params, my_id, signer, Box::new(crate::consensus_wire::Preverified));
        Driver {
            chain,
            mempool,
            consensus,
            me,
            verifier,
            wal,
            max_block_txs: settings.max_block_txs,
            max_message_bytes: settings.max_message_bytes,
            max_rounds_ahead,
            blocks: HashMap::new(),
            checked: HashMap::new(),
            future: BTreeMap::new(),
            future_bytes: 0,
            proposed: HashMap::new(),
            running: 0,
            replaying: false,
            pending_decision: None,
            reported: HashSet::new(),
            warm_at_ms: 0,
            deferred_proposal: None,
            bid_wait_ms: settings.bid_wait_ms,
            planted_bug_skip_wal_sync: settings.planted_bug_skip_wal_sync,
            height_started_ms: 0,
            bidders: None,
        }
    }

    pub fn chain(&self) -> &Chain<B> {
        &self.chain
    }
    /// State proofs for light clients ([`crate::light_proofs`]).
    pub fn prove(&mut self, keys: &[Vec<u8>], max_bytes: usize) -> Result<crate::light_proofs::Proven, crate::light_proofs::ProveError> {
        crate::light_proofs::prove(&mut self.chain, keys, max_bytes)
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

    /// Begins the next height (its slot's deadline has passed).
    pub fn start_height(&mut self, height: u64, now_ms: u64) -> Result<Vec<Effect>, DriverError> {
        let mut effects = Vec::new();
        if height != self.chain.tip().height + 1 || self.running == height {
            return Ok(effects);
        }
        self.running = height;
        self.height_started_ms = now_ms;
        self.log(&WalEntry::StartHeight(height))?;
        let outputs = self.consensus.handle(Input::StartHeight { height, validators: self.chain.validators().clone() });
        self.process(outputs, now_ms, &mut effects)?;
        let buffered = self.take_future(height);
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
                Output::GetValue { height, round } => queue.extend(self.on_get_value(height, round, now_ms, effects)?),
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
            // The signed step is on disk (the WAL, synced below) before the message can
            // leave: a restart never signs a conflicting message at the same step.
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
        if own && !self.planted_bug_skip_wal_sync {
            // Jepsen (2017) on Tendermint: what this message depends on is on disk before it leaves.
            self.wal.sync()?;
        }
        effects.push(Effect::Publish(Channel::Consensus, gossip.encode()));
        Ok(())
    }
}

fn log_bad_proposal(height: u64, round: u32, error: &BlockCheckError) {
    tracing::warn!(height, round, %error, "proposal refused");
}
