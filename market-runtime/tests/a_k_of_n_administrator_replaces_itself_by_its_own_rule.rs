//! Scenario: a 2-of-3 administrator rotates to a new 2-of-2 (the utility and a new board key).
//! The rotation needs two approvals like any admin action; once it executes, every open
//! proposal is dropped (its approvals were given under the old rule) and the removed deputy
//! is refused.

mod common;

use common::*;
use market_runtime::*;

const NEW_BOARD: Address = [0xB2; 32];

#[test]
fn a_k_of_n_administrator_replaces_itself_by_its_own_rule() {
    let mut s = with_newcomer(&council_genesis(2));
    // An approval under the old rule, left open.
    assert_eq!(run_one(&mut s, tx(DEPUTY, 0, TxBody::ApproveHousehold { household: NEWCOMER })), Ok(()));

    let rotate = TxBody::SetAdministrator { threshold: 2, members: vec![NEW_BOARD, UTILITY] };
    assert_eq!(run_one(&mut s, tx(UTILITY, 0, rotate.clone())), Ok(()));
    assert_eq!(administrator(&s).unwrap().members, vec![UTILITY, BOARD, DEPUTY], "one approval changes nothing");
    assert_eq!(run_one(&mut s, tx(BOARD, 0, rotate)), Ok(()));

    assert_eq!(administrator(&s).unwrap(), Administrator { threshold: 2, members: vec![NEW_BOARD, UTILITY] });
    assert!(admin_proposals(&s).unwrap().is_empty(), "proposals of the old rule are dropped");
    let approve = TxBody::ApproveHousehold { household: NEWCOMER };
    assert_eq!(run_one(&mut s, tx(DEPUTY, 1, approve.clone())), Err(TxError::NotAdministrator { sender: DEPUTY }));
    // The utility's approval under the new rule is the first, not the second.
    assert_eq!(run_one(&mut s, tx(UTILITY, 1, approve.clone())), Ok(()));
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Pending);
    assert_eq!(run_one(&mut s, tx(NEW_BOARD, 0, approve)), Ok(()));
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Approved);
}
