//! hestat-reports owns the published outputs, the third stage: it reads what the earlier
//! stages wrote (the restricted tables of `hestat-transform`, the validation report and the
//! reference check, the provenance of the staging folder) and writes what the public gets:
//!
//! - [`grid`]: the report's full grid (a row with 0 where the report prints 0 or "–");
//! - [`protection`] and [`disclosure`]: which tables are controlled, and the threshold rule
//!   (with secondary suppression across tables that share margins) or HESA's rounding;
//! - [`tables`]: `tables/<id>.parquet` (zstd, statistics, [`metadata`] as key-value pairs)
//!   and `.csv` (UTF-8 with a BOM, formula-safe); [`workbook`]: `tables/report_tables.xlsx`;
//! - [`charts`]: the report's figures in English, Russian and Kazakh, SVG and PNG;
//! - [`pages`]: `report/index.html` (and `.ru`, `.kk`), self-contained static pages;
//! - [`catalog`]: `catalog.json`;
//! - [`files`]: every file written under a temporary name and renamed into place at the end;
//! - [`query`]: `hestat query`, SQL over the published tables (and, restricted, the unrounded
//!   ones and staging).
//!
//! It reads the indicator catalogue for every title, definition and unit, never recomputes an
//! indicator, and knows nothing of spreadsheets as inputs. `docs/reports.md` describes it.

pub mod catalog;
pub mod charts;
pub mod disclosure;
pub mod files;
pub mod grid;
pub mod labels;
pub mod metadata;
pub mod pages;
pub mod protection;
pub mod query;
pub mod tables;
pub mod validation;
pub mod workbook;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hestat_contract::layout::{read_inputs, InputFile};
use hestat_transform::catalogue::{sections, Indicator, Section};
use polars::prelude::DataFrame;

use disclosure::Rule;
use files::{Publication, WrittenFile};
use metadata::TableMetadata;
use protection::ProtectedTable;

/// What can stop the report stage.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("cannot read the restricted tables")]
    Restricted(#[source] hestat_transform::TransformError),
    #[error("cannot read {path}")]
    Read { path: PathBuf, source: Box<dyn std::error::Error + Send + Sync> },
    #[error("cannot write {path}")]
    Write { path: PathBuf, source: Box<dyn std::error::Error + Send + Sync> },
    #[error("no restricted tables in {path}: run `hestat transform` (or `hestat run`) first")]
    NothingToPublish { path: PathBuf },
    #[error("cannot protect or render table {id}")]
    Table { id: String, source: Box<dyn std::error::Error + Send + Sync> },
}

/// How to publish.
#[derive(Debug, Clone)]
pub struct PublishSettings {
    /// The output folder of the run (`restricted/`, `validation/`, `staging/` are read).
    pub out: PathBuf,
    pub rule: Rule,
    /// Whether the data is the SYNTHETIC embedded default (every output says so).
    pub synthetic: bool,
}

/// One table ready to publish: its catalogue entry, section, the protected frame and its
/// metadata.
pub struct PublishedTable<'a> {
    pub indicator: &'a Indicator,
    pub section: &'a Section,
    pub protected: ProtectedTable,
    pub metadata: TableMetadata,
}

/// What the report stage wrote.
#[derive(Debug)]
pub struct PublishSummary {
    pub tables: usize,
    pub controlled: usize,
    pub suppressed_cells: usize,
    pub rounded_cells: usize,
    pub charts: usize,
    pub files: Vec<WrittenFile>,
    pub report: PathBuf,
    pub timings: Vec<(&'static str, Duration)>,
}

/// The folders and files the report stage replaces.
const MANAGED: [&str; 3] = ["tables", "charts", "report"];

/// The run's date, from the inputs (the latest modification of an input file), or
/// `SOURCE_DATE_EPOCH` where it is set: never the clock, so that two runs on the same inputs
/// write the same bytes.
pub fn publication_time(inputs: &[InputFile]) -> u64 {
    std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| inputs.iter().map(|i| i.modified).max().unwrap_or(0))
}

/// `hestat publish`: every public table, the workbook, the charts, the pages and the catalog,
/// from the run's restricted tables.
pub fn publish(settings: &PublishSettings) -> Result<PublishSummary, PublishError> {
    let mut timings = Vec::new();
    let clock = Instant::now();
    let out = &settings.out;
    let produced = hestat_transform::load_produced(out).map_err(PublishError::Restricted)?;
    if produced.is_empty() {
        return Err(PublishError::NothingToPublish { path: out.join(hestat_transform::RESTRICTED) });
    }
    let staging = out.join("staging");
    let inputs = read_inputs(&staging).map_err(|e| PublishError::Read { path: staging.clone(), source: e.into() })?;
    let validation = validation::Validation::read(&out.join("validation"))?;
    let sections = sections();
    // Each table in the report's order, with the report's full grid where it reproduces one.
    let mut entries: Vec<(&Indicator, &Section, DataFrame)> = Vec::new();
    for (section, indicators) in &sections {
        for indicator in indicators {
            if let Some(p) = produced.iter().find(|p| p.id == indicator.id) {
                let frame = grid::with_full_grid(indicator, &p.frame).map_err(|e| PublishError::Table { id: indicator.id.to_string(), source: e.into() })?;
                entries.push((indicator, section, frame));
            }
        }
    }
    let pairs: Vec<(&Indicator, &DataFrame)> = entries.iter().map(|(i, _, f)| (*i, f)).collect();
    let protected = protection::protect_tables(&pairs, settings.rule).map_err(|e| PublishError::Table { id: "(all)".into(), source: e.into() })?;
    timings.push(("disclosure control", clock.elapsed()));

    let clock = Instant::now();
    let tables: Vec<PublishedTable> = entries
        .iter()
        .zip(protected)
        .map(|((indicator, section, _), protected)| {
            let inconsistencies = validation.inconsistencies(indicator.id);
            let context = metadata::Context { section, rule: settings.rule, synthetic: settings.synthetic, inputs: &inputs, inconsistencies: &inconsistencies };
            let metadata = metadata::metadata(indicator, &protected, &context);
            PublishedTable { indicator, section, protected, metadata }
        })
        .collect();
    let mut publication = Publication::new(out, MANAGED.to_vec())?;
    let time = publication_time(&inputs);
    // The workbook (most of the work) is written on a second thread while the table files
    // and the charts are made on this one; the files are committed in the same order.
    let (table_files, workbook, drawn) = std::thread::scope(|scope| {
        let workbook = scope.spawn(|| workbook::workbook(&tables, settings.synthetic, time));
        let table_files: Result<Vec<(String, Vec<u8>)>, PublishError> = tables
            .iter()
            .map(|table| {
                let id = table.indicator.id;
                let fail = |e: Box<dyn std::error::Error + Send + Sync>| PublishError::Table { id: id.to_string(), source: e };
                let parquet = tables::parquet_bytes(&table.protected.frame, &table.metadata).map_err(|e| fail(e.into()))?;
                let csv = tables::csv_bytes(&table.protected.frame).map_err(|e| fail(e.into()))?;
                Ok([(format!("tables/{id}.parquet"), parquet), (format!("tables/{id}.csv"), csv)])
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|pairs| pairs.into_iter().flatten().collect());
        let drawn = charts::draw_all(&tables);
        let workbook = workbook.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (table_files, workbook, drawn)
    });
    for (path, bytes) in table_files? {
        publication.write(&path, &bytes)?;
    }
    publication.write("tables/report_tables.xlsx", &workbook?)?;
    let drawn = drawn?;
    for chart in &drawn {
        publication.write(&chart.svg_path(), chart.svg.as_bytes())?;
        publication.write(&chart.png_path(), &chart.png)?;
    }
    timings.push(("tables, workbook and charts", clock.elapsed()));

    let clock = Instant::now();
    let fingerprint = catalog::input_fingerprint(&inputs);
    let run = catalog::Run { hestat_version: env!("CARGO_PKG_VERSION").to_string(), input_fingerprint: fingerprint, time, dataset: if settings.synthetic { "SYNTHETIC" } else { "submitted" }.to_string(), disclosure_rule: settings.rule.describe(), input_files: inputs.len() };
    for lang in labels::Lang::ALL {
        let page = pages::page(&tables, &drawn, &validation, &run, settings, lang).map_err(|e| PublishError::Table { id: format!("report page {}", lang.code()), source: e.into() })?;
        publication.write(&pages::page_path(lang), page.as_bytes())?;
    }
    timings.push(("pages", clock.elapsed()));

    // The catalog lists the files written so far (tables, workbook, charts, pages) and is
    // written last.
    let catalog = catalog::catalog(&tables, publication.written(), &drawn, &run);
    publication.write("catalog.json", catalog.as_bytes())?;
    let files = publication.commit()?;
    Ok(PublishSummary {
        tables: tables.len(),
        controlled: tables.iter().filter(|t| t.protected.treatment.is_controlled()).count(),
        suppressed_cells: tables.iter().map(|t| t.protected.suppressed).sum(),
        rounded_cells: tables.iter().map(|t| t.protected.rounded).sum(),
        charts: drawn.len(),
        files,
        report: out.join(pages::page_path(labels::Lang::En)),
        timings,
    })
}

/// The English page of the report under an output folder (for the CLI's messages).
pub fn report_page(out: &Path) -> PathBuf {
    out.join(pages::page_path(labels::Lang::En))
}
