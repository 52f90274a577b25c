//! Scenario: a hostile client of the light-client routes. Too many keys, keys that are not hex or too long, bodies that are not the JSON asked for, heights and slots that are not numbers, pages out of range: each is refused with a code and a message naming the input; 1,024 keys are answered in full; the node stays up.

mod common;
mod hostile_rpc;

use hostile_rpc::{rpc_addr, start_node};
use serde_json::{json, Value};

/// The status, error code and message of a request (`body`: POST it as JSON text).
fn ask(addr: &str, path: &str, body: Option<String>) -> (u16, Value) {
    let agent = ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build());
    let url = format!("http://{addr}{path}");
    let mut response = match body {
        Some(body) => agent.post(&url).header("content-type", "application/json").send(body.as_bytes()),
        None => agent.get(&url).call(),
    }
    .expect("the node answers");
    let status = response.status().as_u16();
    let text = response.body_mut().with_config().limit(64 << 20).read_to_string().expect("a body");
    (status, serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: not JSON ({e}): {text}")))
}

fn assert_refused(addr: &str, path: &str, body: Option<String>, status: u16, code: &str, names: &str) {
    let (got, answer) = ask(addr, path, body);
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert_eq!((got, answer["error"]["code"].as_str()), (status, Some(code)), "{path}: {answer}");
    assert!(message.contains(names), "{path}: the message does not name {names:?}: {message}");
}

fn keys_body(keys: &[String]) -> Option<String> {
    Some(json!({ "keys": keys }).to_string())
}

#[test]
fn every_hostile_input_is_refused_by_name_and_a_full_request_is_answered() {
    let net = start_node(25090, |_| {});
    let addr = rpc_addr(&net);
    net.wait_height(0, 2, std::time::Duration::from_secs(30));

    let account = hex::encode(b"acct/".iter().copied().chain([7u8; 32]).collect::<Vec<u8>>());
    assert_refused(&addr, "/light/proofs", keys_body(&vec![account.clone(); 1025]), 400, "too-many-keys", "1025 keys asked");
    assert_refused(&addr, "/light/proofs", keys_body(&[account.clone(), "zz".into()]), 400, "bad-key", "key 1 is not hex");
    assert_refused(&addr, "/light/proofs", keys_body(&["ab".repeat(65)]), 400, "bad-key", "key 0 is 65 bytes");
    assert_refused(&addr, "/light/proofs", keys_body(&[String::new()]), 400, "bad-key", "key 0 is 0 bytes");
    assert_refused(&addr, "/light/proofs", Some("{\"keys\": 5}".into()), 400, "bad-request", "keys");
    assert_refused(&addr, "/light/proofs", Some("not json".into()), 400, "bad-request", "is not {\"keys\"");

    let (status, answer) = ask(&addr, "/light/proofs", keys_body(&vec![account.clone(); 1024]));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["proofs"].as_array().map(Vec::len), Some(1024));
    assert!(answer["height"].as_u64().is_some_and(|h| h >= 2), "{}", answer["height"]);

    assert_refused(&addr, "/light/headers/abc", None, 400, "bad-height", "\"abc\" is not a height");
    assert_refused(&addr, "/light/headers/18446744073709551616", None, 400, "bad-height", "18446744073709551616");
    assert_refused(&addr, "/light/headers/0", None, 400, "bad-height", "\"0\"");
    assert_refused(&addr, "/light/headers/999999999", None, 404, "not-found", "no block at height 999999999");
    assert_refused(&addr, "/light/validators/0", None, 400, "bad-height", "\"0\"");
    assert_refused(&addr, "/light/validators/999999999", None, 404, "not-found", "height 999999999 is not known yet");
    assert_refused(&addr, "/light/slots/x/bidders", None, 400, "bad-slot", "\"x\" is not a slot");
    assert_refused(&addr, "/light/slots/1/bidders?limit=0", None, 400, "bad-limit", "limit 0");
    assert_refused(&addr, "/light/slots/1/bidders?limit=1025", None, 400, "bad-limit", "limit 1025");
    assert_refused(&addr, "/light/slots/1/bidders?after=zz", None, 400, "bad-address", "\"zz\" is not an address");
    assert_refused(&addr, &format!("/light/slots/1/bidders?after={}", "ab".repeat(31)), None, 400, "bad-address", "31 bytes");

    // The honest reads still answer, and the node is up.
    let (status, header) = ask(&addr, "/light/headers/1", None);
    assert_eq!(status, 200, "{header}");
    let (status, set) = ask(&addr, "/light/validators/1", None);
    assert_eq!((status, set["from_height"].as_u64()), (200, Some(1)), "{set}");
    assert!(net.client(0).get("/health").is_ok(), "the node stopped answering");
}
