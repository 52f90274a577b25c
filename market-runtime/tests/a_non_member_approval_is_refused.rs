//! Scenario: under a 2-of-3 administrator a household, the former single administrator's key
//! and a validator each send an approval of a pending household; every one is refused with
//! `NotAdministrator` and opens no proposal.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn a_non_member_approval_is_refused() {
    let mut s = with_newcomer(&council_genesis(2));
    let approve = TxBody::ApproveHousehold { household: NEWCOMER };
    for stranger in [household_addr(0), ADMIN, VALIDATOR] {
        assert_eq!(run_one(&mut s, tx(stranger, 0, approve.clone())), Err(TxError::NotAdministrator { sender: stranger }));
    }
    assert!(admin_proposals(&s).unwrap().is_empty());
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Pending);
}
