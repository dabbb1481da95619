//! `OUT/catalog.json`: one entry per published dataset (`outputs.md`): id, title,
//! description, dimensions with their code lists, unit, row count, files (path, format, size,
//! SHA-256), the report table it reproduces, and the run that produced it.

use std::collections::BTreeSet;

use hestat_contract::layout::InputFile;
use hestat_transform::output::cell_text;
use serde::Serialize;

use crate::charts::Chart;
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

#[derive(Serialize)]
struct Catalog<'a> {
    run: &'a Run,
    datasets: Vec<Dataset<'a>>,
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
    let other_files = written.iter().filter(|w| !claimed.contains(&w.path)).map(file).collect();
    let catalog = Catalog { run, datasets, other_files };
    serde_json::to_string_pretty(&catalog).unwrap_or_default() + "\n"
}
