//! Scenario: slow clients (slowloris). One trickles its request headers a byte a second, another
//! connects and sends nothing, a third sends headers and then trickles its body. The node cuts
//! each off at its deadline (`rpc.header_timeout_ms`, `rpc.body_timeout_ms`) and keeps serving.

mod common;
mod hostile_rpc;

use std::io::Write;
use std::time::{Duration, Instant};

use hostile_rpc::{closed_by_server, connect, read_answer, rpc_addr, start_node};

const HEADER_TIMEOUT_MS: u64 = 3000;
const BODY_TIMEOUT_MS: u64 = 2000;
/// Slack for a loaded 2-core machine over the configured deadlines.
const SLACK: Duration = Duration::from_millis(2500);

/// Sends one byte a second until the server closes the connection; returns how long that took.
fn trickle_until_closed(addr: &str, prefix: &[u8], give_up: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut stream = connect(addr);
    stream.write_all(prefix).expect("send the request line");
    while started.elapsed() < give_up {
        if stream.write_all(b"a").is_err() {
            return Some(started.elapsed());
        }
        if closed_by_server(&mut stream, Duration::from_secs(1)) {
            return Some(started.elapsed());
        }
    }
    None
}

#[test]
fn slow_headers_idle_connections_and_slow_bodies_are_cut_off_at_their_deadlines() {
    let _serial = common::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let net = start_node(25000, |rpc| {
        rpc.header_timeout_ms = HEADER_TIMEOUT_MS;
        rpc.body_timeout_ms = BODY_TIMEOUT_MS;
    });
    let addr = rpc_addr(&net);
    let header_timeout = Duration::from_millis(HEADER_TIMEOUT_MS);

    // Headers that never end: `X-Slow: aaaa...`, one byte a second.
    let cut = std::thread::scope(|scope| {
        let slow = scope.spawn(|| trickle_until_closed(&addr, b"GET /status HTTP/1.1\r\nHost: node\r\nX-Slow: ", Duration::from_secs(20)));
        // Meanwhile an honest client is served.
        std::thread::sleep(Duration::from_millis(500));
        assert!(net.client(0).get("/status").is_ok(), "the node serves others while a slow client trickles");
        slow.join().expect("the slow client thread")
    });
    let cut = cut.expect("a client trickling its headers for 20 s was never cut off");
    println!("trickled headers cut off after {cut:?} (rpc.header_timeout_ms = {HEADER_TIMEOUT_MS})");
    assert!(cut >= header_timeout - Duration::from_millis(100) && cut <= header_timeout + SLACK, "cut off after {cut:?}");

    // A connection that sends nothing at all.
    let started = Instant::now();
    let mut idle = connect(&addr);
    assert!(closed_by_server(&mut idle, header_timeout + SLACK), "an idle connection stayed open past the header timeout");
    let idle_cut = started.elapsed();
    println!("idle connection closed after {idle_cut:?}");
    assert!(idle_cut >= header_timeout - Duration::from_millis(100), "closed too early: {idle_cut:?}");

    // A body announced as 200 bytes, of which 10 arrive and then nothing: 408 at the body deadline.
    let started = Instant::now();
    let mut stream = connect(&addr);
    stream
        .write_all(b"POST /txs HTTP/1.1\r\nHost: node\r\nContent-Type: application/octet-stream\r\nContent-Length: 200\r\n\r\n0123456789")
        .expect("send the first bytes");
    let answer = read_answer(&mut stream);
    let body_cut = started.elapsed();
    println!("slow body answered {} after {body_cut:?}: {}", answer.status, answer.body);
    assert_eq!(answer.status, 408, "{answer:?}");
    assert_eq!(answer.json()["error"]["code"], "body-timeout", "{answer:?}");
    assert!(answer.body.contains("rpc.body_timeout_ms"), "the error names the setting: {}", answer.body);
    let body_timeout = Duration::from_millis(BODY_TIMEOUT_MS);
    assert!(body_cut >= body_timeout - Duration::from_millis(100) && body_cut <= body_timeout + SLACK, "answered after {body_cut:?}");

    assert!(net.client(0).get("/status").is_ok(), "the node still serves after the slow clients");
}
