//! `hestat query`: one SQL statement (polars SQL) over the published tables, each registered
//! under its id from `OUT/catalog.json`; with `restricted`, the unrounded tables too (as
//! `restricted_<id>`) and the staging datasets (`staging_<family>`, read as Hive-partitioned
//! folders: the partition column comes from the folder names). A public query reads nothing but `OUT/tables/`.
//!
//! What goes wrong is said in a researcher's words: a statement polars cannot parse (what it
//! expected and where), a table that is not registered (with the list of those that are),
//! SQL that polars does not run (`ROLLUP`, `CUBE`, `GROUPING SETS`, and what to use instead).

use std::path::{Path, PathBuf};

use hestat_contract::Family;
use hestat_transform::output::cell_text;
use polars::prelude::*;
use polars::sql::SQLContext;

/// What can go wrong with a query.
#[derive(Debug, thiserror::Error)]
pub enum QueryError {
    #[error("cannot read the catalog {path} ({reason}): run `hestat publish` (or `hestat run`) first")]
    Catalog { path: PathBuf, reason: String },
    #[error("polars SQL cannot run {what}. {advice}")]
    Unsupported { what: &'static str, advice: &'static str },
    #[error("there is no table `{name}`{hint}. The tables are: {available}")]
    UnknownTable { name: String, hint: &'static str, available: String },
    #[error("the SQL statement is not valid: {message}")]
    Invalid { message: String },
    #[error("the query failed: {message}")]
    Failed { message: String },
    #[error("cannot read table {name} ({path})")]
    Table { name: String, path: PathBuf, source: PolarsError },
}

/// A table a query can name.
#[derive(Debug, Clone)]
pub struct QueryTable {
    pub name: String,
    pub title: String,
    pub restricted: bool,
    source: TableSource,
}

#[derive(Debug, Clone)]
enum TableSource {
    File(PathBuf),
    Staging(PathBuf, Family),
}

impl QueryTable {
    fn scan(&self) -> Result<LazyFrame, QueryError> {
        let fail = |path: &Path, source| QueryError::Table { name: self.name.clone(), path: path.to_path_buf(), source };
        match &self.source {
            TableSource::File(path) => LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), ScanArgsParquet::default()).map_err(|e| fail(path, e)),
            // The family's folder as one Hive-partitioned scan (as DuckDB or Spark would read
            // it): the partition column comes from the folder names.
            TableSource::Staging(root, family) => {
                let dir = hestat_contract::layout::family_dir(root, *family);
                let args = ScanArgsParquet { hive_options: HiveOptions::new_enabled(), ..Default::default() };
                LazyFrame::scan_parquet(PlRefPath::new(dir.to_string_lossy().as_ref()), args).map_err(|e| fail(&dir, e))
            }
        }
    }

    /// The table's columns and their types.
    pub fn columns(&self) -> Result<Vec<(String, String)>, QueryError> {
        let mut lf = self.scan()?;
        let schema = lf.collect_schema().map_err(|e| QueryError::Table { name: self.name.clone(), path: PathBuf::new(), source: e })?;
        Ok(schema.iter().map(|(name, dtype)| (name.to_string(), dtype.to_string())).collect())
    }
}

/// The tables of the publication in `out` (from its catalog); with `restricted`, the unrounded
/// tables and the staging datasets as well.
pub fn tables(out: &Path, restricted: bool) -> Result<Vec<QueryTable>, QueryError> {
    let path = out.join("catalog.json");
    let text = std::fs::read_to_string(&path).map_err(|e| QueryError::Catalog { path: path.clone(), reason: e.to_string() })?;
    let catalog: serde_json::Value = serde_json::from_str(&text).map_err(|e| QueryError::Catalog { path: path.clone(), reason: e.to_string() })?;
    let datasets = catalog["datasets"].as_array().cloned().unwrap_or_default();
    let mut tables = Vec::new();
    for dataset in &datasets {
        let (Some(id), Some(title)) = (dataset["id"].as_str(), dataset["title"]["en"].as_str()) else { continue };
        let file = dataset["files"].as_array().into_iter().flatten().find(|f| f["format"] == "parquet").and_then(|f| f["path"].as_str());
        if let Some(file) = file {
            tables.push(QueryTable { name: id.to_string(), title: title.to_string(), restricted: false, source: TableSource::File(out.join(file)) });
        }
    }
    if restricted {
        for dataset in &datasets {
            let (Some(id), Some(title)) = (dataset["id"].as_str(), dataset["title"]["en"].as_str()) else { continue };
            let file = out.join(hestat_transform::RESTRICTED).join(format!("{id}.parquet"));
            if file.is_file() {
                tables.push(QueryTable { name: format!("restricted_{id}"), title: format!("{title} (restricted: unrounded)"), restricted: true, source: TableSource::File(file) });
            }
        }
        let staging = out.join("staging");
        for family in Family::ALL {
            if hestat_contract::layout::partitions(&staging, family).is_ok_and(|p| !p.is_empty()) {
                tables.push(QueryTable {
                    name: format!("staging_{}", family.name()),
                    title: format!("staged `{}` records (restricted)", family.name()),
                    restricted: true,
                    source: TableSource::Staging(staging.clone(), family),
                });
            }
        }
    }
    Ok(tables)
}

/// SQL that polars does not run, and what to write instead.
const UNSUPPORTED: [(&str, &str, &str); 3] = [
    ("ROLLUP", "GROUP BY ROLLUP", "Use the `Total` rows the tables already hold (a total is the value `Total` in its dimension), or UNION ALL of one GROUP BY per level."),
    ("CUBE", "GROUP BY CUBE", "Use the `Total` rows the tables already hold, or UNION ALL of one GROUP BY per combination."),
    ("GROUPING SETS", "GROUPING SETS", "Write one GROUP BY per set and combine them with UNION ALL."),
];

/// The words of a statement, upper-cased, outside quoted strings.
fn words(sql: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c.is_alphanumeric() || c == '_' => word.extend(c.to_uppercase()),
            None => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Runs one statement over `tables`.
pub fn run(tables: &[QueryTable], sql: &str) -> Result<DataFrame, QueryError> {
    let words = words(sql);
    for (keyword, what, advice) in UNSUPPORTED {
        let parts: Vec<&str> = keyword.split(' ').collect();
        if words.windows(parts.len()).any(|w| w.iter().zip(&parts).all(|(a, b)| a == b)) {
            return Err(QueryError::Unsupported { what, advice });
        }
    }
    let mut context = SQLContext::new();
    for table in tables {
        context.register(&table.name, table.scan()?);
    }
    let lf = context.execute(sql).map_err(|e| classify(e, tables))?;
    lf.collect().map_err(|e| classify(e, tables))
}

/// A polars error in the researcher's words.
fn classify(error: PolarsError, tables: &[QueryTable]) -> QueryError {
    let message = error.to_string();
    let lower = message.to_lowercase();
    if lower.contains("relation") && lower.contains("not found") || lower.contains("no table named") {
        let name = message.split('\'').nth(1).or_else(|| message.split('"').nth(1)).unwrap_or("?").to_string();
        let public: Vec<&str> = tables.iter().filter(|t| !t.restricted).map(|t| t.name.as_str()).collect();
        let hint = if !tables.iter().any(|t| t.restricted) && (name.starts_with("restricted_") || name.starts_with("staging_")) {
            " (restricted tables and staging need --restricted)"
        } else {
            ""
        };
        return QueryError::UnknownTable { name, hint, available: public.join(", ") };
    }
    if lower.contains("sql parser error") || lower.contains("sql syntax") || lower.contains("expected") && lower.contains("found") {
        return QueryError::Invalid { message: message.trim().to_string() };
    }
    QueryError::Failed { message: message.trim().to_string() }
}

/// Every cell of a frame as text (nulls empty).
fn texts(frame: &DataFrame) -> Vec<Vec<String>> {
    (0..frame.height()).map(|r| frame.columns().iter().map(|c| c.get(r).map(|v| cell_text(&v)).unwrap_or_default()).collect()).collect()
}

/// The result as an aligned text table: numbers to the right, text to the left.
pub fn aligned(frame: &DataFrame) -> String {
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let rows = texts(frame);
    let numeric: Vec<bool> = frame.columns().iter().map(|c| c.dtype().is_primitive_numeric()).collect();
    let widths: Vec<usize> = (0..names.len()).map(|c| rows.iter().map(|r| r[c].chars().count()).chain(std::iter::once(names[c].chars().count())).max().unwrap_or(0)).collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(c, cell)| if numeric[c] { format!("{cell:>w$}", w = widths[c]) } else { format!("{cell:<w$}", w = widths[c]) })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = line(&names) + "\n";
    out.push_str(&widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out.push_str(&format!("({} rows)\n", frame.height()));
    out
}

/// The result as CSV.
pub fn csv(frame: &DataFrame) -> Result<Vec<u8>, csv::Error> {
    let mut bytes = Vec::new();
    {
        let mut writer = csv::Writer::from_writer(&mut bytes);
        writer.write_record(frame.get_column_names().iter().map(|n| n.as_str()))?;
        for row in texts(frame) {
            writer.write_record(&row)?;
        }
        writer.flush()?;
    }
    Ok(bytes)
}

/// The result as JSON lines: one object a row, numbers as numbers, nulls as null.
pub fn json_lines(frame: &DataFrame) -> String {
    let names: Vec<String> = frame.get_column_names().iter().map(|n| n.to_string()).collect();
    let mut out = String::new();
    for r in 0..frame.height() {
        let object: serde_json::Map<String, serde_json::Value> = frame
            .columns()
            .iter()
            .zip(&names)
            .map(|(c, name)| {
                let value = match c.get(r) {
                    Ok(AnyValue::Null) | Err(_) => serde_json::Value::Null,
                    Ok(v) if c.dtype().is_primitive_numeric() => v.extract::<f64>().and_then(|f| if f.fract() == 0.0 && f.abs() < 9e15 { Some(serde_json::Value::from(f as i64)) } else { serde_json::Number::from_f64(f).map(serde_json::Value::Number) }).unwrap_or(serde_json::Value::Null),
                    Ok(v) => serde_json::Value::String(cell_text(&v)),
                };
                (name.clone(), value)
            })
            .collect();
        out.push_str(&serde_json::Value::Object(object).to_string());
        out.push('\n');
    }
    out
}

/// The result as Parquet.
pub fn parquet(frame: &DataFrame) -> PolarsResult<Vec<u8>> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).with_compression(ParquetCompression::Zstd(None)).finish(&mut frame.clone())?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_inside_strings_are_not_keywords() {
        assert_eq!(words("SELECT 'cube' FROM t GROUP BY rollup(a)"), ["SELECT", "FROM", "T", "GROUP", "BY", "ROLLUP", "A"]);
        let tables: Vec<QueryTable> = Vec::new();
        assert!(matches!(run(&tables, "select * from t group by cube(a, b)"), Err(QueryError::Unsupported { what: "GROUP BY CUBE", .. })));
        assert!(matches!(run(&tables, "select * from t group by grouping sets ((a), (b))"), Err(QueryError::Unsupported { what: "GROUPING SETS", .. })));
    }
}
