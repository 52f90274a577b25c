//! `GET /events`: committed blocks and clearings as server-sent events, to a bounded number of
//! subscribers at once (each holds a connection and a broadcast receiver).

use super::refusal::Refusal;
use crate::shared::{NodeEvent, Shared};
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Subscribers {
    slots: Arc<Semaphore>,
    limit: usize,
}

impl Subscribers {
    pub fn new(limit: usize) -> Self {
        Subscribers { slots: Arc::new(Semaphore::new(limit)), limit }
    }
}

pub async fn events(
    State(s): State<Arc<Shared>>,
    State(subscribers): State<Subscribers>,
) -> Result<Sse<impl Stream<Item = Result<Event, std::convert::Infallible>>>, Refusal> {
    let slot = subscribers.slots.clone().try_acquire_owned().map_err(|_| Refusal::TooManySubscribers { limit: subscribers.limit })?;
    let rx = s.events.subscribe();
    // The slot lives in the stream's state: it is freed when the client goes away.
    let stream = futures::stream::unfold((rx, slot), |(mut rx, slot)| async move {
        loop {
            match rx.recv().await {
                Ok(NodeEvent::Block(v)) => return Some((Ok(Event::default().event("block").data(v.to_string())), (rx, slot))),
                Ok(NodeEvent::Clearing(v)) => return Some((Ok(Event::default().event("clearing").data(v.to_string())), (rx, slot))),
                // A slow client misses events rather than holding the node back.
                Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                Err(tokio::sync::broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
