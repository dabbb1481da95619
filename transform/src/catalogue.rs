//! The indicator catalogue: what every indicator is (id, titles, definition, basis,
//! dimensions, unit, source families, the report table it reproduces, where the report's
//! figures sit in it) next to the lazy plan that computes it. The entries live in the theme
//! modules of [`crate::indicators`]; this module holds their shape, the catalogue in order, and
//! its Markdown page (`docs/transform.md`, generated from it). Every consumer of an
//! indicator's metadata (the check, the published tables, the catalog) reads it here.

use hestat_contract::{Family, Unit};
use polars::prelude::LazyFrame;

use crate::intermediate::Frames;
use crate::placement::Placement;
use crate::PlanError;

/// Whose definition an indicator follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// An international definition (UNESCO UIS, OECD, Eurostat), named in the definition.
    International,
    /// The National Report's own definition (where it differs, or where none exists).
    Report,
}

impl Basis {
    pub fn name(self) -> &'static str {
        match self {
            Basis::International => "international",
            Basis::Report => "report",
        }
    }
}

/// A title in the three languages of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Titles {
    pub en: &'static str,
    pub ru: &'static str,
    pub kk: &'static str,
}

/// Titles: English, Russian, Kazakh.
pub const fn titles(en: &'static str, ru: &'static str, kk: &'static str) -> Titles {
    Titles { en, ru, kk }
}

/// One indicator: everything about it, and its plan, side by side.
pub struct Indicator {
    /// Table id: the report's numbering (`table_6_1_14`) where it reproduces a report table.
    pub id: &'static str,
    pub title: Titles,
    /// What the value counts or measures, in words; its own text (no two indicators share one).
    pub definition: String,
    pub basis: Basis,
    /// Dimension columns, in order (the vocabulary of `outputs.md`); then `value`.
    pub dimensions: &'static [&'static str],
    pub unit: Unit,
    /// Whether the table adds multi-year totals: rows with an empty year and a `flag` column
    /// naming the years (`total_2021_2024`).
    pub year_totals: bool,
    /// Staging families the plan reads (the registry tests run every plan without each
    /// family to keep this true).
    pub sources: &'static [Family],
    /// The report table or figure it reproduces, as the report names it.
    pub reproduces: Option<&'static str>,
    /// Where the report's published figures sit in this table (the check gathers them).
    pub published: Vec<Placement>,
    pub plan: Plan,
}

/// A lazy plan over the intermediate frames.
pub type Plan = Box<dyn Fn(&Frames) -> Result<LazyFrame, PlanError> + Send + Sync>;

impl Indicator {
    /// The columns of its table, in order: the dimensions, `value`, then `flag` (multi-year
    /// totals) and `unit` (every unit but persons).
    pub fn columns(&self) -> Vec<&'static str> {
        let mut columns = self.dimensions.to_vec();
        columns.push("value");
        if self.year_totals {
            columns.push("flag");
        }
        if self.unit.has_unit_column() {
            columns.push("unit");
        }
        columns
    }
}

/// Every indicator, in catalogue order.
pub fn catalogue() -> Vec<Indicator> {
    use crate::indicators::*;
    [enrollment::indicators(), grants::indicators(), staff::indicators(), network::indicators(), international::indicators(), mobility::indicators(), faculty_exchange::indicators(), inclusion::indicators(), base::indicators()]
        .into_iter()
        .flatten()
        .collect()
}

/// The catalogue as the Markdown table of `docs/transform.md` (a test keeps the document equal
/// to this).
pub fn catalogue_markdown(indicators: &[Indicator]) -> String {
    let mut md = String::from("| id | title | dimensions | unit | sources | reproduces |\n|---|---|---|---|---|---|\n");
    for i in indicators {
        let code = |names: &mut dyn Iterator<Item = &str>| names.map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
        md.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            i.id,
            i.title.en,
            code(&mut i.dimensions.iter().copied()),
            i.unit.name(),
            code(&mut i.sources.iter().map(|f| f.name())),
            i.reproduces.unwrap_or("")
        ));
    }
    md
}
