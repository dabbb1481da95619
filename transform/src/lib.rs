//! hestat-transform owns the indicators, layered the dbt way: the staged families as lazy
//! frames ([`staging`], through the contract's one layout module), the intermediate frames
//! every plan starts from ([`intermediate`]: per-year student summaries, geography lookups),
//! and the indicator catalogue ([`catalogue`]: the shape of an entry; [`indicators`]: one
//! module a theme, each entry holding its titles in English, Russian and Kazakh, its own
//! definition, basis, dimensions, typed unit, typed sources, the report table it reproduces,
//! where the report's figures sit in it ([`placement`]) and its polars lazy plan). The
//! [`registry`] checks keep entries and plans equal. It reads the staging Parquet that
//! `hestat-ingest` writes and writes tidy tables ([`output`]); it knows nothing of
//! spreadsheets, of the comparison with the report (`hestat-check`) or of rendering.
//! `docs/transform.md` describes it.

pub mod catalogue;
pub mod indicators;
pub mod intermediate;
pub mod output;
pub mod placement;
pub mod registry;
pub mod staging;
pub mod tidy;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hestat_contract::{Family, Unit};
use polars::prelude::*;

use catalogue::{catalogue, Indicator};
use intermediate::Frames;
use staging::Staging;

/// What can go wrong in the transform stage.
#[derive(Debug, thiserror::Error)]
pub enum TransformError {
    #[error("cannot list the staging folder {path}")]
    Layout { path: PathBuf, source: std::io::Error },
    #[error("cannot read staging {path}")]
    Staging { path: PathBuf, source: PolarsError },
    #[error("cannot compute the indicators")]
    Collect { source: PolarsError },
    #[error("cannot write {path}")]
    Write { path: PathBuf, source: Box<dyn std::error::Error + Send + Sync> },
}

/// Why an indicator's plan could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// A family the plan reads was not staged.
    #[error("no staged `{family}` records in {folder}", family = family.name())]
    MissingFamily { family: Family, folder: PathBuf },
    #[error(transparent)]
    Polars(#[from] PolarsError),
}

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

/// An indicator's plan as its table: a `unit` column added where the catalogue says the unit
/// (a mixed table says its unit per row; persons are the default, with no column).
pub fn planned(indicator: &Indicator, frames: &Frames) -> Result<LazyFrame, PlanError> {
    let lf = (indicator.plan)(frames)?;
    Ok(if indicator.unit.has_unit_column() && indicator.unit != Unit::Mixed { lf.with_column(lit(indicator.unit.name()).alias("unit")) } else { lf })
}

/// Plans every indicator over the staging folder and collects them together (polars runs
/// independent plans in parallel on its thread pool). Indicators whose families are absent
/// are listed in `not_produced`.
pub fn compute(staging: &Staging) -> Result<(Vec<Produced>, NotProduced), TransformError> {
    let frames = Frames::open(staging)?;
    let indicators: Vec<Indicator> = catalogue();
    let mut plans: Vec<(&'static str, LazyFrame)> = Vec::new();
    let mut not_produced = Vec::new();
    for indicator in &indicators {
        match planned(indicator, &frames) {
            Ok(lf) => plans.push((indicator.id, lf)),
            Err(e) => not_produced.push((indicator.id, e.to_string())),
        }
    }
    let logical: Vec<DslPlan> = plans.iter().map(|(_, lf)| lf.logical_plan.clone()).collect();
    let frames = LazyFrame::collect_all_with_engine(logical, Engine::Auto, OptFlags::default())
        .map_err(|source| TransformError::Collect { source })?;
    Ok((plans.into_iter().zip(frames).map(|((id, _), frame)| Produced { id, frame }).collect(), not_produced))
}

/// The folder of the unrounded tables, under the output folder.
pub const RESTRICTED: &str = "restricted";

/// What `restricted/README.md` says.
const RESTRICTED_README: &str = "# Restricted: not for publication\n\n\
These are the indicator tables as computed, before disclosure control: small counts of people \
(students with a disability in one university, one country of origin in one field) are shown \
exactly and can identify them. They are for the ministry's analysts and for checking the \
reproduction of the published report only. Publish `../tables/` instead.\n";

/// `hestat transform`: every indicator from `staging` into `out/restricted/<id>.{parquet,csv}`
/// (unsuppressed, with a README saying they are not for publication). The folder is written
/// beside the old one under a temporary name and swapped in when complete, so that a run
/// killed half-way leaves the previous tables.
pub fn transform(staging: &Path, out: &Path) -> Result<(Vec<Produced>, TransformSummary), TransformError> {
    let mut summary = TransformSummary::default();
    let started = Instant::now();
    let (mut produced, not_produced) = compute(&Staging::new(staging))?;
    summary.timings.push(("plan and collect", started.elapsed()));
    summary.not_produced = not_produced;
    let started = Instant::now();
    let dir = out.join(RESTRICTED);
    let writing = out.join(format!(".hestat-tmp-{}-{RESTRICTED}", std::process::id()));
    let old = out.join(format!(".hestat-old-{}-{RESTRICTED}", std::process::id()));
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |e: std::io::Error| TransformError::Write { path, source: e.into() }
    };
    if writing.exists() {
        std::fs::remove_dir_all(&writing).map_err(io(&writing))?;
    }
    for table in produced.iter_mut() {
        output::write_table(&writing, table.id, &mut table.frame)?;
        summary.tables.push((table.id, table.frame.height()));
    }
    std::fs::create_dir_all(&writing).map_err(io(&writing))?;
    std::fs::write(writing.join("README.md"), RESTRICTED_README).map_err(io(&writing))?;
    if dir.exists() {
        std::fs::rename(&dir, &old).map_err(io(&dir))?;
    }
    std::fs::rename(&writing, &dir).map_err(io(&dir))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    summary.timings.push(("write", started.elapsed()));
    Ok((produced, summary))
}

/// A row's key: each dimension's cell as text, a null year (a multi-year total's) as `Total`.
pub fn row_key<S: AsRef<str>>(frame: &DataFrame, dims: &[S], row: usize) -> placement::Key {
    dims.iter()
        .map(|d| {
            let d = d.as_ref();
            let text = frame.column(d).ok().and_then(|c| c.get(row).ok()).map(|v| output::cell_text(&v)).unwrap_or_default();
            let text = if text.is_empty() && (d == "year" || d == "academic_year") { "Total".to_string() } else { text };
            (d.to_string(), text)
        })
        .collect()
}

/// Produced tables as cells: key (every column but value, unit, flag; a null year is the
/// multi-year `Total`) → value.
pub fn produced_cells(produced: &[Produced]) -> BTreeMap<String, BTreeMap<placement::Key, f64>> {
    let mut tables = BTreeMap::new();
    for p in produced {
        let df = &p.frame;
        let dims: Vec<String> = df.get_column_names().iter().map(|n| n.to_string()).filter(|n| !matches!(n.as_str(), "value" | "unit" | "flag")).collect();
        let Ok(values) = df.column("value").and_then(|c| c.cast(&DataType::Float64)) else { continue };
        let Ok(values) = values.f64().cloned() else { continue };
        let mut cells = BTreeMap::new();
        for i in 0..df.height() {
            cells.insert(row_key(df, &dims, i), values.get(i).unwrap_or(0.0));
        }
        tables.insert(p.id.to_string(), cells);
    }
    tables
}

/// The tables a transform run wrote under `out/restricted/`, read back.
pub fn load_produced(out: &Path) -> Result<Vec<Produced>, TransformError> {
    let dir = out.join(RESTRICTED);
    let mut produced = Vec::new();
    for indicator in catalogue() {
        let path = dir.join(format!("{}.parquet", indicator.id));
        if !path.is_file() {
            continue;
        }
        let file = std::fs::File::open(&path).map_err(|e| TransformError::Staging { path: path.clone(), source: e.into() })?;
        let frame = ParquetReader::new(file).finish().map_err(|source| TransformError::Staging { path: path.clone(), source })?;
        produced.push(Produced { id: indicator.id, frame });
    }
    Ok(produced)
}
