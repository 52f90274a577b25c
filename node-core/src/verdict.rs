//! What the node made of a gossiped message, with the reason gossip validation and the
//! rejection metrics name.

/// `Reject` penalises the peer that forwarded the message (peer scoring); `Ignore` drops it
/// without penalty (stale, duplicate, throttled, or not knowable yet). The reason is a short
/// kebab-case label, e.g. `not-a-validator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Accept,
    Ignore(&'static str),
    Reject(&'static str),
}
