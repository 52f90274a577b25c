//! The financial rule under a topology: which part of each bid the mechanism prices.
//!
//! A lot's sellers are paid for what `route` says the lot sold (`FeederFlows::sold_wh`: used in
//! the lot, delivered to other lots, exported), its buyers for what the lot bought
//! (`bought_wh`); each bid's part is its share of that in proportion to its quantity within
//! the lot (largest remainder, ties to the lower address). What is left of a bid was
//! curtailed, lost between lots or unserved: not traded, not paid, its reservation released.
//! The mechanism then clears the parts as it clears a slot without topology, so prices,
//! rounding and conservation are the mechanism's own; the pooled sides match exactly the
//! energy `route` found deliverable between neighbours.

use super::flows::GridFlows;
use super::route::{route, LotTotals};
use super::topology::Topology;
use crate::chain::apportion::apportion;
use crate::chain::settlement::{BidLine, Book};
use crate::chain::types::Side;

/// Each bid with its quantity cut to the part that can be delivered (same order), and the
/// slot's flows. Bids the book leaves out, or whose feeder the topology does not have (a
/// store this runtime did not write), get quantity 0 and take no part.
pub fn pool(topology: &Topology, bids: &[BidLine], book: &Book) -> (Vec<BidLine>, GridFlows) {
    let n = topology.feeders.len();
    let mut lots = vec![LotTotals::default(); n];
    let mut members: Vec<Vec<u32>> = vec![Vec::new(); n];
    for (i, b) in bids.iter().enumerate() {
        let f = usize::from(b.feeder);
        if f >= n || !book.counts(i, b.side) {
            continue;
        }
        let total = match b.side {
            Side::Sell => &mut lots[f].sell_wh,
            Side::Buy => &mut lots[f].buy_wh,
        };
        // Counted bids of one side sum to at most MAX_SIDE_WH.
        *total = total.saturating_add(b.quantity_wh);
        // A slot has at most one bid per household: indices fit u32.
        members[f].push(i as u32);
    }
    let flows = route(topology, &lots);
    let mut pooled: Vec<BidLine> = bids.iter().map(|b| BidLine { quantity_wh: 0, ..*b }).collect();
    let mut scratch = Vec::new();
    for ((idx, lot), flow) in members.iter().zip(&lots).zip(&flows.feeders) {
        for (side, side_total, keep) in [(Side::Sell, lot.sell_wh, flow.sold_wh()), (Side::Buy, lot.buy_wh, flow.bought_wh())] {
            debug_assert!(keep <= side_total, "a lot keeps at most what it bid");
            let bid = |p: usize| &bids[idx[p] as usize];
            // quantity x keep < 1e11 x 1e11: fits u128; the quotas sum to `keep` exactly.
            let quota = |p: usize| (bid(p).side == side).then(|| bid(p).quantity_wh as u128 * keep as u128);
            apportion(idx.len(), side_total, keep, &mut scratch, quota, |p, v| pooled[idx[p] as usize].quantity_wh = v);
        }
    }
    (pooled, flows)
}
