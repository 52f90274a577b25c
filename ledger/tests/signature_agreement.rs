//! Scenario: nodes verify the same signatures alone (admission, a vote) and inside batches
//! of different compositions (a block, a gossip batch, a certificate). The edge cases of
//! "Taming the many EdDSAs" (Chalkias, Garillot, Nikolaenko 2020; the ed25519-speccheck
//! vectors, as data) must get one verdict everywhere, or nodes could disagree on a block.

use ed25519_dalek::Signature;
use ledger::sign::{parse_public_key, parse_signature, verify_batch, verify_digest, BatchItem, Domain, Keypair};

/// (message, public key, signature) of ed25519-speccheck's cases.json, vectors 0 to 14.
const VECTORS: [(&str, &str, &str); 15] = [
    ("2a66241a42a9ee12994d8068dcf1bb7dfc6637b45450acd43711f637fa5080fc", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000"),
    ("8c93255d71dcab10e8f379c26200f3c7bd5f09d9bc3068d3ef4edeb4853022b6", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a0000000000000000000000000000000000000000000000000000000000000000"),
    ("9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"),
    ("9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa", "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43a5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"),
    ("9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41", "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa182ef1a5b928da07fec769cc8a12db6bcf70dab3f3227fa315e9d5e3e01a3405"),
    ("aebf3f2601a0c8c5d39cc7d8911642f740b78168218da8471772b35f9d35b9ab", "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43", "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa8c4bd45aecaca5b24fb97bc10ac27ac8751a7dfe1baff8b953ec9f5833ca260e"),
    ("9bd9f44f4dcc75bd531b56b2cd280b0bb38fc1cd6d1230e14861d861de092e79", "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d", "9046a64750444938de19f227bb80485e92b83fdb4b6506c160484c016cc1852f87909e14428a7a1d62e9f22f3d3ad7802db02eb2e688b6c52fcd6648a98bd009"),
    ("e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c", "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d", "160a1cb0dc9c0258cd0a7d23e94d8fa878bcb1925f2c64246b2dee1796bed5125ec6bc982a269b723e0668e540911a9a6a58921d6925e434ab10aa7940551a09"),
    ("e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec4011eaccd55b53f56c", "cdb267ce40c5cd45306fa5d2f29731459387dbf9eb933b7bd5aed9a765b88d4d", "21122a84e0b5fca4052f5b1235c80a537878b38f3142356b2c2384ebad4668b7e40bc836dac0f71076f9abe3a53f9c03c1ceeeddb658d0030494ace586687405"),
    ("85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40", "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623", "e96f66be976d82e60150baecff9906684aebb1ef181f67a7189ac78ea23b6c0e547f7690a0e2ddcd04d87dbc3490dc19b3b3052f7ff0538cb68afb369ba3a514"),
    ("85e241a07d148b41e47d62c63f830dc7a6851a0b1f33ae4bb2f507fb6cffec40", "442aad9f089ad9e14647b1ef9099a1ff4798d78589e66f28eca69c11f582a623", "8ce5b96c8f26d0ab6c47958c9e68b937104cd36e13c33566acd2fe8d38aa19427e71f98a473474f2f13f06f97c20d58cc3f54b8bd0d272f42b695dd7e89a8c22"),
    ("9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41", "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff03be9678ac102edcd92b0210bb34d7428d12ffc5df5f37e359941266a4e35f0f"),
    ("9bedc267423725d473888631ebf45988bad3db83851ee85c85e241a07d148b41", "f7badec5b8abeaf699583992219b7b223f1df3fbbea919844e3f7c554a43dd43", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffca8c5b64cd208982aa38d4936621a4775aa233aa0505711d8fdcfdaa943d4908"),
    ("e96b7021eb39c1a163b6da4e3093dcd3f21387da4cc4572be588fafae23c155b", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"),
    ("39a591f5321bbe07fd5a23dc2f39d025d74526615746727ceefd6e82ae65c06f", "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "a9d55260f765261eb9b84e106f665e00b867287a761990d7135963ee0a7d59dca5bb704786be79fc476f91d3f3f89b03984d8068dcf1bb7dfc6637b45450ac04"),
];

/// How many times each batch is verified: the batch coefficients are random, so a verdict
/// that depended on them would show as a disagreement between runs.
const RUNS: usize = 16;

fn bytes<const N: usize>(text: &str) -> [u8; N] {
    hex::decode(text).expect("hex").try_into().expect("length")
}

/// The vector as a batch item, or `None` when its public key is refused at parsing (then no
/// path can verify it: single and batch verification both take parsed keys).
fn item(index: usize) -> Option<BatchItem> {
    let (message, key, signature) = VECTORS[index];
    let key = parse_public_key(&bytes::<32>(key)).ok()?;
    let signature: Signature = parse_signature(&bytes::<64>(signature)).expect("64 bytes");
    // The vectors sign 32-byte messages: they stand in for the signing digest.
    Some(BatchItem { key, domain: Domain::Transaction, digest: bytes::<32>(message), signature })
}

fn single(item: &BatchItem) -> bool {
    verify_digest(&item.key, item.domain, &item.digest, &item.signature).is_ok()
}

/// A valid signature by an ordinary key, to surround a vector in a batch.
fn honest(n: u8) -> BatchItem {
    let keypair = Keypair::from_seed(&[n; 32]);
    let digest = [n; 32];
    let signature = Signature::from_bytes(&keypair_sign(&keypair, &digest));
    BatchItem { key: parse_public_key(&keypair.public()).expect("honest key"), domain: Domain::Transaction, digest, signature }
}

fn keypair_sign(keypair: &Keypair, digest: &[u8; 32]) -> [u8; 64] {
    use ed25519_dalek::Signer;
    ed25519_dalek::SigningKey::from_bytes(&keypair.seed()).sign(digest).to_bytes()
}

/// The batch verdict must be "every item verifies alone", with the first bad item named.
fn assert_batch_agrees(batch: &[BatchItem], label: &str) {
    let first_bad = batch.iter().position(|item| !single(item));
    for run in 0..RUNS {
        let verdict = verify_batch(batch).map_err(|e| e.index);
        match first_bad {
            None => assert_eq!(verdict, Ok(()), "{label}, run {run}: batch refused what every single check accepts"),
            Some(index) => assert_eq!(verdict, Err(index), "{label}, run {run}: batch disagrees with single checks"),
        }
    }
}

#[test]
fn every_speccheck_vector_gets_its_single_verdict_alone_and_in_batches() {
    let parsed: Vec<(usize, BatchItem)> = (0..VECTORS.len()).filter_map(|i| item(i).map(|it| (i, it))).collect();
    for (i, vector) in &parsed {
        assert_batch_agrees(std::slice::from_ref(vector), &format!("vector {i} alone"));
        let surrounded = vec![honest(1), vector.clone(), honest(2), honest(3)];
        assert_batch_agrees(&surrounded, &format!("vector {i} among honest signatures"));
        for (j, other) in &parsed {
            assert_batch_agrees(&[vector.clone(), other.clone()], &format!("vectors {i} and {j}"));
        }
    }
    let all: Vec<BatchItem> = parsed.iter().map(|(_, it)| it.clone()).collect();
    assert_batch_agrees(&all, "all vectors");
    let mut reversed = all.clone();
    reversed.reverse();
    assert_batch_agrees(&reversed, "all vectors reversed");
}

#[test]
fn speccheck_vectors_accepted_are_exactly_the_cofactored_ones_with_prime_order_key_and_canonical_encodings() {
    // Refused keys: small order (0-3: c717..., 13-14: the non-canonical ecff...ff), or of mixed
    // order (4-5, 11-12: f7ba...; 6-8: cdb2...): honest keys are of prime order.
    // Vector 9 has s >= L, vector 10 needs the "pre-reduced" equation: both refused.
    let verdicts: Vec<Option<bool>> = (0..VECTORS.len()).map(|i| item(i).map(|it| single(&it))).collect();
    let accepted: Vec<usize> = (0..VECTORS.len()).filter(|i| verdicts[*i] == Some(true)).collect();
    let key_refused: Vec<usize> = (0..VECTORS.len()).filter(|i| verdicts[*i].is_none()).collect();
    assert_eq!(accepted, Vec::<usize>::new(), "verdicts: {verdicts:?}");
    assert_eq!(key_refused, vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 14], "verdicts: {verdicts:?}");
}

#[test]
fn honest_signatures_verify_alone_and_in_a_batch_and_a_flipped_bit_is_named() {
    let mut batch: Vec<BatchItem> = (1..=40).map(honest).collect();
    assert_batch_agrees(&batch, "forty honest signatures");
    batch[17].digest[0] ^= 1;
    assert_eq!(verify_batch(&batch).map_err(|e| e.index), Err(17));
    assert!(!single(&batch[17]));
}

/// A signature by a key of prime order whose R carries an order-8 torsion component: the
/// cofactored equation holds, the cofactorless one does not. Derived here as data.
fn torsion_in_r(seed: u8) -> (BatchItem, [u8; 32], [u8; 64]) {
    use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
    use curve25519_dalek::scalar::Scalar;
    use sha2::{Digest, Sha512};

    let a = Scalar::from_bytes_mod_order([seed; 32]);
    let public = (ED25519_BASEPOINT_POINT * a).compress().to_bytes();
    let r = Scalar::from_bytes_mod_order([seed.wrapping_add(100); 32]);
    let big_r = (ED25519_BASEPOINT_POINT * r + EIGHT_TORSION[1]).compress().to_bytes();
    let message = [seed; 32];
    let mut wide = [0u8; 64];
    wide.copy_from_slice(&Sha512::new().chain_update(big_r).chain_update(public).chain_update(message).finalize());
    let k = Scalar::from_bytes_mod_order_wide(&wide);
    let s = r + k * a;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&big_r);
    signature[32..].copy_from_slice(&s.to_bytes());
    let key = parse_public_key(&public).expect("a prime-order key");
    let item = BatchItem { key, domain: Domain::Transaction, digest: message, signature: Signature::from_bytes(&signature) };
    (item, public, signature)
}

#[test]
fn a_signature_whose_r_carries_torsion_gets_one_verdict_alone_and_in_every_batch() {
    for seed in 1..=8u8 {
        let (item, _, _) = torsion_in_r(seed);
        assert!(single(&item), "the cofactored equation accepts it");
        assert_batch_agrees(std::slice::from_ref(&item), "alone");
        for n in 1..=8u8 {
            let batch: Vec<BatchItem> = (0..n).map(|m| honest(m.wrapping_add(50))).chain([item.clone()]).collect();
            assert_batch_agrees(&batch, &format!("seed {seed} after {n} honest signatures"));
        }
    }
}

#[test]
fn ed25519_dalek_strict_and_batch_disagree_on_torsion_in_r_which_is_why_they_are_not_used() {
    // What ledger did before: verify_strict alone, dalek's verify_batch for batches. The
    // batch verdict on such a signature depends on the rest of the batch.
    let (_, public, signature) = torsion_in_r(3);
    let key = ed25519_dalek::VerifyingKey::from_bytes(&public).expect("point");
    let signature = Signature::from_bytes(&signature);
    let message = [3u8; 32];
    assert!(key.verify_strict(&message, &signature).is_err());
    let mut outcomes = std::collections::BTreeSet::new();
    for n in 0..32u8 {
        let others: Vec<(ed25519_dalek::VerifyingKey, [u8; 32], Signature)> = (0..n)
            .map(|m| {
                let keypair = Keypair::from_seed(&[m.wrapping_add(60); 32]);
                let digest = [m; 32];
                (keypair.verifying_key(), digest, Signature::from_bytes(&keypair_sign(&keypair, &digest)))
            })
            .collect();
        let messages: Vec<&[u8]> = others.iter().map(|o| &o.1[..]).chain([&message[..]]).collect();
        let signatures: Vec<Signature> = others.iter().map(|o| o.2).chain([signature]).collect();
        let keys: Vec<ed25519_dalek::VerifyingKey> = others.iter().map(|o| o.0).chain([key]).collect();
        outcomes.insert(ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok());
    }
    assert_eq!(outcomes.len(), 2, "dalek's batch gave one verdict for every composition: {outcomes:?}");
}
