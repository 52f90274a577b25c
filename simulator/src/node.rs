//! One simulated node: the real driver over its disk in memory, a clock with skew, and the
//! process's life (boot, power loss, restart).

use ledger::sign::Keypair;
use ledger::store::MemBackend;
use node_core::chain::Chain;
use node_core::driver::{Driver, DriverError, DriverSettings, Effect};
use node_core::genesis::Genesis;
use node_core::mempool::{Limits, Mempool};
use node_core::wal::MemWal;

use crate::byzantine::Mischief;
use crate::config::{Behaviour, SimConfig};
use crate::disk::Disk;

pub type SimDriver = Driver<MemBackend, MemWal>;

/// The mempool of a simulated node (a real node's defaults, scaled to a simulation).
pub const POOL_LIMITS: Limits = Limits { max_txs: 20_000, max_bytes: 32 * 1024 * 1024, max_per_account: 64, max_tx_bytes: 4096 };
pub const MAX_NONCE_AHEAD: u64 = POOL_LIMITS.max_per_account as u64;
const MAX_BLOCK_TXS: usize = 10_000;
const MAX_MESSAGE_BYTES: usize = 4 * 1024 * 1024;

pub struct SimNode {
    pub index: usize,
    pub key: Keypair,
    pub disk: Disk,
    /// `None` while the node is down.
    pub driver: Option<SimDriver>,
    /// Bumped at every crash: timers set by an earlier life are dropped.
    pub incarnation: u64,
    /// How far this node's clock is ahead of true time (negative: behind).
    pub skew_ms: i64,
    pub behaviour: Option<Behaviour>,
    /// A block sync request is in flight.
    pub syncing: bool,
    /// A Byzantine node's memory of what it did wrong.
    pub mischief: Mischief,
}

#[derive(Debug, thiserror::Error)]
pub enum BootError {
    #[error("the chain does not open: {0}")]
    Chain(#[from] node_core::chain::ChainError),
    #[error("the driver does not start: {0}")]
    Driver(#[from] DriverError),
}

impl SimNode {
    pub fn new(index: usize, key: Keypair, skew_ms: i64, behaviour: Option<Behaviour>) -> Self {
        Self { index, key, disk: Disk::new(), driver: None, incarnation: 0, skew_ms, behaviour, syncing: false, mischief: Mischief::default() }
    }

    /// This node's clock at true time `now_ms`.
    pub fn local(&self, now_ms: u64) -> u64 {
        now_ms.saturating_add_signed(self.skew_ms)
    }

    /// True time at which this node's clock shows `local_ms`.
    pub fn global(&self, local_ms: u64) -> u64 {
        local_ms.saturating_add_signed(-self.skew_ms)
    }

    pub fn is_up(&self) -> bool {
        self.driver.is_some()
    }

    /// Starts the process on its disk: opens the chain, replays the WAL.
    pub fn boot(&mut self, genesis: &Genesis, config: &SimConfig, now_ms: u64) -> Result<Vec<Effect>, BootError> {
        let chain = Chain::open(self.disk.store.clone(), genesis.clone())?;
        let next = chain.tip().height.saturating_add(1);
        let pool = Mempool::new(POOL_LIMITS, next, genesis.app_state.administrator);
        let mut params = config.params.clone();
        params.planted_bug_ignore_locks |= config.planted_bug_ignore_locks;
        let settings = DriverSettings {
            params,
            max_block_txs: MAX_BLOCK_TXS,
            max_message_bytes: MAX_MESSAGE_BYTES,
            bid_wait_ms: 0,
            planted_bug_skip_wal_sync: config.planted_bug_skip_wal_sync,
        };
        let mut driver = Driver::new(chain, pool, Some(self.key.clone()), self.disk.wal.clone(), settings);
        let effects = driver.start(self.local(now_ms))?;
        self.driver = Some(driver);
        self.syncing = false;
        Ok(effects)
    }

    /// The machine loses power. An amnesic validator loses its whole disk.
    pub fn power_loss(&mut self, torn_wal_bytes: usize) {
        self.driver = None;
        self.incarnation = self.incarnation.wrapping_add(1);
        self.syncing = false;
        if self.behaviour == Some(Behaviour::Amnesia) {
            self.disk = Disk::new();
        } else {
            self.disk.power_loss(torn_wal_bytes);
        }
    }

    pub fn tip(&self) -> u64 {
        self.driver.as_ref().map_or(0, |d| d.chain().tip().height)
    }
}
