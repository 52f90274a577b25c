//! Scenario: a household's meter report on the wire (transaction body field 19). It round-trips,
//! encodes to the pinned bytes, a report without its reading is refused, and a bid signed
//! before the field existed keeps its bytes.

mod common;

use common::{key, CHAIN};
use ledger::envelope::seal;
use ledger::tx::{decode_tx, encode_tx};
use ledger::wire::{self, transaction::Body, EnvelopeKind, Transaction};
use ledger::WireError;
use market_runtime::{MeterReading, Tx, TxBody};
use prost::Message;

fn reading() -> MeterReading {
    MeterReading { generation_wh: 1, load_wh: 2, battery_soc_wh: 3, battery_capacity_wh: 4 }
}

fn sealed(body: Body) -> Vec<u8> {
    let transaction = Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(body) };
    seal(&key(1), EnvelopeKind::Transaction, CHAIN, transaction.encode_to_vec())
}

#[test]
fn a_meter_report_round_trips_and_its_kind_is_meter_report() {
    let keypair = key(1);
    let body = TxBody::MeterReport { slot: 9, reading: reading() };
    assert_eq!(body.kind(), "meter_report");
    let tx = Tx { sender: keypair.public(), nonce: 4, body };
    let bytes = encode_tx(&keypair, CHAIN, &tx).expect("a report encodes");
    assert_eq!(decode_tx(&bytes, CHAIN).expect("own report decodes").tx, tx);
}

#[test]
fn the_report_body_is_field_19_with_slot_and_reading() {
    let report = wire::MeterReport { slot: 9, reading: Some(wire::MeterReading { generation_wh: 1, load_wh: 2, battery_soc_wh: 3, battery_capacity_wh: 4 }) };
    let transaction = Transaction { chain_id: String::new(), nonce: 0, body: Some(Body::MeterReport(report)) };
    // Field 19, length-delimited: key 0x9A 0x01; then slot (field 1) and reading (field 2).
    let expected = [0x9A, 0x01, 0x0C, 0x08, 0x09, 0x12, 0x08, 0x08, 0x01, 0x10, 0x02, 0x18, 0x03, 0x20, 0x04];
    assert_eq!(transaction.encode_to_vec(), expected);
}

#[test]
fn a_report_without_its_reading_is_refused() {
    let err = decode_tx(&sealed(Body::MeterReport(wire::MeterReport { slot: 9, reading: None })), CHAIN).unwrap_err();
    assert!(matches!(err, WireError::Field { what: "meter report", field: "reading", .. }), "{err}");
}

#[test]
fn a_bid_encodes_to_the_bytes_it_had_before_meter_reports() {
    let bid = wire::Bid { slot: 7, side: wire::Side::Sell as i32, quantity_wh: 1_500, meter: None, limit_price: None };
    let transaction = Transaction { chain_id: "c".into(), nonce: 1, body: Some(Body::Bid(bid)) };
    // chain_id "c", nonce 1, then field 15 (0x7A) holding the bid's 7 bytes.
    let expected = [0x0A, 0x01, 0x63, 0x10, 0x01, 0x7A, 0x07, 0x08, 0x07, 0x10, 0x02, 0x18, 0xDC, 0x0B];
    assert_eq!(transaction.encode_to_vec(), expected);
}
