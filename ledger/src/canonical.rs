//! One message, one encoding: refusing bytes that decode but are not what the reference encoder writes.
//!
//! Ids and hashes are taken over bytes (a transaction's id is sha256 of its envelope, a
//! block's hash that of its encoded header), so an encoding with extra unknown fields,
//! repeated fields, default values written out or overlong varints would give the same
//! message a second id and let anyone pad it. prost writes fields in number order, omits
//! defaults and writes minimal varints, so "re-encodes to the same bytes" is the rule.

use prost::Message;

use crate::error::WireError;

/// Refuses `bytes` unless encoding `decoded` (what `bytes` decoded to) gives them back.
pub(crate) fn check_canonical<M: Message>(what: &'static str, bytes: &[u8], decoded: &M) -> Result<(), WireError> {
    let canonical_len = decoded.encoded_len();
    let mut canonical = Vec::with_capacity(canonical_len);
    // Encoding into a Vec with enough capacity cannot fail.
    if decoded.encode(&mut canonical).is_ok() && canonical == bytes {
        return Ok(());
    }
    let first_difference = canonical.iter().zip(bytes).take_while(|(a, b)| a == b).count();
    Err(WireError::NonCanonical { what, len: bytes.len(), canonical_len, first_difference })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::SyncRequest;

    fn decoded(bytes: &[u8]) -> SyncRequest {
        SyncRequest::decode(bytes).expect("decodes")
    }

    #[test]
    fn reference_encoding_is_canonical() {
        let bytes = SyncRequest { from_height: 300, max_blocks: 4 }.encode_to_vec();
        assert_eq!(check_canonical("sync request", &bytes, &decoded(&bytes)), Ok(()));
    }

    #[test]
    fn unknown_field_is_not_canonical() {
        // from_height 1, then field 9 (varint 0) that the message does not have.
        let bytes = [0x08, 0x01, 0x48, 0x00];
        let err = check_canonical("sync request", &bytes, &decoded(&bytes)).unwrap_err();
        assert_eq!(err, WireError::NonCanonical { what: "sync request", len: 4, canonical_len: 2, first_difference: 2 });
    }

    #[test]
    fn overlong_varint_is_not_canonical() {
        // from_height 1 written in two bytes.
        let bytes = [0x08, 0x81, 0x00];
        assert!(matches!(check_canonical("sync request", &bytes, &decoded(&bytes)), Err(WireError::NonCanonical { .. })));
    }

    #[test]
    fn default_value_written_out_is_not_canonical() {
        let bytes = [0x08, 0x00];
        assert!(matches!(check_canonical("sync request", &bytes, &decoded(&bytes)), Err(WireError::NonCanonical { .. })));
    }

    #[test]
    fn repeated_scalar_field_is_not_canonical() {
        let bytes = [0x08, 0x01, 0x08, 0x02];
        assert!(matches!(check_canonical("sync request", &bytes, &decoded(&bytes)), Err(WireError::NonCanonical { .. })));
    }

    #[test]
    fn fields_out_of_order_are_not_canonical() {
        let bytes = [0x10, 0x04, 0x08, 0x01];
        assert!(matches!(check_canonical("sync request", &bytes, &decoded(&bytes)), Err(WireError::NonCanonical { .. })));
    }
}
