//! hestat-check owns the check against the published report: the report's figures placed in
//! the produced tables (the placements are declared by the indicators of `hestat-transform`,
//! next to their plans; [`published`] gathers them and says why the rest are no cell), the
//! comparison cell by cell as the report would have printed each value ([`compare`]), and the
//! consistency rules run alike on the published figures and on the produced tables
//! ([`rules`]). It reads the catalogue, the reference (`hestat-reference`) and the dataset's
//! crosswalk from the report's university names to its registry codes; it writes
//! `validation/reference_check.*` and `validation/consistency.*`. `docs/transform.md`
//! describes it.

pub mod compare;
pub mod published;
pub mod rules;

use std::path::PathBuf;

pub use compare::{check_reference, write, CheckRow, ReferenceCheck, Status};
pub use rules::{Finding, Severity, Source};

/// What can go wrong writing the check's findings.
#[derive(Debug, thiserror::Error)]
pub enum CheckError {
    #[error("cannot create the folder {path}")]
    Folder { path: PathBuf, source: std::io::Error },
    #[error("cannot make the findings table for {path}")]
    Frame { path: PathBuf, source: polars::error::PolarsError },
    #[error(transparent)]
    Write(#[from] hestat_transform::TransformError),
}

/// The crosswalk from the report's university names to a registry's codes, from its CSV
/// (`report_name,hei_code`, one row a university; the synthetic dataset ships
/// `data/synthetic/report_universities.csv`).
pub fn report_universities(csv_text: &str) -> Result<Vec<(String, String)>, CrosswalkError> {
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().map_err(|source| CrosswalkError::Csv { line: 1, source })?.clone();
    if header.iter().collect::<Vec<_>>() != ["report_name", "hei_code"] {
        return Err(CrosswalkError::Header { found: header.iter().collect::<Vec<_>>().join(",") });
    }
    reader
        .records()
        .enumerate()
        .map(|(i, record)| {
            let record = record.map_err(|source| CrosswalkError::Csv { line: i + 2, source })?;
            match (record.get(0).map(str::trim), record.get(1).map(str::trim)) {
                (Some(name), Some(code)) if !name.is_empty() && !code.is_empty() => Ok((name.to_string(), code.to_string())),
                _ => Err(CrosswalkError::Row { line: i + 2 }),
            }
        })
        .collect()
}

/// A crosswalk file that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum CrosswalkError {
    #[error("the first line should be `report_name,hei_code`, found `{found}`")]
    Header { found: String },
    #[error("line {line} should be a university's name and its registry code")]
    Row { line: usize },
    #[error("line {line} is not CSV")]
    Csv { line: usize, source: csv::Error },
}
