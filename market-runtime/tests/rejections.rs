//! One test per `TxError` variant: each rejection path, with the value it names.

mod common;

use common::*;
use market_runtime::*;

fn fresh() -> MemStore {
    store_with(&genesis(3, 1_000_000_000, Mechanism::Sdr))
}

fn tx(sender: Address, nonce: u64, body: TxBody) -> Tx {
    Tx { sender, nonce, body }
}

/// Applies `t` through a block and returns its result; also checks check_tx agreed beforehand.
fn run(store: &mut MemStore, t: Tx) -> Result<(), TxError> {
    let checked = check_tx(store, &t);
    let last = market_runtime::query::last_cleared_slot(store).ok().flatten().unwrap_or(0);
    let out = execute_block(store, &BlockContext { height: 1, slot: last, proposer: VALIDATOR, signers: vec![] }, &[t]);
    let applied = out.tx_results[0].clone();
    assert_eq!(checked, applied, "check_tx and execution disagree");
    applied
}

const OUTSIDER: Address = [0x55; 32];

#[test]
fn nonce_not_next_is_rejected_with_expected_and_got() {
    let mut s = fresh();
    let err = run(&mut s, bid(household_addr(0), 5, 1, Side::Buy, 100)).unwrap_err();
    assert_eq!(err, TxError::BadNonce { sender: household_addr(0), expected: 0, got: 5 });
}

#[test]
fn replayed_tx_is_rejected_by_nonce() {
    let mut s = fresh();
    let t = tx(household_addr(0), 0, TxBody::Transfer { to: OUTSIDER, amount: 1 });
    assert_eq!(run(&mut s, t.clone()), Ok(()));
    assert!(matches!(run(&mut s, t), Err(TxError::BadNonce { expected: 1, got: 0, .. })));
}

#[test]
fn non_administrator_cannot_open_market() {
    let mut s = fresh();
    let err = run(&mut s, tx(OUTSIDER, 0, TxBody::CloseMarket)).unwrap_err();
    assert_eq!(err, TxError::NotAdministrator { sender: OUTSIDER });
}

#[test]
fn registering_twice_is_rejected() {
    let mut s = fresh();
    let err = run(&mut s, tx(household_addr(0), 0, TxBody::RegisterHousehold(spec()))).unwrap_err();
    assert_eq!(err, TxError::AlreadyRegistered { household: household_addr(0) });
}

#[test]
fn spec_with_battery_power_but_no_capacity_is_invalid() {
    let mut s = fresh();
    let bad = HouseholdSpec { battery_wh: 0, battery_w: 2_500, ..spec() };
    let err = run(&mut s, tx(OUTSIDER, 0, TxBody::RegisterHousehold(bad))).unwrap_err();
    assert!(matches!(err, TxError::InvalidSpec { ref reason } if reason.contains("2500 W")), "{err}");
}

#[test]
fn approving_an_unknown_household_is_rejected() {
    let mut s = fresh();
    let err = run(&mut s, tx(ADMIN, 0, TxBody::ApproveHousehold { household: OUTSIDER })).unwrap_err();
    assert_eq!(err, TxError::UnknownHousehold { household: OUTSIDER });
}

#[test]
fn approving_an_approved_household_is_rejected_as_not_pending() {
    let mut s = fresh();
    let err = run(&mut s, tx(ADMIN, 0, TxBody::ApproveHousehold { household: household_addr(1) })).unwrap_err();
    assert_eq!(err, TxError::NotPending { household: household_addr(1), status: "approved".into() });
}

#[test]
fn pending_household_cannot_bid() {
    let mut s = fresh();
    assert_eq!(run(&mut s, tx(OUTSIDER, 0, TxBody::RegisterHousehold(spec()))), Ok(()));
    let err = run(&mut s, bid(OUTSIDER, 1, 1, Side::Sell, 100)).unwrap_err();
    assert_eq!(err, TxError::NotApproved { household: OUTSIDER, status: "pending".into() });
}

#[test]
fn rejection_reason_over_the_limit_is_rejected() {
    let mut s = fresh();
    assert_eq!(run(&mut s, tx(OUTSIDER, 0, TxBody::RegisterHousehold(spec()))), Ok(()));
    let reason = "x".repeat(300);
    let err = run(&mut s, tx(ADMIN, 0, TxBody::RejectHousehold { household: OUTSIDER, reason })).unwrap_err();
    assert_eq!(err, TxError::ReasonTooLong { len: 300, max: 256 });
}

#[test]
fn opening_an_open_market_is_rejected() {
    let mut s = fresh();
    assert_eq!(run(&mut s, tx(ADMIN, 0, TxBody::OpenMarket)), Err(TxError::MarketAlreadyOpen));
}

#[test]
fn closing_a_closed_market_is_rejected() {
    let mut s = fresh();
    assert_eq!(run(&mut s, tx(ADMIN, 0, TxBody::CloseMarket)), Ok(()));
    assert_eq!(run(&mut s, tx(ADMIN, 1, TxBody::CloseMarket)), Err(TxError::MarketAlreadyClosed));
}

#[test]
fn bid_while_market_closed_is_rejected() {
    let mut s = fresh();
    assert_eq!(run(&mut s, tx(ADMIN, 0, TxBody::CloseMarket)), Ok(()));
    assert_eq!(run(&mut s, bid(household_addr(0), 0, 1, Side::Buy, 100)), Err(TxError::MarketClosed));
}

#[test]
fn bid_for_a_cleared_slot_is_rejected() {
    let mut s = fresh();
    execute_block(&mut s, &ctx(1, 7), &[]);
    let err = run(&mut s, bid(household_addr(0), 0, 7, Side::Buy, 100)).unwrap_err();
    assert_eq!(err, TxError::SlotCleared { slot: 7, last_cleared: 7 });
}

#[test]
fn bid_beyond_the_future_window_is_rejected() {
    let mut s = fresh();
    execute_block(&mut s, &ctx(1, 7), &[]);
    let err = run(&mut s, bid(household_addr(0), 0, 7 + 1 + 48 + 1, Side::Buy, 100)).unwrap_err();
    assert_eq!(err, TxError::SlotTooFarAhead { slot: 57, max_slot: 56 });
}

#[test]
fn second_bid_for_the_same_slot_is_rejected() {
    let mut s = fresh();
    assert_eq!(run(&mut s, bid(household_addr(0), 0, 9, Side::Buy, 100)), Ok(()));
    let err = run(&mut s, bid(household_addr(0), 1, 9, Side::Sell, 100)).unwrap_err();
    assert_eq!(err, TxError::DuplicateBid { household: household_addr(0), slot: 9 });
}

#[test]
fn zero_quantity_bid_is_rejected() {
    let mut s = fresh();
    assert_eq!(run(&mut s, bid(household_addr(0), 0, 9, Side::Buy, 0)), Err(TxError::ZeroQuantity));
}

#[test]
fn sell_above_pv_plus_battery_power_over_the_slot_is_rejected() {
    let mut s = fresh();
    // 5 kW PV + 2.5 kW battery over a one-hour slot: 7.5 kWh.
    let err = run(&mut s, bid(household_addr(0), 0, 9, Side::Sell, 7_501)).unwrap_err();
    assert_eq!(err, TxError::QuantityAboveLimit { side: Side::Sell, quantity_wh: 7_501, limit_wh: 7_500 });
}

#[test]
fn buy_above_import_limit_over_the_slot_is_rejected() {
    let mut s = fresh();
    let err = run(&mut s, bid(household_addr(0), 0, 9, Side::Buy, 10_001)).unwrap_err();
    assert_eq!(err, TxError::QuantityAboveLimit { side: Side::Buy, quantity_wh: 10_001, limit_wh: 10_000 });
}

#[test]
fn slot_side_total_above_the_arithmetic_limit_is_rejected() {
    let mut g = genesis(2, u64::MAX / 4, Mechanism::Sdr);
    for h in &mut g.households {
        h.spec.import_limit_w = 80_000_000_000;
    }
    let mut s = store_with(&g);
    assert_eq!(run(&mut s, bid(household_addr(0), 0, 9, Side::Buy, 60_000_000_000)), Ok(()));
    let err = run(&mut s, bid(household_addr(1), 0, 9, Side::Buy, 60_000_000_000)).unwrap_err();
    assert_eq!(
        err,
        TxError::SlotSideFull { slot: 9, side: Side::Buy, total_wh: 120_000_000_000, limit_wh: 100_000_000_000 }
    );
}

#[test]
fn buyer_who_cannot_cover_the_worst_case_is_rejected() {
    let mut s = store_with(&genesis(1, 999, Mechanism::Sdr));
    // 1 Wh at Lb = 1 token/kWh needs 1000 micro-tokens.
    let err = run(&mut s, bid(household_addr(0), 0, 9, Side::Buy, 1)).unwrap_err();
    assert_eq!(err, TxError::InsufficientBalance { account: household_addr(0), needed: 1_000, available: 999 });
}

#[test]
fn reserved_balance_cannot_be_transferred_away() {
    let mut s = store_with(&genesis(1, 10_000, Mechanism::Sdr));
    assert_eq!(run(&mut s, bid(household_addr(0), 0, 9, Side::Buy, 8)), Ok(()));
    let err = run(&mut s, tx(household_addr(0), 1, TxBody::Transfer { to: OUTSIDER, amount: 2_001 })).unwrap_err();
    assert_eq!(err, TxError::InsufficientBalance { account: household_addr(0), needed: 2_001, available: 2_000 });
}

#[test]
fn seller_is_rejected_when_the_grid_cannot_cover_feed_in() {
    let mut g = genesis(1, 10_000, Mechanism::Sdr);
    g.balances.retain(|b| b.address != GRID);
    let mut s = store_with(&g);
    let err = run(&mut s, bid(household_addr(0), 0, 9, Side::Sell, 10)).unwrap_err();
    assert_eq!(err, TxError::GridCannotCover { needed: 4_000, available: 0 });
}

#[test]
fn zero_transfer_is_rejected() {
    let mut s = fresh();
    assert_eq!(run(&mut s, tx(household_addr(0), 0, TxBody::Transfer { to: OUTSIDER, amount: 0 })), Err(TxError::ZeroAmount));
}

#[test]
fn transfer_that_overflows_the_recipient_is_rejected() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.balances.push(GenesisBalance { address: OUTSIDER, amount: u64::MAX - 5 });
    let mut s = store_with(&g);
    let err = run(&mut s, tx(household_addr(0), 0, TxBody::Transfer { to: OUTSIDER, amount: 10 })).unwrap_err();
    assert_eq!(err, TxError::BalanceOverflow { account: OUTSIDER });
}

#[test]
fn adding_a_validator_past_the_limit_is_rejected() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.validators = (0..1_000u32)
        .map(|i| {
            let mut a = [0x66u8; 32];
            a[..4].copy_from_slice(&i.to_be_bytes());
            GenesisValidator { address: a, power: 1 }
        })
        .collect();
    let mut s = store_with(&g);
    let err = run(&mut s, tx(ADMIN, 0, TxBody::ValidatorUpdate { validator: OUTSIDER, power: 3, node_key: None })).unwrap_err();
    assert_eq!(err, TxError::TooManyValidators { max: 1_000 });
}

#[test]
fn removing_an_unknown_validator_is_rejected() {
    let mut s = fresh();
    let err = run(&mut s, tx(ADMIN, 0, TxBody::ValidatorUpdate { validator: OUTSIDER, power: 0, node_key: None })).unwrap_err();
    assert_eq!(err, TxError::UnknownValidator { validator: OUTSIDER });
}

#[test]
fn evidence_from_an_outsider_is_rejected() {
    let mut s = fresh();
    let err = run(&mut s, tx(OUTSIDER, 0, TxBody::Evidence { validator: VALIDATOR, height: 3, round: 0 })).unwrap_err();
    assert_eq!(err, TxError::NotAuthorizedForEvidence { sender: OUTSIDER });
}

#[test]
fn evidence_is_punished_once_and_a_repeat_is_rejected() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    let second = [0x78u8; 32];
    g.validators.push(GenesisValidator { address: second, power: 5 });
    g.balances.push(GenesisBalance { address: second, amount: 25_000_000 });
    let mut s = store_with(&g);
    let ev = TxBody::Evidence { validator: second, height: 3, round: 1 };
    assert_eq!(run(&mut s, tx(ADMIN, 0, ev.clone())), Ok(()));
    // Slashed: removed from the set, 10 tokens moved to the administrator.
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10)]);
    assert_eq!(account(&s, &second).unwrap().balance, 15_000_000);
    assert_eq!(account(&s, &ADMIN).unwrap().balance, 10_000_000);
    // The validator is gone, so the same evidence now names an unknown validator; re-adding it
    // shows the (validator, height, round) itself is remembered.
    assert_eq!(run(&mut s, tx(ADMIN, 1, TxBody::ValidatorUpdate { validator: second, power: 5, node_key: None })), Ok(()));
    let err = run(&mut s, tx(ADMIN, 2, ev)).unwrap_err();
    assert_eq!(err, TxError::EvidenceAlreadyHandled { validator: second, height: 3, round: 1 });
}

#[test]
fn corrupt_stored_account_is_reported_with_its_key() {
    let mut s = fresh();
    s.put(b"acct/\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55\x55", vec![1, 2, 3]);
    let err = run(&mut s, tx(OUTSIDER, 0, TxBody::OpenMarket)).unwrap_err();
    assert!(matches!(err, TxError::CorruptState { ref key } if key.starts_with("acct/")), "{err}");
}

#[test]
fn genesis_with_feed_in_above_retail_is_rejected() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.params.grid_sell_price = 2_000_000;
    let err = init_genesis(&mut MemStore::new(), &g).unwrap_err();
    assert_eq!(err, GenesisError::FeedInAboveRetail { grid_sell_price: 2_000_000, grid_buy_price: 1_000_000 });
}

#[test]
fn genesis_into_a_non_empty_store_is_rejected() {
    let g = genesis(1, 10, Mechanism::Sdr);
    let mut s = store_with(&g);
    assert!(matches!(init_genesis(&mut s, &g), Err(GenesisError::StoreNotEmpty { .. })));
}

#[test]
fn genesis_price_of_zero_or_above_the_cap_is_rejected() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.params.grid_sell_price = 0;
    let err = init_genesis(&mut MemStore::new(), &g).unwrap_err();
    assert_eq!(err, GenesisError::PriceOutOfRange { name: "grid_sell_price", value: 0, max: 10_000_000 });
    g.params.grid_sell_price = 1;
    g.params.grid_buy_price = 10_000_001;
    let err = init_genesis(&mut MemStore::new(), &g).unwrap_err();
    assert_eq!(err, GenesisError::PriceOutOfRange { name: "grid_buy_price", value: 10_000_001, max: 10_000_000 });
}

#[test]
fn genesis_with_zero_slot_length_is_rejected() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.params.slot_ms = 0;
    assert_eq!(init_genesis(&mut MemStore::new(), &g), Err(GenesisError::ZeroSlotLength));
}

#[test]
fn genesis_listing_a_household_twice_is_rejected() {
    let mut g = genesis(2, 10, Mechanism::Sdr);
    g.households[1].address = g.households[0].address;
    let err = init_genesis(&mut MemStore::new(), &g).unwrap_err();
    assert_eq!(err, GenesisError::Duplicate { list: "households", address: household_addr(0) });
}

#[test]
fn genesis_household_with_an_invalid_spec_is_rejected() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.households[0].spec.lot = "L".repeat(65);
    let err = init_genesis(&mut MemStore::new(), &g).unwrap_err();
    assert!(matches!(err, GenesisError::InvalidHousehold { ref reason, .. } if reason.contains("65 bytes")), "{err}");
}

#[test]
fn genesis_with_too_many_validators_is_rejected() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.validators = (0..1_001u32)
        .map(|i| {
            let mut a = [0x66u8; 32];
            a[..4].copy_from_slice(&i.to_be_bytes());
            GenesisValidator { address: a, power: 1 }
        })
        .collect();
    assert_eq!(
        init_genesis(&mut MemStore::new(), &g),
        Err(GenesisError::TooManyValidators { count: 1_001, max: 1_000 })
    );
}

#[test]
fn grid_account_cannot_register_as_a_household() {
    let mut s = fresh();
    let err = run(&mut s, tx(GRID, 0, TxBody::RegisterHousehold(spec()))).unwrap_err();
    assert!(matches!(err, TxError::InvalidSpec { ref reason } if reason.contains("grid")), "{err}");
}

#[test]
fn genesis_json_reads_hex_addresses_and_kebab_case_mechanism() {
    let g = genesis(1, 10, Mechanism::BillSharing);
    let text = serde_json::to_string(&g).expect("serialises");
    assert!(text.contains(&"aa".repeat(32)), "{text}");
    assert!(text.contains("\"bill-sharing\""), "{text}");
    let back: AppGenesis = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, g);
}
