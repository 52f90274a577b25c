//! A home battery (paper eqs. 4-5): capacity, charge and discharge power, efficiencies and
//! state-of-charge bounds. `step` is the physics; what to ask of it each slot is the household's
//! strategy (`battery_strategy.rs`: self-consumption or market-aware).
//!
//! `SoC(t+1) = SoC(t) + eta_c * E_c - E_d / eta_d`, with `E_c, E_d <= P_max * dt` and
//! `SoC_min <= SoC <= SoC_max` (eqs. 4-5). All in Wh.

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Battery {
    pub capacity_wh: f64,
    pub power_w: f64,
    pub charge_efficiency: f64,
    pub discharge_efficiency: f64,
    /// Fractions of capacity.
    pub soc_min: f64,
    pub soc_max: f64,
    /// Current state of charge (Wh).
    pub soc_wh: f64,
}

impl Default for Battery {
    /// 5 kWh, 2.5 kW, 98 % charge and 99.99 % discharge efficiency, 10-100 % SoC, starting at the minimum.
    fn default() -> Self {
        Self {
            capacity_wh: 5_000.0,
            power_w: 2_500.0,
            charge_efficiency: 0.98,
            discharge_efficiency: 0.9999,
            soc_min: 0.1,
            soc_max: 1.0,
            soc_wh: 500.0,
        }
    }
}

/// What one step did: energy taken from (+) or given to (−) the household bus, and the new SoC.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BatteryStep {
    /// Wh the battery absorbed from the household's surplus.
    pub charged_wh: f64,
    /// Wh the battery delivered to the household's deficit.
    pub discharged_wh: f64,
    pub soc_wh: f64,
}

impl Battery {
    /// Absorbs up to `-net_wh` (`net_wh < 0`) or delivers up to `net_wh` (`net_wh > 0`) over
    /// `hours`, within power, capacity and state-of-charge limits. Self-consumption passes the
    /// household's own net position; the market-aware strategy may ask for more or less.
    pub fn step(&mut self, net_wh: f64, hours: f64) -> BatteryStep {
        let max_energy = self.power_w * hours;
        let (lo, hi) = (self.soc_min * self.capacity_wh, self.soc_max * self.capacity_wh);
        let mut step = BatteryStep { charged_wh: 0.0, discharged_wh: 0.0, soc_wh: self.soc_wh };
        if net_wh < 0.0 {
            let room = ((hi - self.soc_wh) / self.charge_efficiency).max(0.0);
            step.charged_wh = (-net_wh).min(max_energy).min(room);
            self.soc_wh += step.charged_wh * self.charge_efficiency;
        } else if net_wh > 0.0 {
            let stored = ((self.soc_wh - lo) * self.discharge_efficiency).max(0.0);
            step.discharged_wh = net_wh.min(max_energy).min(stored);
            self.soc_wh -= step.discharged_wh / self.discharge_efficiency;
        }
        self.soc_wh = self.soc_wh.clamp(lo.min(self.soc_wh), hi);
        step.soc_wh = self.soc_wh;
        step
    }
}
