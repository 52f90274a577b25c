//! Compiles the protocol's .proto files with protox (pure Rust, no system protoc).

use std::path::PathBuf;

const PROTOS: [&str; 8] = [
    "proto/solartrade/v1/envelope.proto",
    "proto/solartrade/v1/transaction.proto",
    "proto/solartrade/v1/block.proto",
    "proto/solartrade/v1/consensus.proto",
    "proto/solartrade/v1/sync.proto",
    "proto/solartrade/v1/signer.proto",
    "proto/solartrade/v1/batch.proto",
    "proto/solartrade/v1/gossip.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    let files: Vec<PathBuf> = PROTOS.iter().map(|p| root.join(p)).collect();
    let descriptors = protox::compile(&files, [root.join("proto")])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
