//! The dashboard's light client in headless Chromium: a home's "verify" box proves its balance and settlements from a trusted height and hash (WebCrypto Ed25519 and SHA-256), agreeing with the node's own records; a wrong trusted hash and a changed balance in a proof are refused by name.

mod browser;

use std::time::Duration;

use anyhow::{anyhow, bail};
use serde_json::Value;

use browser::testnet::{rpc, wait_for_chain, Meters, Testnet, TestnetSpec};
use browser::{chromium_or_skip, Browser};

const HOUSEHOLDS: usize = 10;
const SPEC: TestnetSpec = TestnetSpec { validators: 4, households: HOUSEHOLDS, base_port: 25500, market_args: &[] };
const TRUSTED_HEIGHT: u64 = 2;

/// A home with a settled bid in the node's history.
fn settled_home(base: &str) -> anyhow::Result<Option<String>> {
    for h in rpc(base, "/households")?["households"].as_array().into_iter().flatten() {
        let Some(address) = h["address"].as_str() else { continue };
        let detail = rpc(base, &format!("/households/{address}"))?;
        if detail["history"].as_array().into_iter().flatten().any(|e| e["settlement"].is_object()) {
            return Ok(Some(address.to_string()));
        }
    }
    Ok(None)
}

/// Enters the trusted height and hash in the home's verify box, clicks it and waits for its verdict.
fn verify_in_page(browser: &mut Browser, hash: &str) -> anyhow::Result<Value> {
    browser.eval(&format!(
        "document.getElementById('verify-height').value = '{TRUSTED_HEIGHT}';
         document.getElementById('verify-hash').value = '{hash}';
         document.getElementById('verify-button').click()"
    ))?;
    browser.wait_for(
        "the verify box's verdict",
        "(() => { const r = document.getElementById('verify-result');
           return ['verified', 'failed'].includes(r.dataset.state)
             ? {state: r.dataset.state, text: r.textContent, settled: r.dataset.settled || null} : null; })()",
        Duration::from_secs(60),
    )
}

#[test]
fn a_home_verifies_its_bill_in_the_page_and_lies_are_named() -> anyhow::Result<()> {
    let Some(chromium) = chromium_or_skip("dashboard light-client test") else { return Ok(()) };
    let testnet = Testnet::start(&SPEC)?;
    let _meters = Meters::start(&testnet.rpc, HOUSEHOLDS, &[])?;
    let base = testnet.rpc.clone();
    wait_for_chain(&base)?;
    let mut address = None;
    for _ in 0..120 {
        address = settled_home(&base)?;
        if address.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    let address = address.ok_or_else(|| anyhow!("no home had a settled bid within 60 s"))?;
    // The trusted hash comes from another validator than the one serving the page.
    let other = format!("http://127.0.0.1:{}", SPEC.base_port + 11);
    let trusted_hash = rpc(&other, &format!("/blocks/{TRUSTED_HEIGHT}"))?["hash"].as_str().unwrap_or_default().to_string();

    let mut browser = Browser::launch(&chromium, 1440, 1000)?;
    browser.navigate(&format!("{base}/"))?;
    browser.wait_for("the page's first render", "document.body !== null && document.body.dataset.ready === 'true'", Duration::from_secs(60))?;
    browser.eval(&format!("document.querySelector('#tiles .tile[data-address=\"{address}\"]').click()"))?;
    browser.wait_for("the verify box", "document.getElementById('verify-button') !== null", Duration::from_secs(20))?;

    let verdict = verify_in_page(&mut browser, &trusted_hash)?;
    if verdict["state"] != "verified" {
        bail!("the page did not verify the bill: {verdict}");
    }
    let settled: Vec<Value> = serde_json::from_str(verdict["settled"].as_str().unwrap_or("[]"))?;
    assert!(!settled.is_empty(), "no settlement verified in the last slots: {verdict}");
    for s in &settled {
        let slot = s["slot"].as_u64().ok_or_else(|| anyhow!("slot: {s}"))?;
        let view = rpc(&base, &format!("/market/slots/{slot}"))?;
        let mine = view["settlements"].as_array().and_then(|l| l.iter().find(|x| x["household"] == address.as_str()).cloned());
        let mine = mine.ok_or_else(|| anyhow!("slot {slot}: the node has no settlement of {address}"))?;
        assert_eq!(s["amount"].as_str(), Some(mine["amount"].to_string().as_str()), "slot {slot}: page {s}, node {mine}");
        assert_eq!(s["side"], mine["side"], "slot {slot}");
    }

    // Children the view leaves out (no metering here) are left out, not shown as "null".
    let shows_null = browser.eval("document.getElementById('home-detail').textContent.includes('null')")?;
    assert_eq!(shows_null, Value::Bool(false), "the home view shows the text null");
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("dashboard");
    browser.screenshot(&dir.join("dashboard-light-client.png"), 1440, 1000, false, true)?;

    let mut wrong = trusted_hash.clone().into_bytes();
    wrong[0] = if wrong[0] == b'0' { b'1' } else { b'0' };
    let refused = verify_in_page(&mut browser, std::str::from_utf8(&wrong)?)?;
    assert_eq!(refused["state"], "failed", "{refused}");
    assert!(refused["text"].as_str().unwrap_or_default().contains(&format!("header {TRUSTED_HEIGHT} hashes to {trusted_hash}")), "{refused}");

    // A node's changed balance: the page's proof check refuses the value by name.
    let script = format!(
        "(async () => {{
           const {{ LightClient }} = await import('/dashboard/js/lightclient.js');
           const {{ post }} = await import('/dashboard/js/api.js');
           const p = await import('/dashboard/js/lightproto.js');
           const client = new LightClient({{ maxWaitMs: 20000 }});
           await client.trust({TRUSTED_HEIGHT}, '{trusted_hash}');
           const key = '616363742f{address}';
           const answer = await post('/light/proofs', {{ keys: [key] }});
           const claim = {{ keys: [p.hexToBytes(key, 'key')], names: ['acct/{address}'], height: answer.height, proofs: answer.proofs }};
           await client.proven(claim);
           answer.proofs[0].value = 'ff'.repeat(24);
           try {{ await client.proven(claim); return 'accepted'; }} catch (e) {{ return e.message; }} }})()"
    );
    let message = browser.eval(&script)?;
    let message = message.as_str().unwrap_or_default();
    assert!(message.contains(&format!("key acct/{address} after height")) && message.contains("not the one its proof holds"), "{message}");
    assert!(browser.exceptions.is_empty(), "the page threw: {:?}", browser.exceptions);
    Ok(())
}
