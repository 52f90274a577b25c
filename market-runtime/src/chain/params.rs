//! Genesis parameters of the market and the application part of genesis.json.

use serde::{Deserialize, Serialize};

use super::error::GenesisError;
use super::grid::Topology;
use super::types::{Address, HouseholdSpec};

/// Highest price a genesis may set (micro-tokens per kWh, i.e. 10 tokens/kWh). Together with
/// `MAX_SIDE_WH` it keeps every clearing product inside u128.
pub const MAX_PRICE: u64 = 10_000_000;
/// Highest total of one side (buy or sell) of one slot, in Wh (100 GWh).
pub const MAX_SIDE_WH: u64 = 100_000_000_000;
/// Largest value of any field of a meter reading, in Wh (10 MWh): far above what one home
/// produces, consumes or stores in a slot, and small enough that sums of readings never overflow.
pub const MAX_METER_WH: u64 = 10_000_000;
/// Longest lot identifier, in bytes.
pub const MAX_LOT_LEN: usize = 64;
/// Longest rejection reason, in bytes.
pub const MAX_REASON_LEN: usize = 256;
/// Most validators the registry holds.
pub const MAX_VALIDATORS: usize = 1_000;
/// Highest total voting power of the validator set (2^62). The consensus core sums powers in
/// u64 (an overflow there leaves no valid set, which halts the chain) and compares `3 x power`
/// in u128; 2^62 keeps the total, and three times it, inside u64 with room to spare, and is
/// still far more stake granularity than 1,000 validators need.
pub const MAX_TOTAL_POWER: u64 = 1 << 62;
/// Highest PV, battery or import power a household may register, in W (100 GW): no home comes
/// near it, one hour of it fills a whole slot side (`MAX_SIDE_WH`), and power x `slot_ms`
/// stays inside u128 whatever the genesis sets.
pub const MAX_SPEC_W: u64 = 100_000_000_000;
/// Highest battery capacity a household may register, in Wh (100 GWh).
pub const MAX_SPEC_WH: u64 = 100_000_000_000;

/// How a slot's bids are priced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mechanism {
    /// Supply-demand ratio (Liu et al. 2017), the default.
    #[default]
    Sdr,
    /// Mid-market rate (Long et al. 2017).
    Mmr,
    /// Bill sharing (Zhou et al. 2018).
    BillSharing,
    /// The baseline: every household trades with the grid alone.
    NoTrading,
    /// Uniform-price double auction over the bids' limit prices (`chain::auction`): every
    /// matched Wh trades at one clearing price.
    PayAsClear,
    /// The same matching, but every matched buyer pays its own limit price and sellers share
    /// what buyers paid for local energy (`chain::auction_settlement`).
    PayAsBid,
}

impl Mechanism {
    /// Every mechanism, in the order of their stored codes; new ones are appended, so a
    /// mechanism's position never changes.
    pub const ALL: [Mechanism; 6] = [
        Mechanism::Sdr,
        Mechanism::Mmr,
        Mechanism::BillSharing,
        Mechanism::NoTrading,
        Mechanism::PayAsClear,
        Mechanism::PayAsBid,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mechanism::Sdr => "sdr",
            Mechanism::Mmr => "mmr",
            Mechanism::BillSharing => "bill-sharing",
            Mechanism::NoTrading => "no-trading",
            Mechanism::PayAsClear => "pay-as-clear",
            Mechanism::PayAsBid => "pay-as-bid",
        }
    }

    /// Whether the mechanism reads the bids' limit prices. SDR, MMR and bill sharing are
    /// defined on quantities alone (Liu et al. 2017, Long et al. 2017, Zhou et al. 2018), and
    /// the baseline has no local market, so they ignore prices.
    pub fn uses_limit_prices(self) -> bool {
        matches!(self, Mechanism::PayAsClear | Mechanism::PayAsBid)
    }
}

/// The market's genesis parameters. Prices are micro-tokens per kWh, amounts micro-tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketParams {
    /// Lb: what the grid charges for imported energy.
    pub grid_buy_price: u64,
    /// Ls: what the grid pays for exported energy (feed-in); 0 < Ls <= Lb.
    pub grid_sell_price: u64,
    pub mechanism: Mechanism,
    /// Minted per block, split among the validators that signed it.
    pub block_reward: u64,
    /// Minted per kWh of solar energy consumed inside the community (P2P), paid to its sellers.
    pub solar_reward_per_kwh: u64,
    /// The energy interval one slot stands for (ms). Bid bounds are power x this length, so
    /// it must be > 0; how fast blocks follow each other is the node's business, not this.
    pub slot_ms: u64,
    /// How many slots past the last cleared one a bid may target.
    pub max_future_slots: u64,
    /// Slashed from a validator's balance (to the administrator's account) on evidence.
    pub slash_amount: u64,
    /// Most registrations that may wait for the administrator at once (`chain::registration`).
    #[serde(default = "default_max_pending")]
    pub max_pending_registrations: u64,
    /// Slots (counted by the last cleared slot) after which a pending registration may be
    /// evicted by a newer one when the queue is full.
    #[serde(default = "default_pending_ttl")]
    pub pending_registration_ttl_slots: u64,
    /// The community's lots as feeders under one transformer, with limits and a loss factor
    /// (`chain::grid`). Absent: one pool with no limits and no losses, as before topologies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<Topology>,
    /// Metered settlement of bid-versus-meter deviations (`chain::metering`). Absent: no
    /// meter reports are accepted, and the stored parameters keep the bytes they had before
    /// metering existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metering: Option<MeteringParams>,
    /// How many slots a cleared slot's bids, settlements and clearing stay in the state
    /// (`chain::retention`); they stay in the blocks. Absent: kept forever, with the stored
    /// bytes of chains made before retention.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_slots: Option<u64>,
}

/// Longest metering window a genesis may set, in slots: a window is the open-window list's
/// length, scanned once per block, so it must stay small.
pub const MAX_METERING_WINDOW_SLOTS: u64 = 10_000;
/// A day of one-hour slots: long enough for a meter that was offline for a while to catch up.
pub const DEFAULT_METERING_WINDOW_SLOTS: u64 = 24;

/// How a household that sent no reading within the window is settled (`chain::metering_close`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MissingReading {
    /// As having delivered exactly its allocation: no deviation, nothing moves. A lost reading
    /// (a meter or link failure) does not bill a home for energy it most likely delivered.
    #[default]
    AsAllocated,
    /// As having read the least favourable reading its registration allows (no PV, the most
    /// load its PV, battery and import power can supply, battery unchanged): staying silent
    /// never settles better than any reading the household could send.
    WorstPlausible,
}

/// Genesis parameters of metered settlement. Prices are micro-tokens per kWh.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeteringParams {
    /// How many slots after a slot is cleared its readings are still accepted: a report for
    /// slot `s` is accepted while the last cleared slot is at most `s + metering_window_slots`.
    #[serde(default = "default_metering_window")]
    pub metering_window_slots: u64,
    /// What a shortfall (delivered less than sold, consumed more than bought) is bought at;
    /// absent: Lb, the grid's retail price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shortfall_price: Option<u64>,
    /// What a surplus (delivered more than sold, consumed less than bought) is sold at;
    /// absent: Ls, the grid's feed-in price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surplus_price: Option<u64>,
    #[serde(default)]
    pub missing_reading: MissingReading,
}

fn default_metering_window() -> u64 {
    DEFAULT_METERING_WINDOW_SLOTS
}

impl Default for MeteringParams {
    fn default() -> Self {
        Self {
            metering_window_slots: DEFAULT_METERING_WINDOW_SLOTS,
            shortfall_price: None,
            surplus_price: None,
            missing_reading: MissingReading::AsAllocated,
        }
    }
}

impl MeteringParams {
    /// The imbalance prices in force: (shortfall, surplus), the grid's prices by default.
    pub fn prices(&self, params: &MarketParams) -> (u64, u64) {
        (
            self.shortfall_price.unwrap_or(params.grid_buy_price),
            self.surplus_price.unwrap_or(params.grid_sell_price),
        )
    }

    fn check(&self, params: &MarketParams) -> Result<(), GenesisError> {
        let window = self.metering_window_slots;
        if window == 0 || window > MAX_METERING_WINDOW_SLOTS {
            return Err(GenesisError::MeteringWindowOutOfRange { value: window, max: MAX_METERING_WINDOW_SLOTS });
        }
        let (shortfall, surplus) = self.prices(params);
        for (name, value) in [("shortfall_price", shortfall), ("surplus_price", surplus)] {
            if value == 0 || value > MAX_PRICE {
                return Err(GenesisError::PriceOutOfRange { name, value, max: MAX_PRICE });
            }
        }
        // A surplus paid above the shortfall price would pay a home to over-report one slot and
        // under-report the next.
        if surplus > shortfall {
            return Err(GenesisError::SurplusAboveShortfall { surplus_price: surplus, shortfall_price: shortfall });
        }
        Ok(())
    }
}

/// Room for a whole 623-home community registering at once, with margin.
pub const DEFAULT_MAX_PENDING: u64 = 1_000;
/// A week of one-hour slots.
pub const DEFAULT_PENDING_TTL_SLOTS: u64 = 168;

fn default_max_pending() -> u64 {
    DEFAULT_MAX_PENDING
}

fn default_pending_ttl() -> u64 {
    DEFAULT_PENDING_TTL_SLOTS
}

impl MarketParams {
    /// The bounds every clearing product relies on: checked by genesis, and again whenever the
    /// parameters are read back from the store (a value outside them is corrupt state).
    pub fn check(&self) -> Result<(), GenesisError> {
        for (name, value) in [("grid_buy_price", self.grid_buy_price), ("grid_sell_price", self.grid_sell_price)] {
            if value == 0 || value > MAX_PRICE {
                return Err(GenesisError::PriceOutOfRange { name, value, max: MAX_PRICE });
            }
        }
        if self.grid_sell_price > self.grid_buy_price {
            return Err(GenesisError::FeedInAboveRetail {
                grid_sell_price: self.grid_sell_price,
                grid_buy_price: self.grid_buy_price,
            });
        }
        if self.slot_ms == 0 {
            return Err(GenesisError::ZeroSlotLength);
        }
        if let Some(topology) = &self.topology {
            topology.check()?;
            if self.metering.is_some() {
                return Err(GenesisError::MeteringWithTopology);
            }
        }
        if let Some(metering) = &self.metering {
            metering.check(self)?;
        }
        match self.retention_slots {
            Some(retention) => check_retention(retention, self.metering.as_ref()),
            None => Ok(()),
        }
    }
}

/// Fewest slots a genesis may keep: a day of one-hour slots, so a household has a day to
/// fetch and verify its settlement before it leaves the state.
pub const MIN_RETENTION_SLOTS: u64 = 24;
/// Most slots a genesis may keep: ten years of one-hour slots (`chain::retention` scans the
/// kept slots' summaries once per block).
pub const MAX_RETENTION_SLOTS: u64 = 87_600;

fn check_retention(retention: u64, metering: Option<&MeteringParams>) -> Result<(), GenesisError> {
    if !(MIN_RETENTION_SLOTS..=MAX_RETENTION_SLOTS).contains(&retention) {
        return Err(GenesisError::RetentionOutOfRange { value: retention, min: MIN_RETENTION_SLOTS, max: MAX_RETENTION_SLOTS });
    }
    // A slot's metered settlement needs its bids until its window closes.
    if let Some(m) = metering {
        if retention <= m.metering_window_slots {
            return Err(GenesisError::RetentionWithinMeteringWindow { retention, window: m.metering_window_slots });
        }
    }
    Ok(())
}

impl Default for MarketParams {
    /// Doha-flavoured defaults: Lb 0.09 token/kWh (Kahramaa's upper band), Ls 0.04, one-hour slots.
    fn default() -> Self {
        Self {
            grid_buy_price: 90_000,
            grid_sell_price: 40_000,
            mechanism: Mechanism::Sdr,
            block_reward: 1_000_000,
            solar_reward_per_kwh: 5_000,
            slot_ms: 3_600_000,
            max_future_slots: 48,
            slash_amount: 10_000_000,
            max_pending_registrations: DEFAULT_MAX_PENDING,
            pending_registration_ttl_slots: DEFAULT_PENDING_TTL_SLOTS,
            topology: None,
            metering: None,
            retention_slots: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisBalance {
    #[serde(with = "super::hex_addr")]
    pub address: Address,
    pub amount: u64,
}

/// A household approved at genesis, so that testnets can trade from block 1.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisHousehold {
    #[serde(with = "super::hex_addr")]
    pub address: Address,
    pub spec: HouseholdSpec,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GenesisValidator {
    #[serde(with = "super::hex_addr")]
    pub address: Address,
    pub power: u64,
}

/// A k-of-n administrator in genesis.json: `threshold` of `members` approve each admin action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdministratorSet {
    pub threshold: u32,
    #[serde(with = "super::hex_addr::vec")]
    pub members: Vec<Address>,
}

/// The `app_state` of genesis.json.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppGenesis {
    /// The network administrator (NA): approves households, opens and closes the market, sets
    /// the validators. With `administrator_set`, the set's lead member (its account receives
    /// slashes); without it, the one key that rules alone (1-of-1).
    #[serde(with = "super::hex_addr")]
    pub administrator: Address,
    /// A k-of-n administrator (`chain::admin`); `administrator` must be one of its members.
    /// Absent: `administrator` alone, with the stored bytes of chains made before k-of-n.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_set: Option<AdministratorSet>,
    /// The utility grid's account: receives import payments, pays feed-in.
    #[serde(with = "super::hex_addr")]
    pub grid_account: Address,
    pub params: MarketParams,
    #[serde(default)]
    pub balances: Vec<GenesisBalance>,
    #[serde(default)]
    pub households: Vec<GenesisHousehold>,
    #[serde(default)]
    pub validators: Vec<GenesisValidator>,
    #[serde(default)]
    pub market_open: bool,
}
