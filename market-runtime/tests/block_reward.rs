//! The block reward goes to the previous height's signers, and the set they belonged to
//! survives a registry change in the block that follows.

mod common;

use common::*;
use market_runtime::*;

const SECOND: Address = [0x78; 32];

fn two_validators() -> MemStore {
    let mut g = genesis(1, 10, Mechanism::Sdr);
    g.validators.push(GenesisValidator { address: SECOND, power: 5 });
    g.params.block_reward = 1_001;
    store_with(&g)
}

fn run_block(store: &mut MemStore, height: u64, signers: Vec<Address>, txs: &[Tx]) -> BlockOutcome {
    execute_block(store, &BlockContext { height, slot: height, proposer: VALIDATOR, signers }, txs)
}

#[test]
fn only_the_last_commit_signers_share_the_block_reward() {
    let mut s = two_validators();
    let before = account(&s, &SECOND).unwrap().balance;
    let out = run_block(&mut s, 2, vec![VALIDATOR], &[]);
    assert_eq!(out.minted.validators, vec![(VALIDATOR, 1_001)]);
    assert_eq!(account(&s, &SECOND).unwrap().balance, before, "a validator that did not sign earns nothing");
}

#[test]
fn the_reward_splits_evenly_with_the_remainder_to_the_lowest_addresses() {
    let mut s = two_validators();
    let out = run_block(&mut s, 2, vec![SECOND, VALIDATOR, SECOND], &[]);
    let (low, high) = if VALIDATOR < SECOND { (VALIDATOR, SECOND) } else { (SECOND, VALIDATOR) };
    assert_eq!(out.minted.validators, vec![(low, 501), (high, 500)]);
}

#[test]
fn first_block_without_a_last_commit_mints_no_block_reward() {
    let mut s = two_validators();
    let out = run_block(&mut s, 1, vec![], &[]);
    assert!(out.minted.validators.is_empty());
}

#[test]
fn signing_set_is_the_registry_when_the_tip_changed_nothing() {
    let mut s = two_validators();
    run_block(&mut s, 1, vec![], &[]);
    assert_eq!(signing_validators(&s, 1).unwrap(), validators(&s).unwrap());
}

#[test]
fn signing_set_keeps_the_set_a_validator_update_replaced() {
    let mut s = two_validators();
    let before = validators(&s).unwrap();
    let remove = Tx { sender: ADMIN, nonce: 0, body: TxBody::ValidatorUpdate { validator: SECOND, power: 0, node_key: None } };
    let out = run_block(&mut s, 7, vec![], &[remove]);
    assert_eq!(out.tx_results, vec![Ok(())]);
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10)]);
    // Height 7 was signed by the old set; its successor's last commit is checked against it.
    assert_eq!(signing_validators(&s, 7).unwrap(), before);
    // From height 8 on, the registry is the set again.
    run_block(&mut s, 8, vec![VALIDATOR], &[]);
    assert_eq!(signing_validators(&s, 8).unwrap(), vec![(VALIDATOR, 10)]);
}
