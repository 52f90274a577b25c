//! What every scenario shares: the network under attack, the hostile peer, the crafted
//! messages, and the checks that run while the attack does and after it.

#[path = "../../common/mod.rs"]
pub mod common;

pub mod bids;
pub mod craft;
pub mod hostile_peer;
pub mod raw_http;
pub mod scenario;
pub mod verdict;
pub mod watch;

pub use scenario::{Scenario, ScenarioSpec};
pub use verdict::{Reason, Rejections};

/// Validators of every scenario's network.
pub const VALIDATORS: usize = 4;
/// Slot length of every scenario's network.
pub const SLOT_MS: u64 = 1000;
/// Households in the genesis; all of them bid every slot while an attack runs.
pub const HOUSEHOLDS: usize = 6;

/// Progress lines, so a slow or failing scenario shows where it is.
#[macro_export]
macro_rules! step {
    ($($arg:tt)*) => {
        eprintln!("[attack {:>6.1}s] {}", $crate::harness::scenario::elapsed_s(), format!($($arg)*))
    };
}
