//! What the topology did to one slot's energy: per feeder and for the whole community (Wh).

use serde::{Deserialize, Serialize};

/// Which of a connection's limits bound in a slot: the energy that wanted to cross it in that
/// direction was more than its limit, so some was curtailed or left unserved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Bound {
    pub import: bool,
    pub export: bool,
}

impl Bound {
    pub fn any(self) -> bool {
        self.import || self.export
    }
}

/// One lot's slot. Sellers' energy: `sell_wh = local_wh + to_lots_wh + grid_export_wh +
/// curtailed_wh`, of which `loss_wh` (part of `to_lots_wh`) was lost on the way to other lots.
/// Buyers' energy: `buy_wh = local_wh + from_lots_wh + grid_import_wh + unserved_wh`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeederFlows {
    /// The lot's bids, summed per side.
    pub sell_wh: u64,
    pub buy_wh: u64,
    /// Matched inside the lot: it crosses no feeder.
    pub local_wh: u64,
    /// Sent up the feeder to other lots, losses included.
    pub to_lots_wh: u64,
    /// Of `to_lots_wh`, lost on the way.
    pub loss_wh: u64,
    /// Received from other lots (after their losses).
    pub from_lots_wh: u64,
    /// This lot's share of the transformer's flows.
    pub grid_export_wh: u64,
    pub grid_import_wh: u64,
    /// Sellers' energy no connection could carry away.
    pub curtailed_wh: u64,
    /// Buyers' energy no connection could bring in.
    pub unserved_wh: u64,
    pub bound: Bound,
}

impl FeederFlows {
    /// What the lot's sellers are paid for: used in the lot, delivered to others, exported.
    pub fn sold_wh(&self) -> u64 {
        self.local_wh.saturating_add(self.to_lots_wh.saturating_sub(self.loss_wh)).saturating_add(self.grid_export_wh)
    }

    /// What the lot's buyers receive: from the lot, from other lots, from the grid.
    pub fn bought_wh(&self) -> u64 {
        self.local_wh.saturating_add(self.from_lots_wh).saturating_add(self.grid_import_wh)
    }
}

/// The slot's flows under the topology; feeders in the topology's order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GridFlows {
    /// Delivered from one lot to another (sum of `from_lots_wh`).
    pub inter_lot_wh: u64,
    /// Lost crossing between lots (sum of `loss_wh`).
    pub loss_wh: u64,
    /// Through the transformer, from and to the external grid.
    pub grid_import_wh: u64,
    pub grid_export_wh: u64,
    pub transformer_bound: Bound,
    pub feeders: Vec<FeederFlows>,
}

impl GridFlows {
    /// Whether any limit, of a feeder or the transformer, bound in the slot.
    pub fn any_bound(&self) -> bool {
        self.transformer_bound.any() || self.feeders.iter().any(|f| f.bound.any())
    }
}
