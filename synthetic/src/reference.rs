//! The published reference tables (`data/reference/`, a copy of the report's tidy CSVs),
//! compiled in, as rows of named fields.

use std::collections::HashMap;

/// One row of a published table: column name → value, as printed.
pub type PublishedRow = HashMap<String, String>;

macro_rules! reference_files {
    ($($name:literal),* $(,)?) => {
        /// (file stem, CSV text) of every reference table the generator calibrates to.
        const FILES: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../data/reference/", $name, ".csv")))),*];
    };
}

reference_files!(
    "table_6_1_1", "table_6_1_3", "table_6_1_4", "table_6_1_5", "table_6_1_6", "table_6_1_9", "table_6_1_10",
    "table_6_1_11", "table_6_1_12", "table_6_1_13", "table_6_1_14", "text_6_1_inbound_2024", "text_6_1_outbound_2024",
    "text_6_1_inbound_by_field_2024", "text_6_1_outbound_by_field_2024", "text_2_2_pedagogical_grants", "text_3_2_grants_2024",
    "text_3_2_students_admissions", "text_3_2_students_by_region", "text_8_2_sen_students", "text_8_2_inclusive_conditions",
    "table_8_2_1", "table_8_2_3", "text_8_2_vulnerable_by_field", "figure_6_1_3", "figure_6_1_8", "table_6_1_15", "table_6_1_16",
    "text_6_1_foreign_students", "text_6_1_foreign_students_by_field", "text_3_3_faculty", "table_3_4_1", "table_6_1_17",
    "table_6_1_18", "table_6_1_19", "table_6_1_22", "table_6_1_23",
);

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

/// A published count, parsed (published counts are whole numbers).
pub fn count(row: &PublishedRow) -> u64 {
    row.get("value").and_then(|v| v.parse::<f64>().ok()).map_or(0, |v| v.round().max(0.0) as u64)
}

/// The value of a field, or "".
pub fn field<'r>(row: &'r PublishedRow, name: &str) -> &'r str {
    row.get(name).map_or("", String::as_str)
}
