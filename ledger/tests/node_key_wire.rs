//! The optional node key of a registration or validator update on the wire: empty is none,
//! 32 bytes is a key, any other length is refused naming the field.

mod common;

use common::{key, CHAIN};
use ledger::envelope::seal;
use ledger::tx::decode_tx;
use ledger::wire::{self, transaction::Body, EnvelopeKind, Transaction};
use ledger::WireError;
use market_runtime::TxBody;
use prost::Message;

fn decode(body: Body) -> Result<TxBody, WireError> {
    let transaction = Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(body) };
    let bytes = seal(&key(1), EnvelopeKind::Transaction, CHAIN, transaction.encode_to_vec());
    decode_tx(&bytes, CHAIN).map(|v| v.tx.body)
}

fn register(node_key: Vec<u8>) -> Body {
    Body::RegisterHousehold(wire::RegisterHousehold {
        pv_capacity_w: 5_000,
        import_limit_w: 10_000,
        kind: wire::HouseholdKind::Villa as i32,
        node_key,
        ..Default::default()
    })
}

#[test]
fn an_empty_node_key_is_none_and_32_bytes_are_the_key() {
    assert!(matches!(decode(register(Vec::new())), Ok(TxBody::RegisterHousehold(ref s)) if s.node_key.is_none()));
    assert!(matches!(decode(register(vec![7; 32])), Ok(TxBody::RegisterHousehold(ref s)) if s.node_key == Some([7; 32])));
    let update = Body::ValidatorUpdate(wire::ValidatorUpdate { validator: vec![3; 32], power: 5, node_key: vec![8; 32] });
    assert!(matches!(decode(update), Ok(TxBody::ValidatorUpdate { node_key: Some([8, ..]), .. })));
}

#[test]
fn a_node_key_of_another_length_is_refused_naming_the_field() {
    let err = decode(register(vec![7; 31])).unwrap_err();
    assert_eq!(err, WireError::field("transaction", "node_key", "must be 32 bytes, is 31"));
    let update = Body::ValidatorUpdate(wire::ValidatorUpdate { validator: vec![3; 32], power: 5, node_key: vec![8; 33] });
    assert_eq!(decode(update).unwrap_err(), WireError::field("transaction", "node_key", "must be 32 bytes, is 33"));
}
