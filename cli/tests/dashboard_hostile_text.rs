//! Scenario: chain data carrying markup. A household registers with the lot
//! `<img src=x onerror=alert(1)>` and the validator is named with markup and a script. In headless
//! Chromium the dashboard shows both as text, in the administrator's list, the validators table
//! and the home's detail: no element is made from them, no script runs, the page is served with
//! its Content-Security-Policy and breaks none of it.

mod browser;
mod common;

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context};
use serde_json::json;

use browser::{chromium_or_skip, Browser};
use ledger::sign::Keypair;
use market_runtime::{HouseholdKind, HouseholdSpec, Tx, TxBody};
use node::client::Client;

const LOT: &str = "<img src=x onerror=alert(1)>";
const MONIKER: &str = "<b>val</b><img src=y onerror=alert(2)><script>alert(3)</script>";

/// A one-validator network whose validator is named `MONIKER` in the genesis and its config.
fn start_net() -> anyhow::Result<common::Net> {
    let mut net = common::Net::new(1, 4, 500, 25050, &[]);
    let home = net.nodes[0].home.clone();
    let genesis_path = home.join("config/genesis.json");
    let mut genesis = node::genesis::Genesis::load(&genesis_path)?;
    genesis.validators[0].moniker = MONIKER.into();
    genesis.save(&genesis_path)?;
    let config_path = home.join("config/config.toml");
    let mut config = node::config::Config::load(&config_path)?;
    config.moniker = MONIKER.into();
    config.save(&config_path)?;
    net.start(0);
    net.wait_height(0, 1, Duration::from_secs(60));
    Ok(net)
}

fn wait_for_status(client: &Client, address: &str, status: &str) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let account = client.get(&format!("/accounts/{address}"))?;
        if account["household"]["status"] == status {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!("household {address} is not {status} after 30 s: {account}");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// What markup in the page made: elements a parser would have created from the hostile strings.
const MADE_FROM_MARKUP: &str = "({imgs: document.querySelectorAll('img').length, scripts: document.querySelectorAll('script').length,
    bolds: document.querySelectorAll('main b').length})";

fn assert_nothing_injected(browser: &mut Browser, place: &str) -> anyhow::Result<()> {
    let made = browser.eval(MADE_FROM_MARKUP)?;
    assert_eq!(made, json!({"imgs": 0, "scripts": 1, "bolds": 0}), "{place}: elements were made from chain data (only main.js's <script> is the page's)");
    let (dialogs, violations) = browser.injections()?;
    assert!(dialogs.is_empty(), "{place}: a script from chain data ran: {dialogs:?}");
    assert!(violations.is_empty(), "{place}: the page broke its own Content-Security-Policy: {violations:?}");
    assert!(browser.exceptions.is_empty(), "{place}: the page threw: {:?}", browser.exceptions);
    Ok(())
}

#[test]
fn markup_in_a_lot_and_a_moniker_renders_as_text_and_runs_nothing() -> anyhow::Result<()> {
    let Some(chromium) = chromium_or_skip("hostile text test") else { return Ok(()) };
    let _serial = common::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let net = start_net()?;
    let client = net.client(0);
    let base = client.base().to_string();

    let page = ureq::get(&format!("{base}/")).call().context("GET /")?;
    let csp = page.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
    for directive in ["default-src 'self'", "script-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"] {
        assert!(csp.contains(directive), "the page's CSP has {directive}: {csp:?}");
    }
    assert_eq!(page.headers().get("x-frame-options").and_then(|v| v.to_str().ok()), Some("DENY"));

    let household = Keypair::from_seed(&[66u8; 32]);
    let address = hex::encode(household.public());
    let spec = HouseholdSpec { pv_capacity_w: 4000, battery_wh: 0, battery_w: 0, import_limit_w: 8000, kind: HouseholdKind::Villa, node_key: None, lot: LOT.into() };
    let register = Tx { sender: household.public(), nonce: 0, body: TxBody::RegisterHousehold(spec) };
    client.submit(&ledger::tx::encode_tx(&household, &net.chain_id, &register)?).context("the hostile registration is admitted")?;
    wait_for_status(&client, &address, "pending")?;

    let mut browser = Browser::launch(&chromium, 1280, 900)?;
    browser.watch_for_injections()?;
    browser.navigate(&format!("{base}/"))?;
    browser.wait_for("the page's first render", "document.body !== null && document.body.dataset.ready === 'true'", Duration::from_secs(60))?;
    browser.wait_for(
        "the registration in the administrator's view",
        &format!("document.getElementById('pending').textContent.includes({})", json!(LOT)),
        Duration::from_secs(30),
    )?;
    let shown = browser.eval(&format!(
        "({{ validators: document.getElementById('validators').textContent.includes({m}),
            node: document.getElementById('chain-now').textContent.includes({m}) }})",
        m = json!(MONIKER)
    ))?;
    assert_eq!(shown, json!({"validators": true, "node": true}), "the moniker is shown as its characters");
    assert_nothing_injected(&mut browser, "the administrator's view")?;

    // Approved, the home gets a tile; its detail shows the lot as text too.
    let admin = node::localnet::admin_keypair(net.seed);
    let nonce = client.get(&format!("/accounts/{}", hex::encode(admin.public())))?["nonce"].as_u64().ok_or_else(|| anyhow!("admin has no nonce"))?;
    let approve = Tx { sender: admin.public(), nonce, body: TxBody::ApproveHousehold { household: household.public() } };
    client.submit(&ledger::tx::encode_tx(&admin, &net.chain_id, &approve)?).context("the approval is admitted")?;
    wait_for_status(&client, &address, "approved")?;
    let tile = format!("document.querySelector('#tiles .tile[data-address=\"{address}\"]')");
    browser.wait_for("the home's tile", &format!("{tile} !== null"), Duration::from_secs(30))?;
    browser.eval(&format!("{tile}.click()"))?;
    browser.wait_for(
        "the home's detail with its lot",
        &format!(
            "(() => {{ const d = document.getElementById('home-detail'); return d.dataset.loaded === 'true' && d.textContent.includes({}); }})()",
            json!(LOT)
        ),
        Duration::from_secs(20),
    )?;
    assert_nothing_injected(&mut browser, "the home's detail")?;
    Ok(())
}
