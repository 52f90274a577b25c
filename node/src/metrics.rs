//! Prometheus metrics (prefix `solartrade_`) and the server that exposes them.

use prometheus_client::encoding::text::encode;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

/// Latency buckets from 0.5 ms to about 60 s, 25 % apart, so percentiles read from them
/// are within a quarter of the true value.
fn latency_buckets() -> impl Iterator<Item = f64> {
    exponential_buckets(0.0005, 1.25, 54)
}

/// Labels of a refused peer message: the gossip channel (or `sync`) and why.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RejectLabels {
    pub channel: &'static str,
    pub reason: &'static str,
}

#[derive(Clone)]
pub struct Metrics {
    pub p2p_rejected: Family<RejectLabels, Counter>,
    registry: Arc<Registry>,
    pub height: Gauge,
    pub round: Gauge,
    pub rounds_total: Counter,
    pub commit_latency: Histogram,
    pub bid_latency: Histogram,
    pub peers: Gauge,
    pub mempool_size: Gauge,
    pub clearing_price_buy: Gauge,
    pub clearing_price_sell: Gauge,
    pub sdr: Gauge<f64, AtomicU64>,
    pub energy_traded_wh: Counter,
    pub txs_committed: Counter,
    pub txs_rejected: Counter,
    pub bids_settled: Counter,
    pub blocks_synced: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("solartrade");
        let m = Metrics {
            registry: Arc::new(Registry::default()),
            p2p_rejected: Family::default(),
            height: Gauge::default(),
            round: Gauge::default(),
            rounds_total: Counter::default(),
            commit_latency: Histogram::new(latency_buckets()),
            bid_latency: Histogram::new(latency_buckets()),
            peers: Gauge::default(),
            mempool_size: Gauge::default(),
            clearing_price_buy: Gauge::default(),
            clearing_price_sell: Gauge::default(),
            sdr: Gauge::default(),
            energy_traded_wh: Counter::default(),
            txs_committed: Counter::default(),
            txs_rejected: Counter::default(),
            bids_settled: Counter::default(),
            blocks_synced: Counter::default(),
        };
        registry.register("consensus_height", "Latest committed height", m.height.clone());
        registry.register("consensus_round", "Round at which the latest height was decided", m.round.clone());
        registry.register("consensus_rounds", "Rounds beyond the first, summed over heights", m.rounds_total.clone());
        registry.register(
            "consensus_commit_latency_seconds",
            "From the proposal's block time to its commit on this node",
            m.commit_latency.clone(),
        );
        registry.register(
            "market_bid_settle_latency_seconds",
            "From a bid's admission over this node's RPC to the commit of the block that settles it",
            m.bid_latency.clone(),
        );
        registry.register("p2p_peers", "Connected peers", m.peers.clone());
        registry.register("mempool_size", "Transactions in the mempool", m.mempool_size.clone());
        registry.register("market_clearing_price_buy", "Buy price of the latest clearing, micro-tokens per kWh", m.clearing_price_buy.clone());
        registry.register("market_clearing_price", "Sell price of the latest clearing, micro-tokens per kWh", m.clearing_price_sell.clone());
        registry.register("market_sdr", "Supply-demand ratio of the latest clearing", m.sdr.clone());
        registry.register("market_energy_traded_wh", "Energy traded peer to peer, Wh", m.energy_traded_wh.clone());
        registry.register("txs_committed", "Transactions in committed blocks", m.txs_committed.clone());
        registry.register("txs_rejected", "Transactions refused at admission", m.txs_rejected.clone());
        registry.register("market_bids_settled", "Bids settled in a clearing", m.bids_settled.clone());
        registry.register("sync_blocks", "Blocks committed through block sync", m.blocks_synced.clone());
        registry.register(
            "p2p_rejected_messages",
            "Messages from peers refused (rejected or ignored) by channel and reason",
            m.p2p_rejected.clone(),
        );
        Metrics { registry: Arc::new(registry), ..m }
    }

    /// Counts a refused peer message.
    pub fn refused(&self, channel: &'static str, reason: &'static str) {
        self.p2p_rejected.get_or_create(&RejectLabels { channel, reason }).inc();
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

/// Serves `/metrics` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, metrics: Metrics) {
    let app = axum::Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let metrics = metrics.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/openmetrics-text; version=1.0.0; charset=utf-8")],
                    metrics.render(),
                )
            }
        }),
    );
    if let Err(e) = axum::serve(listener, app).await {
        tracing::error!(error = %e, "metrics server stopped");
    }
}
