//! What must hold after every step of a simulation: agreement on blocks and state roots,
//! valid certificates, no double signing by an honest validator, token conservation, the block
//! reward paid to the last commit's signers, every
//! acknowledged bid in at most one block, no block built to be refused ever committed. A
//! broken one is a [`Violation`] with the time and node, and stops the run.

use std::collections::BTreeMap;

use consensus::{Message, VoteType};
use ledger::hash::Hash;
use market_runtime::chain::{codec, keys};
use market_runtime::StateStore;
use node_core::consensus_wire::GossipMessage;
use node_core::driver::Committed;

use crate::node::SimDriver;
use crate::setup::CHAIN_ID;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub at_ms: u64,
    pub node: Option<usize>,
    pub what: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.node {
            Some(node) => write!(f, "at {} ms, node {node}: {}", self.at_ms, self.what),
            None => write!(f, "at {} ms: {}", self.at_ms, self.what),
        }
    }
}

/// What the first node to commit a height committed there.
struct Decided {
    block: Hash,
    state_root: Hash,
    minted: u64,
}

/// The step of a signed message: (signer, height, round, kind).
type SignedAt = ([u8; 32], u64, u32, u8);

pub struct Checker {
    /// Every key the run may make a validator (genesis set and joiners).
    validators: Vec<([u8; 32], u64)>,
    /// Blocks a Byzantine validator proposed or voted for, built to be refused: none may ever
    /// be committed.
    pub refused: std::collections::BTreeSet<Hash>,
    genesis_supply: u128,
    decided: BTreeMap<u64, Decided>,
    signed: BTreeMap<SignedAt, Option<Hash>>,
    /// Every transaction of a decided block, and the height.
    included: BTreeMap<Hash, u64>,
    /// Evidence transactions in decided blocks: double signs reported and punished on chain.
    pub evidence_committed: u64,
    pub violations: Vec<Violation>,
}

impl Checker {
    pub fn new(validators: Vec<([u8; 32], u64)>, genesis_supply: u128) -> Self {
        Self { validators, refused: Default::default(), genesis_supply, decided: BTreeMap::new(), signed: BTreeMap::new(), included: BTreeMap::new(), evidence_committed: 0, violations: Vec::new() }
    }

    fn fail(&mut self, at_ms: u64, node: Option<usize>, what: String) {
        self.violations.push(Violation { at_ms, node, what });
    }

    pub fn included(&self) -> &BTreeMap<Hash, u64> {
        &self.included
    }

    pub fn decided_heights(&self) -> u64 {
        self.decided.keys().next_back().copied().unwrap_or(0)
    }

    /// A block built to fail the proposal check (a Byzantine proposer's).
    pub fn on_invalid_block(&mut self, block: Hash) {
        self.refused.insert(block);
    }

    /// A message an honest validator signed and sent: no other at the same step.
    pub fn on_signed(&mut self, at_ms: u64, node: usize, message: &Message) {
        let (key, value) = match message {
            Message::Vote(v) => {
                let kind = if v.vote.vote_type == VoteType::Prevote { 1 } else { 2 };
                ((v.vote.validator, v.vote.height, v.vote.round, kind), v.vote.value)
            }
            Message::Proposal(p) => ((p.proposal.proposer, p.proposal.height, p.proposal.round, 0), Some(p.proposal.value)),
        };
        match self.signed.get(&key) {
            Some(first) if *first != value => {
                let what = format!("double sign at height {} round {} step {}: {:?} then {:?}", key.1, key.2, key.3, first.map(hex::encode), value.map(hex::encode));
                self.fail(at_ms, Some(node), what);
            }
            Some(_) => {}
            None => {
                self.signed.insert(key, value);
            }
        }
    }

    /// Decodes an own consensus message a node published, for [`Checker::on_signed`].
    pub fn own_message(bytes: &[u8]) -> Option<Message> {
        match GossipMessage::decode(bytes).ok()? {
            GossipMessage::Vote(v) => Some(Message::Vote(v)),
            GossipMessage::Proposal(p, _) => Some(Message::Proposal(p)),
            GossipMessage::Evidence(_) => None,
        }
    }

    /// A node committed a block: same block and state root as every other node at that
    /// height, a certificate of the validators, supply equal to genesis plus what was minted,
    /// and no transaction that an earlier height already holds.
    pub fn on_commit(&mut self, at_ms: u64, node: usize, committed: &Committed, driver: &SimDriver) {
        let height = committed.block.height();
        let block = committed.block.hash();
        let state_root = driver.chain().state_root();
        let minted = committed.outcome.minted.total();
        if self.refused.contains(&block) {
            self.fail(at_ms, Some(node), format!("height {height}: committed {}, a block built to fail the proposal check", hex::encode(block)));
        }
        match self.decided.get(&height) {
            Some(first) if first.block != block => {
                let what = format!("height {height}: block {} but another node committed {}", hex::encode(block), hex::encode(first.block));
                self.fail(at_ms, Some(node), what);
            }
            Some(first) if first.state_root != state_root => {
                let what = format!("height {height}: state root {} but another node has {}", hex::encode(state_root), hex::encode(first.state_root));
                self.fail(at_ms, Some(node), what);
            }
            Some(_) => {}
            None => {
                self.decided.insert(height, Decided { block, state_root, minted });
                for tx in &committed.txs {
                    if matches!(tx.tx.body, market_runtime::TxBody::Evidence { .. }) {
                        self.evidence_committed += 1;
                    }
                    if let Some(earlier) = self.included.insert(tx.hash, height) {
                        self.fail(at_ms, Some(node), format!("transaction {} included at heights {earlier} and {height}", hex::encode(tx.hash)));
                    }
                }
            }
        }
        self.check_certificate(at_ms, node, height, &block, driver);
        self.check_set_record(at_ms, node, committed, driver);
        self.check_supply(at_ms, node, height, driver);
        self.check_reward(at_ms, node, committed);
    }

    /// The block reward goes to the distinct signers of the block's last commit, the one record
    /// of the previous height every node holds (not to this node's own certificate's signers,
    /// nor to the proposer).
    fn check_reward(&mut self, at_ms: u64, node: usize, committed: &Committed) {
        let height = committed.block.height();
        let mut signers: Vec<[u8; 32]> = committed
            .block
            .last_commit
            .iter()
            .flat_map(|c| &c.signatures)
            .filter_map(|s| s.validator.as_slice().try_into().ok())
            .collect();
        signers.sort_unstable();
        signers.dedup();
        let mut rewarded: Vec<[u8; 32]> = committed.outcome.minted.validators.iter().map(|(v, _)| *v).collect();
        rewarded.sort_unstable();
        if committed.outcome.minted.block_reward > 0 && rewarded != signers {
            let what = format!("height {height}: the block reward went to {} validators, the last commit has {} signers", rewarded.len(), signers.len());
            self.fail(at_ms, Some(node), what);
        }
    }

    /// Checked against the set that signed `height` (evidence removes an equivocator from the
    /// set of later heights, so the genesis set is not the one to use).
    fn check_certificate(&mut self, at_ms: u64, node: usize, height: u64, block: &Hash, driver: &SimDriver) {
        let signing = match market_runtime::signing_validators(driver.chain().state(), height) {
            Ok(set) => set,
            Err(e) => return self.fail(at_ms, Some(node), format!("height {height}: the signing set cannot be read: {e}")),
        };
        if signing.iter().any(|(v, _)| !self.validators.iter().any(|(g, _)| g == v)) {
            self.fail(at_ms, Some(node), format!("height {height}: a key the run never made a validator signs"));
        }
        match driver.chain().store().certificate(height) {
            Ok(Some(cert)) => {
                if let Err(e) = ledger::certificate::verify_certificate(&cert, CHAIN_ID, height, block, &signing) {
                    self.fail(at_ms, Some(node), format!("height {height}: the stored certificate does not commit the block: {e}"));
                }
            }
            other => self.fail(at_ms, Some(node), format!("height {height}: no certificate stored with the block ({other:?})")),
        }
    }

    /// The validator sets a node serves light clients (`/light/validators/{h}`): the one it
    /// recorded for the block's height hashes to the header's `validators_hash`, and the one
    /// for the next height is the set that will vote on it.
    fn check_set_record(&mut self, at_ms: u64, node: usize, committed: &Committed, driver: &SimDriver) {
        let height = committed.block.height();
        let store = driver.chain().store();
        let header_hash = committed.block.header.as_ref().map(|h| h.validators_hash.as_slice()).unwrap_or_default();
        let recorded = store.validator_set_at(height).map(|r| r.map(|(from, set)| (from, ledger::block::validators_hash(&set))));
        if !matches!(&recorded, Ok(Some((_, hash))) if hash.as_slice() == header_hash) {
            let what = format!("height {height}: the recorded validator set ({recorded:?}: from height, hash) is not the header's {}", hex::encode(header_hash));
            self.fail(at_ms, Some(node), what);
        }
        let next = store.validator_set_at(height + 1).map(|r| r.map(|(_, set)| set));
        if !matches!(&next, Ok(Some(set)) if set.as_slice() == driver.chain().validators().validators()) {
            self.fail(at_ms, Some(node), format!("height {height}: the recorded validator set of height {} is not the chain's next set", height + 1));
        }
    }

    fn check_supply(&mut self, at_ms: u64, node: usize, height: u64, driver: &SimDriver) {
        let state = driver.chain().state();
        let supply: u128 = state
            .scan_prefix(keys::ACCOUNT_PREFIX)
            .iter()
            .filter_map(|(_, raw)| codec::decode_account(raw))
            .map(|a| u128::from(a.balance))
            .sum();
        let minted: u128 = self.decided.range(..=height).map(|(_, d)| u128::from(d.minted)).sum();
        let expected = self.genesis_supply.saturating_add(minted);
        if supply != expected {
            self.fail(at_ms, Some(node), format!("height {height}: {supply} micro-tokens in accounts, but genesis plus minting gives {expected}"));
        }
    }
}
