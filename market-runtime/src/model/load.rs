//! Household load as the sum of appliance profiles (paper eq. 1), air conditioning dominant.
//!
//! Air conditioning follows outdoor temperature two hours earlier (the building's thermal lag),
//! so with the temperature peaking mid-afternoon the cooling load peaks in the late afternoon,
//! the shape of a Gulf summer. Villas have larger floor area, more fridges, a water heater and
//! more occupants than flats; each household draws its own scale and schedule shift.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::chain::HouseholdKind;

/// Electric power of each appliance group (kW) for one household.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadModel {
    pub kind: HouseholdKind,
    /// AC electrical power at full duty (kW).
    pub ac_kw: f64,
    pub fridge_kw: f64,
    pub water_heater_kw: f64,
    pub lighting_kw: f64,
    pub cooking_kw: f64,
    pub laundry_kw: f64,
    pub plug_kw: f64,
    /// Cooling set point (°C).
    pub set_point_c: f64,
    /// Daily routine shift (hours, may be negative).
    pub shift_h: f64,
    /// Hour of day (0..24) of the household's laundry run.
    pub laundry_hour: u32,
}

impl LoadModel {
    /// A household of `kind` with seeded variation between households.
    pub fn sample(kind: HouseholdKind, rng: &mut ChaCha8Rng) -> Self {
        let scale = rng.gen_range(0.75..1.25);
        let (ac, fridge, heater, light, cook, laundry, plug) = match kind {
            HouseholdKind::Villa => (7.0, 0.30, 1.5, 0.6, 2.0, 1.0, 0.35),
            HouseholdKind::Flat => (2.2, 0.12, 0.0, 0.2, 1.0, 0.5, 0.12),
        };
        Self {
            kind,
            ac_kw: ac * scale,
            fridge_kw: fridge,
            water_heater_kw: heater * scale,
            lighting_kw: light * scale,
            cooking_kw: cook,
            laundry_kw: laundry,
            plug_kw: plug * scale,
            set_point_c: rng.gen_range(21.0..25.0),
            shift_h: rng.gen_range(-1.0..1.0),
            laundry_hour: rng.gen_range(8..20),
        }
    }

    /// Average power (kW) of each appliance group during local hour `hour` (0..24) given the
    /// lagged outdoor temperature; the sum over groups is the household's load (eq. 1).
    pub fn appliances_kw(&self, hour: u32, lagged_temperature_c: f64) -> [f64; 7] {
        let h = (hour as f64 - self.shift_h).rem_euclid(24.0);
        let in_window = |from: f64, to: f64| h >= from && h < to;
        // Duty cycle rises with the gap to the set point; the compressor never fully stops in summer.
        let gap = (lagged_temperature_c - self.set_point_c).max(0.0);
        let occupancy = if in_window(7.5, 14.0) { 0.75 } else { 1.0 };
        let ac = self.ac_kw * (gap / 20.0).clamp(0.15, 1.0) * occupancy;
        let heater = if in_window(5.0, 7.5) { self.water_heater_kw } else if in_window(19.0, 21.0) { 0.5 * self.water_heater_kw } else { 0.0 };
        let light = if in_window(18.0, 24.0) { self.lighting_kw } else if in_window(5.0, 7.0) { 0.4 * self.lighting_kw } else { 0.1 * self.lighting_kw };
        let cook = if in_window(11.5, 13.5) || in_window(18.5, 20.0) { self.cooking_kw } else { 0.0 };
        let laundry = if hour == self.laundry_hour { self.laundry_kw } else { 0.0 };
        let plug = if in_window(0.0, 6.0) { 0.5 * self.plug_kw } else { self.plug_kw };
        [ac, self.fridge_kw, heater, light, cook, laundry, plug]
    }

    /// Energy (Wh) over one hour starting at local `hour`.
    pub fn hourly_wh(&self, hour: u32, lagged_temperature_c: f64) -> u64 {
        let kw: f64 = self.appliances_kw(hour, lagged_temperature_c).iter().sum();
        (kw * 1000.0).round().max(0.0) as u64
    }
}
