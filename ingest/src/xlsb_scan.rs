//! Binary workbooks (xlsb), read record by record for what calamine's cell reader drops:
//! formula cells whose cached result is an error (`BrtFmlaError`, and `BrtShortError`), which
//! it returns as nothing, and cells written as "short" records (`BrtShort*`, as SheetJS
//! writes them), which it skips. Error cells are handed to the sheet as the errors they are;
//! short records are counted, so a sheet is flagged exactly when it has cells hestat cannot
//! read.

use std::collections::HashMap;
use std::io::{Read, Seek};

/// What one sheet part holds beyond calamine's reach.
#[derive(Debug, Default, Clone)]
pub struct SheetExtras {
    /// (row, column, error text) of formula cells with an error result, in record order.
    pub errors: Vec<(u32, u32, String)>,
    /// Cells written as short records with a value (not blanks).
    pub short_cells: u64,
}

const BRT_ROW_HDR: u16 = 0x0000;
const BRT_CELL_BLANK: u16 = 0x0001;
const BRT_FMLA_ERROR: u16 = 0x000B;
const BRT_SHORT_BLANK: u16 = 0x000C;
const BRT_SHORT_ERROR: u16 = 0x000E;
const BRT_SHORT_ISST: u16 = 0x0012;
const BRT_BUNDLE_SH: u16 = 0x009C;
const BRT_END_SHEET_DATA: u16 = 0x0092;

fn error_text(code: u8) -> String {
    match code {
        0x00 => "#NULL!",
        0x07 => "#DIV/0!",
        0x0F => "#VALUE!",
        0x17 => "#REF!",
        0x1D => "#NAME?",
        0x24 => "#NUM!",
        0x2A => "#N/A",
        0x2B => "#GETTING_DATA",
        _ => "#ERROR",
    }
    .to_string()
}

/// A little-endian number of at most `bytes` bytes of 7 bits each (the high bit says another
/// byte follows), read at `at`, which moves past it.
fn varint(part: &[u8], at: &mut usize, bytes: usize) -> Option<usize> {
    let mut value = 0usize;
    for i in 0..bytes {
        let b = *part.get(*at)?;
        *at += 1;
        value |= usize::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            break;
        }
    }
    Some(value)
}

/// XLSB records: a type of 1 or 2 bytes and a size of 1 to 4 bytes.
fn records(part: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let typ = varint(part, &mut at, 2)? as u16;
        let size = varint(part, &mut at, 4)?;
        let data = part.get(at..at.checked_add(size)?)?;
        at += size;
        Some((typ, data))
    })
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    data.get(at..at + 4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// An XLWideString at `at`: its text and the offset after it.
fn wide_string(data: &[u8], at: usize) -> Option<(String, usize)> {
    let cch = u32_at(data, at)? as usize;
    let bytes = data.get(at + 4..at + 4 + cch.checked_mul(2)?)?;
    let units: Vec<u16> = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    Some((String::from_utf16_lossy(&units), at + 4 + cch * 2))
}

fn read_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<Vec<u8>> {
    let mut part = zip.by_name(name).ok()?;
    let mut bytes = Vec::new();
    part.read_to_end(&mut bytes).ok()?;
    Some(bytes)
}

/// The sheet part of each sheet name, from `xl/workbook.bin` and its relationships.
fn sheet_parts<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let (Some(workbook), Some(rels)) = (read_part(zip, "xl/workbook.bin"), read_part(zip, "xl/_rels/workbook.bin.rels")) else {
        return out;
    };
    let rels = String::from_utf8_lossy(&rels);
    let target_of = |id: &str| {
        rels.split("<Relationship").find(|r| r.contains(&format!("Id=\"{id}\""))).and_then(|r| {
            let start = r.find("Target=\"")? + "Target=\"".len();
            let end = start + r[start..].find('"')?;
            let target = &r[start..end];
            Some(if let Some(absolute) = target.strip_prefix('/') { absolute.to_string() } else { format!("xl/{target}") })
        })
    };
    for (typ, data) in records(&workbook) {
        if typ == BRT_BUNDLE_SH {
            if let Some((id, after)) = wide_string(data, 8) {
                if let (Some((name, _)), Some(target)) = (wide_string(data, after), target_of(&id)) {
                    out.insert(name, target);
                }
            }
        }
    }
    out
}

/// Scans one sheet part.
fn scan_sheet(part: &[u8]) -> SheetExtras {
    let mut extras = SheetExtras::default();
    let mut row = 0u32;
    // Short records carry no column: it is the one after the previous cell's.
    let mut next_col = 0u32;
    for (typ, data) in records(part) {
        match typ {
            BRT_ROW_HDR => {
                row = u32_at(data, 0).unwrap_or(row);
                next_col = 0;
            }
            BRT_CELL_BLANK..=BRT_FMLA_ERROR => {
                let col = u32_at(data, 0).unwrap_or(next_col);
                if typ == BRT_FMLA_ERROR {
                    extras.errors.push((row, col, error_text(data.get(8).copied().unwrap_or(0xFF))));
                }
                next_col = col.saturating_add(1);
            }
            BRT_SHORT_BLANK..=BRT_SHORT_ISST => {
                if typ == BRT_SHORT_ERROR {
                    extras.errors.push((row, next_col, error_text(data.get(4).copied().unwrap_or(0xFF))));
                } else if typ != BRT_SHORT_BLANK {
                    extras.short_cells += 1;
                }
                next_col = next_col.saturating_add(1);
            }
            BRT_END_SHEET_DATA => break,
            _ => {}
        }
    }
    extras
}

/// What every sheet of the workbook holds beyond calamine's reach, by sheet name (the parts
/// are within the archive limits, checked before).
pub fn scan<R: Read + Seek>(archive: R) -> HashMap<String, SheetExtras> {
    let Ok(mut zip) = zip::ZipArchive::new(archive) else { return HashMap::new() };
    let mut out = HashMap::new();
    for (name, target) in sheet_parts(&mut zip) {
        if let Some(part) = read_part(&mut zip, &target) {
            out.insert(name, scan_sheet(&part));
        }
    }
    out
}
