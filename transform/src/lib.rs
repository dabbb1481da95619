//! hestat-transform owns the indicators: the catalogue (id, titles in English, Russian and
//! Kazakh, definition, dimensions, unit, source families and the polars lazy plan of each,
//! side by side: [`catalogue`] and the family modules [`enrollment`], [`mobility`],
//! [`international`], [`inclusion`]; the base tables of every family in [`base`]), the consistency rules ([`rules`]), and the comparison
//! with the published figures ([`published`], [`check`]). It reads the staging Parquet that
//! `hestat-ingest` writes and knows nothing of spreadsheets or rendering. `docs/transform.md`
//! describes it.

pub mod base;
pub mod catalogue;
pub mod check;
pub mod enrollment;
pub mod inclusion;
pub mod international;
pub mod mobility;
pub mod output;
pub mod published;
pub mod rules;
pub mod staging;
pub mod tidy;

use std::path::PathBuf;

/// What can go wrong in the transform stage.
#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    #[error("cannot read staging {path}: {message}")]
    Staging { path: PathBuf, message: String },
    #[error("indicator {id}: {message}")]
    Plan { id: String, message: String },
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
}

use std::path::Path;
use std::time::{Duration, Instant};

use hestat_contract::Unit;
use polars::prelude::*;

use catalogue::{catalogue, Frames, Indicator};
use staging::Staging;

/// One indicator table, computed.
pub struct Produced {
    pub id: &'static str,
    pub frame: DataFrame,
}

/// (id, reason) of the indicators that could not be computed.
pub type NotProduced = Vec<(&'static str, String)>;

/// What the transform stage did.
#[derive(Debug, Default)]
pub struct TransformSummary {
    /// (id, rows) of every table written.
    pub tables: Vec<(&'static str, usize)>,
    /// (id, reason) of the indicators that could not be computed (a family was not staged).
    pub not_produced: Vec<(&'static str, String)>,
    /// Planning and collecting every plan together; writing.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Plans every indicator over the staging folder and collects them together (polars runs
/// independent plans in parallel on its thread pool). Indicators whose families are absent
/// are listed in `not_produced`.
pub fn compute(staging: &Staging) -> Result<(Vec<Produced>, NotProduced), TransformError> {
    let frames = Frames::open(staging)?;
    let indicators: Vec<Indicator> = catalogue();
    let mut planned: Vec<(&'static str, LazyFrame)> = Vec::new();
    let mut not_produced = Vec::new();
    for indicator in &indicators {
        match (indicator.plan)(&frames) {
            Ok(lf) => {
                // A mixed table says its unit per row; persons are the default, with no column.
                let lf = if indicator.unit.has_unit_column() && indicator.unit != Unit::Mixed { lf.with_column(lit(indicator.unit.name()).alias("unit")) } else { lf };
                planned.push((indicator.id, lf));
            }
            Err(e) => not_produced.push((indicator.id, e.to_string())),
        }
    }
    let plans: Vec<DslPlan> = planned.iter().map(|(_, lf)| lf.logical_plan.clone()).collect();
    let frames = LazyFrame::collect_all_with_engine(plans, Engine::Auto, OptFlags::default())
        .map_err(|e| TransformError::Plan { id: "all".to_string(), message: e.to_string() })?;
    Ok((planned.into_iter().zip(frames).map(|((id, _), frame)| Produced { id, frame }).collect(), not_produced))
}

/// `hestat transform`: every indicator from `staging` into `out/indicators/<id>.{parquet,csv}`.
pub fn transform(staging: &Path, out: &Path) -> Result<(Vec<Produced>, TransformSummary), TransformError> {
    let mut summary = TransformSummary::default();
    let started = Instant::now();
    let (mut produced, not_produced) = compute(&Staging::new(staging))?;
    summary.timings.push(("plan and collect", started.elapsed()));
    summary.not_produced = not_produced;
    let started = Instant::now();
    let dir = out.join("indicators");
    for table in produced.iter_mut() {
        output::write_table(&dir, table.id, &mut table.frame)?;
        summary.tables.push((table.id, table.frame.height()));
    }
    summary.timings.push(("write", started.elapsed()));
    Ok((produced, summary))
}

/// The tables a transform run wrote under `out/indicators/`, read back.
pub fn load_produced(out: &Path) -> Result<Vec<Produced>, TransformError> {
    let dir = out.join("indicators");
    let mut produced = Vec::new();
    for indicator in catalogue() {
        let path = dir.join(format!("{}.parquet", indicator.id));
        if !path.is_file() {
            continue;
        }
        let file = std::fs::File::open(&path).map_err(|e| TransformError::Staging { path: path.clone(), message: e.to_string() })?;
        let frame = ParquetReader::new(file).finish().map_err(|e| TransformError::Staging { path: path.clone(), message: e.to_string() })?;
        produced.push(Produced { id: indicator.id, frame });
    }
    Ok(produced)
}
