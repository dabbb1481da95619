//! Where the report's published figures sit in hestat's tables. An indicator that expresses
//! figures of the report declares, next to its plan, a [`Placement`] for each reference file
//! (`hestat-reference`) it takes rows from: a function that claims the rows of that file that
//! belong to its table and gives each the cell it is (key of dimension values, and how precisely
//! the report printed it) or the reason why it cannot be one. The check against the report
//! (`hestat-check`) gathers them; this module holds their shape and the helpers they share.

use std::collections::BTreeMap;

use hestat_contract::codes::code_lists;
use hestat_reference::{field, PublishedRow};

/// A cell's key: dimension → value (`Total` for totals).
pub type Key = BTreeMap<String, String>;

/// How precisely a published value was printed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Precision {
    /// A whole count.
    Exact,
    /// A value printed with this many decimals (shares, ratios).
    Decimals(u32),
    /// A count printed rounded to a multiple (100: "202 000" for 202,0xx).
    RoundedTo(f64),
    /// A count printed in thousands with this many decimals ("37.6 thousand").
    Thousands(u32),
}

impl Precision {
    /// The produced value as it would have been printed.
    pub fn apply(self, value: f64) -> f64 {
        match self {
            Precision::Exact => value,
            Precision::Decimals(d) => {
                let m = 10f64.powi(d as i32);
                (value * m).round() / m
            }
            Precision::RoundedTo(step) => (value / step).round() * step,
            Precision::Thousands(d) => Precision::Decimals(d).apply(value / 1000.0),
        }
    }

    /// The precision of a share printed as `text` ("12.5": one decimal).
    pub fn of_printed(text: &str) -> Precision {
        Precision::Decimals(decimals(text))
    }
}

/// What the placements need to know of the dataset: the crosswalk from the university names
/// the report prints to the registry's codes (the dataset's, not the report's: the synthetic
/// registry ships its own, a real registry its own).
#[derive(Debug, Clone, Copy, Default)]
pub struct PlacementContext<'a> {
    /// (the report's university name, the registry's `hei_code`).
    pub report_universities: &'a [(String, String)],
}

/// A row's place: the cell (key, precision) in the table of the indicator that claims it, or
/// why the row is no cell of it.
pub type Placed = Result<(Key, Precision), String>;

/// The rows of one reference file that an indicator's table expresses.
#[derive(Clone, Copy)]
pub struct Placement {
    /// The reference file's stem (`table_6_1_13`, `text_6_1_outbound_2024`).
    pub file: &'static str,
    /// Given the file, one of its rows and the dataset: `None` when the row is not this
    /// table's, otherwise its place.
    pub place: fn(&str, &PublishedRow, &PlacementContext) -> Option<Placed>,
}

/// A key from (dimension, value) pairs.
pub fn key(pairs: &[(&str, &str)]) -> Key {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// A count placed at `pairs`.
pub fn exact(pairs: &[(&str, &str)]) -> Option<Placed> {
    Some(Ok((key(pairs), Precision::Exact)))
}

/// A row that is this table's but no cell of it, and why.
pub fn not_a_cell(reason: &str) -> Option<Placed> {
    Some(Err(reason.to_string()))
}

/// The number of decimals a value was printed with.
pub fn decimals(text: &str) -> u32 {
    text.split_once('.').map_or(0, |(_, d)| d.len() as u32)
}

/// "2024-2025" or "2024" → "2024".
pub fn start_year(period: &str) -> String {
    period.split(['-', '/']).next().unwrap_or(period).trim().to_string()
}

/// A row's country as ISO3: its `iso3` field, or its name (in `name_field`) by the code
/// list's labels; `Total` stays.
pub fn country_code(row: &PublishedRow, name_field: &str) -> Option<String> {
    let iso3 = field(row, "iso3");
    let name = field(row, name_field);
    if name == "Total" {
        return Some("Total".to_string());
    }
    if !iso3.is_empty() {
        return Some(iso3.to_string());
    }
    code_lists().country(name).map(|c| c.iso3.to_string())
}

/// A level as the report names it (`Bachelor's`) → the contract's code, by the level code
/// list's labels; `Total` stays.
pub fn level_code(label: &str) -> Option<&'static str> {
    if label == "Total" {
        return Some("Total");
    }
    code_lists().list("level")?.lookup(label)
}

/// "01 Education" → "01".
pub fn field_code(category: &str) -> Option<&'static str> {
    code_lists().field(category.get(..2)?)
}

/// The (start) year of a row of the report's running text (files of `period`, `indicator`,
/// `category`, `value`), or why the row is not a cell: a change or a range of years, or a
/// percentage the text states that no table holds. Every placement of a running-text file
/// starts with it, and the check gives its reason to the rows no table claims.
pub fn running_text_year(file: &str, row: &PublishedRow) -> Result<String, String> {
    let period = field(row, "period");
    let indicator = field(row, "indicator");
    // One year ("2024") or one academic year ("2024-2025"); not a range ("2021-2024") or a change.
    let bounds: Vec<i32> = period.split('-').filter_map(|p| p.trim().parse().ok()).collect();
    let single_year = !period.contains("vs")
        && match bounds.as_slice() {
            [_] => period.len() == 4,
            [a, b] => b - a == 1,
            _ => false,
        };
    let outbound_four_years = file == "text_6_1_outbound_2024" && period == "2021-2024";
    if !(single_year || outbound_four_years) {
        return Err("a change or a range of years, not a cell".into());
    }
    if field(row, "unit") == "percent" && !indicator.ends_with("_share") && !indicator.contains("share_by") {
        return Err("a percentage or change stated in the text".into());
    }
    Ok(start_year(period))
}

/// The year of a row of the running text on faculty exchanges, or why it is not a cell.
pub fn faculty_text_year(row: &PublishedRow) -> Result<&str, String> {
    let period = field(row, "period");
    if period.len() != 4 {
        return Err("a change between years, not a cell".into());
    }
    Ok(period)
}

/// Places a running-text row claimed by `indicator` (the row's `indicator` field equals it):
/// the screen of [`running_text_year`], then `cell` with the year.
pub fn running_text(file: &str, row: &PublishedRow, indicator: &str, cell: impl FnOnce(&str) -> Option<Placed>) -> Option<Placed> {
    running_text_where(file, row, |i| i == indicator, cell)
}

/// Places a running-text row whose `indicator` field `claims` accepts: the screen of
/// [`running_text_year`], then `cell` with the year.
pub fn running_text_where(file: &str, row: &PublishedRow, claims: impl FnOnce(&str) -> bool, cell: impl FnOnce(&str) -> Option<Placed>) -> Option<Placed> {
    if !claims(field(row, "indicator")) {
        return None;
    }
    match running_text_year(file, row) {
        Ok(year) => cell(&year),
        Err(reason) => Some(Err(reason)),
    }
}

/// Places a row of the running text on faculty exchanges claimed by `indicator`: the screen of
/// [`faculty_text_year`], then `cell` with the year.
pub fn faculty_text(row: &PublishedRow, indicator: &str, cell: impl FnOnce(&str) -> Option<Placed>) -> Option<Placed> {
    if field(row, "indicator") != indicator {
        return None;
    }
    match faculty_text_year(row) {
        Ok(year) => cell(year),
        Err(reason) => Some(Err(reason)),
    }
}
