//! A seeded community of households: who has PV, how big, what loads, and their per-slot energy.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::load::LoadModel;
use super::site::Site;
use super::solar::PvModel;
use super::weather::Weather;
use crate::chain::HouseholdKind;

#[derive(Clone, Debug, PartialEq)]
pub struct CommunityConfig {
    pub households: usize,
    /// Slots of one hour each, starting at local midnight of `start_day`.
    pub hours: usize,
    pub seed: u64,
    /// Where the community is (solar geometry and climate).
    pub site: Site,
    /// Day of year of the first slot (196 = 15 July, a Gulf summer day).
    pub start_day: u32,
    /// Fraction of households that are villas (the rest are flats).
    pub villa_share: f64,
    /// Fraction of households with rooftop PV.
    pub pv_share: f64,
    /// Installed PV (kWp) of a villa and of a flat that has PV.
    pub villa_pv_kw: f64,
    pub flat_pv_kw: f64,
    pub performance_ratio: f64,
}

impl Default for CommunityConfig {
    fn default() -> Self {
        Self {
            households: 623,
            hours: 48,
            seed: 1,
            site: Site::DOHA,
            start_day: 196,
            villa_share: 0.6,
            pv_share: 0.5,
            villa_pv_kw: 5.0,
            flat_pv_kw: 3.0,
            performance_ratio: 0.8,
        }
    }
}

/// One simulated household.
#[derive(Clone, Debug, PartialEq)]
pub struct Household {
    pub id: String,
    pub kind: HouseholdKind,
    /// Installed PV (W); 0 = no PV.
    pub pv_capacity_w: f64,
    pub load: LoadModel,
    /// Per-household PV factor (orientation, soiling), in [0.9, 1].
    pub pv_factor: f64,
}

/// Per-slot energy of every household before battery and demand response, slot-major:
/// entry `slot * households + h`.
#[derive(Clone, Debug, PartialEq)]
pub struct Profile {
    pub households: usize,
    pub slots: usize,
    pub ids: Vec<String>,
    pub load_wh: Vec<u64>,
    pub pv_wh: Vec<u64>,
    /// Installed PV per household (W), for bid bounds and charts; 0 = none.
    pub pv_capacity_w: Vec<u64>,
}

impl Profile {
    pub fn at(&self, slot: usize, h: usize) -> usize {
        slot * self.households + h
    }
}

/// The community: its households and weather.
#[derive(Clone, Debug, PartialEq)]
pub struct Community {
    pub config: CommunityConfig,
    pub households: Vec<Household>,
    pub weather: Weather,
}

impl Community {
    /// Draws households and weather from `config.seed`.
    pub fn generate(config: &CommunityConfig) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let weather = Weather::generate(&mut rng, config.hours, &config.site.climate, config.start_day);
        let households = (0..config.households)
            .map(|i| {
                let kind = if rng.gen_bool(config.villa_share.clamp(0.0, 1.0)) { HouseholdKind::Villa } else { HouseholdKind::Flat };
                let has_pv = rng.gen_bool(config.pv_share.clamp(0.0, 1.0));
                let kw = match kind {
                    HouseholdKind::Villa => config.villa_pv_kw,
                    HouseholdKind::Flat => config.flat_pv_kw,
                };
                Household {
                    id: format!("h{i:04}"),
                    kind,
                    pv_capacity_w: if has_pv { kw * 1000.0 } else { 0.0 },
                    load: LoadModel::sample(kind, &mut rng),
                    pv_factor: rng.gen_range(0.9..1.0),
                }
            })
            .collect();
        Self { config: config.clone(), households, weather }
    }

    /// The same community with every PV household's array set to `kw` kWp (scenario S3).
    pub fn with_pv_kw(&self, kw: f64) -> Self {
        let mut c = self.clone();
        for h in &mut c.households {
            if h.pv_capacity_w > 0.0 {
                h.pv_capacity_w = kw * 1000.0;
            }
        }
        c
    }

    /// Load and PV of every household in every slot.
    pub fn profile(&self) -> Profile {
        let n = self.households.len();
        let slots = self.config.hours;
        let mut load_wh = Vec::with_capacity(n * slots);
        let mut pv_wh = Vec::with_capacity(n * slots);
        for s in 0..slots {
            let hour = (s % 24) as u32;
            let day = self.config.start_day + (s / 24) as u32;
            let lagged = self.weather.temperature_c[s.saturating_sub(2)];
            let sky = self.weather.sky[s];
            for h in &self.households {
                load_wh.push(h.load.hourly_wh(hour, lagged));
                let pv = PvModel { location: self.config.site.location, capacity_w: h.pv_capacity_w, performance_ratio: self.config.performance_ratio };
                pv_wh.push(if h.pv_capacity_w > 0.0 { pv.energy_wh(day, hour as f64, 1.0, sky * h.pv_factor) } else { 0 });
            }
        }
        Profile {
            households: n,
            slots,
            ids: self.households.iter().map(|h| h.id.clone()).collect(),
            load_wh,
            pv_wh,
            pv_capacity_w: self.households.iter().map(|h| h.pv_capacity_w as u64).collect(),
        }
    }
}

impl Profile {
    /// Builds a profile from measured rows: households in first-appearance order, slots in
    /// ascending timestamp order; a household missing from a slot counts 0 Wh there.
    pub fn from_rows(rows: &[super::csv_import::MeterRow]) -> Self {
        let mut ids: Vec<String> = Vec::new();
        let mut index = std::collections::HashMap::new();
        for r in rows {
            index.entry(r.household.clone()).or_insert_with(|| {
                ids.push(r.household.clone());
                ids.len() - 1
            });
        }
        let mut stamps: Vec<u64> = rows.iter().map(|r| r.timestamp).collect();
        stamps.sort_unstable();
        stamps.dedup();
        let n = ids.len();
        let mut load_wh = vec![0; n * stamps.len()];
        let mut pv_wh = vec![0; n * stamps.len()];
        let mut peak = vec![0u64; n];
        for r in rows {
            let (Some(&h), Ok(s)) = (index.get(&r.household), stamps.binary_search(&r.timestamp)) else { continue };
            load_wh[s * n + h] = r.load_wh;
            pv_wh[s * n + h] = r.pv_wh;
            peak[h] = peak[h].max(r.pv_wh);
        }
        Self { households: n, slots: stamps.len(), ids, load_wh, pv_wh, pv_capacity_w: peak }
    }
}
