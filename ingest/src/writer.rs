//! Writing staging Parquet (Hive-partitioned by year) and the validation report.
//!
//! Staging goes where `hestat_contract::layout` says (`OUT/staging/<family>/<key>=<Y>/part-0.parquet`,
//! the registry in one file), the layout the indicators read through the same module. Each
//! run replaces `staging/` and `validation/` whole, so no stale partition survives.

use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::families::Family;
use crate::staging::StagingBatch;
use hestat_contract::layout::{family_dir, part_path, write_inputs, InputFile};
use crate::validation::{SheetAccount, ValidationIssue};

/// The staging or validation output that could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write {path}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("cannot write Parquet {path}")]
    Parquet { path: PathBuf, source: PolarsError },
    #[error(transparent)]
    Inputs(#[from] hestat_contract::layout::InputsError),
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Write { path: path.to_path_buf(), source }
}

fn parquet_err(path: &Path) -> impl FnOnce(PolarsError) -> WriteError + '_ {
    move |source| WriteError::Parquet { path: path.to_path_buf(), source }
}

fn fresh_dir(path: &Path) -> Result<(), WriteError> {
    if path.exists() {
        std::fs::remove_dir_all(path).map_err(write_err(path))?;
    }
    std::fs::create_dir_all(path).map_err(write_err(path))
}

fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), WriteError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(write_err(parent))?;
    }
    let file = File::create(path).map_err(write_err(path))?;
    ParquetWriter::new(file).finish(df).map_err(parquet_err(path))?;
    Ok(())
}

/// Writes every family's staging dataset; returns rows staged per family.
pub fn write_staging(out: &Path, batches: Vec<StagingBatch>, inputs: &[InputFile]) -> Result<Vec<(Family, usize)>, WriteError> {
    let root = out.join("staging");
    fresh_dir(&root)?;
    write_inputs(&root, inputs)?;
    let mut staged = Vec::new();
    let mut by_family: Vec<StagingBatch> = Family::ALL.iter().map(|&f| StagingBatch::new(f)).collect();
    for batch in batches {
        by_family[batch.family as usize].append(batch);
    }
    for (family, all) in Family::ALL.into_iter().zip(by_family) {
        let rows = all.len();
        staged.push((family, rows));
        if rows == 0 {
            continue;
        }
        let dir = family_dir(&root, family);
        let mut df = all.into_dataframe().map_err(parquet_err(&dir))?;
        match family.partition_key() {
            None => write_parquet(&part_path(&root, family, None), &mut df)?,
            Some(key) => {
                let years = df.column(key).and_then(|c| c.i32().cloned()).map_err(parquet_err(&dir))?;
                let mut distinct: Vec<i32> = years.iter().flatten().collect();
                distinct.sort_unstable();
                distinct.dedup();
                for year in distinct {
                    let mut part = df.filter(&years.equal(year)).and_then(|p| p.drop(key)).map_err(parquet_err(&dir))?;
                    write_parquet(&part_path(&root, family, Some(year)), &mut part)?;
                }
            }
        }
    }
    Ok(staged)
}

fn issues_frame(issues: &[ValidationIssue]) -> PolarsResult<DataFrame> {
    let text = |f: fn(&ValidationIssue) -> &str| issues.iter().map(f).collect::<Vec<&str>>();
    DataFrame::new_infer_height(vec![
        Column::new("file".into(), text(|i| &i.file)),
        Column::new("sheet".into(), text(|i| &i.sheet)),
        Column::new("cell".into(), text(|i| &i.cell)),
        Column::new("column".into(), text(|i| &i.column)),
        Column::new("value".into(), text(|i| &i.value)),
        Column::new("rule".into(), text(|i| &i.rule)),
        Column::new("severity".into(), text(|i| i.severity.as_str())),
        Column::new("message".into(), text(|i| &i.message)),
        Column::new("rows".into(), issues.iter().map(|i| i.rows).collect::<Vec<u32>>()),
        Column::new("detail".into(), text(|i| &i.detail)),
    ])
}

fn accounts_frame(accounts: &[SheetAccount]) -> PolarsResult<DataFrame> {
    let text = |f: fn(&SheetAccount) -> &str| accounts.iter().map(f).collect::<Vec<&str>>();
    let count = |f: fn(&SheetAccount) -> u64| accounts.iter().map(f).collect::<Vec<u64>>();
    DataFrame::new_infer_height(vec![
        Column::new("file".into(), text(|a| &a.file)),
        Column::new("sheet".into(), text(|a| &a.sheet)),
        Column::new("family".into(), accounts.iter().map(|a| a.family).collect::<Vec<Option<&str>>>()),
        Column::new("status".into(), text(|a| a.status.as_str())),
        Column::new("header_row".into(), accounts.iter().map(|a| a.header_row).collect::<Vec<Option<u32>>>()),
        Column::new("rows_read".into(), count(|a| a.rows_read)),
        Column::new("loaded".into(), count(|a| a.loaded)),
        Column::new("skipped".into(), count(|a| a.skipped)),
        Column::new("quarantined".into(), count(|a| a.quarantined)),
    ])
}

fn write_csv<T: serde::Serialize>(path: &Path, rows: &[T]) -> Result<(), WriteError> {
    let err = |e: csv::Error| WriteError::Write { path: path.to_path_buf(), source: std::io::Error::other(e.to_string()) };
    let mut writer = csv::Writer::from_path(path).map_err(err)?;
    for row in rows {
        writer.serialize(row).map_err(err)?;
    }
    writer.flush().map_err(write_err(path))
}

/// Writes `validation/issues.{parquet,csv}` and `validation/sheets.{parquet,csv}`.
pub fn write_validation(out: &Path, issues: &[ValidationIssue], accounts: &[SheetAccount]) -> Result<(), WriteError> {
    let dir: PathBuf = out.join("validation");
    fresh_dir(&dir)?;
    let issues_path = dir.join("issues.parquet");
    write_parquet(&issues_path, &mut issues_frame(issues).map_err(parquet_err(&issues_path))?)?;
    write_csv(&dir.join("issues.csv"), issues)?;
    let sheets_path = dir.join("sheets.parquet");
    write_parquet(&sheets_path, &mut accounts_frame(accounts).map_err(parquet_err(&sheets_path))?)?;
    write_csv(&dir.join("sheets.csv"), accounts)?;
    Ok(())
}
