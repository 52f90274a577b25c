//! `solartrade query`: read a node's state over RPC.

use node::client::Client;

#[derive(clap::Args)]
pub struct Args {
    /// The node's RPC address.
    #[arg(long, global = true, default_value = "127.0.0.1:36657")]
    rpc: String,
    /// Compact JSON on one line (for programs).
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    what: What,
}

#[derive(clap::Subcommand)]
enum What {
    Status,
    /// A block by height, or "latest".
    Block { #[arg(default_value = "latest")] height: String },
    Account { address: String },
    /// A slot's clearing, or "latest".
    Slot { #[arg(default_value = "latest")] slot: String },
    /// The last N clearings (summaries).
    Slots { #[arg(long, default_value_t = 48)] last: u64 },
    Households,
    Validators,
    Tx { hash: String },
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let client = Client::new(&args.rpc);
    let path = match &args.what {
        What::Status => "/status".to_string(),
        What::Block { height } => format!("/blocks/{height}"),
        What::Account { address } => format!("/accounts/{address}"),
        What::Slot { slot } => format!("/market/slots/{slot}"),
        What::Slots { last } => format!("/market/slots?last={last}"),
        What::Households => "/households".into(),
        What::Validators => "/validators".into(),
        What::Tx { hash } => format!("/txs/{hash}"),
    };
    let value = client.get(&path)?;
    if args.json {
        println!("{value}");
    } else {
        println!("{}", serde_json::to_string_pretty(&value)?);
    }
    Ok(())
}
