//! hestat-reference owns the published figures: the National Report's tables as tidy CSV
//! (`data/reference/`, a copy; `MANIFEST.csv` says which are clean), every one compiled in
//! (the build lists the folder) and read as rows of named fields; and the report's own label
//! → code crosswalks ([`crosswalks`]: its funding labels, degrees, programmes… to the codes of
//! the input contract). The synthetic generator calibrates to them; the indicators place the
//! published figures in their tables with them. It knows nothing of spreadsheets, indicators
//! or any registry (which university is which code is the dataset's, not the report's).

pub mod crosswalks;

use std::collections::HashMap;

/// One row of a published table: column name → value, as printed.
pub type PublishedRow = HashMap<String, String>;

include!(concat!(env!("OUT_DIR"), "/files.rs"));

/// The rows of a published table by its file stem (`table_6_1_13`); empty when unknown.
pub fn published(table: &str) -> Vec<PublishedRow> {
    let Some((_, text)) = FILES.iter().find(|(name, _)| *name == table) else { return Vec::new() };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(_) => return Vec::new(),
    };
    reader
        .records()
        .filter_map(Result::ok)
        .map(|record| headers.iter().zip(record.iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect())
        .collect()
}

/// The rows of a published table whose fields equal the given values.
pub fn rows_where(table: &str, filters: &[(&str, &str)]) -> Vec<PublishedRow> {
    published(table).into_iter().filter(|r| filters.iter().all(|(k, v)| field(r, k) == *v)).collect()
}

/// The published count of the first row whose fields equal the given values.
pub fn published_count(table: &str, filters: &[(&str, &str)]) -> Option<u64> {
    rows_where(table, filters).first().map(count)
}

/// A published count, parsed (published counts are whole numbers).
pub fn count(row: &PublishedRow) -> u64 {
    row.get("value").and_then(|v| v.parse::<f64>().ok()).map_or(0, |v| v.round().max(0.0) as u64)
}

/// The value of a field, or "".
pub fn field<'r>(row: &'r PublishedRow, name: &str) -> &'r str {
    row.get(name).map_or("", String::as_str)
}
