//! What a local testnet run measured: heights, roots, commit latency, bids settled per
//! second, as text, JSON, CSV and charts.

use super::*;

/// Every node's commit latency per height (`/consensus/latency`) as CSV
/// (`node,height,commit_latency_ms`) and as a chart of latency against height.
pub(super) fn write_commit_latencies(nodes: &[LocalnetNode], first_height: u64, dir: &Path) -> anyhow::Result<(PathBuf, PathBuf)> {
    const COLORS: [RGBColor; 4] = [RGBColor(30, 120, 200), RGBColor(220, 120, 0), RGBColor(40, 160, 70), RGBColor(180, 40, 40)];
    let csv_path = dir.join("commit_latency.csv");
    let mut csv = String::from("node,height,commit_latency_ms\n");
    let mut per_node = Vec::new();
    for n in nodes {
        let c = Client::new(&format!("127.0.0.1:{}", n.rpc_port));
        let rows = c.get(&format!("/consensus/latency?from={}", first_height + 1)).unwrap_or(Value::Null);
        let points: Vec<(f64, f64)> = rows
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|r| Some((r["height"].as_u64()? as f64, r["commit_latency_ms"].as_f64()?)))
            .collect();
        for (h, ms) in &points {
            csv.push_str(&format!("{},{},{:.3}\n", n.moniker, *h as u64, ms));
        }
        per_node.push((n.moniker.clone(), points));
    }
    std::fs::write(&csv_path, csv).with_context(|| format!("cannot write {}", csv_path.display()))?;
    let chart_path = dir.join("commit_latency.svg");
    let series: Vec<Series> = per_node
        .iter()
        .enumerate()
        .map(|(i, (name, points))| Series { name, color: COLORS[i % COLORS.len()], points: points.clone() })
        .collect();
    draw(&chart_path, "testnet local: commit latency per height", "height", "ms (proposal time to commit)", &series, true)?;
    Ok((csv_path, chart_path))
}

/// Node 0's settled-bids counter sampled while the testnet runs.
#[derive(Default)]
pub(super) struct Throughput {
    /// (seconds since the load started, bids settled so far)
    samples: Vec<(f64, u64)>,
}

impl Throughput {
    pub(super) fn push(&mut self, at: f64, settled: u64) {
        self.samples.push((at, settled));
    }

    /// Over the last two seconds of samples, for the progress line.
    pub(super) fn recent_rate(&self) -> f64 {
        let Some(&(t1, s1)) = self.samples.last() else { return 0.0 };
        let from = self.samples.iter().find(|(t, _)| *t >= t1 - 2.0).copied().unwrap_or((t1, s1));
        if t1 > from.0 { (s1 - from.1) as f64 / (t1 - from.0) } else { 0.0 }
    }

    /// From the first settlement to the last sample: the rate once bids flow, without the
    /// start-up (keys, nonces, the first slot's wait) that the average over the run includes.
    pub(super) fn sustained_rate(&self) -> Option<f64> {
        let &(t0, s0) = self.samples.iter().find(|(_, s)| *s > 0)?;
        let &(t1, s1) = self.samples.last()?;
        (t1 - t0 >= 1.0).then(|| (s1 - s0) as f64 / (t1 - t0))
    }

    /// Bids settled per second (over 1 s steps) and height against time.
    pub(super) fn chart(&self, path: &Path) -> anyhow::Result<()> {
        let mut per_second = Vec::new();
        let mut last: Option<(f64, u64)> = None;
        for &(t, s) in &self.samples {
            match last {
                Some((lt, ls)) if t - lt >= 1.0 => {
                    per_second.push((t, (s - ls) as f64 / (t - lt)));
                    last = Some((t, s));
                }
                None => last = Some((t, s)),
                _ => {}
            }
        }
        let series = [Series { name: "bids settled per second (node 0)", color: RGBColor(30, 120, 200), points: per_second }];
        draw(path, "testnet local: settled bids per second", "seconds since the load started", "bids/s", &series, false)
    }
}

/// Heights, equal roots at the common height, latency percentiles, bids.
pub fn report(nodes: &[LocalnetNode], meter: Option<&Value>, seconds: f64, first_height: u64) -> anyhow::Result<Value> {
    let mut heights = Vec::new();
    let mut metrics_texts = Vec::new();
    let mut per_node = Vec::new();
    for n in nodes {
        let c = Client::new(&format!("127.0.0.1:{}", n.rpc_port));
        let st = c.get("/status").ok();
        let h = st.as_ref().and_then(|s| s["latest_height"].as_u64()).unwrap_or(0);
        heights.push(h);
        let text = c.get_text(&format!("http://127.0.0.1:{}/metrics", n.metrics_port)).unwrap_or_default();
        metrics_texts.push(text);
        per_node.push(json!({
            "moniker": n.moniker, "height": h, "rpc": format!("http://127.0.0.1:{}", n.rpc_port),
            "dashboard": format!("http://127.0.0.1:{}/", n.rpc_port), "metrics": format!("http://127.0.0.1:{}/metrics", n.metrics_port),
            "home": n.home.display().to_string(), "up": st.is_some(),
        }));
    }
    let common = heights.iter().copied().filter(|h| *h > 0).min().unwrap_or(0);
    // Equal block hashes at the common height mean equal histories: each header commits to
    // its parent and to the state root before it.
    let mut hashes = Vec::new();
    let mut roots = Vec::new();
    for n in nodes {
        let c = Client::new(&format!("127.0.0.1:{}", n.rpc_port));
        if let Ok(b) = c.get(&format!("/blocks/{common}")) {
            hashes.push(b["hash"].as_str().unwrap_or("").to_string());
            roots.push(b["header"]["state_root"].as_str().unwrap_or("").to_string());
        }
    }
    let roots_equal = common > 0 && hashes.len() == nodes.len() && hashes.windows(2).all(|w| w[0] == w[1]) && roots.windows(2).all(|w| w[0] == w[1]);
    let commit = prom_read::merge(&metrics_texts.iter().map(|t| prom_read::histogram(t, "solartrade_consensus_commit_latency_seconds")).collect::<Vec<_>>());
    let bid = prom_read::merge(&metrics_texts.iter().map(|t| prom_read::histogram(t, "solartrade_market_bid_settle_latency_seconds")).collect::<Vec<_>>());
    let ms = |b: &[(f64, u64)], q: f64| prom_read::quantile(b, q).map(|s| (s * 1000.0 * 100.0).round() / 100.0);
    let settled = metrics_texts.first().and_then(|t| prom_read::value(t, "solartrade_market_bids_settled_total")).unwrap_or(0.0) as u64;
    let committed_txs = metrics_texts.first().and_then(|t| prom_read::value(t, "solartrade_txs_committed_total")).unwrap_or(0.0) as u64;
    let max_h = heights.iter().copied().max().unwrap_or(0);
    let blocks = max_h.saturating_sub(first_height);
    Ok(json!({
        "validators": nodes.len(),
        "seconds": (seconds * 100.0).round() / 100.0,
        "heights": heights,
        "common_height": common,
        "block_hash_at_common_height": hashes.first(),
        "state_roots_equal": roots_equal,
        "blocks_per_second": (blocks as f64 / seconds.max(1e-9) * 100.0).round() / 100.0,
        "bids_settled_per_second": (settled as f64 / seconds.max(1e-9) * 10.0).round() / 10.0,
        "commit_latency_ms": { "count": prom_read::count(&commit), "p50": ms(&commit, 0.5), "p90": ms(&commit, 0.9), "p99": ms(&commit, 0.99) },
        "bid_settle_latency_ms": { "count": prom_read::count(&bid), "p50": ms(&bid, 0.5), "p90": ms(&bid, 0.9), "p99": ms(&bid, 0.99) },
        "bids": {
            "submitted": meter.and_then(|m| m["submitted"].as_u64()),
            "accepted": meter.and_then(|m| m["accepted"].as_u64()),
            "accepted_reading_only": meter.and_then(|m| m["accepted_reading_only"].as_u64()),
            "rejected": meter.and_then(|m| m["rejected"].as_u64()),
            "settled": settled,
            "txs_committed": committed_txs,
            "meter_errors": meter.map(|m| m["first_errors"].clone()),
        },
        "nodes": per_node,
    }))
}

pub fn print_report(r: &Value) {
    println!("testnet report ({} validators, {} s)", r["validators"], r["seconds"]);
    println!("  heights              {}", r["heights"]);
    println!("  common height        {}  state roots equal: {}", r["common_height"], r["state_roots_equal"]);
    println!(
        "  blocks per second    {}   bids settled per second {} (whole run), {} (sustained, from the first settlement)",
        r["blocks_per_second"], r["bids_settled_per_second"], r["sustained_bids_settled_per_second"]
    );
    if let Some(chart) = r["throughput_chart"].as_str() {
        println!("  throughput chart     {chart}");
    }
    if let (Some(csv), Some(chart)) = (r["commit_latency_csv"].as_str(), r["commit_latency_chart"].as_str()) {
        println!("  commit latency       {csv} (raw, per node and height), {chart}");
    }
    let l = &r["commit_latency_ms"];
    println!("  commit latency ms    p50 {}  p90 {}  p99 {}  (n = {})", l["p50"], l["p90"], l["p99"], l["count"]);
    let b = &r["bid_settle_latency_ms"];
    println!("  bid->settled ms      p50 {}  p90 {}  p99 {}  (n = {})", b["p50"], b["p90"], b["p99"], b["count"]);
    let bids = &r["bids"];
    println!(
        "  bids                 submitted {}  accepted {} (of which {} reading-only, 0 Wh)  rejected {}  settled {}",
        bids["submitted"], bids["accepted"], bids["accepted_reading_only"], bids["rejected"], bids["settled"]
    );
    if let Some(errs) = bids["meter_errors"].as_array() {
        for e in errs {
            println!("    meter-sim error: {}", e.as_str().unwrap_or(""));
        }
    }
    if let Some(nodes) = r["nodes"].as_array() {
        for n in nodes {
            println!("  {:<13} height {:<7} rpc {}  dashboard {}  metrics {}", n["moniker"].as_str().unwrap_or(""), n["height"], n["rpc"].as_str().unwrap_or(""), n["dashboard"].as_str().unwrap_or(""), n["metrics"].as_str().unwrap_or(""));
        }
    }
}

