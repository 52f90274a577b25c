//! Scenario: against node 0's RPC, 400 connections that never send a byte, 50 that send their
//! headers one byte a second, and requests whose bodies are far over any limit (declared and
//! streamed). Honest clients must still get answers in time, oversize bodies must be refused
//! with the JSON error, idle connections must be closed by the server (header timeout), and the
//! chain must go on.

use crate::harness::raw_http::{self, connect};
use crate::harness::verdict::{rpc_error, short};
use crate::harness::{Scenario, ScenarioSpec};
use crate::step;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const IDLE: usize = 400;
const SLOW: usize = 50;
/// An honest GET /status must be answered within this, ...
const ANSWER_WITHIN: Duration = Duration::from_secs(2);
/// Share of honest requests that must be served or promptly refused (a few connects can fail
/// outright while 450 hostile connections fill the accept queue on the same loopback address).
const ANSWERED_SHARE: f64 = 0.9;
/// The server must have closed an idle connection by this time after it opened.
const IDLE_CLOSED_WITHIN: Duration = Duration::from_secs(12);

fn closed_by_server(stream: &mut TcpStream) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_millis(5)));
    let mut b = [0u8; 64];
    match stream.read(&mut b) {
        Ok(0) => true,
        Ok(_) => true,
        Err(e) => !matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut),
    }
}

fn oversize_declared(s: &mut Scenario) {
    let body = vec![0u8; 4 * 1024 * 1024];
    for path in ["/txs", "/txs/batch"] {
        match raw_http::request(&s.rpc_addr(0), "POST", path, "application/octet-stream", &body, Duration::from_secs(5)) {
            Ok(r) => {
                let shape = rpc_error(&r.body);
                step!("POST {path} with a 4 MiB body: {} {}", r.status, short(&r.body));
                s.verdict.check(r.status == 413 || r.status == 400, || format!("POST {path} 4 MiB body answered {}", r.status));
                s.verdict.check(shape.is_ok(), || format!("POST {path} 4 MiB body refused without the JSON error: {shape:?}"));
            }
            Err(e) => s.verdict.fail(format!("POST {path} 4 MiB body got no answer: {e}")),
        }
    }
    // A body declared as 1 GB and streamed at full speed: refused before it is all read.
    let mut stream = match connect(&s.rpc_addr(0), Duration::from_secs(5)) {
        Ok(st) => st,
        Err(e) => return s.verdict.fail(format!("connect for the 1 GB body: {e}")),
    };
    let head = format!("POST /txs HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n", 1u64 << 30);
    let _ = stream.write_all(head.as_bytes());
    let chunk = vec![0u8; 1024 * 1024];
    let mut sent = 0;
    while sent < 64 && stream.write_all(&chunk).is_ok() {
        sent += 1;
    }
    let reply = raw_http::read_reply(&mut stream);
    step!("1 GB declared body: server stopped reading after {sent} MiB; reply {:?}", reply.as_ref().map(|r| r.status));
    s.verdict.check(sent < 64, || "the server read 64 MiB of a 1 GB body without refusing it".into());
}

#[test]
fn rpc_slowloris_and_connection_flood() {
    let mut s = Scenario::start(ScenarioSpec { name: "rpc_slowloris_and_connection_flood", port_block: 8, hostile_peers: 0 });
    let addr = s.rpc_addr(0);
    let opened = Instant::now();
    let mut idle: Vec<TcpStream> = (0..IDLE).filter_map(|_| connect(&addr, Duration::from_secs(2)).ok()).collect();
    let mut slow: Vec<TcpStream> = (0..SLOW).filter_map(|_| connect(&addr, Duration::from_secs(2)).ok()).collect();
    step!("opened {} idle and {} slow connections", idle.len(), slow.len());
    let header = b"POST /txs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    let (mut asked, mut answered) = (0u32, 0u32);
    let mut worst = Duration::ZERO;
    s.run_for(Duration::from_secs(14), |s, tick| {
        if tick % 10 == 0 {
            let at = (tick / 10) as usize % header.len();
            for c in &mut slow {
                let _ = c.write_all(&header[at..at + 1]);
            }
        }
        if tick % 2 == 0 {
            let started = Instant::now();
            // Past rpc.max_connections a new connection is refused at once with a JSON 503
            // (the cap holds the attacker's descriptors down); an honest client must get an
            // answer or that prompt refusal, never a hang. Idle eviction is not built
            // (docs/security.md, "not defended yet").
            let ok = raw_http::request(&s.rpc_addr(0), "GET", "/status", "text/plain", b"", ANSWER_WITHIN)
                .is_ok_and(|r| r.status == 200 || (r.status == 503 && r.body.contains("too-many-connections")));
            let took = started.elapsed();
            worst = worst.max(took);
            asked += 1;
            answered += u32::from(ok && took <= ANSWER_WITHIN);
        }
    });
    oversize_declared(&mut s);
    let share = f64::from(answered) / f64::from(asked.max(1));
    step!("honest GET /status: {answered} of {asked} answered within {ANSWER_WITHIN:?} (worst {worst:?})");
    s.verdict.check(share >= ANSWERED_SHARE, || format!("only {answered} of {asked} honest requests answered within {ANSWER_WITHIN:?}"));
    let closed = idle.iter_mut().map(closed_by_server).filter(|c| *c).count();
    let slow_closed = slow.iter_mut().map(closed_by_server).filter(|c| *c).count();
    step!("after {:?}: server closed {closed} of {} idle and {slow_closed} of {} slow connections", opened.elapsed(), idle.len(), slow.len());
    s.verdict.check(opened.elapsed() < IDLE_CLOSED_WITHIN || closed == idle.len(), || {
        format!("{} of {} idle connections still open after {:?} (no header timeout)", idle.len() - closed, idle.len(), opened.elapsed())
    });
    s.verdict.check(opened.elapsed() < IDLE_CLOSED_WITHIN || slow_closed == slow.len(), || {
        format!("{} of {} one-byte-a-second connections still open after {:?}", slow.len() - slow_closed, slow.len(), opened.elapsed())
    });
    drop(idle);
    drop(slow);
    s.finish(&[]);
}
