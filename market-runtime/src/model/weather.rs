//! Seeded weather shared by the whole community: hourly clear-sky index and outdoor temperature.
//!
//! The clear-sky index follows a day-level draw (clear, hazy or dusty day, as in Doha) with
//! hour-to-hour AR(1) noise. Temperature follows the site's climate (site.rs): the day's mean
//! for its season, a diurnal cycle peaking at 14:30 (in a Doha July: ~31 °C before dawn, ~42 °C
//! mid-afternoon) and a day-level draw of +-1.5 °C.

use super::site::Climate;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Debug, PartialEq)]
pub struct Weather {
    /// Clear-sky index per slot, in [0.2, 1].
    pub sky: Vec<f64>,
    /// Outdoor temperature per slot (°C).
    pub temperature_c: Vec<f64>,
}

impl Weather {
    /// Hourly weather for `hours` hours starting at local midnight of `start_day`.
    pub fn generate(rng: &mut ChaCha8Rng, hours: usize, climate: &Climate, start_day: u32) -> Self {
        let mut sky = Vec::with_capacity(hours);
        let mut temperature_c = Vec::with_capacity(hours);
        let mut day_level: f64 = 1.0;
        let mut day_warmth = 0.0;
        let mut noise: f64 = 0.0;
        for h in 0..hours {
            if h % 24 == 0 {
                // About one day in five is hazy and one in fifteen dusty.
                let r: f64 = rng.gen();
                day_level = if r < 0.07 { 0.6 } else if r < 0.27 { 0.85 } else { 0.97 };
                day_warmth = rng.gen_range(-1.5..1.5);
            }
            noise = 0.7 * noise + rng.gen_range(-0.05..0.05);
            sky.push((day_level + noise).clamp(0.2, 1.0));
            let hour = (h % 24) as f64;
            // Peak at 14:30, trough at 02:30.
            let cycle = (2.0 * std::f64::consts::PI * (hour - 14.5) / 24.0).cos();
            let day = start_day.saturating_add((h / 24) as u32);
            temperature_c.push(climate.daily_mean_c(day) + climate.diurnal_half_range_c * cycle + day_warmth);
        }
        Self { sky, temperature_c }
    }
}
