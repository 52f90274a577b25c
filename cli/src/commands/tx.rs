//! `solartrade tx`: sign a transaction with a key file and submit it to a node.

use anyhow::Context;
use market_runtime::{Side, Tx, TxBody};
use node::client::Client;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// The node's RPC address.
    #[arg(long, global = true, default_value = "127.0.0.1:36657")]
    rpc: String,
    /// Key file of the sender.
    #[arg(long, global = true)]
    key: Option<PathBuf>,
    /// Nonce to use (default: the account's next nonce, read from the node).
    #[arg(long, global = true)]
    nonce: Option<u64>,
    /// Wait until the transaction is committed (or refused) and show the outcome.
    #[arg(long, global = true)]
    wait: bool,
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    body: Body,
}

fn addr(text: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = hex::decode(text.trim()).with_context(|| format!("{text:?} is not hex"))?;
    bytes.try_into().map_err(|b: Vec<u8>| anyhow::anyhow!("{text:?} is {} bytes, an address is 32", b.len()))
}

#[derive(clap::Subcommand)]
enum Body {
    /// Register the sender as a household (the administrator approves it).
    Register {
        #[command(flatten)]
        household: super::household_args::HouseholdArgs,
    },
    /// Approve a pending household (administrator).
    Approve { household: String },
    /// Reject a pending household (administrator).
    Reject {
        household: String,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Open the market (administrator).
    OpenMarket,
    /// Close the market (administrator).
    CloseMarket,
    /// Replace the administrator with THRESHOLD of MEMBERS (administrator). Under a k-of-n
    /// administrator each member sends this same command with its own key: each is an
    /// approval, and it executes with the k-th distinct member's (docs/operator.md).
    SetAdmin {
        /// How many distinct members must approve each admin action (1..=number of members).
        #[arg(long, default_value_t = 1)]
        threshold: u32,
        /// The members' hex addresses (at most 16), the lead first: its account receives slashes.
        #[arg(required = true)]
        members: Vec<String>,
    },
    /// Schedule the upgrade to protocol VERSION (the active one + 1) at block HEIGHT (at least
    /// 10 blocks ahead); HEIGHT 0 cancels a scheduled upgrade (administrator). Nodes whose
    /// release does not run VERSION stop before HEIGHT and say so (docs/operator.md, "Upgrades").
    ScheduleUpgrade {
        #[arg(long)]
        version: u32,
        #[arg(long)]
        height: u64,
    },
    /// Bid to buy or sell energy in a slot.
    Bid {
        #[arg(long)]
        slot: u64,
        /// buy or sell.
        #[arg(long)]
        side: String,
        #[arg(long)]
        quantity_wh: u64,
        /// Attach a meter reading: PV generation over the slot (Wh). With any of the four
        /// meter flags the bid carries a reading; unset fields count 0.
        #[arg(long)]
        generation_wh: Option<u64>,
        /// Meter reading: load over the slot (Wh).
        #[arg(long)]
        load_wh: Option<u64>,
        /// Meter reading: battery state of charge at the end of the slot (Wh).
        #[arg(long)]
        battery_soc_wh: Option<u64>,
        /// Meter reading: usable battery capacity (Wh).
        #[arg(long)]
        battery_capacity_wh: Option<u64>,
        /// Limit price, micro-tokens per kWh: the most a buyer pays, the least a seller takes,
        /// within [feed-in, retail]. Read by the pay-as-clear and pay-as-bid mechanisms only.
        #[arg(long)]
        limit_price: Option<u64>,
    },
    /// Transfer micro-tokens.
    Transfer {
        to: String,
        #[arg(long)]
        amount: u64,
    },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let key_path = args.key.clone().context("--key <key file> is required to sign")?;
    let key = ledger::sign::Keypair::load(&key_path)?;
    let client = Client::new(&args.rpc);
    let status = client.get("/status")?;
    let chain_id = status["chain_id"].as_str().context("/status has no chain_id")?.to_string();
    let sender = key.public();
    let nonce = match args.nonce {
        Some(n) => n,
        None => client.get(&format!("/accounts/{}", hex::encode(sender)))?["nonce"].as_u64().unwrap_or(0),
    };
    let body = match args.body {
        Body::Register { household } => TxBody::RegisterHousehold(household.spec()?),
        Body::Approve { household } => TxBody::ApproveHousehold { household: addr(&household)? },
        Body::Reject { household, reason } => TxBody::RejectHousehold { household: addr(&household)?, reason },
        Body::OpenMarket => TxBody::OpenMarket,
        Body::CloseMarket => TxBody::CloseMarket,
        Body::ScheduleUpgrade { version, height } => TxBody::ScheduleUpgrade { version, height },
        Body::SetAdmin { threshold, members } => {
            let members = members.iter().map(|m| addr(m)).collect::<anyhow::Result<Vec<_>>>()?;
            TxBody::SetAdministrator { threshold, members }
        }
        Body::Bid { slot, side, quantity_wh, generation_wh, load_wh, battery_soc_wh, battery_capacity_wh, limit_price } => {
            let side = match side.as_str() {
                "buy" => Side::Buy,
                "sell" => Side::Sell,
                other => anyhow::bail!("--side {other:?} is neither buy nor sell"),
            };
            let given = [generation_wh, load_wh, battery_soc_wh, battery_capacity_wh];
            let meter = given.iter().any(Option::is_some).then(|| market_runtime::MeterReading {
                generation_wh: generation_wh.unwrap_or(0),
                load_wh: load_wh.unwrap_or(0),
                battery_soc_wh: battery_soc_wh.unwrap_or(0),
                battery_capacity_wh: battery_capacity_wh.unwrap_or(0),
            });
            TxBody::Bid { slot, side, quantity_wh, meter, limit_price }
        }
        Body::Transfer { to, amount } => TxBody::Transfer { to: addr(&to)?, amount },
    };
    let bytes = ledger::tx::encode_tx(&key, &chain_id, &Tx { sender, nonce, body })?;
    let hash = client.submit(&bytes)?;
    let mut outcome = serde_json::json!({ "hash": hash, "status": "pending" });
    if args.wait {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(60) {
            if let Ok(s) = client.get(&format!("/txs/{hash}")) {
                if s["status"] != "pending" {
                    outcome = s;
                    break;
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    if args.json {
        println!("{outcome}");
    } else {
        println!("{}", serde_json::to_string_pretty(&outcome)?);
    }
    if outcome["status"] == "rejected" {
        anyhow::bail!("transaction {hash} was refused: {}", outcome["error"].as_str().unwrap_or("?"));
    }
    Ok(())
}
