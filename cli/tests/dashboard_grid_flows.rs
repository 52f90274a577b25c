//! The dashboard's grid panel in headless Chromium: a testnet of two lots under one transformer
//! whose import limit binds at night shows each lot's flows as the node has them, and where a
//! limit bound.

mod browser;

use std::time::Duration;

use anyhow::{anyhow, Context};
use serde_json::Value;

use browser::testnet::{rpc, wait_for_chain, Meters, Testnet, TestnetSpec};
use browser::{chromium_or_skip, Browser};

const HOUSEHOLDS: usize = 60;
/// A spring day, so the lots trade at midday; 20 kWh per slot from the grid is less than 60
/// homes draw at night, so the transformer's import limit binds.
const SPEC: TestnetSpec = TestnetSpec {
    validators: 2,
    households: HOUSEHOLDS,
    base_port: 25400,
    market_args: &["--lots", "2", "--loss-ppm", "20000", "--transformer-import-wh", "20000", "--day", "03-21"],
};

/// What the panel shows: its slot, the facts with raw values, and one row per lot.
const PANEL: &str = r#"(() => {
  const p = document.getElementById('grid-panel');
  if (p.hidden || !p.dataset.slot) return null;
  const values = [...document.querySelectorAll('#grid-now dd[data-value]')].map(d => Number(d.dataset.value));
  const rows = [...document.querySelectorAll('#grid-lots tbody tr')].map(r => ({lot: r.dataset.lot, bound: r.classList.contains('bound')}));
  return {slot: Number(p.dataset.slot), inter_lot_wh: values[0], loss_wh: values[1], rows,
    drawn: document.querySelectorAll('#grid-diagram g[data-lot]').length,
    bound_slots: Number(document.getElementById('grid-bound').dataset.boundSlots),
    charted: document.querySelectorAll('#grid-chart rect').length};
})()"#;

fn bound(b: &Value) -> bool {
    b["import"] == true || b["export"] == true
}

#[test]
fn the_grid_panel_shows_each_lots_flows_and_where_a_limit_bound() -> anyhow::Result<()> {
    let Some(chromium) = chromium_or_skip("dashboard grid test") else { return Ok(()) };
    let testnet = Testnet::start(&SPEC)?;
    let _meters = Meters::start(&testnet.rpc, HOUSEHOLDS, &["--day", "03-21"])?;
    let base = testnet.rpc.clone();
    wait_for_chain(&base)?;
    let status = rpc(&base, "/status")?;
    let lots: Vec<&str> = status["topology"]["feeders"].as_array().into_iter().flatten().filter_map(|f| f["lot"].as_str()).collect();
    assert_eq!(lots, ["lot-1", "lot-2"], "/status gives the genesis topology: {status}");

    let mut browser = Browser::launch(&chromium, 1440, 1000)?;
    browser.watch_for_injections()?;
    browser.navigate(&format!("{base}/"))?;
    browser.wait_for("the page's first render", "document.body !== null && document.body.dataset.ready === 'true'", Duration::from_secs(60))?;

    // At night the community draws more than the transformer's limit: a slot in which it bound.
    let night = browser.wait_for("a slot with a bound limit on the page", &format!("(() => {{ const v = {PANEL}; return v && v.bound_slots > 0 ? v : null; }})()"), Duration::from_secs(60))?;
    println!("night: {night}");
    // At midday one lot's surplus crosses to the other: energy between lots, some of it lost.
    let shown = browser.wait_for("a slot with energy between lots on the page", &format!("(() => {{ const v = {PANEL}; return v && v.inter_lot_wh > 0 ? v : null; }})()"), Duration::from_secs(90))?;
    let slot = shown["slot"].as_u64().ok_or_else(|| anyhow!("the panel shows no slot: {shown}"))?;
    let flows = rpc(&base, &format!("/market/slots/{slot}"))?["flows"].clone();
    assert_eq!(shown["inter_lot_wh"], flows["inter_lot_wh"], "slot {slot}: page {shown}, node {flows}");
    assert_eq!(shown["loss_wh"], flows["loss_wh"], "slot {slot}: page {shown}, node {flows}");
    let loss = flows["loss_wh"].as_u64().context("flows have loss_wh")?;
    let sent = flows["feeders"].as_array().into_iter().flatten().filter_map(|f| f["to_lots_wh"].as_u64()).sum::<u64>();
    assert!(loss > 0 && loss <= sent / 49 + 1, "2 % of what crosses is lost: {loss} Wh of {sent} Wh");
    assert_eq!(shown["drawn"].as_u64(), Some(2), "the diagram draws both lots: {shown}");
    let rows = shown["rows"].as_array().cloned().unwrap_or_default();
    assert_eq!(rows.len(), 2, "one table row per lot: {shown}");
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row["lot"].as_str(), Some(lots[i]));
        assert_eq!(row["bound"].as_bool(), Some(bound(&flows["feeders"][i]["bound"])), "lot {i} in slot {slot}: {row} against {flows}");
    }
    assert!(shown["charted"].as_u64().unwrap_or(0) > 0, "the chart of the last slots has bars: {shown}");

    // The count of slots in which a limit bound is the node's, over the slots the chart holds
    // (read again until a block does not land between the two reads).
    let mut last = (Value::Null, 0);
    for _ in 0..20 {
        let page = browser.eval(PANEL)?;
        let summaries = rpc(&base, "/market/slots?last=48")?;
        let list = summaries["slots"].as_array().cloned().unwrap_or_default();
        let node_count = list
            .iter()
            .filter(|s| bound(&s["grid"]["transformer_bound"]) || s["grid"]["feeders_bound"].as_array().is_some_and(|f| !f.is_empty()))
            .count();
        let newest = list.last().and_then(|s| s["slot"].as_u64());
        if newest == page["slot"].as_u64() && page["bound_slots"].as_u64() == Some(node_count as u64) {
            last = (page, node_count);
            break;
        }
        last = (page, node_count);
        std::thread::sleep(Duration::from_millis(200));
    }
    assert_eq!(last.0["bound_slots"].as_u64(), Some(last.1 as u64), "page {} against the node's {} bound slots", last.0, last.1);

    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard");
    browser.screenshot(&dir.join("dashboard-grid.png"), 1440, 1000, false, true)?;
    assert!(browser.exceptions.is_empty(), "the page threw: {:?}", browser.exceptions);
    let (dialogs, violations) = browser.injections()?;
    assert!(violations.is_empty() && dialogs.is_empty(), "CSP violations {violations:?}, dialogs {dialogs:?}");
    Ok(())
}
