//! A file once read, as ingestion keeps it until staging is written: its accounts and issues,
//! and each loaded sheet as a Parquet *part* on disk, written by the worker that read the
//! sheet as soon as the file is done. Only the key columns of each part stay in memory
//! (`hei_code`, the year, `student_id`, `source_row`): the checks across files run on them,
//! and staging is assembled from the parts, so no sheet is opened twice and a national run
//! never holds every row at once.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::families::{ColumnKind, Family};
use crate::outcome::FileOutcome;
use crate::staging::staging_schema;
use crate::validation::{SheetAccount, ValidationIssue};

/// The columns the checks across files and the partitioning need.
const KEY_COLUMNS: [&str; 5] = ["hei_code", "academic_year", "year", "student_id", "source_row"];

/// Errors of writing or reading a part.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    #[error("cannot write {path}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("cannot write or read Parquet {path}")]
    Parquet { path: PathBuf, source: PolarsError },
}

/// Everything one file gave, with its loaded sheets as parts.
#[derive(Debug)]
pub(crate) struct StagedFile {
    pub rejected: bool,
    /// File-level issues (a rejection, the CSV encoding used).
    pub issues: Vec<ValidationIssue>,
    pub sheets: Vec<StagedSheet>,
    /// Whether an identifier of the file was pseudonymised with the key (an IIN).
    pub used_id_key: bool,
    /// Whether this run reused the file's reading instead of reading it.
    pub reused: bool,
}

#[derive(Debug)]
pub(crate) struct StagedSheet {
    pub account: SheetAccount,
    pub issues: Vec<ValidationIssue>,
    /// Column letters of the sheet's key columns, for issues raised across files.
    pub key_columns: Vec<(String, String)>,
    pub part: Option<Part>,
}

/// The loaded rows of one sheet: a Parquet file, and its key columns in memory.
#[derive(Debug)]
pub(crate) struct Part {
    pub family: Family,
    /// Rows in the file (quarantine across files does not rewrite it).
    pub rows: usize,
    /// `None` when the sheet loaded no row.
    pub file: Option<PathBuf>,
    /// Key columns of the rows still loaded, integers as Int64.
    keys: DataFrame,
    /// Row of the file of each row of `keys`.
    positions: Vec<u32>,
    /// Rows of the file quarantined by the checks across files.
    dropped: Vec<u32>,
}

impl Part {
    fn new(family: Family, rows: usize, file: Option<PathBuf>, keys: DataFrame) -> Self {
        let positions = (0..keys.height() as u32).collect();
        Part { family, rows, file, keys, positions, dropped: Vec::new() }
    }

    /// Rows still loaded.
    pub fn len(&self) -> usize {
        self.keys.height()
    }

    pub fn text(&self, name: &str) -> Option<&StringChunked> {
        self.keys.column(name).ok()?.str().ok()
    }

    pub fn int(&self, name: &str) -> Option<&Int64Chunked> {
        self.keys.column(name).ok()?.i64().ok()
    }

    pub fn source_row(&self, row: usize) -> i64 {
        self.int("source_row").and_then(|c| c.get(row)).unwrap_or(0)
    }

    /// Quarantines rows (indices into the rows still loaded).
    pub fn drop_rows(&mut self, rows: &std::collections::HashSet<usize>) -> PolarsResult<()> {
        let keep: BooleanChunked = (0..self.len()).map(|i| !rows.contains(&i)).collect();
        self.keys = self.keys.filter(&keep)?;
        let mut kept = Vec::with_capacity(self.keys.height());
        for (i, position) in self.positions.iter().enumerate() {
            if rows.contains(&i) { self.dropped.push(*position) } else { kept.push(*position) }
        }
        self.positions = kept;
        self.dropped.sort_unstable();
        Ok(())
    }

    /// Rows still loaded, of one year when `year` is given: the height of [`Part::read`].
    pub fn rows_in(&self, year: Option<(&str, i32)>) -> usize {
        match year {
            None => self.len(),
            Some((key, year)) => self.int(key).map_or(0, |c| c.iter().filter(|y| *y == Some(i64::from(year))).count()),
        }
    }

    /// The distinct values of the family's partition column among the rows still loaded.
    pub fn years(&self) -> Vec<i32> {
        let Some(key) = self.family.partition_key() else { return Vec::new() };
        let mut years: Vec<i32> = self.int(key).map(|c| c.iter().flatten().filter_map(|y| i32::try_from(y).ok()).collect()).unwrap_or_default();
        years.sort_unstable();
        years.dedup();
        years
    }

    /// What the part gives a partition: its file (name, size and time: a file read again,
    /// under another identifier key say, is a new part) and the rows quarantined from it.
    pub fn recipe(&self) -> String {
        let name = self.file.as_ref().and_then(|f| f.file_name()).map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let identity = self.file.as_ref().and_then(|f| std::fs::metadata(f).ok()).map(|m| {
            let time = m.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
            (m.len(), time)
        });
        format!("{name}:{identity:?}:{:?}", self.dropped)
    }

    /// The part's rows still loaded, of one year when `year` is given (all columns).
    pub fn read(&self, year: Option<(&str, i32)>) -> Result<Option<DataFrame>, PartError> {
        let Some(path) = &self.file else { return Ok(None) };
        let fail = |source| PartError::Parquet { path: path.clone(), source };
        let file = File::open(path).map_err(|source| PartError::Io { path: path.clone(), source })?;
        let df = ParquetReader::new(file).finish().map_err(fail)?;
        if self.dropped.is_empty() && year.is_none() {
            return Ok(Some(df));
        }
        let mut keep: Vec<bool> = vec![true; df.height()];
        for &d in &self.dropped {
            if let Some(k) = keep.get_mut(d as usize) {
                *k = false;
            }
        }
        if let Some((key, year)) = year {
            let years = df.column(key).and_then(|c| c.i32().cloned()).map_err(fail)?;
            for (k, y) in keep.iter_mut().zip(years.iter()) {
                *k &= y == Some(year);
            }
        }
        let mask: BooleanChunked = keep.into_iter().collect();
        df.filter(&mask).map(Some).map_err(fail)
    }
}

/// The key columns of a family's staged frame, integers widened to Int64.
fn key_names(family: Family) -> Vec<String> {
    let schema = staging_schema(family);
    KEY_COLUMNS.iter().filter(|k| schema.iter().any(|(n, _)| n == *k)).map(|k| k.to_string()).collect()
}

fn key_frame(df: &DataFrame, family: Family) -> PolarsResult<DataFrame> {
    let columns = key_names(family)
        .iter()
        .map(|name| {
            let column = df.column(name)?;
            match column.dtype() {
                DataType::String => Ok(column.clone()),
                _ => column.cast(&DataType::Int64),
            }
        })
        .collect::<PolarsResult<Vec<Column>>>()?;
    DataFrame::new(df.height(), columns)
}

/// Reads back the key columns of a part written earlier.
pub(crate) fn reopen(family: Family, rows: usize, file: Option<PathBuf>) -> Result<Part, PartError> {
    let Some(path) = file else { return Ok(Part::new(family, 0, None, DataFrame::empty())) };
    let fail = |source| PartError::Parquet { path: path.clone(), source };
    let handle = File::open(&path).map_err(|source| PartError::Io { path: path.clone(), source })?;
    let df = ParquetReader::new(handle).with_columns(Some(key_names(family))).finish().map_err(fail)?;
    if df.height() != rows {
        return Err(fail(PolarsError::ComputeError(format!("{rows} rows expected, {} found", df.height()).into())));
    }
    let keys = key_frame(&df, family).map_err(fail)?;
    Ok(Part::new(family, rows, Some(path), keys))
}

/// Whether a staged identifier was pseudonymised (IINs become `iin:` and a keyed hash).
fn has_pseudonyms(df: &DataFrame, family: Family) -> bool {
    family.spec().columns.iter().filter(|c| c.kind == ColumnKind::PersonId).any(|c| {
        df.column(c.key).ok().and_then(|col| col.str().ok()).is_some_and(|ids| ids.iter().flatten().any(|id| id.starts_with("iin:")))
    })
}

/// Writes each loaded sheet of `outcome` as `<dir>/<entry>.<sheet>.parquet` and keeps its keys.
pub(crate) fn stage(outcome: FileOutcome, dir: &Path, entry: &str) -> Result<StagedFile, PartError> {
    let mut sheets = Vec::with_capacity(outcome.sheets.len());
    let mut used_id_key = false;
    for (index, sheet) in outcome.sheets.into_iter().enumerate() {
        let part = match sheet.batch {
            None => None,
            Some(batch) if batch.is_empty() => Some(Part::new(batch.family, 0, None, DataFrame::empty())),
            Some(batch) => {
                let family = batch.family;
                let path = dir.join(format!("{entry}.{index}.parquet"));
                let fail = |source| PartError::Parquet { path: path.clone(), source };
                let mut df = batch.into_dataframe().map_err(fail)?;
                used_id_key |= has_pseudonyms(&df, family);
                let file = File::create(&path).map_err(|source| PartError::Io { path: path.clone(), source })?;
                // Parts are read back within the run: fast compression, no statistics. The
                // writer flushes the buffer at the end of the file (an error is reported).
                let file = std::io::BufWriter::new(file);
                ParquetWriter::new(file)
                    .with_compression(ParquetCompression::Lz4Raw)
                    .with_statistics(StatisticsOptions::empty())
                    .finish(&mut df)
                    .map_err(fail)?;
                let keys = key_frame(&df, family).map_err(fail)?;
                Some(Part::new(family, df.height(), Some(path), keys))
            }
        };
        let key_columns = sheet.key_columns.into_iter().map(|(k, l)| (k.to_string(), l)).collect();
        sheets.push(StagedSheet { account: sheet.account, issues: sheet.issues, key_columns, part });
    }
    Ok(StagedFile { rejected: outcome.rejected, issues: outcome.issues, sheets, used_id_key, reused: false })
}
