//! Writers of test workbooks in every format hestat reads except xlsb (no writer of it exists
//! in Rust, and calamine reads it through the same cell path as xlsx; the committed SheetJS
//! fixtures cover it): xlsx/xlsm (rust_xlsxwriter), xls (a minimal BIFF8 workbook written
//! record by record into an OLE container), ods (content.xml written by hand into a zip), and
//! CSV in UTF-8 (with or without BOM) or Windows-1251.
//!
//! A [`Book`] is format-independent: sheets of [`W`] cells, an optional merged title, hidden
//! sheets and the date system. [`Format::cannot_express`] says what a format cannot hold, so a
//! test can skip that case and say why.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;

/// One cell to write.
#[derive(Debug, Clone, PartialEq)]
pub enum W {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date cell: the civil date, written as a serial of the book's date system with a
    /// date format (xlsx, xls) or as an ISO date value (ods).
    Date(i32, u32, u32),
}

impl W {
    pub fn text(s: impl Into<String>) -> W {
        W::Text(s.into())
    }
}

#[derive(Debug, Clone, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<W>>,
    pub hidden: bool,
    /// A title merged across columns `0..=last_col` of row `row`.
    pub merged: Option<(u32, u16)>,
    /// xls only: the sheet type of its BoundSheet8 record (0 worksheet, 1 macro sheet, …).
    pub xls_type: u8,
    /// xls only: a DIMENSIONS record declaring (first row, last row + 1, first column, last
    /// column + 1).
    pub xls_dimensions: Option<(u32, u32, u16, u16)>,
}

#[derive(Debug, Clone, Default)]
pub struct Book {
    pub sheets: Vec<Sheet>,
    pub date1904: bool,
    /// xls only: extra records of the workbook globals, after BOF (a CODEPAGE, a FILEPASS).
    pub xls_globals: Vec<(u16, Vec<u8>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xlsm,
    Xls,
    Ods,
    CsvUtf8,
    CsvUtf8Bom,
    Csv1251,
}

impl Format {
    pub const ALL: [Format; 7] =
        [Format::Xlsx, Format::Xlsm, Format::Xls, Format::Ods, Format::CsvUtf8, Format::CsvUtf8Bom, Format::Csv1251];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::CsvUtf8 | Format::CsvUtf8Bom | Format::Csv1251 => "csv",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xlsm => "xlsm",
            Format::Xls => "xls",
            Format::Ods => "ods",
            Format::CsvUtf8 => "csv-utf8",
            Format::CsvUtf8Bom => "csv-utf8-bom",
            Format::Csv1251 => "csv-1251",
        }
    }

    fn is_csv(self) -> bool {
        matches!(self, Format::CsvUtf8 | Format::CsvUtf8Bom | Format::Csv1251)
    }

    /// Why this format cannot hold the book as drafted (`None`: it can).
    pub fn cannot_express(self, book: &Book) -> Option<String> {
        let cells = || book.sheets.iter().flat_map(|s| s.rows.iter().flatten());
        if self.is_csv() {
            if book.sheets.len() > 1 {
                return Some("a CSV file has one sheet (no cover or hidden sheets)".into());
            }
            if cells().any(|c| matches!(c, W::Date(..))) {
                return Some("a CSV file has no date cells, only text".into());
            }
            if cells().any(|c| matches!(c, W::Bool(_))) {
                return Some("a CSV file has no boolean cells, only text".into());
            }
            if book.date1904 {
                return Some("a CSV file has no date system".into());
            }
        }
        if self == Format::Ods && book.date1904 {
            return Some("ODS stores dates as ISO dates, with no 1900/1904 date system".into());
        }
        if self == Format::Csv1251 {
            let text: String = cells()
                .filter_map(|c| if let W::Text(t) = c { Some(t.as_str()) } else { None })
                .chain(book.sheets.iter().map(|s| s.name.as_str()))
                .collect::<Vec<_>>()
                .join("");
            let (_, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&text);
            if unmappable {
                return Some("Windows-1251 has no Kazakh letters (ә, ғ, қ, ң, ө, ұ, ү, һ, і)".into());
            }
        }
        None
    }

    /// Writes `book` to `path` (the extension is the caller's).
    pub fn write(self, path: &Path, book: &Book) {
        std::fs::create_dir_all(path.parent().expect("a file path")).expect("make the folder");
        match self {
            Format::Xlsx | Format::Xlsm => write_xlsx(path, book),
            Format::Xls => std::fs::write(path, xls_bytes(book)).expect("write xls"),
            Format::Ods => std::fs::write(path, ods_bytes(book)).expect("write ods"),
            Format::CsvUtf8 => std::fs::write(path, csv_text(&book.sheets[0], ',').into_bytes()).expect("write csv"),
            Format::CsvUtf8Bom => {
                let mut bytes = b"\xEF\xBB\xBF".to_vec();
                bytes.extend(csv_text(&book.sheets[0], ',').into_bytes());
                std::fs::write(path, bytes).expect("write csv")
            }
            Format::Csv1251 => {
                let text = csv_text(&book.sheets[0], ';');
                let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(&text);
                assert!(!unmappable, "checked by cannot_express");
                std::fs::write(path, bytes).expect("write csv")
            }
        }
    }
}

/// Days since 1970-01-01 (proleptic Gregorian).
fn days_from_civil(year: i32, month: u32, day: u32) -> i64 {
    let y = i64::from(if month <= 2 { year - 1 } else { year });
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Excel serial of a date in the 1900 system (dates after 1900-02-28) or the 1904 one.
pub fn excel_serial(year: i32, month: u32, day: u32, date1904: bool) -> f64 {
    let days = days_from_civil(year, month, day);
    (if date1904 { days + 24_107 } else { days + 25_569 }) as f64
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

// ---- xlsx / xlsm ----------------------------------------------------------------------

fn write_xlsx(path: &Path, book: &Book) {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let mut wb = Workbook::new();
    let date = CellFormat::new().set_num_format("dd.mm.yyyy");
    for sheet in &book.sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).expect("sheet name");
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if let Some((mr, last)) = sheet.merged {
                    if mr == r && c == 0 && last > 0 {
                        if let W::Text(t) = cell {
                            ws.merge_range(r, 0, r, last, t, &CellFormat::new()).expect("merge");
                            continue;
                        }
                    }
                }
                match cell {
                    W::Empty => {}
                    W::Text(t) => {
                        ws.write_string(r, c, t).expect("write");
                    }
                    W::Number(n) => {
                        ws.write_number(r, c, *n).expect("write");
                    }
                    W::Bool(b) => {
                        ws.write_boolean(r, c, *b).expect("write");
                    }
                    W::Date(y, m, d) => {
                        ws.write_number_with_format(r, c, excel_serial(*y, *m, *d, book.date1904), &date).expect("write");
                    }
                }
            }
        }
        if sheet.hidden {
            ws.set_hidden(true);
        }
    }
    wb.save(path).expect("save xlsx");
    if book.date1904 {
        switch_to_1904(path);
    }
}

/// Rewrites `xl/workbook.xml` of an xlsx to declare the 1904 date system.
pub fn switch_to_1904(path: &Path) {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("part");
        let mut data = Vec::new();
        f.read_to_end(&mut data).expect("read");
        let name = f.name().expect("name").into_owned();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(data).expect("utf8").replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1);
            assert!(text.contains("date1904"));
            data = text.into_bytes();
        }
        parts.push((name, data));
    }
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).expect("create"));
    for (name, data) in parts {
        writer.start_file(name, zip::write::SimpleFileOptions::default()).expect("part");
        writer.write_all(&data).expect("write");
    }
    writer.finish().expect("finish");
}

// ---- xls (BIFF8) ------------------------------------------------------------------------

fn record(out: &mut Vec<u8>, typ: u16, data: &[u8]) {
    assert!(data.len() <= 8224, "a BIFF8 record holds at most 8224 bytes");
    out.extend(typ.to_le_bytes());
    out.extend((data.len() as u16).to_le_bytes());
    out.extend(data);
}

fn bof(dt: u16) -> Vec<u8> {
    let mut d = Vec::new();
    d.extend(0x0600u16.to_le_bytes()); // BIFF8
    d.extend(dt.to_le_bytes());
    d.extend(0x0DBBu16.to_le_bytes()); // build
    d.extend(0x07CCu16.to_le_bytes()); // year
    d.extend(0u32.to_le_bytes());
    d.extend(0x0006u32.to_le_bytes());
    d
}

/// XLUnicodeString: 16-bit length, flags (UTF-16), characters.
fn unicode_string(text: &str, short: bool) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut d = Vec::new();
    if short {
        d.push(units.len() as u8);
    } else {
        d.extend((units.len() as u16).to_le_bytes());
    }
    d.push(1); // fHighByte: two bytes a character
    for u in units {
        d.extend(u.to_le_bytes());
    }
    d
}

/// A BIFF8 workbook: globals (BOF, code page 1200, date mode, two XFs: general and date,
/// one BoundSheet8 per sheet), then each sheet's substream (BOF, cells, merged cells, EOF),
/// in an OLE compound file as the `Workbook` stream.
pub fn xls_bytes(book: &Book) -> Vec<u8> {
    const XF_GENERAL: u16 = 0;
    const XF_DATE: u16 = 1;
    let mut sheets_streams = Vec::new();
    for sheet in &book.sheets {
        let mut s = Vec::new();
        record(&mut s, 0x0809, &bof(0x0010));
        if let Some((r0, r1, c0, c1)) = sheet.xls_dimensions {
            let mut d = Vec::new();
            d.extend(r0.to_le_bytes());
            d.extend(r1.to_le_bytes());
            d.extend(c0.to_le_bytes());
            d.extend(c1.to_le_bytes());
            d.extend(0u16.to_le_bytes());
            record(&mut s, 0x0200, &d);
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let mut head = Vec::new();
                head.extend((r as u16).to_le_bytes());
                head.extend((c as u16).to_le_bytes());
                match cell {
                    W::Empty => {}
                    W::Text(t) => {
                        head.extend(XF_GENERAL.to_le_bytes());
                        head.extend(unicode_string(t, false));
                        record(&mut s, 0x0204, &head);
                    }
                    W::Number(n) => {
                        head.extend(XF_GENERAL.to_le_bytes());
                        head.extend(n.to_le_bytes());
                        record(&mut s, 0x0203, &head);
                    }
                    W::Date(y, m, d) => {
                        head.extend(XF_DATE.to_le_bytes());
                        head.extend(excel_serial(*y, *m, *d, book.date1904).to_le_bytes());
                        record(&mut s, 0x0203, &head);
                    }
                    W::Bool(b) => {
                        head.extend(XF_GENERAL.to_le_bytes());
                        head.push(u8::from(*b));
                        head.push(0); // a boolean, not an error
                        record(&mut s, 0x0205, &head);
                    }
                }
            }
        }
        if let Some((row, last)) = sheet.merged {
            let mut d = Vec::new();
            d.extend(1u16.to_le_bytes());
            d.extend((row as u16).to_le_bytes());
            d.extend((row as u16).to_le_bytes());
            d.extend(0u16.to_le_bytes());
            d.extend(last.to_le_bytes());
            record(&mut s, 0x00E5, &d);
        }
        record(&mut s, 0x000A, &[]);
        sheets_streams.push(s);
    }
    // Globals, with the sheets' offsets patched in once the globals' length is known.
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    for (typ, data) in &book.xls_globals {
        record(&mut globals, *typ, data);
    }
    if !book.xls_globals.iter().any(|(t, _)| *t == 0x0042) {
        record(&mut globals, 0x0042, &1200u16.to_le_bytes());
    }
    record(&mut globals, 0x0022, &u16::from(book.date1904).to_le_bytes());
    for ifmt in [0u16, 14] {
        let mut xf = vec![0u8; 20];
        xf[2..4].copy_from_slice(&ifmt.to_le_bytes());
        record(&mut globals, 0x00E0, &xf);
    }
    let mut offsets_at = Vec::new();
    for sheet in &book.sheets {
        let mut d = vec![0u8; 4];
        d.push(u8::from(sheet.hidden));
        d.push(sheet.xls_type);
        d.extend(unicode_string(&sheet.name, true));
        offsets_at.push(globals.len() + 4);
        record(&mut globals, 0x0085, &d);
    }
    record(&mut globals, 0x000A, &[]);
    let mut position = globals.len();
    for (at, stream) in offsets_at.iter().zip(&sheets_streams) {
        globals[*at..*at + 4].copy_from_slice(&(position as u32).to_le_bytes());
        position += stream.len();
    }
    let mut workbook = globals;
    for stream in sheets_streams {
        workbook.extend(stream);
    }
    // Version 3 (512-byte sectors), as Excel writes it: calamine did not find the Workbook
    // stream in the version-4 containers that the cfb crate writes by default.
    let mut container = cfb::CompoundFile::create_with_version(cfb::Version::V3, std::io::Cursor::new(Vec::new())).expect("cfb");
    {
        let mut stream = container.create_stream("/Workbook").expect("stream");
        stream.write_all(&workbook).expect("write stream");
    }
    container.flush().expect("flush");
    container.into_inner().into_inner()
}

// ---- ods ----------------------------------------------------------------------------------

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn ods_cell(cell: &W, span: Option<u16>) -> String {
    let spanned = span.map(|n| format!(" table:number-columns-spanned=\"{n}\" table:number-rows-spanned=\"1\"")).unwrap_or_default();
    match cell {
        W::Empty => "<table:table-cell/>".to_string(),
        W::Text(t) => {
            let paragraphs: String = t.split('\n').map(|p| format!("<text:p>{}</text:p>", xml_escape(p))).collect();
            format!("<table:table-cell office:value-type=\"string\"{spanned}>{paragraphs}</table:table-cell>")
        }
        W::Number(n) => format!(
            "<table:table-cell office:value-type=\"float\" office:value=\"{}\"><text:p>{}</text:p></table:table-cell>",
            number_text(*n),
            number_text(*n)
        ),
        W::Bool(b) => format!(
            "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"{b}\"><text:p>{}</text:p></table:table-cell>",
            if *b { "TRUE" } else { "FALSE" }
        ),
        W::Date(y, m, d) => format!(
            "<table:table-cell office:value-type=\"date\" office:date-value=\"{y:04}-{m:02}-{d:02}\"><text:p>{d:02}.{m:02}.{y:04}</text:p></table:table-cell>"
        ),
    }
}

/// An ODS package around `body`: the XML of the tables (between `<office:spreadsheet>` and
/// its end), and a manifest listing encrypted parts when `encrypted`.
pub fn ods_from_tables(body: &str, encrypted: bool) -> Vec<u8> {
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>"
    );
    let encryption = if encrypted { "<manifest:encryption-data manifest:checksum-type=\"SHA1/1K\" manifest:checksum=\"x\"></manifest:encryption-data>" } else { "" };
    let manifest = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
         <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
         <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\">{encryption}</manifest:file-entry></manifest:manifest>"
    );
    package_ods(&content, &manifest)
}

fn package_ods(content: &str, manifest: &str) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).expect("part");
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet").expect("write");
    zip.start_file("META-INF/manifest.xml", deflated).expect("part");
    zip.write_all(manifest.as_bytes()).expect("write");
    zip.start_file("content.xml", deflated).expect("part");
    zip.write_all(content.as_bytes()).expect("write");
    zip.finish().expect("finish").into_inner()
}

/// An OpenDocument spreadsheet: `mimetype` (stored, first), the manifest and `content.xml`
/// with one table per sheet (a hidden sheet through a table style with `table:display`).
pub fn ods_bytes(book: &Book) -> Vec<u8> {
    let mut content = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" office:version=\"1.2\">\
         <office:automatic-styles>\
         <style:style style:name=\"shown\" style:family=\"table\"><style:table-properties table:display=\"true\"></style:table-properties></style:style>\
         <style:style style:name=\"hidden\" style:family=\"table\"><style:table-properties table:display=\"false\"></style:table-properties></style:style>\
         </office:automatic-styles><office:body><office:spreadsheet>",
    );
    for sheet in &book.sheets {
        let style = if sheet.hidden { "hidden" } else { "shown" };
        content.push_str(&format!("<table:table table:name=\"{}\" table:style-name=\"{style}\">", xml_escape(&sheet.name)));
        for (r, row) in sheet.rows.iter().enumerate() {
            content.push_str("<table:table-row>");
            let mut c = 0;
            while c < row.len() {
                match sheet.merged {
                    Some((mr, last)) if mr as usize == r && c == 0 && last > 0 => {
                        content.push_str(&ods_cell(&row[0], Some(last + 1)));
                        for _ in 0..last {
                            content.push_str("<table:covered-table-cell/>");
                        }
                        c = usize::from(last) + 1;
                    }
                    _ => {
                        content.push_str(&ods_cell(&row[c], None));
                        c += 1;
                    }
                }
            }
            if row.is_empty() {
                content.push_str("<table:table-cell/>");
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
        <manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/>\
        </manifest:manifest>";
    package_ods(&content, manifest)
}

// ---- csv ----------------------------------------------------------------------------------

fn csv_text(sheet: &Sheet, separator: char) -> String {
    let mut out = String::new();
    for row in &sheet.rows {
        let fields: Vec<String> = row
            .iter()
            .map(|cell| {
                let text = match cell {
                    W::Empty => String::new(),
                    W::Text(t) => t.clone(),
                    W::Number(n) => number_text(*n),
                    W::Bool(b) => b.to_string(),
                    W::Date(y, m, d) => format!("{d:02}.{m:02}.{y:04}"),
                };
                if text.contains([separator, '"', '\n', '\r']) {
                    format!("\"{}\"", text.replace('"', "\"\""))
                } else {
                    text
                }
            })
            .collect();
        out.push_str(&fields.join(&separator.to_string()));
        out.push_str("\r\n");
    }
    out
}
