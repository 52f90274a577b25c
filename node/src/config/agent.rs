//! `[agent]`: a household node meters and bids for itself each slot.

use super::{invalid, ConfigError};
use market_runtime::model::BatteryStrategy;
use serde::{Deserialize, Serialize};

/// Where the household agent's bids come from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ProfileSource {
    /// Household `profile_index` of the community simulated from `seed` (the same one
    /// `testnet local` and `meter-sim` use).
    Simulated,
    /// Household `profile_index` (first-appearance order) of the meter CSV at `csv_file`.
    Csv,
}

/// `[agent]`: a household node meters and bids for itself each slot.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct AgentConfig {
    pub enabled: bool,
    /// The household's meter key (its address); relative paths are under the home directory.
    pub key_file: String,
    pub profile: ProfileSource,
    pub profile_index: usize,
    pub seed: u64,
    /// Relative paths are under the home directory.
    pub csv_file: String,
    /// Do not bid for a slot that closes sooner than this.
    pub margin_ms: u64,
    /// Simulated: the community's site (doha, freiburg, sydney) and the day its first slot
    /// falls on (MM-DD or day of the year).
    pub site: String,
    pub day: String,
    /// How the household's battery runs (`self-consumption` or `market-aware`).
    pub battery_strategy: BatteryStrategy,
}

impl Default for AgentConfig {
    fn default() -> Self {
        AgentConfig {
            enabled: false,
            key_file: "config/household_key.json".into(),
            profile: ProfileSource::Simulated,
            profile_index: 0,
            seed: 1,
            csv_file: String::new(),
            margin_ms: 150,
            site: "doha".into(),
            day: "07-15".into(),
            battery_strategy: BatteryStrategy::SelfConsumption,
        }
    }
}

impl AgentConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if !self.enabled {
        return Ok(());
        }
        if self.key_file.is_empty() {
            return Err(invalid("agent.key_file", "", "the agent needs the household's key file"));
        }
        if self.profile == ProfileSource::Csv && self.csv_file.is_empty() {
            return Err(invalid("agent.csv_file", "", "profile = \"csv\" needs a CSV file"));
        }
        Ok(())
    }

    pub(super) fn documented_toml(&self) -> String {
        let profile = match self.profile {
            ProfileSource::Simulated => "simulated",
            ProfileSource::Csv => "csv",
        };
        format!(
            r#"[agent]
# Run this household's agent inside the node: each slot it meters PV, load and battery,
# signs its bid with the reading attached and puts it in this node's own mempool (gossiped
# from here, no RPC round trip).
enabled = {enabled}
# The household's meter key (its address on chain); relative to the home directory.
key_file = {key:?}
# "simulated": household `profile_index` of the community simulated from `seed` (as
# `testnet local` and `meter-sim` generate it). "csv": household `profile_index`, in order of
# first appearance, of the meter CSV `csv_file` (relative to the home directory).
profile = "{profile}"
profile_index = {index}
seed = {seed}
csv_file = {csv:?}
# Do not bid for a slot that closes sooner than this, in ms.
margin_ms = {margin}
# "simulated": the community's site (doha, freiburg or sydney) and the day its first slot falls
# on (MM-DD or day of the year).
site = {site:?}
day = {day:?}
# How the household's battery runs: "self-consumption" (its own surplus in, its own deficit
# out) or "market-aware" (also buys its share of the community's surplus when that is cheap,
# holds its charge for the dearest hours and sells when a sale beats its own later use; it
# forecasts each slot by what the chain cleared a day earlier). Nothing changes without a battery.
battery_strategy = "{strategy}"
"#,
            enabled = self.enabled,
            key = self.key_file,
            index = self.profile_index,
            seed = self.seed,
            csv = self.csv_file,
            margin = self.margin_ms,
            site = self.site,
            day = self.day,
            strategy = self.battery_strategy.name(),
        )
    }
}
