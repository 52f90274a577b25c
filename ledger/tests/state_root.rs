//! The state root: determinism whatever the write order, incrementality, and proofs a light client can check.

mod common;

use std::sync::Arc;

use common::{block, cert};
use ledger::state::{Proof, ProofError, StateDb, StateTree};
use ledger::store::{ChainStore, RocksBackend};
use market_runtime::StateStore;
use proptest::prelude::*;

fn entries() -> impl Strategy<Value = Vec<(Vec<u8>, Option<Vec<u8>>)>> {
    proptest::collection::vec(
        (proptest::collection::vec(any::<u8>(), 1..12), proptest::option::of(proptest::collection::vec(any::<u8>(), 0..16))),
        0..200,
    )
}

fn final_content(writes: &[(Vec<u8>, Option<Vec<u8>>)]) -> std::collections::BTreeMap<Vec<u8>, Option<Vec<u8>>> {
    writes.iter().cloned().collect()
}

proptest! {
    #[test]
    fn same_writes_in_any_order_give_the_same_root(writes in entries(), seed in any::<u64>()) {
        // One block's writes, as the overlay holds them (the last write of a key wins),
        // applied to the tree in two different orders.
        let content: Vec<_> = final_content(&writes).into_iter().collect();
        let mut shuffled = content.clone();
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let mut a = StateTree::new();
        let mut b = StateTree::new();
        for (k, v) in &content { a.set(k, v.as_deref()); }
        for (k, v) in &shuffled { b.set(k, v.as_deref()); }
        prop_assert_eq!(a.root(), b.root());
    }

    #[test]
    fn incremental_root_equals_root_built_from_scratch(batches in proptest::collection::vec(entries(), 1..5)) {
        let mut incremental = StateTree::new();
        let mut content = std::collections::BTreeMap::new();
        for batch in &batches {
            for (k, v) in batch {
                incremental.set(k, v.as_deref());
                match v { Some(v) => { content.insert(k.clone(), v.clone()); } None => { content.remove(k); } }
            }
            incremental.root();
        }
        let mut scratch = StateTree::new();
        for (k, v) in &content { scratch.set(k, Some(v)); }
        prop_assert_eq!(incremental.root(), scratch.root());
        prop_assert_eq!(incremental.len(), content.len());
    }

    #[test]
    fn proofs_verify_for_present_and_absent_keys(writes in entries(), probe in proptest::collection::vec(any::<u8>(), 1..12)) {
        let mut tree = StateTree::new();
        let content = final_content(&writes);
        for (k, v) in &content { tree.set(k, v.as_deref()); }
        let root = tree.root();
        for (k, v) in &content {
            let proof = tree.prove(k);
            prop_assert_eq!(proof.verify(&root, k, v.as_deref()), Ok(()));
        }
        let expected = content.get(&probe).cloned().flatten();
        prop_assert_eq!(tree.prove(&probe).verify(&root, &probe, expected.as_deref()), Ok(()));
    }
}

#[test]
fn deleting_everything_gives_back_the_empty_root() {
    let mut tree = StateTree::new();
    let empty = tree.root();
    for i in 0..1000u32 {
        tree.set(&i.to_be_bytes(), Some(b"v"));
    }
    assert_ne!(tree.root(), empty);
    for i in 0..1000u32 {
        tree.set(&i.to_be_bytes(), None);
    }
    assert_eq!(tree.root(), empty);
    assert!(tree.is_empty());
}

#[test]
fn changing_one_value_changes_the_root() {
    let mut tree = StateTree::new();
    tree.set(b"acct/a", Some(b"1"));
    let before = tree.root();
    tree.set(b"acct/a", Some(b"2"));
    assert_ne!(tree.root(), before);
}

fn tree_with_balance() -> (StateTree, [u8; 32], Proof) {
    let mut tree = StateTree::new();
    for i in 0..5000u32 {
        tree.set(format!("acct/{i}").as_bytes(), Some(&i.to_le_bytes()));
    }
    let root = tree.root();
    let proof = tree.prove(b"acct/42");
    (tree, root, proof)
}

#[test]
fn tampered_value_fails_the_proof() {
    let (_, root, proof) = tree_with_balance();
    assert_eq!(proof.verify(&root, b"acct/42", Some(&42u32.to_le_bytes())), Ok(()));
    assert!(matches!(proof.verify(&root, b"acct/42", Some(&43u32.to_le_bytes())), Err(ProofError::ValueMismatch { .. })));
    assert!(matches!(proof.verify(&root, b"acct/42", None), Err(ProofError::Present(_))));
}

#[test]
fn tampered_proof_fails_against_the_root() {
    let (_, root, proof) = tree_with_balance();
    let mut sibling = proof.clone();
    sibling.siblings[7][0] ^= 1;
    assert!(matches!(sibling.verify(&root, b"acct/42", Some(&42u32.to_le_bytes())), Err(ProofError::RootMismatch { .. })));
    let mut entry = proof.clone();
    // Rewrite the entry's value hash to that of a forged balance.
    let forged = ledger::hash::sha256(&1_000_000u32.to_le_bytes());
    let key_hash = ledger::hash::sha256(b"acct/42");
    for e in entry.entries.iter_mut() {
        if e.0 == key_hash {
            e.1 = forged;
        }
    }
    assert!(matches!(
        entry.verify(&root, b"acct/42", Some(&1_000_000u32.to_le_bytes())),
        Err(ProofError::RootMismatch { .. })
    ));
    let mut dropped = proof.clone();
    dropped.entries.retain(|e| e.0 != key_hash);
    // Hiding the key to claim absence fails too.
    assert!(matches!(dropped.verify(&root, b"acct/42", None), Err(ProofError::RootMismatch { .. })));
    let mut short = proof.clone();
    short.siblings.pop();
    assert!(matches!(short.verify(&root, b"acct/42", Some(&42u32.to_le_bytes())), Err(ProofError::WrongDepth { .. })));
    let mut wrong_root = root;
    wrong_root[31] ^= 1;
    assert!(matches!(proof.verify(&wrong_root, b"acct/42", Some(&42u32.to_le_bytes())), Err(ProofError::RootMismatch { .. })));
}

#[test]
fn proof_survives_json_round_trip() {
    let (_, root, proof) = tree_with_balance();
    let json = serde_json::to_string(&proof).expect("serialises");
    let back: Proof = serde_json::from_str(&json).expect("parses");
    assert_eq!(back.verify(&root, b"acct/42", Some(&42u32.to_le_bytes())), Ok(()));
}

fn open_db(dir: &std::path::Path) -> StateDb<RocksBackend> {
    let store = Arc::new(ChainStore::open(dir).expect("store opens"));
    StateDb::open(store).expect("state opens")
}

#[test]
fn state_db_reads_its_overlay_and_commits_it_with_the_block() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = open_db(dir.path());
    db.put(b"acct/a", b"1".to_vec());
    db.put(b"acct/b", b"2".to_vec());
    db.put(b"hh/a", b"x".to_vec());
    let genesis_root = db.commit_genesis().expect("genesis commits");
    db.put(b"acct/c", b"3".to_vec());
    db.delete(b"acct/a");
    assert_eq!(db.get(b"acct/a"), None);
    assert_eq!(db.get(b"acct/b"), Some(b"2".to_vec()));
    assert_eq!(
        db.scan_prefix(b"acct/"),
        vec![(b"acct/b".to_vec(), b"2".to_vec()), (b"acct/c".to_vec(), b"3".to_vec())]
    );
    assert_eq!(db.root(), genesis_root, "the root moves only on commit");
    let b1 = block(1, [0; 32], vec![], genesis_root);
    let root1 = db.commit(&b1, &cert(&b1, 0, &[0, 1, 2])).expect("block 1 commits");
    assert_ne!(root1, genesis_root);
    drop(db);
    let mut reopened = open_db(dir.path());
    assert_eq!(reopened.root(), root1);
    assert_eq!(reopened.get(b"acct/c"), Some(b"3".to_vec()));
    assert_eq!(reopened.get(b"acct/a"), None);
    // A light client holding only the root checks its balance.
    let proof = reopened.prove(b"acct/c");
    assert_eq!(proof.verify(&root1, b"acct/c", Some(b"3")), Ok(()));
    assert!(proof.verify(&root1, b"acct/c", Some(b"4")).is_err());
}

#[test]
fn state_db_roots_agree_whatever_the_write_order() {
    let a_dir = tempfile::tempdir().expect("tempdir");
    let b_dir = tempfile::tempdir().expect("tempdir");
    let mut a = open_db(a_dir.path());
    let mut b = open_db(b_dir.path());
    for i in 0..300u32 {
        a.put(format!("acct/{i}").as_bytes(), i.to_le_bytes().to_vec());
    }
    for i in (0..300u32).rev() {
        b.put(format!("acct/{i}").as_bytes(), i.to_le_bytes().to_vec());
    }
    assert_eq!(a.commit_genesis().expect("commits"), b.commit_genesis().expect("commits"));
}

#[test]
fn failed_commit_keeps_overlay_and_root() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = open_db(dir.path());
    let root0 = db.root();
    db.put(b"acct/a", b"1".to_vec());
    let wrong_height = block(2, [0; 32], vec![], [0; 32]);
    let err = db.commit(&wrong_height, &cert(&wrong_height, 0, &[0, 1, 2])).unwrap_err();
    assert!(matches!(err, ledger::store::StoreError::NotNext { latest: 0, got: 2 }), "{err}");
    assert_eq!(db.root(), root0);
    assert_eq!(db.pending().len(), 1);
    let b1 = block(1, [0; 32], vec![], root0);
    let root1 = db.commit(&b1, &cert(&b1, 0, &[0, 1, 2])).expect("retry commits");
    let mut fresh = StateTree::new();
    fresh.set(b"acct/a", Some(b"1"));
    assert_eq!(root1, fresh.root());
}

#[test]
fn failed_commit_of_a_large_block_restores_the_tree_hashed_on_the_second_thread() {
    // 1,000 writes take the path where the tree is hashed on its own thread while the
    // block is checked; the check fails, so the tree must come back to the committed state.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut db = open_db(dir.path());
    for i in 0..500u32 {
        db.put(format!("acct/{i}").as_bytes(), i.to_le_bytes().to_vec());
    }
    let root0 = db.commit_genesis().expect("genesis commits");
    for i in 250..1250u32 {
        db.put(format!("acct/{i}").as_bytes(), (i + 7).to_le_bytes().to_vec());
    }
    db.delete(b"acct/3");
    let wrong_height = block(2, [0; 32], vec![], root0);
    let err = db.commit(&wrong_height, &cert(&wrong_height, 0, &[0, 1, 2])).unwrap_err();
    assert!(matches!(err, ledger::store::StoreError::NotNext { latest: 0, got: 2 }), "{err}");
    assert_eq!(db.root(), root0);
    assert_eq!(db.pending().len(), 1001);
    assert_eq!(db.prove(b"acct/300").verify(&root0, b"acct/300", Some(&300u32.to_le_bytes())), Ok(()));
    assert_eq!(db.prove(b"acct/3").verify(&root0, b"acct/3", Some(&3u32.to_le_bytes())), Ok(()));

    let b1 = block(1, [0; 32], vec![], root0);
    let root1 = db.commit(&b1, &cert(&b1, 0, &[0, 1, 2])).expect("retry commits");
    let mut fresh = StateTree::new();
    for i in 0..1250u32 {
        let value = if i < 250 { i } else { i + 7 };
        if i != 3 {
            fresh.set(format!("acct/{i}").as_bytes(), Some(&value.to_le_bytes()));
        }
    }
    assert_eq!(root1, fresh.root());
    drop(db);
    assert_eq!(open_db(dir.path()).root(), root1, "the reopened state gives the root written with the block");
}
