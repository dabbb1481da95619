//! The produced tables against the published figures, cell by cell, and the consistency
//! rules on both. Writes `validation/reference_check.{csv,parquet}`
//! (one row per published figure: matched, mismatched with both values, or not producible and
//! why) and `validation/consistency.{csv,parquet}` (the rules' findings). A mismatch is
//! explained when a rule finds the published figures themselves contradictory in that table
//! and year (the report's inconsistencies, found, not listed by hand).

use std::collections::BTreeSet;
use std::path::Path;

use polars::prelude::*;

use hestat_transform::catalogue::catalogue;
use hestat_transform::indicators::base::BASE_TABLES;
use hestat_transform::output::{cell_text, write_csv, write_parquet};
use hestat_transform::placement::{PlacementContext, Precision};
use hestat_transform::{produced_cells, Produced};

use crate::published::{published_cells, unproduced_tables, PublishedCell};
use crate::rules::{check, describe, year_of, Finding, RuleCell, RuleContext, Severity, Source};
use crate::CheckError;

/// The outcome for one published figure.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Matched,
    Mismatched,
    NotProducible,
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Matched => "matched",
            Status::Mismatched => "mismatched",
            Status::NotProducible => "not_producible",
        }
    }
}

/// One row of the reproduction report.
#[derive(Debug, Clone)]
pub struct CheckRow {
    pub file: String,
    pub source_line: String,
    pub clean: bool,
    pub table: String,
    pub cell: String,
    pub published: String,
    pub produced: Option<f64>,
    pub status: Status,
    /// Why not producible, or the findings that explain a mismatch (empty: unexplained).
    pub explanation: String,
}

/// The reproduction report and the rules' findings.
#[derive(Debug, Default)]
pub struct ReferenceCheck {
    pub rows: Vec<CheckRow>,
    pub findings: Vec<Finding>,
}

impl ReferenceCheck {
    /// (matched, mismatched explained, mismatched unexplained, not producible) over the
    /// figures of clean tables (`clean`) or all.
    pub fn counts(&self, clean_only: bool) -> (usize, usize, usize, usize) {
        let rows = self.rows.iter().filter(|r| !clean_only || r.clean);
        let mut c = (0, 0, 0, 0);
        for r in rows {
            match (&r.status, r.explanation.is_empty()) {
                (Status::Matched, _) => c.0 += 1,
                (Status::Mismatched, false) => c.1 += 1,
                (Status::Mismatched, true) => c.2 += 1,
                (Status::NotProducible, _) => c.3 += 1,
            }
        }
        c
    }
}

impl ReferenceCheck {
    /// Error findings of the rules on one source (published figures or produced tables).
    pub fn errors(&self, source: Source) -> usize {
        self.findings.iter().filter(|f| f.source == source && f.severity == Severity::Error).count()
    }
}

fn rounding(precision: Precision) -> f64 {
    match precision {
        Precision::Exact => 0.0,
        Precision::Decimals(d) => 0.5 * 10f64.powi(-(d as i32)),
        Precision::RoundedTo(step) => step / 2.0,
        Precision::Thousands(d) => 500.0 * 10f64.powi(-(d as i32)),
    }
}

/// Published cells of one file that land on the same cell are parts of it (Table 6.1.23's
/// programmes under one funding code): summed.
fn merge_parts(cells: Vec<PublishedCell>) -> Vec<PublishedCell> {
    let mut merged: Vec<PublishedCell> = Vec::new();
    for c in cells {
        if c.file == "table_6_1_23" {
            if let Some(m) = merged.iter_mut().find(|m| m.file == c.file && m.table == c.table && m.key == c.key) {
                m.value += c.value;
                m.source_line = format!("{}+{}", m.source_line, c.source_line);
                continue;
            }
        }
        merged.push(c);
    }
    merged
}

fn rule_context<'a>(percent_tables: Vec<&'a str>, partial: Vec<&'a str>) -> RuleContext<'a> {
    let cross_classified = BASE_TABLES.iter().filter(|t| t.totals().len() > 1).map(|t| t.id).collect();
    RuleContext { percent_tables, overlapping: vec!["table_8_2_3"], partial, cross_classified }
}

/// Compares the produced tables with every published figure and runs the rules on both;
/// `context` gives the dataset's crosswalks (which registry code a university the report names
/// has).
pub fn check_reference(produced: &[Produced], context: &PlacementContext) -> ReferenceCheck {
    let indicators = catalogue();
    let unproduced = unproduced_tables();
    let percent_tables: Vec<&str> = indicators.iter().filter(|i| i.unit == hestat_contract::Unit::Percent).map(|i| i.id).collect();
    let produced_tables = produced_cells(produced);
    let (cells, not_placed) = published_cells(&indicators, context);
    let cells = merge_parts(cells);

    // Rules on the published figures of clean files, and on the produced tables.
    let published_rule_cells: Vec<RuleCell> = cells
        .iter()
        .filter(|c| c.clean)
        .map(|c| RuleCell { table: c.table.to_string(), key: c.key.clone(), value: c.value, origin: format!("{}:{}", c.file, c.source_line), rounding: rounding(c.precision) })
        .collect();
    let partial: Vec<&str> = cells.iter().map(|c| c.table).filter(|t| !t.starts_with("table_") && !t.starts_with("figure_")).collect::<BTreeSet<_>>().into_iter().collect();
    let mut findings = check(&published_rule_cells, Source::Published, &rule_context(percent_tables.clone(), partial));
    let produced_rule_cells: Vec<RuleCell> = produced_tables
        .iter()
        .flat_map(|(table, cells)| cells.iter().map(move |(key, value)| RuleCell { table: table.clone(), key: key.clone(), value: *value, origin: String::new(), rounding: 1e-9 }))
        .collect();
    findings.extend(check(&produced_rule_cells, Source::Produced, &rule_context(percent_tables, Vec::new())));

    let mut rows = Vec::new();
    for c in &cells {
        let cell = describe(c.table, &c.key);
        let published = format!("{}", c.value);
        let Some(table) = produced_tables.get(c.table) else {
            let reason = match (unproduced.iter().find(|t| t.id == c.table), indicators.iter().any(|i| i.id == c.table)) {
                (Some(table), _) => table.reason.to_string(),
                (None, true) => "the indicator could not be computed (a family was not staged)".to_string(),
                (None, false) => "no indicator produces this table".to_string(),
            };
            rows.push(CheckRow { file: c.file.to_string(), source_line: c.source_line.clone(), clean: c.clean, table: c.table.to_string(), cell, published, produced: None, status: Status::NotProducible, explanation: reason });
            continue;
        };
        // Cells a table does not list are zero (tables list what was counted).
        let value = table.get(&c.key).copied().unwrap_or(0.0);
        let shown = c.precision.apply(value);
        let status = if (shown - c.value).abs() < 1e-9 { Status::Matched } else { Status::Mismatched };
        let year = year_of(&c.key);
        let truncated = match c.precision {
            Precision::Decimals(d) => {
                let m = 10f64.powi(d as i32);
                ((value * m + 1e-9).floor() / m - c.value).abs() < 1e-9
            }
            _ => false,
        };
        let explanation = if status == Status::Mismatched && truncated {
            "printed truncated, not rounded (the report's practice; INCONSISTENCIES.md section C)".to_string()
        } else if status == Status::Mismatched {
            findings
                .iter()
                .filter(|f| f.source == Source::Published && (f.severity == Severity::Error || f.rule == "share_matches_count"))
                // A multi-year total is explained by a finding in any of its years.
                .filter(|f| f.tables.iter().any(|t| t == c.table) && (f.year.is_none() || f.year == year || year.as_deref() == Some("Total")))
                .map(|f| format!("{}: {}", f.rule, f.message))
                .collect::<Vec<_>>()
                .join("; ")
        } else {
            String::new()
        };
        rows.push(CheckRow { file: c.file.to_string(), source_line: c.source_line.clone(), clean: c.clean, table: c.table.to_string(), cell, published, produced: Some(value), status, explanation });
    }
    for n in not_placed {
        rows.push(CheckRow {
            file: n.file.to_string(),
            source_line: n.source_line,
            clean: n.clean,
            table: String::new(),
            cell: n.what,
            published: n.value,
            produced: None,
            status: Status::NotProducible,
            explanation: n.reason,
        });
    }
    ReferenceCheck { rows, findings }
}

fn frame(columns: Vec<(&str, Vec<String>)>) -> PolarsResult<DataFrame> {
    DataFrame::new_infer_height(columns.into_iter().map(|(name, values)| Column::new(name.into(), values)).collect())
}

/// Writes `validation/reference_check.*` and `validation/consistency.*` under `out`.
pub fn write(check: &ReferenceCheck, out: &Path) -> Result<(), CheckError> {
    let dir = out.join("validation");
    std::fs::create_dir_all(&dir).map_err(|source| CheckError::Folder { path: dir.clone(), source })?;
    let rows = &check.rows;
    let col = |f: &dyn Fn(&CheckRow) -> String| rows.iter().map(f).collect::<Vec<String>>();
    let mut report = frame(vec![
        ("file", col(&|r| r.file.clone())),
        ("source_line", col(&|r| r.source_line.clone())),
        ("clean", col(&|r| r.clean.to_string())),
        ("table", col(&|r| r.table.clone())),
        ("cell", col(&|r| r.cell.clone())),
        ("published", col(&|r| r.published.clone())),
        ("produced", col(&|r| r.produced.map(|v| cell_text(&AnyValue::Float64(v))).unwrap_or_default())),
        ("status", col(&|r| r.status.name().to_string())),
        ("explanation", col(&|r| r.explanation.clone())),
    ])
    .map_err(|source| CheckError::Frame { path: dir.clone(), source })?;
    write_parquet(&mut report, &dir.join("reference_check.parquet"))?;
    write_csv(&report, &dir.join("reference_check.csv"))?;
    let f = &check.findings;
    let fcol = |g: &dyn Fn(&Finding) -> String| f.iter().map(g).collect::<Vec<String>>();
    let mut findings = frame(vec![
        ("rule", fcol(&|x| x.rule.to_string())),
        ("severity", fcol(&|x| if x.severity == Severity::Error { "error" } else { "warning" }.to_string())),
        ("source", fcol(&|x| x.source.name().to_string())),
        ("tables", fcol(&|x| x.tables.join(" "))),
        ("cells", fcol(&|x| x.cells.join("; "))),
        ("figures", fcol(&|x| x.figures.iter().map(|v| cell_text(&AnyValue::Float64(*v))).collect::<Vec<_>>().join("; "))),
        ("message", fcol(&|x| x.message.clone())),
    ])
    .map_err(|source| CheckError::Frame { path: dir.clone(), source })?;
    write_parquet(&mut findings, &dir.join("consistency.parquet"))?;
    Ok(write_csv(&findings, &dir.join("consistency.csv"))?)
}
