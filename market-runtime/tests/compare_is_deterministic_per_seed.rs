//! Scenario: the same comparison run on one thread and on three, and one of its seeds run on
//! its own. Every figure is identical: results do not depend on thread scheduling, and a
//! seed's runs do not depend on which other seeds ran beside it.

use market_runtime::model::CommunityConfig;
use market_runtime::sim::{compare, CompareConfig, CompareSource, Comparison};
use market_runtime::MarketParams;

fn run(seeds: Vec<u64>, threads: usize) -> Comparison {
    let community = CommunityConfig { households: 30, hours: 24, start_day: 80, ..CommunityConfig::default() };
    let config = CompareConfig { source: CompareSource::Simulated(community), seeds, params: MarketParams::default(), dr: true, threads };
    compare(&config, &|_, _| {}).expect("compare")
}

#[test]
fn one_thread_and_three_threads_give_the_same_comparison() {
    assert_eq!(run(vec![3, 4], 1), run(vec![3, 4], 3));
}

#[test]
fn a_seed_gives_the_same_figures_alone_as_beside_others() {
    let both = run(vec![3, 4], 2);
    let alone = run(vec![4], 2);
    assert_eq!(both.rows.len(), alone.rows.len());
    for (b, a) in both.rows.iter().zip(&alone.rows) {
        assert_eq!((b.mechanism, b.batteries), (a.mechanism, a.batteries));
        assert_eq!(b.per_seed[1], a.per_seed[0], "{} {}", b.mechanism.name(), b.batteries.name());
        assert_eq!(b.dr_iterations[1], a.dr_iterations[0]);
    }
}
