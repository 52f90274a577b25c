//! Scenario: the whole validator set is replaced between two adjacent heights; nothing the trusted set signed vouches for the new one, and the light client names the height where trust ran out.

mod fixture;

use fixture::{keys, set_of, TestChain, CHAIN};
use light::{LightError, Verifier};

#[test]
fn a_set_replaced_at_once_stops_verification_at_the_first_height_of_the_new_set() {
    let genesis = keys(1, 4);
    let mut signers = vec![genesis.clone(); 5];
    signers.extend(vec![keys(20, 4); 3]);
    let mut chain = TestChain::new(CHAIN, &signers, &[]);
    let mut verifier = Verifier::from_genesis(CHAIN, &set_of(&genesis));

    let error = verifier.verify(&mut chain, 8).expect_err("no trusted set vouches for height 6");

    match error {
        LightError::TooLittleTrust { height, trusted_height, signed, total } => {
            assert_eq!((height, trusted_height, signed, total), (6, 5, 0, 4));
        }
        other => panic!("expected TooLittleTrust, got {other}"),
    }
}

#[test]
fn a_third_of_the_trusted_power_is_not_enough() {
    // 3 validators trusted; the next set keeps exactly one of them: 1/3, not more.
    let genesis = keys(1, 3);
    let mut signers = vec![genesis.clone(); 2];
    signers.push(keys(3, 3));
    let mut chain = TestChain::new(CHAIN, &signers, &[]);
    let mut verifier = Verifier::from_genesis(CHAIN, &set_of(&genesis));
    let error = verifier.verify(&mut chain, 3).expect_err("one third is not more than one third");
    assert!(matches!(error, LightError::TooLittleTrust { height: 3, trusted_height: 2, signed: 1, total: 3 }), "{error}");
}
