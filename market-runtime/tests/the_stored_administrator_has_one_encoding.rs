//! Scenario: the `meta/admin` record. A single key is its 32 bytes; a k-of-n rule round-trips;
//! a 1-of-1 in the long form, a count that does not match, a threshold out of range or a
//! repeated member do not decode (they would be corrupt state, not another administrator).

use market_runtime::*;

#[test]
fn the_stored_administrator_has_one_encoding() {
    let single = Administrator::single([1; 32]);
    assert_eq!(single.encode(), vec![1; 32]);
    assert_eq!(Administrator::decode(&single.encode()), Some(single));

    let council = Administrator::new(2, &[[3; 32], [1; 32], [2; 32]]).unwrap();
    let bytes = council.encode();
    assert_eq!(&bytes[..2], &[2, 3]);
    assert_eq!(Administrator::decode(&bytes), Some(council));

    let long_one_of_one: Vec<u8> = [&[1u8, 1][..], &[1; 32]].concat();
    assert_eq!(Administrator::decode(&long_one_of_one), None);
    let short_count: Vec<u8> = [&[2u8, 3][..], &[1; 32], &[2; 32]].concat();
    assert_eq!(Administrator::decode(&short_count), None);
    let high_threshold: Vec<u8> = [&[3u8, 2][..], &[1; 32], &[2; 32]].concat();
    assert_eq!(Administrator::decode(&high_threshold), None);
    let repeated: Vec<u8> = [&[1u8, 2][..], &[1; 32], &[1; 32]].concat();
    assert_eq!(Administrator::decode(&repeated), None);
    assert_eq!(Administrator::decode(&[]), None);
}
