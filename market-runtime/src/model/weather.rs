//! Seeded weather shared by the whole community: hourly clear-sky index and outdoor temperature.
//!
//! Doha in summer is mostly clear with dust haze; the clear-sky index follows a day-level draw
//! (clear, hazy or dusty day) with hour-to-hour AR(1) noise. Temperature follows a diurnal cycle
//! of a Gulf summer (minimum ~31 °C before dawn, maximum ~42 °C around 14:00-15:00).

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
    /// Hourly weather for `hours` hours starting at local midnight.
    pub fn generate(rng: &mut ChaCha8Rng, hours: usize) -> Self {
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
            temperature_c.push(36.5 + 5.5 * cycle + day_warmth);
        }
        Self { sky, temperature_c }
    }
}
