//! An HTTP proxy in front of an honest node that rewrites one kind of answer: the lying node of the light-client tests.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Rewrites the body of a successful answer to `path` (the request line's target).
pub type Rewrite = Arc<dyn Fn(&str, serde_json::Value) -> serde_json::Value + Send + Sync>;

pub struct LyingProxy {
    pub rpc: String,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl LyingProxy {
    /// Listens on `port`, forwards every request to `upstream` (`host:port`) and rewrites its answers.
    pub fn start(port: u16, upstream: &str, rewrite: Rewrite) -> LyingProxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("proxy port");
        listener.set_nonblocking(true).expect("nonblocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let upstream = format!("http://{upstream}");
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let agent = ureq::Agent::new_with_config(ureq::Agent::config_builder().http_status_as_error(false).build());
            while !stopping.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => serve(stream, &agent, &upstream, &rewrite),
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        LyingProxy { rpc: format!("127.0.0.1:{port}"), stop, thread: Some(thread) }
    }
}

impl Drop for LyingProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// One request: read it, ask the honest node, rewrite its answer, close.
fn serve(stream: TcpStream, agent: &ureq::Agent, upstream: &str, rewrite: &Rewrite) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or("GET").to_string(), parts.next().unwrap_or("/").to_string());
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
    }
    let mut body = vec![0u8; content_length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let url = format!("{upstream}{path}");
    let answer = if method == "POST" {
        agent.post(&url).header("content-type", "application/json").send(&body[..])
    } else {
        agent.get(&url).call()
    };
    let (status, text) = match answer {
        Ok(mut response) => (response.status().as_u16(), response.body_mut().read_to_string().unwrap_or_default()),
        Err(e) => (502, format!("{{\"error\":{{\"code\":\"proxy\",\"message\":\"{e}\"}}}}")),
    };
    let text = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(value) if status == 200 => rewrite(&path, value).to_string(),
        _ => text,
    };
    let mut stream = reader.into_inner();
    let head = format!("HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", text.len());
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(text.as_bytes());
}
