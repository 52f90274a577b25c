//! The one ed25519 verification rule, shared by single and batch verification so that both
//! accept exactly the same signatures whatever else is in a batch.
//!
//! ed25519-dalek's `verify_strict` checks `R == [s]B - [k]A` (no cofactor) while its
//! `verify_batch` checks a random combination of the same equations without the small-order
//! and encoding checks: a signature whose R carries a small torsion component, a small-order
//! R or a non-canonical R passes or fails the batch depending on the batch's random
//! coefficients, that is on the rest of the batch. Here both use the cofactored equation
//! `[8]([s]B - [k]A - R) == 0` (as ZIP-215 and "Taming the many EdDSAs" recommend for
//! batching), which the batch's combination `[8](sum z_i ([s_i]B - [k_i]A_i - R_i)) == 0`
//! satisfies exactly when every term does (but with probability 2^-128 per batch), and both
//! refuse, before any equation, what an honest signer never produces: a key that is not a
//! canonical encoding of a point of prime order (checked once per key, see `key_cache`), an R
//! that is non-canonical or of small order, and an s that is not reduced (s >= L).

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::{CompressedEdwardsY, EdwardsPoint};
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::{IsIdentity, VartimeMultiscalarMul};
use ed25519_dalek::{Signature, VerifyingKey};
use rand::Rng;
use sha2::{Digest, Sha512};

/// A signature whose R and s passed the encoding checks, with its challenge computed.
pub(super) struct Prepared {
    r: EdwardsPoint,
    s: Scalar,
    /// k = SHA-512(R || A || message) mod L.
    k: Scalar,
    a: EdwardsPoint,
}

/// Whether 32 bytes are the canonical encoding of their y coordinate: y < p = 2^255 - 19.
/// (The other non-canonical encodings, x = 0 with the sign bit set, are of the two points
/// with x = 0, both of small order, which are refused anyway.)
pub(super) fn y_is_canonical(bytes: &[u8; 32]) -> bool {
    let all_ones = bytes[1..31].iter().all(|b| *b == 0xff) && bytes[31] & 0x7f == 0x7f;
    !(all_ones && bytes[0] >= 0xed)
}

/// Whether a decoded public key may sign: canonically encoded, of prime order (no torsion
/// component, hence not of small order). Costs a scalar multiplication: called once per key.
pub(super) fn key_is_acceptable(bytes: &[u8; 32], key: &VerifyingKey) -> bool {
    let point = key.to_edwards();
    y_is_canonical(bytes) && !point.is_small_order() && point.is_torsion_free()
}

/// Checks R and s and computes the challenge; `None` if they can never verify.
pub(super) fn prepare(key: &VerifyingKey, message: &[u8], signature: &Signature) -> Option<Prepared> {
    let r_bytes = signature.r_bytes();
    if !y_is_canonical(r_bytes) {
        return None;
    }
    let r = CompressedEdwardsY(*r_bytes).decompress()?;
    if r.is_small_order() {
        return None;
    }
    let s = Option::<Scalar>::from(Scalar::from_canonical_bytes(*signature.s_bytes()))?;
    let mut hasher = Sha512::new();
    hasher.update(r_bytes);
    hasher.update(key.as_bytes());
    hasher.update(message);
    let mut wide = [0u8; 64];
    wide.copy_from_slice(&hasher.finalize());
    let k = Scalar::from_bytes_mod_order_wide(&wide);
    Some(Prepared { r, s, k, a: key.to_edwards() })
}

/// The cofactored equation for one signature.
pub(super) fn verify_one(prepared: &Prepared) -> bool {
    let sb_minus_ka = EdwardsPoint::vartime_double_scalar_mul_basepoint(&-prepared.k, &prepared.a, &prepared.s);
    (sb_minus_ka - prepared.r).mul_by_cofactor().is_identity()
}

/// The cofactored equation for a random combination of all signatures: true when every one
/// of them verifies (and, with probability 2^-128, when some do not).
pub(super) fn verify_combined(prepared: &[&Prepared]) -> bool {
    let mut rng = rand::thread_rng();
    let z: Vec<Scalar> = prepared.iter().map(|_| Scalar::from(rng.gen::<u128>())).collect();
    let b_coefficient: Scalar = prepared.iter().zip(&z).map(|(p, z)| z * p.s).sum();
    let scalars = std::iter::once(-b_coefficient)
        .chain(z.iter().copied())
        .chain(prepared.iter().zip(&z).map(|(p, z)| z * p.k));
    let points = std::iter::once(ED25519_BASEPOINT_POINT)
        .chain(prepared.iter().map(|p| p.r))
        .chain(prepared.iter().map(|p| p.a));
    // [8](-(sum z s) B + sum z R + sum z k A) == 0
    EdwardsPoint::vartime_multiscalar_mul(scalars, points).mul_by_cofactor().is_identity()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_of_p_and_above_is_not_canonical_and_below_is() {
        let mut p = [0xff; 32];
        p[0] = 0xed;
        p[31] = 0x7f;
        assert!(!y_is_canonical(&p));
        let mut sign_bit_set = p;
        sign_bit_set[31] = 0xff;
        assert!(!y_is_canonical(&sign_bit_set));
        let mut below = p;
        below[0] = 0xec;
        assert!(y_is_canonical(&below));
        assert!(y_is_canonical(&[0; 32]));
    }
}
