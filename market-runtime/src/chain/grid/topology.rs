//! The topology a genesis may give: feeders named by lot, the transformer, the loss factor.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::chain::params::MAX_LOT_LEN;

/// Parts per million: the unit of the loss factor.
pub const PPM: u64 = 1_000_000;
/// Most feeders a topology may name: far above a compound's lots, and small enough that the
/// per-slot flows record stays a few kilobytes.
pub const MAX_FEEDERS: usize = 64;

/// One lot's feeder: the cable between the lot and the transformer's busbar. Limits are in Wh
/// per slot (energy over the slot, whatever `slot_ms` is); `None` is unlimited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Feeder {
    /// Households whose `HouseholdSpec::lot` equals this belong to this feeder.
    pub lot: String,
    /// Most energy the feeder may bring into the lot in one slot (from other lots or the grid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_limit_wh: Option<u64>,
    /// Most energy the feeder may carry out of the lot in one slot (to other lots or the grid).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_limit_wh: Option<u64>,
}

/// The transformer between the community's busbar and the external grid (Wh per slot).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transformer {
    /// Most energy the community may draw from the grid in one slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub import_limit_wh: Option<u64>,
    /// Most energy the community may feed into the grid in one slot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_limit_wh: Option<u64>,
}

/// Lots as feeders under one transformer, as in the paper's compound of two lots.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topology {
    /// In this order: a feeder's index here is what bids record and flows report.
    pub feeders: Vec<Feeder>,
    #[serde(default)]
    pub transformer: Transformer,
    /// Share of the energy delivered from one lot to another that is lost on the way, in parts
    /// per million of the delivered energy (below 1,000,000).
    #[serde(default)]
    pub loss_ppm: u32,
}

/// Why a genesis topology is refused.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TopologyError {
    #[error("the topology names no feeder; leave it out for one pool without limits")]
    NoFeeders,
    #[error("the topology names {count} feeders, the limit is {max}")]
    TooManyFeeders { count: usize, max: usize },
    #[error("feeder {index} has an empty lot name")]
    EmptyLot { index: usize },
    #[error("feeder {index}'s lot is {len} bytes, the limit is {max}")]
    LotTooLong { index: usize, len: usize, max: usize },
    #[error("lot {lot:?} is named by two feeders")]
    DuplicateLot { lot: String },
    #[error("loss factor {loss_ppm} ppm is not below {max} ppm (100 %)")]
    LossTooHigh { loss_ppm: u32, max: u64 },
}

impl Topology {
    /// Checked by genesis and whenever the parameters are read back from the store.
    pub fn check(&self) -> Result<(), TopologyError> {
        if self.feeders.is_empty() {
            return Err(TopologyError::NoFeeders);
        }
        if self.feeders.len() > MAX_FEEDERS {
            return Err(TopologyError::TooManyFeeders { count: self.feeders.len(), max: MAX_FEEDERS });
        }
        for (index, f) in self.feeders.iter().enumerate() {
            if f.lot.is_empty() {
                return Err(TopologyError::EmptyLot { index });
            }
            if f.lot.len() > MAX_LOT_LEN {
                return Err(TopologyError::LotTooLong { index, len: f.lot.len(), max: MAX_LOT_LEN });
            }
        }
        // Sorted rather than compared pairwise: the parameters are checked on every read.
        let mut lots: Vec<&str> = self.feeders.iter().map(|f| f.lot.as_str()).collect();
        lots.sort_unstable();
        if let Some(w) = lots.windows(2).find(|w| w[0] == w[1]) {
            return Err(TopologyError::DuplicateLot { lot: w[0].to_string() });
        }
        if u64::from(self.loss_ppm) >= PPM {
            return Err(TopologyError::LossTooHigh { loss_ppm: self.loss_ppm, max: PPM });
        }
        Ok(())
    }

    /// The index of the feeder serving `lot`, if any (exact, case-sensitive match).
    pub fn feeder_index(&self, lot: &str) -> Option<u16> {
        // MAX_FEEDERS < u16::MAX, so a checked topology's indices fit.
        self.feeders.iter().position(|f| f.lot == lot).and_then(|i| u16::try_from(i).ok())
    }

    /// `lots` lots named `lot-1`, `lot-2`, ... with the same limits each: the paper's compound
    /// of two lots is `compound(2, ...)`.
    pub fn compound(lots: usize, feeder: (Option<u64>, Option<u64>), transformer: Transformer, loss_ppm: u32) -> Self {
        let feeders = (1..=lots)
            .map(|i| Feeder { lot: format!("lot-{i}"), import_limit_wh: feeder.0, export_limit_wh: feeder.1 })
            .collect();
        Self { feeders, transformer, loss_ppm }
    }
}
