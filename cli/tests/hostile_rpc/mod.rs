//! For the hostile-client tests: one validator started with a changed `[rpc]`, and HTTP spoken
//! byte by byte over TCP, as an attacker would (a normal client cannot trickle or lie).
// Each test binary that includes this module uses only part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use super::common::Net;
use node::config::{Config, RpcConfig};

/// A one-validator network with a few households whose node runs with `tweak`ed `[rpc]` settings;
/// returns once its RPC answers.
pub fn start_node(base_port: u16, tweak: impl FnOnce(&mut RpcConfig)) -> Net {
    let mut net = Net::new(1, 4, 500, base_port, &[]);
    let path = net.nodes[0].home.join("config/config.toml");
    let mut config = Config::load(&path).expect("the generated config loads");
    tweak(&mut config.rpc);
    config.save(&path).expect("config saved");
    net.start(0);
    let deadline = Instant::now() + Duration::from_secs(60);
    while net.client(0).get("/health").is_err() {
        assert!(Instant::now() < deadline, "the node's RPC did not answer in 60 s; log tail:\n{}", net.log_tail(0));
        std::thread::sleep(Duration::from_millis(100));
    }
    net
}

pub fn rpc_addr(net: &Net) -> String {
    format!("127.0.0.1:{}", net.nodes[0].rpc_port)
}

pub fn connect(addr: &str) -> TcpStream {
    let stream = TcpStream::connect(addr).expect("connect to the RPC port");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("read timeout");
    stream
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    /// Header names in lower case.
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("the body is not JSON ({e}): {:?}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// Reads one HTTP/1.1 answer (headers and a `content-length` body) from `stream`.
pub fn read_answer(stream: &mut TcpStream) -> Answer {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        let n = stream.read(&mut chunk).expect("the server answers");
        assert!(n > 0, "the server closed the connection without an answer (read so far: {:?})", String::from_utf8_lossy(&buf));
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines.next().and_then(|l| l.split(' ').nth(1)).and_then(|s| s.parse().ok()).expect("a status line");
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).expect("the server sends the body");
        assert!(n > 0, "the server closed the connection mid-body");
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..head_end + length]).to_string();
    Answer { status, headers, body }
}

/// Sends `request` as is on a new connection and reads the answer.
pub fn exchange(addr: &str, request: &[u8]) -> Answer {
    let mut stream = connect(addr);
    stream.write_all(request).expect("send the request");
    read_answer(&mut stream)
}

/// True once the server has closed `stream` (EOF or reset); false while it is open.
pub fn closed_by_server(stream: &mut TcpStream, wait: Duration) -> bool {
    stream.set_read_timeout(Some(wait)).expect("read timeout");
    let mut byte = [0u8; 1];
    match stream.read(&mut byte) {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
    }
}
