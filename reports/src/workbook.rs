//! `tables/report_tables.xlsx`, for analysts who live in Excel: a contents sheet with a link
//! to every table, then one sheet a table with its title, unit, definition and footnotes above
//! the data; totals in bold, numbers as numbers with thousands separators, the header frozen
//! and filtered; the document properties say SYNTHETIC where the data is.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatBorder, Url, Workbook, Worksheet, XlsxError};

use crate::{PublishError, PublishedTable};
use hestat_transform::output::cell_text;
use hestat_transform::row_key;
use polars::prelude::DataType;

fn fail(e: XlsxError) -> PublishError {
    PublishError::Write { path: "tables/report_tables.xlsx".into(), source: e.into() }
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`), unique by its
/// place in the contents.
pub fn sheet_name(id: &str, place: usize) -> String {
    let clean: String = id.chars().filter(|c| !"[]:*?/\\".contains(*c)).collect();
    if clean.chars().count() <= 31 {
        clean
    } else {
        let suffix = format!("~{place}");
        format!("{}{suffix}", clean.chars().take(31 - suffix.len()).collect::<String>())
    }
}

/// Whether a row is a total (a `Total` in a dimension, or a multi-year total).
fn is_total(table: &PublishedTable, row: usize) -> bool {
    row_key(&table.protected.frame, table.indicator.dimensions, row).values().any(|v| v == "Total")
}

fn table_sheet(sheet: &mut Worksheet, table: &PublishedTable, formats: &Formats) -> Result<(), XlsxError> {
    let m = &table.metadata;
    sheet.write_string_with_format(0, 0, &m.title.en, &formats.title)?;
    sheet.write_string(1, 0, format!("{} / {}", m.title.ru, m.title.kk))?;
    sheet.write_string(2, 0, format!("Unit: {}", m.unit))?;
    sheet.write_string(3, 0, format!("Definition: {}", m.definition))?;
    let mut row = 4u32;
    for note in &m.footnotes {
        sheet.write_string_with_format(row, 0, note, &formats.note)?;
        row += 1;
    }
    sheet.write_url_with_text(row, 0, Url::new("internal:'Contents'!A1"), "← Contents")?;
    row += 2;
    let frame = &table.protected.frame;
    let header = row;
    for (c, name) in frame.get_column_names().iter().enumerate() {
        sheet.write_string_with_format(header, c as u16, name.as_str(), &formats.header)?;
        sheet.set_column_width(c as u16, if name.as_str() == "value" { 14 } else { 18 })?;
    }
    // Numeric columns as numbers, cast once (not once a cell).
    let numbers: Vec<Option<Vec<Option<f64>>>> = frame
        .columns()
        .iter()
        .map(|c| if c.dtype().is_primitive_numeric() { c.cast(&DataType::Float64).ok().and_then(|c| c.f64().ok().map(|f| f.iter().collect())) } else { None })
        .collect();
    for r in 0..frame.height() {
        let excel_row = header + 1 + r as u32;
        let total = is_total(table, r);
        for (c, column) in frame.columns().iter().enumerate() {
            let Ok(value) = column.get(r) else { continue };
            if column.dtype().is_primitive_numeric() {
                let Some(v) = numbers[c].as_ref().and_then(|n| n[r]) else { continue };
                let format = match (v.fract() == 0.0, total) {
                    (true, false) => &formats.whole,
                    (true, true) => &formats.whole_total,
                    (false, false) => &formats.decimal,
                    (false, true) => &formats.decimal_total,
                };
                sheet.write_number_with_format(excel_row, c as u16, v, format)?;
            } else {
                let text = cell_text(&value);
                if text.is_empty() {
                    continue;
                }
                if total {
                    sheet.write_string_with_format(excel_row, c as u16, text, &formats.bold)?;
                } else {
                    sheet.write_string(excel_row, c as u16, text)?;
                }
            }
        }
    }
    sheet.set_freeze_panes(header + 1, 0)?;
    let last = header + frame.height().max(1) as u32;
    sheet.autofilter(header, 0, last, frame.width().saturating_sub(1) as u16)?;
    Ok(())
}

struct Formats {
    title: Format,
    note: Format,
    header: Format,
    bold: Format,
    whole: Format,
    whole_total: Format,
    decimal: Format,
    decimal_total: Format,
}

/// The workbook's bytes. `time` (seconds since 1970) is its creation date: the inputs', so
/// that the bytes do not change between runs.
pub fn workbook(tables: &[PublishedTable], synthetic: bool, time: u64) -> Result<Vec<u8>, PublishError> {
    let formats = Formats {
        title: Format::new().set_bold().set_font_size(14),
        note: Format::new().set_italic().set_font_color("595959"),
        header: Format::new().set_bold().set_border_bottom(FormatBorder::Thin).set_background_color("DDEBF7"),
        bold: Format::new().set_bold(),
        whole: Format::new().set_num_format("#,##0"),
        whole_total: Format::new().set_num_format("#,##0").set_bold(),
        decimal: Format::new().set_num_format("#,##0.0"),
        decimal_total: Format::new().set_num_format("#,##0.0").set_bold(),
    };
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_timestamp(time as i64).map_err(fail)?;
    let dataset = if synthetic { "SYNTHETIC data (not real students)" } else { "submitted data" };
    let properties = DocProperties::new()
        .set_title("National Report on Higher Education: tables")
        .set_subject(dataset)
        .set_keywords(if synthetic { "SYNTHETIC" } else { "official" })
        .set_comment(format!("Written by hestat {}; {dataset}; disclosure-controlled public tables.", env!("CARGO_PKG_VERSION")))
        .set_custom_property("dataset", if synthetic { "SYNTHETIC" } else { "submitted" })
        .set_creation_datetime(&created);
    workbook.set_properties(&properties);
    let contents = workbook.add_worksheet();
    contents.set_name("Contents").map_err(fail)?;
    contents.write_string_with_format(0, 0, "National Report on Higher Education: tables", &formats.title).map_err(fail)?;
    if synthetic {
        contents.write_string_with_format(1, 0, crate::metadata::SYNTHETIC_NOTE, &formats.note).map_err(fail)?;
    }
    for (c, heading) in ["Sheet", "Title", "Section", "Reproduces", "Rows", "Disclosure"].iter().enumerate() {
        contents.write_string_with_format(3, c as u16, *heading, &formats.header).map_err(fail)?;
    }
    contents.set_column_width(0, 34).map_err(fail)?;
    contents.set_column_width(1, 70).map_err(fail)?;
    contents.set_column_width(3, 28).map_err(fail)?;
    for (i, table) in tables.iter().enumerate() {
        let name = sheet_name(table.indicator.id, i + 1);
        let row = 4 + i as u32;
        contents.write_url_with_text(row, 0, Url::new(format!("internal:'{name}'!A1")), &name).map_err(fail)?;
        contents.write_string(row, 1, &table.metadata.title.en).map_err(fail)?;
        contents.write_string(row, 2, &table.metadata.section).map_err(fail)?;
        contents.write_string(row, 3, table.metadata.reproduces.as_deref().unwrap_or("")).map_err(fail)?;
        contents.write_number_with_format(row, 4, table.protected.frame.height() as f64, &formats.whole).map_err(fail)?;
        contents.write_string(row, 5, &table.metadata.disclosure.treatment).map_err(fail)?;
    }
    contents.set_freeze_panes(4, 0).map_err(fail)?;
    for (i, table) in tables.iter().enumerate() {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(table.indicator.id, i + 1)).map_err(fail)?;
        table_sheet(sheet, table, &formats).map_err(fail)?;
    }
    workbook.save_to_buffer().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_ids_become_unique_sheet_names_excel_accepts() {
        assert_eq!(sheet_name("table_6_1_1", 3), "table_6_1_1");
        let long = sheet_name("enrollment_by_hei_level_funding_gender", 12);
        assert_eq!(long, "enrollment_by_hei_level_fund~12");
        assert_eq!(long.chars().count(), 31);
    }
}
