//! Scenario: the validator set changes twice, the last set shares no member with the genesis set; the light client bisects through the middle set to the latest header.

mod fixture;

use fixture::{keys, set_of, TestChain, CHAIN};
use light::Verifier;

#[test]
fn a_header_signed_by_a_set_disjoint_from_the_trusted_one_is_reached_through_the_set_between() {
    let genesis = keys(1, 4);
    let middle = keys(3, 4); // shares 2 of 4 with the genesis set
    let last = keys(5, 4); // shares none with the genesis set, 2 of 4 with the middle one
    let mut signers = vec![genesis.clone(); 5];
    signers.extend(vec![middle; 5]);
    signers.extend(vec![last; 6]);
    let mut chain = TestChain::new(CHAIN, &signers, &[]);
    let mut verifier = Verifier::from_genesis(CHAIN, &set_of(&genesis));

    let header = verifier.verify(&mut chain, 16).expect("verified through the middle set");

    assert_eq!(header.hash, chain.hash_of(16));
    // 16 (too little of the genesis set), then 8 (the middle set), then 16 again from 8.
    assert_eq!(verifier.headers_fetched(), 2);
}

#[test]
fn an_unchanged_set_is_skipped_over_in_one_step() {
    let genesis = keys(1, 4);
    let mut chain = TestChain::new(CHAIN, &vec![genesis.clone(); 40], &[]);
    let mut verifier = Verifier::from_genesis(CHAIN, &set_of(&genesis));
    verifier.verify(&mut chain, 40).expect("verified");
    assert_eq!(verifier.headers_fetched(), 1);
}

#[test]
fn a_later_header_is_verified_from_the_last_one_verified() {
    let genesis = keys(1, 4);
    let mut signers = vec![genesis.clone(); 10];
    signers.extend(vec![keys(3, 4); 10]);
    let mut chain = TestChain::new(CHAIN, &signers, &[]);
    let trusted = chain.hash_of(4);
    let mut verifier = Verifier::from_trusted_header(&mut chain, 4, &trusted).expect("trusted header");
    verifier.verify(&mut chain, 12).expect("12 from 4");
    verifier.verify(&mut chain, 20).expect("20 from 12");
    assert_eq!(verifier.headers_fetched(), 3);
}
