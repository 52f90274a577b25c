//! Price-based demand response after Liu et al. (2017): each household picks its adjusted load
//! `x` to minimise `sum_h [ Pr(h) * (x(h) - PV(h)) + alpha * (x(h) - L(h))^2 ]` with its daily
//! energy kept (`sum x = sum L`) and `x(h)` within the flexible band.
//!
//! The optimum is `x(h) = clip(L(h) - (Pr(h) - lambda) / (2 alpha), lo(h), hi(h))`; `lambda`
//! (the multiplier of the energy constraint) is found by bisection since the sum is monotone
//! in it. The band is `[max(min L, (1-f) L(h)), min(max L, (1+f) L(h))]`: Liu's `min L <= x <=
//! max L` and at most a fraction `f` (10 %) of each hour's load moved. Prices in tokens/kWh,
//! energy in kWh, `alpha` in tokens/kWh².

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DemandResponse {
    pub alpha: f64,
    /// Fraction of each hour's load that may move (0.1 = 10 %).
    pub flexible: f64,
}

impl Default for DemandResponse {
    /// Liu et al.'s alpha = 0.01 and the paper's 10 % flexible demand.
    fn default() -> Self {
        Self { alpha: 0.01, flexible: 0.1 }
    }
}

/// Adjusts one household's load `load_wh` (one entry per slot of a day) to the prices it faces
/// (`price` in tokens/kWh per slot). Returns integer Wh with exactly the same total.
pub fn respond(dr: &DemandResponse, load_wh: &[u64], price: &[f64]) -> Vec<u64> {
    let n = load_wh.len().min(price.len());
    if n == 0 || dr.alpha <= 0.0 {
        return load_wh.to_vec();
    }
    let load: Vec<f64> = load_wh[..n].iter().map(|&w| w as f64 / 1000.0).collect();
    let (min_l, max_l) = load.iter().fold((f64::MAX, f64::MIN), |(a, b), &l| (a.min(l), b.max(l)));
    let lo: Vec<f64> = load.iter().map(|&l| (l * (1.0 - dr.flexible)).max(min_l)).collect();
    let hi: Vec<f64> = load.iter().map(|&l| (l * (1.0 + dr.flexible)).min(max_l)).collect();
    let total: f64 = load.iter().sum();
    let x_at = |lambda: f64, h: usize| (load[h] - (price[h] - lambda) / (2.0 * dr.alpha)).clamp(lo[h], hi[h]);
    let sum_at = |lambda: f64| (0..n).map(|h| x_at(lambda, h)).sum::<f64>();
    // Bracket lambda: at the extremes every x sits at its bound, so the sum is below/above total.
    let (pmin, pmax) = price[..n].iter().fold((f64::MAX, f64::MIN), |(a, b), &p| (a.min(p), b.max(p)));
    let span = 2.0 * dr.alpha * (max_l + 1.0) + (pmax - pmin);
    let (mut a, mut b) = (pmin - span, pmax + span);
    for _ in 0..100 {
        let mid = 0.5 * (a + b);
        // Once a and b are neighbouring floats, mid is one of them and nothing changes any
        // more: stopping here gives the very lambda the remaining rounds would.
        if mid == a || mid == b {
            break;
        }
        if sum_at(mid) < total {
            a = mid;
        } else {
            b = mid;
        }
    }
    let lambda = 0.5 * (a + b);
    let mut out: Vec<u64> = (0..n).map(|h| (x_at(lambda, h) * 1000.0).round().max(0.0) as u64).collect();
    // Rounding to whole Wh may leave a few Wh over or under; put them on the largest hour.
    let want: u64 = load_wh[..n].iter().sum();
    let got: u64 = out.iter().sum();
    if let Some(big) = (0..n).max_by_key(|&h| out[h]) {
        out[big] = (out[big] + want).saturating_sub(got);
    }
    out.extend_from_slice(&load_wh[n..]);
    out
}
