//! The chain store: queries by height and hash, the chain checks on commit, the signer record.

mod common;

use common::{bid_tx, block, cert, key, CHAIN};
use ledger::store::{ChainStore, StateChanges, StoreError};
use ledger::wire::{SignStep, SignerState};

fn changes(root: u8) -> StateChanges {
    StateChanges { writes: [(b"k".to_vec(), Some(vec![root]))].into_iter().collect(), root: [root; 32] }
}

#[test]
fn committed_blocks_are_found_by_height_and_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ChainStore::open(dir.path()).expect("opens");
    assert_eq!(store.latest_height().expect("reads"), None);
    let b1 = block(1, [0; 32], vec![bid_tx(&key(9), 0, 1)], [0; 32]);
    store.commit(&b1, &cert(&b1, 0, &[0, 1, 2]), &changes(1)).expect("commits");
    let b2 = block(2, b1.hash(), vec![], [1; 32]);
    store.commit(&b2, &cert(&b2, 1, &[1, 2, 3]), &changes(2)).expect("commits");
    assert_eq!(store.latest_height().expect("reads"), Some(2));
    assert_eq!(store.latest_hash().expect("reads"), Some(b2.hash()));
    assert_eq!(store.block(1).expect("reads"), Some(b1.clone()));
    assert_eq!(store.block_by_hash(&b2.hash()).expect("reads"), Some(b2.clone()));
    assert_eq!(store.block_by_hash(&[7; 32]).expect("reads"), None);
    assert_eq!(store.certificate(2).expect("reads"), Some(cert(&b2, 1, &[1, 2, 3])));
    assert_eq!(store.state_root().expect("reads"), Some([2; 32]));
    assert_eq!(store.state_get(b"k").expect("reads"), Some(vec![2]));
    assert_eq!(store.block(3).expect("reads"), None);
}

#[test]
fn commit_refuses_gaps_forks_and_foreign_certificates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ChainStore::open(dir.path()).expect("opens");
    let b2 = block(2, [0; 32], vec![], [0; 32]);
    assert!(matches!(store.commit(&b2, &cert(&b2, 0, &[0]), &changes(1)), Err(StoreError::NotNext { latest: 0, got: 2 })));
    let fork = block(1, [5; 32], vec![], [0; 32]);
    assert!(matches!(store.commit(&fork, &cert(&fork, 0, &[0]), &changes(1)), Err(StoreError::WrongParent { .. })));
    let b1 = block(1, [0; 32], vec![], [0; 32]);
    let other = block(1, [0; 32], vec![], [9; 32]);
    assert!(matches!(
        store.commit(&b1, &cert(&other, 0, &[0]), &changes(1)),
        Err(StoreError::CertificateMismatch { .. })
    ));
    assert_eq!(store.latest_height().expect("reads"), None, "nothing was written");
}

#[test]
fn genesis_is_written_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = ChainStore::open(dir.path()).expect("opens");
    store.commit_genesis(&changes(3)).expect("first genesis");
    assert!(matches!(store.commit_genesis(&changes(4)), Err(StoreError::GenesisDone)));
    assert_eq!(store.state_root().expect("reads"), Some([3; 32]));
}

#[test]
fn signer_state_survives_reopening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let state = SignerState { height: 7, round: 2, step: SignStep::Precommit as i32, payload_hash: vec![1; 32] };
    {
        let store = ChainStore::open(dir.path()).expect("opens");
        assert_eq!(store.signer_state().expect("reads"), None);
        store.save_signer_state(&state).expect("saves");
        store.put_meta("genesis_hash", b"abc").expect("saves");
    }
    let store = ChainStore::open(dir.path()).expect("reopens");
    assert_eq!(store.signer_state().expect("reads"), Some(state));
    assert_eq!(store.meta("genesis_hash").expect("reads"), Some(b"abc".to_vec()));
    let _ = CHAIN;
}
