//! Registration cannot grow state without bound: a capped queue of pending registrations,
//! whose oldest entry a newcomer may replace once it has waited its time, while the
//! administrator's decisions keep working and make room.

mod common;

use common::*;
use market_runtime::*;

fn outsider(i: u8) -> Address {
    [0x50 + i; 32]
}

fn store(max_pending: u64, ttl_slots: u64) -> MemStore {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.params.max_pending_registrations = max_pending;
    g.params.pending_registration_ttl_slots = ttl_slots;
    store_with(&g)
}

fn register(who: Address) -> Tx {
    tx(who, 0, TxBody::RegisterHousehold(HouseholdSpec { lot: format!("lot-{}", who[0]), ..spec() }))
}

fn status(s: &MemStore, who: Address) -> Option<&'static str> {
    household(s, &who).unwrap().map(|h| h.status.name())
}

/// Clears slots `from..=to`, one block each.
fn clear_slots(s: &mut MemStore, from: u64, to: u64) {
    for slot in from..=to {
        execute_block(s, &ctx(slot, slot), &[]);
    }
}

#[test]
fn a_registration_beyond_the_pending_limit_is_refused_with_the_limit() {
    let mut s = store(2, 168);
    assert_eq!(run_one(&mut s, register(outsider(0))), Ok(()));
    assert_eq!(run_one(&mut s, register(outsider(1))), Ok(()));
    let err = run_one(&mut s, register(outsider(2))).unwrap_err();
    assert_eq!(err, TxError::TooManyPendingRegistrations { pending: 2, max: 2, oldest_expires_at_slot: 168 });
    assert_eq!(status(&s, outsider(2)), None);
}

#[test]
fn approving_or_rejecting_a_pending_registration_makes_room() {
    let mut s = store(2, 168);
    assert_eq!(run_one(&mut s, register(outsider(0))), Ok(()));
    assert_eq!(run_one(&mut s, register(outsider(1))), Ok(()));
    // The administrator's decisions work with the queue full.
    assert_eq!(run_one(&mut s, tx(ADMIN, 0, TxBody::ApproveHousehold { household: outsider(0) })), Ok(()));
    assert_eq!(run_one(&mut s, register(outsider(2))), Ok(()));
    let reject = TxBody::RejectHousehold { household: outsider(1), reason: "unknown lot".into() };
    assert_eq!(run_one(&mut s, tx(ADMIN, 1, reject)), Ok(()));
    assert_eq!(run_one(&mut s, register(outsider(3))), Ok(()));
    assert_eq!(status(&s, outsider(0)), Some("approved"));
    assert_eq!(status(&s, outsider(1)), Some("rejected"));
    assert!(run_one(&mut s, register(outsider(4))).is_err(), "2 and 3 fill the queue again");
}

#[test]
fn a_newcomer_replaces_the_oldest_pending_registration_once_it_has_waited_its_time() {
    let mut s = store(2, 3);
    assert_eq!(run_one(&mut s, register(outsider(1))), Ok(()));
    clear_slots(&mut s, 1, 1);
    assert_eq!(run_one(&mut s, register(outsider(0))), Ok(()));
    clear_slots(&mut s, 2, 2);
    let err = run_one(&mut s, register(outsider(2))).unwrap_err();
    assert_eq!(err, TxError::TooManyPendingRegistrations { pending: 2, max: 2, oldest_expires_at_slot: 3 });
    clear_slots(&mut s, 3, 3);
    // outsider(1) registered first (slot 0), so it goes although outsider(0)'s address is lower.
    assert_eq!(run_one(&mut s, register(outsider(2))), Ok(()));
    assert_eq!(status(&s, outsider(1)), None);
    assert_eq!(status(&s, outsider(0)), Some("pending"));
    assert_eq!(status(&s, outsider(2)), Some("pending"));
    // The evicted key may register again, with its next nonce, once there is room.
    let again = tx(outsider(1), 1, TxBody::RegisterHousehold(spec()));
    assert!(matches!(run_one(&mut s, again.clone()), Err(TxError::TooManyPendingRegistrations { .. })));
    clear_slots(&mut s, 4, 4);
    assert_eq!(run_one(&mut s, again), Ok(()));
    assert_eq!(status(&s, outsider(0)), None, "outsider(0) registered at slot 1 and has waited 3 slots");
}

#[test]
fn a_limit_of_zero_closes_registration() {
    let mut s = store(0, 168);
    let err = run_one(&mut s, register(outsider(0))).unwrap_err();
    assert_eq!(err, TxError::TooManyPendingRegistrations { pending: 0, max: 0, oldest_expires_at_slot: u64::MAX });
}

#[test]
fn a_lot_over_64_bytes_is_refused() {
    let mut s = store(2, 168);
    let long = HouseholdSpec { lot: "x".repeat(65), ..spec() };
    let err = run_one(&mut s, tx(outsider(0), 0, TxBody::RegisterHousehold(long))).unwrap_err();
    assert!(matches!(err, TxError::InvalidSpec { ref reason } if reason.contains("65 bytes")), "{err}");
}

#[test]
fn genesis_json_without_the_registration_parameters_gets_the_defaults() {
    let mut v = serde_json::to_value(MarketParams::default()).unwrap();
    let obj = v.as_object_mut().unwrap();
    obj.remove("max_pending_registrations");
    obj.remove("pending_registration_ttl_slots");
    let p: MarketParams = serde_json::from_value(v).unwrap();
    assert_eq!(p, MarketParams::default());
}
