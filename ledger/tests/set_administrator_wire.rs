//! Scenario: a `SetAdministrator` on the wire. It round-trips through signing and decoding;
//! more than `MAX_ADMIN_MEMBERS` keys are refused as oversize before any is copied; a key that
//! is not 32 bytes is refused naming the field; a threshold or repeat the runtime would refuse
//! still decodes, so the runtime's typed error names it.

mod common;

use common::{key, CHAIN};
use ledger::envelope::seal;
use ledger::tx::{decode_tx, encode_tx, MAX_ADMIN_MEMBERS};
use ledger::wire::{self, transaction::Body, EnvelopeKind, Transaction};
use ledger::WireError;
use market_runtime::{Tx, TxBody};
use prost::Message;

fn decode(body: Body) -> Result<TxBody, WireError> {
    let transaction = Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(body) };
    let bytes = seal(&key(1), EnvelopeKind::Transaction, CHAIN, transaction.encode_to_vec());
    decode_tx(&bytes, CHAIN).map(|v| v.tx.body)
}

fn set(threshold: u32, members: Vec<Vec<u8>>) -> Body {
    Body::SetAdministrator(wire::SetAdministrator { threshold, members })
}

#[test]
fn a_set_administrator_round_trips() {
    let admin = key(1);
    let body = TxBody::SetAdministrator { threshold: 2, members: vec![key(2).public(), key(3).public(), key(4).public()] };
    let tx = Tx { sender: admin.public(), nonce: 7, body };
    let bytes = encode_tx(&admin, CHAIN, &tx).unwrap();
    assert_eq!(decode_tx(&bytes, CHAIN).unwrap().tx, tx);
}

#[test]
fn more_members_than_the_maximum_are_refused_as_oversize() {
    let members = vec![vec![9u8; 32]; MAX_ADMIN_MEMBERS + 1];
    let err = decode(set(1, members)).unwrap_err();
    assert_eq!(err, WireError::Oversize { what: "administrator members", len: MAX_ADMIN_MEMBERS + 1, max: MAX_ADMIN_MEMBERS });
    assert!(decode(set(1, vec![vec![9u8; 32]; MAX_ADMIN_MEMBERS])).is_ok());
}

#[test]
fn a_member_key_of_another_length_is_refused_naming_the_field() {
    let err = decode(set(1, vec![vec![9u8; 32], vec![9u8; 31]])).unwrap_err();
    assert!(err.to_string().contains("members"), "{err}");
}

#[test]
fn the_runtime_rules_are_left_to_the_runtime() {
    let repeated = decode(set(0, vec![vec![9u8; 32], vec![9u8; 32]])).unwrap();
    assert_eq!(repeated, TxBody::SetAdministrator { threshold: 0, members: vec![[9; 32], [9; 32]] });
}
