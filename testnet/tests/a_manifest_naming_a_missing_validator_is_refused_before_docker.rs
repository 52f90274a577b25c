//! `solartrade-e2e` checks its manifest against the validator count before it builds an
//! image or starts a container, and says which step is wrong.

use std::process::Command;

#[test]
fn a_manifest_naming_a_missing_validator_is_refused_before_docker() {
    let dir = tempfile::tempdir().expect("tempdir");
    let manifest = dir.path().join("bad.toml");
    std::fs::write(&manifest, "name = \"bad\"\nquiet_s = 1\nrecover_s = 1\n\n[[step]]\nkind = \"kill\"\nnode = 7\n").expect("manifest written");
    let out = Command::new(env!("CARGO_BIN_EXE_solartrade-e2e"))
        .arg("--manifest")
        .arg(&manifest)
        .args(["--validators", "4", "--dir"])
        .arg(dir.path().join("out"))
        .current_dir(dir.path())
        .output()
        .expect("solartrade-e2e runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a bad manifest must fail; stderr: {stderr}");
    assert!(stderr.contains("step 1") && stderr.contains('7'), "the error names the step and the node: {stderr}");
    assert!(!dir.path().join("out").exists(), "nothing was started: {stderr}");
}
