//! The simulator's event queue: events leave in time order, ties in insertion order, so a
//! run never depends on anything but its seed.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use crate::certificate::CommitCertificate;
use crate::io::{Message, Timeout};
use crate::types::Height;

#[derive(Clone, Debug)]
pub(crate) enum EventKind {
    Deliver { from: usize, to: usize, message: Arc<Message> },
    Timer { node: usize, incarnation: u64, timeout: Timeout },
    SyncTick { node: usize, incarnation: u64 },
    SyncRequest { from: usize, to: usize, from_height: Height },
    SyncResponse { to: usize, certificates: Arc<Vec<CommitCertificate>> },
    Crash { node: usize },
    Restart { node: usize },
    /// The network has healed: snapshot the rounds liveness is measured from.
    Heal,
}

pub(crate) struct Event {
    pub(crate) time: u64,
    seq: u64,
    pub(crate) kind: EventKind,
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        (self.time, self.seq) == (other.time, other.seq)
    }
}
impl Eq for Event {}
impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Event {
    // Reversed: BinaryHeap is a max-heap and the earliest event must come out first.
    fn cmp(&self, other: &Self) -> Ordering {
        (other.time, other.seq).cmp(&(self.time, self.seq))
    }
}

#[derive(Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Event>,
    next_seq: u64,
}

impl EventQueue {
    pub(crate) fn push(&mut self, time: u64, kind: EventKind) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Event { time, seq, kind });
    }

    pub(crate) fn pop(&mut self) -> Option<Event> {
        self.heap.pop()
    }
}
