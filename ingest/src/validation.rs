//! The validation report: every rejected file, quarantined cell, skipped-row group and
//! warning ([`ValidationIssue`]), and the row accounting of every sheet ([`SheetAccount`]).
//!
//! Values shown in an issue are masked ([`crate::privacy::mask_personal`]), and IIN-shaped
//! numbers in messages too, when the issue is made, so no constructor can let an IIN through.

use hestat_contract::{rules, Lang};
use serde::{Deserialize, Deserializer, Serialize};

use crate::privacy::{mask_iin, mask_personal};

/// How bad an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Listed for completeness (ignored sheets, skipped rows).
    Info,
    /// Loaded, but someone should look (unknown extra columns, a student in two HEIs).
    Warning,
    /// Data was not loaded (a quarantined row, a rejected sheet or file).
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// One line of `validation/issues.parquet`.
/// (Deserialised only from ingestion's own cache, whose values are already masked.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationIssue {
    /// Path relative to the input folder.
    pub file: String,
    /// Sheet name; empty for CSV files and for whole-file issues.
    pub sheet: String,
    /// Spreadsheet-style cell reference (`C17`); empty for file- or sheet-level issues.
    pub cell: String,
    /// Canonical column key, where the issue is about one column.
    pub column: String,
    /// The offending value as submitted, masked when personal.
    pub value: String,
    /// Stable rule identifier (`unknown_country`, `duplicate_student`, …).
    pub rule: String,
    pub severity: Severity,
    /// A sentence for people.
    pub message: String,
    /// How many rows the issue covers (1 for a cell; n for a skipped-row group; 0 for a file).
    pub rows: u32,
    /// What the reader itself said (its own wording, for the data team); empty when the
    /// message says all.
    pub detail: String,
}

/// The most characters of a cell's value an issue shows (a 100 MB cell is not copied into
/// the report).
const SHOWN_CHARS: usize = 200;

/// A value as an issue shows it: at most [`SHOWN_CHARS`] characters (a run of digits cut at
/// the end is left out, so no part of an identifier shows), then masked.
fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => {
            let head = value[..end].trim_end_matches(|c: char| c.is_ascii_digit());
            format!("{}… ({} characters in all)", mask_personal(head), value.chars().count())
        }
        None => mask_personal(value),
    }
}

impl ValidationIssue {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        file: &str,
        sheet: &str,
        cell: String,
        column: &str,
        value: &str,
        rule: &str,
        severity: Severity,
        message: impl Into<String>,
        rows: u32,
    ) -> Self {
        ValidationIssue {
            file: file.to_string(),
            sheet: sheet.to_string(),
            cell,
            column: column.to_string(),
            value: shown(value),
            rule: rule.to_string(),
            severity,
            message: mask_iin(&message.into()),
            rows,
            detail: String::new(),
        }
    }

    /// A whole file refused.
    pub fn rejected_file(file: &str, rule: &str, message: impl Into<String>, detail: &str) -> Self {
        Self::new(file, "", String::new(), "", "", rule, Severity::Error, message, 0).with_detail(detail)
    }

    /// The same issue with the reader's own words kept apart (masked like the message).
    pub fn with_detail(mut self, detail: &str) -> Self {
        self.detail = mask_iin(detail);
        self
    }

    /// What is wrong, in `lang`: its rule's text (`data/rules.csv`) with the value and the
    /// column filled in, or the issue's own message for a rule without texts.
    pub fn problem_in(&self, lang: Lang) -> String {
        rules::rule(&self.rule).map_or_else(|| self.message.clone(), |t| t.problem(lang, &self.value, &self.column))
    }

    /// What to do about it, in `lang` (empty for a rule without texts).
    pub fn action_in(&self, lang: Lang) -> &'static str {
        rules::rule(&self.rule).map_or("", |t| t.action(lang))
    }

    /// The problem and what to do, as one text in `lang` (the `message_<lang>` columns).
    pub fn text_in(&self, lang: Lang) -> String {
        rules::message(&self.rule, lang, &self.value, &self.column)
    }
}

/// What happened to a sheet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetStatus {
    /// A family was recognised and its rows were read.
    Loaded,
    /// The sheet looked like a family but lacked required columns.
    Rejected,
    /// The whole file was refused (the account has no sheet).
    FileRejected,
    Hidden,
    Empty,
    /// No family header in the first rows (covers, instructions, foreign tables).
    NotRecognised,
}

impl SheetStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SheetStatus::Loaded => "loaded",
            SheetStatus::Rejected => "rejected",
            SheetStatus::FileRejected => "file_rejected",
            SheetStatus::Hidden => "hidden",
            SheetStatus::Empty => "empty",
            SheetStatus::NotRecognised => "not_recognised",
        }
    }
}

/// The row accounting of one sheet: `loaded + skipped + quarantined = rows_read`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetAccount {
    pub file: String,
    pub sheet: String,
    #[serde(deserialize_with = "family_name")]
    pub family: FamilyName,
    pub status: SheetStatus,
    /// 1-based header row, when a header was found.
    pub header_row: Option<u32>,
    pub rows_read: u64,
    pub loaded: u64,
    pub skipped: u64,
    pub quarantined: u64,
}

impl SheetAccount {
    pub fn new(file: &str, sheet: &str, status: SheetStatus) -> Self {
        SheetAccount {
            file: file.to_string(),
            sheet: sheet.to_string(),
            family: None,
            status,
            header_row: None,
            rows_read: 0,
            loaded: 0,
            skipped: 0,
            quarantined: 0,
        }
    }

    /// Whether the accounting identity holds.
    pub fn balances(&self) -> bool {
        self.loaded + self.skipped + self.quarantined == self.rows_read
    }
}

/// A family's name, as the contract spells it (an alias, so that serde does not take the
/// field for text borrowed from its input).
pub type FamilyName = Option<&'static str>;

/// A family's name as the contract spells it (an unknown name reads as none).
fn family_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<&'static str>, D::Error> {
    let name: Option<String> = Option::deserialize(deserializer)?;
    Ok(name.and_then(|n| crate::Family::from_name(&n)).map(crate::Family::name))
}

/// Spreadsheet column letters of a 0-based column index (0 → `A`, 27 → `AB`).
pub fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A cell reference such as `C17` from 0-based column and row.
pub fn cell_ref(col: u32, row: u32) -> String {
    format!("{}{}", column_letters(col), row + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_are_spreadsheet_style() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(2, 16), "C17");
        assert_eq!(cell_ref(25, 0), "Z1");
        assert_eq!(cell_ref(27, 9), "AB10");
        assert_eq!(cell_ref(16383, 1_048_575), "XFD1048576");
    }

    #[test]
    fn issues_mask_iins_in_values_and_messages() {
        let issue = ValidationIssue::new("f.xlsx", "S", "C5".into(), "student_id", "990101300123", "duplicate_student",
            Severity::Error, "student 990101300123 appears twice", 1);
        assert_eq!(issue.value, "************");
        assert_eq!(issue.message, "student ************ appears twice");
    }

    #[test]
    fn shown_values_are_cut_without_showing_part_of_an_identifier() {
        let long = format!("{}990101300123 and more", "x".repeat(195));
        let issue = ValidationIssue::new("f.csv", "", "A2".into(), "name", &long, "r", Severity::Error, "m", 1);
        assert_eq!(issue.value, format!("{}… (216 characters in all)", "x".repeat(195)));
        let short = ValidationIssue::new("f.csv", "", "A2".into(), "name", "id 990101300123", "r", Severity::Error, "m", 1);
        assert_eq!(short.value, "id ************");
    }
}
