//! Key files: 0600 on save, a warning on loading a looser file, refusal of a mismatched file.

use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::sync::{Arc, Mutex};

use ledger::sign::{KeyFileError, Keypair};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn load_capturing_logs(path: &std::path::Path) -> (Result<Keypair, KeyFileError>, String) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
    let result = tracing::subscriber::with_default(subscriber, || Keypair::load(path));
    let logs = String::from_utf8_lossy(&captured.0.lock().expect("not poisoned")).into_owned();
    (result, logs)
}

#[test]
fn saved_key_is_private_and_loads_back_silently() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("validator_key.json");
    let keypair = Keypair::generate();
    keypair.save(&path).expect("saves");
    let mode = std::fs::metadata(&path).expect("exists").permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let (loaded, logs) = load_capturing_logs(&path);
    assert_eq!(loaded.expect("loads").public(), keypair.public());
    assert!(!logs.contains("WARN"), "unexpected warning: {logs}");
}

#[test]
fn loading_a_world_readable_key_warns() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("node_key.json");
    Keypair::from_seed(&[4; 32]).save(&path).expect("saves");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let (loaded, logs) = load_capturing_logs(&path);
    assert!(loaded.is_ok());
    assert!(logs.contains("WARN") && logs.contains("chmod 600"), "no warning in: {logs}");
}

#[test]
fn key_file_whose_public_half_does_not_match_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("k.json");
    let json = format!(
        "{{\"public_key\": \"{}\", \"secret_key\": \"{}\"}}",
        hex::encode(Keypair::from_seed(&[1; 32]).public()),
        hex::encode([2u8; 32])
    );
    std::fs::write(&path, json).expect("writes");
    assert!(matches!(Keypair::load(&path), Err(KeyFileError::Mismatch { .. })));
    std::fs::write(&path, "{\"public_key\": \"00\", \"secret_key\": \"zz\"}").expect("writes");
    assert!(matches!(Keypair::load(&path), Err(KeyFileError::Field { .. })));
    std::fs::write(&path, "not json").expect("writes");
    assert!(matches!(Keypair::load(&path), Err(KeyFileError::Format { .. })));
}
