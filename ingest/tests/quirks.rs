//! The quirk matrix: clean records of every family, each quirk of the input contract
//! (`spec/inputs.md`, "What real submissions look like" and "Precise rules") applied to every
//! column where it can occur, each variant written in every format hestat reads, ingested,
//! and the staged records compared with the clean ones exactly, with the accounting
//! (`rows_read = loaded + skipped + quarantined`) checked for every sheet.
//!
//! The cases are generated, not listed: the quirks of a column follow from its kind in the
//! family spec, the label variants from `data/codelists/*.csv` and the header variants from
//! `data/headers.csv`. Where a format cannot hold a quirk (a date cell in CSV, a Kazakh letter
//! in Windows-1251, a hidden sheet in CSV, the 1904 date system in ODS) the case is skipped
//! for that format and the reason is counted and printed. xlsb is not written here (no xlsb
//! writer exists in Rust; calamine reads it through the same streaming cell path as xlsx, and
//! the committed SheetJS fixtures in `tests/fixtures/legacy` cover it in `ingest.rs`).

mod workbook_writers;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use hestat_ingest::families::{ColumnKind, Family};
use hestat_ingest::staging::staging_schema;
use hestat_ingest::values::days_from_civil;
use hestat_ingest::{ingest, IngestConfig, IngestSummary, Limits, PersonIdHasher, Severity};
use polars::prelude::*;
use workbook_writers::{Book, Format, Sheet, W};

const KEY: &[u8] = b"quirk-matrix-key-0123456789";
const VALUES_CSV: &str = include_str!("../../data/codelists/values.csv");
const COUNTRIES_CSV: &str = include_str!("../../data/codelists/countries.csv");
const REGIONS_CSV: &str = include_str!("../../data/codelists/regions.csv");
const HEADERS_CSV: &str = include_str!("../../data/headers.csv");

/// A clean value, as staging must hold it.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    /// A code or text, exactly as staged.
    S(&'static str),
    I(i64),
    F(f64),
    B(bool),
    /// A civil date.
    D(i32, u32, u32),
    /// A person identifier as submitted (`P` + the record number, or a 12-digit IIN): staged
    /// as given, or hashed when it is an IIN.
    Id,
}

use V::{B, D, F, I, S};
const N: V = V::Null;

/// Clean records of each family: (column key, value) in contract order; every record valid.
fn clean_records(family: Family) -> Vec<Vec<(&'static str, V)>> {
    match family {
        Family::Hei => vec![
            vec![("hei_code", V::Id), ("name_en", S("Alpha University")), ("region", S("KZ-75")), ("legal_form", S("national")), ("name_ru", S("Университет Альфа")), ("name_kk", S("Альфа университеті")), ("founded_year", I(1934))],
            vec![("hei_code", V::Id), ("name_en", S("Beta Institute")), ("region", S("KZ-10")), ("legal_form", S("private")), ("name_ru", N), ("name_kk", N), ("founded_year", N)],
            vec![("hei_code", V::Id), ("name_en", S("Gamma Academy")), ("region", S("KZ-19")), ("legal_form", S("jsc")), ("name_ru", S("Академия Гамма")), ("name_kk", N), ("founded_year", I(2001))],
        ],
        Family::Students => vec![
            vec![("academic_year", I(2024)), ("hei_code", S("U1")), ("student_id", V::Id), ("gender", S("F")), ("birth_year", I(2004)), ("birth_date", D(2004, 5, 17)), ("citizenship", S("KAZ")), ("level", S("bachelor")), ("program_code", S("6B01101")), ("study_year", I(2)), ("funding", S("state_grant")), ("grant_quota", S("rural")), ("admitted", B(true)), ("sen", B(true)), ("disability_group", S("II")), ("low_income", B(false)), ("large_family", B(true)), ("orphan", B(false)), ("dormitory", B(true)), ("study_form", S("full_time")), ("language", S("kk"))],
            vec![("academic_year", I(2024)), ("hei_code", S("U1")), ("student_id", V::Id), ("gender", S("M")), ("birth_year", I(1999)), ("birth_date", D(1999, 12, 31)), ("citizenship", S("TUR")), ("level", S("master")), ("program_code", S("7M06101")), ("study_year", I(1)), ("funding", S("paid")), ("grant_quota", S("none")), ("admitted", B(false)), ("sen", B(false)), ("disability_group", N), ("low_income", B(true)), ("large_family", B(false)), ("orphan", B(false)), ("dormitory", B(false)), ("study_form", S("part_time")), ("language", S("ru"))],
            vec![("academic_year", I(2024)), ("hei_code", S("U2")), ("student_id", V::Id), ("gender", S("F")), ("birth_year", I(2006)), ("birth_date", D(2006, 1, 2)), ("citizenship", S("KGZ")), ("level", S("preparatory")), ("program_code", N), ("study_year", I(1)), ("funding", S("local_budget")), ("grant_quota", N), ("admitted", B(true)), ("sen", B(true)), ("disability_group", N), ("low_income", B(false)), ("large_family", B(false)), ("orphan", B(true)), ("dormitory", B(false)), ("study_form", S("distance")), ("language", S("en"))],
        ],
        Family::Mobility => vec![
            vec![("year", I(2024)), ("hei_code", S("U1")), ("direction", S("outgoing")), ("participant", S("student")), ("country", S("TUR")), ("level", S("bachelor")), ("field_code", S("01")), ("funding_source", S("erasmus")), ("mode", S("offline")), ("mobility_type", S("credit")), ("partner_institution", S("Ankara University")), ("sen", B(false)), ("start_date", D(2024, 2, 1)), ("end_date", D(2024, 6, 30)), ("count", I(1))],
            vec![("year", I(2024)), ("hei_code", S("U2")), ("direction", S("incoming")), ("participant", S("student")), ("country", S("KGZ")), ("level", S("master")), ("field_code", S("07")), ("funding_source", S("mutual_exchange")), ("mode", S("online")), ("mobility_type", S("summer_school")), ("partner_institution", N), ("sen", B(true)), ("start_date", N), ("end_date", N), ("count", I(1204))],
            vec![("year", I(2024)), ("hei_code", S("U1")), ("direction", S("outgoing")), ("participant", S("staff")), ("country", S("DEU")), ("level", S("none")), ("field_code", S("10")), ("funding_source", S("university")), ("mode", S("blended")), ("mobility_type", S("internship")), ("partner_institution", S("TU Berlin")), ("sen", B(false)), ("start_date", D(2024, 9, 1)), ("end_date", D(2024, 9, 15)), ("count", I(3))],
        ],
        Family::StateOrder => vec![
            vec![("academic_year", I(2024)), ("level", S("bachelor")), ("field_code", S("01")), ("quota", S("none")), ("grants", I(12345)), ("hei_code", S("U1")), ("program_group", S("B001 Педагогика"))],
            vec![("academic_year", I(2024)), ("level", S("master")), ("field_code", S("06")), ("quota", S("rural")), ("grants", I(0)), ("hei_code", N), ("program_group", N)],
            vec![("academic_year", I(2024)), ("level", S("doctoral")), ("field_code", S("10")), ("quota", S("orphan")), ("grants", I(7)), ("hei_code", S("U2")), ("program_group", N)],
        ],
        Family::Population => vec![
            vec![("year", I(2024)), ("region", S("KZ-75")), ("age", I(18)), ("population", I(23456)), ("gender", S("F"))],
            vec![("year", I(2024)), ("region", S("KZ-10")), ("age", I(20)), ("population", I(0)), ("gender", S("M"))],
            vec![("year", I(2024)), ("region", S("KZ-71")), ("age", I(22)), ("population", I(1500)), ("gender", N)],
        ],
        Family::TvetStudents => vec![
            vec![("academic_year", I(2024)), ("region", S("KZ-75")), ("students", I(12000))],
            vec![("academic_year", I(2024)), ("region", S("KZ-19")), ("students", I(0))],
            vec![("academic_year", I(2024)), ("region", S("KZ-11")), ("students", I(345))],
        ],
        Family::Staff => vec![
            vec![("academic_year", I(2024)), ("hei_code", S("U1")), ("staff_id", V::Id), ("gender", S("F")), ("birth_year", I(1964)), ("degree", S("candidate")), ("title", S("docent")), ("position", S("Доцент кафедры")), ("rate", F(1.0))],
            vec![("academic_year", I(2024)), ("hei_code", S("U2")), ("staff_id", V::Id), ("gender", S("M")), ("birth_year", I(1980)), ("degree", S("phd")), ("title", S("associate_professor")), ("position", N), ("rate", F(0.5))],
            vec![("academic_year", I(2024)), ("hei_code", S("U1")), ("staff_id", V::Id), ("gender", S("M")), ("birth_year", I(1990)), ("degree", S("none")), ("title", S("none")), ("position", S("lecturer")), ("rate", F(1.25))],
        ],
    }
}

// ---- the code lists, read as the test's own source of label variants ----------------------

/// list → code → every spelling the list file gives (EN/RU/KK labels and aliases).
fn list_labels() -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let mut lists: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for record in csv::Reader::from_reader(VALUES_CSV.as_bytes()).records() {
        let r = record.expect("values.csv");
        let labels = [&r[2], &r[3], &r[4]].into_iter().map(str::to_string).filter(|l| !l.is_empty()).collect();
        lists.entry(r[0].to_string()).or_default().insert(r[1].to_string(), labels);
    }
    lists
}

/// code → [iso2, English, Russian, Kazakh] (countries), or [English, Russian, Kazakh, first
/// alias] (regions).
fn place_names(csv_text: &str, columns: &[usize]) -> BTreeMap<String, Vec<String>> {
    csv::Reader::from_reader(csv_text.as_bytes())
        .records()
        .map(|r| r.expect("code list"))
        .map(|r| {
            let names = columns
                .iter()
                .filter_map(|&c| r.get(c).map(|v| v.split('|').next().unwrap_or("").to_string()))
                .filter(|v| !v.is_empty())
                .collect();
            (r[0].to_string(), names)
        })
        .collect()
}

/// (family, key) → [EN, RU, KK] header labels.
fn header_labels() -> BTreeMap<(String, String), Vec<String>> {
    csv::Reader::from_reader(HEADERS_CSV.as_bytes())
        .records()
        .map(|r| r.expect("headers.csv"))
        .map(|r| ((r[0].to_string(), r[1].to_string()), vec![r[2].to_string(), r[3].to_string(), r[4].to_string()]))
        .collect()
}

// ---- quirks --------------------------------------------------------------------------------

/// How one column's cells are written in a variant.
#[derive(Debug, Clone)]
enum CellQuirk {
    /// Numbers: as a number cell, as plain text, with a thousands separator (space, NBSP,
    /// narrow NBSP, apostrophe), padded with spaces, with a decimal comma, `г.` after a year.
    NumberCell,
    NumberText,
    Thousands(char),
    Padded,
    DecimalComma,
    YearSuffix(&'static str),
    /// Counts: zero as `-`, `—`, `–` or an empty cell; `count` 1 as an empty cell.
    ZeroAs(&'static str),
    EmptyMeansOne,
    /// Academic years: `2024-2025`, `2024/2025`, `2024/25`, `2024–25`.
    AcademicYearForm(&'static str),
    /// Dates: an Excel date cell, `dd.mm.yyyy`, `yyyy-mm-dd`, `dd/mm/yyyy`, an unformatted serial.
    DateCell,
    DateText(&'static str),
    DateSerialNumber,
    /// Codes: upper case, lower case, title case, the n-th label of the code list (EN, RU, KK).
    Upper,
    Lower,
    Title,
    Label(usize),
    /// Yes/no: a boolean cell, 1/0 numbers, +/−, an empty cell for no, and the labels.
    BoolCell,
    EmptyMeansNo,
    OneZero,
    PlusMinus,
    /// Countries/regions: the n-th name of the code list.
    PlaceName(usize),
    /// Program codes with Cyrillic look-alike letters; field codes without the leading zero.
    Cyrillic,
    NoLeadingZero,
    /// Person identifiers: a 12-digit IIN, as text or typed into a number cell (losing its
    /// leading zero).
    IinText,
    IinNumber,
}

fn quirks_of(kind: ColumnKind, key: &str) -> Vec<CellQuirk> {
    use CellQuirk::*;
    let numbers = || vec![NumberCell, NumberText, Thousands(' '), Thousands('\u{a0}'), Thousands('\u{202f}'), Padded];
    match kind {
        ColumnKind::Year => {
            let mut q = numbers();
            q.extend([YearSuffix(" г."), YearSuffix(" ж.")]);
            q
        }
        ColumnKind::AcademicYear => {
            let mut q = numbers();
            q.extend(["-", "/", "/short", "–"].map(AcademicYearForm));
            q
        }
        ColumnKind::IntRange(..) => numbers(),
        ColumnKind::Count => {
            let mut q = numbers();
            q.push(Thousands('\''));
            q.extend(["-", "—", "–", ""].map(ZeroAs));
            q
        }
        ColumnKind::CountDefaultOne => {
            let mut q = numbers();
            q.push(EmptyMeansOne);
            q
        }
        ColumnKind::Decimal(..) => vec![NumberCell, NumberText, DecimalComma, Padded],
        ColumnKind::Date => vec![DateCell, DateText("dmy."), DateText("ymd-"), DateText("dmy/"), DateSerialNumber],
        ColumnKind::List(_) => vec![Upper, Title, Label(0), Label(1), Label(2), Padded],
        ColumnKind::YesNo => vec![BoolCell, OneZero, PlusMinus, EmptyMeansNo, Upper, Label(0), Label(1), Label(2)],
        ColumnKind::Country => vec![Lower, PlaceName(0), PlaceName(1), PlaceName(2), PlaceName(3)],
        ColumnKind::Region => vec![PlaceName(0), PlaceName(1), PlaceName(2), PlaceName(3)],
        ColumnKind::FieldCode => vec![NoLeadingZero, NumberCell, Padded],
        ColumnKind::ProgramCode => vec![Cyrillic, Lower, Padded],
        ColumnKind::Code if key == "hei_code" => vec![Lower, Padded],
        ColumnKind::Code => vec![Padded],
        ColumnKind::PersonId => vec![IinText, IinNumber, Padded],
        ColumnKind::Text => vec![Padded],
    }
}

fn with_thousands(n: i64, sep: char) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    if n < 0 {
        out.insert(0, '-');
    }
    out
}

fn title_case(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect()).unwrap_or_default()
}

struct Labels {
    lists: BTreeMap<String, BTreeMap<String, Vec<String>>>,
    countries: BTreeMap<String, Vec<String>>,
    regions: BTreeMap<String, Vec<String>>,
}

/// The cell that writes `value` (of a column of `kind`) under `quirk`; `None` when the quirk
/// does not apply to this value (it is then written plainly).
fn quirky_cell(kind: ColumnKind, value: &V, raw_id: &str, quirk: &CellQuirk, labels: &Labels) -> Option<W> {
    use CellQuirk::*;
    let list = match kind {
        ColumnKind::List(name) => Some(name),
        ColumnKind::YesNo => Some("yes_no"),
        _ => None,
    };
    match (quirk, value) {
        (_, V::Id) => match quirk {
            IinText => Some(W::text(raw_id)),
            IinNumber => raw_id.parse::<f64>().ok().map(W::Number),
            Padded => Some(W::text(format!("  {raw_id} "))),
            Lower => Some(W::text(raw_id.to_lowercase())),
            _ => None,
        },
        (NumberCell, I(n)) if kind != ColumnKind::FieldCode => Some(W::Number(*n as f64)),
        (NumberCell, F(f)) => Some(W::Number(*f)),
        (NumberCell, S(code)) if kind == ColumnKind::FieldCode => code.parse::<f64>().ok().map(W::Number),
        (NumberText, I(n)) => Some(W::text(n.to_string())),
        (NumberText, F(f)) => Some(W::text(f.to_string())),
        (Thousands(sep), I(n)) if n.abs() >= 1000 => Some(W::text(with_thousands(*n, *sep))),
        (Padded, I(n)) => Some(W::text(format!(" {n}  "))),
        (Padded, F(f)) => Some(W::text(format!(" {f}  "))),
        (Padded, S(s)) => Some(W::text(format!("  {s} "))),
        (DecimalComma, F(f)) => Some(W::text(f.to_string().replace('.', ","))),
        (YearSuffix(suffix), I(n)) => Some(W::text(format!("{n}{suffix}"))),
        (ZeroAs(text), I(0)) => Some(if text.is_empty() { W::Empty } else { W::text(*text) }),
        (EmptyMeansOne, I(1)) => Some(W::Empty),
        (AcademicYearForm(form), I(y)) => Some(W::text(match *form {
            "/short" => format!("{y}/{:02}", (y + 1) % 100),
            "–" => format!("{y}–{:02}", (y + 1) % 100),
            sep => format!("{y}{sep}{}", y + 1),
        })),
        (DateCell, D(y, m, d)) => Some(W::Date(*y, *m, *d)),
        (DateText(form), D(y, m, d)) => Some(W::text(match *form {
            "dmy." => format!("{d:02}.{m:02}.{y:04}"),
            "ymd-" => format!("{y:04}-{m:02}-{d:02}"),
            _ => format!("{d:02}/{m:02}/{y:04}"),
        })),
        (DateSerialNumber, D(y, m, d)) => Some(W::Number(workbook_writers::excel_serial(*y, *m, *d, false))),
        (Upper, S(code)) => Some(W::text(code.to_uppercase())),
        (Upper, B(b)) => Some(W::text(if *b { "YES" } else { "NO" })),
        (Lower, S(code)) => Some(W::text(code.to_lowercase())),
        (Title, S(code)) => Some(W::text(title_case(code))),
        (Label(i), S(code)) => list.and_then(|l| labels.lists.get(l)).and_then(|l| l.get(*code)).and_then(|v| v.get(*i)).map(W::text),
        (Label(i), B(b)) => labels.lists.get("yes_no").and_then(|l| l.get(if *b { "yes" } else { "no" })).and_then(|v| v.get(*i)).map(W::text),
        (BoolCell, B(b)) => Some(W::Bool(*b)),
        (EmptyMeansNo, B(false)) => Some(W::Empty),
        (OneZero, B(b)) => Some(W::Number(if *b { 1.0 } else { 0.0 })),
        (PlusMinus, B(b)) => Some(W::text(if *b { "+" } else { "−" })),
        (PlaceName(i), S(code)) => {
            let names = if kind == ColumnKind::Country { &labels.countries } else { &labels.regions };
            names.get(*code).and_then(|n| n.get(*i)).map(W::text)
        }
        (Cyrillic, S(code)) => Some(W::text(code.replace('B', "В").replace('M', "М"))),
        (NoLeadingZero, S(code)) => Some(W::text(code.trim_start_matches('0'))),
        _ => None,
    }
}

/// The plain (canonical) cell of a value.
fn plain_cell(value: &V, raw_id: &str) -> W {
    match value {
        V::Null => W::Empty,
        S(s) => W::text(*s),
        I(n) => W::Number(*n as f64),
        F(f) => W::Number(*f),
        B(b) => W::text(if *b { "yes" } else { "no" }),
        D(y, m, d) => W::text(format!("{y:04}-{m:02}-{d:02}")),
        V::Id => W::text(raw_id),
    }
}

// ---- variants --------------------------------------------------------------------------------

/// How the sheet around the records is laid out.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Layout {
    /// Header in English, Russian, Kazakh, or the canonical keys in upper case.
    Header(usize),
    HeaderKeys,
    /// Header cells with a line break inside and a unit in brackets.
    HeaderWithBreaksAndUnits,
    /// Two title rows (the first merged across the columns) and an empty row above the header.
    TitleRows,
    /// The header in row 25 (of the 30 scanned), under 24 rows of notes.
    HeaderLow,
    /// Columns in reverse order, with an unknown extra column.
    ReversedWithExtraColumn,
    /// A subtotal row after the first record, a blank row, a total row and two footnote rows.
    TotalsBlankAndFootnotes,
    /// A cover sheet and a hidden copy of the data before the data sheet.
    CoverAndHiddenSheets,
    /// Every date cell in the 1904 date system.
    Dates1904,
    /// Mobility without a `count` column (every row counts once).
    WithoutCountColumn,
}

struct Variant {
    name: String,
    family: Family,
    layout: Layout,
    /// (column, quirk) written quirkily; `None`: every column plainly.
    quirk: Option<(&'static str, CellQuirk)>,
    /// Rows skipped on purpose (totals, blanks, footnotes).
    skipped: u64,
}

/// Every variant: each quirk of each column of each family, then each layout of each family.
fn variants(labels: &Labels) -> Vec<Variant> {
    let mut out = Vec::new();
    for family in Family::ALL {
        let records = clean_records(family);
        for column in &family.spec().columns {
            for quirk in quirks_of(column.kind, column.key) {
                // Only quirks that change at least one cell of the clean records.
                let applies = records.iter().any(|r| {
                    r.iter().any(|(k, v)| *k == column.key && quirky_cell(column.kind, v, "012345678901", &quirk, labels).is_some())
                });
                if applies {
                    let name = format!("{}-{}-{}", family.name(), column.key, file_safe(&format!("{quirk:?}")));
                    out.push(Variant { name, family, layout: Layout::Header(out.len() % 3), quirk: Some((column.key, quirk)), skipped: 0 });
                }
            }
        }
        let mut layouts = vec![
            (Layout::Header(0), 0),
            (Layout::Header(1), 0),
            (Layout::Header(2), 0),
            (Layout::HeaderKeys, 0),
            (Layout::HeaderWithBreaksAndUnits, 0),
            (Layout::TitleRows, 0),
            (Layout::HeaderLow, 0),
            (Layout::ReversedWithExtraColumn, 0),
            (Layout::TotalsBlankAndFootnotes, 5),
            (Layout::CoverAndHiddenSheets, 0),
        ];
        if records.iter().flatten().any(|(_, v)| matches!(v, D(..))) {
            layouts.push((Layout::Dates1904, 0));
        }
        if family == Family::Mobility {
            layouts.push((Layout::WithoutCountColumn, 0));
        }
        for (layout, skipped) in layouts {
            let name = format!("{}-layout-{}", family.name(), file_safe(&format!("{layout:?}")));
            out.push(Variant { name, family, layout, quirk: None, skipped });
        }
    }
    out
}

/// A quirk's name as part of a file name: `Thousands('\u{a0}')` → `thousands_u_a0`.
fn file_safe(debug: &str) -> String {
    let mut out = String::new();
    for c in debug.to_lowercase().chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// The raw identifier of record `n` of variant `v`: text IDs, or 12-digit IINs for the IIN
/// quirks (born 17.05.2004, so with a leading zero that a number cell loses).
fn raw_id(family: Family, v: usize, n: usize, quirk: &Option<(&'static str, CellQuirk)>) -> String {
    let iin = matches!(quirk, Some((_, CellQuirk::IinText | CellQuirk::IinNumber)));
    match family {
        Family::Hei => format!("Q{v}H{n}"),
        _ if iin => format!("0405173{v:03}{n:02}"),
        _ => format!("P{v}-{n}"),
    }
}

/// The records a variant must stage (the clean ones, with the variant's identifiers).
fn expected_records(variant: &Variant) -> Vec<Vec<(&'static str, V)>> {
    let mut records = clean_records(variant.family);
    if variant.layout == Layout::WithoutCountColumn {
        for r in &mut records {
            for (k, v) in r.iter_mut() {
                if *k == "count" {
                    *v = I(1);
                }
            }
        }
    }
    records
}

/// The workbook of a variant.
fn book_of(variant: &Variant, index: usize, labels: &Labels, headers: &BTreeMap<(String, String), Vec<String>>) -> Book {
    let family = variant.family;
    let spec = family.spec();
    let records = clean_records(family);
    let mut keys: Vec<&'static str> = spec.columns.iter().map(|c| c.key).collect();
    if variant.layout == Layout::WithoutCountColumn {
        keys.retain(|k| *k != "count");
    }
    let mut header: Vec<W> = keys
        .iter()
        .map(|k| {
            let labels = headers.get(&(family.name().to_string(), k.to_string())).cloned().unwrap_or_default();
            W::text(match variant.layout {
                Layout::Header(i) => labels.get(i).cloned().unwrap_or_else(|| k.to_string()),
                Layout::HeaderKeys => k.to_uppercase(),
                Layout::HeaderWithBreaksAndUnits => {
                    let label = labels.get(1).cloned().unwrap_or_else(|| k.to_string());
                    format!("{} (ед.)", label.replacen(' ', "\n", 1))
                }
                _ => labels.get(index % 3).cloned().unwrap_or_else(|| k.to_string()),
            })
        })
        .collect();
    let mut rows: Vec<Vec<W>> = records
        .iter()
        .enumerate()
        .map(|(n, record)| {
            let id = raw_id(family, index, n, &variant.quirk);
            keys.iter()
                .map(|k| {
                    let (_, value) = record.iter().find(|(key, _)| key == k).expect("every column in every record");
                    let kind = spec.column(k).expect("a column of the family").kind;
                    match &variant.quirk {
                        Some((column, quirk)) if column == k => quirky_cell(kind, value, &id, quirk, labels).unwrap_or_else(|| plain_cell(value, &id)),
                        _ if variant.layout == Layout::Dates1904 && matches!(value, D(..)) => {
                            let D(y, m, d) = value else { unreachable!() };
                            W::Date(*y, *m, *d)
                        }
                        _ => plain_cell(value, &id),
                    }
                })
                .collect()
        })
        .collect();
    if variant.layout == Layout::ReversedWithExtraColumn {
        header.reverse();
        header.push(W::text("Примечание к строке"));
        for row in &mut rows {
            row.reverse();
            row.push(W::text("comment"));
        }
    }
    let width = header.len();
    let mut sheet_rows: Vec<Vec<W>> = Vec::new();
    let mut merged = None;
    match variant.layout {
        Layout::TitleRows => {
            sheet_rows.push(vec![W::text(format!("Сведения: {} на 01.10.2024 (SYNTHETIC)", family.name()))]);
            merged = Some((0, (width - 1) as u16));
            sheet_rows.push(vec![W::text("Форма утверждена приказом Министерства")]);
            sheet_rows.push(vec![]);
        }
        Layout::HeaderLow => {
            for i in 0..24 {
                sheet_rows.push(vec![W::text(format!("Пояснение {} к форме", i + 1))]);
            }
        }
        _ => {}
    }
    sheet_rows.push(header);
    if variant.layout == Layout::TotalsBlankAndFootnotes {
        let mut rows = rows.into_iter();
        sheet_rows.extend(rows.next());
        sheet_rows.push(vec![W::text("Всего по первому разделу"), W::Number(1.0)]);
        sheet_rows.push(vec![]);
        sheet_rows.extend(rows);
        sheet_rows.push(vec![W::text("Итого"), W::Empty, W::Number(3.0)]);
        sheet_rows.push(vec![W::text("Примечание: данные синтетические")]);
        sheet_rows.push(vec![W::text("* по состоянию на 1 октября")]);
    } else {
        sheet_rows.extend(rows);
    }
    let data = Sheet { name: "Данные".into(), rows: sheet_rows, merged, ..Sheet::default() };
    let mut sheets = Vec::new();
    if variant.layout == Layout::CoverAndHiddenSheets {
        sheets.push(Sheet {
            name: "Титульный лист".into(),
            rows: vec![vec![W::text("Отчёт вуза (SYNTHETIC)")], vec![W::text("Заполняется ежегодно")]],
            ..Sheet::default()
        });
        sheets.push(Sheet { name: "Старая версия".into(), rows: data.rows.clone(), hidden: true, ..Sheet::default() });
    }
    sheets.push(data);
    Book { sheets, date1904: variant.layout == Layout::Dates1904, ..Book::default() }
}

// ---- reading staging back ----------------------------------------------------------------------

/// Every staged record of a family, all partitions, with the partition column restored.
fn staged_family(out: &Path, family: Family) -> Option<DataFrame> {
    let dir = out.join("staging").join(family.name());
    if !dir.is_dir() {
        return None;
    }
    let mut frames = Vec::new();
    let read = |path: &Path| ParquetReader::new(std::fs::File::open(path).expect("open staging")).finish().expect("read staging");
    if dir.join("part-0.parquet").is_file() {
        frames.push(read(&dir.join("part-0.parquet")));
    } else {
        for entry in std::fs::read_dir(&dir).expect("staging folder") {
            let entry = entry.expect("entry");
            let name = entry.file_name().to_string_lossy().into_owned();
            let (key, value) = name.split_once('=').expect("a Hive partition");
            let mut df = read(&entry.path().join("part-0.parquet"));
            let value: i32 = value.parse().expect("a year");
            df.with_column(Column::new(key.into(), vec![value; df.height()])).expect("partition column");
            frames.push(df);
        }
    }
    let mut all = frames.pop()?;
    for f in frames {
        all.vstack_mut(&f.select(all.get_column_names_owned()).expect("same columns")).expect("stack");
    }
    Some(all)
}

/// A staged cell as the test's value form.
fn staged_value(value: AnyValue) -> String {
    match value {
        AnyValue::Null => "null".into(),
        AnyValue::String(s) => format!("s:{s}"),
        AnyValue::StringOwned(s) => format!("s:{s}"),
        AnyValue::Int32(i) => format!("i:{i}"),
        AnyValue::Int64(i) => format!("i:{i}"),
        AnyValue::Float64(f) => format!("f:{f}"),
        AnyValue::Boolean(b) => format!("b:{b}"),
        AnyValue::Date(d) => format!("d:{d}"),
        other => format!("?{other:?}"),
    }
}

fn expected_value(value: &V, raw_id: &str, hasher: &PersonIdHasher) -> String {
    match value {
        V::Null => "null".into(),
        S(s) => format!("s:{s}"),
        I(i) => format!("i:{i}"),
        F(f) => format!("f:{f}"),
        B(b) => format!("b:{b}"),
        D(y, m, d) => format!("d:{}", days_from_civil(*y, *m, *d).expect("a valid date")),
        V::Id => format!("s:{}", hasher.pseudonymise(std::borrow::Cow::Borrowed(raw_id))),
    }
}

fn registry_csv(dir: &Path) {
    std::fs::create_dir_all(dir).expect("folder");
    std::fs::write(
        dir.join("registry.csv"),
        "hei_code,name_en,region,legal_form\nU1,University One (SYNTHETIC),Almaty city,state\nU2,University Two (SYNTHETIC),ВКО,private\n",
    )
    .expect("write registry");
}

/// Ingests one format's variants and returns the mismatches (empty: all staged exactly).
fn check_format(format: Format, all: &[Variant], labels: &Labels, headers: &BTreeMap<(String, String), Vec<String>>, skipped_reasons: &mut BTreeMap<String, usize>) -> Vec<String> {
    let tmp = tempfile::tempdir().expect("temp dir");
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    registry_csv(&input.join("ministry"));
    let mut written: Vec<(usize, String)> = Vec::new();
    for (index, variant) in all.iter().enumerate() {
        let book = book_of(variant, index, labels, headers);
        let iin_number_in_csv = format.extension() == "csv" && matches!(variant.quirk, Some((_, CellQuirk::IinNumber)));
        let unexpressible = if iin_number_in_csv {
            Some("a CSV file has no number cells: an IIN typed as a number is text there".to_string())
        } else {
            format.cannot_express(&book)
        };
        if let Some(reason) = unexpressible {
            *skipped_reasons.entry(format!("{}: {reason}", format.name())).or_default() += 1;
            continue;
        }
        let file = format!("{}/{index:04}-{}.{}", variant.family.name(), variant.name, format.extension());
        format.write(&input.join(&file), &book);
        written.push((index, file));
    }
    let hasher = PersonIdHasher::new(KEY);
    let config = IngestConfig { input: input.clone(), out: out.clone(), limits: Limits::default(), hasher: PersonIdHasher::new(KEY), reuse: None };
    let summary: IngestSummary = ingest(&config, &()).expect("ingest runs");
    let mut problems = Vec::new();
    for account in &summary.accounts {
        if !account.balances() {
            problems.push(format!("{}: accounting does not balance: {account:?}", format.name()));
        }
    }
    for issue in summary.issues.iter().filter(|i| i.severity == Severity::Error) {
        problems.push(format!("{}: {} {} {} {} `{}`: {} ({})", format.name(), issue.file, issue.sheet, issue.cell, issue.column, issue.value, issue.rule, issue.message));
    }
    let mut staged: BTreeMap<Family, DataFrame> = BTreeMap::new();
    for family in Family::ALL {
        if let Some(df) = staged_family(&out, family) {
            staged.insert(family, df);
        }
    }
    for (index, file) in &written {
        let variant = &all[*index];
        let expected = expected_records(variant);
        // The data sheet's account: every record loaded, the planted rows skipped.
        let accounts: Vec<_> = summary.accounts.iter().filter(|a| &a.file == file && a.family.is_some()).collect();
        match accounts.as_slice() {
            [a] if a.loaded == expected.len() as u64 && a.quarantined == 0 && a.skipped == variant.skipped => {}
            other => problems.push(format!("{}: {file}: expected one loaded sheet with {} rows loaded, {} skipped; got {other:?}", format.name(), expected.len(), variant.skipped)),
        }
        let Some(df) = staged.get(&variant.family) else {
            problems.push(format!("{}: {file}: nothing staged for {}", format.name(), variant.family.name()));
            continue;
        };
        let mask = df.column("source_file").expect("source_file").str().expect("text").equal(file.as_str());
        let mine = df.filter(&mask).expect("filter").sort(["source_row"], SortMultipleOptions::default()).expect("sort");
        if mine.height() != expected.len() {
            problems.push(format!("{}: {file}: {} records staged, expected {}", format.name(), mine.height(), expected.len()));
            continue;
        }
        for (n, record) in expected.iter().enumerate() {
            let id = raw_id(variant.family, *index, n, &variant.quirk);
            for (column, _) in staging_schema(variant.family).iter().filter(|(c, _)| !c.starts_with("source_")) {
                let want = match record.iter().find(|(k, _)| k == column) {
                    Some((_, v)) => expected_value(v, &id, &hasher),
                    // The derived field of a student: digits 3-4 of the program code.
                    None => match record.iter().find(|(k, _)| *k == "program_code") {
                        Some((_, S(code))) => format!("s:{}", &code[2..4]),
                        _ => "null".into(),
                    },
                };
                let got = staged_value(mine.column(column).expect("staged column").get(n).expect("row"));
                if got != want {
                    problems.push(format!("{}: {file} record {n} `{column}`: staged {got}, expected {want}", format.name()));
                }
            }
        }
    }
    problems
}

#[test]
fn every_quirk_on_every_column_in_every_format_stages_the_clean_records() {
    let labels = Labels {
        lists: list_labels(),
        countries: place_names(COUNTRIES_CSV, &[1, 2, 3, 4]),
        regions: place_names(REGIONS_CSV, &[3, 4, 5, 7]),
    };
    let headers = header_labels();
    let all = variants(&labels);
    // The matrix covers every family, every column and the quirks the contract names.
    let families: BTreeSet<&str> = all.iter().map(|v| v.family.name()).collect();
    assert_eq!(families.len(), 7);
    for family in Family::ALL {
        for column in &family.spec().columns {
            assert!(all.iter().any(|v| v.family == family && v.quirk.as_ref().is_some_and(|(c, _)| *c == column.key)), "no quirk exercises {}.{}", family.name(), column.key);
        }
    }
    let named = |needle: &str| all.iter().filter(|v| v.name.contains(needle)).count();
    assert!(named("birth_year-thousands_u_a0") == 2 && named("birth_year-thousands_u_202f") == 2, "years with separators, students and staff");
    assert_eq!(named("count-emptymeansone"), 1);
    assert_eq!(named("layout-withoutcountcolumn"), 1);
    let mut skipped_reasons = BTreeMap::new();
    let mut problems = Vec::new();
    let mut cases = 0;
    for format in Format::ALL {
        let before: usize = skipped_reasons.values().sum();
        problems.extend(check_format(format, &all, &labels, &headers, &mut skipped_reasons));
        cases += all.len() - (skipped_reasons.values().sum::<usize>() - before);
    }
    println!("{} variants x {} formats: {cases} files ingested; not expressible:", all.len(), Format::ALL.len());
    for (reason, n) in &skipped_reasons {
        println!("  {n:4}  {reason}");
    }
    // Every format but the CSVs holds every variant; the CSVs hold all but those with date or
    // boolean cells and several sheets, and Windows-1251 all but those with Kazakh letters.
    assert!(skipped_reasons.keys().all(|r| r.starts_with("csv") || r.starts_with("ods: ODS stores dates")), "{skipped_reasons:?}");
    assert!(cases > 1500, "{cases} cases");
    assert!(problems.is_empty(), "{} problems, the first ones:\n{}", problems.len(), problems.iter().take(40).cloned().collect::<Vec<_>>().join("\n"));
}
