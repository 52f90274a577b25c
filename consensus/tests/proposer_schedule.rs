//! Property: the weighted round-robin gives every validator exactly as many proposer turns
//! as its power in any `total power` consecutive slots, for any powers.

use consensus::testing::validator_id;
use consensus::ValidatorSet;
use proptest::prelude::*;

proptest! {
    #[test]
    fn every_window_of_total_power_slots_gives_each_validator_its_power(
        powers in prop::collection::vec(1u64..=50, 1..=20),
        start in 0u64..1_000_000,
    ) {
        let set = ValidatorSet::new(powers.iter().enumerate().map(|(i, p)| (validator_id(i), *p)).collect()).unwrap();
        let mut turns = vec![0u64; set.len()];
        for slot in start..start + set.total_power() {
            turns[set.proposer_index(slot, 0)] += 1;
        }
        let expected: Vec<u64> = set.validators().iter().map(|(_, p)| *p).collect();
        prop_assert_eq!(turns, expected);
    }
}
