//! Scenario: a 2-of-3 administrator's member opens `MAX_ADMIN_PROPOSALS` proposals (rejections
//! with different reasons) that nobody completes. The next one is refused
//! (`TooManyAdminProposals`) while they are live; once they have expired, a new proposal evicts
//! them and takes their room.

mod common;

use common::*;
use market_runtime::*;

fn reject(reason: usize) -> TxBody {
    TxBody::RejectHousehold { household: NEWCOMER, reason: format!("reason {reason}") }
}

#[test]
fn the_admin_proposal_table_is_bounded() {
    let mut s = with_newcomer(&council_genesis(2));
    let mut nonce = 0;
    for i in 0..MAX_ADMIN_PROPOSALS {
        assert_eq!(run_one(&mut s, tx(UTILITY, nonce, reject(i))), Ok(()));
        nonce += 1;
    }
    let extra = tx(UTILITY, nonce, reject(MAX_ADMIN_PROPOSALS));
    assert_eq!(run_one(&mut s, extra.clone()), Err(TxError::TooManyAdminProposals { max: MAX_ADMIN_PROPOSALS }));
    assert_eq!(admin_proposals(&s).unwrap().len(), MAX_ADMIN_PROPOSALS);

    execute_block(&mut s, &ctx(2, ADMIN_PROPOSAL_TTL_SLOTS + 1), &[]);
    let fresh = tx(UTILITY, nonce, TxBody::CloseMarket);
    assert_eq!(run_one(&mut s, fresh), Ok(()));
    assert_eq!(admin_proposals(&s).unwrap().len(), 1, "the expired proposals were evicted");
}
