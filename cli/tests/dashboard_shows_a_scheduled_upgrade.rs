//! The dashboard's chain panel, in headless Chromium, shows the protocol this node runs and an
//! upgrade the administrator scheduled: its version, its height, and whether this release runs it;
//! the administrator panel shows the administrator's rule.

mod browser;

use std::time::Duration;

use market_runtime::{Tx, TxBody};

use browser::testnet::{rpc, wait_for_chain, Testnet, TestnetSpec};
use browser::{chromium_or_skip, Browser};

const SPEC: TestnetSpec = TestnetSpec { validators: 1, households: 2, base_port: 25600, market_args: &[] };

#[test]
fn the_chain_panel_shows_a_scheduled_upgrade() -> anyhow::Result<()> {
    let Some(chromium) = chromium_or_skip("dashboard upgrade test") else { return Ok(()) };
    let testnet = Testnet::start(&SPEC)?;
    let base = testnet.rpc.clone();
    wait_for_chain(&base)?;
    let status = rpc(&base, "/status")?;
    let (chain_id, height) = (status["chain_id"].as_str().unwrap_or_default().to_string(), status["latest_height"].as_u64().unwrap_or(0));
    let admin = ledger::sign::Keypair::load(&testnet.admin_key())?;
    let nonce = rpc(&base, &format!("/accounts/{}", hex::encode(admin.public())))?["nonce"].as_u64().unwrap_or(0);
    // Far enough ahead that the page sees it before it starts.
    let at = height + 100_000;
    let tx = Tx { sender: admin.public(), nonce, body: TxBody::ScheduleUpgrade { version: 1, height: at } };
    node::client::Client::new(&base).submit(&ledger::tx::encode_tx(&admin, &chain_id, &tx)?)?;

    let mut browser = Browser::launch(&chromium, 1440, 1000)?;
    browser.navigate(&format!("{base}/"))?;
    let shown = browser.wait_for(
        "the chain panel's upgrade line",
        "(() => { const e = document.getElementById('chain-upgrade'); return e ? e.textContent : null; })()",
        Duration::from_secs(30),
    )?;
    let text = shown.as_str().unwrap_or_default().replace(',', "");
    assert!(text.contains(&format!("to protocol 1 at height {at}")), "{text}");
    assert!(text.contains("this release runs it"), "{text}");
    let version = browser.eval("[...document.querySelectorAll('dt')].find(d => d.textContent === 'protocol').nextSibling.textContent")?;
    assert!(version.as_str().unwrap_or_default().starts_with("0 (solartrade "), "{version}");
    // The administrator panel shows the rule from `/admin`.
    let rule = browser.wait_for(
        "the administrator's rule",
        "(() => { const e = document.getElementById('admin-rule'); return e && e.textContent.startsWith('Rule:') ? e.textContent : null; })()",
        Duration::from_secs(30),
    )?;
    let rule = rule.as_str().unwrap_or_default();
    assert!(rule.starts_with("Rule: 1 of 1 members") && rule.contains("No admin action is waiting"), "{rule}");
    Ok(())
}
