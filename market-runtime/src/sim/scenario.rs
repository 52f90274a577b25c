//! The paper's scenarios and the households they run on (simulated or measured).

use crate::model::{Community, Profile};

/// A scenario of the paper: S1 PV as configured, S2 with batteries, S3 PV raised to 10 kW.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: &'static str,
    pub label: &'static str,
    /// A 5 kWh battery (`Battery::default`) in every household with PV.
    pub batteries: bool,
    /// Every PV household's kWp, when the scenario overrides it.
    pub pv_kw: Option<f64>,
}

pub const S1: Scenario = Scenario { name: "s1", label: "S1: trading, PV as configured, no battery", batteries: false, pv_kw: None };
pub const S2: Scenario = Scenario { name: "s2", label: "S2: trading with 5 kWh batteries", batteries: true, pv_kw: None };
pub const S3: Scenario = Scenario { name: "s3", label: "S3: trading with PV raised to 10 kW", batteries: false, pv_kw: Some(10.0) };

/// Where a run's households come from: a simulated community (whose PV a scenario can
/// resize) or measured profiles (whose PV is scaled instead).
#[derive(Clone, Debug, PartialEq)]
pub struct Households {
    pub base: Profile,
    pub community: Option<Community>,
}

impl Households {
    pub fn simulated(community: Community) -> Self {
        Self { base: community.profile(), community: Some(community) }
    }

    pub fn measured(profile: Profile) -> Self {
        Self { base: profile, community: None }
    }

    /// The households' load and PV under `scenario`'s PV.
    pub fn profile_for(&self, scenario: &Scenario) -> Profile {
        match (scenario.pv_kw, &self.community) {
            (None, _) => self.base.clone(),
            (Some(kw), Some(c)) => c.with_pv_kw(kw).profile(),
            (Some(kw), None) => scale_pv(&self.base, kw),
        }
    }
}

/// Measured data has no kWp; scale every PV household's output so its peak hour reaches `kw`.
pub fn scale_pv(profile: &Profile, kw: f64) -> Profile {
    let mut p = profile.clone();
    for h in 0..p.households {
        let peak = p.pv_capacity_w[h];
        if peak == 0 {
            continue;
        }
        let factor = kw * 1000.0 / peak as f64;
        for s in 0..p.slots {
            let i = p.at(s, h);
            p.pv_wh[i] = (p.pv_wh[i] as f64 * factor).round() as u64;
        }
        p.pv_capacity_w[h] = (kw * 1000.0) as u64;
    }
    p
}
