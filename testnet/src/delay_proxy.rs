//! WAN emulation without the kernel's netem: a TCP relay that hands every chunk on only
//! after a fixed one-way delay, in both directions. The docker testnet dials each
//! validator through one when a delay is asked for.

use std::collections::VecDeque;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

/// Copies `from` to `to`, each chunk leaving `delay` after it arrived (order preserved;
/// throughput is not limited, as on a long fat link).
async fn delayed_copy(mut from: tokio::net::tcp::OwnedReadHalf, mut to: tokio::net::tcp::OwnedWriteHalf, delay: Duration) {
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let writer = tokio::spawn(async move {
        let mut pending: VecDeque<(Instant, Vec<u8>)> = VecDeque::new();
        loop {
            if pending.is_empty() {
                match rx.recv().await {
                    Some(item) => pending.push_back(item),
                    None => break,
                }
            }
            while let Ok(item) = rx.try_recv() {
                pending.push_back(item);
            }
            if let Some((due, _)) = pending.front() {
                tokio::time::sleep_until(*due).await;
            }
            if let Some((_, bytes)) = pending.pop_front() {
                if to.write_all(&bytes).await.is_err() {
                    break;
                }
            }
        }
        let _ = to.shutdown().await;
    });
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if tx.send((Instant::now() + delay, buf[..n].to_vec())).is_err() {
                    break;
                }
            }
        }
    }
    drop(tx);
    let _ = writer.await;
}

async fn relay(client: TcpStream, upstream: String, delay: Duration) {
    let Ok(server) = TcpStream::connect(&upstream).await else { return };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let (cr, cw) = client.into_split();
    let (sr, sw) = server.into_split();
    tokio::join!(delayed_copy(cr, sw, delay), delayed_copy(sr, cw, delay));
}

/// Accepts on `listen` forever, relaying each connection to `upstream` with `delay` each way.
pub async fn serve(listen: &str, upstream: &str, delay: Duration) -> std::io::Result<()> {
    let listener = TcpListener::bind(listen).await?;
    loop {
        let (client, _) = listener.accept().await?;
        tokio::spawn(relay(client, upstream.to_string(), delay));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        tokio::spawn(async move { serve(&l, &echo_addr, Duration::from_millis(40)).await });
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
