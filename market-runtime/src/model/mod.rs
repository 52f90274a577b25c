//! Off-chain household models: PV, load, battery, demand response and CSV import.
//!
//! These may use floating point: they stand in for a household's meter and forecaster, and
//! what they hand to the chain is integer Wh. Every random draw comes from a ChaCha stream
//! seeded by the caller, so the same seed gives the same households on every machine.

pub mod battery;
pub mod battery_strategy;
pub mod community;
pub mod csv_import;
pub mod demand_response;
pub mod dr_equilibrium;
pub mod dr_prices;
pub mod load;
pub mod site;
pub mod solar;
pub mod weather;

pub use battery::{Battery, BatteryStep};
pub use battery_strategy::{BatteryStrategy, SlotOutlook, UnknownStrategy, OUTLOOK_SLOTS};
pub use community::{Community, CommunityConfig, Household, Profile};
pub use csv_import::{read_csv, CsvError, MeterRow};
pub use demand_response::{respond, DemandResponse};
pub use dr_equilibrium::{solve as solve_demand_response, Equilibrium, PriceMap, Priced, Settings as DrSettings};
pub use dr_prices::{clearing_prices, sdr_prices};
pub use load::LoadModel;
pub use site::{format_day, parse_day, Climate, Site, SiteError};
pub use solar::{Location, PvModel};
