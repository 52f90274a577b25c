//! The market simulator's core, without I/O: the paper's scenarios run through the chain's own
//! clearing and settlement, the claims they test, and the comparison of every mechanism and
//! battery strategy across seeds. `solartrade sim` adds arguments, progress, files and charts.

pub mod compare;
pub mod compare_table;
pub mod engine;
pub mod forecast;
pub mod grid;
pub mod indicators;
pub mod parallel;
pub mod report;
pub mod run;
pub mod scenario;
pub mod simulate;
pub mod spread;
pub mod totals;

pub use compare::{compare, Batteries, CompareConfig, CompareError, CompareSource, Comparison, Row};
pub use engine::run_scenario;
pub use grid::{grid_report, Compound, GridReport};
pub use indicators::{Indicators, RunSummary, COLUMNS};
pub use run::{HouseholdSlot, RunSettings, ScenarioRun, SlotResult};
pub use scenario::{scale_pv, Households, Scenario, S1, S2, S3};
pub use simulate::{simulate, SimResult, SimSetup};
pub use totals::{totals, MechanismBills, Totals};
