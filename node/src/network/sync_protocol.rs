//! Block-sync request/response messages (CBOR over libp2p request-response).

use serde::{Deserialize, Serialize};

pub const PROTOCOL: &str = "/solartrade/sync/1";
/// Most blocks one response carries; bounds the response size and the work per request.
pub const MAX_BLOCKS_PER_RESPONSE: u32 = 512;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncRequest {
    /// First height wanted.
    pub from_height: u64,
    /// Most blocks wanted (the responder caps it at `MAX_BLOCKS_PER_RESPONSE`).
    pub max_blocks: u32,
}

/// One committed block with the certificate that proves it, in the ledger's encodings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncedBlock {
    #[serde(with = "serde_bytes_compat")]
    pub block: Vec<u8>,
    #[serde(with = "serde_bytes_compat")]
    pub certificate: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SyncResponse {
    /// The responder's latest committed height, so the requester knows how far behind it is.
    pub latest_height: u64,
    pub blocks: Vec<SyncedBlock>,
}

/// Encodes byte vectors as CBOR byte strings rather than arrays of integers (half the size).
mod serde_bytes_compat {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Vec<u8>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
                Ok(v.to_vec())
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
                Ok(v)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<u8>, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(out)
            }
        }
        d.deserialize_byte_buf(Visitor)
    }
}
