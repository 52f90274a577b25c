//! The dashboard in a real browser: headless Chromium against a running 4-validator, 623-household local testnet.
//!
//! Set `SOLARTRADE_DASHBOARD_URL` to test a node that is already running instead of starting a testnet, and
//! `SOLARTRADE_SCREENSHOT_DIR` to choose where the laptop and phone screenshots go (default: cargo's test tmp dir).

mod browser;

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use serde_json::Value;

use browser::testnet::{rpc, wait_for_chain, Meters, Testnet, TestnetSpec, SLOT_MS};
use browser::{chromium_or_skip, Browser};
use ledger::sign::Keypair;
use market_runtime::{HouseholdKind, HouseholdSpec, Tx, TxBody};

/// The paper's compound.
const HOUSEHOLDS: usize = 623;
/// Away from the testnet's default ports, so a person's own testnet does not collide with the test.
const SPEC: TestnetSpec = TestnetSpec { validators: 4, households: HOUSEHOLDS, base_port: 25300, market_args: &[] };

/// A new household asks to join (signed by its own key, submitted like any client would); returns its address.
fn register_household(base: &str, chain_id: &str) -> anyhow::Result<String> {
    let key = Keypair::from_seed(&[42u8; 32]);
    let spec = HouseholdSpec { pv_capacity_w: 6000, battery_wh: 5000, battery_w: 2500, import_limit_w: 10_000, kind: HouseholdKind::Villa, lot: "browser-test".into(), node_key: None };
    let tx = Tx { sender: key.public(), nonce: 0, body: TxBody::RegisterHousehold(spec) };
    let envelope = ledger::tx::encode_tx(&key, chain_id, &tx)?;
    ureq::post(&format!("{base}/txs"))
        .send_json(serde_json::json!({"tx": hex::encode(envelope)}))
        .context("POST /txs with the registration")?;
    Ok(hex::encode(key.public()))
}

/// Polls `/accounts/{address}` until its household has `status`.
fn wait_for_household_status(base: &str, address: &str, status: &str, timeout: Duration) -> anyhow::Result<()> {
    let deadline = Instant::now() + timeout;
    loop {
        let account = rpc(base, &format!("/accounts/{address}"))?;
        if account["household"]["status"] == status {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("household {address} is not {status} after {timeout:?}: {account}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn screenshot_dir() -> std::path::PathBuf {
    std::env::var_os("SOLARTRADE_SCREENSHOT_DIR")
        .map(Into::into)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard"))
}

#[test]
fn dashboard_shows_623_live_homes_a_home_matching_its_account_and_approves_a_registration_signed_in_the_page() -> anyhow::Result<()> {
    let Some(chromium) = chromium_or_skip("dashboard browser test") else { return Ok(()) };

    let external = std::env::var("SOLARTRADE_DASHBOARD_URL").ok();
    let testnet = match &external {
        Some(_) => None,
        None => Some(Testnet::start(&SPEC)?),
    };
    let base = external.clone().or_else(|| testnet.as_ref().map(|t| t.rpc.clone())).ok_or_else(|| anyhow!("no node to test"))?;
    let base = base.trim_end_matches('/').to_string();
    // The testnet's own load stops at its report; keep the homes bidding so tiles and trades are live.
    let _meters = match &testnet {
        Some(t) => Some(Meters::start(&t.rpc, HOUSEHOLDS, &[])?),
        None => None,
    };
    let households = wait_for_chain(&base)?;
    if testnet.is_some() {
        assert_eq!(households, HOUSEHOLDS, "the testnet registers the paper's {HOUSEHOLDS} homes");
    }

    let mut browser = Browser::launch(&chromium, 1440, 1000)?;
    browser.watch_for_injections()?;
    browser.navigate(&format!("{base}/"))?;

    // The page loads and draws one tile per home.
    browser.wait_for("the page's first render", "document.body !== null && document.body.dataset.ready === 'true'", Duration::from_secs(60))?;
    let tiles = browser.eval("document.querySelectorAll('#tiles .tile').length")?;
    assert_eq!(tiles.as_u64(), Some(households as u64), "one tile per approved household");

    // It updates when a new block commits, and never shows a height the node has not committed.
    let first = browser.eval("Number(document.body.dataset.height)")?.as_u64().ok_or_else(|| anyhow!("page shows no height"))?;
    let wait = Duration::from_millis(SLOT_MS * 15);
    let later = browser
        .wait_for("a newer block on the page", &format!("Number(document.body.dataset.height) > {first} && Number(document.body.dataset.height)"), wait)?
        .as_u64()
        .ok_or_else(|| anyhow!("page height is not a number"))?;
    let node_height = rpc(&base, "/status")?["latest_height"].as_u64().ok_or_else(|| anyhow!("/status has no latest_height"))?;
    assert!(later <= node_height, "page shows height {later}, the node has committed only {node_height}");
    browser.wait_for("the live indicator", "document.getElementById('live').textContent === 'live'", Duration::from_secs(5))?;

    // Tiles are coloured from the latest cleared slot: exactly the homes that bid in it are not idle.
    let painted = browser.wait_for(
        "tiles coloured by a cleared slot",
        "(() => { const t = document.getElementById('tiles'); if (!t.dataset.slot) return null; return {slot: Number(t.dataset.slot), bidding: t.querySelectorAll('.tile:not([data-bin=\"idle\"])').length}; })()",
        wait,
    )?;
    let slot = painted["slot"].as_u64().ok_or_else(|| anyhow!("tiles have no slot"))?;
    let detail = rpc(&base, &format!("/market/slots/{slot}"))?;
    let bidding = detail["settlements"].as_array().map(|s| s.iter().filter(|x| x["quantity_wh"].as_u64().unwrap_or(0) > 0).count()).unwrap_or(0);
    assert_eq!(painted["bidding"].as_u64(), Some(bidding as u64), "coloured tiles = homes with a settled bid in slot {slot}");

    // Battery bars: a home's bar is the state of charge its meter reported for the tiles' slot, as
    // the RPC has it. Only a home with energy to trade has a settlement carrying its reading; in
    // the morning every battery absorbs its home's surplus (0 Wh, reading-only bids), so a slot
    // may have none to compare: then wait for a later slot that has.
    let mut compared = 0;
    let mut last_bars = Value::Null;
    for _ in 0..60 {
        let bars = browser.eval(
            "(() => { const t = document.getElementById('tiles'); const socs = {}; for (const x of t.querySelectorAll('.tile[data-soc]')) socs[x.dataset.address] = Number(x.dataset.soc); return {slot: Number(t.dataset.slot), socs}; })()",
        )?;
        let bar_slot = bars["slot"].as_u64().ok_or_else(|| anyhow!("tiles have no slot"))?;
        let settled = rpc(&base, &format!("/market/slots/{bar_slot}"))?;
        for s in settled["settlements"].as_array().into_iter().flatten() {
            let (Some(address), Some(soc)) = (s["household"].as_str(), s["battery_soc_wh"].as_u64()) else { continue };
            if let Some(shown) = bars["socs"].get(address) {
                assert_eq!(shown.as_u64(), Some(soc), "tile {address}: battery bar {shown} Wh, slot {bar_slot} reading {soc} Wh");
                compared += 1;
            }
        }
        last_bars = bars;
        if compared > 0 {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert!(compared > 0, "no tile showed a battery state of charge of a settled home in 30 s: {last_bars}");

    // A home's detail matches its account over RPC (retried: a block may land between the two reads).
    // A home with PV and a battery, so its generation and state of charge are not all zero.
    let registry = rpc(&base, "/households")?;
    let address = registry["households"]
        .as_array()
        .and_then(|all| all.iter().find(|h| h["status"] == "approved" && h["battery_wh"].as_u64().unwrap_or(0) > 0))
        .and_then(|h| h["address"].as_str())
        .ok_or_else(|| anyhow!("no approved home with a battery"))?
        .to_string();
    browser.eval(&format!("document.querySelector('#tiles .tile[data-address=\"{address}\"]').click()"))?;
    browser.wait_for(
        "the home's detail",
        &format!("(() => {{ const d = document.getElementById('home-detail'); return d.dataset.loaded === 'true' && d.dataset.address === '{address}'; }})()"),
        Duration::from_secs(10),
    )?;
    let mut last = (Value::Null, Value::Null);
    let mut matched = false;
    for _ in 0..30 {
        let page = browser.eval(
            "(() => { const d = document.getElementById('home-detail'); const v = [...d.querySelectorAll('dd[data-value]')].map(x => Number(x.dataset.value)); return {address: d.querySelector('#home-address').textContent, balance: v[0], nonce: v[1], shown: d.querySelector('dd[data-value]').textContent}; })()",
        )?;
        let account = rpc(&base, &format!("/accounts/{address}"))?;
        matched = page["address"] == account["address"] && page["balance"] == account["balance"] && page["nonce"] == account["nonce"];
        last = (page, account);
        if matched {
            break;
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(matched, "home detail {} does not match /accounts: {}", last.0, last.1);
    // What a person reads: the same balance in tokens (the chain's micro-tokens / 10^6).
    let shown = last.0["shown"].as_str().unwrap_or_default();
    let tokens: f64 = shown.trim_end_matches(" tokens").replace(',', "").parse().with_context(|| format!("balance shown as {shown:?}"))?;
    let micro = last.1["balance"].as_u64().ok_or_else(|| anyhow!("/accounts has no balance"))?;
    assert!(shown.ends_with(" tokens"), "balance shown with its unit: {shown:?}");
    assert_eq!((tokens * 1e6).round() as u64, micro, "balance shown as {shown:?}, the account holds {micro} micro-tokens");
    // Its hourly generation and demand (and battery) are its meter's readings as /households/{addr} reports them,
    // and its latest reading is the one in state.
    let mut last_meter = (Value::Null, Value::Null);
    let mut meter_matched = false;
    for _ in 0..30 {
        let page = browser.eval(
            "(() => { const d = document.getElementById('home-detail'); const m = d.querySelector('.meter'); const rows = [...d.querySelectorAll('#home-history tr[data-generation]')].map(r => ({slot: Number(r.dataset.slot), generation_wh: Number(r.dataset.generation), load_wh: Number(r.dataset.load), battery_soc_wh: Number(r.dataset.soc)})); return {latest: m ? {slot: Number(m.dataset.slot), generation_wh: Number(m.dataset.generation), load_wh: Number(m.dataset.load), battery_soc_wh: Number(m.dataset.soc)} : null, rows, lines: d.querySelectorAll('#home-energy path.series').length}; })()",
        )?;
        let detail = rpc(&base, &format!("/households/{address}"))?;
        let rpc_meter = &detail["meter"];
        let latest_ok = ["slot", "generation_wh", "load_wh", "battery_soc_wh"].iter().all(|k| page["latest"][k] == rpc_meter[k]);
        let history = detail["history"].as_array().cloned().unwrap_or_default();
        let rows = page["rows"].as_array().cloned().unwrap_or_default();
        let mut rows_ok = !rows.is_empty() && page["lines"].as_u64().unwrap_or(0) >= 2;
        for row in &rows {
            if let Some(entry) = history.iter().find(|e| e["slot"] == row["slot"]) {
                rows_ok &= ["generation_wh", "load_wh", "battery_soc_wh"].iter().all(|k| entry["meter"][k] == row[k]);
            }
        }
        meter_matched = latest_ok && rows_ok;
        last_meter = (page, detail);
        if meter_matched {
            break;
        }
        std::thread::sleep(Duration::from_millis(150));
    }
    assert!(meter_matched, "home detail's readings {} do not match /households/{address}: {}", last_meter.0, last_meter.1);
    let kind = browser.eval("document.querySelector('#home-detail .facts:first-of-type').textContent")?;
    let household = &last.1["household"];
    if let (Some(text), Some(expected)) = (kind.as_str(), household["kind"].as_str()) {
        assert!(text.contains(expected), "detail shows kind {expected}: {text}");
    }

    // The administrator's view: a new registration appears as pending, and the page signs its approval with a
    // key file the operator picks, which the node then executes.
    let pending = match &testnet {
        Some(t) => {
            let chain_id = rpc(&base, "/status")?["chain_id"].as_str().ok_or_else(|| anyhow!("/status has no chain_id"))?.to_string();
            let household = register_household(&base, &chain_id)?;
            browser.wait_for(
                "the registration in the administrator's view",
                &format!("document.getElementById('pending').textContent.includes('{household}')"),
                Duration::from_secs(30),
            )?;
            browser.set_file_input("#admin-key input[type=file]", &t.admin_key())?;
            let admin = browser.wait_for(
                "the administrator key to load",
                "(() => { const s = document.querySelector('#admin-key .key-status').textContent; return s.startsWith('Signing here as') ? s : null; })()",
                Duration::from_secs(10),
            )?;
            println!("{admin}");
            Some(household)
        }
        None => None,
    };

    let dir = screenshot_dir();
    browser.screenshot(&dir.join("dashboard-laptop.png"), 1440, 1000, false, true)?;
    browser.screenshot(&dir.join("dashboard-phone.png"), 390, 844, true, false)?;
    println!("screenshots in {}", dir.display());

    if let Some(household) = pending {
        browser.eval(&format!("document.querySelector('#pending .sign[data-household=\"{household}\"] button[data-action=approve]').click()"))?;
        let result = browser.wait_for(
            "the signed approval to be submitted",
            &format!("(() => {{ const r = document.querySelector('#pending .sign[data-household=\"{household}\"] .sign-result'); return r && r.textContent ? r.textContent : null; }})()"),
            Duration::from_secs(10),
        )?;
        assert!(result.as_str().is_some_and(|r| r.starts_with("submitted")), "the node refused the page's approval: {result}");
        wait_for_household_status(&base, &household, "approved", Duration::from_secs(20))?;
    }

    assert!(browser.exceptions.is_empty(), "the page threw: {:?}", browser.exceptions);
    // Everything above ran under the node's Content-Security-Policy without tripping it.
    let (dialogs, violations) = browser.injections()?;
    assert!(violations.is_empty(), "the page broke its Content-Security-Policy: {violations:?}");
    assert!(dialogs.is_empty(), "the page opened dialogs: {dialogs:?}");
    drop(testnet);
    Ok(())
}
