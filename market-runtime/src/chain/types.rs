//! The on-chain data types: addresses, transactions, households, accounts.

use serde::{Deserialize, Serialize};

/// An ed25519 public key: accounts, households, validators and the network administrator.
pub type Address = [u8; 32];

/// A transaction as the runtime sees it: the ledger has already checked its signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tx {
    pub sender: Address,
    /// Must equal the sender's next nonce (`Account::nonce`): strictly sequential.
    pub nonce: u64,
    pub body: TxBody,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxBody {
    /// The sender registers itself as a household; the NA approves or rejects it.
    RegisterHousehold(HouseholdSpec),
    ApproveHousehold { household: Address },
    RejectHousehold { household: Address, reason: String },
    OpenMarket,
    CloseMarket,
    /// `meter` and `limit_price` are optional so that bids signed before they existed still
    /// decode and apply. `limit_price` (micro-tokens per kWh, within [Ls, Lb]) is a buyer's
    /// highest and a seller's lowest price for local energy; only the auction mechanisms read
    /// it (`Mechanism::uses_limit_prices`).
    Bid {
        slot: u64,
        side: Side,
        quantity_wh: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        meter: Option<MeterReading>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit_price: Option<u64>,
    },
    Transfer { to: Address, amount: u64 },
    /// Power 0 removes the validator. `node_key`: the ed25519 public key of the validator's
    /// libp2p identity, for the nodes' allowlist; `None` keeps the stored one.
    ValidatorUpdate {
        validator: Address,
        power: u64,
        #[serde(default, skip_serializing_if = "Option::is_none", with = "super::hex_addr::option")]
        node_key: Option<Address>,
    },
    /// A double-signing report, already verified by consensus; see `chain::validators` for the slash.
    Evidence { validator: Address, height: u64, round: u32 },
    /// The household's meter reading for a slot already cleared, signed by its key (its meter
    /// key): the deviation between what it was allocated and what it metered is settled at
    /// the imbalance prices (`chain::metering`). Accepted only under a genesis with `metering`.
    MeterReport { slot: u64, reading: MeterReading },
    /// Replaces the administrator with `threshold` of `members` (1 <= threshold <= members <=
    /// `MAX_ADMIN_MEMBERS`, no repeats; the first member is the lead, whose account receives
    /// slashes). An admin action like the others: it executes when the current administrator's
    /// rule has approved it (`chain::admin_approvals`).
    SetAdministrator { threshold: u32, members: Vec<Address> },
    /// Schedules the protocol upgrade to `version` at block `height` (`chain::upgrade`); an
    /// admin action. `height = 0` cancels a scheduled upgrade that has not started.
    ScheduleUpgrade { version: u32, height: u64 },
}

impl TxBody {
    /// A short stable name, for logs, RPC (`kind`) and metrics labels.
    pub fn kind(&self) -> &'static str {
        match self {
            TxBody::RegisterHousehold(_) => "register_household",
            TxBody::ApproveHousehold { .. } => "approve_household",
            TxBody::RejectHousehold { .. } => "reject_household",
            TxBody::OpenMarket => "open_market",
            TxBody::CloseMarket => "close_market",
            TxBody::Bid { .. } => "bid",
            TxBody::Transfer { .. } => "transfer",
            TxBody::ValidatorUpdate { .. } => "validator_update",
            TxBody::Evidence { .. } => "evidence",
            TxBody::MeterReport { .. } => "meter_report",
            TxBody::SetAdministrator { .. } => "set_administrator",
            TxBody::ScheduleUpgrade { .. } => "schedule_upgrade",
        }
    }
}

/// What a household's meter reports for the slot its bid is for: the evidence behind the
/// bid, which the runtime bounds (`chain::meter`) but does not require to equal the bid's
/// quantity (a bid placed ahead of its slot is a forecast; the reading may be, too).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeterReading {
    /// PV energy produced over the slot (Wh).
    pub generation_wh: u64,
    /// Energy the household consumed over the slot (Wh).
    pub load_wh: u64,
    /// Battery state of charge at the end of the slot (Wh).
    pub battery_soc_wh: u64,
    /// Usable battery capacity (Wh); 0 = no battery.
    pub battery_capacity_wh: u64,
}

/// What a household declares when it registers (paper eqs. 2-5 bound its bids).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdSpec {
    /// Installed PV capacity (W, peak): bounds sell bids (eq. 2).
    pub pv_capacity_w: u64,
    /// Usable battery capacity (Wh); 0 = no battery.
    pub battery_wh: u64,
    /// Battery charge/discharge power (W): adds to the sell bound.
    pub battery_w: u64,
    /// Grid connection import limit (W): bounds buy bids (eq. 3).
    pub import_limit_w: u64,
    pub kind: HouseholdKind,
    /// Lot identifier in the compound (free text, at most `MAX_LOT_LEN` bytes).
    pub lot: String,
    /// The ed25519 public key of the household node's libp2p identity, if it runs one, so
    /// that the nodes' allowlist can follow the registry (`query::allowed_node_keys`).
    #[serde(default, skip_serializing_if = "Option::is_none", with = "super::hex_addr::option")]
    pub node_key: Option<Address>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdKind {
    Villa,
    Flat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Buy,
    Sell,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Buy => "buy",
            Side::Sell => "sell",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HouseholdStatus {
    Pending,
    Approved,
    Rejected { reason: String },
}

impl HouseholdStatus {
    pub fn name(&self) -> &'static str {
        match self {
            HouseholdStatus::Pending => "pending",
            HouseholdStatus::Approved => "approved",
            HouseholdStatus::Rejected { .. } => "rejected",
        }
    }
}

/// A registered household as stored on chain.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Household {
    pub address: Address,
    pub spec: HouseholdSpec,
    pub status: HouseholdStatus,
}

/// A token account. `reserved` is the part of `balance` held back for open buy bids
/// (their worst case at the grid retail price), so settlement can never overdraw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Micro-tokens.
    pub balance: u64,
    /// Micro-tokens reserved for open bids; always <= balance.
    pub reserved: u64,
    /// The next nonce this account must use.
    pub nonce: u64,
}

impl Account {
    /// What the account may still spend or commit.
    pub fn available(&self) -> u64 {
        self.balance.saturating_sub(self.reserved)
    }
}
