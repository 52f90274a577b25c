//! A deterministic parallel map: items are handed to worker threads from a shared counter, and
//! each result is stored at its item's index, so the output never depends on scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};

/// A worker thread panicked (a bug: the simulation code has no panicking paths by design).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a worker thread stopped unexpectedly (it panicked)")]
pub struct WorkerFailed;

/// `f` over `items` on `threads` threads (1: on the caller's), results in `items` order;
/// `done(count)` is called after each item, from whichever thread finished it.
pub fn map<T: Sync, R: Send>(items: &[T], threads: usize, f: impl Fn(&T) -> R + Sync, done: impl Fn(usize) + Sync) -> Result<Vec<R>, WorkerFailed> {
    let next = AtomicUsize::new(0);
    let finished = AtomicUsize::new(0);
    let work = || {
        let mut out = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else { break };
            out.push((i, f(item)));
            done(finished.fetch_add(1, Ordering::Relaxed) + 1);
        }
        out
    };
    let mut indexed: Vec<(usize, R)> = Vec::with_capacity(items.len());
    if threads <= 1 {
        indexed = work();
    } else {
        let parts = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..threads.min(items.len().max(1))).map(|_| scope.spawn(work)).collect();
            handles.into_iter().map(|h| h.join()).collect::<Vec<_>>()
        });
        for part in parts {
            indexed.extend(part.map_err(|_| WorkerFailed)?);
        }
    }
    indexed.sort_by_key(|(i, _)| *i);
    if indexed.len() != items.len() {
        return Err(WorkerFailed);
    }
    Ok(indexed.into_iter().map(|(_, r)| r).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_item_order_whatever_the_threads() {
        let items: Vec<u64> = (0..100).collect();
        for threads in [1, 2, 7] {
            let out = map(&items, threads, |x| x * x, |_| {}).expect("map");
            assert_eq!(out, items.iter().map(|x| x * x).collect::<Vec<_>>());
        }
    }
}
