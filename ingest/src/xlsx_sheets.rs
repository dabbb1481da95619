//! xlsx/xlsm workbooks that list sheets of a kind calamine refuses (macro sheets:
//! `xlMacrosheet`, `xlIntlMacrosheet`, or any relationship type other than worksheet, chart
//! sheet and dialog sheet): calamine rejects the whole file for one such entry. hestat gives
//! calamine a copy of the workbook without those entries (the other parts copied raw, only
//! `xl/workbook.xml` written again) and lists them as not worksheets, so the worksheets beside
//! them load.

use std::io::{Read, Seek, Write};

use quick_xml::events::Event;

/// The relationship types calamine reads as sheets.
const KNOWN: [&str; 3] = ["worksheet", "chartsheet", "dialogsheet"];

fn attribute(e: &quick_xml::events::BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find(|a| {
        let key = a.key.as_ref();
        key == local || key.rsplit(':').next() == Some(local)
    })
    .and_then(|a| a.normalized_value(quick_xml::XmlVersion::Implicit1_0).ok().map(|v| v.into_owned()))
}

fn read_part<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let mut part = zip.by_name(name).ok()?;
    let mut text = String::new();
    part.read_to_string(&mut text).ok()?;
    Some(text)
}

/// The relationship ids of the workbook's sheets of kinds calamine refuses (empty: none, or
/// no relationships to read, which calamine then reports).
pub fn unknown_sheet_ids<R: Read + Seek>(zip: &mut zip::ZipArchive<R>) -> Vec<String> {
    let Some(rels) = read_part(zip, "xl/_rels/workbook.xml.rels") else { return Vec::new() };
    // Most workbooks: every relationship a known kind, found without parsing.
    if !rels.to_ascii_lowercase().contains("macrosheet") && !rels.contains("relationships/xl") {
        return Vec::new();
    }
    let mut unknown_ids = Vec::new();
    let mut reader = quick_xml::Reader::from_str(&rels);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "Relationship" => {
                let (Some(id), Some(typ)) = (attribute(&e, "Id"), attribute(&e, "Type")) else { continue };
                let kind = typ.rsplit('/').next().unwrap_or("");
                let sheet_like = kind.to_ascii_lowercase().contains("sheet");
                if sheet_like && !KNOWN.contains(&kind) {
                    unknown_ids.push(id);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    unknown_ids
}

/// The workbook without the sheets of `unknown_ids`, and their names; `None` when it cannot
/// be rewritten here (calamine then says what is wrong).
pub fn without_unknown_sheets<R: Read + Seek>(archive: R, unknown_ids: &[String]) -> Option<(Vec<u8>, Vec<String>)> {
    let mut zip = zip::ZipArchive::new(archive).ok()?;
    let workbook = read_part(&mut zip, "xl/workbook.xml")?;
    let mut reader = quick_xml::Reader::from_str(&workbook);
    let mut cut: Vec<(usize, usize)> = Vec::new();
    let mut names = Vec::new();
    let mut before = 0usize;
    loop {
        let event = reader.read_event().ok()?;
        let after = reader.buffer_position() as usize;
        match event {
            Event::Empty(e) | Event::Start(e) if e.local_name().as_ref() == "sheet" => {
                if attribute(&e, "id").is_some_and(|id| unknown_ids.contains(&id)) {
                    names.push(attribute(&e, "name").unwrap_or_default());
                    cut.push((before, after));
                }
            }
            Event::Eof => break,
            _ => {}
        }
        before = after;
    }
    if cut.is_empty() {
        return None;
    }
    let mut patched = String::with_capacity(workbook.len());
    let mut at = 0;
    for (start, end) in cut {
        patched.push_str(&workbook[at..start]);
        at = end;
    }
    patched.push_str(&workbook[at..]);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).ok()?;
        if part.name().ok()?.as_ref() == "xl/workbook.xml" {
            drop(part);
            writer.start_file("xl/workbook.xml", zip::write::SimpleFileOptions::default()).ok()?;
            writer.write_all(patched.as_bytes()).ok()?;
        } else {
            writer.raw_copy_file(part).ok()?;
        }
    }
    Some((writer.finish().ok()?.into_inner(), names))
}
