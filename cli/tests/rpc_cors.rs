//! Scenario: another website's page tries to use the node's RPC from a visitor's browser. By
//! default no origin but the node's own is allowed (no `access-control-allow-origin` in any
//! answer, so the browser refuses); an origin listed in `rpc.cors_allowed_origins` is allowed.

mod common;
mod hostile_rpc;

use hostile_rpc::{exchange, rpc_addr, start_node, Answer};

const EVIL: &str = "http://evil.example";
const DASHBOARD: &str = "https://dash.example.org";

fn preflight(addr: &str, origin: &str) -> Answer {
    let request = format!(
        "OPTIONS /txs HTTP/1.1\r\nHost: node\r\nOrigin: {origin}\r\nAccess-Control-Request-Method: POST\r\n\
         Access-Control-Request-Headers: content-type\r\nConnection: close\r\n\r\n"
    );
    exchange(addr, request.as_bytes())
}

fn read_from(addr: &str, origin: &str) -> Answer {
    exchange(addr, format!("GET /status HTTP/1.1\r\nHost: node\r\nOrigin: {origin}\r\nConnection: close\r\n\r\n").as_bytes())
}

#[test]
fn other_origins_are_refused_by_default_and_a_listed_origin_is_allowed() {
    let _serial = common::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let closed = start_node(25030, |_| {});
    let addr = rpc_addr(&closed);
    let answer = preflight(&addr, EVIL);
    println!("default node, preflight from {EVIL}: {} {:?}", answer.status, answer.headers);
    assert!(answer.header("access-control-allow-origin").is_none(), "a preflight from another origin is allowed by default: {answer:?}");
    assert!(answer.header("access-control-allow-methods").is_none(), "{answer:?}");
    let answer = read_from(&addr, EVIL);
    assert_eq!(answer.status, 200);
    assert!(answer.header("access-control-allow-origin").is_none(), "another origin may read /status: {answer:?}");
    drop(closed);

    let open = start_node(25040, |rpc| rpc.cors_allowed_origins = vec![DASHBOARD.into()]);
    let addr = rpc_addr(&open);
    let answer = preflight(&addr, DASHBOARD);
    println!("configured node, preflight from {DASHBOARD}: {} {:?}", answer.status, answer.headers);
    assert!((200..300).contains(&answer.status), "{answer:?}");
    assert_eq!(answer.header("access-control-allow-origin"), Some(DASHBOARD), "{answer:?}");
    assert!(answer.header("access-control-allow-methods").is_some_and(|m| m.contains("POST")), "{answer:?}");
    assert_eq!(read_from(&addr, DASHBOARD).header("access-control-allow-origin"), Some(DASHBOARD));
    // Only the listed origin.
    assert!(preflight(&addr, EVIL).header("access-control-allow-origin").is_none(), "an unlisted origin is allowed");
    assert!(read_from(&addr, EVIL).header("access-control-allow-origin").is_none(), "an unlisted origin may read");
}
