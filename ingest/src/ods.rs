//! OpenDocument spreadsheets, streamed: `content.xml` is read event by event (quick-xml) and
//! every table row goes to its sheet's processor as soon as it is read, so no sheet is ever
//! held as a grid. Repeated rows and columns (`table:number-rows-repeated`,
//! `table:number-columns-repeated`) are expanded only where they hold content; runs of empty
//! ones are skipped by arithmetic, so a cell at `CQ1048576` costs one cell, not a hundred
//! million. The cells a sheet holds (repeats counted) are limited by `max_sheet_cells`.
//!
//! Hidden sheets are those whose table style says `table:display="false"`; an encrypted
//! (password-protected) package is recognised from its manifest.

use std::borrow::Cow;
use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::QName;

use crate::sheet::{SheetOutcome, SheetProcessor, SheetSettings};
use crate::outcome::{ignored_sheet, FileRejection, Limits, MAX_COLUMNS};
use crate::validation::SheetStatus;
use crate::values::{days_from_civil, Cell};

/// Rows an ODS sheet may have (LibreOffice's and Excel's limit).
const MAX_ROWS: u64 = 1 << 20;

fn xml_error(part: &str, e: impl std::fmt::Display) -> FileRejection {
    FileRejection::corrupt("the spreadsheet's content is damaged", format!("{part}: {e}"))
}

fn attr(e: &BytesStart, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(Cow::into_owned))
}

fn repeats(e: &BytesStart, name: &str) -> u64 {
    attr(e, name).and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(1).max(1)
}

/// Whether the package is encrypted: its manifest has `manifest:encryption-data`.
fn is_encrypted<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> bool {
    let Ok(mut manifest) = zip.by_name("META-INF/manifest.xml") else { return false };
    let mut text = Vec::new();
    // The manifest is small; a damaged one is the content reader's to report.
    let _ = manifest.by_ref().take(16 << 20).read_to_end(&mut text);
    text.windows(b"encryption-data".len()).any(|w| w == b"encryption-data")
}

/// A cell's value from its attributes, or `None` when its text content decides it.
fn typed_value(e: &BytesStart) -> Option<Cell<'static>> {
    let kind = attr(e, "office:value-type").unwrap_or_default();
    if attr(e, "calcext:value-type").as_deref() == Some("error") {
        return None;
    }
    match kind.as_str() {
        "float" | "percentage" | "currency" => attr(e, "office:value").and_then(|v| v.trim().parse::<f64>().ok()).map(Cell::Float),
        "boolean" => attr(e, "office:boolean-value").map(|v| Cell::Bool(v.eq_ignore_ascii_case("true"))),
        "date" => attr(e, "office:date-value").map(|v| {
            let day = v.split('T').next().unwrap_or("");
            let parts: Vec<&str> = day.split('-').collect();
            match parts.as_slice() {
                [y, m, d] => match (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>()) {
                    (Ok(y), Ok(m), Ok(d)) if days_from_civil(y, m, d).is_some() => Cell::Date { year: y, month: m, day: d },
                    _ => Cell::Text(Cow::Owned(v)),
                },
                _ => Cell::Text(Cow::Owned(v)),
            }
        }),
        "time" => attr(e, "office:time-value").map(|v| Cell::Text(Cow::Owned(v))),
        "string" => attr(e, "office:string-value").map(|v| Cell::Text(Cow::Owned(v))),
        _ => None,
    }
}

/// Reads a cell's text content up to its end tag (paragraphs joined by line breaks; `text:s`,
/// `text:tab`, `text:line-break`; annotations left out).
fn cell_text<R: std::io::BufRead>(reader: &mut quick_xml::Reader<R>, end: &str, buf: &mut Vec<u8>) -> Result<String, FileRejection> {
    let mut text = String::new();
    let mut paragraphs = 0;
    let mut annotation = 0usize;
    loop {
        buf.clear();
        match reader.read_event_into(buf).map_err(|e| xml_error("content.xml", e))? {
            Event::End(e) if e.name().as_ref() == end => return Ok(text),
            Event::Start(e) if e.name() == QName("office:annotation") => annotation += 1,
            Event::End(e) if e.name() == QName("office:annotation") => annotation = annotation.saturating_sub(1),
            _ if annotation > 0 => {}
            Event::Start(e) if e.name() == QName("text:p") => {
                if paragraphs > 0 {
                    text.push('\n');
                }
                paragraphs += 1;
            }
            Event::Start(e) | Event::Empty(e) if e.name() == QName("text:s") => {
                let n = repeats(&e, "text:c").min(1024) as usize;
                text.extend(std::iter::repeat_n(' ', n));
            }
            Event::Start(e) | Event::Empty(e) if e.name() == QName("text:tab") => text.push('\t'),
            Event::Start(e) | Event::Empty(e) if e.name() == QName("text:line-break") => text.push('\n'),
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(s) = quick_xml::escape::resolve_xml_entity(&r) {
                    text.push_str(s);
                } else if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                }
            }
            Event::Eof => return Err(xml_error("content.xml", "the file ends inside a cell")),
            _ => {}
        }
    }
}

/// One sheet being read.
struct Table<'a> {
    processor: SheetProcessor<'a>,
    name: String,
    /// The next row's 0-based index.
    row: u64,
    /// Cells with content so far (repeats counted).
    held: u64,
    /// The processor needs no more rows (no header in the scanned rows).
    done: bool,
}

/// Reads every sheet of an ODS package from `content.xml`.
pub fn read_ods<R: Read + Seek>(
    archive: R,
    file: &str,
    settings: SheetSettings,
    limits: &Limits,
) -> Result<Vec<SheetOutcome>, FileRejection> {
    let mut zip = zip::ZipArchive::new(archive).map_err(|e| FileRejection::corrupt("the spreadsheet archive is damaged or incomplete", e.to_string()))?;
    if is_encrypted(&mut zip) {
        return Err(FileRejection::password_protected("ods: the manifest lists encrypted parts"));
    }
    let content = zip.by_name("content.xml").map_err(|e| FileRejection::corrupt("the spreadsheet has no content (content.xml is missing)", e.to_string()))?;
    let mut reader = quick_xml::Reader::from_reader(BufReader::new(content.take(limits.max_part_bytes)));
    reader.config_mut().trim_text(false);
    let mut hidden_styles: Vec<String> = Vec::new();
    let mut style: Option<String> = None;
    let mut outcomes = Vec::new();
    let mut table: Option<Table> = None;
    let mut buf = Vec::with_capacity(4096);
    let mut text_buf = Vec::with_capacity(1024);
    // The row being read: its cells, and how many times it repeats.
    let mut cells: Vec<Cell<'static>> = Vec::new();
    let mut row_repeats = 1u64;
    let mut col = 0u64;
    let mut row_content = 0u64;
    loop {
        buf.clear();
        let event = reader.read_event_into(&mut buf).map_err(|e| xml_error("content.xml", e))?;
        match event {
            Event::Start(e) if e.name() == QName("style:style") => style = attr(&e, "style:name"),
            Event::Start(e) | Event::Empty(e) if e.name() == QName("style:table-properties") => {
                if let (Some(name), Some("false")) = (&style, attr(&e, "table:display").as_deref()) {
                    hidden_styles.push(name.clone());
                }
            }
            Event::Start(e) if e.name() == QName("table:table") => {
                let name = attr(&e, "table:name").unwrap_or_default();
                let hidden = attr(&e, "table:style-name").is_some_and(|s| hidden_styles.contains(&s));
                if hidden {
                    outcomes.push(ignored_sheet(file, &name, SheetStatus::Hidden, "sheet_hidden", "hidden sheet, ignored"));
                    reader.read_to_end_into(e.name(), &mut text_buf).map_err(|e| xml_error("content.xml", e))?;
                    continue;
                }
                // The processor borrows the sheet name for the file's lifetime; names are few.
                let leaked: &'static str = Box::leak(name.clone().into_boxed_str());
                table = Some(Table { processor: SheetProcessor::new(settings, file, leaked), name, row: 0, held: 0, done: false });
            }
            Event::Empty(e) if e.name() == QName("table:table-row") => {
                if let Some(t) = table.as_mut() {
                    t.row = t.row.saturating_add(repeats(&e, "table:number-rows-repeated"));
                }
            }
            Event::Start(e) if e.name() == QName("table:table-row") => {
                if table.as_ref().is_none_or(|t| t.done || t.row >= MAX_ROWS) {
                    reader.read_to_end_into(e.name(), &mut text_buf).map_err(|e| xml_error("content.xml", e))?;
                    if let Some(t) = table.as_mut() {
                        t.row = t.row.saturating_add(repeats(&e, "table:number-rows-repeated"));
                    }
                    continue;
                }
                row_repeats = repeats(&e, "table:number-rows-repeated");
                cells.clear();
                col = 0;
                row_content = 0;
            }
            Event::Start(ref e) | Event::Empty(ref e) if e.name() == QName("table:table-cell") || e.name() == QName("table:covered-table-cell") => {
                let is_start = matches!(event, Event::Start(_));
                let n = repeats(e, "table:number-columns-repeated");
                let error = attr(e, "calcext:value-type").as_deref() == Some("error");
                let mut value = typed_value(e);
                if is_start {
                    let name = e.name().as_ref().to_string();
                    let text = cell_text(&mut reader, &name, &mut text_buf)?;
                    if error {
                        value = Some(Cell::Error(if text.is_empty() { "#ERROR".into() } else { text }));
                    } else if value.is_none() && !text.is_empty() {
                        value = Some(Cell::Text(Cow::Owned(text)));
                    }
                }
                let value = value.filter(|v| !v.is_blank());
                match value {
                    Some(v) if col < u64::from(MAX_COLUMNS) => {
                        let upto = col.saturating_add(n).min(u64::from(MAX_COLUMNS));
                        cells.resize(col as usize, Cell::Empty);
                        for _ in col..upto {
                            cells.push(v.clone());
                        }
                        row_content += upto - col;
                    }
                    _ => {}
                }
                col = col.saturating_add(n);
            }
            Event::End(e) if e.name() == QName("table:table-row") => {
                let Some(t) = table.as_mut() else { continue };
                if row_content > 0 {
                    t.held = t.held.saturating_add(row_content.saturating_mul(row_repeats));
                    if t.held > limits.max_sheet_cells {
                        return Err(FileRejection::sheet_too_large(&t.name, t.held, limits.max_sheet_cells));
                    }
                    for k in 0..row_repeats {
                        let row = t.row + k;
                        if row >= MAX_ROWS || !t.processor.push_row(row as u32, &cells) {
                            t.done = true;
                            break;
                        }
                    }
                }
                t.row = t.row.saturating_add(row_repeats);
            }
            Event::End(e) if e.name() == QName("table:table") => {
                if let Some(t) = table.take() {
                    outcomes.push(t.processor.finish());
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if table.is_some() {
        return Err(xml_error("content.xml", "the file ends inside a sheet (truncated?)"));
    }
    Ok(outcomes)
}
