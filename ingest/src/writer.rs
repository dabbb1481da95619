//! Writing staging Parquet (Hive-partitioned by year) and the validation report.
//!
//! Staging goes where `hestat_contract::layout` says (`OUT/staging/<family>/<key>=<Y>/part-0.parquet`,
//! the registry in one file), the layout the indicators read through the same module. Each
//! run replaces `staging/` and `validation/` whole, so no stale partition survives.

use hestat_contract::Lang;
use std::fs::File;
use std::io::BufWriter;
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

/// Creates `path`, and its folder if need be, buffered: polars' Parquet writer writes its
/// page headers and footer a field at a time (a system call each, unbuffered), and flushes
/// at the end of the file, so a failed write is still an error.
fn create_file(path: &Path) -> Result<BufWriter<File>, WriteError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(write_err(parent))?;
    }
    File::create(path).map(BufWriter::new).map_err(write_err(path))
}

fn write_parquet(path: &Path, df: &mut DataFrame) -> Result<(), WriteError> {
    ParquetWriter::new(create_file(path)?).finish(df).map_err(parquet_err(path))?;
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
            write_partition(&path, parts, year)?;
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

/// Rows per row group: what polars' `ParquetWriter::finish` uses when none is set.
const ROW_GROUP_ROWS: usize = 512 * 512;

/// Writes the rows of `parts` (of one year when given, without its column) to one Parquet file,
/// with the bytes `ParquetWriter::finish` writes for all of them in one frame, but reading
/// the parts a window at a time and holding about one row group: at ten times the national
/// size a year of students is six million rows.
fn write_partition(path: &Path, parts: &[&Part], year: Option<(&str, i32)>) -> Result<(), WriteError> {
    let rows: Vec<usize> = parts.iter().map(|p| p.rows_in(year)).collect();
    let height: usize = rows.iter().sum();
    if height == 0 {
        return Err(no_rows(path));
    }
    let mut out = RowGroupWriter::new(path, height, ROW_GROUP_ROWS);
    let threads = rayon::current_num_threads().max(1);
    let mut start = 0;
    while start < parts.len() {
        // A window: about a row group's rows, and a part for each thread.
        let (mut end, mut window_rows) = (start, 0);
        while end < parts.len() && (window_rows < ROW_GROUP_ROWS || end - start < threads) {
            window_rows += rows[end];
            end += 1;
        }
        let frames: Vec<Option<DataFrame>> = parts[start..end].par_iter().map(|p| p.read(year)).collect::<Result<_, PartError>>()?;
        for df in frames.into_iter().flatten() {
            let df = match year {
                Some((key, _)) => df.drop(key).map_err(parquet_err(path))?,
                None => df,
            };
            out.push(df)?;
        }
        start = end;
    }
    out.finish()
}

/// The row groups `ParquetWriter::finish` cuts a frame of `height` rows in one chunk into:
/// one group below twice the target; otherwise `height / target` groups of equal size, the
/// last taking the rest (polars' `chunk_df_for_writing` and `split_and_flatten`).
fn row_group_sizes(height: usize, target: usize) -> Vec<usize> {
    let n = height / target.max(1);
    if n <= 1 {
        return vec![height];
    }
    let size = height / n;
    let mut sizes = vec![size; n - 1];
    sizes.push(height - size * (n - 1));
    sizes
}

/// A Parquet file written row group by row group from frames pushed in order, cut where
/// [`row_group_sizes`] says.
struct RowGroupWriter<'p> {
    path: &'p Path,
    writer: Option<polars::io::parquet::write::BatchedWriter<BufWriter<File>>>,
    sizes: std::vec::IntoIter<usize>,
    next: Option<usize>,
    pending: Option<DataFrame>,
}

impl<'p> RowGroupWriter<'p> {
    fn new(path: &'p Path, height: usize, target: usize) -> Self {
        let mut sizes = row_group_sizes(height, target).into_iter();
        let next = sizes.next();
        RowGroupWriter { path, writer: None, sizes, next, pending: None }
    }

    fn push(&mut self, df: DataFrame) -> Result<(), WriteError> {
        let fail = parquet_err(self.path);
        let mut pending = match self.pending.take() {
            None => df,
            Some(mut pending) => {
                pending.vstack_mut_owned(df).map_err(fail)?;
                pending
            }
        };
        while let Some(size) = self.next.filter(|&size| pending.height() >= size) {
            let mut group = pending.slice(0, size);
            group.rechunk_mut_par();
            let writer = match &mut self.writer {
                Some(writer) => writer,
                None => {
                    let writer = ParquetWriter::new(create_file(self.path)?).batched(group.schema()).map_err(parquet_err(self.path))?;
                    self.writer.insert(writer)
                }
            };
            writer.write_batch(&group).map_err(parquet_err(self.path))?;
            pending = pending.slice(size as i64, pending.height() - size);
            self.next = self.sizes.next();
        }
        self.pending = Some(pending).filter(|p| p.height() > 0);
        Ok(())
    }

    fn finish(self) -> Result<(), WriteError> {
        match (self.writer, self.next, self.pending) {
            (Some(writer), None, None) => writer.finish().map(drop).map_err(parquet_err(self.path)),
            _ => Err(WriteError::Parquet {
                path: self.path.to_path_buf(),
                source: PolarsError::ShapeMismatch("the parts held other rows than their keys counted".into()),
            }),
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A frame of `height` rows with each staged type, nulls and repeated values included.
    fn frame(height: usize, from: usize) -> DataFrame {
        let n = |i: usize| from + i;
        df!(
            "hei_code" => (0..height).map(|i| (n(i) % 5 != 0).then(|| format!("HEI{:03}", n(i) % 7))).collect::<Vec<_>>(),
            "student_id" => (0..height).map(|i| format!("HEI{:03}-2024-{:06}", n(i) % 7, n(i))).collect::<Vec<_>>(),
            "academic_year" => (0..height).map(|i| (n(i) % 11 != 3).then_some(2024i32)).collect::<Vec<_>>(),
            "count" => (0..height).map(|i| n(i) as i64 * 3).collect::<Vec<_>>(),
            "share" => (0..height).map(|i| (n(i) % 4 != 1).then(|| n(i) as f64 / 8.0)).collect::<Vec<_>>(),
            "disability" => (0..height).map(|i| (n(i) % 6 != 2).then_some(n(i) % 2 == 0)).collect::<Vec<_>>(),
        )
        .and_then(|df| df.lazy().with_column(col("count").cast(DataType::Int32).cast(DataType::Date).alias("enrolled")).collect())
        .expect("test frame")
    }

    fn bytes_of_finish(parts: &[usize], target: usize, dir: &Path) -> Vec<u8> {
        let mut from = 0;
        let mut all = DataFrame::empty();
        for &h in parts {
            let df = frame(h, from);
            from += h;
            if all.width() == 0 { all = df } else { all.vstack_mut_owned(df).expect("vstack"); }
        }
        all.rechunk_mut_par();
        let path = dir.join("finish.parquet");
        ParquetWriter::new(File::create(&path).expect("create")).with_row_group_size(Some(target)).finish(&mut all).expect("finish");
        std::fs::read(&path).expect("read")
    }

    fn bytes_of_row_groups(parts: &[usize], target: usize, dir: &Path) -> Vec<u8> {
        let path = dir.join("groups.parquet");
        let mut out = RowGroupWriter::new(&path, parts.iter().sum(), target);
        let mut from = 0;
        for &h in parts {
            out.push(frame(h, from)).expect("push");
            from += h;
        }
        out.finish().expect("finish");
        std::fs::read(&path).expect("read")
    }

    #[test]
    fn row_groups_are_cut_as_polars_cuts_them() {
        assert_eq!(row_group_sizes(5, 4), vec![5]);
        assert_eq!(row_group_sizes(7, 4), vec![7]);
        assert_eq!(row_group_sizes(8, 4), vec![4, 4]);
        assert_eq!(row_group_sizes(11, 4), vec![5, 6]);
        assert_eq!(row_group_sizes(2_405_059, ROW_GROUP_ROWS), [vec![267_228; 8], vec![267_235]].concat());
    }

    #[test]
    fn a_partition_a_row_group_at_a_time_has_the_bytes_of_one_frame_written_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let parts = [3000, 1, 0, 52_000, 7, 262_144, 40_000, 300_000, 131_072, 5];
        let (whole, grouped) = (bytes_of_finish(&parts, ROW_GROUP_ROWS, dir.path()), bytes_of_row_groups(&parts, ROW_GROUP_ROWS, dir.path()));
        assert_eq!(whole.len(), grouped.len());
        assert!(whole == grouped, "the files differ");
    }

    #[test]
    fn rows_other_than_counted_are_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("short.parquet");
        let mut out = RowGroupWriter::new(&path, 10, 4);
        out.push(frame(9, 0)).expect("push");
        assert!(matches!(out.finish(), Err(WriteError::Parquet { source: PolarsError::ShapeMismatch(_), .. })));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn any_parts_and_row_group_size_give_the_same_bytes(parts in proptest::collection::vec(0usize..40, 1..10), target in 1usize..25) {
            prop_assume!(parts.iter().sum::<usize>() > 0);
            let dir = tempfile::tempdir().expect("temp dir");
            prop_assert!(bytes_of_finish(&parts, target, dir.path()) == bytes_of_row_groups(&parts, target, dir.path()));
        }
    }
}
