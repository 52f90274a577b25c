//! The physical rule: where each lot's surplus and deficit go under the topology's limits and
//! losses. Integer-exact; every split is by the largest remainder (`chain::apportion`).
//!
//! For each lot `f` with sell total `S_f` and buy total `D_f` (Wh):
//! 1. Inside the lot: `local_f = min(S_f, D_f)`; surplus `e_f = S_f - local_f`, deficit
//!    `d_f = D_f - local_f`. Energy used in its own lot crosses no limit and loses nothing.
//! 2. The feeder: `up_f = min(e_f, X_f)` leaves the lot (export limit `X_f`), the rest is
//!    curtailed; `down_f = min(d_f, I_f)` may enter it (import limit `I_f`), the rest is unserved.
//! 3. Between lots, over the busbar: `U = sum up_f` offered, `W = sum down_f` wanted. Delivering
//!    `T` Wh to other lots costs `ceil(T x loss_ppm / 1e6)` Wh of losses, paid from what is sent,
//!    so `T = min(W, floor(U x 1e6 / (1e6 + loss_ppm)))`. Sent: `T + ceil(T x loss / 1e6)` when
//!    `T = W`, else all of `U` (what the offer could not deliver is lost), so `sent <= U`.
//! 4. The transformer: `U - sent` goes to the grid up to its export limit, the rest is
//!    curtailed; `W - T` comes from the grid up to its import limit, the rest is unserved.
//!    Only one of the two is ever positive (`sent < U` implies `T = W`).
//! 5. Back to the lots: `sent` is split over the lots by `up_f`, losses over the lots by what
//!    each sent, grid export by what each had left; `T` over the lots by `down_f`, grid import
//!    by what each still wanted.

use super::flows::{Bound, FeederFlows, GridFlows};
use super::topology::{Topology, PPM};
use crate::chain::apportion::{apportion, floor_u64};

/// One lot's bids, summed per side (Wh).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LotTotals {
    pub sell_wh: u64,
    pub buy_wh: u64,
}

/// Routes one slot; `lots` in the topology's feeder order (missing lots count as empty).
pub fn route(topology: &Topology, lots: &[LotTotals]) -> GridFlows {
    let n = topology.feeders.len();
    let mut feeders = vec![FeederFlows::default(); n];
    let (mut up, mut down) = (vec![0u64; n], vec![0u64; n]);
    for (i, (flow, feeder)) in feeders.iter_mut().zip(&topology.feeders).enumerate() {
        let LotTotals { sell_wh, buy_wh } = lots.get(i).copied().unwrap_or_default();
        let local = sell_wh.min(buy_wh);
        let (surplus, deficit) = (sell_wh - local, buy_wh - local);
        let (x, m) = (limit(feeder.export_limit_wh), limit(feeder.import_limit_wh));
        up[i] = surplus.min(x);
        down[i] = deficit.min(m);
        flow.bound = Bound { export: surplus > x, import: deficit > m };
        *flow = FeederFlows { sell_wh, buy_wh, local_wh: local, curtailed_wh: surplus - up[i], unserved_wh: deficit - down[i], ..*flow };
    }
    // Each side's lot totals sum to at most MAX_SIDE_WH (the book cuts there), so these fit.
    let offered = up.iter().fold(0u64, |s, v| s.saturating_add(*v));
    let wanted = down.iter().fold(0u64, |s, v| s.saturating_add(*v));
    let (delivered, sent) = between_lots(offered, wanted, u64::from(topology.loss_ppm));
    let (to_grid, from_grid) = (offered - sent, wanted - delivered);
    let (tx, tm) = (limit(topology.transformer.export_limit_wh), limit(topology.transformer.import_limit_wh));
    let (exported, imported) = (to_grid.min(tx), from_grid.min(tm));

    let mut scratch = Vec::new();
    let sent_f = shares(&up, sent, &mut scratch);
    let loss_f = shares(&sent_f, sent - delivered, &mut scratch);
    let left: Vec<u64> = up.iter().zip(&sent_f).map(|(u, s)| u - s).collect();
    let export_f = shares(&left, exported, &mut scratch);
    let recv_f = shares(&down, delivered, &mut scratch);
    let still: Vec<u64> = down.iter().zip(&recv_f).map(|(d, r)| d - r).collect();
    let import_f = shares(&still, imported, &mut scratch);
    for (i, f) in feeders.iter_mut().enumerate() {
        f.to_lots_wh = sent_f[i];
        f.loss_wh = loss_f[i];
        f.grid_export_wh = export_f[i];
        f.curtailed_wh += left[i] - export_f[i];
        f.from_lots_wh = recv_f[i];
        f.grid_import_wh = import_f[i];
        f.unserved_wh += still[i] - import_f[i];
    }
    GridFlows {
        inter_lot_wh: delivered,
        loss_wh: sent - delivered,
        grid_import_wh: imported,
        grid_export_wh: exported,
        transformer_bound: Bound { export: to_grid > tx, import: from_grid > tm },
        feeders,
    }
}

/// An absent limit is no limit.
fn limit(l: Option<u64>) -> u64 {
    l.unwrap_or(u64::MAX)
}

/// Step 3: (delivered, sent) between lots, with `offered` and `wanted` at most `MAX_SIDE_WH`.
pub fn between_lots(offered: u64, wanted: u64, loss_ppm: u64) -> (u64, u64) {
    // offered x 1e6 < 1e17: fits u128 with room; loss_ppm < 1e6 by the topology's check.
    let reachable = floor_u64(offered as u128 * PPM as u128 / (PPM + loss_ppm.min(PPM - 1)) as u128);
    let delivered = wanted.min(reachable);
    let sent = if delivered < wanted {
        offered
    } else {
        let loss = (delivered as u128 * loss_ppm as u128).div_ceil(PPM as u128);
        // delivered <= reachable makes delivered x (1e6 + loss) <= offered x 1e6, so this is <= offered.
        delivered.saturating_add(floor_u64(loss)).min(offered)
    };
    debug_assert!(delivered <= sent && sent <= offered, "between lots: {delivered} <= {sent} <= {offered}");
    (delivered, sent)
}

/// Splits `total` over `weights` in proportion (largest remainder, ties to the lower index);
/// `total` is at most the weights' sum, so no share passes its weight.
fn shares(weights: &[u64], total: u64, scratch: &mut Vec<(u64, u32)>) -> Vec<u64> {
    let sum = weights.iter().fold(0u64, |s, w| s.saturating_add(*w));
    let mut out = vec![0u64; weights.len()];
    // weight x total < 1e11 x 1e11: fits u128.
    let given = apportion(weights.len(), sum, total, scratch, |i| Some(weights[i] as u128 * total as u128), |i, v| out[i] = v);
    debug_assert!(given == total || sum == 0, "shares hand out the whole total");
    out
}
