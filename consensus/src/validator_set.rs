//! Stake-weighted validator sets: thresholds and weighted round-robin proposer selection.

use std::collections::HashMap;

use crate::error::ValidatorSetError;
use crate::types::{Height, Round, ValidatorId};

/// The validators of one height with their voting power, in canonical (ascending id) order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidatorSet {
    validators: Vec<(ValidatorId, u64)>,
    index: HashMap<ValidatorId, usize>,
    /// Running sums of power in canonical order: `cumulative[i]` = power of validators `0..=i`.
    cumulative: Vec<u64>,
    total: u64,
    /// Stride of the proposer schedule, coprime with `total` (see [`ValidatorSet::proposer`]).
    stride: u64,
}

impl ValidatorSet {
    /// Builds a set; order of the input does not matter (the set sorts by id, so every node
    /// that is given the same members computes the same proposers).
    pub fn new(mut validators: Vec<(ValidatorId, u64)>) -> Result<Self, ValidatorSetError> {
        if validators.is_empty() {
            return Err(ValidatorSetError::Empty);
        }
        validators.sort_by_key(|v| v.0);
        let mut index = HashMap::with_capacity(validators.len());
        let mut cumulative = Vec::with_capacity(validators.len());
        let mut total: u64 = 0;
        for (i, (id, power)) in validators.iter().enumerate() {
            if *power == 0 {
                return Err(ValidatorSetError::ZeroPower(*id));
            }
            if index.insert(*id, i).is_some() {
                return Err(ValidatorSetError::Duplicate(*id));
            }
            total = total.checked_add(*power).ok_or(ValidatorSetError::PowerOverflow)?;
            cumulative.push(total);
        }
        let stride = coprime_stride(total);
        Ok(Self { validators, index, cumulative, total, stride })
    }

    /// Equal power for every id: PBFT-style voting.
    pub fn equal(ids: impl IntoIterator<Item = ValidatorId>) -> Result<Self, ValidatorSetError> {
        Self::new(ids.into_iter().map(|id| (id, 1)).collect())
    }

    pub fn validators(&self) -> &[(ValidatorId, u64)] {
        &self.validators
    }

    pub fn len(&self) -> usize {
        self.validators.len()
    }

    pub fn is_empty(&self) -> bool {
        self.validators.is_empty()
    }

    pub fn total_power(&self) -> u64 {
        self.total
    }

    pub fn index_of(&self, id: &ValidatorId) -> Option<usize> {
        self.index.get(id).copied()
    }

    pub fn power_of(&self, id: &ValidatorId) -> Option<u64> {
        self.index_of(id).map(|i| self.validators[i].1)
    }

    pub(crate) fn power_at(&self, index: usize) -> u64 {
        self.validators[index].1
    }

    pub(crate) fn id_at(&self, index: usize) -> ValidatorId {
        self.validators[index].0
    }

    /// More than two thirds of the total power.
    pub fn is_quorum(&self, power: u64) -> bool {
        3 * u128::from(power) > 2 * u128::from(self.total)
    }

    /// More than one third of the total power: at least one honest validator is among them.
    pub fn is_one_third(&self, power: u64) -> bool {
        3 * u128::from(power) > u128::from(self.total)
    }

    /// Index of the proposer of `(height, round)`.
    ///
    /// Weighted round-robin without state: slot `k = height + round` maps to the power unit
    /// `k * stride mod total`, and the validator owning that unit proposes. Because the stride
    /// is coprime with the total power, every run of `total` consecutive slots gives each
    /// validator exactly as many turns as its power, and the golden-ratio stride spreads
    /// those turns out instead of giving a heavy validator a long streak.
    pub fn proposer_index(&self, height: Height, round: Round) -> usize {
        let slot = (u128::from(height) + u128::from(round)) % u128::from(self.total);
        let unit = (slot * u128::from(self.stride) % u128::from(self.total)) as u64;
        // The first validator whose running sum exceeds `unit` owns it.
        self.cumulative.partition_point(|&c| c <= unit)
    }

    pub fn proposer(&self, height: Height, round: Round) -> ValidatorId {
        self.id_at(self.proposer_index(height, round))
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

/// Largest partial quotient of the continued fraction of `num / den`: the smaller it is,
/// the more evenly the multiples of `num` spread modulo `den` (three-distance theorem).
fn max_partial_quotient(mut num: u64, mut den: u64) -> u64 {
    let mut worst = 0;
    while num != 0 {
        worst = worst.max(den / num);
        let r = den % num;
        den = num;
        num = r;
    }
    worst
}

/// Candidates examined on each side of `total / golden ratio`.
const STRIDE_SEARCH: u64 = 256;

/// A stride coprime with `total` (so one cycle of `total` slots visits every power unit
/// once) whose multiples spread evenly: near `total / golden ratio`, whose continued
/// fraction is all ones, choosing the candidate with the smallest largest partial quotient.
/// A stride chosen only for coprimality can clump turns (27/40 = [0; 1, 2, 13] gives one
/// validator four of twelve consecutive turns).
fn coprime_stride(total: u64) -> u64 {
    if total <= 2 {
        return 1;
    }
    let centre = ((u128::from(total) * 618_034 / 1_000_000) as u64).clamp(1, total - 1);
    let mut best: Option<(u64, u64, u64)> = None; // (quality, distance, stride)
    for distance in 0..=STRIDE_SEARCH {
        for stride in [centre.checked_add(distance), centre.checked_sub(distance)].into_iter().flatten() {
            if stride == 0 || stride >= total || gcd(stride, total) != 1 {
                continue;
            }
            let candidate = (max_partial_quotient(stride, total), distance, stride);
            if best.is_none_or(|b| candidate < b) {
                best = Some(candidate);
            }
        }
    }
    // Some stride is always coprime (1 is); the search only fails for tiny totals.
    best.map_or(1, |(_, _, stride)| stride)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(i: u8) -> ValidatorId {
        [i; 32]
    }

    #[test]
    fn each_validator_proposes_as_often_as_its_power_over_one_cycle() {
        let set = ValidatorSet::new(vec![(id(1), 5), (id(2), 3), (id(3), 1), (id(4), 1)]).unwrap();
        let mut counts = [0u64; 4];
        for h in 0..set.total_power() {
            counts[set.proposer_index(h, 0)] += 1;
        }
        assert_eq!(counts, [5, 3, 1, 1]);
    }

    #[test]
    fn equal_powers_rotate_through_every_validator() {
        let set = ValidatorSet::equal((0..7).map(id)).unwrap();
        let mut seen: Vec<usize> = (0..7).map(|h| set.proposer_index(h, 0)).collect();
        seen.sort();
        assert_eq!(seen, (0..7).collect::<Vec<_>>());
    }

    #[test]
    fn no_validator_gets_a_long_run_of_turns() {
        // Powers that once gave a clumping stride (27 of 40).
        let set = ValidatorSet::new(vec![(id(1), 8), (id(2), 7), (id(3), 4), (id(4), 10), (id(5), 3), (id(6), 8)]).unwrap();
        for start in 0..40u64 {
            let window: Vec<usize> = (start..start + 12).map(|k| set.proposer_index(k, 0)).collect();
            for v in 0..6 {
                let turns = window.iter().filter(|i| **i == v).count() as u64;
                // Expected share of 12 turns, plus one for rounding.
                let fair = 12 * set.power_at(v) / set.total_power() + 2;
                assert!(turns <= fair, "validator {v} had {turns} of 12 turns from {start}: {window:?}");
            }
        }
    }

    #[test]
    fn input_order_does_not_change_the_proposer() {
        let a = ValidatorSet::new(vec![(id(1), 2), (id(2), 3), (id(3), 4)]).unwrap();
        let b = ValidatorSet::new(vec![(id(3), 4), (id(1), 2), (id(2), 3)]).unwrap();
        for h in 0..20 {
            assert_eq!(a.proposer(h, 1), b.proposer(h, 1));
        }
    }

    #[test]
    fn quorum_needs_strictly_more_than_two_thirds() {
        let set = ValidatorSet::equal((0..4).map(id)).unwrap();
        assert!(!set.is_quorum(2));
        assert!(set.is_quorum(3));
        assert!(!set.is_one_third(1));
        assert!(set.is_one_third(2));
    }

    #[test]
    fn duplicate_and_zero_power_are_rejected() {
        assert_eq!(ValidatorSet::new(vec![(id(1), 1), (id(1), 2)]), Err(ValidatorSetError::Duplicate(id(1))));
        assert_eq!(ValidatorSet::new(vec![(id(1), 0)]), Err(ValidatorSetError::ZeroPower(id(1))));
        assert_eq!(ValidatorSet::new(vec![]), Err(ValidatorSetError::Empty));
    }
}
