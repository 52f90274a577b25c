//! The node's view of the chain: the store and state, block building, checking a proposed
//! block, executing and committing a decided one.

use crate::protocol::UpgradeRequired;
use crate::genesis::Genesis;
use consensus::{SignedStep, Step, ValidatorSet};
use ledger::block::{last_commit_hash, txs_root, validators_hash};
use ledger::state::StateDb;
use ledger::store::{Backend, ChainStore, StoreError};
use ledger::wire::{Block, CommitCertificate, Header, SignStep, SignerState};
use market_runtime::{BlockContext, BlockOutcome, StateStore};
use prost::Message as _;
use ledger::tx::VerifiedTx;
use std::sync::Arc;

pub type Hash = [u8; 32];
pub type Address = [u8; 32];

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("genesis app_state cannot be loaded: {0}")]
    Genesis(String),
    #[error("the chain in {path} is for chain id {stored:?}, but the genesis says {genesis:?}")]
    WrongChain { path: String, stored: String, genesis: String },
    #[error("validator set at height {height} is not valid: {why}")]
    Validators { height: u64, why: String },
    #[error("block {height} does not commit: {why}")]
    BadBlock { height: u64, why: String },
    #[error("block {height} has no certificate that commits it: {why}")]
    BadCertificate { height: u64, why: String },
}

/// Why a proposed block is not acceptable at the current height.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockCheckError {
    #[error("block bytes do not decode: {0}")]
    Decode(String),
    #[error("block hash {got} is not the proposed value {expected}")]
    HashMismatch { expected: String, got: String },
    #[error("header {field} is {got}, expected {expected}")]
    Header { field: &'static str, expected: String, got: String },
    #[error("transaction {index} is not valid: {why}")]
    Tx { index: usize, why: String },
    #[error("last commit does not commit height {height}: {why}")]
    LastCommit { height: u64, why: String },
    #[error("{0}")]
    Protocol(UpgradeRequired),
}

/// Summary of the latest committed block, what /status shows.
#[derive(Debug, Clone, Default)]
pub struct Tip {
    pub height: u64,
    pub hash: Hash,
    pub time_ms: u64,
    pub slot: u64,
}

pub struct Chain<B: Backend> {
    pub genesis: Genesis,
    store: Arc<ChainStore<B>>,
    state: StateDb<B>,
    tip: Tip,
    validators: ValidatorSet,
    /// The certificate this node holds for the tip; the next block it proposes carries it.
    last_commit: Option<CommitCertificate>,
}

const META_CHAIN_ID: &str = "chain_id";

fn validator_set(store: &impl StateStore, height: u64) -> Result<ValidatorSet, ChainError> {
    let list = market_runtime::validators(store).map_err(|e| ChainError::Validators { height, why: e.to_string() })?;
    ValidatorSet::new(list).map_err(|e| ChainError::Validators { height, why: e.to_string() })
}

/// Records `set` as the set of `height` on unless the record in force there already says so
/// (light clients ask a node which set voted on a past height; docs/interfaces.md).
fn record_set_change<B: Backend>(store: &ChainStore<B>, height: u64, set: &ValidatorSet) -> Result<(), StoreError> {
    let recorded = store.validator_set_at(height)?;
    if recorded.as_ref().map(|(_, s)| s.as_slice()) != Some(set.validators()) {
        store.record_validator_set(height, set.validators())?;
    }
    Ok(())
}

impl<B: Backend> Chain<B> {
    /// Opens the chain in `store`, writing the genesis state on first start.
    pub fn open(store: Arc<ChainStore<B>>, genesis: Genesis) -> Result<Self, ChainError> {
        match store.meta(META_CHAIN_ID)? {
            Some(stored) if stored != genesis.chain_id.as_bytes() => {
                return Err(ChainError::WrongChain {
                    path: store.backend().describe(),
                    stored: String::from_utf8_lossy(&stored).into_owned(),
                    genesis: genesis.chain_id.clone(),
                })
            }
            _ => {}
        }
        let mut state = StateDb::open(store.clone())?;
        if !store.genesis_done()? {
            market_runtime::init_genesis(&mut state, &genesis.app_state).map_err(|e| ChainError::Genesis(e.to_string()))?;
            state.commit_genesis()?;
            store.put_meta(META_CHAIN_ID, genesis.chain_id.as_bytes())?;
        }
        let mut tip = Tip { time_ms: genesis.genesis_time_ms, ..Tip::default() };
        let mut last_commit = None;
        if let Some(height) = store.latest_height()? {
            last_commit = Some(
                store
                    .certificate(height)?
                    .ok_or_else(|| ChainError::BadCertificate { height, why: "latest certificate missing from the store".into() })?,
            );
            let block = store
                .block(height)?
                .ok_or_else(|| ChainError::BadBlock { height, why: "latest block missing from the store".into() })?;
            let header = block.header.unwrap_or_default();
            tip = Tip { height, hash: block_hash_of(&header), time_ms: header.time_ms, slot: header.slot };
        }
        let validators = validator_set(&state, tip.height + 1)?;
        // Repairs a record lost to a crash between a commit and its record (or starts the
        // history of a data directory older than it, from the next height).
        record_set_change(&store, tip.height + 1, &validators)?;
        Ok(Chain { genesis, store, state, tip, validators, last_commit })
    }

    pub fn store(&self) -> &Arc<ChainStore<B>> {
        &self.store
    }
    pub fn tip(&self) -> &Tip {
        &self.tip
    }
    pub fn state_root(&self) -> Hash {
        self.state.root()
    }
    pub fn state(&self) -> &StateDb<B> {
        &self.state
    }
    /// Validators of the next height.
    pub fn validators(&self) -> &ValidatorSet {
        &self.validators
    }
    /// The certificate of the tip, which the next block carries as its last commit.
    pub fn last_commit(&self) -> Option<&CommitCertificate> {
        self.last_commit.as_ref()
    }

    pub fn chain_id(&self) -> &str {
        &self.genesis.chain_id
    }

    /// The state for proofs ([`crate::light_proofs`]), only between commits.
    pub(crate) fn state_mut(&mut self) -> &mut StateDb<B> {
        &mut self.state
    }

    /// A block for the next height holding `txs` (already checked signed envelopes) and the
    /// certificate this node holds for the tip as its last commit.
    pub fn build_block(&self, proposer: Address, now_ms: u64, txs: Vec<Vec<u8>>) -> Block {
        let height = self.tip.height + 1;
        let last_commit = self.last_commit.clone();
        let version = market_runtime::upgrade::version_at(&self.state, height);
        let header = Header {
            chain_id: self.genesis.chain_id.clone(),
            height,
            slot: height,
            // Block time never goes backwards, even if the proposer's clock does.
            time_ms: now_ms.max(crate::protocol::earliest_block_time(version, self.tip.time_ms)),
            prev_hash: self.tip.hash.to_vec(),
            txs_root: txs_root(&txs).to_vec(),
            state_root: self.state.root().to_vec(),
            proposer: proposer.to_vec(),
            validators_hash: validators_hash(self.validators.validators()).to_vec(),
            last_commit_hash: last_commit_hash(last_commit.as_ref()).to_vec(),
            protocol_version: version,
        };
        Block { header: Some(header), txs, last_commit }
    }

    /// Checks a proposed block for the next height: its header against our tip and state,
    /// and every transaction's envelope and signature (one batch). Execution-level
    /// failures (nonce, balance) are not errors: the runtime skips those transactions.
    pub fn check_proposal(
        &self,
        value: &Hash,
        proposer: &Address,
        reproposal: bool,
        bytes: &[u8],
        now_ms: u64,
        known: &dyn Fn(&Hash) -> Option<VerifiedTx>,
    ) -> Result<(Block, Vec<VerifiedTx>), BlockCheckError> {
        let block = ledger::block::decode_block(bytes, self.chain_id()).map_err(|e| BlockCheckError::Decode(e.to_string()))?;
        let proposer = Some(proposer);
        let hash = block.hash();
        if &hash != value {
            return Err(BlockCheckError::HashMismatch { expected: hex::encode(value), got: hex::encode(hash) });
        }
        let header = block.header.clone().unwrap_or_default();
        self.check_header(&header, proposer, reproposal)?;
        // A proposer's clock may run a little ahead; more than this is a bad block.
        let max_time = now_ms.saturating_add(10_000);
        if header.time_ms > max_time {
            return Err(BlockCheckError::Header { field: "time_ms", expected: format!("<= {max_time}"), got: header.time_ms.to_string() });
        }
        self.check_last_commit(&block)?;
        let txs = verify_txs(&block.txs, self.chain_id(), known).map_err(|e| BlockCheckError::Tx { index: e.index, why: e.error.to_string() })?;
        Ok((block, txs))
    }

    /// The header fields every node derives from its own tip and state: height, slot,
    /// parent, state root, builder, validators and a block time that does not go back.
    /// `proposer` is the proposer of the round (`None` for a synced block, whose round is
    /// only known from its certificate: then any validator of the height may have built it).
    fn check_header(&self, header: &Header, proposer: Option<&Address>, reproposal: bool) -> Result<(), BlockCheckError> {
        let height = self.tip.height.saturating_add(1);
        let expect = |field: &'static str, ok: bool, expected: String, got: String| {
            if ok {
                Ok(())
            } else {
                Err(BlockCheckError::Header { field, expected, got })
            }
        };
        expect("height", header.height == height, height.to_string(), header.height.to_string())?;
        expect("slot", header.slot == height, height.to_string(), header.slot.to_string())?;
        expect("prev_hash", header.prev_hash == self.tip.hash, hex::encode(self.tip.hash), hex::encode(&header.prev_hash))?;
        let root = self.state.root();
        expect("state_root", header.state_root == root, hex::encode(root), hex::encode(&header.state_root))?;
        // A re-proposal (pol_round set) carries the valid value of an earlier round, a block
        // built by that round's proposer: its header names the builder, not the re-proposer.
        let (builder_ok, expected) = match proposer {
            Some(p) if !reproposal => (header.proposer == p, hex::encode(p)),
            _ => (
                self.validators.validators().iter().any(|(id, _)| id.as_slice() == header.proposer.as_slice()),
                "a validator of this height".to_string(),
            ),
        };
        expect("proposer", builder_ok, expected, hex::encode(&header.proposer))?;
        let vhash = validators_hash(self.validators.validators());
        expect("validators_hash", header.validators_hash == vhash, hex::encode(vhash), hex::encode(&header.validators_hash))?;
        let version = market_runtime::upgrade::version_at(&self.state, height);
        if version > crate::protocol::PROTOCOL_VERSION {
            if let Some(required) = self.upgrade_required() {
                return Err(BlockCheckError::Protocol(required));
            }
        }
        let earliest = crate::protocol::earliest_block_time(version, self.tip.time_ms);
        expect("time_ms", header.time_ms >= earliest, format!(">= {earliest}"), header.time_ms.to_string())?;
        expect("protocol_version", header.protocol_version == version, version.to_string(), header.protocol_version.to_string())
    }

    /// `Some` when the next block must be made under a protocol this release does not run:
    /// the node must stop rather than propose, vote on or execute it.
    pub fn upgrade_required(&self) -> Option<UpgradeRequired> {
        crate::protocol::upgrade_required(&self.state, self.tip.height.saturating_add(1))
    }

    /// The block's last commit must be a valid certificate for our tip, signed by more than
    /// two thirds of the validators that signed the tip (the block's shape check already tied
    /// it to the parent hash and the header).
    fn check_last_commit(&self, block: &Block) -> Result<(), BlockCheckError> {
        let Some(cert) = &block.last_commit else { return Ok(()) };
        let height = self.tip.height;
        let signing = market_runtime::signing_validators(&self.state, height)
            .map_err(|e| BlockCheckError::LastCommit { height, why: format!("the signing set cannot be read: {e}") })?;
        ledger::certificate::verify_certificate(cert, self.chain_id(), height, &self.tip.hash, &signing)
            .map_err(|e| BlockCheckError::LastCommit { height, why: e.to_string() })?;
        Ok(())
    }

    /// Executes a decided block through the market runtime and commits block, certificate
    /// and state in one synced batch.
    /// `verified` are the block's transactions if the caller already checked them.
    pub fn execute_and_commit(
        &mut self,
        block: &Block,
        cert: &CommitCertificate,
        verified: Option<Vec<VerifiedTx>>,
    ) -> Result<(BlockOutcome, Vec<VerifiedTx>), ChainError> {
        let header = block.header.clone().unwrap_or_default();
        let height = header.height;
        let verified = match verified {
            Some(v) if v.len() == block.txs.len() => v,
            _ => ledger::tx::verify_batch(&block.txs, self.chain_id()).map_err(|e| ChainError::BadBlock { height, why: e.to_string() })?,
        };
        let txs: Vec<market_runtime::Tx> = verified.iter().map(|v| v.tx.clone()).collect();
        // Our own certificate's signers differ from other nodes' (any +2/3 decide); the
        // block's last commit is the one record every node agrees on.
        let signers: Vec<Address> = block
            .last_commit
            .iter()
            .flat_map(|c| &c.signatures)
            .filter_map(|s| s.validator.as_slice().try_into().ok())
            .collect();
        let proposer: Address = header.proposer.as_slice().try_into().unwrap_or([0; 32]);
        let ctx = BlockContext { height, slot: header.slot, proposer, signers };
        let outcome = market_runtime::execute_block(&mut self.state, &ctx, &txs);
        if let Err(e) = self.state.commit(block, cert) {
            self.state.discard();
            return Err(e.into());
        }
        self.tip = Tip { height, hash: block.hash(), time_ms: header.time_ms, slot: header.slot };
        self.last_commit = Some(cert.clone());
        let next = validator_set(&self.state, height + 1)?;
        if next != self.validators {
            // After the commit: a failed record must not undo it, and `open` repairs it.
            if let Err(error) = record_set_change(&self.store, height + 1, &next) {
                tracing::error!(%error, height = height + 1, "the validator set change was not recorded; it will be at the next start");
            }
        }
        self.validators = next;
        Ok((outcome, verified))
    }

    /// Checks a block and certificate received by sync: the block's shape, every header
    /// field this node can derive itself (so a synced block's state root is checked against
    /// local execution before the block is executed), its last commit, and a certificate of
    /// the next height's validators.
    pub fn verify_synced(&self, block: &Block, cert: &CommitCertificate) -> Result<(), ChainError> {
        let height = self.tip.height.saturating_add(1);
        let bad = |why: String| ChainError::BadBlock { height, why };
        ledger::block::check_block(block, self.chain_id()).map_err(|e| bad(e.to_string()))?;
        let header = block.header.clone().unwrap_or_default();
        self.check_header(&header, None, true).map_err(|e| bad(e.to_string()))?;
        self.check_last_commit(block).map_err(|e| bad(e.to_string()))?;
        ledger::certificate::verify_certificate(cert, self.chain_id(), height, &block.hash(), self.validators.validators())
            .map_err(|e| ChainError::BadCertificate { height, why: e.to_string() })?;
        Ok(())
    }

    pub fn block_and_certificate(&self, height: u64) -> Result<Option<(Block, CommitCertificate)>, ChainError> {
        match (self.store.block(height)?, self.store.certificate(height)?) {
            (Some(b), Some(c)) => Ok(Some((b, c))),
            _ => Ok(None),
        }
    }

    /// The last step this validator signed, as the core needs it after a restart.
    pub fn signed_step(&self) -> Result<Option<SignedStep>, ChainError> {
        let Some(state) = self.store.signer_state()? else { return Ok(None) };
        let step = match SignStep::try_from(state.step) {
            Ok(SignStep::Propose) => Step::Propose,
            Ok(SignStep::Prevote) => Step::Prevote,
            Ok(SignStep::Precommit) => Step::Precommit,
            _ => return Ok(None),
        };
        Ok(Some(SignedStep { height: state.height, round: state.round, step }))
    }

    /// Records the step of a message before it leaves the node (unsynced; the WAL is synced).
    pub fn save_signed_step(&self, step: SignedStep, payload: &[u8]) -> Result<(), ChainError> {
        let sign_step = match step.step {
            Step::Propose => SignStep::Propose,
            Step::Prevote => SignStep::Prevote,
            Step::Precommit => SignStep::Precommit,
        };
        let state = SignerState {
            height: step.height,
            round: step.round,
            step: sign_step as i32,
            payload_hash: ledger::hash::sha256(payload).to_vec(),
        };
        self.store.save_signer_state(&state)?;
        Ok(())
    }
}

pub fn block_hash_of(header: &Header) -> Hash {
    ledger::hash::sha256(&header.encode_to_vec())
}

/// Decodes and verifies a block's transactions; those the mempool already verified (same
/// bytes, same hash) are taken from it, the rest are checked as one signature batch.
pub fn verify_txs(
    txs: &[Vec<u8>],
    chain_id: &str,
    known: &dyn Fn(&Hash) -> Option<VerifiedTx>,
) -> Result<Vec<VerifiedTx>, ledger::tx::IndexedTxError> {
    let mut out: Vec<Option<VerifiedTx>> = Vec::with_capacity(txs.len());
    let mut unknown = Vec::new();
    for (i, bytes) in txs.iter().enumerate() {
        let hash = ledger::hash::sha256(bytes);
        match known(&hash).filter(|v| &v.bytes == bytes) {
            Some(v) => out.push(Some(v)),
            None => {
                out.push(None);
                unknown.push(i);
            }
        }
    }
    if !unknown.is_empty() {
        let to_check: Vec<&Vec<u8>> = unknown.iter().map(|&i| &txs[i]).collect();
        let checked = ledger::tx::verify_batch(&to_check, chain_id)
            .map_err(|e| ledger::tx::IndexedTxError { index: unknown.get(e.index).copied().unwrap_or(e.index), error: e.error })?;
        for (i, v) in unknown.into_iter().zip(checked) {
            out[i] = Some(v);
        }
    }
    Ok(out.into_iter().flatten().collect())
}
