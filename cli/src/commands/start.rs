//! `solartrade start`: run a node from its home directory.

use anyhow::Context;
use node::config::{Config, LogFormat};
use node::genesis::Genesis;
use node::home::{default_home, Home};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[arg(long, env = "SOLARTRADE_HOME", default_value_os_t = default_home())]
    pub home: PathBuf,
    /// text or json; overrides config.toml's log.format.
    #[arg(long)]
    pub log_format: Option<String>,
    /// A tracing filter, e.g. "info" or "node=debug"; overrides config.toml's log.level.
    #[arg(long)]
    pub log_level: Option<String>,
}

pub fn init_logging(format: LogFormat, level: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("{level},libp2p_gossipsub=warn,libp2p_swarm=warn")));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let home = Home::new(&args.home);
    home.check_ready()?;
    let config = Config::load(&home.config_file())?;
    let format = match args.log_format.as_deref() {
        None => config.log.format,
        Some("json") => LogFormat::Json,
        Some("text") => LogFormat::Text,
        Some(other) => anyhow::bail!("--log-format {other:?} is neither text nor json"),
    };
    init_logging(format, args.log_level.as_deref().unwrap_or(&config.log.level));
    let genesis = Genesis::load(&home.genesis_file())?;
    super::statesync::join(&home, &config.statesync, &genesis)?;
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the tokio runtime")?;
    runtime.block_on(node::service::run(node::service::NodeOptions { home, config, genesis }))
}
