//! PV output from solar geometry and a clear-sky model, scaled by installed kWp, never above capacity.
//!
//! Geometry: Spencer's (1971) declination and equation of time, hour angle from local solar time.
//! Clear-sky global horizontal irradiance: Haurwitz (1945), `GHI = 1098 cos(z) exp(-0.057 / cos(z))`
//! W/m², a one-parameter model that fits desert sites well without aerosol data. The module
//! converts GHI to DC power at a fixed performance ratio on a horizontal plane (rooftops in the
//! Gulf are often flat with low tilt).

use std::f64::consts::PI;

/// A site: latitude and longitude in degrees (north and east positive), UTC offset in hours.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Location {
    pub latitude: f64,
    pub longitude: f64,
    pub utc_offset_h: f64,
}

impl Location {
    /// Doha, Qatar (25.3 N, 51.5 E, UTC+3).
    pub const DOHA: Location = Location { latitude: 25.3, longitude: 51.5, utc_offset_h: 3.0 };
}

/// The sun's elevation factor `cos(zenith)` (negative at night) at `day_of_year` (1..=366) and
/// local clock time `hour` (0..24).
pub fn cos_zenith(loc: &Location, day_of_year: u32, hour: f64) -> f64 {
    let gamma = 2.0 * PI / 365.0 * (day_of_year as f64 - 1.0 + (hour - 12.0) / 24.0);
    let decl = 0.006918 - 0.399912 * gamma.cos() + 0.070257 * gamma.sin() - 0.006758 * (2.0 * gamma).cos()
        + 0.000907 * (2.0 * gamma).sin()
        - 0.002697 * (3.0 * gamma).cos()
        + 0.00148 * (3.0 * gamma).sin();
    let eot_min = 229.18
        * (0.000075 + 0.001868 * gamma.cos() - 0.032077 * gamma.sin() - 0.014615 * (2.0 * gamma).cos()
            - 0.040849 * (2.0 * gamma).sin());
    let solar_time = hour + (4.0 * loc.longitude - 60.0 * loc.utc_offset_h + eot_min) / 60.0;
    let hour_angle = (solar_time - 12.0) * 15.0_f64.to_radians();
    let lat = loc.latitude.to_radians();
    lat.sin() * decl.sin() + lat.cos() * decl.cos() * hour_angle.cos()
}

/// Haurwitz clear-sky GHI (W/m²) for a given `cos(zenith)`.
pub fn clear_sky_ghi(cos_z: f64) -> f64 {
    if cos_z <= 0.0 {
        return 0.0;
    }
    1098.0 * cos_z * (-0.057 / cos_z).exp()
}

/// A PV array on a horizontal roof.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PvModel {
    pub location: Location,
    /// Installed peak power (W) at 1000 W/m².
    pub capacity_w: f64,
    /// DC-to-AC losses, soiling and temperature derating (0.75-0.85 in hot deserts).
    pub performance_ratio: f64,
}

impl PvModel {
    /// Sub-steps per hour when integrating power into energy.
    const STEPS_PER_HOUR: u32 = 12;

    /// Energy (Wh) produced from local clock time `start_h` for `len_h` hours on `day_of_year`,
    /// scaled by the clear-sky index `sky` (1 = clear, 0 = overcast). Never above capacity x time.
    pub fn energy_wh(&self, day_of_year: u32, start_h: f64, len_h: f64, sky: f64) -> u64 {
        let steps = ((len_h * Self::STEPS_PER_HOUR as f64).ceil() as u32).max(1);
        let dt = len_h / steps as f64;
        let sky = sky.clamp(0.0, 1.0);
        let mut wh = 0.0;
        for i in 0..steps {
            let t = start_h + (i as f64 + 0.5) * dt;
            let (day, hour) = (day_of_year + (t / 24.0).floor() as u32, t.rem_euclid(24.0));
            let ghi = clear_sky_ghi(cos_zenith(&self.location, day, hour)) * sky;
            let power = (self.capacity_w * self.performance_ratio * ghi / 1000.0).min(self.capacity_w);
            wh += power * dt;
        }
        wh.max(0.0).min(self.capacity_w * len_h) as u64
    }
}
