//! Scenario: under a 2-of-3 administrator the utility approves a household at slot 0. The
//! board's approval lands `ADMIN_PROPOSAL_TTL_SLOTS + 1` slots later: the utility's approval
//! has expired, so the board's opens a fresh proposal and the household stays pending. The
//! deputy's approval within the fresh proposal's life then completes it. Landing exactly at
//! the last slot of the life still counts.

mod common;

use common::*;
use market_runtime::*;

fn advance_to(s: &mut MemStore, height: u64, slot: u64) {
    execute_block(s, &ctx(height, slot), &[]);
    assert_eq!(query::last_cleared_slot(s).unwrap(), Some(slot));
}

#[test]
fn an_expired_admin_proposal_cannot_be_completed() {
    let mut s = with_newcomer(&council_genesis(2));
    let approve = TxBody::ApproveHousehold { household: NEWCOMER };
    assert_eq!(run_one(&mut s, tx(UTILITY, 0, approve.clone())), Ok(()));
    let opened = query::last_cleared_slot(&s).unwrap().unwrap_or(0);

    advance_to(&mut s, 2, opened + ADMIN_PROPOSAL_TTL_SLOTS + 1);
    assert_eq!(run_one(&mut s, tx(BOARD, 0, approve.clone())), Ok(()));
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Pending);
    let open = admin_proposals(&s).unwrap();
    assert_eq!(open[0].1.approvers, vec![BOARD], "the stale approval was dropped");

    advance_to(&mut s, 3, open[0].1.opened_at_slot + ADMIN_PROPOSAL_TTL_SLOTS);
    assert_eq!(run_one(&mut s, tx(DEPUTY, 0, approve)), Ok(()));
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Approved);
}
