//! Scenario: a node serves headers of another chain, or a header other than the trusted one; the light client refuses them by name.

mod fixture;

use fixture::{keys, set_of, TestChain, CHAIN};
use light::{LightError, Verifier};

#[test]
fn a_header_of_another_chain_id_is_refused_before_its_signatures() {
    let genesis = keys(1, 4);
    let mut other = TestChain::new("another-chain", &vec![genesis.clone(); 3], &[]);
    let mut verifier = Verifier::from_genesis(CHAIN, &set_of(&genesis));
    let error = verifier.verify(&mut other, 3).expect_err("another chain");
    match error {
        LightError::WrongChain { height, expected, got } => {
            assert_eq!((height, expected.as_str(), got.as_str()), (3, CHAIN, "another-chain"));
        }
        other => panic!("expected WrongChain, got {other}"),
    }
}

#[test]
fn a_trusted_hash_that_is_not_the_header_s_is_refused() {
    let mut chain = TestChain::new(CHAIN, &vec![keys(1, 4); 3], &[]);
    let wrong = chain.hash_of(3);
    let error = Verifier::from_trusted_header(&mut chain, 2, &wrong).expect_err("hash of another height");
    assert!(matches!(error, LightError::TrustedHashMismatch { height: 2, .. }), "{error}");
}

#[test]
fn a_certificate_of_validators_the_header_does_not_name_is_refused() {
    let genesis = keys(1, 4);
    let mut chain = TestChain::new(CHAIN, &vec![genesis.clone(); 3], &[]);
    // The node claims another set voted on height 3: its hash is not the header's.
    chain.heights[2].2 = set_of(&keys(9, 4));
    let mut verifier = Verifier::from_genesis(CHAIN, &set_of(&genesis));
    let error = verifier.verify(&mut chain, 3).expect_err("set does not match the header");
    assert!(matches!(error, LightError::ValidatorsHashMismatch { height: 3, .. }), "{error}");
}

#[test]
fn a_header_before_the_trusted_height_is_not_verified() {
    let mut chain = TestChain::new(CHAIN, &vec![keys(1, 4); 6], &[]);
    let trusted = chain.hash_of(5);
    let mut verifier = Verifier::from_trusted_header(&mut chain, 5, &trusted).expect("trusted");
    let error = verifier.verify(&mut chain, 3).expect_err("backwards");
    assert!(matches!(error, LightError::NotAfterTrusted { target: 3, trusted: 5 }), "{error}");
}
