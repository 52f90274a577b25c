//! Scenario: oversized request bodies. `POST /txs` takes at most `rpc.max_body_bytes` and
//! `POST /txs/batch` at most `rpc.max_batch_body_bytes`; a larger body, announced or streamed,
//! is answered `413 body-too-large` (JSON, naming the limit) before it is buffered.

mod common;
mod hostile_rpc;

use std::io::Write;

use hostile_rpc::{connect, exchange, read_answer, rpc_addr, start_node};

fn assert_too_large(answer: &hostile_rpc::Answer, route: &str, limit: usize, setting: &str) {
    assert_eq!(answer.status, 413, "{answer:?}");
    assert!(answer.header("content-type").is_some_and(|t| t.starts_with("application/json")), "{answer:?}");
    let error = &answer.json()["error"];
    assert_eq!(error["code"], "body-too-large", "{answer:?}");
    let message = error["message"].as_str().unwrap_or_default();
    for part in [route, &limit.to_string(), setting] {
        assert!(message.contains(part), "the error names {part:?}: {message}");
    }
}

#[test]
fn bodies_over_each_routes_limit_get_413_with_a_json_error() {
    let _serial = common::SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // The shipped limits.
    let defaults = node::config::RpcConfig::default();
    let (tx_limit, batch_limit) = (defaults.max_body_bytes, defaults.max_batch_body_bytes);
    let net = start_node(25020, |_| {});
    let addr = rpc_addr(&net);

    // Announced: a Content-Length over the limit is refused before the body is sent.
    let announced = format!("POST /txs HTTP/1.1\r\nHost: node\r\nContent-Type: application/octet-stream\r\nContent-Length: {}\r\n\r\n", tx_limit + 1);
    assert_too_large(&exchange(&addr, announced.as_bytes()), "POST /txs", tx_limit, "rpc.max_body_bytes");

    // Streamed: chunked, no length announced; refused once the bytes pass the limit.
    let mut stream = connect(&addr);
    stream.write_all(b"POST /txs HTTP/1.1\r\nHost: node\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n").expect("send");
    let chunk = vec![b'x'; 4096];
    for _ in 0..(tx_limit / chunk.len() + 1) {
        stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).expect("send");
        stream.write_all(&chunk).expect("send");
        stream.write_all(b"\r\n").expect("send");
    }
    assert_too_large(&read_answer(&mut stream), "POST /txs", tx_limit, "rpc.max_body_bytes");

    // The batch route has its own, larger limit: a body over POST /txs's limit reaches its handler
    // (and is refused there as a malformed batch), one over the batch limit is refused at the door.
    let junk = vec![0u8; tx_limit + 1];
    let mut request = format!("POST /txs/batch HTTP/1.1\r\nHost: node\r\nContent-Length: {}\r\n\r\n", junk.len()).into_bytes();
    request.extend_from_slice(&junk);
    let answer = exchange(&addr, &request);
    assert_eq!(answer.status, 400, "a batch larger than one transaction's limit is read: {answer:?}");
    let announced = format!("POST /txs/batch HTTP/1.1\r\nHost: node\r\nContent-Length: {}\r\n\r\n", batch_limit + 1);
    assert_too_large(&exchange(&addr, announced.as_bytes()), "POST /txs/batch", batch_limit, "rpc.max_batch_body_bytes");

    assert!(net.client(0).get("/status").is_ok(), "the node still serves");
}
