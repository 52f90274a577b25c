//! Values at the edges of their types, from a transaction, a genesis or the store: each is
//! refused with a typed error or saturates; none panics (release builds check overflow).

mod common;

use common::*;
use market_runtime::chain::codec::{self, BidRecord};
use market_runtime::chain::keys;
use market_runtime::*;

fn fresh() -> MemStore {
    store_with(&genesis(3, 1_000_000_000, Mechanism::Sdr))
}

const OUTSIDER: Address = [0x55; 32];

#[test]
fn a_bid_of_u64_max_wh_is_refused_not_a_panic() {
    let mut s = fresh();
    for side in [Side::Buy, Side::Sell] {
        let err = run_one(&mut s, bid(household_addr(0), 0, 1, side, u64::MAX)).unwrap_err();
        assert!(matches!(err, TxError::QuantityAboveLimit { quantity_wh: u64::MAX, .. }), "{err}");
    }
}

#[test]
fn a_transfer_of_u64_max_is_refused_for_lack_of_balance() {
    let mut s = fresh();
    let err = run_one(&mut s, tx(household_addr(0), 0, TxBody::Transfer { to: OUTSIDER, amount: u64::MAX })).unwrap_err();
    assert_eq!(err, TxError::InsufficientBalance { account: household_addr(0), needed: u64::MAX, available: 1_000_000_000 });
}

#[test]
fn an_account_at_nonce_u64_max_is_refused_not_a_panic() {
    let mut s = fresh();
    let acct = Account { balance: 10, reserved: 0, nonce: u64::MAX };
    s.put(&keys::account(&OUTSIDER), codec::encode_account(&acct));
    let err = run_one(&mut s, tx(OUTSIDER, u64::MAX, TxBody::Transfer { to: household_addr(0), amount: 1 })).unwrap_err();
    assert_eq!(err, TxError::NonceExhausted { sender: OUTSIDER });
    assert_eq!(account(&s, &OUTSIDER).unwrap(), acct, "a refused tx changes nothing");
}

#[test]
fn a_stored_household_with_u64_max_powers_under_a_u64_max_slot_length_bids_without_panic() {
    let mut g = genesis(1, 1_000_000_000, Mechanism::Sdr);
    g.params.slot_ms = u64::MAX;
    let mut s = store_with(&g);
    // Registration bounds every power now; a record from before those bounds need not respect them.
    let spec = HouseholdSpec { pv_capacity_w: u64::MAX, battery_wh: u64::MAX, battery_w: u64::MAX, import_limit_w: u64::MAX, ..spec() };
    let hh = Household { address: household_addr(0), spec, status: HouseholdStatus::Approved };
    s.put(&keys::household(&household_addr(0)), codec::encode_household(&hh));
    let reading = MeterReading { generation_wh: u64::MAX, load_wh: 1, battery_soc_wh: 0, battery_capacity_wh: 0 };
    let t = tx(household_addr(0), 0, TxBody::Bid { slot: 1, side: Side::Sell, quantity_wh: u64::MAX, meter: Some(reading), limit_price: None });
    let err = run_one(&mut s, t).unwrap_err();
    assert!(matches!(err, TxError::MeterValueTooLarge { value: u64::MAX, .. }), "{err}");
    let err = run_one(&mut s, bid(household_addr(0), 0, 1, Side::Sell, u64::MAX)).unwrap_err();
    assert!(matches!(err, TxError::SlotSideFull { total_wh: u64::MAX, .. }), "{err}");
}

#[test]
fn u64_max_genesis_rewards_saturate_instead_of_panicking() {
    let mut g = genesis(3, 1_000_000_000, Mechanism::Sdr);
    g.params.solar_reward_per_kwh = u64::MAX;
    g.params.block_reward = u64::MAX;
    let mut s = store_with(&g);
    let txs = [
        bid(household_addr(0), 0, 2, Side::Sell, 2_000),
        bid(household_addr(1), 0, 2, Side::Sell, 2_000),
        bid(household_addr(2), 0, 2, Side::Buy, 5_000),
    ];
    let signers = vec![VALIDATOR, [0x78; 32], [0x79; 32]];
    let out = execute_block(&mut s, &BlockContext { height: 2, slot: 2, proposer: VALIDATOR, signers }, &txs);
    assert!(out.tx_results.iter().all(Result::is_ok), "{:?}", out.tx_results);
    assert_eq!(out.minted.solar_reward, u64::MAX, "two saturated rewards sum to the saturated value");
    let paid: u128 = out.minted.validators.iter().map(|(_, a)| u128::from(*a)).sum();
    assert_eq!(paid, u128::from(u64::MAX), "the block reward splits exactly");
}

#[test]
fn stored_bids_summing_past_u64_max_are_left_unsettled_not_a_panic() {
    let mut s = fresh();
    let huge = codec::encode_bid(&BidRecord { side: Side::Sell, quantity_wh: u64::MAX, limit_price: None, feeder: None });
    s.put(&keys::bid(2, &household_addr(0)), huge.clone());
    s.put(&keys::bid(2, &household_addr(1)), huge);
    let out = execute_block(&mut s, &ctx(2, 2), &[bid(household_addr(2), 0, 2, Side::Buy, 1_000)]);
    let clearing = out.clearing.expect("slot 2 is cleared");
    assert_eq!(clearing.tsp_wh, 0, "neither out-of-bounds sell bid counts");
    assert_eq!(clearing.tbp_wh, 1_000);
    let sells: Vec<_> = clearing.settlements.iter().filter(|x| x.side == Side::Sell).collect();
    assert!(sells.iter().all(|x| x.amount == 0 && x.p2p_wh == 0 && x.grid_wh == 0), "{sells:?}");
}

#[test]
fn stored_params_outside_the_genesis_bounds_stop_clearing_not_the_node() {
    let mut s = fresh();
    let bad = MarketParams { grid_buy_price: 1, grid_sell_price: u64::MAX, ..MarketParams::default() };
    s.put(keys::PARAMS, codec::encode_params(&bad));
    // Feed-in above retail would underflow `Lb - Ls` in the SDR formula once a slot has buyers.
    let out = execute_block(&mut s, &ctx(2, 2), &[bid(household_addr(0), 0, 2, Side::Buy, 100)]);
    assert_eq!(out.tx_results[0], Err(TxError::CorruptState { key: "meta/params".into() }));
    assert_eq!(out.clearing, None);
}

#[test]
fn a_block_for_slot_u64_max_clears_and_later_bids_are_refused_not_a_panic() {
    let mut s = fresh();
    let out = execute_block(&mut s, &ctx(u64::MAX, u64::MAX), &[bid(household_addr(0), 0, u64::MAX, Side::Buy, 100)]);
    assert!(out.clearing.is_some() && out.tx_results[0].is_ok(), "{:?}", out.tx_results);
    let err = run_one(&mut s, bid(household_addr(1), 0, u64::MAX, Side::Buy, 100)).unwrap_err();
    assert_eq!(err, TxError::SlotCleared { slot: u64::MAX, last_cleared: u64::MAX });
}

#[test]
fn a_registration_with_u64_max_powers_is_refused_naming_the_field() {
    let mut s = fresh();
    let bad = HouseholdSpec { pv_capacity_w: u64::MAX, ..spec() };
    let err = run_one(&mut s, tx(OUTSIDER, 0, TxBody::RegisterHousehold(bad))).unwrap_err();
    assert!(matches!(err, TxError::InvalidSpec { ref reason } if reason.contains("pv_capacity_w") && reason.contains("100000000000")), "{err}");
    let bad = HouseholdSpec { battery_wh: u64::MAX, ..spec() };
    let err = run_one(&mut s, tx(OUTSIDER, 0, TxBody::RegisterHousehold(bad))).unwrap_err();
    assert!(matches!(err, TxError::InvalidSpec { ref reason } if reason.contains("battery_wh")), "{err}");
}
