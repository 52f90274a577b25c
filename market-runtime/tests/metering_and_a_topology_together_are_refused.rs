//! Metered settlement reads a bid as what the clearing allocated, which a grid topology's
//! curtailment breaks; until the two are reconciled a genesis asking for both is refused.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn a_genesis_with_both_metering_and_a_topology_is_refused() {
    let transformer = Transformer { import_limit_wh: None, export_limit_wh: None };
    let mut g = genesis_on(two_lots((None, None), (None, None), transformer, 0), &["A", "B"], Mechanism::Sdr);
    g.params.metering = Some(MeteringParams::default());
    let err = init_genesis(&mut MemStore::new(), &g).expect_err("refused");
    assert_eq!(err, GenesisError::MeteringWithTopology, "{err}");
}
