//! Old Excel workbooks (xls: BIFF5 and BIFF8 in an OLE container), checked record by record
//! before calamine opens them.
//!
//! calamine's xls reader builds every sheet as a dense grid when the workbook is opened, and
//! reserves room for the grid its DIMENSIONS record declares: one small file declaring (or
//! holding cells at) far corners would need gigabytes. So the Workbook stream is read here
//! first: the cells each sheet really holds are counted and their extent found; a sheet whose
//! cells are too many, or spread over too large a grid, refuses the file with the sheet and
//! the far cell named; DIMENSIONS records are set to the real extent; sheet types calamine
//! does not know are marked as charts (so they are listed as not worksheets instead of
//! failing the file); a FilePass record (encryption or XOR obfuscation) is a password. When
//! anything was changed, calamine gets the corrected stream in a new container.

use std::io::{Cursor, Read, Write};
use std::path::Path;

use crate::outcome::{FileRejection, Limits};
use crate::validation::cell_ref;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const CODEPAGE: u16 = 0x0042;
/// Grids larger than this must hold at least a tenth of their cells.
const STRAY_GRID: u64 = 1_000_000;
const MULRK: u16 = 0x00BD;
/// Records that hold one cell: row (u16) and column (u16) first.
const CELLS: [u16; 7] = [0x0203, 0x0204, 0x00FD, 0x027E, 0x0205, 0x0006, 0x00D6];
/// The sheet types calamine knows (worksheet or dialog, macro sheet, chart, VBA module).
const KNOWN_SHEET_TYPES: [u8; 4] = [0x00, 0x01, 0x02, 0x06];

/// What the scan decided.
pub struct Prepared {
    /// The bytes to open: the file as it is, or a container with the corrected stream.
    pub bytes: Vec<u8>,
    /// Sheet-level notes for the validation report: (sheet, rule, message).
    pub warnings: Vec<(String, &'static str, String)>,
    /// The code page the CODEPAGE record names.
    pub codepage: Option<u16>,
    /// BIFF8 (Excel 97 and later: text in UTF-16), not BIFF5 (text in the code page).
    pub biff8: bool,
}

/// A record: type, start of its data, length.
fn records(stream: &[u8], from: usize) -> impl Iterator<Item = (u16, usize, usize)> + '_ {
    let mut at = from;
    std::iter::from_fn(move || {
        let head = stream.get(at..at + 4)?;
        let typ = u16::from_le_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_le_bytes([head[2], head[3]]));
        let data = at + 4;
        if data + len > stream.len() {
            return None;
        }
        at = data + len;
        Some((typ, data, len))
    })
}

fn u16_at(stream: &[u8], at: usize) -> usize {
    stream.get(at..at + 2).map_or(0, |b| usize::from(u16::from_le_bytes([b[0], b[1]])))
}

/// A BoundSheet's name: BIFF8 short unicode string, or BIFF5 bytes (shown as Latin-1).
fn sheet_name(data: &[u8], biff8: bool) -> String {
    let Some(&cch) = data.first() else { return String::new() };
    let cch = usize::from(cch);
    if biff8 {
        let wide = data.get(1).is_some_and(|f| f & 1 != 0);
        let chars = data.get(2..).unwrap_or(&[]);
        if wide {
            let units: Vec<u16> = chars.chunks_exact(2).take(cch).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        } else {
            chars.iter().take(cch).map(|&b| char::from(b)).collect()
        }
    } else {
        data.get(1..).unwrap_or(&[]).iter().take(cch).map(|&b| char::from(b)).collect()
    }
}

/// The cells of one sheet substream: how many, their extent, and where its DIMENSIONS
/// record is.
#[derive(Default)]
struct SheetCells {
    held: u64,
    /// (first row, last row, first column, last column), 0-based.
    extent: Option<(usize, usize, usize, usize)>,
    dimensions: Vec<(usize, usize)>,
}

impl SheetCells {
    fn add(&mut self, row: usize, first_col: usize, last_col: usize) {
        self.held += (last_col.saturating_sub(first_col) + 1) as u64;
        self.extent = Some(match self.extent {
            None => (row, row, first_col, last_col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(first_col), c1.max(last_col)),
        });
    }
}

fn scan_sheet(stream: &[u8], start: usize) -> SheetCells {
    let mut cells = SheetCells::default();
    let mut depth = 0usize;
    for (typ, data, len) in records(stream, start) {
        match typ {
            BOF => depth += 1,
            EOF => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            // Embedded charts' records are not the sheet's cells.
            _ if depth > 1 => {}
            DIMENSIONS => cells.dimensions.push((data, len)),
            MULRK if len >= 6 => {
                let (row, first) = (u16_at(stream, data), u16_at(stream, data + 2));
                let last = u16_at(stream, data + len - 2);
                cells.add(row, first, last.max(first));
            }
            t if CELLS.contains(&t) && len >= 4 => cells.add(u16_at(stream, data), u16_at(stream, data + 2), u16_at(stream, data + 2)),
            _ => {}
        }
    }
    cells
}

/// The grid a DIMENSIONS record declares (`None`: malformed, first after last).
fn declared_grid(stream: &[u8], (data, len): (usize, usize)) -> Option<u64> {
    let u32_at = |at: usize| stream.get(at..at + 4).map(|b| u64::from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])));
    let (r0, r1, c0, c1) = if len >= 14 {
        (u32_at(data)?, u32_at(data + 4)?, u16_at(stream, data + 8) as u64, u16_at(stream, data + 10) as u64)
    } else if len >= 10 {
        (u16_at(stream, data) as u64, u16_at(stream, data + 2) as u64, u16_at(stream, data + 4) as u64, u16_at(stream, data + 6) as u64)
    } else {
        return None;
    };
    (r0 <= r1 && c0 <= c1).then(|| (r1 - r0).max(1) * (c1 - c0).max(1))
}

/// Writes the real extent into a DIMENSIONS record (BIFF8: u32 rows, BIFF5: u16 rows; the
/// last row and column are exclusive).
fn set_dimensions(stream: &mut [u8], (data, len): (usize, usize), extent: Option<(usize, usize, usize, usize)>) {
    let (r0, r1, c0, c1) = extent.map_or((0, 0, 0, 0), |(r0, r1, c0, c1)| (r0, r1 + 1, c0, c1 + 1));
    let mut out = Vec::with_capacity(14);
    if len >= 14 {
        out.extend((r0 as u32).to_le_bytes());
        out.extend((r1 as u32).to_le_bytes());
    } else if len >= 10 {
        out.extend((r0 as u16).to_le_bytes());
        out.extend((r1.min(usize::from(u16::MAX)) as u16).to_le_bytes());
    } else {
        return;
    }
    out.extend((c0 as u16).to_le_bytes());
    out.extend((c1 as u16).to_le_bytes());
    stream[data..data + out.len()].copy_from_slice(&out);
}

/// Reads the workbook stream of an xls file and prepares it for calamine (see the module).
pub fn prepare(path: &Path, limits: &Limits) -> Result<Prepared, FileRejection> {
    let bytes = std::fs::read(path).map_err(|e| FileRejection::unreadable(&e))?;
    let mut container = cfb::CompoundFile::open(Cursor::new(&bytes[..]))
        .map_err(|e| FileRejection::corrupt("the xls workbook (an OLE container) is damaged or incomplete", e.to_string()))?;
    if container.exists("/EncryptedPackage") {
        return Err(FileRejection::password_protected("an OLE container with an EncryptedPackage stream (an encrypted xlsx)"));
    }
    let name = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"].into_iter().find(|n| container.is_stream(n)).ok_or_else(|| {
        FileRejection::corrupt("the file is an OLE container (like an old Office file) but holds no Excel workbook", "no Workbook or Book stream")
    })?;
    let mut stream = Vec::new();
    container
        .open_stream(name)
        .and_then(|mut s| s.read_to_end(&mut stream))
        .map_err(|e| FileRejection::corrupt("the xls workbook is damaged or incomplete", e.to_string()))?;
    drop(container);

    let mut warnings = Vec::new();
    let mut changed = false;
    let mut biff8 = true;
    let mut sheets: Vec<(usize, String)> = Vec::new();
    let mut unknown_types: Vec<usize> = Vec::new();
    let mut codepage = None;
    for (typ, data, len) in records(&stream, 0) {
        match typ {
            CODEPAGE if len >= 2 => codepage = Some(u16_at(&stream, data) as u16),
            BOF if len >= 2 => biff8 = u16_at(&stream, data) == 0x0600,
            FILEPASS => {
                return Err(FileRejection::password_protected("xls FilePass record: the workbook is encrypted or XOR-obfuscated"));
            }
            BOUNDSHEET if len >= 6 => {
                let offset = stream.get(data..data + 4).map_or(0, |b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize);
                let name = sheet_name(&stream[data + 6..data + len], biff8);
                // Listed as a chart: hestat reports it as not a worksheet.
                if !KNOWN_SHEET_TYPES.contains(&stream[data + 5]) {
                    unknown_types.push(data + 5);
                }
                sheets.push((offset, name));
            }
            EOF => break,
            _ => {}
        }
    }
    for at in unknown_types {
        stream[at] = 0x02;
        changed = true;
    }
    for (offset, name) in &sheets {
        if *offset >= stream.len() {
            continue;
        }
        let cells = scan_sheet(&stream, *offset);
        if cells.held > limits.max_sheet_cells {
            return Err(FileRejection::sheet_too_large(name, cells.held, limits.max_sheet_cells));
        }
        if let Some((r0, r1, c0, c1)) = cells.extent {
            let grid = ((r1 - r0 + 1) as u64) * ((c1 - c0 + 1) as u64);
            // The grid is held in memory whole (some 70 bytes a cell): a grid ten times the cells
            // it holds and over a million cells is stray cells far from the table.
            let scattered = grid > STRAY_GRID && grid > cells.held.saturating_mul(10);
            if grid > limits.max_sheet_cells || scattered {
                return Err(FileRejection::new(
                    "sheet_too_large",
                    format!(
                        "sheet {name} has {} cells spread from {} to {} (a grid of {grid} cells), too sparse or too large to read as an .xls sheet: \
                         delete the stray cells far from the table (or save the file as .xlsx) and send it again",
                        cells.held,
                        cell_ref(c0 as u32, r0 as u32),
                        cell_ref(c1 as u32, r1 as u32),
                    ),
                )
                .with_detail(format!("an xls sheet is read as a whole grid; limit max_sheet_cells = {}, and a grid over {STRAY_GRID} cells must hold a tenth of them", limits.max_sheet_cells)));
            }
        }
        for record in cells.dimensions {
            let declared = declared_grid(&stream, record);
            if declared.is_none_or(|grid| grid > limits.max_sheet_cells) {
                set_dimensions(&mut stream, record, cells.extent);
                changed = true;
                let what = declared.map_or("a malformed range".to_string(), |grid| format!("a range of {grid} cells"));
                warnings.push((
                    name.clone(),
                    "dimension_overstated",
                    format!("the sheet declares {what}, more than the {} cells hestat reads from one sheet; the {} cells it holds are read", limits.max_sheet_cells, cells.held),
                ));
            }
        }
    }
    if !changed {
        return Ok(Prepared { bytes, warnings, codepage, biff8 });
    }
    drop(bytes);
    let mut out = cfb::CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new()))
        .map_err(|e| FileRejection::corrupt("the xls workbook could not be prepared for reading", e.to_string()))?;
    out.create_stream("/Workbook")
        .and_then(|mut s| s.write_all(&stream))
        .and_then(|_| out.flush())
        .map_err(|e| FileRejection::corrupt("the xls workbook could not be prepared for reading", e.to_string()))?;
    Ok(Prepared { bytes: out.into_inner().into_inner(), warnings, codepage, biff8 })
}
