//! Why a transaction or a genesis was rejected, with the values involved.

use thiserror::Error;

use super::admin::AdminSetError;
use super::grid::TopologyError;
use super::types::{Address, Side};

/// A short hex prefix of an address, enough to recognise it in a message.
pub struct Short<'a>(pub &'a Address);

impl std::fmt::Display for Short<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for b in &self.0[..6] {
            write!(f, "{b:02x}")?;
        }
        write!(f, "..")
    }
}

fn short(a: &Address) -> String {
    Short(a).to_string()
}

/// Every way the runtime rejects a transaction.
#[derive(Clone, Debug, PartialEq, Eq, Error, serde::Serialize, serde::Deserialize)]
pub enum TxError {
    #[error("bad nonce from {}: expected {expected}, got {got}", short(.sender))]
    BadNonce { sender: Address, expected: u64, got: u64 },
    #[error("nonce {got} from {} is too far ahead: expected {expected}, at most {max_ahead} ahead admitted", short(.sender))]
    NonceTooFarAhead { sender: Address, expected: u64, got: u64, max_ahead: u64 },
    #[error("{} has used every nonce (next would pass u64::MAX)", short(.sender))]
    NonceExhausted { sender: Address },
    #[error("{} is not the network administrator nor one of its members", short(.sender))]
    NotAdministrator { sender: Address },
    #[error("{} already approved this admin action; an approval counts once", short(.member))]
    AlreadyApproved { member: Address },
    #[error("{max} admin proposals are open and none has expired; approve or let one expire first")]
    TooManyAdminProposals { max: usize },
    #[error("upgrade to protocol {version} refused: the chain runs protocol {active}, and an upgrade goes to the next version only")]
    UpgradeVersion { version: u32, active: u32 },
    #[error("upgrade at height {height} is too soon: the earliest is {earliest} ({notice} blocks of notice for the operators)")]
    UpgradeTooSoon { height: u64, earliest: u64, notice: u64 },
    #[error("no upgrade is scheduled, so there is none to cancel")]
    NoUpgradeScheduled,
    #[error("invalid administrator: {0}")]
    InvalidAdministrator(#[from] AdminSetError),
    #[error("{} is already registered as a household", short(.household))]
    AlreadyRegistered { household: Address },
    #[error("invalid household spec: {reason}")]
    InvalidSpec { reason: String },
    #[error("{} is not a registered household", short(.household))]
    UnknownHousehold { household: Address },
    #[error("household {} is {status}, not pending", short(.household))]
    NotPending { household: Address, status: String },
    #[error("household {} is {status}, not approved", short(.household))]
    NotApproved { household: Address, status: String },
    #[error("rejection reason is {len} bytes, the limit is {max}")]
    ReasonTooLong { len: usize, max: usize },
    #[error("the market is already open")]
    MarketAlreadyOpen,
    #[error("the market is already closed")]
    MarketAlreadyClosed,
    #[error("the market is closed: no bids accepted")]
    MarketClosed,
    #[error("slot {slot} is already cleared (last cleared slot {last_cleared})")]
    SlotCleared { slot: u64, last_cleared: u64 },
    #[error("slot {slot} is too far ahead: the latest slot open to bids is {max_slot}")]
    SlotTooFarAhead { slot: u64, max_slot: u64 },
    #[error("household {} already bid for slot {slot}", short(.household))]
    DuplicateBid { household: Address, slot: u64 },
    #[error("bid quantity is 0 Wh")]
    ZeroQuantity,
    #[error("{side} bid of {quantity_wh} Wh exceeds the household's limit of {limit_wh} Wh per slot")]
    QuantityAboveLimit { side: Side, quantity_wh: u64, limit_wh: u64 },
    #[error("{side} bid limit price {price} micro-tokens/kWh is outside [{min}, {max}] (the feed-in and retail prices)")]
    LimitPriceOutOfRange { side: Side, price: u64, min: u64, max: u64 },
    #[error("meter reading {field} is {value} Wh, above the limit of {max} Wh")]
    MeterValueTooLarge { field: String, value: u64, max: u64 },
    #[error("meter reading battery_soc_wh is {soc_wh} Wh, above the reading's battery_capacity_wh of {capacity_wh} Wh")]
    MeterSocAboveCapacity { soc_wh: u64, capacity_wh: u64 },
    #[error("meter reading {field} is {value} Wh, more than the household's registration allows in one slot ({limit} Wh: {basis})")]
    MeterImplausible { field: String, value: u64, limit: u64, basis: String },
    #[error("slot {slot} {side} side would reach {total_wh} Wh, above the limit of {limit_wh} Wh")]
    SlotSideFull { slot: u64, side: Side, total_wh: u64, limit_wh: u64 },
    #[error("balance of {} cannot cover {needed} micro-tokens (available {available})", short(.account))]
    InsufficientBalance { account: Address, needed: u64, available: u64 },
    #[error("the grid account cannot cover the worst-case feed-in payment of {needed} micro-tokens (available {available})")]
    GridCannotCover { needed: u64, available: u64 },
    #[error("transfer amount is 0")]
    ZeroAmount,
    #[error("balance of {} would overflow", short(.account))]
    BalanceOverflow { account: Address },
    #[error("validator set is full ({max} validators)")]
    TooManyValidators { max: usize },
    #[error("removing {} would leave the validator set empty, which halts the chain", short(.validator))]
    WouldEmptyValidatorSet { validator: Address },
    #[error("setting {} to power {power} would make the total voting power {total}, above the cap of {max}", short(.validator))]
    TotalPowerAboveCap { validator: Address, power: u64, total: u128, max: u64 },
    #[error("{pending} registrations are pending, the limit is {max}; the oldest may be replaced from slot {oldest_expires_at_slot}")]
    TooManyPendingRegistrations { pending: u64, max: u64, oldest_expires_at_slot: u64 },
    #[error("{} is not a validator", short(.validator))]
    UnknownValidator { validator: Address },
    #[error("{} may not report evidence: only the administrator or a validator may", short(.sender))]
    NotAuthorizedForEvidence { sender: Address },
    #[error("evidence against {} at height {height} round {round} was already handled", short(.validator))]
    EvidenceAlreadyHandled { validator: Address, height: u64, round: u32 },
    #[error("lot {lot:?} is not a feeder of the genesis topology")]
    LotNotAFeeder { lot: String },
    #[error("metering is not enabled in the genesis: meter reports are not accepted")]
    MeteringDisabled,
    #[error("slot {slot} is not cleared (last cleared slot {last_cleared:?}): a meter report is for a closed slot")]
    MeterReportSlotNotCleared { slot: u64, last_cleared: Option<u64> },
    #[error("the metering window of slot {slot} has closed (last cleared slot {last_cleared}, window {window_slots} slots)")]
    MeteringWindowClosed { slot: u64, last_cleared: u64, window_slots: u64 },
    #[error("household {} already sent its meter report for slot {slot}", short(.household))]
    DuplicateMeterReport { household: Address, slot: u64 },
    #[error("stored value under {key} is corrupt")]
    CorruptState { key: String },
}

/// Why a genesis cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum GenesisError {
    #[error("the store already holds state ({entries} entries); genesis needs an empty store")]
    StoreNotEmpty { entries: usize },
    #[error("{name} is {value} micro-tokens/kWh; it must be in 1..={max}")]
    PriceOutOfRange { name: &'static str, value: u64, max: u64 },
    #[error("feed-in price {grid_sell_price} is above the retail price {grid_buy_price}")]
    FeedInAboveRetail { grid_sell_price: u64, grid_buy_price: u64 },
    #[error("slot_ms is 0: a slot must stand for some energy interval")]
    ZeroSlotLength,
    #[error("metering_window_slots is {value}; it must be in 1..={max}")]
    MeteringWindowOutOfRange { value: u64, max: u64 },
    #[error("metering surplus price {surplus_price} is above the shortfall price {shortfall_price}")]
    SurplusAboveShortfall { surplus_price: u64, shortfall_price: u64 },
    /// Metering takes a bid as its allocation, but under a topology part of a bid may be
    /// curtailed or unserved: the two are not reconciled yet, so a genesis may not ask for both.
    #[error("a genesis may not have both a grid topology and metering yet: metered settlement takes the whole bid as allocated, but a topology may curtail part of it")]
    MeteringWithTopology,
    #[error("retention_slots is {value}; it must be in {min}..={max}")]
    RetentionOutOfRange { value: u64, min: u64, max: u64 },
    #[error("retention_slots is {retention}, not more than the metering window of {window} slots: a slot's bids must stay until its metered settlement closes")]
    RetentionWithinMeteringWindow { retention: u64, window: u64 },
    #[error("{} appears twice in {list}", short(.address))]
    Duplicate { list: &'static str, address: Address },
    #[error("genesis household {}: {reason}", short(.address))]
    InvalidHousehold { address: Address, reason: String },
    #[error("invalid genesis administrator: {0}")]
    Administrator(#[from] AdminSetError),
    #[error("genesis administrator {} is not among the administrator_set's members", short(.administrator))]
    AdministratorNotAMember { administrator: Address },
    #[error("{count} genesis validators, the limit is {max}")]
    TooManyValidators { count: usize, max: usize },
    #[error("genesis validators have total power {total}, the cap is {max}")]
    TotalPowerAboveCap { total: u128, max: u64 },
    #[error("invalid topology: {0}")]
    Topology(#[from] TopologyError),
    #[error("genesis household {}: lot {lot:?} is not a feeder of the topology", short(.address))]
    LotNotAFeeder { address: Address, lot: String },
}
