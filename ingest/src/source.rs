//! Opening submitted files and feeding their rows to [`SheetProcessor`]s.
//!
//! A file's format is taken from its first bytes (and its name only where the bytes leave a
//! choice), never trusted from the extension alone. Before calamine opens an archive
//! (xlsx, xlsm, xlsb, ods), its directory is checked so that no part would expand past the
//! configured size; before a sheet is streamed, its declared dimensions are checked. xlsx
//! sheets are streamed cell by cell by hestat's own reader ([`crate::xlsx_cells`]), which gives
//! calamine's cells faster than calamine; a sheet it declines is read again from its start by
//! calamine's cells reader, as xlsb sheets are; xls and ods sheets
//! come as calamine ranges (xls is at most 65,536 × 256 cells); CSV is decoded from UTF-8 or
//! Windows-1251 and split on the separator it uses.

use std::borrow::Cow;
use std::fs::File;
use std::io::{BufReader, Read, Seek};
use std::path::Path;

use calamine::{Data, DataRef, Reader, SheetType, SheetVisible, Xls, XlsError, XlsOptions, Xlsb, Xlsx, XlsxError};

pub use crate::outcome::{FileOutcome, FileRejection, Format, Limits};
use crate::outcome::{check_file_size, ignored_sheet, MAX_COLUMNS};
use crate::sheet::{SheetOutcome, SheetProcessor, SheetSettings};
use crate::validation::{SheetStatus, Severity, ValidationIssue};
use crate::values::{recycle, Cell};

const ZIP_MAGIC: [u8; 4] = *b"PK\x03\x04";
const CFB_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase()
}

/// Decides the format from the first bytes and the name.
pub fn sniff_format(path: &Path, head: &[u8]) -> Result<Format, FileRejection> {
    let ext = extension(path);
    if head.starts_with(&ZIP_MAGIC) {
        return Ok(match ext.as_str() {
            "xlsb" => Format::Xlsb,
            "ods" => Format::Ods,
            _ => Format::Xlsx,
        });
    }
    if head.starts_with(&CFB_MAGIC) {
        return Ok(Format::Xls);
    }
    if let Some(version) = old_excel_version(head).filter(|_| head.contains(&0)) {
        return Err(FileRejection::new(
            "old_excel_format",
            format!("the file is in the {version} format, which hestat cannot read: open it in Excel or LibreOffice and save it as .xlsx"),
        ));
    }
    if matches!(ext.as_str(), "csv" | "txt" | "tsv") {
        let utf16 = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
        if head.contains(&0) && !utf16 {
            return Err(FileRejection::new("not_a_spreadsheet", "the file is named .csv but holds binary data, not text: export the sheet as CSV again, or send the workbook"));
        }
        return Ok(Format::Csv);
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods") {
        return Err(FileRejection::corrupt(&format!("the file is named .{ext} but is not a workbook (damaged, cut short or renamed)"), ""));
    }
    Err(FileRejection::new("not_a_spreadsheet", "this is not a spreadsheet: send the data as .xlsx, .xls, .ods or .csv"))
}

/// An Excel file from before Excel 5 (BIFF2 to BIFF4): a bare record stream (not an OLE
/// container) that opens with its BOF record.
fn old_excel_version(head: &[u8]) -> Option<&'static str> {
    match head.get(..2)? {
        [0x09, 0x00] => Some("Excel 2.x (BIFF2)"),
        [0x09, 0x02] => Some("Excel 3.0 (BIFF3)"),
        [0x09, 0x04] => Some("Excel 4.0 (BIFF4)"),
        _ => None,
    }
}

/// Checks an archive's directory: every part must stay under the size limits, and a zip
/// must be a workbook. Returns the relationship ids of sheets of kinds calamine refuses.
fn check_archive(path: &Path, limits: &Limits) -> Result<Vec<String>, FileRejection> {
    let file = File::open(path).map_err(|e| FileRejection::unreadable(&e))?;
    let mut archive = zip::ZipArchive::new(BufReader::new(file))
        .map_err(|e| FileRejection::corrupt("the workbook (a zip archive) is damaged or incomplete, perhaps cut short while uploading", e.to_string()))?;
    let workbook_part = ["xl/workbook.xml", "xl/workbook.bin", "content.xml"];
    if !workbook_part.iter().any(|p| archive.index_for_name(p).is_some()) {
        let office = archive.index_for_name("[Content_Types].xml").is_some();
        return Err(FileRejection::new(
            "not_a_spreadsheet",
            if office {
                "this is an Office document but not a workbook (a Word or PowerPoint file?): send the spreadsheet"
            } else {
                "this is a zip archive, not a workbook: unpack it and send the spreadsheets it holds"
            },
        ));
    }
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let part = archive
            .by_index_raw(i)
            .map_err(|e| FileRejection::corrupt("the workbook (a zip archive) is damaged or incomplete", e.to_string()))?;
        let size = part.size();
        if size > limits.max_part_bytes {
            let name = part.name().map(|n| n.into_owned()).unwrap_or_default();
            return Err(FileRejection::new(
                "archive_too_large",
                format!(
                    "the workbook would unpack to more than {} bytes (one of its parts to {size}), more than hestat accepts from one file: split the data into smaller files",
                    limits.max_part_bytes
                ),
            )
            .with_detail(format!("part {name}: {size} bytes uncompressed (limit max_part_bytes = {})", limits.max_part_bytes)));
        }
        total = total.saturating_add(size);
    }
    if total > limits.max_total_bytes {
        return Err(FileRejection::new(
            "archive_too_large",
            format!(
                "the workbook would unpack to {total} bytes, more than the {} bytes hestat accepts from one file: split the data into smaller files",
                limits.max_total_bytes
            ),
        )
        .with_detail(format!("{} parts, {total} bytes uncompressed (limit max_total_bytes = {})", archive.len(), limits.max_total_bytes)));
    }
    Ok(crate::xlsx_sheets::unknown_sheet_ids(&mut archive))
}

/// A streamed cell as a [`Cell`], borrowing its text (shared or inline strings alike).
fn data_ref_cell<'r>(value: &'r DataRef<'_>) -> Cell<'r> {
    match value {
        DataRef::Int(i) => Cell::Int(*i),
        DataRef::Float(f) => Cell::Float(*f),
        DataRef::String(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        DataRef::SharedString(s) => Cell::Text(Cow::Borrowed(s)),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(dt) => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            Cell::Date { year: i32::from(year), month: u32::from(month), day: u32::from(day) }
        }
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(Cow::Borrowed(s.as_str())),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn data_cell(value: &Data) -> Cell<'_> {
    match value {
        Data::Int(i) => Cell::Int(*i),
        Data::Float(f) => Cell::Float(*f),
        Data::String(s) => Cell::Text(Cow::Borrowed(s)),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(dt) => {
            let (year, month, day, ..) = dt.to_ymd_hms_milli();
            Cell::Date { year: i32::from(year), month: u32::from(month), day: u32::from(day) }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(Cow::Borrowed(s)),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}


/// The number of cells a sheet's dimension tag declares.
fn declared_cells(d: calamine::Dimensions) -> u64 {
    (u64::from(d.end.0) + 1).saturating_sub(u64::from(d.start.0)) * (u64::from(d.end.1) + 1).saturating_sub(u64::from(d.start.1))
}

/// A declared dimension is a hint, not content: one larger than the cell limit is a warning
/// (some writers declare `A1:XFD1048576` for a few cells), and the cells are counted as they
/// are streamed.
fn warn_if_declared_too_large(d: calamine::Dimensions, processor: &mut SheetProcessor, limits: &Limits) {
    let declared = declared_cells(d);
    if declared > limits.max_sheet_cells {
        processor.warn(
            "dimension_overstated",
            format!(
                "the sheet declares the range {}:{} ({declared} cells), more than the {} cells hestat reads from one sheet; \
                 the cells it really holds are read and counted",
                crate::validation::cell_ref(d.start.1, d.start.0),
                crate::validation::cell_ref(d.end.1, d.end.0),
                limits.max_sheet_cells
            ),
        );
    }
}

/// Streams cells in row order into the processor, one row at a time. The row's calamine
/// cells are kept as they come and lent to the processor, so no text is copied. `errors` are
/// cells the reader drops (xlsb formula cells with an error result: row, column, error, in
/// row order), put back in their rows. Cells are counted: a sheet that holds more than the
/// limit is refused. Returns false when the processor stopped early.
fn stream_cells<'a, E: std::fmt::Display>(
    mut next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E>,
    processor: &mut SheetProcessor,
    sheet: &str,
    limits: &Limits,
    errors: &[(u32, u32, String)],
) -> Result<bool, FileRejection> {
    let mut raw: Vec<calamine::Cell<DataRef<'a>>> = Vec::new();
    let mut spare: Vec<Cell<'static>> = Vec::new();
    let mut current: Option<u32> = None;
    let mut held = errors.len() as u64;
    let mut errors = errors;
    // Hands rows to the processor: the error-only rows before `row`, then `row` itself.
    let mut flush = |row: Option<u32>, raw: &[calamine::Cell<DataRef<'_>>], errors: &mut &[(u32, u32, String)], spare: &mut Vec<Cell<'static>>| {
        while let Some(&(r, ..)) = errors.first().filter(|e| row.is_none_or(|row| e.0 < row)) {
            let n = errors.iter().take_while(|e| e.0 == r).count();
            let (mine, rest) = errors.split_at(n);
            *errors = rest;
            if !push_streamed_row(r, &[], mine, processor, spare) {
                return false;
            }
        }
        let Some(row) = row else { return true };
        let n = errors.iter().take_while(|e| e.0 == row).count();
        let (mine, rest) = errors.split_at(n);
        *errors = rest;
        push_streamed_row(row, raw, mine, processor, spare)
    };
    loop {
        let next = next().map_err(|e| sheet_unreadable(sheet, e))?;
        let Some(cell) = next else { break };
        held += 1;
        if held > limits.max_sheet_cells {
            return Err(FileRejection::sheet_too_large(sheet, held, limits.max_sheet_cells));
        }
        let (row, col) = cell.get_position();
        if current != Some(row) {
            if current.is_some() && !flush(current, &raw, &mut errors, &mut spare) {
                return Ok(false);
            }
            raw.clear();
            current = Some(row);
        }
        if col < MAX_COLUMNS {
            raw.push(cell);
        }
    }
    if current.is_some() && !flush(current, &raw, &mut errors, &mut spare) {
        return Ok(false);
    }
    Ok(flush(None, &[], &mut errors, &mut spare))
}

/// Rows a sheet must declare for its cells to be read on a thread of their own.
const PIPELINED_ROWS: u32 = 50_000;

/// Cells handed from the reading thread at a time.
const CELLS_PER_CHUNK: usize = 8192;

/// [`stream_cells`] for a large sheet: the reader (inflating and parsing the sheet's XML)
/// runs on a thread of its own and hands cells over in chunks, while this thread lays out
/// rows and builds the typed columns. A national export in one sheet then uses two cores.
/// When the processor stops early, the reader stops at its next chunk.
fn stream_cells_pipelined<'a, E: std::fmt::Display + Send>(
    next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E> + Send,
    processor: &mut SheetProcessor,
    sheet: &str,
    limits: &Limits,
    errors: &[(u32, u32, String)],
) -> Result<bool, FileRejection> {
    type Chunk<'a, E> = Result<Vec<calamine::Cell<DataRef<'a>>>, E>;
    std::thread::scope(|scope| {
        let (send, receive) = std::sync::mpsc::sync_channel::<Chunk<'a, E>>(4);
        scope.spawn(move || {
            let mut next = next;
            let mut chunk = Vec::with_capacity(CELLS_PER_CHUNK);
            loop {
                match next() {
                    Ok(Some(cell)) => {
                        chunk.push(cell);
                        if chunk.len() == CELLS_PER_CHUNK && send.send(Ok(std::mem::replace(&mut chunk, Vec::with_capacity(CELLS_PER_CHUNK)))).is_err() {
                            return;
                        }
                    }
                    Ok(None) => {
                        let _ = send.send(Ok(chunk));
                        return;
                    }
                    Err(e) => {
                        let _ = send.send(Err(e));
                        return;
                    }
                }
            }
        });
        let mut chunks = receive.into_iter();
        let mut current = Vec::new().into_iter();
        stream_cells(
            move || loop {
                if let Some(cell) = current.next() {
                    return Ok(Some(cell));
                }
                match chunks.next() {
                    Some(Ok(chunk)) => current = chunk.into_iter(),
                    Some(Err(e)) => return Err(e),
                    None => return Ok(None),
                }
            },
            processor,
            sheet,
            limits,
            errors,
        )
    })
}

/// [`stream_cells`], on two threads for a sheet that declares at least [`PIPELINED_ROWS`] rows.
fn stream_sheet<'a, E: std::fmt::Display + Send>(
    dimensions: calamine::Dimensions,
    next: impl FnMut() -> Result<Option<calamine::Cell<DataRef<'a>>>, E> + Send,
    processor: &mut SheetProcessor,
    sheet: &str,
    limits: &Limits,
    errors: &[(u32, u32, String)],
) -> Result<bool, FileRejection> {
    if dimensions.end.0.saturating_sub(dimensions.start.0) >= PIPELINED_ROWS {
        stream_cells_pipelined(next, processor, sheet, limits, errors)
    } else {
        stream_cells(next, processor, sheet, limits, errors)
    }
}

/// Reads an xlsx sheet with hestat's own reader ([`crate::xlsx_cells`]). `None` when it has
/// no part for the sheet or declines something in it, perhaps after some rows: the caller
/// then gives calamine a fresh processor and the sheet from its start.
fn read_own_xlsx(own: &mut crate::xlsx_cells::Workbook, name: &str, processor: &mut SheetProcessor, limits: &Limits) -> Option<Result<(), FileRejection>> {
    let mut cells = own.cells(name)?.ok()?;
    let dimensions = cells.dimensions();
    warn_if_declared_too_large(dimensions, processor, limits);
    let declined = std::sync::atomic::AtomicBool::new(false);
    let next = || {
        cells.next_cell().inspect_err(|_| declined.store(true, std::sync::atomic::Ordering::Relaxed))
    };
    let read = stream_sheet(dimensions, next, processor, name, limits, &[]);
    match read {
        Err(_) if declined.load(std::sync::atomic::Ordering::Relaxed) => None,
        read => Some(read.map(drop)),
    }
}

/// Flags a sheet with cells written as short records, which the reader cannot see.
fn warn_of_short_records(processor: &mut SheetProcessor, short_cells: u64) {
    if short_cells > 0 {
        processor.warn(
            "xlsb_cells_missing",
            format!(
                "{short_cells} cells of this sheet are written as short records (as some programs other than Excel write xlsb), \
                 which hestat cannot read: open the file in Excel and save it again"
            ),
        );
    }
}

/// Lays a row's streamed cells (and the error cells the reader dropped) out by column and
/// hands them to the processor.
fn push_streamed_row(
    row: u32,
    raw: &[calamine::Cell<DataRef<'_>>],
    errors: &[(u32, u32, String)],
    processor: &mut SheetProcessor,
    spare: &mut Vec<Cell<'static>>,
) -> bool {
    let mut cells: Vec<Cell> = recycle(std::mem::take(spare));
    for cell in raw {
        let col = cell.get_position().1 as usize;
        let value = data_ref_cell(cell.get_value());
        if col >= cells.len() {
            cells.resize(col, Cell::Empty);
            cells.push(value);
        } else {
            cells[col] = value;
        }
    }
    for (_, col, error) in errors.iter().filter(|e| e.1 < MAX_COLUMNS) {
        let col = *col as usize;
        if col >= cells.len() {
            cells.resize(col + 1, Cell::Empty);
        }
        cells[col] = Cell::Error(error.clone());
    }
    let more = processor.push_row(row, &cells);
    *spare = recycle(cells);
    more
}

/// Feeds a calamine range (xls) into the processor.
fn feed_range(range: &calamine::Range<Data>, processor: &mut SheetProcessor) {
    let Some((start_row, start_col)) = range.start() else { return };
    let mut row_cells: Vec<Cell> = Vec::new();
    for (i, cells) in range.rows().enumerate() {
        row_cells.clear();
        row_cells.resize(start_col as usize, Cell::Empty);
        row_cells.extend(cells.iter().map(data_cell));
        if !processor.push_row(start_row + i as u32, &row_cells) {
            return;
        }
    }
}

/// Lists a workbook's sheets and reads each visible worksheet with `read_sheet`.
fn read_workbook<'a, RS: Read + Seek, R: Reader<RS>>(
    workbook: &mut R,
    file: &'a str,
    settings: SheetSettings<'a>,
    mut read_sheet: impl FnMut(&mut R, &str, &mut SheetProcessor<'a>) -> Result<(), FileRejection>,
) -> Result<Vec<SheetOutcome>, FileRejection> {
    let sheets = workbook.sheets_metadata().to_vec();
    let mut outcomes = Vec::with_capacity(sheets.len());
    for sheet in sheets {
        if sheet.visible != SheetVisible::Visible {
            outcomes.push(ignored_sheet(file, &sheet.name, SheetStatus::Hidden, "sheet_hidden", "hidden sheet, ignored"));
            continue;
        }
        if sheet.typ != SheetType::WorkSheet {
            outcomes.push(ignored_sheet(
                file,
                &sheet.name,
                SheetStatus::NotRecognised,
                "not_a_worksheet",
                "chart, dialog or macro sheet, ignored",
            ));
            continue;
        }
        let mut processor = SheetProcessor::new(settings, file, &sheet.name);
        read_sheet(workbook, &sheet.name, &mut processor)?;
        outcomes.push(processor.finish());
    }
    Ok(outcomes)
}

fn sheet_unreadable(name: &str, error: impl std::fmt::Display) -> FileRejection {
    FileRejection::corrupt(&format!("sheet {name} is damaged"), error.to_string())
}

/// Reads every sheet of a workbook that calamine reads as ranges (xls).
fn read_ranged<RS: Read + Seek, R: Reader<RS>>(
    workbook: &mut R,
    file: &str,
    settings: SheetSettings,
) -> Result<Vec<SheetOutcome>, FileRejection>
where
    R::Error: std::fmt::Display,
{
    read_workbook(workbook, file, settings, |wb: &mut R, name, processor| {
        let range = wb.worksheet_range(name).map_err(|e| sheet_unreadable(name, e))?;
        feed_range(&range, processor);
        Ok(())
    })
}

fn open_failure(kind: &str, message: String, password: bool) -> FileRejection {
    if password {
        FileRejection::password_protected(format!("{kind}: {message}"))
    } else {
        FileRejection::corrupt(&format!("the {kind} workbook is damaged or incomplete"), message)
    }
}

/// Reads one file into sheet outcomes, or refuses it whole.
pub fn read_file(path: &Path, file: &str, settings: SheetSettings, limits: &Limits) -> Result<FileOutcome, FileRejection> {
    let mut head = [0u8; 8];
    let head_len = {
        let mut f = File::open(path).map_err(|e| FileRejection::unreadable(&e))?;
        let mut n = 0;
        while n < head.len() {
            match f.read(&mut head[n..]) {
                Ok(0) => break,
                Ok(k) => n += k,
                Err(e) => return Err(FileRejection::unreadable(&e)),
            }
        }
        n
    };
    if head_len == 0 {
        return Err(FileRejection::new("empty_file", "the file is empty (0 bytes): send it again"));
    }
    let format = sniff_format(path, &head[..head_len])?;
    let mut file_issues = Vec::new();
    let open = || File::open(path).map(BufReader::new).map_err(|e| FileRejection::unreadable(&e));
    // The xlsx and xlsb cell readers share no trait (and calamine does not export the xlsb
    // reader's type), so their identical streaming code is written once, here.
    // `$extras`: what calamine's xlsb reader drops (error results of formulas, short
    // records), found by hestat's own pass over the sheet parts.
    macro_rules! streamed {
        ($workbook:ty, $kind:literal, $password:pat, $extras:expr, $reader:expr) => {{
            let extras: std::collections::HashMap<String, crate::xlsb_scan::SheetExtras> = $extras;
            let mut wb: $workbook = <$workbook>::new($reader)
                .map_err(|e| open_failure($kind, e.to_string(), matches!(e, $password)))?;
            read_workbook(&mut wb, file, settings, |wb: &mut $workbook, name, processor| {
                let mut reader = wb.worksheet_cells_reader(name).map_err(|e| sheet_unreadable(name, e))?;
                warn_if_declared_too_large(reader.dimensions(), processor, limits);
                let sheet_extras = extras.get(name).cloned().unwrap_or_default();
                let whole = stream_sheet(reader.dimensions(), || reader.next_cell(), processor, name, limits, &sheet_extras.errors)?;
                if whole {
                    warn_of_short_records(processor, sheet_extras.short_cells);
                }
                Ok(())
            })?
        }};
    }
    let sheets = match format {
        Format::Xlsx => {
            let unknown = check_archive(path, limits)?;
            match (!unknown.is_empty()).then(|| crate::xlsx_sheets::without_unknown_sheets(open().ok()?, &unknown)).flatten() {
                // Macro sheets (a kind calamine refuses) are listed; the worksheets load.
                Some((bytes, others)) => {
                    let mut sheets = streamed!(Xlsx<_>, "xlsx", XlsxError::Password, std::collections::HashMap::new(), std::io::Cursor::new(bytes));
                    sheets.extend(others.iter().map(|name| {
                        ignored_sheet(file, name, SheetStatus::NotRecognised, "not_a_worksheet", "chart, dialog or macro sheet, ignored")
                    }));
                    sheets
                }
                None => {
                    let mut wb: Xlsx<_> = Xlsx::new(open()?).map_err(|e| open_failure("xlsx", e.to_string(), matches!(e, XlsxError::Password)))?;
                    let mut own = crate::xlsx_cells::Workbook::open(path, wb.has_1904_epoch());
                    read_workbook(&mut wb, file, settings, |wb: &mut Xlsx<_>, name, processor| {
                        if let Some(read) = own.as_mut().and_then(|own| read_own_xlsx(own, name, processor, limits)) {
                            return read;
                        }
                        *processor = SheetProcessor::new(settings, file, name);
                        let mut reader = wb.worksheet_cells_reader(name).map_err(|e| sheet_unreadable(name, e))?;
                        warn_if_declared_too_large(reader.dimensions(), processor, limits);
                        stream_sheet(reader.dimensions(), || reader.next_cell(), processor, name, limits, &[]).map(drop)
                    })?
                }
            }
        }
        Format::Xlsb => {
            check_archive(path, limits)?;
            streamed!(Xlsb<_>, "xlsb", calamine::XlsbError::Password, crate::xlsb_scan::scan(open()?), open()?)
        }
        Format::Ods => {
            check_archive(path, limits)?;
            crate::ods::read_ods(open()?, file, settings, limits)?
        }
        Format::Xls => {
            check_file_size(path, limits)?;
            let prepared = crate::xls_scan::prepare(path, limits)?;
            let open_xls = |codepage: Option<u16>| {
                let mut options = XlsOptions::default();
                options.force_codepage = codepage;
                Xls::new_with_options(std::io::Cursor::new(&prepared.bytes[..]), options)
            };
            let mut notes: Vec<(String, &str, String)> = prepared.warnings.clone();
            let mut wb = match open_xls(None) {
                // A code page calamine does not know: BIFF8 text is UTF-16 whatever the code
                // page says; BIFF5 text is read as Windows-1251, the code page of Russian and
                // Kazakh Excel, and the file says so. (calamine does not export its error
                // type: it is told by its words.)
                Err(XlsError::Cfb(e)) if e.to_string().starts_with("Codepage") => {
                    let named = prepared.codepage.map_or(String::new(), |cp| format!(" ({cp:#06X})"));
                    let (codepage, read_as) = if prepared.biff8 { (1200, "Unicode, as every Excel 97+ file stores it") } else { (1251, "Windows-1251") };
                    notes.push((String::new(), "unknown_code_page", format!("the workbook names an unknown code page{named}; its text is read as {read_as}")));
                    open_xls(Some(codepage))
                }
                other => other,
            }
            .map_err(|e| open_failure("xls", e.to_string(), matches!(e, XlsError::Password)))?;
            let mut sheets = read_ranged(&mut wb, file, settings)?;
            for (sheet, rule, message) in notes {
                let issue = ValidationIssue::new(file, &sheet, String::new(), "", "", rule, Severity::Warning, message, 0);
                match sheets.iter_mut().find(|s| s.account.sheet == sheet) {
                    Some(outcome) => outcome.issues.push(issue),
                    None => file_issues.push(issue),
                }
            }
            sheets
        }
        Format::Csv => return crate::csv_source::read_csv(path, file, settings, limits),
    };
    Ok(FileOutcome { sheets, issues: file_issues, rejected: false })
}

