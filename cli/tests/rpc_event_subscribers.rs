//! Scenario: a client opens `/events` streams until the node runs out. With
//! `rpc.max_event_subscribers` open, one more is answered `503 too-many-subscribers`; when a
//! subscriber leaves, a new one is served.

mod common;
mod hostile_rpc;

use std::io::Write;
use std::time::{Duration, Instant};

use hostile_rpc::{connect, read_answer, rpc_addr, start_node};

const SUBSCRIBERS: usize = 2;
const EVENTS: &[u8] = b"GET /events HTTP/1.1\r\nHost: node\r\nAccept: text/event-stream\r\n\r\n";

/// Opens `/events` and returns the connection and the status line's code.
fn subscribe(addr: &str) -> (std::net::TcpStream, u16, String) {
    let mut stream = connect(addr);
    stream.write_all(EVENTS).expect("send");
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    // An event stream has no length: read the head only.
    while !buf.ends_with(b"\r\n\r\n") {
        let n = std::io::Read::read(&mut stream, &mut byte).expect("the server answers");
        assert!(n > 0, "closed without an answer");
        buf.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&buf).to_string();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    (stream, status, head)
}

#[test]
fn the_subscriber_past_the_cap_gets_503_and_a_freed_slot_is_reused() {
    let _serial = common::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let net = start_node(25060, |rpc| rpc.max_event_subscribers = SUBSCRIBERS);
    let addr = rpc_addr(&net);
    let mut open: Vec<_> = (0..SUBSCRIBERS)
        .map(|i| {
            let (stream, status, head) = subscribe(&addr);
            assert_eq!(status, 200, "subscriber {i}: {head}");
            stream
        })
        .collect();

    let mut refused = connect(&addr);
    refused.write_all(b"GET /events HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n").expect("send");
    let answer = read_answer(&mut refused);
    println!("subscriber {} answered {}: {}", SUBSCRIBERS + 1, answer.status, answer.body);
    assert_eq!(answer.status, 503, "{answer:?}");
    assert_eq!(answer.json()["error"]["code"], "too-many-subscribers");
    assert!(answer.body.contains("rpc.max_event_subscribers"), "{}", answer.body);

    drop(open.pop());
    // The node notices the closed stream when it next writes to it (an event or a keep-alive).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_stream, status, head) = subscribe(&addr);
        if status == 200 {
            break;
        }
        assert!(Instant::now() < deadline, "no subscriber slot freed 30 s after one left: {head}");
        std::thread::sleep(Duration::from_millis(250));
    }
}
