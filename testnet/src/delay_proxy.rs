//! WAN emulation without the kernel's netem: a TCP relay that hands every chunk on only
//! after the link's delay, jitter and (for a lost segment) retransmission timeout, in both
//! directions (`link.rs`). The docker testnet dials each validator through one when a link
//! other than a direct one is asked for.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::link::{wait, Link, SplitMix};

/// Chunks held per direction (each up to `CHUNK_BYTES`): a bound of 64 MiB, after which the
/// relay stops reading and TCP's own flow control pushes back on the sender.
const QUEUE_CHUNKS: usize = 1024;
const CHUNK_BYTES: usize = 64 * 1024;

/// Copies `from` to `to`, each chunk leaving when `link` says (order preserved; throughput
/// is not limited, as on a long fat link).
async fn delayed_copy(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, link: Link, mut rng: SplitMix) {
    let (tx, mut rx) = mpsc::channel::<(Instant, Vec<u8>)>(QUEUE_CHUNKS);
    let writer = tokio::spawn(async move {
        while let Some((due, bytes)) = rx.recv().await {
            tokio::time::sleep_until(due).await;
            if to.write_all(&bytes).await.is_err() {
                break;
            }
        }
        let _ = to.shutdown().await;
    });
    let mut buf = vec![0u8; CHUNK_BYTES];
    let mut last_due = Instant::now();
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let now = Instant::now();
                let due = now + wait(&link, n, last_due.saturating_duration_since(now), &mut rng);
                last_due = due;
                if tx.send((due, buf[..n].to_vec())).await.is_err() {
                    break;
                }
            }
        }
    }
    drop(tx);
    let _ = writer.await;
}

async fn relay(client: TcpStream, upstream: String, link: Link, seed: u64) {
    let Ok(server) = TcpStream::connect(&upstream).await else { return };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    // Each direction draws its own losses, replayable from the relay's seed.
    let (up, down) = (SplitMix::new(seed.wrapping_mul(2)), SplitMix::new(seed.wrapping_mul(2).wrapping_add(1)));
    tokio::join!(delayed_copy(cr, sw, link, up), delayed_copy(sr, cw, link, down));
}

/// Accepts on `listen` forever, relaying each connection to `upstream` over `link` each way;
/// connection `k` draws its jitter and losses from `seed + k`.
pub async fn serve(listen: &str, upstream: &str, link: Link, seed: u64) -> std::io::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    let mut connections = 0u64;
    loop {
        let (client, _) = listener.accept().await?;
        tokio::spawn(relay(client, upstream.to_string(), link, seed.wrapping_add(connections)));
        connections = connections.wrapping_add(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn a_round_trip_through_the_relay_takes_twice_the_delay() {
        let echo = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let echo_addr = echo.local_addr().unwrap().to_string();
        tokio::spawn(async move {
            let (mut s, _) = echo.accept().await.unwrap();
            let mut b = [0u8; 4];
            s.read_exact(&mut b).await.unwrap();
            s.write_all(&b).await.unwrap();
        });
        let probe = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let listen = probe.local_addr().unwrap().to_string();
        drop(probe);
        let l = listen.clone();
        tokio::spawn(async move { serve(&l, &echo_addr, Link { delay_ms: 40, ..Link::default() }, 1).await });
        tokio::time::sleep(Duration::from_millis(50)).await;
        let mut c = TcpStream::connect(&listen).await.unwrap();
        let started = std::time::Instant::now();
        c.write_all(b"ping").await.unwrap();
        let mut b = [0u8; 4];
        c.read_exact(&mut b).await.unwrap();
        let rtt = started.elapsed();
        assert_eq!(&b, b"ping");
        assert!(rtt >= Duration::from_millis(80) && rtt < Duration::from_millis(400), "round trip {rtt:?}");
    }
}
