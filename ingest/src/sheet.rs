//! One sheet, row by row: header search, then every row below it loaded, skipped or
//! quarantined.
//!
//! Sources (xlsx streaming, xls/ods ranges, CSV records) feed rows to a [`SheetProcessor`] in
//! order; it never holds the sheet in memory, only the loaded values in typed builders.
//! Rows read are the rows below the header down to the last non-empty one: blank rows in
//! between, total/subtotal rows and footnote rows are skipped (and reported in groups);
//! every other row is loaded or quarantined with one issue per offending cell.

use crate::codes::{code_lists, CodeList};
use crate::families::{ColumnKind, ColumnSpec, Family};
use crate::header::{detect_header, Header, HeaderMatch};
use crate::privacy::PersonIdHasher;
use crate::staging::StagingBatch;
use crate::validation::{cell_ref, column_letters, Severity, SheetAccount, SheetStatus, ValidationIssue};
use crate::values::{
    is_footnote_label, is_total_label, level_of_program_code, parse_cell, recycle, year_of_days, Cell, Rejection, Value,
};

/// What one sheet produced.
#[derive(Debug)]
pub struct SheetOutcome {
    pub account: SheetAccount,
    pub issues: Vec<ValidationIssue>,
    pub batch: Option<StagingBatch>,
    /// Column letters of the sheet's key columns (`hei_code`, `student_id`), for issues
    /// raised after all files are read.
    pub key_columns: Vec<(&'static str, String)>,
}

/// Settings a sheet needs.
#[derive(Debug, Clone, Copy)]
pub struct SheetSettings<'a> {
    pub hasher: &'a PersonIdHasher,
    /// How many rows from the top may hold the header.
    pub header_scan_rows: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SkipReason {
    Blank,
    Total,
    Footnote,
}

impl SkipReason {
    fn rule(self) -> &'static str {
        match self {
            SkipReason::Blank => "blank_rows",
            SkipReason::Total => "total_row",
            SkipReason::Footnote => "footnote_row",
        }
    }
}

struct SkipGroup {
    reason: SkipReason,
    cell: String,
    value: String,
    rows: u32,
}

/// Positions of the columns that cross-column rules read, in the family's value vector.
#[derive(Debug, Default)]
struct RuleColumns {
    level: Option<usize>,
    program_code: Option<usize>,
    sen: Option<usize>,
    disability_group: Option<usize>,
    birth_year: Option<usize>,
    birth_date: Option<usize>,
    participant: Option<usize>,
    direction: Option<usize>,
    funding_source: Option<usize>,
    country: Option<usize>,
    start_date: Option<usize>,
    end_date: Option<usize>,
    region: Option<usize>,
    /// `year` or `academic_year`, whichever the family has.
    year: Option<usize>,
}

struct Loader {
    header: Header,
    /// For each column of the family spec: the sheet column holding it, if any.
    positions: Vec<Option<u32>>,
    /// For each column of the family spec: its code list (`List` and yes/no columns).
    lists: Vec<Option<&'static CodeList>>,
    rules: RuleColumns,
    batch: StagingBatch,
    /// The sheet failed the header check: rows are counted, not parsed.
    rejected: bool,
    /// The per-row value buffer, kept between rows.
    spare_values: Vec<Value<'static>>,
    /// The last row that was not blank (rows read end there).
    last_row: u32,
}

enum State {
    Searching { near_miss: Option<HeaderMatch> },
    Loading(Box<Loader>),
}

/// Consumes the rows of one sheet.
pub struct SheetProcessor<'a> {
    settings: SheetSettings<'a>,
    file: &'a str,
    sheet: String,
    state: State,
    account: SheetAccount,
    issues: Vec<ValidationIssue>,
    /// The run of skipped rows not yet reported.
    group: Option<SkipGroup>,
    saw_content: bool,
}

fn position_of(family: Family, key: &str) -> Option<usize> {
    family.spec().columns.iter().position(|c| c.key == key)
}

impl<'a> SheetProcessor<'a> {
    pub fn new(settings: SheetSettings<'a>, file: &'a str, sheet: &str) -> Self {
        SheetProcessor {
            settings,
            file,
            sheet: sheet.to_string(),
            state: State::Searching { near_miss: None },
            account: SheetAccount::new(file, sheet, SheetStatus::NotRecognised),
            issues: Vec::new(),
            group: None,
            saw_content: false,
        }
    }

    /// Feeds the next row (0-based index, cells from column A). Returns false when the rest
    /// of the sheet is not needed (no header in the scanned rows).
    pub fn push_row(&mut self, row: u32, cells: &[Cell]) -> bool {
        let blank = cells.iter().all(Cell::is_blank);
        if !blank {
            self.saw_content = true;
        }
        match self.state {
            State::Searching { .. } => self.search_header(row, cells, blank),
            // Blank rows are counted when the next non-blank row comes; trailing blanks are not read.
            State::Loading(_) if blank => true,
            State::Loading(_) => {
                self.load_row(row, cells);
                true
            }
        }
    }

    /// A row before the header: the header itself, one that lacks required columns (the sheet
    /// is rejected, its rows counted as quarantined), or the closest miss so far. False once
    /// past the rows a header may be in.
    fn search_header(&mut self, row: u32, cells: &[Cell], blank: bool) -> bool {
        if row >= self.settings.header_scan_rows {
            return false;
        }
        if blank {
            return true;
        }
        match detect_header(row, cells) {
            HeaderMatch::Found(header) => self.start_loading(header, false),
            HeaderMatch::Incomplete { family, row, missing } => {
                self.issues.push(ValidationIssue::new(
                    self.file,
                    &self.sheet,
                    cell_ref(0, row),
                    "",
                    &missing.join(", "),
                    "missing_required_columns",
                    Severity::Error,
                    format!("the header in row {} looks like a `{}` sheet but lacks required columns: {}; the sheet is rejected", row + 1, family.name(), missing.join(", ")),
                    0,
                ));
                let header = Header { family, row, columns: Vec::new(), unknown: Vec::new() };
                self.start_loading(header, true);
            }
            closest @ HeaderMatch::NotRecognised { closest: Some((_, found, _)) } => {
                if let State::Searching { near_miss } = &mut self.state {
                    let better = match near_miss {
                        Some(HeaderMatch::NotRecognised { closest: Some((_, f, _)) }) => found > *f,
                        _ => true,
                    };
                    if better {
                        *near_miss = Some(closest);
                    }
                }
            }
            HeaderMatch::NotRecognised { closest: None } => {}
        }
        true
    }

    /// A non-blank row under the header: the blank rows before it counted, then skipped as a
    /// total or footnote line, or parsed and staged, or quarantined with its cells' issues.
    fn load_row(&mut self, row: u32, cells: &[Cell]) {
        self.count_blank_rows_before(row);
        self.account.rows_read += 1;
        if let Some((reason, col, text)) = label_row(cells) {
            self.skip(reason, cell_ref(col as u32, row), text, 1);
            return;
        }
        self.flush_group();
        self.stage_row(row, cells);
    }

    /// Counts the blank rows between the last loaded row and `row` as read and skipped.
    fn count_blank_rows_before(&mut self, row: u32) {
        let State::Loading(loader) = &mut self.state else { return };
        let blank_rows = row.saturating_sub(loader.last_row + 1);
        let first_blank = loader.last_row + 1;
        loader.last_row = row;
        if blank_rows > 0 {
            self.account.rows_read += u64::from(blank_rows);
            self.skip(SkipReason::Blank, cell_ref(0, first_blank), String::new(), blank_rows);
        }
    }

    /// Parses a data row into the batch, or quarantines it with one issue per bad cell.
    fn stage_row(&mut self, row: u32, cells: &[Cell]) {
        let State::Loading(loader) = &mut self.state else { return };
        let loader = loader.as_mut();
        if loader.rejected {
            self.account.quarantined += 1;
            return;
        }
        match Self::parse_row(self.settings.hasher, loader, cells) {
            Ok(mut values) => {
                loader.batch.push_row(&mut values, self.file, &self.sheet, row + 1);
                loader.spare_values = recycle(values);
                self.account.loaded += 1;
            }
            Err(rejections) => {
                self.account.quarantined += 1;
                for (col, key, shown, rejection) in rejections {
                    self.issues.push(ValidationIssue::new(self.file, &self.sheet, cell_ref(col, row), key, &shown, rejection.rule, Severity::Error, rejection.message, 1));
                }
            }
        }
    }

    /// Counts a skipped row (or run of blank rows) and joins it to the current group.
    fn skip(&mut self, reason: SkipReason, cell: String, value: String, rows: u32) {
        self.account.skipped += u64::from(rows);
        match &mut self.group {
            Some(group) if group.reason == reason => group.rows += rows,
            _ => {
                self.flush_group();
                self.group = Some(SkipGroup { reason, cell, value, rows });
            }
        }
    }

    /// Reports the current group of skipped rows, if any.
    fn flush_group(&mut self) {
        if let Some(group) = self.group.take() {
            let what = match group.reason {
                SkipReason::Blank => "blank row(s) between data rows",
                SkipReason::Total => "total/subtotal row(s)",
                SkipReason::Footnote => "footnote row(s)",
            };
            self.issues.push(ValidationIssue::new(
                self.file,
                &self.sheet,
                group.cell,
                "",
                &group.value,
                group.reason.rule(),
                Severity::Info,
                format!("{} {what} skipped", group.rows),
                group.rows,
            ));
        }
    }

    fn start_loading(&mut self, header: Header, rejected: bool) {
        let family = header.family;
        let spec = family.spec();
        let positions = spec
            .columns
            .iter()
            .map(|c| header.columns.iter().find(|(_, h)| h.key == c.key).map(|(i, _)| *i))
            .collect();
        if !header.unknown.is_empty() {
            let labels: Vec<&str> = header.unknown.iter().map(|(_, l)| l.as_str()).collect();
            let cells: Vec<String> = header.unknown.iter().map(|(c, _)| cell_ref(*c, header.row)).collect();
            self.issues.push(ValidationIssue::new(
                self.file,
                &self.sheet,
                cells[0].clone(),
                "",
                &labels.join("; "),
                "unknown_columns",
                Severity::Warning,
                format!("columns not in the `{}` family are kept out of staging: {}", family.name(), cells.join(", ")),
                0,
            ));
        }
        let lists = spec
            .columns
            .iter()
            .map(|c| match c.kind {
                ColumnKind::List(name) => code_lists().list(name),
                ColumnKind::YesNo => code_lists().list("yes_no"),
                _ => None,
            })
            .collect();
        let rules = RuleColumns {
            level: position_of(family, "level"),
            program_code: position_of(family, "program_code"),
            sen: position_of(family, "sen"),
            disability_group: position_of(family, "disability_group"),
            birth_year: position_of(family, "birth_year"),
            birth_date: position_of(family, "birth_date"),
            participant: position_of(family, "participant"),
            direction: position_of(family, "direction"),
            funding_source: position_of(family, "funding_source"),
            country: position_of(family, "country"),
            start_date: position_of(family, "start_date"),
            end_date: position_of(family, "end_date"),
            region: position_of(family, "region"),
            year: position_of(family, "year").or_else(|| position_of(family, "academic_year")),
        };
        self.account.family = Some(family.name());
        self.account.header_row = Some(header.row + 1);
        self.account.status = if rejected { SheetStatus::Rejected } else { SheetStatus::Loaded };
        let last_row = header.row;
        self.state = State::Loading(Box::new(Loader {
            header,
            positions,
            lists,
            rules,
            spare_values: Vec::new(),
            batch: StagingBatch::new(family),
            rejected,
            last_row,
        }));
    }

    /// Parses a row into the family's values (spec order, then derived columns), or the list
    /// of (sheet column, key, shown value, rejection) that quarantine it.
    #[allow(clippy::type_complexity)]
    fn parse_row<'c>(
        hasher: &PersonIdHasher,
        loader: &mut Loader,
        cells: &'c [Cell],
    ) -> Result<Vec<Value<'c>>, Vec<(u32, &'static str, String, Rejection)>> {
        let spec = loader.header.family.spec();
        let mut values: Vec<Value<'c>> = recycle(std::mem::take(&mut loader.spare_values));
        let mut rejections = Vec::new();
        const EMPTY: Cell<'static> = Cell::Empty;
        for ((column, position), list) in spec.columns.iter().zip(&loader.positions).zip(&loader.lists) {
            let Some(col) = *position else {
                // An absent column is unknown (null), except where the contract says what its
                // absence means: a mobility sheet without `count` counts every row once.
                values.push(if column.kind == ColumnKind::CountDefaultOne { Value::Int(1) } else { Value::Null });
                continue;
            };
            let cell = cells.get(col as usize).unwrap_or(&EMPTY);
            match parse_cell(column.kind, cell, hasher, *list) {
                Ok(Value::Null) if column.required && !exempt_when_empty(column) => {
                    rejections.push((col, column.key, String::new(), Rejection::new("missing_value", "a required value is empty")));
                    values.push(Value::Null);
                }
                Ok(value) => values.push(value),
                Err(rejection) => {
                    let shown = if column.kind == ColumnKind::PersonId { "<masked>".to_string() } else { cell.display().into_owned() };
                    rejections.push((col, column.key, shown, rejection));
                    values.push(Value::Null);
                }
            }
        }
        if rejections.is_empty() {
            for (index, rejection) in cross_column_rules(loader.header.family, &loader.rules, &mut values) {
                let column = &spec.columns[index];
                let col = loader.positions[index].unwrap_or(0);
                let cell = cells.get(col as usize).unwrap_or(&EMPTY);
                rejections.push((col, column.key, cell.display().into_owned(), rejection));
            }
        }
        if rejections.is_empty() {
            Ok(values)
        } else {
            Err(rejections)
        }
    }

    /// Records a sheet-level warning found by the reader.
    pub fn warn(&mut self, rule: &str, message: String) {
        self.issues.push(ValidationIssue::new(self.file, &self.sheet, String::new(), "", "", rule, Severity::Warning, message, 0));
    }

    /// Notes that the row just pushed ran on to `last_row` (a CSV record with line breaks
    /// inside quotes), so the lines it covers are not taken for blank rows.
    pub fn record_spans_to(&mut self, last_row: u32) {
        if let State::Loading(loader) = &mut self.state {
            loader.last_row = loader.last_row.max(last_row);
        }
    }

    /// Ends the sheet and returns what it produced.
    pub fn finish(mut self) -> SheetOutcome {
        let mut key_columns = Vec::new();
        let batch = match std::mem::replace(&mut self.state, State::Searching { near_miss: None }) {
            State::Loading(loader) => {
                self.flush_group();
                for key in ["hei_code", "student_id"] {
                    if let Some((col, _)) = loader.header.columns.iter().find(|(_, c)| c.key == key) {
                        key_columns.push((key, column_letters(*col)));
                    }
                }
                (!loader.rejected).then_some(loader.batch)
            }
            State::Searching { near_miss } => {
                let (status, rule, message) = if !self.saw_content {
                    (SheetStatus::Empty, "sheet_empty", "empty sheet, ignored".to_string())
                } else {
                    let closest = match near_miss {
                        Some(HeaderMatch::NotRecognised { closest: Some((family, found, required)) }) => format!(
                            "; closest: `{}` ({found} of {required} required columns)",
                            family.name()
                        ),
                        _ => String::new(),
                    };
                    (
                        SheetStatus::NotRecognised,
                        "no_family_recognised",
                        format!(
                            "no family header in the first {} rows (cover, notes or another table), ignored{closest}",
                            self.settings.header_scan_rows
                        ),
                    )
                };
                self.account.status = status;
                self.issues.push(ValidationIssue::new(self.file, &self.sheet, String::new(), "", "", rule, Severity::Info, message, 0));
                None
            }
        };
        SheetOutcome { account: self.account, issues: self.issues, batch, key_columns }
    }
}

/// Required columns whose empty value is allowed by another rule (checked there).
fn exempt_when_empty(column: &ColumnSpec) -> bool {
    matches!(column.key, "program_code" | "birth_year")
}

fn code_at<'v>(values: &'v [Value<'_>], index: Option<usize>) -> Option<&'v str> {
    index.and_then(|i| values.get(i)).and_then(Value::as_str)
}

const OUTGOING_FUNDING: [&str; 8] = [
    "own_funds", "state_budget", "university", "erasmus", "other_programs", "mutual_exchange", "foreign_university",
    "other_ministries",
];
const INCOMING_FUNDING: [&str; 5] = ["mutual_exchange", "own_funds", "sending_party", "kz_university", "international_grant"];

/// Rules that involve more than one column; also fills derived values. Returns
/// (family column index, rejection) pairs.
fn cross_column_rules(family: Family, cols: &RuleColumns, values: &mut Vec<Value<'_>>) -> Vec<(usize, Rejection)> {
    let mut out = Vec::new();
    match family {
        Family::Students => {
            let mut field: Option<&'static str> = None;
            if let Some(pc) = cols.program_code {
                let level = code_at(values, cols.level).unwrap_or("");
                let rejection = match (level, code_at(values, cols.program_code)) {
                    ("preparatory", Some(_)) => {
                        Some(Rejection::new("program_code_for_preparatory", "preparatory students have no program code"))
                    }
                    ("preparatory", None) => None,
                    (_, None) => Some(Rejection::new("missing_value", "a required value is empty")),
                    (level, Some(code)) => {
                        field = code.get(2..4).and_then(|f| code_lists().field(f));
                        let agrees = match level {
                            "internship" => code.starts_with("6B10"),
                            other => level_of_program_code(code) == Some(other),
                        };
                        (!agrees).then(|| {
                            Rejection::new("level_program_mismatch", format!("program code {code} does not belong to level {level}"))
                        })
                    }
                };
                out.extend(rejection.map(|r| (pc, r)));
            }
            if let (Some(dg), Some(sen)) = (cols.disability_group, cols.sen) {
                let has_group = !matches!(values[dg], Value::Null);
                if has_group && values[sen] != Value::Bool(true) {
                    out.push((dg, Rejection::new("disability_without_sen", "a disability group requires sen = yes")));
                }
            }
            if let (Some(by), Some(bd)) = (cols.birth_year, cols.birth_date) {
                match (&values[by], &values[bd]) {
                    (Value::Int(year), Value::Date(days)) if i64::from(year_of_days(*days)) != *year => {
                        out.push((bd, Rejection::new("birth_date_mismatch", "the date of birth disagrees with the year of birth")));
                    }
                    (Value::Null, Value::Date(days)) => values[by] = Value::Int(i64::from(year_of_days(*days))),
                    (Value::Null, _) => out.push((by, Rejection::new("missing_value", "year or date of birth is required"))),
                    _ => {}
                }
                if let Value::Int(year) = values[by] {
                    if !(1930..=2015).contains(&year) {
                        out.push((by, Rejection::new("out_of_range", "year of birth outside 1930-2015")));
                    }
                }
            }
            values.push(field.map_or(Value::Null, Value::Code));
        }
        Family::Mobility => {
            let participant = code_at(values, cols.participant);
            let level = code_at(values, cols.level);
            if let (Some(p), Some(l), Some(li)) = (participant, level, cols.level) {
                if (p == "staff") != (l == "none") {
                    out.push((li, Rejection::new(
                        "level_participant_mismatch",
                        "staff mobility has level `none`; student mobility needs a level of education",
                    )));
                }
            }
            if let (Some(d), Some(f), Some(fi)) = (code_at(values, cols.direction), code_at(values, cols.funding_source), cols.funding_source) {
                let allowed: &[&str] = if d == "incoming" { &INCOMING_FUNDING } else { &OUTGOING_FUNDING };
                if !allowed.contains(&f) {
                    out.push((fi, Rejection::new("funding_source_direction", format!("`{f}` is not a funding source of {d} mobility"))));
                }
            }
            if let (Some(ci), Some("KAZ")) = (cols.country, code_at(values, cols.country)) {
                out.push((ci, Rejection::new("domestic_country", "mobility abroad cannot name Kazakhstan as its country")));
            }
            if let (Some(s), Some(e)) = (cols.start_date, cols.end_date) {
                if let (Value::Date(start), Value::Date(end)) = (&values[s], &values[e]) {
                    if end < start {
                        out.push((e, Rejection::new("end_before_start", "the end date is before the start date")));
                    }
                }
            }
        }
        Family::Population | Family::TvetStudents => {
            if let (Some(ri), Some(Value::Int(year))) = (cols.region, cols.year.map(|y| &values[y])) {
                let region = code_at(values, Some(ri)).and_then(|code| code_lists().region(code));
                if let (Some(region), true) = (region, *year < 2022) {
                    if let Some(parent) = region.parent_before_2022 {
                        out.push((ri, Rejection::new(
                            "region_before_creation",
                            format!("{} exists from 2022; report {year} under {parent}", region.name_en),
                        )));
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// A total or footnote line under the header: (why it is skipped, the column of its label,
/// the label). The label is the row's first text; total and footnote labels start with a
/// letter or `*`, never with a digit, and a footnote's is the row's first cell.
fn label_row(cells: &[Cell]) -> Option<(SkipReason, usize, String)> {
    let first = cells.iter().position(|c| !c.is_blank());
    let (col, cell) = cells.iter().enumerate().find(|(_, c)| matches!(c, Cell::Text(t) if !t.trim().is_empty()))?;
    let text = cell.display();
    if text.starts_with(|ch: char| ch.is_ascii_digit()) {
        return None;
    }
    let reason = if is_total_label(&text) {
        SkipReason::Total
    } else if is_footnote_label(&text) && first == Some(col) {
        SkipReason::Footnote
    } else {
        return None;
    };
    Some((reason, col, text.into_owned()))
}
