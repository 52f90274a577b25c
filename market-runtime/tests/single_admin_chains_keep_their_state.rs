//! Scenario: a chain that never uses k-of-n (a genesis without `administrator_set`, a single
//! administrator approving, closing the market, updating a validator) keeps every stored byte,
//! and so its state root: the digest of its whole state is pinned at the value it had before
//! k-of-n existed. A genesis JSON without the new field loads, and an explicit 1-of-1 set is
//! stored exactly as the bare key.

mod common;

use common::*;
use market_runtime::*;
use sha2::{Digest, Sha256};

/// sha256 over every (key, value) in key order, each length-prefixed.
fn state_digest(s: &MemStore) -> String {
    let mut entries: Vec<_> = s.iter().collect();
    entries.sort();
    let mut h = Sha256::new();
    for (k, v) in entries {
        h.update((k.len() as u64).to_le_bytes());
        h.update(k);
        h.update((v.len() as u64).to_le_bytes());
        h.update(v);
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Admin actions of a single-key chain, as any chain made before k-of-n ran them.
fn history(g: &AppGenesis) -> MemStore {
    let mut s = store_with(g);
    let newcomer = [0x55; 32];
    run_one(&mut s, tx(newcomer, 0, TxBody::RegisterHousehold(spec()))).unwrap();
    run_one(&mut s, tx(ADMIN, 0, TxBody::ApproveHousehold { household: newcomer })).unwrap();
    run_one(&mut s, tx(ADMIN, 1, TxBody::ValidatorUpdate { validator: [0x78; 32], power: 3, node_key: None })).unwrap();
    run_one(&mut s, tx(ADMIN, 2, TxBody::CloseMarket)).unwrap();
    s
}

/// `state_digest(&history(&genesis(2, 1_000_000, Mechanism::Sdr)))` at the commit before
/// k-of-n administrators (ea24fa9).
const DIGEST_BEFORE_K_OF_N: &str = "6bd1a8ae62f5be735842b6f994af411b402e35817788b172fb24a96580b1296c";

#[test]
fn a_single_admin_chain_keeps_its_state_digest() {
    let s = history(&genesis(2, 1_000_000, Mechanism::Sdr));
    assert_eq!(state_digest(&s), DIGEST_BEFORE_K_OF_N);
    assert_eq!(s.get(b"meta/admin"), Some(ADMIN.to_vec()));
    assert!(s.iter().all(|(k, _)| !k.starts_with(b"adm/")), "a 1-of-1 administrator writes no proposals");
}

#[test]
fn an_explicit_one_of_one_set_is_stored_as_the_bare_key() {
    let mut g = genesis(2, 1_000_000, Mechanism::Sdr);
    g.administrator_set = Some(AdministratorSet { threshold: 1, members: vec![ADMIN] });
    assert_eq!(state_digest(&history(&g)), state_digest(&history(&genesis(2, 1_000_000, Mechanism::Sdr))));
}

#[test]
fn a_genesis_json_without_the_new_field_loads_and_writes_it_back_unchanged() {
    let g = genesis(2, 1_000_000, Mechanism::Sdr);
    let json = serde_json::to_string(&g).unwrap();
    assert!(!json.contains("administrator_set"), "an absent set is not written: {json}");
    let back: AppGenesis = serde_json::from_str(&json).unwrap();
    assert_eq!(back, g);
}
