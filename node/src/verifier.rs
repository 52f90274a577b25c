//! Signature checks off the async runtime that drives consensus: they run on tokio's blocking
//! threads, no more at once than there are cores, with a bound on how many may wait. RPC
//! submissions and gossiped transaction batches each have their own.

use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VerifierError {
    #[error("{limit} signature checks are already running or waiting")]
    Busy { limit: usize },
    #[error("the signature check stopped before it finished: {why}")]
    Stopped { why: String },
}

#[derive(Clone)]
pub struct Verifier {
    /// Jobs running or waiting; a job that finds none free is refused at once.
    queue: Arc<Semaphore>,
    queue_limit: usize,
    /// Jobs running: more threads than cores would only take turns with each other.
    running: Arc<Semaphore>,
}

impl Verifier {
    pub fn new(queue_limit: usize) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Verifier { queue: Arc::new(Semaphore::new(queue_limit)), queue_limit, running: Arc::new(Semaphore::new(cores)) }
    }

    /// Runs `job` on a blocking thread; `Busy` when `queue_limit` jobs are already in.
    pub async fn run<T: Send + 'static>(&self, job: impl FnOnce() -> T + Send + 'static) -> Result<T, VerifierError> {
        let queued = self.queue.clone().try_acquire_owned().map_err(|_| VerifierError::Busy { limit: self.queue_limit })?;
        let running = self.running.clone().acquire_owned().await.map_err(|e| VerifierError::Stopped { why: e.to_string() })?;
        // The permits go with the job: if the request is dropped (deadline, client gone) the
        // job still counts until it has finished.
        tokio::task::spawn_blocking(move || {
            let out = job();
            drop((running, queued));
            out
        })
        .await
        .map_err(|e| VerifierError::Stopped { why: e.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_job_past_the_queue_limit_is_refused_while_the_first_runs() {
        let verifier = Verifier::new(1);
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (release_tx, release_rx) = std::sync::mpsc::channel::<()>();
        let first = {
            let verifier = verifier.clone();
            tokio::spawn(async move {
                verifier
                    .run(move || {
                        started_tx.send(()).unwrap();
                        release_rx.recv().unwrap();
                    })
                    .await
            })
        };
        tokio::task::spawn_blocking(move || started_rx.recv().unwrap()).await.unwrap();
        let second = verifier.run(|| ()).await;
        assert!(matches!(second, Err(VerifierError::Busy { limit: 1 })), "{second:?}");
        release_tx.send(()).unwrap();
        first.await.unwrap().unwrap();
        assert!(verifier.run(|| 7).await.is_ok_and(|v| v == 7), "the slot is free again");
    }
}
