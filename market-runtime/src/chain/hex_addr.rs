//! Serde of addresses as lowercase hex, the text form the contracts fix.

use serde::{Deserialize, Deserializer, Serializer};

use super::types::Address;

pub fn to_hex(addr: &Address) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in addr {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 0xf) as usize] as char);
    }
    s
}

/// Parses 64 lowercase or uppercase hex digits.
pub fn from_hex(s: &str) -> Option<Address> {
    let bytes = s.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let hi = (pair[0] as char).to_digit(16)?;
        let lo = (pair[1] as char).to_digit(16)?;
        out[i] = (hi * 16 + lo) as u8;
    }
    Some(out)
}

pub fn serialize<S: Serializer>(addr: &Address, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&to_hex(addr))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
    let text = String::deserialize(d)?;
    from_hex(&text).ok_or_else(|| serde::de::Error::custom(format!("not a 32-byte hex address: {text:?}")))
}

/// The same for an optional address (`null` or absent when `None`).
pub mod option {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{from_hex, to_hex, Address};

    pub fn serialize<S: Serializer>(addr: &Option<Address>, s: S) -> Result<S::Ok, S::Error> {
        match addr {
            Some(a) => s.serialize_some(&to_hex(a)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Address>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(text) => from_hex(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom(format!("not a 32-byte hex key: {text:?}"))),
        }
    }
}

/// The same for a list of addresses.
pub mod vec {
    use serde::ser::SerializeSeq;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::{from_hex, to_hex, Address};

    pub fn serialize<S: Serializer>(addrs: &[Address], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(addrs.len()))?;
        for a in addrs {
            seq.serialize_element(&to_hex(a))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Address>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|text| from_hex(text).ok_or_else(|| serde::de::Error::custom(format!("not a 32-byte hex address: {text:?}"))))
            .collect()
    }
}
