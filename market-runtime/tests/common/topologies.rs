//! Random topologies for the property tests: 1 to 4 lots, limits absent, tight or loose,
//! losses from none to 99.9999 %.

use market_runtime::*;
use proptest::prelude::*;

fn limit() -> impl Strategy<Value = Option<u64>> {
    prop_oneof![Just(None), (0u64..=50_000).prop_map(Some), (0u64..=50_000_000).prop_map(Some)]
}

pub fn topology() -> impl Strategy<Value = Topology> {
    let loss = prop_oneof![Just(0u32), 0u32..=200_000, 0u32..1_000_000];
    (prop::collection::vec((limit(), limit()), 1..=4), limit(), limit(), loss).prop_map(|(feeders, ti, tx, loss_ppm)| Topology {
        feeders: feeders
            .into_iter()
            .enumerate()
            .map(|(i, (import_limit_wh, export_limit_wh))| Feeder { lot: format!("L{i}"), import_limit_wh, export_limit_wh })
            .collect(),
        transformer: Transformer { import_limit_wh: ti, export_limit_wh: tx },
        loss_ppm,
    })
}
