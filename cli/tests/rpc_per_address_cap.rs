//! Scenario: one client address holds its `rpc.max_connections_per_address` idle connections.
//! One more from that address is answered `503 too-many-connections-from-address` at once,
//! while a client from another address (127.0.0.2) is still served: one client cannot take
//! every connection the node serves.

mod common;
mod hostile_rpc;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use hostile_rpc::{closed_by_server, connect, exchange, read_answer, rpc_addr, start_node};

const PER_ADDRESS: usize = 4;
const HEALTH: &[u8] = b"GET /health HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n";

/// A connection to `addr` from the loopback address `source` (Linux routes all of 127/8 to lo).
fn connect_from(source: &str, addr: &str) -> TcpStream {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_io().build().expect("runtime");
    let stream = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4().expect("socket");
        socket.bind(format!("{source}:0").parse().expect("source address")).expect("bind the source address");
        socket.connect(addr.parse().expect("RPC address")).await.expect("connect from the second address")
    });
    let stream = stream.into_std().expect("std stream");
    stream.set_nonblocking(false).expect("blocking");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
    stream
}

#[test]
fn one_address_at_its_cap_is_refused_while_another_address_is_served() {
    let _serial = common::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let net = start_node(25080, |rpc| {
        rpc.max_connections_per_address = PER_ADDRESS;
        rpc.header_timeout_ms = 60_000;
    });
    let addr = rpc_addr(&net);
    // The start-up health checks' connections close first.
    std::thread::sleep(Duration::from_millis(500));
    let mut idle: Vec<_> = (0..PER_ADDRESS).map(|_| connect(&addr)).collect();
    std::thread::sleep(Duration::from_millis(500));
    for (i, c) in idle.iter_mut().enumerate() {
        assert!(!closed_by_server(c, Duration::from_millis(50)), "idle connection {i} of {PER_ADDRESS} was refused");
    }

    let refused = exchange(&addr, HEALTH);
    assert_eq!(refused.status, 503, "{refused:?}");
    assert_eq!(refused.json()["error"]["code"], "too-many-connections-from-address");
    assert!(refused.body.contains("rpc.max_connections_per_address"), "the error names the setting: {}", refused.body);

    let mut other = connect_from("127.0.0.2", &addr);
    other.write_all(HEALTH).expect("send");
    assert_eq!(read_answer(&mut other).status, 200, "another address is served while the first is at its cap");

    drop(idle.pop());
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while exchange(&addr, HEALTH).status != 200 {
        assert!(std::time::Instant::now() < deadline, "the address got no slot back 5 s after one of its connections closed");
        std::thread::sleep(Duration::from_millis(100));
    }
}
