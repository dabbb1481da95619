//! hestat-synthetic owns the embedded default dataset: a SYNTHETIC national dataset written
//! as the ministry and universities would submit it (the official spreadsheet formats, with
//! the variations of hand-made files), whose aggregates equal the figures the National
//! Report publishes. Real student records are confidential; nothing here is real.
//!
//! It reads only the published reference tables (`data/reference/`) and the code lists of
//! `hestat-ingest`; it knows nothing of indicators or charts.
//!
//! Status (issue #3, in progress): the HEI registry ([`registry`]) and student academic
//! mobility ([`mobility`]), calibrated on the one-way marginals of section 6.1 and written as
//! university submissions in four styles ([`submission`]). Student rosters, staff, the
//! ministry's state order, population and TVET files, two-way constraints, deliberate errors
//! and `--scale` come next.

pub mod generate;
pub mod marginals;
pub mod mobility;
pub mod reference;
pub mod registry;
pub mod submission;

pub use generate::{generate, GenerateConfig, GenerateError, GenerateSummary};
