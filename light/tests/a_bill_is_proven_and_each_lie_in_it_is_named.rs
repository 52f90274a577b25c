//! Scenario: a household's account and its settlement in the last slot, proven against a verified header; a node that changes a value, hides a bidder or lists one out of order is caught by name.

mod fixture;

use fixture::{keys, set_of, TestChain, CHAIN};
use light::{verify_bill, LightError, SlotVerdict, Verifier};
use market_runtime::codec::{encode_account, encode_bid, encode_settlements, encode_u64, BidRecord, SettledPart};
use market_runtime::{keys as state_keys, Account, Side};

const SLOT: u64 = 7;

fn part(amount: u64) -> SettledPart {
    SettledPart { p2p_wh: 100 + amount, grid_wh: 5, amount, solar_reward: 1 }
}

/// Three bidders of slot 7; the household is the middle one, a seller paid 2,000.
fn chain() -> (TestChain, [u8; 32]) {
    let bidders = [[1u8; 32], [2u8; 32], [3u8; 32]];
    let household = bidders[1];
    let account = Account { balance: 5_000, reserved: 0, nonce: 9 };
    let bid = |side, quantity_wh| encode_bid(&BidRecord { side, quantity_wh, limit_price: None, feeder: None });
    let mut state = vec![
        (state_keys::account(&household), encode_account(&account)),
        (state_keys::CLEARED.to_vec(), encode_u64(SLOT)),
        (state_keys::settlements(SLOT), encode_settlements([part(1_000), part(2_000), part(3_000)].into_iter())),
    ];
    state.push((state_keys::bid(SLOT, &bidders[0]), bid(Side::Buy, 400)));
    state.push((state_keys::bid(SLOT, &bidders[1]), bid(Side::Sell, 300)));
    state.push((state_keys::bid(SLOT, &bidders[2]), bid(Side::Buy, 200)));
    let mut chain = TestChain::new(CHAIN, &vec![keys(1, 4); 4], &state);
    chain.bidders = vec![(SLOT, bidders.to_vec())];
    (chain, household)
}

fn verifier() -> Verifier {
    Verifier::from_genesis(CHAIN, &set_of(&keys(1, 4)))
}

#[test]
fn the_honest_answer_proves_balance_nonce_and_settlement() {
    let (mut chain, household) = chain();
    let bill = verify_bill(&mut verifier(), &mut chain, &household, 1).expect("honest node");
    assert_eq!(bill.account, Some(Account { balance: 5_000, reserved: 0, nonce: 9 }));
    assert_eq!((bill.state_height, bill.last_cleared), (3, Some(SLOT)));
    assert_eq!(
        bill.slots,
        vec![SlotVerdict::Settled { slot: SLOT, side: Side::Sell, quantity_wh: 300, part: part(2_000), index: 1, bidders: 3 }]
    );
}

#[test]
fn a_changed_balance_fails_its_proof_naming_the_account_key() {
    let (mut chain, household) = chain();
    chain.state[0].1 = encode_account(&Account { balance: 9_999_999, reserved: 0, nonce: 9 });
    let error = verify_bill(&mut verifier(), &mut chain, &household, 1).expect_err("lie");
    match error {
        LightError::Proof { height: 3, key, .. } => assert_eq!(key, format!("acct/{}", hex::encode(household))),
        other => panic!("expected a failed proof of the account, got {other}"),
    }
}

#[test]
fn a_changed_settlement_fails_its_proof_naming_the_slot() {
    let (mut chain, household) = chain();
    chain.state[2].1 = encode_settlements([part(1_000), part(2_500), part(3_000)].into_iter());
    let error = verify_bill(&mut verifier(), &mut chain, &household, 1).expect_err("lie");
    assert!(matches!(&error, LightError::Proof { key, .. } if key == "stl/7"), "{error}");
}

#[test]
fn a_hidden_bidder_leaves_fewer_bids_than_settlements() {
    let (mut chain, household) = chain();
    // Hiding the first bidder would make the household's entry look like index 0's.
    chain.bidders[0].1.remove(0);
    let error = verify_bill(&mut verifier(), &mut chain, &household, 1).expect_err("lie");
    assert!(matches!(error, LightError::BidderCountMismatch { slot: SLOT, listed: 2, settled: 3 }), "{error}");
}

#[test]
fn a_bidder_listed_twice_is_refused() {
    let (mut chain, household) = chain();
    chain.bidders[0].1 = vec![[1u8; 32], [1u8; 32], [2u8; 32]];
    let error = verify_bill(&mut verifier(), &mut chain, &household, 1).expect_err("lie");
    assert!(matches!(error, LightError::BiddersNotAscending { slot: SLOT, index: 1 }), "{error}");
}

#[test]
fn an_invented_bidder_has_no_bid_to_prove() {
    let (mut chain, household) = chain();
    let mut invented = [2u8; 32];
    invented[31] = 9;
    chain.bidders[0].1 = vec![[1u8; 32], [2u8; 32], invented];
    let error = verify_bill(&mut verifier(), &mut chain, &household, 1).expect_err("lie");
    assert!(matches!(error, LightError::ListedBidAbsent { slot: SLOT, .. }), "{error}");
}
