//! Scenario: a 2-of-3 administrator tries to remove the only validator. The first member's
//! approval is refused at once (`WouldEmptyValidatorSet`), so no proposal can gather
//! approvals toward it; and an update that executes only at the second approval is checked
//! again there: the validator set never changes but by the administrator's rule.

mod common;

use common::*;
use market_runtime::*;

const SECOND: Address = [0x78; 32];

#[test]
fn removing_the_only_validator_is_refused_at_the_first_approval() {
    let mut s = store_with(&council_genesis(2));
    let remove = TxBody::ValidatorUpdate { validator: VALIDATOR, power: 0, node_key: None };
    assert_eq!(run_one(&mut s, tx(UTILITY, 0, remove)), Err(TxError::WouldEmptyValidatorSet { validator: VALIDATOR }));
    assert!(admin_proposals(&s).unwrap().is_empty());
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10)]);
}

#[test]
fn an_update_completes_only_by_the_rule_and_is_checked_again_when_it_completes() {
    let mut g = council_genesis(2);
    g.validators.push(GenesisValidator { address: SECOND, power: 5 });
    let mut s = store_with(&g);
    let remove = |v| TxBody::ValidatorUpdate { validator: v, power: 0, node_key: None };
    // Both removals get a first approval while each alone would leave a validator.
    assert_eq!(run_one(&mut s, tx(UTILITY, 0, remove(SECOND))), Ok(()));
    assert_eq!(run_one(&mut s, tx(UTILITY, 1, remove(VALIDATOR))), Ok(()));
    assert_eq!(validators(&s).unwrap().len(), 2, "one approval of two changes nothing");
    // The second approvals land in one block: the first empties nothing, the second would.
    let out = execute_block(&mut s, &ctx(2, 0), &[tx(BOARD, 0, remove(SECOND)), tx(BOARD, 1, remove(VALIDATOR))]);
    assert_eq!(out.tx_results, vec![Ok(()), Err(TxError::WouldEmptyValidatorSet { validator: VALIDATOR })]);
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10)]);
}

#[test]
fn a_power_above_the_cap_is_refused_under_a_k_of_n_administrator() {
    let mut s = store_with(&council_genesis(2));
    let update = TxBody::ValidatorUpdate { validator: SECOND, power: u64::MAX, node_key: None };
    let err = run_one(&mut s, tx(UTILITY, 0, update)).unwrap_err();
    assert!(matches!(err, TxError::TotalPowerAboveCap { validator: SECOND, .. }), "{err:?}");
}
