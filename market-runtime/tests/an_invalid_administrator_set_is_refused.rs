//! Scenario: an administrator of no members, a threshold of 0 or above the member count,
//! a key named twice, or more than `MAX_ADMIN_MEMBERS` keys is refused with a typed error,
//! both in a genesis and in a `SetAdministrator` transaction; and a genesis whose
//! `administrator` is not among its set's members is refused.

mod common;

use common::*;
use market_runtime::*;

fn key(i: u8) -> Address {
    [i; 32]
}

/// (threshold, members, the error that names what is wrong).
fn invalid_sets() -> Vec<(u32, Vec<Address>, AdminSetError)> {
    let seventeen: Vec<Address> = (1..=17).map(key).collect();
    vec![
        (1, vec![], AdminSetError::NoMembers),
        (0, vec![UTILITY, BOARD], AdminSetError::ThresholdOutOfRange { threshold: 0, members: 2 }),
        (3, vec![UTILITY, BOARD], AdminSetError::ThresholdOutOfRange { threshold: 3, members: 2 }),
        (2, vec![UTILITY, BOARD, UTILITY], AdminSetError::DuplicateMember { member: UTILITY }),
        (1, seventeen, AdminSetError::TooManyMembers { count: 17, max: MAX_ADMIN_MEMBERS }),
    ]
}

#[test]
fn an_invalid_set_is_refused_in_a_genesis() {
    for (threshold, members, error) in invalid_sets() {
        let mut g = council_genesis(2);
        g.administrator_set = Some(AdministratorSet { threshold, members });
        assert_eq!(init_genesis(&mut MemStore::new(), &g), Err(GenesisError::Administrator(error)));
    }
}

#[test]
fn a_genesis_administrator_outside_its_set_is_refused() {
    let mut g = council_genesis(2);
    g.administrator = ADMIN;
    assert_eq!(init_genesis(&mut MemStore::new(), &g), Err(GenesisError::AdministratorNotAMember { administrator: ADMIN }));
}

#[test]
fn an_invalid_set_is_refused_in_a_rotation() {
    let mut s = store_with(&genesis(1, 10, Mechanism::Sdr));
    for (threshold, members, error) in invalid_sets() {
        let rotate = TxBody::SetAdministrator { threshold, members };
        assert_eq!(run_one(&mut s, tx(ADMIN, 0, rotate)), Err(TxError::InvalidAdministrator(error)));
    }
    assert_eq!(administrator(&s).unwrap(), Administrator::single(ADMIN));
}

#[test]
fn an_invalid_set_is_refused_at_the_first_approval_of_a_k_of_n_administrator() {
    // Refused before it can gather approvals, not only when the last one lands.
    let mut s = store_with(&council_genesis(2));
    let rotate = TxBody::SetAdministrator { threshold: 4, members: vec![UTILITY, BOARD, DEPUTY] };
    let error = AdminSetError::ThresholdOutOfRange { threshold: 4, members: 3 };
    assert_eq!(run_one(&mut s, tx(UTILITY, 0, rotate)), Err(TxError::InvalidAdministrator(error)));
    assert!(admin_proposals(&s).unwrap().is_empty());
}
