//! Cells and the value parsers shared by every family.
//!
//! A [`Cell`] is what a spreadsheet or CSV field holds, whatever the format. One parser per
//! [`ColumnKind`] turns it into a typed [`Value`] or a [`Rejection`] naming the rule that was
//! broken. The parsers accept what hand-made submissions contain: numbers stored as text with
//! (non-breaking) space separators and decimal commas, dashes for zero in count columns,
//! Excel dates in both date systems and text dates.

use std::borrow::Cow;

use crate::codes::{code_lists, normalize_value, CodeList};
use crate::families::ColumnKind;
use crate::privacy::PersonIdHasher;

/// One cell, format-independent.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A date cell, already converted from the workbook's date system.
    Date { year: i32, month: u32, day: u32 },
    /// An Excel error value such as `#N/A`.
    Error(String),
}

impl Cell<'_> {
    /// Whether the cell holds nothing (or only white space).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a person would read it (used for header matching, totals and reports).
    pub fn display(&self) -> Cow<'_, str> {
        match self {
            Cell::Empty => Cow::Borrowed(""),
            Cell::Text(t) => Cow::Borrowed(t.trim()),
            Cell::Int(i) => Cow::Owned(i.to_string()),
            Cell::Float(f) => Cow::Owned(format_float(*f)),
            Cell::Bool(b) => Cow::Borrowed(if *b { "TRUE" } else { "FALSE" }),
            Cell::Date { year, month, day } => Cow::Owned(format!("{year:04}-{month:02}-{day:02}")),
            Cell::Error(e) => Cow::Borrowed(e.as_str()),
        }
    }
}

fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A typed value, as it goes into staging. Text borrows from the cell where it can, so a
/// row is parsed without allocating.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(Cow<'a, str>),
    Code(&'static str),
    Int(i64),
    Float(f64),
    /// Days since 1970-01-01.
    Date(i32),
    Bool(bool),
}

impl Value<'_> {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            Value::Code(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }
}

/// Hands an emptied vector's allocation to elements of another lifetime (`Cell<'static>`
/// → `Cell<'r>` and back), so per-row buffers are allocated once per sheet, not per row.
/// In-place collection reuses the allocation because both element types have one layout.
pub fn recycle<T, U>(mut buffer: Vec<T>) -> Vec<U> {
    buffer.clear();
    buffer.into_iter().map(|_| unreachable!("the buffer was cleared")).collect()
}

/// Why a cell was refused: the rule (a stable identifier) and a sentence for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Rejection {
    pub rule: &'static str,
    pub message: String,
}

impl Rejection {
    pub fn new(rule: &'static str, message: impl Into<String>) -> Self {
        Rejection { rule, message: message.into() }
    }
}

type Parsed<'a> = Result<Value<'a>, Rejection>;

const DASHES: [&str; 5] = ["-", "—", "–", "−", "‒"];

/// Reads a number from a numeric cell or from text such as `1 204`, `9,6` or `12 345,5`.
pub fn number_of(cell: &Cell) -> Result<Option<f64>, Rejection> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Int(i) => Ok(Some(*i as f64)),
        Cell::Float(f) => Ok(Some(*f)),
        Cell::Bool(_) | Cell::Date { .. } => Err(Rejection::new("not_a_number", "expected a number")),
        Cell::Error(e) => Err(Rejection::new("excel_error", format!("Excel error value {e}"))),
        // Plain digits (most numbers typed as text): no copy.
        Cell::Text(t) if !t.trim().is_empty() && t.trim().len() <= 15 && t.trim().bytes().all(|b| b.is_ascii_digit()) => {
            Ok(t.trim().parse::<u64>().ok().map(|n| n as f64))
        }
        Cell::Text(t) => {
            let cleaned: String = t
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{202f}' | '\u{2009}' | '\''))
                .map(|c| if c == ',' { '.' } else { c })
                .collect();
            if cleaned.is_empty() {
                return Ok(None);
            }
            cleaned
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Some)
                .ok_or_else(|| Rejection::new("not_a_number", "expected a number"))
        }
    }
}

fn integer_of(cell: &Cell) -> Result<Option<i64>, Rejection> {
    match number_of(cell)? {
        None => Ok(None),
        Some(f) if f.fract() == 0.0 && f.abs() < 9e15 => Ok(Some(f as i64)),
        Some(_) => Err(Rejection::new("not_an_integer", "expected a whole number")),
    }
}

fn is_dash(cell: &Cell) -> bool {
    matches!(cell, Cell::Text(t) if DASHES.contains(&t.trim()))
}

/// Parses an academic year: `2024-2025`, `2024/2025`, `2024/25`, `2024–25` or `2024` → 2024.
pub fn academic_year(cell: &Cell) -> Parsed<'static> {
    let bad = || Rejection::new("invalid_academic_year", "expected an academic year such as 2024-2025");
    let start = match cell {
        Cell::Text(t) => {
            let t = t.trim();
            match t.split_once(['-', '/', '–', '—']) {
                None => integer_of(&Cell::Text(Cow::Borrowed(t))).map_err(|_| bad())?.ok_or_else(bad)?,
                Some((start, end)) => {
                    let (start, end) = (start.trim(), end.trim());
                    let start: i64 = start.parse().map_err(|_| bad())?;
                    let end_ok = match end.len() {
                        4 => end.parse::<i64>().ok() == Some(start + 1),
                        2 => end.parse::<i64>().ok() == Some((start + 1) % 100),
                        _ => false,
                    };
                    if !end_ok {
                        return Err(Rejection::new(
                            "invalid_academic_year",
                            "the second year of an academic year must follow the first",
                        ));
                    }
                    start
                }
            }
        }
        other => integer_of(other).map_err(|_| bad())?.ok_or_else(bad)?,
    };
    if (1990..=2100).contains(&start) {
        Ok(Value::Int(start))
    } else {
        Err(Rejection::new("out_of_range", "academic year outside 1990-2100"))
    }
}

fn calendar_year(cell: &Cell) -> Parsed<'static> {
    let bad = || Rejection::new("invalid_year", "expected a year such as 2024");
    let year = match cell {
        // `2024 г.` / `2024 ж.`; then the number rules of every numeric column (`2 004`).
        Cell::Text(t) => {
            let t = t.trim().trim_end_matches("г.").trim_end_matches("ж.").trim();
            integer_of(&Cell::Text(Cow::Borrowed(t))).map_err(|_| bad())?.ok_or_else(bad)?
        }
        other => integer_of(other).map_err(|_| bad())?.ok_or_else(bad)?,
    };
    if (1900..=2100).contains(&year) {
        Ok(Value::Int(year))
    } else {
        Err(Rejection::new("out_of_range", "year outside 1900-2100"))
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub fn days_from_civil(year: i32, month: u32, day: u32) -> Option<i32> {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if !(1..=12).contains(&month) || day == 0 || day > month_days[month as usize - 1] {
        return None;
    }
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Some(era * 146_097 + doe - 719_468)
}

/// The year of a date given in days since 1970-01-01.
pub fn year_of_days(days: i32) -> i32 {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    yoe + era * 400 + i32::from(month <= 2)
}

/// Days since 1970-01-01 of an Excel serial date in the 1900 system.
pub fn days_from_excel_serial(serial: f64) -> Option<i32> {
    // 25569 is 1970-01-01; serials below 61 sit before Excel's fictitious 1900-02-29.
    let whole = serial.floor() as i64;
    let days = if whole < 61 { whole - 25_568 } else { whole - 25_569 };
    i32::try_from(days).ok()
}

fn date(cell: &Cell) -> Parsed<'static> {
    let bad = || Rejection::new("invalid_date", "expected a date (dd.mm.yyyy or yyyy-mm-dd)");
    let days = match cell {
        Cell::Date { year, month, day } => days_from_civil(*year, *month, *day).ok_or_else(bad)?,
        Cell::Int(_) | Cell::Float(_) => {
            let serial = number_of(cell)?.ok_or_else(bad)?;
            days_from_excel_serial(serial).ok_or_else(bad)?
        }
        // A serial stored as text (a CSV export of an unformatted date column).
        Cell::Text(t) if t.trim().bytes().all(|b| b.is_ascii_digit()) && (1..=6).contains(&t.trim().len()) => {
            let serial = number_of(cell)?.ok_or_else(bad)?;
            days_from_excel_serial(serial).ok_or_else(bad)?
        }
        Cell::Text(t) => {
            let t = t.trim();
            let t = t.split([' ', 'T']).next().unwrap_or(t);
            let parts: Vec<&str> = t.split(['.', '-', '/']).collect();
            let nums: Vec<i64> = parts.iter().filter_map(|p| p.parse().ok()).collect();
            if nums.len() != 3 || parts.len() != 3 {
                return Err(bad());
            }
            let (y, m, d) = if parts[0].len() == 4 { (nums[0], nums[1], nums[2]) } else { (nums[2], nums[1], nums[0]) };
            days_from_civil(y as i32, m as u32, d as u32).ok_or_else(bad)?
        }
        _ => return Err(bad()),
    };
    let year = year_of_days(days);
    if (1900..=2100).contains(&year) {
        Ok(Value::Date(days))
    } else {
        Err(Rejection::new("out_of_range", "date outside 1900-2100"))
    }
}

fn yes_no(cell: &Cell, list: Option<&CodeList>) -> Parsed<'static> {
    match cell {
        Cell::Bool(b) => Ok(Value::Bool(*b)),
        Cell::Int(1) => Ok(Value::Bool(true)),
        Cell::Int(0) => Ok(Value::Bool(false)),
        Cell::Float(f) if *f == 1.0 || *f == 0.0 => Ok(Value::Bool(*f == 1.0)),
        c if c.is_blank() => Ok(Value::Bool(false)),
        Cell::Text(t) => match list.or_else(|| code_lists().list("yes_no")).and_then(|l| l.lookup(t)) {
            Some(code) => Ok(Value::Bool(code == "yes")),
            None => Err(Rejection::new("invalid_yes_no", "expected yes or no")),
        },
        _ => Err(Rejection::new("invalid_yes_no", "expected yes or no")),
    }
}

fn field_code(cell: &Cell) -> Parsed<'static> {
    let bad = || Rejection::new("unknown_field", "expected a field of education code 01-12");
    let n = integer_of(cell).map_err(|_| bad())?.ok_or_else(bad)?;
    code_lists().field(&format!("{n:02}")).map(Value::Code).ok_or_else(bad)
}

/// Normalises a program code (`6B01101`); Cyrillic look-alike letters typed by mistake are
/// read as their Latin twins. A code already in canonical form is borrowed.
fn program_code<'a>(cell: &'a Cell) -> Parsed<'a> {
    let raw = cell.display();
    let canonical = |code: &str| {
        let bytes = code.as_bytes();
        bytes.len() == 7
            && matches!(bytes[0], b'6'..=b'8')
            && bytes[1].is_ascii_uppercase()
            && bytes[2..].iter().all(u8::is_ascii_digit)
    };
    let code: Cow<'a, str> = if canonical(&raw) {
        raw
    } else {
        Cow::Owned(
            raw.chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| match c.to_ascii_uppercase() {
                    'В' | 'в' => 'B',
                    'М' | 'м' => 'M',
                    'Р' | 'р' => 'R',
                    'Д' | 'д' => 'D',
                    other => other,
                })
                .collect(),
        )
    };
    if !canonical(&code) {
        return Err(Rejection::new("invalid_program_code", "expected a program code such as 6B01101"));
    }
    if code_lists().field(&code[2..4]).is_none() {
        return Err(Rejection::new("unknown_field", "the program code's field (digits 3-4) is not 01-12"));
    }
    Ok(Value::Text(code))
}

/// The level a program code implies (`6B…` bachelor, `7M…` master, `7R…` residency,
/// `8D…` doctoral).
pub fn level_of_program_code(code: &str) -> Option<&'static str> {
    match code.get(..2)? {
        "6B" => Some("bachelor"),
        "7M" => Some("master"),
        "7R" => Some("residency"),
        "8D" => Some("doctoral"),
        _ => None,
    }
}

fn person_id<'a>(cell: &'a Cell, hasher: &PersonIdHasher) -> Parsed<'a> {
    let text: Cow<'a, str> = match cell {
        // An IIN typed into a number cell loses its leading zeros: restore them.
        Cell::Int(_) | Cell::Float(_) => {
            let n = integer_of(cell).map_err(|_| Rejection::new("invalid_id", "expected an identifier"))?.unwrap_or(0);
            let digits = n.to_string();
            Cow::Owned(if (9..=12).contains(&digits.len()) { format!("{n:012}") } else { digits })
        }
        Cell::Text(t) => Cow::Borrowed(t.trim()),
        _ => return Err(Rejection::new("invalid_id", "expected an identifier")),
    };
    if text.is_empty() {
        return Ok(Value::Null);
    }
    Ok(Value::Text(hasher.pseudonymise(text)))
}

/// Parses one cell of a column of the given kind. An empty cell gives `Value::Null` except
/// where the contract gives empty a meaning (zero in counts, one in `count`, no in yes/no).
/// `list` is the code list of a `List` or `YesNo` column, resolved once per sheet by the
/// caller (looked up by name when absent).
pub fn parse_cell<'a>(kind: ColumnKind, cell: &'a Cell, hasher: &PersonIdHasher, list: Option<&CodeList>) -> Parsed<'a> {
    if let Cell::Error(e) = cell {
        return Err(Rejection::new("excel_error", format!("Excel error value {e}")));
    }
    match kind {
        ColumnKind::Count | ColumnKind::CountDefaultOne => {
            if cell.is_blank() {
                return Ok(Value::Int(if kind == ColumnKind::CountDefaultOne { 1 } else { 0 }));
            }
            if is_dash(cell) {
                return Ok(Value::Int(0));
            }
            match integer_of(cell)? {
                Some(n) if n >= 0 => Ok(Value::Int(n)),
                Some(_) => Err(Rejection::new("negative_count", "a count cannot be negative")),
                None => Ok(Value::Int(0)),
            }
        }
        ColumnKind::YesNo => yes_no(cell, list),
        _ if cell.is_blank() => Ok(Value::Null),
        ColumnKind::Text => Ok(Value::Text(cell.display())),
        ColumnKind::Code => {
            let code = cell.display();
            let has_lower = code.bytes().any(|b| b.is_ascii_lowercase()) || (!code.is_ascii() && code.chars().any(char::is_lowercase));
            Ok(Value::Text(if has_lower { Cow::Owned(code.to_uppercase()) } else { code }))
        }
        ColumnKind::PersonId => person_id(cell, hasher),
        ColumnKind::AcademicYear => academic_year(cell),
        ColumnKind::Year => calendar_year(cell),
        ColumnKind::IntRange(lo, hi) => match integer_of(cell)? {
            Some(n) if (lo..=hi).contains(&n) => Ok(Value::Int(n)),
            Some(_) => Err(Rejection::new("out_of_range", format!("expected a whole number from {lo} to {hi}"))),
            None => Ok(Value::Null),
        },
        ColumnKind::Decimal(lo, hi) => match number_of(cell)? {
            Some(f) if (lo..=hi).contains(&f) => Ok(Value::Float(f)),
            Some(_) => Err(Rejection::new("out_of_range", format!("expected a number from {lo} to {hi}"))),
            None => Ok(Value::Null),
        },
        ColumnKind::Date => date(cell),
        ColumnKind::List(name) => {
            let raw = cell.display();
            match list.or_else(|| code_lists().list(name)).and_then(|l| l.lookup(&raw)) {
                Some(code) => Ok(Value::Code(code)),
                None => Err(Rejection::new("unknown_code", format!("not a known {name} value"))),
            }
        }
        ColumnKind::Country => match code_lists().country(&cell.display()) {
            Some(country) => Ok(Value::Code(country.iso3)),
            None => Err(Rejection::new("unknown_country", "not a known country name or ISO code")),
        },
        ColumnKind::Region => match code_lists().region(&cell.display()) {
            Some(region) => Ok(Value::Code(region.code)),
            None => Err(Rejection::new("unknown_region", "not a known region of Kazakhstan")),
        },
        ColumnKind::FieldCode => field_code(cell),
        ColumnKind::ProgramCode => program_code(cell),
    }
}

/// Whether a normalised first cell opens a total or subtotal row.
pub fn is_total_label(text: &str) -> bool {
    const TOTALS: [&str; 10] = [
        "итого", "всего", "total", "барлығы", "жиыны", "subtotal", "grand total", "республика казахстан",
        "по республике", "қазақстан республикасы",
    ];
    let t = normalize_value(text);
    TOTALS.iter().any(|w| t.starts_with(w))
}

/// Whether a normalised first cell opens a footnote row.
pub fn is_footnote_label(text: &str) -> bool {
    const NOTES: [&str; 8] = ["примечание", "прим.", "note", "ескерту", "*", "источник", "source:", "дереккөз"];
    let t = normalize_value(text);
    NOTES.iter().any(|w| t.starts_with(w))
}
