//! A published table as files: Parquet (zstd, column statistics, the table's metadata as
//! key-value pairs) and CSV (UTF-8 with a byte-order mark so that Excel opens Cyrillic, text
//! cells that a spreadsheet would run as a formula made inert).

use hestat_transform::output::cell_text;
use polars::prelude::*;

use crate::metadata::{key_values, TableMetadata};

/// The table as Parquet bytes.
pub fn parquet_bytes(frame: &DataFrame, metadata: &TableMetadata) -> PolarsResult<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut frame = frame.clone();
    ParquetWriter::new(&mut bytes)
        .with_compression(ParquetCompression::Zstd(None))
        .with_statistics(StatisticsOptions::full())
        .with_key_value_metadata(Some(KeyValueMetadata::from_static(key_values(metadata))))
        .finish(&mut frame)?;
    Ok(bytes)
}

/// A text cell made safe to open in a spreadsheet: one that starts with `=`, `+`, `-`, `@`
/// (or a tab or carriage return, which some spreadsheets skip before them) gets a leading
/// apostrophe, so that it is shown as text, never run as a formula (OWASP's advice for CSV
/// injection).
pub fn inert(text: &str) -> std::borrow::Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// The table as CSV bytes: a BOM, a header of column names, one line a row; numbers as
/// numbers, text cells [`inert`], nulls empty.
pub fn csv_bytes(frame: &DataFrame) -> Result<Vec<u8>, csv::Error> {
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut bytes);
        writer.write_record(frame.get_column_names().iter().map(|n| n.as_str()))?;
        let columns = frame.columns();
        let textual: Vec<bool> = columns.iter().map(|c| c.dtype() == &DataType::String).collect();
        for i in 0..frame.height() {
            let row: Vec<String> = columns
                .iter()
                .zip(&textual)
                .map(|(c, text)| {
                    let cell = c.get(i).map(|v| cell_text(&v)).unwrap_or_default();
                    if *text { inert(&cell).into_owned() } else { cell }
                })
                .collect();
            writer.write_record(&row)?;
        }
        writer.flush()?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_made_inert_and_plain_text_is_left_alone() {
        assert_eq!(inert("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(inert("+7 701"), "'+7 701");
        assert_eq!(inert("-1"), "'-1");
        assert_eq!(inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(inert("Алматы"), "Алматы");
        assert_eq!(inert("KZ-75"), "KZ-75");
    }

    #[test]
    fn csv_starts_with_a_bom_and_keeps_numbers_as_numbers() {
        let frame = df!("country_iso3" => ["=1+1", "KAZ"], "value" => [-3i64, 12]).unwrap();
        let text = String::from_utf8(csv_bytes(&frame).unwrap()).unwrap();
        assert_eq!(text, "\u{feff}country_iso3,value\n'=1+1,-3\nKAZ,12\n");
    }
}
