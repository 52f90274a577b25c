//! The chain store's own checks of what it reads back from disk.

use super::*;
use crate::wire::Header;

#[test]
fn latest_height_of_u64_max_read_from_disk_refuses_the_next_commit_without_overflow() {
    let store = ChainStore::with_backend(MemBackend::new());
    store.put(CF_META, META_LATEST_HEIGHT, &u64::MAX.to_be_bytes(), true).expect("writes");
    let block = Block { header: Some(Header { height: 1, ..Header::default() }), ..Block::default() };
    let cert = CommitCertificate { height: 1, block_hash: block.hash().to_vec(), ..CommitCertificate::default() };
    let err = store.prepare_commit(&block, &cert, &StateWrites::new()).unwrap_err();
    assert!(matches!(err, StoreError::HeightExhausted { latest: u64::MAX }), "{err}");
}
