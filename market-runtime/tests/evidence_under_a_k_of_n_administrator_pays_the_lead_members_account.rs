//! Scenario: under a 2-of-3 administrator any one member may report a double-signing (it is a
//! proof, not a decision), and the slash goes to the lead member's account (the community fund).

mod common;

use common::*;
use market_runtime::*;

#[test]
fn evidence_under_a_k_of_n_administrator_pays_the_lead_members_account() {
    let mut g = council_genesis(2);
    g.validators.push(GenesisValidator { address: [0x78; 32], power: 5 });
    g.balances.push(GenesisBalance { address: VALIDATOR, amount: 100 });
    let mut s = store_with(&g);
    let evidence = TxBody::Evidence { validator: VALIDATOR, height: 3, round: 0 };
    assert_eq!(run_one(&mut s, tx(DEPUTY, 0, evidence)), Ok(()));
    assert_eq!(account(&s, &UTILITY).unwrap().balance, 100);
    assert_eq!(account(&s, &DEPUTY).unwrap().balance, 0);
    assert_eq!(account(&s, &VALIDATOR).unwrap().balance, 0);
}
