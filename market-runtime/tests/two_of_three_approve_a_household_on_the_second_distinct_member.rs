//! Scenario: a 2-of-3 administrator (utility, community board, deputy). The utility's
//! approval of a pending household opens a proposal and changes nothing else; the board's
//! approval, the second distinct member's, approves the household in that very block and
//! closes the proposal.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn two_of_three_approve_a_household_on_the_second_distinct_member() {
    let mut s = with_newcomer(&council_genesis(2));
    let approve = TxBody::ApproveHousehold { household: NEWCOMER };

    assert_eq!(run_one(&mut s, tx(UTILITY, 0, approve.clone())), Ok(()));
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Pending);
    let open = admin_proposals(&s).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].1.approvers, vec![UTILITY]);

    let out = execute_block(&mut s, &ctx(2, 0), &[tx(BOARD, 0, approve)]);
    assert_eq!(out.tx_results, vec![Ok(())]);
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Approved);
    assert!(admin_proposals(&s).unwrap().is_empty());
}

#[test]
fn a_one_of_three_administrator_acts_with_any_single_member() {
    let mut s = with_newcomer(&council_genesis(1));
    assert_eq!(run_one(&mut s, tx(DEPUTY, 0, TxBody::ApproveHousehold { household: NEWCOMER })), Ok(()));
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Approved);
    assert!(admin_proposals(&s).unwrap().is_empty());
}
