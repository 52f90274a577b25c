//! The largest-remainder method: the one way a slot's totals (micro-tokens or Wh) are divided
//! among bids (step 4 of the rounding rule in the `chain` module doc). Each item gets the floor
//! of its exact share, and the units left over go one each to the largest remainders, ties to
//! the lower index: a total order, so every node gets the same split, and the shares sum to the
//! total exactly.

/// Splits `total` among the items `0..n` whose exact shares are `num(i) / den` (`None`: item
/// `i` takes no part), calling `set(i, share)` for every item that does. Returns the sum of the
/// shares set.
///
/// The shares sum to `total` whenever `total` lies between the sum of the floors and that sum
/// plus the number of items with a remainder, which holds for the two uses: quotas that sum to
/// `total` exactly (Hamilton's method: `num(i) = q_i x total`, `den = sum of q`), and exact
/// amounts whose sum rounds down or up to `total` (the auction's payments).
pub fn apportion(
    n: usize,
    den: u64,
    total: u64,
    scratch: &mut Vec<(u64, u32)>,
    num: impl Fn(usize) -> Option<u128>,
    mut set: impl FnMut(usize, u64),
) -> u64 {
    if den == 0 {
        return 0;
    }
    let d = den as u128;
    scratch.clear();
    let mut given: u128 = 0;
    for i in 0..n {
        let Some(x) = num(i) else { continue };
        let share = x / d;
        // x % d < d = den, so the remainder fits u64.
        let rem = (x % d) as u64;
        given = given.saturating_add(share);
        set(i, floor_u64(share));
        if rem > 0 {
            // Bid indices fit u32: a slot has at most one bid per household.
            scratch.push((rem, i as u32));
        }
    }
    let leftover = usize::try_from((total as u128).saturating_sub(given)).unwrap_or(usize::MAX).min(scratch.len());
    if leftover == 0 {
        return floor_u64(given);
    }
    // Largest remainders first, then the lower index: a total order, so the result is unique.
    let order = |a: &(u64, u32), b: &(u64, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
    if leftover < scratch.len() {
        scratch.select_nth_unstable_by(leftover - 1, order);
    }
    for &(_, i) in scratch.iter().take(leftover) {
        let i = i as usize;
        if let Some(x) = num(i) {
            set(i, floor_u64(x / d + 1));
        }
    }
    floor_u64(given.saturating_add(leftover as u128))
}

/// Values here are bounded far below u64::MAX by MAX_PRICE and MAX_SIDE_WH; saturate rather than wrap.
pub fn floor_u64(v: u128) -> u64 {
    u64::try_from(v).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::apportion;

    fn split(weights: &[u64], total: u64) -> Vec<u64> {
        let sum: u64 = weights.iter().sum();
        let mut out = vec![0; weights.len()];
        let given = apportion(weights.len(), sum, total, &mut Vec::new(), |i| Some(weights[i] as u128 * total as u128), |i, v| out[i] = v);
        assert_eq!(given, total);
        out
    }

    #[test]
    fn leftover_goes_to_largest_remainders_then_lower_index() {
        // 10 in thirds: 3.33 each, the one left over goes to the first.
        assert_eq!(split(&[1, 1, 1], 10), vec![4, 3, 3]);
        // 7 over 1:2:4 exactly.
        assert_eq!(split(&[1, 2, 4], 7), vec![1, 2, 4]);
        // 5 over 1:1:2: 1.25, 1.25, 2.5; the largest remainder (0.5) wins.
        assert_eq!(split(&[1, 1, 2], 5), vec![1, 1, 3]);
    }

    #[test]
    fn exact_amounts_that_round_up_give_the_extra_unit_to_the_largest_remainder() {
        // Exact amounts 1.4 and 2.7 (den 10) sum to 4.1; a total of 5 (the ceiling) needs two extra.
        let mut out = [0u64; 2];
        let num = [14u128, 27];
        let given = apportion(2, 10, 5, &mut Vec::new(), |i| Some(num[i]), |i, v| out[i] = v);
        assert_eq!((given, out), (5, [2, 3]));
    }
}
