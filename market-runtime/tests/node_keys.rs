//! Optional node keys (libp2p identities) in the registry, and the allowlist derived from it:
//! approved households' and validators' keys, following approvals and validator updates.

mod common;

use common::*;
use market_runtime::chain::codec;
use market_runtime::*;

const NEWCOMER: Address = [0x51; 32];
const SECOND: Address = [0x78; 32];
const HOUSE_NODE: Address = [0xC1; 32];
const VALIDATOR_NODE: Address = [0xC2; 32];

fn fresh() -> MemStore {
    store_with(&genesis(1, 10, Mechanism::Sdr))
}

fn update(nonce: u64, validator: Address, power: u64, node_key: Option<Address>) -> Tx {
    tx(ADMIN, nonce, TxBody::ValidatorUpdate { validator, power, node_key })
}

#[test]
fn a_household_node_key_is_allowed_once_the_household_is_approved() {
    let mut s = fresh();
    let spec = HouseholdSpec { node_key: Some(HOUSE_NODE), ..spec() };
    assert_eq!(run_one(&mut s, tx(NEWCOMER, 0, TxBody::RegisterHousehold(spec))), Ok(()));
    assert_eq!(household(&s, &NEWCOMER).unwrap().unwrap().spec.node_key, Some(HOUSE_NODE));
    assert_eq!(allowed_node_keys(&s).unwrap(), Vec::<Address>::new(), "pending is not allowed yet");
    assert_eq!(run_one(&mut s, tx(ADMIN, 0, TxBody::ApproveHousehold { household: NEWCOMER })), Ok(()));
    assert_eq!(allowed_node_keys(&s).unwrap(), vec![HOUSE_NODE]);
}

#[test]
fn a_validator_node_key_follows_updates_and_removal() {
    let mut s = fresh();
    assert_eq!(run_one(&mut s, update(0, SECOND, 5, Some(VALIDATOR_NODE))), Ok(()));
    assert_eq!(allowed_node_keys(&s).unwrap(), vec![VALIDATOR_NODE]);
    // An update without a key changes the power and keeps the key.
    assert_eq!(run_one(&mut s, update(1, SECOND, 7, None)), Ok(()));
    assert_eq!(validators(&s).unwrap(), vec![(VALIDATOR, 10), (SECOND, 7)]);
    assert_eq!(allowed_node_keys(&s).unwrap(), vec![VALIDATOR_NODE]);
    assert_eq!(run_one(&mut s, update(2, SECOND, 0, None)), Ok(()));
    assert_eq!(allowed_node_keys(&s).unwrap(), Vec::<Address>::new());
}

#[test]
fn a_household_without_a_node_key_keeps_the_record_layout_it_had_before_node_keys() {
    let hh = Household { address: NEWCOMER, spec: spec(), status: HouseholdStatus::Approved };
    let raw = codec::encode_household(&hh);
    // address, kind, four powers, lot (u16 length + bytes), status: nothing appended.
    assert_eq!(raw.len(), 32 + 1 + 4 * 8 + 2 + spec().lot.len() + 1);
    assert_eq!(codec::decode_household(&raw), Some(hh));
}

#[test]
fn a_node_key_reads_from_and_writes_to_genesis_json_as_hex() {
    let spec = HouseholdSpec { node_key: Some(HOUSE_NODE), ..spec() };
    let json = serde_json::to_value(&spec).unwrap();
    assert_eq!(json["node_key"], "c1".repeat(32));
    assert_eq!(serde_json::from_value::<HouseholdSpec>(json).unwrap(), spec);
    let without = serde_json::to_value(common::spec()).unwrap();
    assert!(without.get("node_key").is_none());
    assert_eq!(serde_json::from_value::<HouseholdSpec>(without).unwrap(), common::spec());
}
