//! The report's full grid. A tidy table lists what was counted, so a country that sent no
//! student in 2022 has no row; but the report prints that cell, as 0 or "–". A published table
//! that reproduces a report table gets a row with 0 for every cell the report prints as 0 or
//! "–" (found through the catalogue's placements) that the computed table does not list.

use std::collections::BTreeSet;

use hestat_reference::{field, published};
use hestat_transform::catalogue::Indicator;
use hestat_transform::row_key;
use hestat_transform::placement::{Key, PlacementContext};
use hestat_transform::tidy::sorted;
use polars::prelude::*;

/// The table with a zero row for every cell of the report's grid it lacks (unchanged when it
/// lacks none).
pub fn with_full_grid(indicator: &Indicator, frame: &DataFrame) -> PolarsResult<DataFrame> {
    let context = PlacementContext { report_universities: &[] };
    let mut printed_zero: BTreeSet<Key> = BTreeSet::new();
    for placement in &indicator.published {
        for row in published(placement.file) {
            if field(&row, "value").trim().parse::<f64>() != Ok(0.0) {
                continue;
            }
            if let Some(Ok((key, _))) = (placement.place)(placement.file, &row, &context) {
                if key.len() == indicator.dimensions.len() && indicator.dimensions.iter().all(|d| key.contains_key(*d)) {
                    printed_zero.insert(key);
                }
            }
        }
    }
    if printed_zero.is_empty() {
        return Ok(frame.clone());
    }
    let listed: BTreeSet<Key> = (0..frame.height()).map(|r| row_key(frame, indicator.dimensions, r)).collect();
    let missing: Vec<&Key> = printed_zero.iter().filter(|k| !listed.contains(*k)).collect();
    if missing.is_empty() {
        return Ok(frame.clone());
    }
    let mut columns = Vec::new();
    for column in frame.columns() {
        let name = column.name().as_str();
        let texts: Vec<Option<String>> = missing
            .iter()
            .map(|key| match name {
                "value" => Some("0".to_string()),
                "unit" => Some(match key.get("measure").map(String::as_str) {
                    Some("share") => "percent".to_string(),
                    _ if indicator.unit == hestat_contract::Unit::Mixed => "persons".to_string(),
                    _ => indicator.unit.name().to_string(),
                }),
                "flag" => None,
                dimension => key.get(dimension).filter(|v| !(v.as_str() == "Total" && (dimension == "year" || dimension == "academic_year"))).cloned(),
            })
            .collect();
        columns.push(Column::new(name.into(), texts).cast(column.dtype())?);
    }
    let zeros = DataFrame::new(missing.len(), columns)?;
    let mut all = frame.vstack(&zeros)?;
    all.align_chunks();
    sorted(all.lazy(), indicator.dimensions).collect()
}
