//! `solartrade verify account`: a household checks its balance and settlements from any node against headers the validators signed (the checks are the `light` crate's; this file is the I/O).
//!
//! The node proves the state after its latest block H, whose root only header H+1 carries. With
//! hourly slots H+1 may be up to a slot away, so the command waits for it (bounded by
//! `--max-wait-secs`, with a progress line) rather than trust a root no certificate covers.

use std::time::{Duration, Instant};

use anyhow::Context;
use ledger::state::Proof;
use ledger::Address;
use light::{verify_bill, Bill, ProvenBatch, ProvenEntry, RawSignedHeader, SlotVerdict, Source, TrustAnchor, Verifier};
use market_runtime::Side;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    /// An account's balance and its settlements in the last cleared slots, proven.
    Account(AccountArgs),
}

#[derive(clap::Args)]
struct AccountArgs {
    /// The account's address (64 hex characters).
    address: String,
    /// Any node's RPC address; nothing it says is believed without a proof.
    #[arg(long, default_value = "127.0.0.1:36657")]
    rpc: String,
    /// Trust the genesis file's chain id and validator set.
    #[arg(long, conflicts_with_all = ["trusted_height", "trusted_hash"])]
    genesis: Option<std::path::PathBuf>,
    /// Trust this height's header (with --trusted-hash), e.g. read from a node of your own.
    #[arg(long, requires = "trusted_hash")]
    trusted_height: Option<u64>,
    /// The trusted header's hash (64 hex characters).
    #[arg(long, requires = "trusted_height")]
    trusted_hash: Option<String>,
    /// How many of the last cleared slots to check the account's settlement in.
    #[arg(long, default_value_t = 3)]
    slots: u64,
    /// Longest wait for the next block, whose header proves the latest state.
    #[arg(long, default_value_t = 3_700)]
    max_wait_secs: u64,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    match args.what {
        What::Account(account) => verify_account(account),
    }
}

fn verify_account(args: AccountArgs) -> anyhow::Result<()> {
    let address = parse_hex32("address", &args.address)?;
    let mut source = RpcSource::new(&args.rpc, Duration::from_secs(args.max_wait_secs));
    let anchor = anchor(&args)?;
    let started = Instant::now();
    let result = Verifier::new(&mut source, &anchor).and_then(|mut verifier| verify_bill(&mut verifier, &mut source, &address, args.slots));
    let took = started.elapsed();
    let bill = result.map_err(|error| anyhow::anyhow!("verification failed: {error}"))?;
    print_bill(&bill);
    println!(
        "verification took {:.1} ms ({:.1} ms of it waiting for the next block)",
        took.as_secs_f64() * 1e3,
        source.waited.as_secs_f64() * 1e3
    );
    Ok(())
}

fn anchor(args: &AccountArgs) -> anyhow::Result<TrustAnchor> {
    if let (Some(height), Some(hash)) = (args.trusted_height, &args.trusted_hash) {
        return Ok(TrustAnchor::Header { height, hash: parse_hex32("--trusted-hash", hash)? });
    }
    let path = args.genesis.as_ref().context("say what to trust: --genesis FILE, or --trusted-height H --trusted-hash HEX")?;
    let genesis = node::genesis::Genesis::load(path)?;
    let validators = genesis.validators.iter().map(|v| (v.address, v.power)).collect();
    Ok(TrustAnchor::Genesis { chain_id: genesis.chain_id, validators })
}

fn parse_hex32(what: &str, text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text).with_context(|| format!("{what} {text:?} is not hex"))?;
    bytes.try_into().map_err(|b: Vec<u8>| anyhow::anyhow!("{what} is {} bytes, it must be 32", b.len()))
}

fn print_bill(bill: &Bill) {
    println!("verified account {} after height {} ({} headers checked)", hex::encode(bill.address), bill.state_height, bill.headers_checked);
    match &bill.account {
        Some(a) => println!("  balance {} micro-tokens (reserved {}), nonce {}", a.balance, a.reserved, a.nonce),
        None => println!("  no account: balance 0, nonce 0"),
    }
    match bill.last_cleared {
        Some(slot) => println!("  last cleared slot {slot}"),
        None => println!("  no slot has cleared yet"),
    }
    for verdict in &bill.slots {
        match verdict {
            SlotVerdict::Settled { slot, side, quantity_wh, part, index, bidders } => {
                let (verb, money) = match side {
                    Side::Buy => ("bought", "paid"),
                    Side::Sell => ("sold", "received"),
                };
                println!(
                    "  slot {slot}: {verb} {quantity_wh} Wh, {money} {} micro-tokens (p2p {} Wh, grid {} Wh, solar reward {}), entry {} of {bidders}",
                    part.amount, part.p2p_wh, part.grid_wh, part.solar_reward, index + 1
                );
            }
            SlotVerdict::NoBid { slot, bidders } => println!("  slot {slot}: no bid ({bidders} bidders)"),
            SlotVerdict::NotCleared { slot } => println!("  slot {slot}: no settlements in the proven state"),
        }
    }
}

/// Why the node's answer was not had.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RpcSourceError {
    #[error("cannot reach {url}: {why}")]
    Unreachable { url: String, why: String },
    #[error("{url} answered {status}: {code}: {message}")]
    Refused { url: String, status: u16, code: String, message: String },
    #[error("{url} answered a body that is not the answer asked for: {why}")]
    BadBody { url: String, why: String },
    #[error("block {height} was not committed within {secs} s (--max-wait-secs)")]
    NotCommitted { height: u64, secs: u64 },
}

/// Largest answer read: proofs of 1,024 keys are at most 8 MiB of bytes, twice that in hex.
const MAX_ANSWER_BYTES: u64 = 20 * 1024 * 1024;
const POLL: Duration = Duration::from_millis(200);
const PROGRESS_EVERY: Duration = Duration::from_secs(5);

pub(crate) struct RpcSource {
    agent: ureq::Agent,
    base: String,
    max_wait: Duration,
    waited: Duration,
}

impl RpcSource {
    pub(crate) fn new(rpc: &str, max_wait: Duration) -> Self {
        let config = ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(30))).build();
        let base = if rpc.starts_with("http") { rpc.to_string() } else { format!("http://{rpc}") };
        RpcSource { agent: ureq::Agent::new_with_config(config), base: base.trim_end_matches('/').to_string(), max_wait, waited: Duration::ZERO }
    }

    pub(crate) fn call<T: serde::de::DeserializeOwned>(&self, path: &str, body: Option<&serde_json::Value>) -> Result<T, RpcSourceError> {
        let url = format!("{}{path}", self.base);
        let sent = match body {
            Some(body) => self.agent.post(&url).send_json(body),
            None => self.agent.get(&url).call(),
        };
        let mut response = sent.map_err(|e| RpcSourceError::Unreachable { url: url.clone(), why: e.to_string() })?;
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_string()
            .map_err(|e| RpcSourceError::BadBody { url: url.clone(), why: e.to_string() })?;
        if status >= 400 {
            let error: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            let field = |name: &str| error["error"][name].as_str().unwrap_or_default().to_string();
            return Err(RpcSourceError::Refused { url, status, code: field("code"), message: field("message") });
        }
        serde_json::from_str(&text).map_err(|e| RpcSourceError::BadBody { url, why: e.to_string() })
    }
}

#[derive(serde::Deserialize)]
struct HeaderAnswer {
    header: String,
    certificate: String,
}

#[derive(serde::Deserialize)]
struct SetAnswer {
    validators: Vec<SetMember>,
}

#[derive(serde::Deserialize)]
struct SetMember {
    id: String,
    power: u64,
}

#[derive(serde::Deserialize)]
struct ProofsAnswer {
    height: u64,
    proofs: Vec<ProofAnswer>,
}

#[derive(serde::Deserialize)]
struct ProofAnswer {
    key: String,
    value: Option<String>,
    proof: Proof,
}

#[derive(serde::Deserialize)]
struct BiddersAnswer {
    bidders: Vec<String>,
}

fn unhex(url: &str, what: &str, text: &str) -> Result<Vec<u8>, RpcSourceError> {
    hex::decode(text).map_err(|e| RpcSourceError::BadBody { url: url.to_string(), why: format!("{what} is not hex: {e}") })
}

fn unhex32(url: &str, what: &str, text: &str) -> Result<Address, RpcSourceError> {
    let bytes = unhex(url, what, text)?;
    bytes.try_into().map_err(|b: Vec<u8>| RpcSourceError::BadBody { url: url.to_string(), why: format!("{what} is {} bytes, not 32", b.len()) })
}

impl Source for RpcSource {
    type Error = RpcSourceError;

    /// Waits for a height the node has not committed yet (the header after its latest state).
    fn signed_header(&mut self, height: u64) -> Result<RawSignedHeader, RpcSourceError> {
        let path = format!("/light/headers/{height}");
        let started = Instant::now();
        let mut told = Instant::now();
        let answer: HeaderAnswer = loop {
            match self.call(&path, None) {
                Err(RpcSourceError::Refused { status: 404, .. }) if started.elapsed() < self.max_wait => {
                    if told.elapsed() >= PROGRESS_EVERY {
                        eprintln!("waiting for block {height}, whose header proves the state after {} ({} s so far)", height.saturating_sub(1), started.elapsed().as_secs());
                        told = Instant::now();
                    }
                    std::thread::sleep(POLL);
                }
                Err(RpcSourceError::Refused { status: 404, .. }) => {
                    return Err(RpcSourceError::NotCommitted { height, secs: self.max_wait.as_secs() })
                }
                other => break other?,
            }
        };
        self.waited += started.elapsed();
        let url = format!("{}{path}", self.base);
        Ok(RawSignedHeader { header: unhex(&url, "header", &answer.header)?, certificate: unhex(&url, "certificate", &answer.certificate)? })
    }

    fn validators(&mut self, height: u64) -> Result<Vec<(Address, u64)>, RpcSourceError> {
        let path = format!("/light/validators/{height}");
        let answer: SetAnswer = self.call(&path, None)?;
        let url = format!("{}{path}", self.base);
        answer.validators.iter().map(|m| Ok((unhex32(&url, "validator id", &m.id)?, m.power))).collect()
    }

    fn prove(&mut self, keys: &[Vec<u8>]) -> Result<ProvenBatch, RpcSourceError> {
        let body = serde_json::json!({ "keys": keys.iter().map(hex::encode).collect::<Vec<_>>() });
        let answer: ProofsAnswer = self.call("/light/proofs", Some(&body))?;
        let url = format!("{}/light/proofs", self.base);
        let entries = answer
            .proofs
            .into_iter()
            .map(|p| {
                let value = p.value.as_deref().map(|v| unhex(&url, "value", v)).transpose()?;
                Ok(ProvenEntry { key: unhex(&url, "key", &p.key)?, value, proof: p.proof })
            })
            .collect::<Result<_, RpcSourceError>>()?;
        Ok(ProvenBatch { height: answer.height, entries })
    }

    fn bidders(&mut self, slot: u64, after: Option<&Address>, limit: usize) -> Result<Vec<Address>, RpcSourceError> {
        let mut path = format!("/light/slots/{slot}/bidders?limit={limit}");
        if let Some(after) = after {
            path.push_str(&format!("&after={}", hex::encode(after)));
        }
        let answer: BiddersAnswer = self.call(&path, None)?;
        let url = format!("{}{path}", self.base);
        answer.bidders.iter().map(|b| unhex32(&url, "bidder", b)).collect()
    }
}
