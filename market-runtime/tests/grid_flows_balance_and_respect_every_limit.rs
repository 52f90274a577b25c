//! Scenario (property): under random topologies and bids, every lot's energy balances, no
//! connection carries more than its limit, losses follow the written rule, each lot's bids
//! are settled for exactly what the lot sold or bought, and a topology with no limits and no
//! losses prices exactly as one pool.

mod common;

use common::topologies::topology;
use market_runtime::chain::grid::PPM;
use market_runtime::chain::settlement::{settle, BidLine, Settled};
use market_runtime::*;
use proptest::prelude::*;

fn bids(max: usize, lots: u16) -> impl Strategy<Value = Vec<BidLine>> {
    let bid = (any::<bool>(), 1u64..=7_500, 0..lots, prop::option::of(37_003u64..=90_000));
    prop::collection::vec(bid, 1..=max).prop_map(|v| {
        v.into_iter()
            .map(|(sell, q, feeder, price)| BidLine { limit_price: price, feeder, ..BidLine::new(if sell { Side::Sell } else { Side::Buy }, q) })
            .collect()
    })
}

fn params(mechanism: Mechanism, topology: Option<Topology>) -> MarketParams {
    MarketParams { grid_buy_price: 90_000, grid_sell_price: 37_003, mechanism, topology, ..MarketParams::default() }
}

fn check_flows(t: &Topology, bids: &[BidLine], s: &Settled) -> Result<(), TestCaseError> {
    let g = s.flows.as_ref().ok_or_else(|| TestCaseError::fail("no flows"))?;
    let within = |v: u64, l: Option<u64>| l.is_none_or(|l| v <= l);
    let (mut sent, mut lost, mut got, mut exp, mut imp) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for (i, (f, feeder)) in g.feeders.iter().zip(&t.feeders).enumerate() {
        prop_assert_eq!(f.sell_wh, f.local_wh + f.to_lots_wh + f.grid_export_wh + f.curtailed_wh);
        prop_assert_eq!(f.buy_wh, f.local_wh + f.from_lots_wh + f.grid_import_wh + f.unserved_wh);
        prop_assert!(f.loss_wh <= f.to_lots_wh);
        prop_assert!(within(f.to_lots_wh + f.grid_export_wh, feeder.export_limit_wh), "feeder {} export", i);
        prop_assert!(within(f.from_lots_wh + f.grid_import_wh, feeder.import_limit_wh), "feeder {} import", i);
        // Each lot's bids are settled for exactly what the lot sold and bought.
        let of = |side: Side| bids.iter().zip(&s.lines).filter(|(b, _)| usize::from(b.feeder) == i && b.side == side).map(|(_, l)| l.p2p_wh + l.grid_wh).sum::<u64>();
        prop_assert_eq!(of(Side::Sell), f.sold_wh());
        prop_assert_eq!(of(Side::Buy), f.bought_wh());
        (sent, lost, got, exp, imp) = (sent + f.to_lots_wh, lost + f.loss_wh, got + f.from_lots_wh, exp + f.grid_export_wh, imp + f.grid_import_wh);
    }
    prop_assert_eq!((sent - lost, lost, got), (g.inter_lot_wh, g.loss_wh, g.inter_lot_wh));
    prop_assert_eq!((exp, imp), (g.grid_export_wh, g.grid_import_wh));
    prop_assert!(within(exp, t.transformer.export_limit_wh) && within(imp, t.transformer.import_limit_wh));
    prop_assert!(exp == 0 || imp == 0, "the community never exports and imports at once");
    // Losses: ceil(delivered x ppm / 1e6), plus at most 1 Wh when the offer ran out.
    let rule = (g.inter_lot_wh as u128 * u128::from(t.loss_ppm)).div_ceil(PPM as u128) as u64;
    prop_assert!(g.loss_wh == rule || g.loss_wh == rule + 1, "loss {} against {}", g.loss_wh, rule);
    if !g.any_bound() {
        prop_assert!(g.feeders.iter().all(|f| f.curtailed_wh == 0 && f.unserved_wh == 0), "nothing cut without a bound limit");
    }
    for (b, l) in bids.iter().zip(&s.lines) {
        prop_assert!(l.p2p_wh + l.grid_wh <= b.quantity_wh);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn flows_balance_and_respect_every_limit(t in topology(), bids in bids(1_500, 4)) {
        for mechanism in Mechanism::ALL {
            let s = settle(&params(mechanism, Some(t.clone())), &bids);
            check_flows(&t, &bids, &s)?;
            prop_assert_eq!(s.buyers_paid + s.grid_paid, s.sellers_received + s.grid_received);
            prop_assert_eq!(&s, &settle(&params(mechanism, Some(t.clone())), &bids), "deterministic");
        }
    }

    #[test]
    fn an_unlimited_lossless_topology_prices_as_one_pool(lots in 1usize..=4, bids in bids(1_500, 4)) {
        let t = Topology::compound(lots, (None, None), Transformer::default(), 0);
        for mechanism in Mechanism::ALL {
            let bids: Vec<BidLine> = bids.iter().map(|b| BidLine { feeder: b.feeder % lots as u16, ..*b }).collect();
            let pool = settle(&params(mechanism, None), &bids);
            let grid = settle(&params(mechanism, Some(t.clone())), &bids);
            prop_assert_eq!(&grid.lines, &pool.lines, "{:?}", mechanism);
            prop_assert_eq!(Settled { flows: None, ..grid }, pool);
        }
    }
}
