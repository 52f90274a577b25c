//! The wall clock: the one place the node reads the time (the node core gets it as an input).

/// Milliseconds since the Unix epoch; 0 if the system clock is before it.
pub fn now_ms() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
