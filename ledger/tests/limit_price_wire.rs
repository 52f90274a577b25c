//! Scenario: a bid's optional limit price on the wire (field 5). Without it a bid encodes to the
//! bytes it had before the field existed, so signatures made then stay valid; with it, even a
//! price of 0 is carried as given, for the runtime to refuse by range.

mod common;

use common::{key, CHAIN};
use ledger::envelope::seal;
use ledger::tx::decode_tx;
use ledger::wire::{self, transaction::Body, EnvelopeKind, Transaction};
use market_runtime::{Side, TxBody};
use prost::Message;

fn wire_bid(limit_price: Option<u64>) -> wire::Bid {
    wire::Bid { slot: 7, side: wire::Side::Buy as i32, quantity_wh: 1_500, meter: None, limit_price }
}

fn decode(bid: wire::Bid) -> TxBody {
    let transaction = Transaction { chain_id: CHAIN.into(), nonce: 0, body: Some(Body::Bid(bid)) };
    let bytes = seal(&key(1), EnvelopeKind::Transaction, CHAIN, transaction.encode_to_vec());
    decode_tx(&bytes, CHAIN).expect("a valid bid decodes").tx.body
}

#[test]
fn a_bid_without_a_price_keeps_its_old_bytes_and_one_with_a_price_appends_field_5() {
    // slot 7, side 1 (buy), quantity 1500: the encoding before field 5 existed.
    let old = [0x08, 0x07, 0x10, 0x01, 0x18, 0xDC, 0x0B];
    assert_eq!(wire_bid(None).encode_to_vec(), old);
    // Field 5 (varint) = 60,000.
    let priced = [&old[..], &[0x28, 0xE0, 0xD4, 0x03]].concat();
    assert_eq!(wire_bid(Some(60_000)).encode_to_vec(), priced);
}

#[test]
fn the_price_decodes_as_given_even_when_it_is_zero() {
    let body = decode(wire_bid(Some(60_000)));
    assert_eq!(body, TxBody::Bid { slot: 7, side: Side::Buy, quantity_wh: 1_500, meter: None, limit_price: Some(60_000) });
    // A written-out 0 is a price of 0 (refused by the runtime), not "no price".
    assert!(matches!(decode(wire_bid(Some(0))), TxBody::Bid { limit_price: Some(0), .. }));
    assert!(matches!(decode(wire_bid(None)), TxBody::Bid { limit_price: None, .. }));
}
