//! Scenario: a flood of idle connections. With `rpc.max_connections` open, one more is answered
//! `503 too-many-connections` and closed at once (no file descriptor held); when one closes,
//! the next client is served again.

mod common;
mod hostile_rpc;

use std::io::Write;
use std::time::{Duration, Instant};

use hostile_rpc::{closed_by_server, connect, exchange, rpc_addr, start_node};

const MAX_CONNECTIONS: usize = 8;

#[test]
fn the_connection_past_the_cap_is_refused_with_503_and_served_once_a_slot_frees() {
    let _serial = common::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let net = start_node(25010, |rpc| {
        rpc.max_connections = MAX_CONNECTIONS;
        // Long enough that the idle connections hold their slots for the whole test.
        rpc.header_timeout_ms = 60_000;
    });
    let addr = rpc_addr(&net);
    let health = b"GET /health HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n";
    // The start-up health checks' connections close first.
    std::thread::sleep(Duration::from_millis(500));
    let mut idle: Vec<_> = (0..MAX_CONNECTIONS).map(|_| connect(&addr)).collect();
    std::thread::sleep(Duration::from_millis(500));
    for (i, c) in idle.iter_mut().enumerate() {
        assert!(!closed_by_server(c, Duration::from_millis(50)), "idle connection {i} of {MAX_CONNECTIONS} was refused");
    }

    let started = Instant::now();
    let refused = exchange(&addr, health);
    println!("connection {} answered {} in {:?}: {}", MAX_CONNECTIONS + 1, refused.status, started.elapsed(), refused.body);
    assert_eq!(refused.status, 503, "{refused:?}");
    assert_eq!(refused.json()["error"]["code"], "too-many-connections");
    assert!(refused.body.contains("rpc.max_connections"), "the error names the setting: {}", refused.body);
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert!(started.elapsed() < Duration::from_secs(2), "refused at once, not after a wait");

    // One idle client leaves: its slot is free for the next one.
    let gone = idle.pop().expect("an idle connection");
    drop(gone);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let answer = exchange(&addr, health);
        if answer.status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "no slot freed 5 s after a connection closed: {answer:?}");
        std::thread::sleep(Duration::from_millis(100));
    }

    // A client already holding a slot is still served (keep-alive on one of the idle ones).
    let mut held = idle.pop().expect("an idle connection");
    held.write_all(b"GET /health HTTP/1.1\r\nHost: node\r\n\r\n").expect("send");
    assert_eq!(hostile_rpc::read_answer(&mut held).status, 200);
    drop(idle);
    drop(held);
    assert!(net.client(0).get("/status").is_ok(), "the node serves after the flood");
}
