//! hestat-ingest owns everything between a folder of submitted spreadsheets and typed staging
//! Parquet: finding files, opening workbooks (calamine, and hestat's own readers and pre-scans
//! where calamine falls short: ods, xls, xlsb; xlsx sheets by [`xlsx_cells`], a faster reader
//! that gives calamine's cells and leaves to calamine what it does not know), CSV, header detection, value parsers, row
//! accounting, quarantine, the validation report and the staging writer. The families, code
//! lists, staging schema and layout it applies are the contract's (`hestat-contract`).
//!
//! It knows nothing of indicators or charts. The entry point is [`ingest`]:
//!
//! ```text
//! input/**/*.{xlsx,xlsm,xls,xlsb,ods,csv}
//!   └─ hash ─ reuse (kept reading) or source (format sniffing, size limits, streaming)
//!        ─ sheet (header, rows) ─ parts (each loaded sheet as Parquet, key columns kept) ─┐
//!                                                                 checks across files ◀─┘
//!                                                            (HEI registry, duplicates) ─┐
//!   out/staging/<family>/<year key>=<Y>/part-0.parquet  ◀── assembled from the parts ─────┘
//!   out/validation/{issues,sheets}.{parquet,csv}
//!   out/cache/ingest/  (each file's reading, for re-runs: [`reuse`])
//! ```
//!
//! Files are read in parallel (rayon); a file that cannot be read is rejected whole and the
//! others load; a panic inside a reader is caught and turned into a rejection.
//!
//! The same readers and rules check a university's files before they are sent
//! ([`submission::check_submission`], behind `hestat validate`): nothing is staged, the HEI code
//! is checked against a registry given or embedded, and [`feedback::write_feedback`] writes the
//! feedback workbook (every problem, and copies of the sheets with the reported cells marked).
//! The texts of every rule, in three languages, are the contract's (`hestat_contract::rules`).

mod csv_source;
pub mod feedback;
mod ods;
mod outcome;
pub mod header;
mod parts;
mod pipeline;
mod repeats;
pub mod privacy;
pub mod reuse;
pub mod sheet;
pub mod source;
pub mod staging;
pub mod submission;
pub mod validation;
pub mod values;
mod writer;
mod xls_scan;
mod xlsb_scan;
pub mod xlsx_cells;
mod xlsx_sheets;

pub use hestat_contract::{codes, families, Family};
pub use pipeline::{ingest, IngestConfig, IngestError, IngestSummary, Progress};
pub use parts::PartError;
pub use writer::WriteError;
pub use privacy::PersonIdHasher;
pub use source::Limits;
pub use validation::{Severity, SheetAccount, SheetStatus, ValidationIssue};
pub use hestat_contract::schema::staging_schema_markdown;
