//! Scenario: a comparison over simulated households and one over measured data. It has a row
//! for every mechanism of `Mechanism::ALL` with no battery and with each battery strategy, in
//! that order, each with one set of indicators per seed; the no-trading rows are the
//! reference (no household better or worse off, no P2P); shares stay within 0..1; measured
//! data, with nothing random to vary, runs once; no seeds is a typed error.

use market_runtime::model::{CommunityConfig, MeterRow, Profile};
use market_runtime::sim::{compare, Batteries, CompareConfig, CompareError, CompareSource};
use market_runtime::{MarketParams, Mechanism};

fn config(source: CompareSource, seeds: Vec<u64>) -> CompareConfig {
    CompareConfig { source, seeds, params: MarketParams::default(), dr: true, threads: 2 }
}

fn simulated() -> CompareSource {
    CompareSource::Simulated(CommunityConfig { households: 25, hours: 24, ..CommunityConfig::default() })
}

#[test]
fn every_mechanism_and_battery_setting_has_a_row_with_every_seed() {
    let c = compare(&config(simulated(), vec![1, 2, 3]), &|_, _| {}).expect("compare");
    let expected: Vec<(Mechanism, Batteries)> =
        Mechanism::ALL.into_iter().flat_map(|m| Batteries::ALL.into_iter().map(move |b| (m, b))).collect();
    let got: Vec<(Mechanism, Batteries)> = c.rows.iter().map(|r| (r.mechanism, r.batteries)).collect();
    assert_eq!(got, expected);
    assert_eq!((c.households, c.slots, c.seeds.clone()), (25, 24, vec![1, 2, 3]));
    for row in &c.rows {
        assert_eq!(row.per_seed.len(), 3, "{} {}", row.mechanism.name(), row.batteries.name());
        for i in &row.per_seed {
            for share in [i.self_sufficiency, i.self_consumption, i.better_off, i.worse_off] {
                assert!((0.0..=1.0).contains(&share), "{i:?}");
            }
            assert!(i.bill_delta_min <= i.bill_delta_mean && i.bill_delta_mean <= i.bill_delta_max, "{i:?}");
        }
        if row.mechanism == Mechanism::NoTrading {
            for i in &row.per_seed {
                assert_eq!((i.bill_delta_mean, i.bill_delta_std, i.better_off, i.worse_off, i.p2p_kwh), (0.0, 0.0, 0.0, 0.0, 0.0));
            }
        }
    }
}

#[test]
fn measured_data_runs_once_whatever_the_seeds() {
    let rows: Vec<MeterRow> = (0..48u64)
        .flat_map(|t| {
            let sunny = (9..16).contains(&(t % 24));
            [
                MeterRow { timestamp: t, household: "a".into(), load_wh: 900, pv_wh: if sunny { 3_000 } else { 0 } },
                MeterRow { timestamp: t, household: "b".into(), load_wh: 1_200, pv_wh: 0 },
            ]
        })
        .collect();
    let c = compare(&config(CompareSource::Measured(Profile::from_rows(&rows)), vec![7, 8, 9]), &|_, _| {}).expect("compare");
    assert_eq!(c.seeds, vec![7]);
    assert!(c.rows.iter().all(|r| r.per_seed.len() == 1));
    let sdr = c.rows.iter().find(|r| r.mechanism == Mechanism::Sdr && r.batteries == Batteries::None).expect("row");
    assert!(sdr.per_seed[0].p2p_kwh > 0.0, "the sunny home sells to its neighbour");
}

#[test]
fn a_comparison_without_seeds_is_refused() {
    assert_eq!(compare(&config(simulated(), vec![]), &|_, _| {}), Err(CompareError::NoSeeds));
}
