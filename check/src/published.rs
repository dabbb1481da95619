//! The published figures in the shape of hestat's tables: every row of every reference file
//! (`hestat-reference`) becomes a cell of the produced table that expresses it (table id, key
//! of dimension values, value, how precisely it was printed), or the reason why no table
//! expresses it. Where a row goes is declared by the indicators themselves (their
//! [`Placement`]s, next to their plans); this module asks them, row by row, and says why the
//! rows that none claims are no cell. The consistency rules run on these cells as on the
//! produced ones, and the comparison matches the two.

use hestat_reference::crosswalks::{exact as label_code, STAFF_DEGREE};
use hestat_reference::{field, published, PublishedRow, FILES};
use hestat_transform::catalogue::Indicator;
use hestat_transform::placement::{faculty_text, faculty_text_year, key, running_text_year, Key, Placed, Placement, PlacementContext, Precision};

/// One published figure, placed in a produced table.
#[derive(Debug, Clone)]
pub struct PublishedCell {
    /// Reference file stem and the line of the report's text it comes from.
    pub file: &'static str,
    pub source_line: String,
    /// `clean` in MANIFEST.csv.
    pub clean: bool,
    pub table: &'static str,
    pub key: Key,
    pub value: f64,
    pub precision: Precision,
}

/// A published figure no produced table expresses, and why.
#[derive(Debug, Clone)]
pub struct NotProducible {
    pub file: &'static str,
    pub clean: bool,
    pub source_line: String,
    pub what: String,
    pub value: String,
    pub reason: String,
}

/// A report table no indicator produces, whose figures are still placed (so the rules check
/// the report's own consistency), and why it is not produced.
pub struct UnproducedTable {
    pub id: &'static str,
    pub reason: &'static str,
    pub published: Vec<Placement>,
}

/// The report tables no indicator produces.
pub fn unproduced_tables() -> Vec<UnproducedTable> {
    vec![UnproducedTable {
        id: "table_6_1_21",
        reason: "faculty in exchange by degree: the mobility family has no degree column",
        published: vec![Placement { file: "table_6_1_21", place: faculty_by_degree_table }, Placement { file: "text_6_1_faculty_mobility", place: faculty_by_degree_in_text }],
    }]
}

fn faculty_by_degree_table(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let degree = label_code(STAFF_DEGREE, field(row, "academic_degree")).unwrap_or("Total");
    let share = field(row, "measure") == "share";
    let precision = if share { Precision::of_printed(field(row, "value")) } else { Precision::Exact };
    Some(Ok((key(&[("year", field(row, "year")), ("degree", degree), ("measure", if share { "share" } else { "count" })]), precision)))
}

fn faculty_by_degree_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    faculty_text(row, "faculty_exchange_participants_by_degree", |year| {
        let degree = label_code(STAFF_DEGREE, field(row, "category")).unwrap_or("Total");
        Some(Ok((key(&[("year", year), ("degree", degree), ("measure", "count")]), Precision::Exact)))
    })
}

/// The report's running-text files (period, indicator, category, value): a row no table
/// claims is a change, a range or a stated percentage, or no indicator's.
const RUNNING_TEXT: [&str; 8] = [
    "text_3_2_students_admissions",
    "text_3_2_grants_2024",
    "text_3_3_faculty",
    "text_6_1_foreign_students",
    "text_6_1_inbound_2024",
    "text_6_1_outbound_2024",
    "text_8_2_sen_students",
    "text_8_2_inclusive_conditions",
];

/// Why no produced table expresses a row that no placement claims.
fn unclaimed(file: &str, row: &PublishedRow) -> String {
    let no_indicator = "not an indicator of the transform stage".to_string();
    match file {
        f if RUNNING_TEXT.contains(&f) => running_text_year(f, row).err().unwrap_or(no_indicator),
        "text_6_1_faculty_mobility" => faculty_text_year(row).err().unwrap_or(no_indicator),
        "text_3_1_hei_network" => "shares, and 2023's count: the registry holds the institutions of 2024".into(),
        "table_6_1_2" | "table_6_1_8" => "online mobility by named university: the report's university names have no registry crosswalk".into(),
        "table_8_2_2" => "SEN students in research activity: no such column in the students family".into(),
        _ => no_indicator,
    }
}

/// Every (table, placement) that may claim rows of reference files: the indicators', then the
/// unproduced tables'.
fn placements<'a>(indicators: &'a [Indicator], unproduced: &'a [UnproducedTable]) -> Vec<(&'static str, &'a Placement)> {
    let of_indicators = indicators.iter().flat_map(|i| i.published.iter().map(move |p| (i.id, p)));
    let of_unproduced = unproduced.iter().flat_map(|t| t.published.iter().map(move |p| (t.id, p)));
    of_indicators.chain(of_unproduced).collect()
}

/// The tables that claim a row of `file` (one, or none; two is an error of the catalogue
/// that the tests look for), with the row's place in each.
pub fn claims(indicators: &[Indicator], unproduced: &[UnproducedTable], file: &str, row: &PublishedRow, context: &PlacementContext) -> Vec<(&'static str, Placed)> {
    placements(indicators, unproduced).into_iter().filter(|(_, p)| p.file == file).filter_map(|(table, p)| (p.place)(file, row, context).map(|placed| (table, placed))).collect()
}

/// What a row is about, in words (its year, period, indicator, category, country, region,
/// measure).
fn what(row: &PublishedRow) -> String {
    ["year", "period", "indicator", "category", "country", "region", "measure"].iter().map(|name| field(row, name)).filter(|v| !v.is_empty()).collect::<Vec<_>>().join(" / ")
}

/// Every published figure, placed or not.
pub fn published_cells(indicators: &[Indicator], context: &PlacementContext) -> (Vec<PublishedCell>, Vec<NotProducible>) {
    let unproduced = unproduced_tables();
    let placements = placements(indicators, &unproduced);
    let manifest = published("MANIFEST");
    let mut cells = Vec::new();
    let mut not = Vec::new();
    for (file, _) in FILES.iter().filter(|(f, _)| *f != "MANIFEST") {
        let clean = manifest.iter().any(|m| field(m, "file") == format!("{file}.csv") && field(m, "quality") == "clean");
        let of_file: Vec<&(&'static str, &Placement)> = placements.iter().filter(|(_, p)| p.file == *file).collect();
        for row in published(file) {
            let value_text = field(&row, "value").to_string();
            let source_line = field(&row, "source_line").to_string();
            let placement = of_file.iter().find_map(|(table, p)| (p.place)(file, &row, context).map(|placed| placed.map(|(key, precision)| (*table, key, precision))));
            match (placement.unwrap_or_else(|| Err(unclaimed(file, &row))), value_text.parse::<f64>()) {
                (Ok((table, key, precision)), Ok(value)) => cells.push(PublishedCell { file, source_line, clean, table, key, value, precision }),
                (Ok(_), Err(_)) => not.push(NotProducible { file, clean, source_line, what: what(&row), value: value_text, reason: "not a number".into() }),
                (Err(reason), _) => not.push(NotProducible { file, clean, source_line, what: what(&row), value: value_text, reason }),
            }
        }
    }
    (cells, not)
}
