//! Scenario: under a 2-of-3 administrator the utility approves closing the market, then
//! approves it again with its next nonce: the second approval is refused (`AlreadyApproved`)
//! and the market stays open, until another member approves.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn a_member_approving_twice_counts_once() {
    let mut s = store_with(&council_genesis(2));
    assert_eq!(run_one(&mut s, tx(UTILITY, 0, TxBody::CloseMarket)), Ok(()));
    assert_eq!(run_one(&mut s, tx(UTILITY, 1, TxBody::CloseMarket)), Err(TxError::AlreadyApproved { member: UTILITY }));
    assert!(query::market_open(&s));

    // In one block, too: the repeat is refused, the other member's approval completes it.
    let txs = [tx(UTILITY, 1, TxBody::CloseMarket), tx(DEPUTY, 0, TxBody::CloseMarket)];
    let out = execute_block(&mut s, &ctx(2, 0), &txs);
    assert_eq!(out.tx_results, vec![Err(TxError::AlreadyApproved { member: UTILITY }), Ok(())]);
    assert!(!query::market_open(&s));
}
