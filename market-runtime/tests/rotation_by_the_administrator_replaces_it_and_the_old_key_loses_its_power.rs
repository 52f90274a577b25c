//! Scenario: the single administrator signs `SetAdministrator` naming a new key. From the next
//! transaction on the new key rules and the old one is refused like any stranger.

mod common;

use common::*;
use market_runtime::*;

const NEW_ADMIN: Address = [0xAB; 32];

#[test]
fn rotation_by_the_administrator_replaces_it_and_the_old_key_loses_its_power() {
    let mut s = with_newcomer(&genesis(1, 10, Mechanism::Sdr));
    assert_eq!(administrator(&s).unwrap(), Administrator::single(ADMIN));

    let rotate = TxBody::SetAdministrator { threshold: 1, members: vec![NEW_ADMIN] };
    assert_eq!(run_one(&mut s, tx(ADMIN, 0, rotate)), Ok(()));
    assert_eq!(administrator(&s).unwrap(), Administrator::single(NEW_ADMIN));

    let approve = TxBody::ApproveHousehold { household: NEWCOMER };
    assert_eq!(run_one(&mut s, tx(ADMIN, 1, approve.clone())), Err(TxError::NotAdministrator { sender: ADMIN }));
    assert_eq!(run_one(&mut s, tx(ADMIN, 1, TxBody::CloseMarket)), Err(TxError::NotAdministrator { sender: ADMIN }));
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Pending);

    assert_eq!(run_one(&mut s, tx(NEW_ADMIN, 0, approve)), Ok(()));
    assert_eq!(status_of(&s, &NEWCOMER), HouseholdStatus::Approved);
}
