//! Scenario: a household (any key that is not the administrator) signs `SetAdministrator`
//! naming itself; it is refused at admission and execution and the administrator stays.

mod common;

use common::*;
use market_runtime::*;

#[test]
fn rotation_by_a_non_administrator_is_refused() {
    let mut s = store_with(&genesis(1, 10, Mechanism::Sdr));
    let thief = household_addr(0);
    let rotate = TxBody::SetAdministrator { threshold: 1, members: vec![thief] };
    assert_eq!(run_one(&mut s, tx(thief, 0, rotate)), Err(TxError::NotAdministrator { sender: thief }));
    assert_eq!(administrator(&s).unwrap(), Administrator::single(ADMIN));
}
