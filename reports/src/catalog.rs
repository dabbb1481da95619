//! `OUT/catalog.json`: one entry per published dataset (`outputs.md`): id, title,
//! description, dimensions with their code lists, unit, row count, files (path, format, size,
//! SHA-256), the report table it reproduces, and the run that produced it; and every figure as
//! data (its table, kind, axis and series, the rows it keeps, its titles, its files), so that
//! other tools (the notebooks) can redraw it.

use std::collections::{BTreeMap, BTreeSet};

use hestat_contract::layout::InputFile;
use hestat_transform::output::cell_text;
use serde::Serialize;

use crate::charts::{Chart, Keep, Kind, FIGURES};
use crate::files::{sha256_hex, WrittenFile};
use crate::labels::{label, Lang};
use crate::metadata::{Disclosure, TitlesRecord};
use crate::PublishedTable;

/// The run that produced the publication.
#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub hestat_version: String,
    /// SHA-256 over the sorted `file sha256` lines of every input file.
    pub input_fingerprint: String,
    /// Seconds since 1970: the latest modification of an input file (or `SOURCE_DATE_EPOCH`).
    pub time: u64,
    pub dataset: String,
    pub disclosure_rule: String,
    pub input_files: usize,
}

/// The fingerprint of a run's inputs.
pub fn input_fingerprint(inputs: &[InputFile]) -> String {
    let mut lines: Vec<String> = inputs.iter().map(|i| format!("{} {}\n", i.file, i.sha256)).collect();
    lines.sort();
    sha256_hex(lines.concat().as_bytes())
}

#[derive(Serialize)]
struct Code {
    code: String,
    label_en: String,
    label_ru: String,
    label_kk: String,
}

#[derive(Serialize)]
struct Dimension {
    name: String,
    codes: Vec<Code>,
}

#[derive(Serialize)]
struct File {
    path: String,
    format: String,
    bytes: u64,
    sha256: String,
}

#[derive(Serialize)]
struct Dataset<'a> {
    id: &'a str,
    title: &'a TitlesRecord,
    description: &'a str,
    section: &'a str,
    dimensions: Vec<Dimension>,
    unit: &'a str,
    row_count: usize,
    files: Vec<File>,
    reproduces: Option<&'a str>,
    footnotes: &'a [String],
    disclosure: &'a Disclosure,
}

/// A figure as data, for tools that redraw it (the notebooks do).
#[derive(Serialize)]
struct Figure<'a> {
    id: &'a str,
    table: &'a str,
    title: TitlesRecord,
    /// `bars`, `stacked` or `horizontal`.
    kind: &'a str,
    category: &'a str,
    series: Option<&'a str>,
    /// Rows kept: `{dimension: code}`, or `{dimension: "latest"}` for the table's latest year.
    keep: BTreeMap<&'a str, &'a str>,
    top: Option<usize>,
    files: Vec<File>,
}

/// A section of the report, where datasets are shown.
#[derive(Serialize)]
struct SectionRecord {
    number: &'static str,
    title: TitlesRecord,
}

#[derive(Serialize)]
struct Catalog<'a> {
    run: &'a Run,
    /// The report's sections, in its order (each dataset names its own).
    sections: Vec<SectionRecord>,
    datasets: Vec<Dataset<'a>>,
    figures: Vec<Figure<'a>>,
    /// Files that belong to no one dataset (the workbook, the pages).
    other_files: Vec<File>,
}

fn format_of(path: &str) -> String {
    path.rsplit('.').next().unwrap_or("").to_string()
}

fn file(w: &WrittenFile) -> File {
    File { path: w.path.clone(), format: format_of(&w.path), bytes: w.bytes, sha256: w.sha256.clone() }
}

/// The catalog as pretty JSON.
pub fn catalog(tables: &[PublishedTable], written: &[WrittenFile], charts: &[Chart], run: &Run) -> String {
    let mut claimed = BTreeSet::new();
    let datasets = tables
        .iter()
        .map(|t| {
            let id = t.indicator.id;
            let files: Vec<File> = written
                .iter()
                .filter(|w| {
                    w.path == format!("tables/{id}.parquet") || w.path == format!("tables/{id}.csv") || charts.iter().any(|c| c.table == id && (c.svg_path() == w.path || c.png_path() == w.path))
                })
                .inspect(|w| {
                    claimed.insert(w.path.clone());
                })
                .map(file)
                .collect();
            let frame = &t.protected.frame;
            let dimensions = t
                .indicator
                .dimensions
                .iter()
                .map(|d| {
                    let codes: BTreeSet<String> = frame.column(d).map(|c| (0..frame.height()).map(|i| c.get(i).map(|v| cell_text(&v)).unwrap_or_default()).collect()).unwrap_or_default();
                    Dimension {
                        name: d.to_string(),
                        codes: codes
                            .into_iter()
                            .filter(|c| !c.is_empty())
                            .map(|c| Code { label_en: label(d, &c, Lang::En), label_ru: label(d, &c, Lang::Ru), label_kk: label(d, &c, Lang::Kk), code: c })
                            .collect(),
                    }
                })
                .collect();
            Dataset {
                id,
                title: &t.metadata.title,
                description: &t.metadata.definition,
                section: &t.metadata.section,
                dimensions,
                unit: &t.metadata.unit,
                row_count: frame.height(),
                files,
                reproduces: t.indicator.reproduces,
                footnotes: &t.metadata.footnotes,
                disclosure: &t.metadata.disclosure,
            }
        })
        .collect();
    let figures = FIGURES
        .iter()
        .filter(|f| charts.iter().any(|c| c.id == f.id))
        .map(|f| Figure {
            id: f.id,
            table: f.table,
            title: TitlesRecord { en: f.title.en.into(), ru: f.title.ru.into(), kk: f.title.kk.into() },
            kind: match f.kind {
                Kind::Bars => "bars",
                Kind::Stacked => "stacked",
                Kind::Horizontal => "horizontal",
            },
            category: f.category,
            series: f.series,
            keep: f
                .keep
                .iter()
                .map(|k| match k {
                    Keep::Is(d, v) => (*d, *v),
                    Keep::Latest(d) => (*d, "latest"),
                })
                .collect(),
            top: f.top,
            files: written.iter().filter(|w| charts.iter().any(|c| c.id == f.id && (c.svg_path() == w.path || c.png_path() == w.path))).map(file).collect(),
        })
        .collect();
    let other_files = written.iter().filter(|w| !claimed.contains(&w.path)).map(file).collect();
    let sections = hestat_transform::catalogue::SECTIONS
        .iter()
        .map(|s| SectionRecord { number: s.number, title: TitlesRecord { en: s.title.en.into(), ru: s.title.ru.into(), kk: s.title.kk.into() } })
        .collect();
    let catalog = Catalog { run, sections, datasets, figures, other_files };
    serde_json::to_string_pretty(&catalog).unwrap_or_default() + "\n"
}
