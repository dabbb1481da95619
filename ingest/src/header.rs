//! Finding the header row and the family of a sheet.
//!
//! The header may be any of the first rows of a sheet (30 by default), under title rows. A
//! header cell matches a column when, after [`normalize_header`], it equals one of the
//! column's official labels (EN/RU/KK from `data/headers.csv`) or its canonical key. The
//! family is the one whose required columns the row covers; a row that covers at least half
//! of a family's required columns (and two or more) but not all of them makes the sheet a
//! near miss, rejected with the list of what is missing.

type HashMap<K, V> = foldhash::HashMap<K, V>;
use std::sync::OnceLock;

use crate::families::{ColumnSpec, Family};
use crate::values::Cell;

/// Lower-cases, drops a trailing unit (`(адам)`, `, чел.`), and keeps only letters and
/// digits, so `"Количество\nчеловек, чел."` and `"количество человек"` compare equal.
pub fn normalize_header(raw: &str) -> String {
    let mut text = raw.trim();
    // A trailing unit in brackets.
    if text.ends_with(')') {
        if let Some(open) = text.rfind('(') {
            if open > 0 {
                text = text[..open].trim_end();
            }
        }
    }
    // A trailing unit after a comma: short (at most 12 characters) and the last part.
    if let Some(comma) = text.rfind(',') {
        let tail = text[comma + 1..].trim();
        if comma > 0 && tail.chars().count() <= 12 {
            text = text[..comma].trim_end();
        }
    }
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ё' { 'е' } else { c })
        .collect()
}

/// normalised label → the (family, column key) pairs it names.
fn label_index() -> &'static HashMap<String, Vec<(Family, &'static str)>> {
    static INDEX: OnceLock<HashMap<String, Vec<(Family, &'static str)>>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index: HashMap<String, Vec<(Family, &'static str)>> = HashMap::default();
        for family in Family::ALL {
            for column in &family.spec().columns {
                for label in column.labels.iter().copied().chain([column.key]) {
                    let entry = index.entry(normalize_header(label)).or_default();
                    if !entry.contains(&(family, column.key)) {
                        entry.push((family, column.key));
                    }
                }
            }
        }
        index
    })
}

/// A recognised header: where it is and which sheet column holds which key.
#[derive(Debug, Clone)]
pub struct Header {
    pub family: Family,
    /// 0-based row of the header.
    pub row: u32,
    /// (0-based sheet column, column spec), in sheet order.
    pub columns: Vec<(u32, &'static ColumnSpec)>,
    /// Header cells that name no column of the family: (0-based column, label).
    pub unknown: Vec<(u32, String)>,
}

/// What header detection found in a sheet's first rows.
#[derive(Debug, Clone)]
pub enum HeaderMatch {
    Found(Header),
    /// The best row looked like `family` but lacks required columns.
    Incomplete { family: Family, row: u32, missing: Vec<&'static str> },
    /// No row looks like any family; `closest` says the best partial match, if any.
    NotRecognised { closest: Option<(Family, usize, usize)> },
}

/// Examines one candidate header row (0-based row index) and picks the family it heads.
pub fn detect_header(row: u32, cells: &[Cell]) -> HeaderMatch {
    let index = label_index();
    let normalised: Vec<String> = cells.iter().map(|c| normalize_header(&c.display())).collect();
    // (family, required found, columns found), best first by share of required columns.
    let mut best: Option<(Family, usize, usize)> = None;
    for family in Family::ALL {
        let spec = family.spec();
        let present: Vec<&str> = normalised
            .iter()
            .filter_map(|n| index.get(n))
            .flat_map(|hits| hits.iter().filter(|(f, _)| *f == family).map(|(_, k)| *k))
            .collect();
        if present.is_empty() {
            continue;
        }
        let required_found = spec.required_count() - spec.missing_required(&present).len();
        let share = |(f, req, _): (Family, usize, usize)| req as f64 / f.spec().required_count() as f64;
        let candidate = (family, required_found, present.len());
        if best.is_none_or(|b| (share(candidate), candidate.2) > (share(b), b.2)) {
            best = Some(candidate);
        }
    }
    let Some((family, required_found, _)) = best else { return HeaderMatch::NotRecognised { closest: None } };
    let required = family.spec().required_count();
    if required_found == required {
        return HeaderMatch::Found(map_columns(family, row, cells));
    }
    if required_found >= 2 && required_found * 2 >= required {
        let header = map_columns(family, row, cells);
        let present: Vec<&str> = header.columns.iter().map(|(_, c)| c.key).collect();
        return HeaderMatch::Incomplete { family, row, missing: family.spec().missing_required(&present) };
    }
    HeaderMatch::NotRecognised { closest: Some((family, required_found, required)) }
}

fn map_columns(family: Family, row: u32, cells: &[Cell]) -> Header {
    let index = label_index();
    let spec = family.spec();
    let mut columns: Vec<(u32, &'static ColumnSpec)> = Vec::new();
    let mut unknown = Vec::new();
    for (col, cell) in cells.iter().enumerate() {
        let label = cell.display();
        if label.trim().is_empty() {
            continue;
        }
        let key = index
            .get(&normalize_header(&label))
            .and_then(|hits| hits.iter().find(|(f, _)| *f == family).map(|(_, k)| *k));
        match key.and_then(|k| spec.column(k)) {
            Some(column) if !columns.iter().any(|(_, c)| c.key == column.key) => columns.push((col as u32, column)),
            _ => unknown.push((col as u32, label.into_owned())),
        }
    }
    Header { family, row, columns, unknown }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn text_row(labels: &[&'static str]) -> Vec<Cell<'static>> {
        labels.iter().map(|l| Cell::Text(Cow::Borrowed(*l))).collect()
    }

    #[test]
    fn header_labels_normalise_case_units_and_line_breaks() {
        assert_eq!(normalize_header("Количество\nчеловек, чел."), normalize_header("количество человек"));
        assert_eq!(normalize_header("Адам саны (адам)"), normalize_header("Адам саны"));
        assert_eq!(normalize_header(" HEI  code: "), "heicode");
        assert_eq!(normalize_header("student_id"), "studentid");
    }

    #[test]
    fn family_is_recognised_below_title_rows_in_any_language() {
        let title = text_row(&["Численность населения на 1 января"]);
        assert!(matches!(detect_header(0, &title), HeaderMatch::NotRecognised { .. }));
        match detect_header(2, &text_row(&["Жыл", "Өңір", "Жасы", "Халық саны (адам)"])) {
            HeaderMatch::Found(h) => {
                assert_eq!((h.family, h.row), (Family::Population, 2));
                let keys: Vec<_> = h.columns.iter().map(|(i, c)| (*i, c.key)).collect();
                assert_eq!(keys, vec![(0, "year"), (1, "region"), (2, "age"), (3, "population")]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_same_label_means_different_keys_in_different_families() {
        let mobility = text_row(
            &[
                "Год", "Код вуза", "Направление мобильности", "Участник", "Страна", "Уровень образования",
                "Код области образования", "Источник финансирования", "Формат", "Вид мобильности",
            ],
        );
        let HeaderMatch::Found(h) = detect_header(0, &mobility) else { panic!("not found") };
        assert_eq!(h.family, Family::Mobility);
        assert_eq!(h.columns[7].1.key, "funding_source");
    }

    #[test]
    fn a_sheet_missing_required_columns_is_a_near_miss_with_the_missing_list() {
        let row = text_row(&["Academic year", "HEI code", "Student ID", "Gender", "Level of education", "Year of study"]);
        match detect_header(0, &row) {
            HeaderMatch::Incomplete { family, missing, .. } => {
                assert_eq!(family, Family::Students);
                assert_eq!(missing, vec!["birth_year", "citizenship", "program_code", "funding"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
