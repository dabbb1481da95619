//! `hestat generate`: writes the synthetic submissions to a folder.
//!
//! Layout: `ministry/hei_registry.xlsx`, and per university `universities/<HEI>/<HEI>.xlsx`
//! (a cover sheet, then one sheet per family) or, for the universities that submit CSV,
//! one `universities/<HEI>/<HEI>_<family>.csv` per family. The same seed and version write
//! byte-identical files.

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use hestat_ingest::codes::code_lists;
use hestat_ingest::families::Family;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::mobility::{mobility_rows, mobility_targets, MobilityRow};
use crate::registry::{registry, Hei};
use crate::state_order::{state_order, StateOrderRow};
use crate::submission::{write_csv_1251, write_workbook, Style, Table, Val};

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateConfig {
    pub out: PathBuf,
    /// Calendar years of mobility, and the academic years (by start year) of the rosters.
    pub years: RangeInclusive<i32>,
    pub seed: u64,
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct GenerateSummary {
    pub files: usize,
    pub mobility_episodes: u64,
    /// Choices made where the report is silent or contradicts itself, one line each.
    pub decisions: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("cannot write {path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("calibration failed: {0}")]
    Calibration(String),
}

fn write_error(path: &Path) -> impl Fn(String) -> GenerateError + '_ {
    move |message| GenerateError::Write { path: path.to_path_buf(), message }
}

/// A seeded generator for one part of the dataset, independent of the others.
fn rng_for(seed: u64, part: &str) -> ChaCha8Rng {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in part.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    ChaCha8Rng::seed_from_u64(h)
}

fn text(s: &str) -> Val {
    Val::Text(s.to_string())
}

/// The country as the university types it: English, Russian or Kazakh name.
fn country_name(iso3: &str, language: usize) -> String {
    match code_lists().country(iso3) {
        Some(c) => match language {
            1 if !c.name_ru.is_empty() => c.name_ru.to_string(),
            2 if !c.name_kk.is_empty() => c.name_kk.to_string(),
            _ => c.name_en.to_string(),
        },
        None => iso3.to_string(),
    }
}

fn direction_label(direction: &str, language: usize) -> &'static str {
    match (direction, language) {
        ("incoming", 1) => "входящая",
        ("outgoing", 1) => "исходящая",
        ("incoming", 2) => "кіріс",
        ("outgoing", 2) => "шығыс",
        ("incoming", _) => "incoming",
        _ => "outgoing",
    }
}

const MOBILITY_KEYS: [&str; 11] =
    ["year", "hei_code", "direction", "participant", "country", "level", "field_code", "funding_source", "mode", "mobility_type", "count"];

fn mobility_table(rows: &[&MobilityRow], style: Style) -> Table {
    let language = style.language();
    Table {
        family: Family::Mobility,
        keys: MOBILITY_KEYS.to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    // Years are typed as plain numbers, or as text without separators.
                    if style == Style::PlainEnglish { Val::Num(f64::from(r.year)) } else { Val::Text(r.year.to_string()) },
                    text(r.hei),
                    text(direction_label(r.direction, language)),
                    text("student"),
                    Val::Text(country_name(r.country, language)),
                    text(r.level),
                    if language == 0 { text(r.field) } else { Val::Num(r.field.parse().unwrap_or(0.0)) },
                    text(r.funding),
                    text(r.mode),
                    text(r.mobility_type),
                    if r.count == 1 && style == Style::PlainEnglish { Val::Empty } else { Val::Num(r.count as f64) },
                ]
            })
            .collect(),
        total_of: Some("count"),
    }
}

fn registry_table(heis: &[Hei]) -> Table {
    Table {
        family: Family::Hei,
        keys: vec!["hei_code", "name_en", "region", "legal_form"],
        rows: heis.iter().map(|h| vec![text(&h.code), text(&h.name_en), text(&h.region), text(&h.legal_form)]).collect(),
        total_of: None,
    }
}

fn state_order_table(rows: &[StateOrderRow]) -> Table {
    Table {
        family: Family::StateOrder,
        keys: vec!["academic_year", "level", "field_code", "quota", "grants"],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Val::Text(format!("{}-{}", r.academic_year, r.academic_year + 1)),
                    text(r.level),
                    text(r.field),
                    text(r.quota),
                    Val::Num(r.grants as f64),
                ]
            })
            .collect(),
        total_of: Some("grants"),
    }
}

/// Writes the dataset.
pub fn generate(config: &GenerateConfig) -> Result<GenerateSummary, GenerateError> {
    let heis = registry();
    let mut summary = GenerateSummary::default();
    let mut mobility: Vec<MobilityRow> = Vec::new();
    for year in config.years.clone() {
        for direction in ["incoming", "outgoing"] {
            let targets = mobility_targets(year, direction);
            summary.mobility_episodes += targets.total;
            summary.decisions.extend(targets.decisions.iter().cloned());
            let mut rng = rng_for(config.seed, &format!("mobility/{year}/{direction}"));
            mobility.extend(mobility_rows(&targets, heis, &mut rng).map_err(GenerateError::Calibration)?);
        }
    }

    let mut grants = Vec::new();
    for year in config.years.clone() {
        let (rows, decisions) = state_order(year, &mut rng_for(config.seed, &format!("state_order/{year}"))).map_err(GenerateError::Calibration)?;
        grants.extend(rows);
        summary.decisions.extend(decisions);
    }

    let ministry = config.out.join("ministry");
    std::fs::create_dir_all(&ministry).map_err(|e| write_error(&ministry)(e.to_string()))?;
    let registry_path = ministry.join("hei_registry.xlsx");
    write_workbook(&registry_path, &[registry_table(heis)], Style::RussianWithTitle)
        .map_err(|e| write_error(&registry_path)(e.to_string()))?;
    let state_order_path = ministry.join("state_order.xlsx");
    write_workbook(&state_order_path, &[state_order_table(&grants)], Style::KazakhNumbersAsText)
        .map_err(|e| write_error(&state_order_path)(e.to_string()))?;

    let written: Result<Vec<usize>, GenerateError> = heis
        .par_iter()
        .enumerate()
        .map(|(index, hei)| {
            let rows: Vec<&MobilityRow> = mobility.iter().filter(|r| r.hei == hei.code).collect();
            if rows.is_empty() {
                return Ok(0);
            }
            let style = Style::of(index);
            let dir = config.out.join("universities").join(&hei.code);
            std::fs::create_dir_all(&dir).map_err(|e| write_error(&dir)(e.to_string()))?;
            let table = mobility_table(&rows, style);
            if style.is_csv() {
                let path = dir.join(format!("{}_mobility.csv", hei.code));
                write_csv_1251(&path, &table).map_err(|e| write_error(&path)(e.to_string()))?;
            } else {
                let path = dir.join(format!("{}.xlsx", hei.code));
                write_workbook(&path, &[table], style).map_err(|e| write_error(&path)(e.to_string()))?;
            }
            Ok(1)
        })
        .collect();
    summary.files = 2 + written?.iter().sum::<usize>();
    Ok(summary)
}
