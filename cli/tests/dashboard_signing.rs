//! The administrator's in-browser signing: the page's envelopes, made by WebCrypto in headless Chromium, equal the ledger's bytes.

mod browser;

use std::time::Duration;

use anyhow::{anyhow, Context};
use ledger::sign::Keypair;
use market_runtime::{Tx, TxBody};
use serde_json::{json, Value};

use browser::{chromium_or_skip, Browser};

const CHAIN_ID: &str = "solartrade-dashboard-test";

/// Serves only the dashboard (no node behind it): the signing module needs no RPC.
fn serve_dashboard(runtime: &tokio::runtime::Runtime) -> anyhow::Result<String> {
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let base = format!("http://{}", listener.local_addr()?);
    runtime.spawn(async move {
        if let Err(err) = axum::serve(listener, node::dashboard::router()).await {
            eprintln!("dashboard server stopped: {err}");
        }
    });
    Ok(base)
}

/// Loads `key_file` into the page and signs each case there; returns the page's signer address and envelopes (hex).
fn sign_in_browser(browser: &mut Browser, key_file: &str, cases: &Value) -> anyhow::Result<Value> {
    let script = format!(
        "(async () => {{ const m = await import('/dashboard/js/txsign.js');
           const signer = await m.loadKeyFile({key_file});
           const out = [];
           for (const c of {cases}) out.push(m.bytesToHex(await m.signTransaction(signer, {chain}, c.nonce, c.body)));
           let exported = 'refused';
           try {{ await crypto.subtle.exportKey('pkcs8', signer.key); exported = 'exported'; }} catch (e) {{}}
           return {{address: signer.address, envelopes: out, extractable: signer.key.extractable, exported}}; }})()",
        key_file = serde_json::to_string(key_file)?,
        chain = serde_json::to_string(CHAIN_ID)?,
    );
    browser.eval(&script)
}

#[test]
fn browser_signed_approvals_and_rejections_equal_the_ledgers_envelopes() -> anyhow::Result<()> {
    let Some(chromium) = chromium_or_skip("dashboard signing test") else { return Ok(()) };
    let runtime = tokio::runtime::Runtime::new()?;
    let base = serve_dashboard(&runtime)?;

    let admin = Keypair::from_seed(&[7u8; 32]);
    let dir = tempfile::tempdir()?;
    let key_path = dir.path().join("admin_key.json");
    admin.save(&key_path)?;
    let key_file = std::fs::read_to_string(&key_path)?;
    let household = Keypair::from_seed(&[9u8; 32]).public();
    let household_hex = hex::encode(household);

    // Nonce 0 (left off the wire), a multi-byte varint nonce, a non-ASCII reason and an empty one.
    let cases: Vec<(u64, TxBody, Value)> = vec![
        (0, TxBody::ApproveHousehold { household }, json!({"approve": household_hex})),
        (300, TxBody::ApproveHousehold { household }, json!({"approve": household_hex})),
        (5, TxBody::RejectHousehold { household, reason: "lot 17 is outside the compound — vérifié".into() },
            json!({"reject": household_hex, "reason": "lot 17 is outside the compound — vérifié"})),
        (u64::from(u32::MAX) + 1, TxBody::RejectHousehold { household, reason: String::new() }, json!({"reject": household_hex, "reason": ""})),
    ];
    let js_cases = Value::Array(cases.iter().map(|(nonce, _, body)| json!({"nonce": nonce, "body": body})).collect());

    let mut browser = Browser::launch(&chromium, 800, 600)?;
    browser.navigate(&format!("{base}/"))?;
    browser.wait_for("the page", "document.readyState === 'complete'", Duration::from_secs(20))?;
    let signed = sign_in_browser(&mut browser, &key_file, &js_cases)?;

    assert_eq!(signed["address"].as_str(), Some(hex::encode(admin.public()).as_str()), "the page derives the key file's address");
    assert_eq!(signed["extractable"], json!(false), "the secret key is imported non-extractable: {signed}");
    assert_eq!(signed["exported"], json!("refused"), "no page script can export the secret key: {signed}");
    let envelopes = signed["envelopes"].as_array().ok_or_else(|| anyhow!("no envelopes: {signed}"))?;
    assert_eq!(envelopes.len(), cases.len());
    for ((nonce, body, _), page) in cases.iter().zip(envelopes) {
        let expected = ledger::tx::encode_tx(&admin, CHAIN_ID, &Tx { sender: admin.public(), nonce: *nonce, body: body.clone() })?;
        let page_hex = page.as_str().ok_or_else(|| anyhow!("envelope is not a string: {page}"))?;
        assert_eq!(page_hex, hex::encode(&expected), "envelope for nonce {nonce}, {body:?}");
        let verified = ledger::tx::decode_tx(&hex::decode(page_hex)?, CHAIN_ID).context("the ledger accepts the page's envelope")?;
        assert_eq!(verified.tx.nonce, *nonce);
    }
    assert!(browser.exceptions.is_empty(), "the page threw: {:?}", browser.exceptions);
    Ok(())
}

#[test]
fn a_key_file_whose_public_key_belongs_to_another_secret_is_refused_in_the_browser() -> anyhow::Result<()> {
    let Some(chromium) = chromium_or_skip("dashboard signing test") else { return Ok(()) };
    let runtime = tokio::runtime::Runtime::new()?;
    let base = serve_dashboard(&runtime)?;
    let secret = Keypair::from_seed(&[1u8; 32]);
    let other = Keypair::from_seed(&[2u8; 32]);
    let forged = json!({"public_key": hex::encode(other.public()), "secret_key": hex::encode(secret.seed())}).to_string();

    let mut browser = Browser::launch(&chromium, 800, 600)?;
    browser.navigate(&format!("{base}/"))?;
    browser.wait_for("the page", "document.readyState === 'complete'", Duration::from_secs(20))?;
    let script = format!(
        "(async () => {{ const m = await import('/dashboard/js/txsign.js');
           try {{ await m.loadKeyFile({}); return 'loaded'; }} catch (e) {{ return e.message; }} }})()",
        serde_json::to_string(&forged)?
    );
    let message = browser.eval(&script)?;
    let message = message.as_str().unwrap_or_default();
    assert!(message.contains("does not belong to the secret key"), "forged key file refused with a reason, got {message:?}");
    assert!(message.contains(&hex::encode(other.public())), "the reason names the public key the file states: {message}");
    Ok(())
}
