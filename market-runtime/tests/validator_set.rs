//! The validator set cannot be emptied nor pushed past its power cap, by an update or by
//! evidence, at admission or at execution.

mod common;

use common::*;
use market_runtime::params::MAX_TOTAL_POWER;
use market_runtime::*;

const SECOND: Address = [0x78; 32];

fn one_validator() -> MemStore {
    store_with(&genesis(1, 10, Mechanism::Sdr))
}

fn two_validators() -> MemStore {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.validators.push(GenesisValidator { address: SECOND, power: 5 });
    store_with(&g)
}

fn update(nonce: u64, validator: Address, power: u64) -> Tx {
    tx(ADMIN, nonce, TxBody::ValidatorUpdate { validator, power, node_key: None })
}

#[test]
fn removing_the_last_validator_is_refused_at_admission_and_execution() {
    let mut s = one_validator();
    assert_eq!(run_one(&mut s, update(0, VALIDATOR, 0)), Err(TxError::WouldEmptyValidatorSet { validator: VALIDATOR }));
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10)]);
}

#[test]
fn removing_one_of_two_validators_still_works() {
    let mut s = two_validators();
    assert_eq!(run_one(&mut s, update(0, SECOND, 0)), Ok(()));
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10)]);
}

#[test]
fn a_block_removing_both_validators_applies_the_first_and_refuses_the_second() {
    // Both pass admission against the committed set; execution sees the first one applied.
    let mut s = two_validators();
    let txs = [update(0, SECOND, 0), update(1, VALIDATOR, 0)];
    assert_eq!(check_tx(&s, &txs[0]), Ok(()));
    assert_eq!(check_tx_admission(&s, &txs[1], 4), Ok(()));
    let out = execute_block(&mut s, &ctx(2, 2), &txs);
    assert_eq!(out.tx_results, vec![Ok(()), Err(TxError::WouldEmptyValidatorSet { validator: VALIDATOR })]);
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10)]);
}

#[test]
fn a_power_of_u64_max_is_refused_by_the_total_cap() {
    let mut s = two_validators();
    let err = run_one(&mut s, update(0, SECOND, u64::MAX)).unwrap_err();
    assert_eq!(
        err,
        TxError::TotalPowerAboveCap { validator: SECOND, power: u64::MAX, total: u128::from(u64::MAX) + 10, max: MAX_TOTAL_POWER }
    );
}

#[test]
fn the_total_power_may_reach_the_cap_but_not_pass_it() {
    let mut s = two_validators();
    assert_eq!(run_one(&mut s, update(0, SECOND, MAX_TOTAL_POWER - 10)), Ok(()));
    let err = run_one(&mut s, update(1, [0x79; 32], 1)).unwrap_err();
    assert!(matches!(err, TxError::TotalPowerAboveCap { total, .. } if total == u128::from(MAX_TOTAL_POWER) + 1), "{err}");
    // Lowering a power is always possible.
    assert_eq!(run_one(&mut s, update(1, SECOND, 1)), Ok(()));
}

#[test]
fn evidence_against_the_last_validator_slashes_its_balance_but_keeps_it_in_the_set() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.balances.push(GenesisBalance { address: VALIDATOR, amount: 25_000_000 });
    let mut s = store_with(&g);
    let ev = TxBody::Evidence { validator: VALIDATOR, height: 3, round: 0 };
    assert_eq!(run_one(&mut s, tx(ADMIN, 0, ev.clone())), Ok(()));
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10)]);
    assert_eq!(account(&s, &VALIDATOR).unwrap().balance, 15_000_000);
    assert_eq!(account(&s, &ADMIN).unwrap().balance, 10_000_000);
    assert_eq!(
        run_one(&mut s, tx(ADMIN, 1, ev)),
        Err(TxError::EvidenceAlreadyHandled { validator: VALIDATOR, height: 3, round: 0 })
    );
}

#[test]
fn genesis_validators_above_the_power_cap_are_refused() {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.validators = vec![
        GenesisValidator { address: VALIDATOR, power: u64::MAX },
        GenesisValidator { address: SECOND, power: u64::MAX },
    ];
    let err = init_genesis(&mut MemStore::new(), &g).unwrap_err();
    assert_eq!(err, GenesisError::TotalPowerAboveCap { total: 2 * u128::from(u64::MAX), max: MAX_TOTAL_POWER });
}
