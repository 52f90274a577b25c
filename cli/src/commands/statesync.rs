//! State sync, the joining side: a node with an empty home installs the newest snapshot its
//! `[statesync] rpc_servers` offer, checked against a header whose certificate it verifies,
//! before it starts; the node then syncs the blocks after it. When no server offers a snapshot,
//! or none checks out, the home is left empty and the node syncs every block from genesis.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use ledger::store::{ChainStore, RocksBackend};
use light::{TrustAnchor, Verifier};
use node::config::StateSyncConfig;
use node::genesis::Genesis;
use node::home::Home;

use super::verify::RpcSource;

/// How long to wait for the header after a snapshot's height (the next block) to be committed.
const HEADER_WAIT: Duration = Duration::from_secs(30);

#[derive(serde::Deserialize)]
struct Listing {
    snapshots: Vec<Offer>,
}

#[derive(serde::Deserialize)]
struct Offer {
    height: u64,
}

#[derive(serde::Deserialize)]
struct Chunk {
    entries: Vec<(String, String)>,
    more: bool,
}

#[derive(serde::Deserialize)]
struct Tip {
    block: String,
    certificate: String,
}

/// Joins by state sync when the home is empty and servers are configured; otherwise does nothing.
pub fn join(home: &Home, config: &StateSyncConfig, genesis: &Genesis) -> anyhow::Result<()> {
    if config.rpc_servers.is_empty() || home.chain_db().exists() {
        return Ok(());
    }
    let mut offers: Vec<(u64, &str)> = Vec::new();
    for server in &config.rpc_servers {
        match RpcSource::new(server, HEADER_WAIT).call::<Listing>("/statesync/snapshots", None) {
            Ok(listing) => offers.extend(listing.snapshots.iter().map(|o| (o.height, server.as_str()))),
            Err(e) => tracing::warn!(server, error = %e, "state sync: this server lists no snapshot"),
        }
    }
    offers.sort_unstable_by(|a, b| b.0.cmp(&a.0));
    for (height, server) in offers {
        let started = Instant::now();
        match install(home, config, genesis, server, height) {
            Ok(entries) => {
                tracing::info!(height, server, entries, secs = started.elapsed().as_secs_f64(), "state sync: installed the state at this height; syncing the blocks after it");
                return Ok(());
            }
            Err(e) => {
                tracing::warn!(height, server, error = format!("{e:#}"), "state sync: snapshot refused; trying the next");
                let _ = std::fs::remove_dir_all(home.chain_db());
            }
        }
    }
    tracing::warn!("state sync: no snapshot was offered or none checked out; syncing every block from genesis");
    Ok(())
}

/// Fetches snapshot `height` from `server`, checks it against the verified header `height + 1`
/// and installs it; returns the number of state entries.
fn install(home: &Home, config: &StateSyncConfig, genesis: &Genesis, server: &str, height: u64) -> anyhow::Result<usize> {
    let mut source = RpcSource::new(server, HEADER_WAIT);
    let mut verifier = Verifier::new(&mut source, &anchor(config, genesis)?)?;
    let next = height.checked_add(1).context("snapshot height at the end of u64")?;
    let header = verifier.verify(&mut source, next)?.clone();
    let tip: Tip = source.call(&format!("/statesync/snapshots/{height}/tip"), None)?;
    let block = ledger::block::decode_block(&hex::decode(&tip.block)?, &genesis.chain_id)?;
    let cert = ledger::certificate::decode_certificate(&hex::decode(&tip.certificate)?)?;
    anyhow::ensure!(block.height() == height, "the tip block is at height {}, not {height}", block.height());
    anyhow::ensure!(
        block.hash().as_slice() == header.header.prev_hash.as_slice(),
        "the tip block hashes to {}, but the verified header {next} follows {}",
        hex::encode(block.hash()),
        hex::encode(&header.header.prev_hash)
    );
    std::fs::create_dir_all(home.data_dir())?;
    let store = Arc::new(ChainStore::open(&home.chain_db())?);
    let entries = fetch_state(&source, &store, height)?;
    let state = ledger::state::StateDb::open(store.clone())?;
    let root = state.root();
    anyhow::ensure!(
        root == header.state_root(),
        "the snapshot's {entries} entries give state root {}, but the verified header {next} says {}",
        hex::encode(root),
        hex::encode(header.state_root())
    );
    let signers = market_runtime::signing_validators(&state, height).map_err(|e| anyhow::anyhow!("the snapshot's signing set: {e}"))?;
    ledger::certificate::verify_certificate(&cert, &genesis.chain_id, height, &block.hash(), &signers)
        .map_err(|e| anyhow::anyhow!("the tip's certificate: {e}"))?;
    store.install_tip(&block, &cert, &root)?;
    store.put_meta("chain_id", genesis.chain_id.as_bytes())?;
    store.record_validator_set(next, &header.validators)?;
    Ok(entries)
}

/// Downloads the snapshot's state chunk by chunk into `store`; returns how many entries.
fn fetch_state(source: &RpcSource, store: &ChainStore<RocksBackend>, height: u64) -> anyhow::Result<usize> {
    let (mut after, mut count, mut last_said) = (None::<String>, 0usize, Instant::now());
    loop {
        let path = match &after {
            Some(key) => format!("/statesync/snapshots/{height}/state?after={key}"),
            None => format!("/statesync/snapshots/{height}/state"),
        };
        let chunk: Chunk = source.call(&path, None)?;
        let mut entries = Vec::with_capacity(chunk.entries.len());
        for (key, value) in &chunk.entries {
            entries.push((hex::decode(key)?, hex::decode(value)?));
        }
        // Keys must rise, or a server could make this loop forever.
        let first = entries.first().map(|(k, _)| hex::encode(k));
        anyhow::ensure!(after.is_none() || first > after, "the server's chunk does not start after the key asked for");
        anyhow::ensure!(entries.windows(2).all(|w| w[0].0 < w[1].0), "the server's chunk is not in key order");
        store.install_state(&entries)?;
        count += entries.len();
        if last_said.elapsed() > Duration::from_secs(2) {
            tracing::info!(height, entries = count, "state sync: fetching the snapshot");
            last_said = Instant::now();
        }
        match (chunk.more, entries.last()) {
            (true, Some((key, _))) => after = Some(hex::encode(key)),
            (true, None) => anyhow::bail!("the server says more entries follow but sent none"),
            (false, _) => return Ok(count),
        }
    }
}

fn anchor(config: &StateSyncConfig, genesis: &Genesis) -> anyhow::Result<TrustAnchor> {
    if config.trust_height > 0 {
        let bytes: [u8; 32] = hex::decode(&config.trust_hash)?.try_into().map_err(|_| anyhow::anyhow!("trust_hash is not 32 bytes"))?;
        return Ok(TrustAnchor::Header { height: config.trust_height, hash: bytes });
    }
    let validators = genesis.validators.iter().map(|v| (v.address, v.power)).collect();
    Ok(TrustAnchor::Genesis { chain_id: genesis.chain_id.clone(), validators })
}
