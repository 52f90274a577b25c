//! `check_tx_admission`: a transaction ahead of its sender's missing nonces still passes every
//! other check against the committed state, and how far ahead it may be is bounded.

mod common;

use common::*;
use market_runtime::*;

const MAX_AHEAD: u64 = 16;

fn fresh() -> MemStore {
    store_with(&genesis(2, 1_000_000_000, Mechanism::Sdr))
}

#[test]
fn a_far_future_nonce_is_refused_as_too_far_ahead() {
    let s = fresh();
    let t = bid(household_addr(0), MAX_AHEAD + 1, 1, Side::Buy, 100);
    let err = check_tx_admission(&s, &t, MAX_AHEAD).unwrap_err();
    assert_eq!(err, TxError::NonceTooFarAhead { sender: household_addr(0), expected: 0, got: MAX_AHEAD + 1, max_ahead: MAX_AHEAD });
    assert_eq!(check_tx_admission(&s, &bid(household_addr(0), MAX_AHEAD, 1, Side::Buy, 100), MAX_AHEAD), Ok(()));
}

#[test]
fn a_near_future_transfer_the_committed_balance_cannot_cover_is_refused() {
    let s = fresh();
    let t = tx(household_addr(0), 3, TxBody::Transfer { to: household_addr(1), amount: 2_000_000_000 });
    let err = check_tx_admission(&s, &t, MAX_AHEAD).unwrap_err();
    assert_eq!(err, TxError::InsufficientBalance { account: household_addr(0), needed: 2_000_000_000, available: 1_000_000_000 });
}

#[test]
fn a_near_future_valid_bid_is_admitted_and_only_admission_accepts_it() {
    let s = fresh();
    let t = bid(household_addr(0), 2, 1, Side::Buy, 100);
    assert_eq!(check_tx_admission(&s, &t, MAX_AHEAD), Ok(()));
    assert_eq!(check_tx(&s, &t), Err(TxError::BadNonce { sender: household_addr(0), expected: 0, got: 2 }));
}

#[test]
fn a_replayed_nonce_is_refused_as_bad_nonce() {
    let mut s = fresh();
    let t = tx(household_addr(0), 0, TxBody::Transfer { to: household_addr(1), amount: 5 });
    assert_eq!(run_one(&mut s, t.clone()), Ok(()));
    assert_eq!(check_tx_admission(&s, &t, MAX_AHEAD), Err(TxError::BadNonce { sender: household_addr(0), expected: 1, got: 0 }));
}

#[test]
fn near_future_transactions_from_strangers_fail_the_registry_and_administrator_rules() {
    let s = fresh();
    let stranger = [0x33; 32];
    let err = check_tx_admission(&s, &bid(stranger, 1, 1, Side::Buy, 100), MAX_AHEAD).unwrap_err();
    assert_eq!(err, TxError::UnknownHousehold { household: stranger });
    let err = check_tx_admission(&s, &tx(stranger, 1, TxBody::CloseMarket), MAX_AHEAD).unwrap_err();
    assert_eq!(err, TxError::NotAdministrator { sender: stranger });
    let err = check_tx_admission(&s, &tx(stranger, 2, TxBody::Transfer { to: household_addr(0), amount: 1 }), MAX_AHEAD).unwrap_err();
    assert!(matches!(err, TxError::InsufficientBalance { available: 0, .. }), "{err}");
}

#[test]
fn a_near_future_bid_above_the_household_limit_is_refused() {
    let s = fresh();
    let err = check_tx_admission(&s, &bid(household_addr(0), 1, 1, Side::Buy, 1_000_000), MAX_AHEAD).unwrap_err();
    assert!(matches!(err, TxError::QuantityAboveLimit { limit_wh: 10_000, .. }), "{err}");
}

#[test]
fn a_nonce_ahead_by_u64_max_is_refused_not_a_panic() {
    let s = fresh();
    let err = check_tx_admission(&s, &bid(household_addr(0), u64::MAX, 1, Side::Buy, 100), u64::MAX - 1).unwrap_err();
    assert!(matches!(err, TxError::NonceTooFarAhead { got: u64::MAX, .. }), "{err}");
}
