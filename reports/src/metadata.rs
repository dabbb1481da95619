//! What every published table says about itself: the catalogue's titles, definition, unit
//! and dimensions; its footnotes; the input files it traces back to (by SHA-256); the
//! disclosure rule applied; the program version. The same record goes into the Parquet
//! file's key-value metadata, the workbook, the pages and `catalog.json`.

use hestat_contract::layout::InputFile;
use hestat_transform::catalogue::{Indicator, Section};
use serde::Serialize;

use crate::disclosure::Rule;
use crate::protection::{ProtectedTable, ROUNDED};

/// Titles in the three languages.
#[derive(Debug, Clone, Serialize)]
pub struct TitlesRecord {
    pub en: String,
    pub ru: String,
    pub kk: String,
}

/// One input file that fed a table.
#[derive(Debug, Clone, Serialize)]
pub struct SourceFile {
    pub file: String,
    pub sha256: String,
}

/// A staging family and the input files that staged its rows.
#[derive(Debug, Clone, Serialize)]
pub struct Source {
    pub family: String,
    pub files: Vec<SourceFile>,
}

/// How the table was protected.
#[derive(Debug, Clone, Serialize)]
pub struct Disclosure {
    /// `exact` or `controlled`.
    pub treatment: String,
    pub reason: String,
    /// The rule applied (controlled tables), in words.
    pub rule: Option<String>,
    pub suppressed_cells: usize,
    pub rounded_cells: usize,
}

/// Everything a published table says about itself.
#[derive(Debug, Clone, Serialize)]
pub struct TableMetadata {
    pub id: String,
    pub title: TitlesRecord,
    pub definition: String,
    pub basis: String,
    pub unit: String,
    pub dimensions: Vec<String>,
    pub columns: Vec<String>,
    pub section: String,
    pub reproduces: Option<String>,
    pub footnotes: Vec<String>,
    pub sources: Vec<Source>,
    pub disclosure: Disclosure,
    /// `SYNTHETIC` for the embedded default dataset (not real students), else `submitted`.
    pub dataset: String,
    pub hestat_version: String,
}

/// The footnote of a SYNTHETIC table.
pub const SYNTHETIC_NOTE: &str = "SYNTHETIC data: the embedded default dataset is generated so that its aggregates equal the published report; it describes no real student.";

/// The footnotes of a table: the dataset, the disclosure symbols used, the multi-year totals,
/// the report table it reproduces and where the report contradicts itself on it.
pub fn footnotes(indicator: &Indicator, protected: &ProtectedTable, rule: Rule, synthetic: bool, inconsistencies: &[String]) -> Vec<String> {
    let mut notes = Vec::new();
    if synthetic {
        notes.push(SYNTHETIC_NOTE.to_string());
    }
    if protected.suppressed > 0 {
        notes.push(format!("c: confidential, not published to protect small groups ({})", rule.describe()));
    }
    if protected.rounded > 0 {
        notes.push(format!("{ROUNDED}: rounded to the nearest 5 ({})", rule.describe()));
    }
    if indicator.year_totals {
        notes.push("Rows with an empty year are multi-year totals; their flag names the years (total_2021_2024).".to_string());
    }
    if let Some(reproduces) = indicator.reproduces {
        notes.push(format!("Reproduces {reproduces} of the National Report on the State and Development of the Higher Education System (2024)."));
    }
    for inconsistency in inconsistencies.iter().take(3) {
        notes.push(format!("The report contradicts itself here: {inconsistency}"));
    }
    notes
}

/// The sources of a table: each family it reads, with the input files that staged its rows.
pub fn sources(indicator: &Indicator, inputs: &[InputFile]) -> Vec<Source> {
    indicator
        .sources
        .iter()
        .map(|family| Source {
            family: family.name().to_string(),
            files: inputs.iter().filter(|i| i.families.contains(family)).map(|i| SourceFile { file: i.file.clone(), sha256: i.sha256.clone() }).collect(),
        })
        .collect()
}

/// What the table is, all together.
pub struct Context<'a> {
    pub section: &'a Section,
    pub rule: Rule,
    pub synthetic: bool,
    pub inputs: &'a [InputFile],
    pub inconsistencies: &'a [String],
}

/// A table's metadata record.
pub fn metadata(indicator: &Indicator, protected: &ProtectedTable, context: &Context) -> TableMetadata {
    TableMetadata {
        id: indicator.id.to_string(),
        title: TitlesRecord { en: indicator.title.en.into(), ru: indicator.title.ru.into(), kk: indicator.title.kk.into() },
        definition: indicator.definition.clone(),
        basis: indicator.basis.name().to_string(),
        unit: indicator.unit.name().to_string(),
        dimensions: indicator.dimensions.iter().map(|d| d.to_string()).collect(),
        columns: protected.frame.get_column_names().iter().map(|c| c.to_string()).collect(),
        section: context.section.number.to_string(),
        reproduces: indicator.reproduces.map(str::to_string),
        footnotes: footnotes(indicator, protected, context.rule, context.synthetic, context.inconsistencies),
        sources: sources(indicator, context.inputs),
        disclosure: Disclosure {
            treatment: if protected.treatment.is_controlled() { "controlled" } else { "exact" }.to_string(),
            reason: protected.treatment.reason().to_string(),
            rule: protected.treatment.is_controlled().then(|| context.rule.describe()),
            suppressed_cells: protected.suppressed,
            rounded_cells: protected.rounded,
        },
        dataset: if context.synthetic { "SYNTHETIC" } else { "submitted" }.to_string(),
        hestat_version: env!("CARGO_PKG_VERSION").to_string(),
    }
}

/// The record as Parquet key-value pairs: flat keys for tools that list them, and the whole
/// record as JSON under `hestat`.
pub fn key_values(metadata: &TableMetadata) -> Vec<(String, String)> {
    vec![
        ("title".into(), metadata.title.en.clone()),
        ("title_ru".into(), metadata.title.ru.clone()),
        ("title_kk".into(), metadata.title.kk.clone()),
        ("unit".into(), metadata.unit.clone()),
        ("definition".into(), metadata.definition.clone()),
        ("basis".into(), metadata.basis.clone()),
        ("dimensions".into(), json(&metadata.dimensions)),
        ("footnotes".into(), json(&metadata.footnotes)),
        ("sources".into(), json(&metadata.sources)),
        ("disclosure".into(), json(&metadata.disclosure)),
        ("dataset".into(), metadata.dataset.clone()),
        ("hestat_version".into(), metadata.hestat_version.clone()),
        ("hestat".into(), json(metadata)),
    ]
}

/// A record as JSON (serde_json cannot fail on these plain records).
fn json<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
