//! CSV files: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", with its BOM) or
//! Windows-1251, comma, semicolon or tab separated.
//!
//! The encoding is UTF-8 when the bytes are valid UTF-8 (or say so with a BOM, or are UTF-8 but
//! for a few damaged bytes, which become U+FFFD and a warning naming the first line), UTF-16
//! with a UTF-16 BOM, Windows-1251 otherwise (the encodings Kazakh offices export). NUL bytes
//! in a text file are dropped with a warning. The separator is the one that splits the first
//! lines into the same number of fields most often. Cell references use the column letter of
//! the field and the physical line number.

use std::borrow::Cow;
use std::path::Path;

use crate::sheet::{SheetProcessor, SheetSettings};
use crate::outcome::{check_file_size, FileOutcome, FileRejection, Limits};
use crate::validation::{Severity, ValidationIssue};
use crate::values::Cell;

/// Decodes CSV bytes; returns the text, the encoding's name and, for damaged UTF-8, the
/// 1-based line of the first damaged byte.
pub fn decode(bytes: &[u8]) -> (Cow<'_, str>, &'static str, Option<usize>) {
    for (bom, encoding, name) in [(&b"\xFF\xFE"[..], encoding_rs::UTF_16LE, "UTF-16LE"), (&b"\xFE\xFF"[..], encoding_rs::UTF_16BE, "UTF-16BE")] {
        if let Some(rest) = bytes.strip_prefix(bom) {
            let (text, _) = encoding.decode_without_bom_handling(rest);
            return (text, name, None);
        }
    }
    let (bytes, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    match std::str::from_utf8(bytes) {
        Ok(text) => (Cow::Borrowed(text), "UTF-8", None),
        Err(e) => {
            // UTF-8 with a few damaged bytes (or a BOM that says UTF-8) stays UTF-8; the first
            // megabyte tells (a Windows-1251 file is "damaged" nearly everywhere).
            let (mut valid, mut invalid) = (0usize, 0usize);
            for chunk in bytes[..bytes.len().min(1 << 20)].utf8_chunks() {
                valid += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
                invalid += usize::from(!chunk.invalid().is_empty());
            }
            if bom || valid > invalid * 10 {
                let line = 1 + bytes[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
                return (String::from_utf8_lossy(bytes), "UTF-8", Some(line));
            }
            let (text, _, _) = encoding_rs::WINDOWS_1251.decode(bytes);
            (text, "Windows-1251", None)
        }
    }
}

/// Picks the separator that gives the most lines with the same field count (> 1).
pub fn detect_separator(text: &str) -> u8 {
    let mut best = (b';', 0usize);
    for sep in [b';', b',', b'\t'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(sep)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut counts: Vec<usize> = Vec::new();
        for record in reader.records().take(40) {
            match record {
                Ok(r) if r.iter().any(|f| !f.trim().is_empty()) => counts.push(r.len()),
                Ok(_) => {}
                Err(_) => break,
            }
        }
        let mut score = 0;
        for &n in &counts {
            if n > 1 {
                score = score.max(counts.iter().filter(|&&m| m == n).count());
            }
        }
        if score > best.1 {
            best = (sep, score);
        }
    }
    best.0
}

pub fn read_csv(path: &Path, file: &str, settings: SheetSettings, limits: &Limits) -> Result<FileOutcome, FileRejection> {
    check_file_size(path, limits)?;
    let bytes = std::fs::read(path).map_err(|e| FileRejection::unreadable(&e))?;
    let (text, encoding, damaged_at) = decode(&bytes);
    let mut notes = Vec::new();
    if let Some(line) = damaged_at {
        notes.push(ValidationIssue::new(file, "", format!("A{line}"), "", "", "invalid_utf8", Severity::Warning,
            format!("the file is UTF-8 but has damaged characters (the first on line {line}); they are shown as \u{FFFD}: check those cells, or export the file again"), 0));
    }
    let nuls = text.bytes().filter(|&b| b == 0).count();
    let text: Cow<str> = if nuls > 0 {
        notes.push(ValidationIssue::new(file, "", String::new(), "", "", "nul_bytes", Severity::Warning,
            format!("the file holds {nuls} NUL bytes, which a text file should not; they were dropped"), 0));
        Cow::Owned(text.replace('\0', ""))
    } else {
        text
    };
    let separator = detect_separator(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut processor = SheetProcessor::new(settings, file, "");
    let mut record = csv::StringRecord::new();
    // The physical line of a record, counted from its byte offset: the csv crate's position
    // is where the previous record ended, before the empty lines it skips, and its own line
    // counter does not count those lines.
    let (mut counted_to, mut line_of_counted) = (0usize, 0u32);
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let mut byte = record.position().map_or(counted_to, |p| p.byte() as usize).min(text.len());
                while matches!(text.as_bytes().get(byte), Some(b'\n' | b'\r')) {
                    byte += 1;
                }
                line_of_counted += text.as_bytes()[counted_to..byte].iter().filter(|&&b| b == b'\n').count() as u32;
                counted_to = byte;
                let first_row = line_of_counted;
                let cells: Vec<Cell> = record.iter().map(|f| Cell::Text(Cow::Borrowed(f))).collect();
                if !processor.push_row(first_row, &cells) {
                    break;
                }
                // A quoted field with line breaks makes the record span several lines.
                let extra_lines = record.iter().map(|f| f.matches('\n').count()).sum::<usize>() as u32;
                if extra_lines > 0 {
                    processor.record_spans_to(first_row + extra_lines);
                }
            }
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line());
                return Err(FileRejection::corrupt(&format!("the CSV file cannot be split into fields at line {line}"), e.to_string()));
            }
        }
    }
    let sep_name = match separator {
        b';' => "semicolon",
        b',' => "comma",
        _ => "tab",
    };
    let note = ValidationIssue::new(
        file,
        "",
        String::new(),
        "",
        &format!("{encoding}, {sep_name}"),
        "csv_format",
        Severity::Info,
        format!("read as {encoding}, {sep_name}-separated"),
        0,
    );
    notes.push(note);
    Ok(FileOutcome { sheets: vec![processor.finish()], issues: notes, rejected: false })
}
