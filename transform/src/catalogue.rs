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

impl Titles {
    /// The title in `lang`.
    pub fn in_lang(&self, lang: hestat_contract::Lang) -> &'static str {
        lang.pick([self.en, self.ru, self.kk])
    }
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
    /// Whether it counts people of a sensitive category (special educational needs, a
    /// disability group, a socially vulnerable group): such a table is published only under
    /// disclosure control, however few its dimensions.
    pub sensitive: bool,
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

/// A section of the National Report, where its tables are shown (the HTML report follows
/// this order), or the appendix of base tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// The report's numbering (`3.2`); `A` for the appendix of base tables.
    pub number: &'static str,
    pub title: Titles,
}

/// The report's sections that hestat's tables fall in, in the report's order.
pub const SECTIONS: [Section; 8] = [
    Section { number: "2.2", title: titles("Teacher training", "Подготовка педагогических кадров", "Педагог кадрларды даярлау") },
    Section { number: "3.1", title: titles("Network of higher education institutions", "Сеть организаций высшего образования", "Жоғары білім беру ұйымдарының желісі") },
    Section { number: "3.2", title: titles("Student population: dynamics and structure", "Контингент студентов: динамика и структура", "Студенттер контингенті: динамикасы мен құрылымы") },
    Section { number: "3.3", title: titles("Faculty of universities", "Профессорско-преподавательский состав вузов", "Жоғары оқу орындарының профессорлық-оқытушылық құрамы") },
    Section { number: "3.4", title: titles("Gross enrollment in higher education", "Валовый охват высшим образованием", "Жоғары біліммен жалпы қамту") },
    Section { number: "6.1", title: titles("Academic mobility of students and faculty", "Академическая мобильность студентов и преподавателей", "Студенттер мен оқытушылардың академиялық ұтқырлығы") },
    Section { number: "8.2", title: titles("Inclusive education and socially vulnerable groups", "Инклюзивное образование и социально уязвимые группы", "Инклюзивті білім беру және әлеуметтік осал топтар") },
    Section { number: "A", title: titles("Base tables", "Базовые таблицы", "Негізгі кестелер") },
];

/// Each theme's indicators with the section its tables fall in unless the report table they
/// reproduce names another.
fn themes() -> [(Vec<Indicator>, &'static str); 9] {
    use crate::indicators::*;
    [
        (enrollment::indicators(), "3.2"),
        (grants::indicators(), "3.2"),
        (staff::indicators(), "3.3"),
        (network::indicators(), "3.1"),
        (international::indicators(), "6.1"),
        (mobility::indicators(), "6.1"),
        (faculty_exchange::indicators(), "6.1"),
        (inclusion::indicators(), "8.2"),
        (base::indicators(), "A"),
    ]
}

/// The section number a `reproduces` text names (`Table 3.4.1`, `Section 8.2: …` → `3.4`,
/// `8.2`), if it is one of [`SECTIONS`].
fn named_section(reproduces: &str) -> Option<&'static str> {
    let number = reproduces.split_whitespace().nth(1)?;
    let mut parts = number.trim_end_matches(':').split('.');
    let section = format!("{}.{}", parts.next()?, parts.next()?);
    SECTIONS.iter().map(|s| s.number).find(|n| *n == section)
}

/// Every indicator, in catalogue order.
pub fn catalogue() -> Vec<Indicator> {
    themes().into_iter().flat_map(|(indicators, _)| indicators).collect()
}

/// The report's sections with their indicators, in the report's order (catalogue order within
/// a section).
pub fn sections() -> Vec<(Section, Vec<Indicator>)> {
    let mut sections: Vec<(Section, Vec<Indicator>)> = SECTIONS.iter().map(|s| (*s, Vec::new())).collect();
    for (indicators, default) in themes() {
        for indicator in indicators {
            let number = indicator.reproduces.and_then(named_section).unwrap_or(default);
            if let Some((_, list)) = sections.iter_mut().find(|(s, _)| s.number == number) {
                list.push(indicator);
            }
        }
    }
    sections
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
