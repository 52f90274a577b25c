//! A validator's or account's ed25519 key pair, and its JSON key file (mode 0600).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use rand_core::CryptoRngCore;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::domain::{signing_digest, Domain};
use super::SIGNATURE_LEN;
use crate::hash::{to_hex, Address};

/// Why a key file could not be read or written.
#[derive(Debug, Error)]
pub enum KeyFileError {
    #[error("cannot read key file {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("cannot write key file {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("key file {path} is not valid JSON of the key-file format: {source}")]
    Format { path: PathBuf, source: serde_json::Error },
    #[error("key file {path}: {field} is not {expected} bytes of hex")]
    Field { path: PathBuf, field: &'static str, expected: usize },
    #[error("key file {path}: public key {stored} does not belong to the secret key (which gives {derived})")]
    Mismatch { path: PathBuf, stored: String, derived: String },
}

/// The on-disk form: hex strings, so an operator can read the public half.
#[derive(Serialize, Deserialize)]
struct KeyFile {
    public_key: String,
    secret_key: String,
}

/// An ed25519 signing key together with its public half.
#[derive(Clone)]
pub struct Keypair {
    signing: SigningKey,
}

impl std::fmt::Debug for Keypair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret half.
        write!(f, "Keypair({})", to_hex(&self.public()))
    }
}

impl Keypair {
    /// A fresh key from the operating system's randomness.
    pub fn generate() -> Self {
        Self::generate_with(&mut rand::rngs::OsRng)
    }

    /// A fresh key from `rng` (seeded generators make reproducible testnets).
    pub fn generate_with<R: CryptoRngCore + ?Sized>(rng: &mut R) -> Self {
        Self { signing: SigningKey::generate(rng) }
    }

    /// The key whose 32-byte secret seed is `seed`.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        Self { signing: SigningKey::from_bytes(seed) }
    }

    /// The public key, which is also the address.
    pub fn public(&self) -> Address {
        self.signing.verifying_key().to_bytes()
    }

    /// The public key as a verifying key.
    pub fn verifying_key(&self) -> VerifyingKey {
        self.signing.verifying_key()
    }

    /// The 32-byte secret seed.
    pub fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    /// Signs `payload` in `domain` on `chain_id`.
    pub fn sign(&self, domain: Domain, chain_id: &str, payload: &[u8]) -> [u8; SIGNATURE_LEN] {
        let digest = signing_digest(domain, chain_id, payload);
        self.signing.sign(&digest).to_bytes()
    }

    /// Writes the key as JSON to `path` with permissions 0600, atomically (temporary
    /// file, fsync, rename) so a crash never leaves half a key behind.
    pub fn save(&self, path: &Path) -> Result<(), KeyFileError> {
        let write_err = |source| KeyFileError::Write { path: path.to_path_buf(), source };
        let file = KeyFile {
            public_key: to_hex(&self.public()),
            secret_key: to_hex(&self.seed()),
        };
        let json = serde_json::to_vec_pretty(&file)
            .map_err(|e| write_err(std::io::Error::other(e)))?;
        let tmp = path.with_extension("json.tmp");
        let mut out = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(write_err)?;
        // `mode` only applies when the file is created; a stale temporary file keeps
        // its old mode, so set it explicitly.
        out.set_permissions(fs::Permissions::from_mode(0o600)).map_err(write_err)?;
        out.write_all(&json).map_err(write_err)?;
        out.sync_all().map_err(write_err)?;
        fs::rename(&tmp, path).map_err(write_err)?;
        Ok(())
    }

    /// Reads a key file written by [`Keypair::save`]. A file readable or writable by
    /// anyone but its owner still loads, with a warning, so an operator can fix it.
    pub fn load(path: &Path) -> Result<Self, KeyFileError> {
        let read_err = |source| KeyFileError::Read { path: path.to_path_buf(), source };
        let mode = fs::metadata(path).map_err(read_err)?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            tracing::warn!(
                path = %path.display(),
                mode = format!("{mode:o}"),
                "key file is accessible to other users; run chmod 600 on it"
            );
        }
        let bytes = fs::read(path).map_err(read_err)?;
        let file: KeyFile = serde_json::from_slice(&bytes)
            .map_err(|source| KeyFileError::Format { path: path.to_path_buf(), source })?;
        let seed = decode_hex32(&file.secret_key)
            .ok_or_else(|| field_err(path, "secret_key"))?;
        let stored = decode_hex32(&file.public_key)
            .ok_or_else(|| field_err(path, "public_key"))?;
        let keypair = Self::from_seed(&seed);
        if keypair.public() != stored {
            return Err(KeyFileError::Mismatch {
                path: path.to_path_buf(),
                stored: to_hex(&stored),
                derived: to_hex(&keypair.public()),
            });
        }
        Ok(keypair)
    }
}

fn field_err(path: &Path, field: &'static str) -> KeyFileError {
    KeyFileError::Field { path: path.to_path_buf(), field, expected: 32 }
}

fn decode_hex32(text: &str) -> Option<[u8; 32]> {
    hex::decode(text.trim()).ok()?.try_into().ok()
}
