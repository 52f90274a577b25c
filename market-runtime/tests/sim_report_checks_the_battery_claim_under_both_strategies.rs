//! Scenario: `solartrade sim --scenario all` with either battery strategy. The run adds S2 with
//! the other strategy, and the report checks the paper's battery claim once per strategy, in
//! the same order whichever strategy was chosen, each verdict following its own figures.

use market_runtime::model::{BatteryStrategy, Community, CommunityConfig};
use market_runtime::sim::report::{findings, Verdict};
use market_runtime::sim::{simulate, totals, Households, RunSettings, SimSetup, S1, S2, S3};
use market_runtime::MarketParams;

#[test]
fn the_battery_claim_is_checked_under_both_strategies() {
    let community = Community::generate(&CommunityConfig { households: 40, hours: 48, seed: 2, start_day: 80, ..CommunityConfig::default() });
    let households = Households::simulated(community);
    for chosen in BatteryStrategy::ALL {
        let setup = SimSetup {
            settings: RunSettings { params: MarketParams::default(), dr: true, battery_strategy: chosen },
            scenarios: vec![S1, S2, S3],
            seed: 2,
            source: "test".into(),
        };
        let mut labels = Vec::new();
        let result = simulate(&households, &setup, &mut |l: &str| labels.push(l.to_string()));
        assert_eq!(labels.len() as u64, market_runtime::sim::simulate::run_count(&setup));
        let other = result.s2_other_strategy.as_ref().expect("S2 with the other strategy");
        assert_ne!(other.battery_strategy, chosen);

        let battery: Vec<_> = findings(&result).into_iter().filter(|f| f.claim.starts_with("batteries")).collect();
        assert_eq!(battery.len(), 2);
        assert!(battery[0].claim.contains("self-consumption") && battery[1].claim.contains("market-aware"));
        let s1 = totals(result.runs.iter().find(|r| r.scenario == S1).expect("S1"));
        for (finding, strategy) in battery.iter().zip(BatteryStrategy::ALL) {
            let s2 = [result.runs.iter().find(|r| r.scenario == S2).expect("S2"), other]
                .into_iter()
                .find(|r| r.battery_strategy == strategy)
                .map(totals)
                .expect("S2 run");
            let holds = s2.grid_export_wh < s1.grid_export_wh && s2.p2p_wh > s1.p2p_wh;
            assert_eq!(finding.verdict, if holds { Verdict::Agrees } else { Verdict::Disagrees }, "{}", finding.evidence);
        }
    }
}
