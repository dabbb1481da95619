//! Writing indicator tables: Parquet (polars) and CSV (the `csv` crate; polars' CSV writer is
//! not compiled in), one pair per table under `OUT/restricted/`.

use std::path::Path;

use polars::prelude::*;

use crate::TransformError;

fn write_error(path: &Path, e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> TransformError {
    TransformError::Write { path: path.to_path_buf(), source: e.into() }
}

/// A cell as CSV text: strings as they are, whole floats without `.0`, nulls empty.
pub fn cell_text(value: &AnyValue) -> String {
    match value {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => (*s).to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(f) => format_float(*f),
        AnyValue::Float32(f) => format_float(f64::from(*f)),
        other => other.to_string(),
    }
}

fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

pub fn write_csv(df: &DataFrame, path: &Path) -> Result<(), TransformError> {
    let mut writer = csv::Writer::from_path(path).map_err(|e| write_error(path, e))?;
    writer.write_record(df.get_column_names().iter().map(|n| n.as_str())).map_err(|e| write_error(path, e))?;
    let columns = df.columns();
    for i in 0..df.height() {
        let row: Vec<String> = columns.iter().map(|c| c.get(i).map(|v| cell_text(&v)).unwrap_or_default()).collect();
        writer.write_record(&row).map_err(|e| write_error(path, e))?;
    }
    writer.flush().map_err(|e| write_error(path, e))
}

pub fn write_parquet(df: &mut DataFrame, path: &Path) -> Result<(), TransformError> {
    // Buffered: polars writes page headers a field at a time; it flushes at the end of the file.
    let file = std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| write_error(path, e))?);
    ParquetWriter::new(file).finish(df).map_err(|e| write_error(path, e))?;
    Ok(())
}

/// Writes `<dir>/<id>.parquet` and `<dir>/<id>.csv`.
pub fn write_table(dir: &Path, id: &str, df: &mut DataFrame) -> Result<(), TransformError> {
    std::fs::create_dir_all(dir).map_err(|e| write_error(dir, e))?;
    write_parquet(df, &dir.join(format!("{id}.parquet")))?;
    write_csv(df, &dir.join(format!("{id}.csv")))
}
