//! The dashboard under metered settlement, in headless Chromium: a home's detail shows each
//! slot's meter reading settled against its bid, as the node has it.

mod browser;

use std::time::Duration;

use anyhow::anyhow;
use serde_json::Value;

use browser::testnet::{rpc, wait_for_chain, Meters, Testnet, TestnetSpec};
use browser::{chromium_or_skip, Browser};

const HOUSEHOLDS: usize = 20;
const SPEC: TestnetSpec = TestnetSpec { validators: 1, households: HOUSEHOLDS, base_port: 25450, market_args: &["--metering"] };

/// The rows of the home's history that carry a metered settlement.
const ROWS: &str = r#"(() => {
  const d = document.getElementById('home-detail');
  if (d.dataset.loaded !== 'true') return null;
  const rows = [...d.querySelectorAll('#home-history tr[data-metered]')].map(r => ({slot: Number(r.dataset.slot), metered_wh: Number(r.dataset.metered)}));
  const head = [...d.querySelectorAll('#home-history th')].map(h => h.textContent);
  return rows.length > 0 ? {rows, head} : null;
})()"#;

/// A home whose history already holds a metered settlement, from the node.
fn metered_home(base: &str) -> anyhow::Result<Option<String>> {
    let registry = rpc(base, "/households")?;
    for h in registry["households"].as_array().into_iter().flatten() {
        let Some(address) = h["address"].as_str() else { continue };
        let detail = rpc(base, &format!("/households/{address}"))?;
        if detail["history"].as_array().into_iter().flatten().any(|e| e["metered"].is_object()) {
            return Ok(Some(address.to_string()));
        }
    }
    Ok(None)
}

#[test]
fn a_homes_detail_shows_its_readings_settled_against_its_bids() -> anyhow::Result<()> {
    let Some(chromium) = chromium_or_skip("dashboard metering test") else { return Ok(()) };
    let testnet = Testnet::start(&SPEC)?;
    let _meters = Meters::start(&testnet.rpc, HOUSEHOLDS, &["--meter-reports"])?;
    let base = testnet.rpc.clone();
    wait_for_chain(&base)?;
    assert!(rpc(&base, "/status")?["metering"].is_object(), "/status gives the genesis metering parameters");

    let mut address = None;
    for _ in 0..120 {
        address = metered_home(&base)?;
        if address.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let address = address.ok_or_else(|| anyhow!("no home had a metered settlement within 60 s"))?;

    let mut browser = Browser::launch(&chromium, 1440, 1000)?;
    browser.navigate(&format!("{base}/"))?;
    browser.wait_for("the page's first render", "document.body !== null && document.body.dataset.ready === 'true'", Duration::from_secs(60))?;
    browser.eval(&format!("document.querySelector('#tiles .tile[data-address=\"{address}\"]').click()"))?;
    let shown = browser.wait_for("the home's metered settlements", ROWS, Duration::from_secs(20))?;
    let head = shown["head"].as_array().cloned().unwrap_or_default();
    assert!(head.iter().any(|h| h.as_str().is_some_and(|t| t.starts_with("metered"))), "a metered column: {head:?}");

    let detail = rpc(&base, &format!("/households/{address}"))?;
    let history = detail["history"].as_array().cloned().unwrap_or_default();
    let mut compared = 0;
    for row in shown["rows"].as_array().into_iter().flatten() {
        let Some(entry) = history.iter().find(|e| e["slot"] == row["slot"]) else { continue };
        let metered: &Value = &entry["metered"];
        assert_eq!(metered["metered_wh"], row["metered_wh"], "slot {}: page {row}, node {metered}", row["slot"]);
        compared += 1;
    }
    assert!(compared > 0, "no metered row of the page is in the node's history: {shown} against {detail}");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard");
    browser.screenshot(&dir.join("dashboard-metered-home.png"), 1440, 1000, false, true)?;
    assert!(browser.exceptions.is_empty(), "the page threw: {:?}", browser.exceptions);
    Ok(())
}
