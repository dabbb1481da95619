//! Writing staging Parquet (Hive-partitioned by year) and the validation report.
//!
//! Staging goes where `hestat_contract::layout` says (`OUT/staging/<family>/<key>=<Y>/part-0.parquet`,
//! the registry in one file), the layout the indicators read through the same module. Each
//! run replaces `staging/` and `validation/` whole, so no stale partition survives.

use hestat_contract::Lang;
use std::fs::File;
use std::path::{Path, PathBuf};

use polars::prelude::*;

use rayon::prelude::*;

use crate::families::Family;
use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

use crate::parts::{Part, PartError, StagedFile};
use crate::reuse::RunRecord;
use hestat_contract::layout::{part_path, write_inputs, InputFile};
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
    #[error(transparent)]
    Part(#[from] PartError),
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

/// Writes every family's staging dataset from the files' parts, a partition at a time, in the
/// order of the files and their sheets; returns rows staged per family, and each partition
/// with the digest of the parts it was made of. A partition that `last` wrote from the same
/// parts, and that is untouched since, is kept as it is.
pub(crate) fn write_staging(
    out: &Path,
    files: &[StagedFile],
    inputs: &[InputFile],
    last: Option<&RunRecord>,
) -> Result<(Vec<(Family, usize)>, BTreeMap<String, String>), WriteError> {
    let root = out.join("staging");
    if last.is_none() {
        fresh_dir(&root)?;
    }
    std::fs::create_dir_all(&root).map_err(write_err(&root))?;
    write_inputs(&root, inputs)?;
    let mut staged = Vec::new();
    let mut partitions = BTreeMap::new();
    let mut write = |path: PathBuf, parts: &[&Part], year: Option<(&str, i32)>| -> Result<(), WriteError> {
        let rel = path.strip_prefix(out).unwrap_or(&path).to_string_lossy().replace('\\', "/");
        let mut recipe = Sha256::new();
        recipe.update(format!("{year:?}").as_bytes());
        for part in parts {
            recipe.update(format!("\n{}", part.recipe()).as_bytes());
        }
        let recipe = crate::reuse::hex(&recipe.finalize());
        if !last.is_some_and(|l| l.kept(out, &rel, &recipe)) {
            let df = assemble(parts, year)?.ok_or_else(|| no_rows(&path))?;
            let mut df = match year {
                Some((key, _)) => df.drop(key).map_err(parquet_err(&path))?,
                None => df,
            };
            write_parquet(&path, &mut df)?;
        }
        partitions.insert(rel, recipe);
        Ok(())
    };
    for family in Family::ALL {
        let parts: Vec<&Part> =
            files.iter().flat_map(|f| f.sheets.iter().filter_map(|s| s.part.as_ref())).filter(|p| p.family == family).collect();
        let rows: usize = parts.iter().map(|p| p.len()).sum();
        staged.push((family, rows));
        if rows == 0 {
            continue;
        }
        match family.partition_key() {
            None => write(part_path(&root, family, None), &parts, None)?,
            Some(key) => {
                let years_of: Vec<Vec<i32>> = parts.iter().map(|p| p.years()).collect();
                let mut years: Vec<i32> = years_of.iter().flatten().copied().collect();
                years.sort_unstable();
                years.dedup();
                for year in years {
                    let with_year: Vec<&Part> = parts.iter().zip(&years_of).filter(|(_, y)| y.contains(&year)).map(|(p, _)| *p).collect();
                    write(part_path(&root, family, Some(year)), &with_year, Some((key, year)))?;
                }
            }
        }
    }
    // What an earlier run staged and this one did not (a year or family no longer there).
    for rel in crate::reuse::files_under(out, "staging") {
        let name = rel.rsplit('/').next().unwrap_or("");
        if name != hestat_contract::layout::INPUTS_FILE && !partitions.contains_key(&rel) {
            let path = out.join(&rel);
            std::fs::remove_file(&path).map_err(write_err(&path))?;
            let mut dir = path.parent().map(Path::to_path_buf);
            while let Some(d) = dir.filter(|d| *d != root) {
                if std::fs::remove_dir(&d).is_err() {
                    break;
                }
                dir = d.parent().map(Path::to_path_buf);
            }
        }
    }
    Ok((staged, partitions))
}

fn no_rows(dir: &Path) -> WriteError {
    WriteError::Parquet { path: dir.to_path_buf(), source: PolarsError::NoData("no part held the rows counted".into()) }
}

/// The rows of `parts` (of one year), in order, as one single-chunk frame.
fn assemble(parts: &[&Part], year: Option<(&str, i32)>) -> Result<Option<DataFrame>, WriteError> {
    let frames: Vec<Option<DataFrame>> = parts.par_iter().map(|p| p.read(year)).collect::<Result<_, PartError>>()?;
    let mut frames = frames.into_iter().flatten();
    let Some(mut all) = frames.next() else { return Ok(None) };
    for frame in frames {
        all.vstack_mut_owned(frame).map_err(|source| WriteError::Parquet { path: PathBuf::from("staging"), source })?;
    }
    all.rechunk_mut_par();
    Ok(Some(all))
}

fn issues_frame(lines: &[IssueLine<'_>]) -> PolarsResult<DataFrame> {
    let text = |f: for<'l> fn(&'l IssueLine<'_>) -> &'l str| lines.iter().map(f).collect::<Vec<&str>>();
    DataFrame::new_infer_height(vec![
        Column::new("file".into(), text(|l| l.file)),
        Column::new("sheet".into(), text(|l| l.sheet)),
        Column::new("cell".into(), text(|l| l.cell)),
        Column::new("column".into(), text(|l| l.column)),
        Column::new("value".into(), text(|l| l.value)),
        Column::new("rule".into(), text(|l| l.rule)),
        Column::new("severity".into(), text(|l| l.severity)),
        Column::new("message".into(), text(|l| l.message)),
        Column::new("rows".into(), lines.iter().map(|l| l.rows).collect::<Vec<u32>>()),
        Column::new("detail".into(), text(|l| l.detail)),
        Column::new("message_en".into(), text(|l| &l.message_en)),
        Column::new("message_ru".into(), text(|l| &l.message_ru)),
        Column::new("message_kk".into(), text(|l| &l.message_kk)),
    ])
}

/// One line of `validation/issues.{parquet,csv}`: the issue, and its rule's text (problem,
/// then what to do; `data/rules.csv`) in each language, made once for both files.
#[derive(serde::Serialize)]
struct IssueLine<'a> {
    file: &'a str,
    sheet: &'a str,
    cell: &'a str,
    column: &'a str,
    value: &'a str,
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    rows: u32,
    detail: &'a str,
    message_en: String,
    message_ru: String,
    message_kk: String,
}

impl<'a> IssueLine<'a> {
    fn of(i: &'a ValidationIssue) -> Self {
        IssueLine {
            file: &i.file,
            sheet: &i.sheet,
            cell: &i.cell,
            column: &i.column,
            value: &i.value,
            rule: &i.rule,
            severity: i.severity.as_str(),
            message: &i.message,
            rows: i.rows,
            detail: &i.detail,
            message_en: i.text_in(Lang::En),
            message_ru: i.text_in(Lang::Ru),
            message_kk: i.text_in(Lang::Kk),
        }
    }
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

/// The files [`write_validation`] writes under `validation/`.
pub(crate) const VALIDATION_FILES: [&str; 4] = ["issues.parquet", "issues.csv", "sheets.parquet", "sheets.csv"];

/// Writes `validation/issues.{parquet,csv}` and `validation/sheets.{parquet,csv}`.
pub fn write_validation(out: &Path, issues: &[ValidationIssue], accounts: &[SheetAccount]) -> Result<(), WriteError> {
    let dir: PathBuf = out.join("validation");
    fresh_dir(&dir)?;
    let issues_path = dir.join("issues.parquet");
    let lines: Vec<IssueLine> = issues.iter().map(IssueLine::of).collect();
    write_parquet(&issues_path, &mut issues_frame(&lines).map_err(parquet_err(&issues_path))?)?;
    write_csv(&dir.join("issues.csv"), &lines)?;
    let sheets_path = dir.join("sheets.parquet");
    write_parquet(&sheets_path, &mut accounts_frame(accounts).map_err(parquet_err(&sheets_path))?)?;
    write_csv(&dir.join("sheets.csv"), accounts)?;
    Ok(())
}
