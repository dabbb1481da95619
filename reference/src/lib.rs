//! hestat-reference owns the published figures: the National Report's tables as tidy CSV
//! (`data/reference/`, a copy; `MANIFEST.csv` says which are clean), compiled in and read as
//! rows of named fields. The synthetic generator calibrates to them; the transform stage
//! compares its tables with them. It knows nothing of spreadsheets or indicators.

use std::collections::HashMap;

/// One row of a published table: column name → value, as printed.
pub type PublishedRow = HashMap<String, String>;

macro_rules! reference_files {
    ($($name:literal),* $(,)?) => {
        /// (file stem, CSV text) of every reference table.
        pub const FILES: &[(&str, &str)] = &[$(($name, include_str!(concat!("../../data/reference/", $name, ".csv")))),*];
    };
}

reference_files!(
    "MANIFEST", "figure_6_1_3", "figure_6_1_8", "table_3_4_1", "table_6_1_1", "table_6_1_10", "table_6_1_11", "table_6_1_12", "table_6_1_13", "table_6_1_14", "table_6_1_15", "table_6_1_16", "table_6_1_17", "table_6_1_18", "table_6_1_19", "table_6_1_2", "table_6_1_20", "table_6_1_21", "table_6_1_22", "table_6_1_23", "table_6_1_3", "table_6_1_4", "table_6_1_5", "table_6_1_6", "table_6_1_7", "table_6_1_8", "table_6_1_9", "table_8_2_1", "table_8_2_2", "table_8_2_3", "text_2_2_pedagogical_grants", "text_2_2_teacher_training", "text_3_1_hei_network", "text_3_2_grants_2024", "text_3_2_quota", "text_3_2_students_admissions", "text_3_2_students_by_region", "text_3_3_faculty", "text_3_3_grant_costs", "text_6_1_faculty_mobility", "text_6_1_foreign_students", "text_6_1_foreign_students_by_field", "text_6_1_inbound_2024", "text_6_1_inbound_by_field_2024", "text_6_1_outbound_2024", "text_6_1_outbound_by_field_2024", "text_8_2_inclusive_conditions", "text_8_2_sen_learning_materials", "text_8_2_sen_mobility_language", "text_8_2_sen_students", "text_8_2_vulnerable_by_field", "text_8_2_vulnerable_mobility_by_field",
);

/// Table 6.1.15's universities, as the report names them, and the codes of the synthetic
/// registry (`data/synthetic/hei_registry.csv`) that stand for them.
pub const TABLE_6_1_15_HEIS: [(&str, &str); 12] = [
    ("West Kazakhstan Medical University named after M. Ospanov", "HEI092"),
    ("Kazakh National Medical University named after S. Asfendiyarov", "HEI011"),
    ("Kazakh-Russian Medical University", "HEI057"),
    ("Al-Farabi Kazakh National University", "HEI006"),
    ("Caspian Public University", "HEI071"),
    ("Kokshetau University named after Sh. Ualikhanov", "HEI037"),
    ("Astana Medical University", "HEI042"),
    ("Karaganda Medical University", "HEI034"),
    ("Semey Medical University", "HEI030"),
    ("North Kazakhstan University named after M. Kozybayev", "HEI026"),
    ("University of International Business", "HEI077"),
    ("South Kazakhstan Medical Academy", "HEI095"),
];


/// Table 6.1.23's programmes and the input contract's outgoing funding codes they fall under
/// (by label prefix).
pub const TABLE_6_1_23_PROGRAMMES: [(&str, &str); 16] = [
    ("Interuniversity Agreement", "mutual_exchange"),
    ("Grants / Free of Charge", "foreign_university"),
    ("University's Non-Budgetary Funds", "university"),
    ("University Funds", "university"),
    ("State Budget", "state_budget"),
    ("Erasmus+", "erasmus"),
    ("Bolashak", "state_budget"),
    ("Orkhun Program", "other_programs"),
    ("Project-Based Funding", "other_programs"),
    ("Nonprofit Educational Organization", "other_programs"),
    ("Fulbright", "other_programs"),
    ("Hosting Party", "foreign_university"),
    ("Embassy", "foreign_university"),
    ("DAAD", "other_programs"),
    ("Building Educational", "other_programs"),
    ("i5 Lego", "other_programs"),
];

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
