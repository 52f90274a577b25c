//! `solartrade-delay-proxy`, the WAN-delay relay used where the kernel has no netem: a round
//! trip through it takes at least twice the configured one-way delay, and bytes arrive intact.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const DELAY_MS: u64 = 150;
/// Below the kernel's ephemeral range, away from the other tests' ports.
const PROXY_PORT: u16 = 24_950;

struct Proxy(Child);

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn echo_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind echo");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            let mut buf = [0u8; 1024];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 || stream.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    });
    port
}

#[test]
fn the_delay_proxy_delays_each_way() {
    let echo = echo_server();
    let _proxy = Proxy(
        Command::new(env!("CARGO_BIN_EXE_solartrade-delay-proxy"))
            .args(["--listen", &format!("127.0.0.1:{PROXY_PORT}"), "--to", &format!("127.0.0.1:{echo}"), "--delay-ms", &DELAY_MS.to_string()])
            .stdout(Stdio::null())
            .spawn()
            .expect("the proxy starts"),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", PROXY_PORT)) {
            Ok(s) => break s,
            Err(e) => {
                assert!(Instant::now() < deadline, "the proxy did not listen within 10 s: {e}");
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    };
    stream.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let sent = Instant::now();
    stream.write_all(b"bid").expect("write");
    let mut got = [0u8; 3];
    stream.read_exact(&mut got).expect("the echo came back");
    let round_trip = sent.elapsed();
    assert_eq!(&got, b"bid");
    assert!(round_trip >= Duration::from_millis(2 * DELAY_MS), "round trip {round_trip:?} is under twice {DELAY_MS} ms");
}
