//! Meter readings carried by bids: their bounds against the limits and the household's
//! registration, and the latest one kept per household.
//!
//! A reading is not required to match its bid's quantity: a bid is sent before its slot ends
//! (a forecast), and the battery and demand response sit between metered load and PV and the
//! net position. What is checked is what a meter of this household could physically report.

use serde::{Deserialize, Serialize};

use super::error::TxError;
use super::params::{MarketParams, MAX_METER_WH};
use super::types::{HouseholdSpec, MeterReading};

const MS_PER_HOUR: u128 = 3_600_000;

/// The newest reading of a household and the slot it is for (`meter/<addr>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LatestReading {
    pub slot: u64,
    pub reading: MeterReading,
}

fn energy_wh(power_w: u128, params: &MarketParams) -> u64 {
    // A stored spec or a genesis `slot_ms` may be anything: saturate rather than overflow.
    u64::try_from(power_w.saturating_mul(params.slot_ms as u128) / MS_PER_HOUR).unwrap_or(u64::MAX)
}

/// The most load a reading of this household may show over one slot: what its PV, battery
/// and grid connection could supply, and at most `MAX_METER_WH`.
pub fn load_limit_wh(spec: &HouseholdSpec, params: &MarketParams) -> u64 {
    let supply_w = spec.pv_capacity_w as u128 + spec.battery_w as u128 + spec.import_limit_w as u128;
    energy_wh(supply_w, params).min(MAX_METER_WH)
}

/// Checks `reading` against `MAX_METER_WH`, its own battery bounds and what the household's
/// registered PV capacity, battery and connection could deliver over one slot (eqs. 2-5).
pub fn check_reading(reading: &MeterReading, spec: &HouseholdSpec, params: &MarketParams) -> Result<(), TxError> {
    let fields = [
        ("generation_wh", reading.generation_wh),
        ("load_wh", reading.load_wh),
        ("battery_soc_wh", reading.battery_soc_wh),
        ("battery_capacity_wh", reading.battery_capacity_wh),
    ];
    for (field, value) in fields {
        if value > MAX_METER_WH {
            return Err(TxError::MeterValueTooLarge { field: field.to_string(), value, max: MAX_METER_WH });
        }
    }
    if reading.battery_soc_wh > reading.battery_capacity_wh {
        return Err(TxError::MeterSocAboveCapacity {
            soc_wh: reading.battery_soc_wh,
            capacity_wh: reading.battery_capacity_wh,
        });
    }
    let implausible = |field: &str, value: u64, limit: u64, basis: String| {
        if value > limit {
            Err(TxError::MeterImplausible { field: field.to_string(), value, limit, basis })
        } else {
            Ok(())
        }
    };
    implausible(
        "battery_capacity_wh",
        reading.battery_capacity_wh,
        spec.battery_wh,
        format!("registered battery of {} Wh", spec.battery_wh),
    )?;
    // PV cannot produce more than its peak power for the whole slot.
    let pv_limit = energy_wh(spec.pv_capacity_w as u128, params);
    implausible(
        "generation_wh",
        reading.generation_wh,
        pv_limit,
        format!("{} W of PV over {} ms", spec.pv_capacity_w, params.slot_ms),
    )?;
    // Whatever the home consumed came from its PV, its battery or its grid connection.
    let supply_w = spec.pv_capacity_w as u128 + spec.battery_w as u128 + spec.import_limit_w as u128;
    implausible(
        "load_wh",
        reading.load_wh,
        energy_wh(supply_w, params),
        format!(
            "{} W of PV, battery and import over {} ms",
            supply_w, params.slot_ms
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::types::HouseholdKind;

    fn spec() -> HouseholdSpec {
        HouseholdSpec {
            pv_capacity_w: 5_000,
            battery_wh: 5_000,
            battery_w: 2_500,
            import_limit_w: 20_000,
            kind: HouseholdKind::Villa,
            lot: "A-1".into(),
            node_key: None,
        }
    }

    fn reading() -> MeterReading {
        MeterReading { generation_wh: 4_000, load_wh: 3_000, battery_soc_wh: 2_500, battery_capacity_wh: 5_000 }
    }

    #[test]
    fn a_reading_within_the_registration_passes() {
        assert_eq!(check_reading(&reading(), &spec(), &MarketParams::default()), Ok(()));
    }

    #[test]
    fn generation_above_the_pv_capacity_over_the_slot_is_named() {
        let r = MeterReading { generation_wh: 5_001, ..reading() };
        let err = check_reading(&r, &spec(), &MarketParams::default()).unwrap_err();
        assert!(matches!(err, TxError::MeterImplausible { ref field, value: 5_001, limit: 5_000, .. } if field == "generation_wh"), "{err}");
    }

    #[test]
    fn shorter_slots_scale_the_energy_bounds() {
        let params = MarketParams { slot_ms: 900_000, ..MarketParams::default() };
        let r = MeterReading { generation_wh: 1_251, ..reading() };
        let err = check_reading(&r, &spec(), &params).unwrap_err();
        assert!(matches!(err, TxError::MeterImplausible { limit: 1_250, .. }), "{err}");
    }

    #[test]
    fn a_battery_larger_than_registered_is_refused() {
        let r = MeterReading { battery_capacity_wh: 6_000, battery_soc_wh: 100, ..reading() };
        let err = check_reading(&r, &spec(), &MarketParams::default()).unwrap_err();
        assert!(matches!(err, TxError::MeterImplausible { ref field, value: 6_000, .. } if field == "battery_capacity_wh"), "{err}");
    }
}
