//! Scenario: limit prices at and beyond the genesis bounds (Ls 400,000, Lb 1,000,000 µ/kWh).
//! A price outside [Ls, Lb] is refused with a typed error naming the side, the value and both
//! bounds, by admission and by execution alike, under every mechanism (a bid's validity does
//! not depend on the genesis' mechanism); the bounds themselves are accepted.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn prices_outside_feed_in_and_retail_are_refused_naming_the_bounds() {
    for mechanism in Mechanism::ALL {
        let mut store = store_with(&genesis(2, 1_000_000_000, mechanism));
        let (buyer, seller) = (household_addr(0), household_addr(1));
        let err = run_one(&mut store, priced_bid(buyer, 0, 1, Side::Buy, 1_000, 1_000_001)).unwrap_err();
        assert_eq!(err, TxError::LimitPriceOutOfRange { side: Side::Buy, price: 1_000_001, min: 400_000, max: 1_000_000 });
        let err = run_one(&mut store, priced_bid(seller, 0, 1, Side::Sell, 1_000, 399_999)).unwrap_err();
        assert_eq!(err, TxError::LimitPriceOutOfRange { side: Side::Sell, price: 399_999, min: 400_000, max: 1_000_000 });
        // 0 on the wire is a price of 0, not "no price": refused too.
        let err = run_one(&mut store, priced_bid(seller, 0, 1, Side::Sell, 1_000, 0)).unwrap_err();
        assert!(matches!(err, TxError::LimitPriceOutOfRange { price: 0, .. }), "{err}");
        assert!(err.to_string().contains("outside [400000, 1000000]"), "{err}");

        // A buyer may ask for less than Lb, a seller for more than Ls: both bounds included.
        assert_eq!(run_one(&mut store, priced_bid(buyer, 0, 1, Side::Buy, 1_000, 400_000)), Ok(()), "{mechanism:?}");
        assert_eq!(run_one(&mut store, priced_bid(seller, 0, 1, Side::Sell, 1_000, 1_000_000)), Ok(()), "{mechanism:?}");
    }
}

#[test]
fn a_priced_buy_still_reserves_its_worst_case_at_retail() {
    // The price caps local trade only: energy not matched comes from the grid at Lb, so the
    // reservation stays quantity x Lb and settlement can never overdraw.
    let mut store = store_with(&genesis(1, 1_000_000_000, Mechanism::PayAsClear));
    assert_eq!(run_one(&mut store, priced_bid(household_addr(0), 0, 1, Side::Buy, 2_000, 500_000)), Ok(()));
    assert_eq!(account(&store, &household_addr(0)).expect("readable").reserved, 2_000_000);
}
