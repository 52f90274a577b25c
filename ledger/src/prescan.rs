//! Counting a repeated field in protobuf bytes without decoding them, so counts are refused before allocation.

use crate::error::WireError;

/// How many times top-level field `field` occurs in the message `bytes`. Walks the
/// keys and skips the values; nothing is allocated.
pub(crate) fn count_field(what: &'static str, bytes: &[u8], field: u64) -> Result<usize, WireError> {
    let mut count = 0usize;
    walk(what, bytes, |tag, _| {
        if tag == field {
            count += 1;
        }
    })?;
    Ok(count)
}

/// The value bytes of the last occurrence of length-delimited top-level `field`.
pub(crate) fn find_field<'a>(what: &'static str, bytes: &'a [u8], field: u64) -> Result<Option<&'a [u8]>, WireError> {
    let mut found = None;
    walk(what, bytes, |tag, value| {
        if tag == field {
            found = Some(value);
        }
    })?;
    Ok(found)
}

/// Calls `visit` with the value bytes of every occurrence of top-level `field`.
pub(crate) fn for_each_field<'a>(
    what: &'static str,
    bytes: &'a [u8],
    field: u64,
    mut visit: impl FnMut(&'a [u8]),
) -> Result<(), WireError> {
    walk(what, bytes, |tag, value| {
        if tag == field {
            visit(value);
        }
    })
}

/// Calls `visit(tag, value bytes)` for each top-level field (the value bytes of a
/// varint field are its encoding), checking that every length stays inside `bytes`.
fn walk<'a>(what: &'static str, bytes: &'a [u8], mut visit: impl FnMut(u64, &'a [u8])) -> Result<(), WireError> {
    let mut pos = 0usize;
    while pos < bytes.len() {
        let key = read_varint(what, bytes, &mut pos)?;
        let tag = key >> 3;
        let start = pos;
        let len = match key & 7 {
            0 => {
                let mut probe = start;
                read_varint(what, bytes, &mut probe)?;
                probe - start
            }
            1 => 8,
            5 => 4,
            2 => {
                let len = read_varint(what, bytes, &mut pos)?;
                usize::try_from(len).map_err(|e| WireError::malformed(what, e))?
            }
            other => {
                return Err(WireError::malformed(what, format!("field {tag} has unsupported wire type {other}")))
            }
        };
        let remaining = bytes.len() - pos;
        if len > remaining {
            return Err(WireError::malformed(what, format!("field {tag} claims {len} bytes, {remaining} remain")));
        }
        visit(tag, &bytes[pos..pos + len]);
        pos += len;
    }
    Ok(())
}

/// Reads a base-128 varint of at most 10 bytes at `pos`.
fn read_varint(what: &'static str, bytes: &[u8], pos: &mut usize) -> Result<u64, WireError> {
    let mut value = 0u64;
    for shift in 0..10u32 {
        let byte = *bytes
            .get(*pos)
            .ok_or_else(|| WireError::malformed(what, "varint runs past the end"))?;
        *pos += 1;
        value |= u64::from(byte & 0x7f) << (7 * shift);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(WireError::malformed(what, "varint longer than 10 bytes"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_repeated_field_occurrences() {
        // field 2 (bytes) twice, field 1 (varint) once
        let bytes = [0x12, 0x01, 0xaa, 0x08, 0x05, 0x12, 0x00];
        assert_eq!(count_field("t", &bytes, 2), Ok(2));
        assert_eq!(count_field("t", &bytes, 1), Ok(1));
    }

    #[test]
    fn finds_last_occurrence_of_a_field() {
        let bytes = [0x12, 0x01, 0xaa, 0x08, 0x05, 0x12, 0x02, 0xbb, 0xcc];
        assert_eq!(find_field("t", &bytes, 2), Ok(Some(&[0xbb, 0xcc][..])));
        assert_eq!(find_field("t", &bytes, 3), Ok(None));
    }

    #[test]
    fn length_past_the_end_is_malformed() {
        let bytes = [0x12, 0x05, 0xaa];
        assert!(matches!(count_field("t", &bytes, 2), Err(WireError::Malformed { .. })));
    }

    #[test]
    fn overlong_varint_is_malformed() {
        let bytes = [0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
        assert!(matches!(count_field("t", &bytes, 1), Err(WireError::Malformed { .. })));
    }
}
