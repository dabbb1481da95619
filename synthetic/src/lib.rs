//! hestat-synthetic owns the embedded default dataset: a SYNTHETIC national dataset written
//! as the ministry and universities would submit it (the official spreadsheet formats, with
//! the variations of hand-made files), whose aggregates equal the figures the National
//! Report publishes. Real student records are confidential; nothing here is real.
//!
//! It reads only the published reference tables (`hestat-reference`) and the code lists of
//! `hestat-contract`; it knows nothing of ingestion, indicators or charts.
//!
//! Parts: the HEI registry ([`registry`]); student rosters ([`students`]), staff
//! ([`staff`]), population and TVET students ([`population`]), the state order
//! ([`state_order`]), student and staff mobility ([`mobility`], [`staff_mobility`]), each
//! calibrated to the published figures with exact marginals and fitted tables
//! ([`marginals`]); the submission writers ([`submission`]) and the whole run with its
//! planted errors ([`generate`]). Method, decisions and what is exact: `docs/synthetic.md`.

pub mod generate;
pub mod marginals;
pub mod mobility;
pub mod population;
pub mod registry;
pub mod staff;
pub mod staff_mobility;
pub mod state_order;
pub mod students;
pub mod submission;

pub use generate::{generate, GenerateConfig, GenerateError, GenerateSummary};

/// The revision of the generated files: raised whenever the same seed writes other files
/// (2: Kazakh-style years typed as numbers, mobility without `count` there), so that a cached
/// dataset of an older revision is generated again.
pub const DATASET_REVISION: u32 = 2;
