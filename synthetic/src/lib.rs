//! hestat-synthetic owns the embedded default dataset: a SYNTHETIC national dataset written
//! as the ministry and universities would submit it (the official spreadsheet formats, with
//! the variations of hand-made files), whose aggregates equal the figures the National
//! Report publishes. Real student records are confidential; nothing here is real.
//!
//! It reads only the published reference tables (`data/reference/`) and the code lists of
//! `hestat-ingest`; it knows nothing of indicators or charts.
//!
//! Status (issue #3, in progress): the HEI registry ([`registry`]), the ministry's state
//! order ([`state_order`]) and student academic mobility ([`mobility`]), calibrated on
//! one-way marginals and written as submissions in four styles ([`submission`]). Student
//! rosters, staff, population and TVET files, two-way constraints, deliberate errors and
//! `--scale` come next.

pub mod generate;
pub mod marginals;
pub mod mobility;
pub mod population;
pub mod reference;
pub mod registry;
pub mod staff;
pub mod state_order;
pub mod students;
pub mod submission;

pub use generate::{generate, GenerateConfig, GenerateError, GenerateSummary};
