//! The transaction batch (`TxBatch` in batch.proto): the one wire format of gossiped
//! transactions and of `POST /txs/batch` bodies.

use prost::encoding::{encode_key, encode_varint, encoded_len_varint, WireType};

use crate::error::{check_len, WireError};
use crate::limits::{MAX_TX_BATCH_BYTES, MAX_TX_BATCH_TXS, MAX_TX_BYTES};
use crate::prescan::count_field;

const WHAT: &str = "transaction batch";
/// `TxBatch.txs`: field 1, length-delimited.
const TXS_FIELD: u32 = 1;
/// The key of `TxBatch.txs` in its only (one-byte) encoding.
const TXS_KEY: u8 = 0x0a;

/// Encodes `txs` as a `TxBatch`, byte for byte what prost writes for
/// `TxBatch { txs }`, without copying the envelopes into one first. The caller keeps a
/// batch within [`MAX_TX_BATCH_TXS`] and [`MAX_TX_BATCH_BYTES`], or receivers refuse it.
pub fn encode_tx_batch<T: AsRef<[u8]>>(txs: &[T]) -> Vec<u8> {
    let len: usize = txs
        .iter()
        .map(|tx| {
            let tx = tx.as_ref();
            1 + encoded_len_varint(tx.len() as u64) + tx.len()
        })
        .sum();
    let mut out = Vec::with_capacity(len);
    for tx in txs {
        let tx = tx.as_ref();
        encode_key(TXS_FIELD, WireType::LengthDelimited, &mut out);
        encode_varint(tx.len() as u64, &mut out);
        out.extend_from_slice(tx);
    }
    out
}

/// Decodes a `TxBatch` into its envelopes (borrowed from `bytes`, nothing is copied). The
/// size and the count are checked before anything is allocated; the batch must be
/// canonical (only field 1, one-byte keys, minimal length varints) and each envelope at
/// most [`MAX_TX_BYTES`]. The envelopes themselves are checked by `tx::decode_tx` or
/// `tx::verify_batch`.
pub fn decode_tx_batch(bytes: &[u8]) -> Result<Vec<&[u8]>, WireError> {
    check_len(WHAT, bytes, MAX_TX_BATCH_BYTES)?;
    // Walks every key and length (and refuses lengths past the end) without allocating.
    let count = count_field(WHAT, bytes, u64::from(TXS_FIELD))?;
    if count > MAX_TX_BATCH_TXS {
        return Err(WireError::TooMany { what: WHAT, items: "transactions", count, max: MAX_TX_BATCH_TXS });
    }
    let mut txs = Vec::with_capacity(count);
    let mut rest = bytes;
    while let Some((&key, after_key)) = rest.split_first() {
        if key != TXS_KEY {
            return Err(WireError::field(
                WHAT,
                "txs",
                format!("key byte {key:#04x} at offset {}: a batch holds only field 1 (txs), key 0x0a", bytes.len() - rest.len()),
            ));
        }
        let (len, len_bytes) = read_len(after_key, txs.len())?;
        let after_len = &after_key[len_bytes..];
        // count_field checked every length against the end; refuse rather than trust it.
        let tx = after_len.get(..len).ok_or_else(|| WireError::malformed(WHAT, "a length runs past the end"))?;
        if len > MAX_TX_BYTES {
            return Err(WireError::field(
                WHAT,
                "txs",
                format!("transaction {} is {len} bytes, over the limit of {MAX_TX_BYTES}", txs.len()),
            ));
        }
        txs.push(tx);
        rest = &after_len[len..];
    }
    Ok(txs)
}

/// Reads the length varint of transaction `index` from the start of `bytes`: the length
/// and how many bytes it took, refusing overlong (non-minimal) encodings.
fn read_len(bytes: &[u8], index: usize) -> Result<(usize, usize), WireError> {
    let mut value = 0u64;
    for (at, byte) in bytes.iter().take(10).enumerate() {
        value |= u64::from(byte & 0x7f) << (7 * at);
        if byte & 0x80 == 0 {
            let used = at + 1;
            if encoded_len_varint(value) != used {
                return Err(WireError::field(WHAT, "txs", format!("the length of transaction {index} is an overlong varint")));
            }
            let len = usize::try_from(value).map_err(|e| WireError::malformed(WHAT, e))?;
            return Ok((len, used));
        }
    }
    Err(WireError::malformed(WHAT, format!("the length of transaction {index} is not a varint")))
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;
    use crate::wire::TxBatch;

    fn txs() -> Vec<Vec<u8>> {
        vec![vec![1; 3], Vec::new(), vec![7; 200], vec![9; MAX_TX_BYTES]]
    }

    #[test]
    fn batch_encodes_exactly_as_prost_and_decodes_back() {
        let txs = txs();
        let bytes = encode_tx_batch(&txs);
        assert_eq!(bytes, TxBatch { txs: txs.clone() }.encode_to_vec());
        let decoded = decode_tx_batch(&bytes).unwrap();
        assert_eq!(decoded, txs.iter().map(Vec::as_slice).collect::<Vec<_>>());
    }

    #[test]
    fn empty_batch_is_empty_bytes() {
        assert!(encode_tx_batch::<Vec<u8>>(&[]).is_empty());
        assert_eq!(decode_tx_batch(&[]).unwrap(), Vec::<&[u8]>::new());
    }

    #[test]
    fn batch_of_most_transactions_passes_and_one_more_is_refused_before_decoding() {
        let at_limit = encode_tx_batch(&vec![vec![5u8; 2]; MAX_TX_BATCH_TXS]);
        assert_eq!(decode_tx_batch(&at_limit).unwrap().len(), MAX_TX_BATCH_TXS);
        let over = encode_tx_batch(&vec![vec![5u8; 2]; MAX_TX_BATCH_TXS + 1]);
        assert_eq!(
            decode_tx_batch(&over),
            Err(WireError::TooMany { what: WHAT, items: "transactions", count: MAX_TX_BATCH_TXS + 1, max: MAX_TX_BATCH_TXS })
        );
    }

    #[test]
    fn batch_over_the_byte_limit_is_refused() {
        let bytes = vec![0u8; MAX_TX_BATCH_BYTES + 1];
        assert!(matches!(decode_tx_batch(&bytes), Err(WireError::Oversize { .. })));
    }

    #[test]
    fn transaction_over_its_limit_inside_a_batch_is_refused() {
        let bytes = encode_tx_batch(&[vec![0u8; MAX_TX_BYTES + 1]]);
        assert!(matches!(decode_tx_batch(&bytes), Err(WireError::Field { field: "txs", .. })));
    }

    #[test]
    fn unknown_field_in_a_batch_is_refused() {
        let mut bytes = encode_tx_batch(&[vec![1u8; 4]]);
        bytes.extend_from_slice(&[0x12, 0x01, 0x00]);
        assert!(matches!(decode_tx_batch(&bytes), Err(WireError::Field { field: "txs", .. })));
    }

    #[test]
    fn overlong_length_varint_in_a_batch_is_refused() {
        let bytes = [0x0a, 0x81, 0x00, 0xaa];
        assert!(matches!(decode_tx_batch(&bytes), Err(WireError::Field { field: "txs", .. })));
    }

    #[test]
    fn length_past_the_end_of_a_batch_is_refused() {
        let bytes = [0x0a, 0x05, 0xaa];
        assert!(matches!(decode_tx_batch(&bytes), Err(WireError::Malformed { .. })));
    }

    #[test]
    fn huge_claimed_length_in_a_batch_is_refused_without_allocating() {
        let bytes = [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert!(matches!(decode_tx_batch(&bytes), Err(WireError::Malformed { .. })));
    }
}
