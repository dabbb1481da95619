//! The feedback workbook of `hestat validate --feedback FILE.xlsx`, for a university's data
//! officer: a first sheet listing every problem (file, sheet, cell, column, value, rule,
//! severity, the problem and what to do, in the chosen language), then a copy of each sheet
//! that has problems at cells, with those cells highlighted and a note on each.
//!
//! The copies show the submitted values, except that identifiers shaped like an IIN (and any
//! run of 9 to 12 digits) are masked, as everywhere else hestat writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader};
use hestat_contract::Lang;
use rust_xlsxwriter::{Color, Format, FormatBorder, Note, Workbook, XlsxError};

use crate::privacy::mask_personal;
use crate::submission::SubmissionReport;
use crate::validation::{Severity, ValidationIssue};

/// The most cells of a sheet copied into the workbook (a larger sheet is listed, not copied).
const MAX_COPIED_CELLS: usize = 2_000_000;

#[derive(Debug, thiserror::Error)]
#[error("cannot write the feedback workbook {path}: {source}")]
pub struct FeedbackError {
    path: PathBuf,
    source: XlsxError,
}

/// What the workbook holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackSummary {
    /// Problems listed (errors and warnings).
    pub problems: usize,
    /// Copied sheets: (copy's name, file, sheet, highlighted cells).
    pub copies: Vec<(String, String, String, usize)>,
}

/// The issues the workbook lists: errors and warnings (notes such as skipped blank rows are not problems).
pub fn problems(report: &SubmissionReport) -> Vec<&ValidationIssue> {
    report.issues.iter().filter(|i| i.severity != Severity::Info).collect()
}

struct Words {
    problems: &'static str,
    headers: [&'static str; 10],
    not_copied: &'static str,
}

fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            problems: "Problems",
            headers: ["File", "Sheet", "Cell", "Column", "Value", "Rule", "Severity", "Problem", "What to do", "Copy of the sheet"],
            not_copied: "(too large to copy)",
        },
        Lang::Ru => Words {
            problems: "Замечания",
            headers: ["Файл", "Лист", "Ячейка", "Столбец", "Значение", "Правило", "Серьёзность", "Замечание", "Что сделать", "Копия листа"],
            not_copied: "(слишком большой для копии)",
        },
        Lang::Kk => Words {
            problems: "Ескертулер",
            headers: ["Файл", "Парақ", "Ұяшық", "Баған", "Мән", "Ереже", "Маңыздылығы", "Ескерту", "Не істеу керек", "Парақтың көшірмесі"],
            not_copied: "(көшіру үшін тым үлкен)",
        },
    }
}

/// `C17` → (row 16, column 2), zero-based; `None` for a reference without a column or row.
pub fn parse_cell(cell: &str) -> Option<(u32, u16)> {
    let letters = cell.chars().take_while(char::is_ascii_uppercase).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = cell[..letters].bytes().fold(0u32, |n, b| n * 26 + u32::from(b - b'A' + 1)) - 1;
    let row: u32 = cell[letters..].parse().ok()?;
    (row >= 1).then_some((row - 1, u16::try_from(col).ok()?))
}

/// A sheet's cells as submitted: (row, column, value), zero-based, absolute.
fn sheet_cells(path: &Path, sheet: &str) -> Option<Vec<(u32, u16, Data)>> {
    if sheet.is_empty() {
        // A CSV file: decoded as ingestion decodes it.
        let bytes = std::fs::read(path).ok()?;
        let (text, _, _) = crate::csv_source::decode(&bytes);
        let separator = crate::csv_source::detect_separator(&text);
        let mut reader = csv::ReaderBuilder::new().delimiter(separator).has_headers(false).flexible(true).from_reader(text.as_bytes());
        let mut cells = Vec::new();
        for (r, record) in reader.records().enumerate() {
            let record = record.ok()?;
            for (c, field) in record.iter().enumerate() {
                if !field.is_empty() {
                    cells.push((u32::try_from(r).ok()?, u16::try_from(c).ok()?, Data::String(field.to_string())));
                }
            }
            if cells.len() > MAX_COPIED_CELLS {
                return None;
            }
        }
        return Some(cells);
    }
    // xlsx and xlsb are streamed cell by cell (a sheet that declares `A1:XFD1048576` costs
    // only its cells); xls and ods sheets, which ingestion has already read whole, as ranges.
    macro_rules! streamed {
        ($workbook:expr) => {{
            let mut reader = $workbook.worksheet_cells_reader(sheet).ok()?;
            let mut cells = Vec::new();
            while let Some(cell) = reader.next_cell().ok()? {
                let (row, col) = cell.get_position();
                let value: Data = cell.get_value().clone().into();
                if value != Data::Empty {
                    cells.push((row, u16::try_from(col).ok()?, value));
                }
                if cells.len() > MAX_COPIED_CELLS {
                    return None;
                }
            }
            Some(cells)
        }};
    }
    match calamine::open_workbook_auto(path).ok()? {
        calamine::Sheets::Xlsx(mut workbook) => streamed!(workbook),
        calamine::Sheets::Xlsb(mut workbook) => streamed!(workbook),
        mut workbook => {
            let range = workbook.worksheet_range(sheet).ok()?;
            let (top, left) = range.start().unwrap_or((0, 0));
            let cells: Vec<(u32, u16, Data)> = range
                .used_cells()
                .filter_map(|(r, c, v)| Some((top + u32::try_from(r).ok()?, u16::try_from(left as usize + c).ok()?, v.clone())))
                .collect();
            (cells.len() <= MAX_COPIED_CELLS).then_some(cells)
        }
    }
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), made unique by its number.
fn sheet_name(number: usize, sheet: &str, file: &str) -> String {
    let base = if sheet.is_empty() { file.rsplit('/').next().unwrap_or(file) } else { sheet };
    let clean: String = base.chars().map(|c| if "[]:*?/\\".contains(c) { '_' } else { c }).collect();
    format!("{number}. {clean}").chars().take(31).collect()
}

/// Writes the feedback workbook of `report` to `path` in `lang`.
pub fn write_feedback(report: &SubmissionReport, lang: Lang, path: &Path) -> Result<FeedbackSummary, FeedbackError> {
    let fail = |source: XlsxError| FeedbackError { path: path.to_path_buf(), source };
    let words = words(lang);
    let listed = problems(report);
    // The sheets with problems at cells, in the order of the list.
    let mut by_sheet: BTreeMap<(String, String), Vec<&ValidationIssue>> = BTreeMap::new();
    for issue in &listed {
        if parse_cell(&issue.cell).is_some() {
            by_sheet.entry((issue.file.clone(), issue.sheet.clone())).or_default().push(issue);
        }
    }
    let mut copies: Vec<(String, String, String, usize)> = Vec::new();
    let mut copy_of: BTreeMap<(String, String), String> = BTreeMap::new();
    let mut sheets: Vec<(String, Vec<(u32, u16, Data)>, Vec<&ValidationIssue>)> = Vec::new();
    for ((file, sheet), issues) in by_sheet {
        let cells = report.path_of(&file).and_then(|p| sheet_cells(p, &sheet));
        match cells {
            Some(cells) => {
                let name = sheet_name(copies.len() + 1, &sheet, &file);
                let mut marked: Vec<(u32, u16)> = issues.iter().filter_map(|i| parse_cell(&i.cell)).collect();
                marked.sort_unstable();
                marked.dedup();
                copies.push((name.clone(), file.clone(), sheet.clone(), marked.len()));
                copy_of.insert((file, sheet), name.clone());
                sheets.push((name, cells, issues));
            }
            None => {
                copy_of.insert((file, sheet), words.not_copied.to_string());
            }
        }
    }

    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold().set_border_bottom(FormatBorder::Thin).set_background_color(Color::RGB(0xDDEBF7));
    let wrap = Format::new().set_text_wrap();
    let list = workbook.add_worksheet().set_name(words.problems).map_err(fail)?;
    for (c, header) in words.headers.iter().enumerate() {
        list.write_string_with_format(0, c as u16, *header, &bold).map_err(fail)?;
    }
    for (r, issue) in listed.iter().enumerate() {
        let row = r as u32 + 1;
        let problem = issue.problem_in(lang);
        let action = issue.action_in(lang);
        let copy = copy_of.get(&(issue.file.clone(), issue.sheet.clone())).filter(|_| parse_cell(&issue.cell).is_some()).cloned().unwrap_or_default();
        let fields = [&issue.file, &issue.sheet, &issue.cell, &issue.column, &issue.value, &issue.rule, issue.severity.as_str(), &problem, action, &copy];
        for (c, field) in fields.iter().enumerate() {
            list.write_string_with_format(row, c as u16, *field, &wrap).map_err(fail)?;
        }
    }
    for (c, width) in [28.0, 16.0, 8.0, 16.0, 18.0, 22.0, 10.0, 60.0, 50.0, 20.0].iter().enumerate() {
        list.set_column_width(c as u16, *width).map_err(fail)?;
    }
    list.set_freeze_panes(1, 0).map_err(fail)?;
    list.autofilter(0, 0, listed.len() as u32, words.headers.len() as u16 - 1).map_err(fail)?;

    let marked_format = Format::new().set_background_color(Color::RGB(0xFFC7CE)).set_font_color(Color::RGB(0x9C0006)).set_border(FormatBorder::Thin);
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (name, cells, issues) in sheets {
        let sheet = workbook.add_worksheet().set_name(&name).map_err(fail)?;
        let mut notes: BTreeMap<(u32, u16), Vec<String>> = BTreeMap::new();
        for issue in &issues {
            if let Some(at) = parse_cell(&issue.cell) {
                notes.entry(at).or_default().push(format!("[{}] {}", issue.rule, issue.text_in(lang)));
            }
        }
        let mut written = std::collections::HashSet::new();
        for (row, col, value) in &cells {
            let marked = notes.contains_key(&(*row, *col));
            if marked {
                written.insert((*row, *col));
            }
            write_cell(sheet, *row, *col, value, marked.then_some(&marked_format), &date).map_err(fail)?;
        }
        for ((row, col), lines) in &notes {
            if !written.contains(&(*row, *col)) {
                sheet.write_blank(*row, *col, &marked_format).map_err(fail)?;
            }
            let note = Note::new(lines.join("\n")).set_author("hestat").add_author_prefix(false).set_width(360).set_height(120);
            sheet.insert_note(*row, *col, &note).map_err(fail)?;
        }
    }
    workbook.save(path).map_err(fail)?;
    Ok(FeedbackSummary { problems: listed.len(), copies })
}

/// One submitted value, masked when it could be an identifier.
fn write_cell(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, value: &Data, format: Option<&Format>, date: &Format) -> Result<(), XlsxError> {
    let plain = Format::new();
    let format = format.unwrap_or(&plain);
    let text = |t: &str| mask_personal(t);
    match value {
        Data::Int(i) => sheet_number_or_mask(sheet, row, col, *i as f64, format),
        Data::Float(f) => sheet_number_or_mask(sheet, row, col, *f, format),
        Data::Bool(b) => sheet.write_boolean_with_format(row, col, *b, format).map(|_| ()),
        Data::DateTime(d) => {
            let format = if format == &plain { date.clone() } else { format.clone().set_num_format("dd.mm.yyyy") };
            sheet.write_number_with_format(row, col, d.as_f64(), &format).map(|_| ())
        }
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => sheet.write_string_with_format(row, col, text(s), format).map(|_| ()),
        Data::Error(e) => sheet.write_string_with_format(row, col, format!("#{e:?}"), format).map(|_| ()),
        Data::Empty => Ok(()),
    }
}

fn sheet_number_or_mask(sheet: &mut rust_xlsxwriter::Worksheet, row: u32, col: u16, n: f64, format: &Format) -> Result<(), XlsxError> {
    if n.fract() == 0.0 && n.abs() >= 1e8 && n.abs() < 1e12 {
        // A 9- to 12-digit whole number may be an IIN (or part of one).
        let shown = mask_personal(&format!("{n:.0}"));
        sheet.write_string_with_format(row, col, shown, format).map(|_| ())
    } else {
        sheet.write_number_with_format(row, col, n, format).map(|_| ())
    }
}
