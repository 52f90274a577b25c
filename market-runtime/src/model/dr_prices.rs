//! The chain's clearing as a price map for the demand-response solver: its own formulas over
//! each slot's supply and demand, without batteries or settlement, for tests and figures.

use super::community::Profile;
use super::dr_equilibrium::Priced;
use crate::chain::clearing::clear;
use crate::Mechanism;

/// Prices of `loads` under `mechanism` at grid prices `lb` (retail) and `ls` (feed-in),
/// micro-tokens/kWh: a household faces the buy price where it imports and the sell price where
/// it exports, as in the sim; the watched prices are each slot's buy then sell price.
pub fn clearing_prices(profile: &Profile, mechanism: Mechanism, lb: u64, ls: u64, loads: &[u64]) -> Priced {
    let n = profile.households;
    let mut faced = vec![0; n * profile.slots];
    let mut watched = Vec::with_capacity(2 * profile.slots);
    for s in 0..profile.slots {
        let (mut tsp, mut tbp) = (0u64, 0u64);
        for h in 0..n {
            let i = profile.at(s, h);
            let (load, pv) = (loads[i], profile.pv_wh[i]);
            tbp += load.saturating_sub(pv);
            tsp += pv.saturating_sub(load);
        }
        let p = clear(mechanism, lb, ls, tsp, tbp);
        let whole = |r: crate::chain::Ratio| r.floor().map_or(0, |v| u64::try_from(v).unwrap_or(u64::MAX));
        let (buy, sell) = (whole(p.buy), whole(p.sell));
        for h in 0..n {
            let i = profile.at(s, h);
            faced[i] = if loads[i] >= profile.pv_wh[i] { buy } else { sell };
        }
        watched.push(buy);
        watched.push(sell);
    }
    Priced { faced, watched }
}

/// `clearing_prices` under SDR, the paper's mechanism and the sim's default.
pub fn sdr_prices(profile: &Profile, lb: u64, ls: u64, loads: &[u64]) -> Priced {
    clearing_prices(profile, Mechanism::Sdr, lb, ls, loads)
}
