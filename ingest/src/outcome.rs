//! What reading one file gives: its outcome (the sheets read, the file's issues), or its
//! rejection in words a data officer understands, and the size limits every reader applies.
//! The readers ([`crate::source`], [`crate::csv_source`], [`crate::ods`], [`crate::xls_scan`])
//! all speak in these terms.

use std::path::Path;

use crate::sheet::SheetOutcome;
use crate::validation::{SheetAccount, SheetStatus, Severity, ValidationIssue};

/// Size limits that protect the run from hostile files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest uncompressed size of one part of an archive (and of a CSV file), in bytes.
    pub max_part_bytes: u64,
    /// Largest uncompressed size of all parts of an archive together, in bytes.
    pub max_total_bytes: u64,
    /// Largest number of cells a sheet may hold (counted as they are read; a larger declared
    /// range is only a warning).
    pub max_sheet_cells: u64,
    /// How many rows from the top may hold the header.
    pub header_scan_rows: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_part_bytes: 1 << 30,
            max_total_bytes: 4 << 30,
            max_sheet_cells: 20_000_000,
            header_scan_rows: 30,
        }
    }
}

/// Why a whole file was refused: the rule, a message in words a university's data officer
/// understands (what is wrong, what to do), and the reader's own words for the data team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRejection {
    pub rule: &'static str,
    pub message: String,
    pub detail: String,
}

/// What a data officer can do with a file that cannot be read.
const SAVE_AGAIN: &str = "open it in Excel or LibreOffice, save it again as .xlsx and send the new file";

impl FileRejection {
    pub(crate) fn new(rule: &'static str, message: impl Into<String>) -> Self {
        FileRejection { rule, message: message.into(), detail: String::new() }
    }

    pub(crate) fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    /// A damaged file: `what` says how, the reader's error goes to `detail`.
    pub(crate) fn corrupt(what: &str, detail: impl Into<String>) -> Self {
        FileRejection::new("corrupt_file", format!("{what}, so it cannot be read: {SAVE_AGAIN}")).with_detail(detail)
    }

    pub(crate) fn password_protected(detail: impl Into<String>) -> Self {
        FileRejection::new(
            "password_protected",
            "the workbook is protected with a password (encrypted), so it cannot be read: save a copy without the password and send that",
        )
        .with_detail(detail)
    }

    pub(crate) fn unreadable(error: &std::io::Error) -> Self {
        FileRejection::new("unreadable_file", "the file cannot be opened (no permission to read it, or it was moved while the run was reading it)")
            .with_detail(error.to_string())
    }

    pub(crate) fn sheet_too_large(sheet: &str, held: u64, limit: u64) -> Self {
        FileRejection::new(
            "sheet_too_large",
            format!("sheet {sheet} holds more than {limit} cells, the most hestat reads from one sheet: split the data over several sheets or files"),
        )
        .with_detail(format!("{held} cells counted when reading stopped (limit max_sheet_cells = {limit})"))
    }
}

/// The spreadsheet formats hestat reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
    Csv,
}

/// Everything read from one file.
#[derive(Debug)]
pub struct FileOutcome {
    pub sheets: Vec<SheetOutcome>,
    /// File-level issues (a rejection, or notes such as the CSV encoding used).
    pub issues: Vec<ValidationIssue>,
    pub rejected: bool,
}

impl FileOutcome {
    pub fn rejected(file: &str, rejection: FileRejection) -> Self {
        FileOutcome {
            sheets: vec![SheetOutcome {
                account: SheetAccount::new(file, "", SheetStatus::FileRejected),
                issues: Vec::new(),
                batch: None,
                key_columns: Vec::new(),
            }],
            issues: vec![ValidationIssue::rejected_file(file, rejection.rule, rejection.message, &rejection.detail)],
            rejected: true,
        }
    }
}

/// Widest row a sheet may have (Excel's own limit).
pub(crate) const MAX_COLUMNS: u32 = 16_384;

/// The account and issue of a sheet that is listed but not read.
pub(crate) fn ignored_sheet(file: &str, sheet: &str, status: SheetStatus, rule: &str, message: &str) -> SheetOutcome {
    SheetOutcome {
        account: SheetAccount::new(file, sheet, status),
        issues: vec![ValidationIssue::new(file, sheet, String::new(), "", "", rule, Severity::Info, message, 0)],
        batch: None,
        key_columns: Vec::new(),
    }
}

/// Refuses a file (xls, csv) larger than one archive part may be.
pub(crate) fn check_file_size(path: &Path, limits: &Limits) -> Result<(), FileRejection> {
    let size = std::fs::metadata(path).map_err(|e| FileRejection::unreadable(&e))?.len();
    if size > limits.max_part_bytes {
        return Err(FileRejection::new(
            "file_too_large",
            format!("the file is {size} bytes, more than the {} bytes hestat accepts from one file: split the data into smaller files", limits.max_part_bytes),
        ));
    }
    Ok(())
}
