//! The binary Merkle root over a block's transactions.

use crate::hash::{sha256_concat, Hash};

/// Root of no leaves.
pub const EMPTY_ROOT: Hash = [0u8; 32];

/// The Merkle root of `items`: leaves sha256(0x00 || item), inner nodes
/// sha256(0x01 || left || right), an odd last node promoted unchanged. The prefixes
/// keep a leaf from being passed off as an inner node.
pub fn merkle_root<T: AsRef<[u8]>>(items: &[T]) -> Hash {
    if items.is_empty() {
        return EMPTY_ROOT;
    }
    let mut level: Vec<Hash> = items
        .iter()
        .map(|item| sha256_concat(&[&[0x00], item.as_ref()]))
        .collect();
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [left, right] => sha256_concat(&[&[0x01], left, right]),
                // chunks(2) yields one or two items: the odd last node is promoted.
                [single, ..] => *single,
                [] => EMPTY_ROOT,
            })
            .collect();
    }
    // The loop leaves exactly one node (the list was not empty); no indexing that could panic.
    level.first().copied().unwrap_or(EMPTY_ROOT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_changes_when_order_changes() {
        assert_ne!(merkle_root(&[b"a", b"b"]), merkle_root(&[b"b", b"a"]));
    }

    #[test]
    fn odd_leaf_is_promoted() {
        let two = merkle_root(&[b"a", b"b"]);
        let leaf_c = sha256_concat(&[&[0x00], b"c"]);
        assert_eq!(merkle_root(&[b"a", b"b", b"c"]), sha256_concat(&[&[0x01], &two, &leaf_c]));
    }

    #[test]
    fn empty_list_has_zero_root() {
        assert_eq!(merkle_root::<&[u8]>(&[]), EMPTY_ROOT);
    }
}
