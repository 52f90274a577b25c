//! Public keys already parsed, by their bytes. A household's meter key signs one bid per
//! slot for years, and every node checks every bid; decompressing the key (a field
//! exponentiation) and the weak-key check were a fifth of a node's verification time.
//! Only keys that parsed and are not weak are kept, so a hit is exactly what parsing
//! again would return.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use ed25519_dalek::VerifyingKey;

use crate::hash::Address;

/// Enough for the paper's 623 homes many times over (about 200 bytes each). When full the
/// cache starts over rather than tracking recency: a miss only costs a parse.
const CAPACITY: usize = 1 << 17;

fn cache() -> &'static Mutex<HashMap<Address, VerifyingKey>> {
    static CACHE: OnceLock<Mutex<HashMap<Address, VerifyingKey>>> = OnceLock::new();
    CACHE.get_or_init(|| Mutex::new(HashMap::new()))
}

pub(super) fn get(bytes: &Address) -> Option<VerifyingKey> {
    cache().lock().ok()?.get(bytes).copied()
}

pub(super) fn insert(bytes: Address, key: VerifyingKey) {
    if let Ok(mut map) = cache().lock() {
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(bytes, key);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse_public_key, SignError};
    use crate::sign::Keypair;

    #[test]
    fn a_cached_key_parses_to_the_same_key_and_a_weak_one_is_refused_every_time() {
        let public = Keypair::from_seed(&[42; 32]).public();
        let first = parse_public_key(&public).unwrap();
        assert_eq!(parse_public_key(&public).unwrap(), first);
        // The identity point: a valid encoding of a small-order point.
        let mut weak = [0u8; 32];
        weak[0] = 1;
        for _ in 0..2 {
            assert!(matches!(parse_public_key(&weak), Err(SignError::PublicKeyWeak(_))));
        }
    }
}
