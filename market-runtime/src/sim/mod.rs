//! The market simulator's core, without I/O: the paper's scenarios run through the chain's own
//! clearing and settlement, and the claims they test. `solartrade sim` adds arguments,
//! progress, files and charts.

pub mod engine;
pub mod forecast;
pub mod report;
pub mod run;
pub mod scenario;
pub mod simulate;
pub mod totals;

pub use engine::run_scenario;
pub use run::{HouseholdSlot, RunSettings, ScenarioRun, SlotResult};
pub use scenario::{scale_pv, Households, Scenario, S1, S2, S3};
pub use simulate::{simulate, SimResult, SimSetup};
pub use totals::{totals, MechanismBills, Totals};
