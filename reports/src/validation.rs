//! The run's validation report and reference check, read back from `OUT/validation/` for the
//! pages and the footnotes: files, rows and quarantined rows by rule and by university; the
//! reproduction of the published report; the consistency findings.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::PublishError;

type Record = BTreeMap<String, String>;

fn read(path: &Path) -> Result<Vec<Record>, PublishError> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let fail = |e: csv::Error| PublishError::Read { path: path.to_path_buf(), source: e.into() };
    let mut reader = csv::Reader::from_path(path).map_err(fail)?;
    let headers = reader.headers().map_err(fail)?.clone();
    reader.records().map(|r| r.map(|r| headers.iter().map(str::to_string).zip(r.iter().map(str::to_string)).collect()).map_err(fail)).collect()
}

fn number(record: &Record, field: &str) -> u64 {
    record.get(field).and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// A count under a name (a rule, a university, a status).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tally {
    pub name: String,
    pub count: u64,
}

fn tallies(map: BTreeMap<String, u64>) -> Vec<Tally> {
    let mut list: Vec<Tally> = map.into_iter().map(|(name, count)| Tally { name, count }).collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then(a.name.cmp(&b.name)));
    list
}

/// One consistency finding.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub severity: String,
    pub source: String,
    pub tables: String,
    pub message: String,
}

/// What the pages show of the validation and the check.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Validation {
    pub files: usize,
    pub files_rejected: usize,
    pub sheets_loaded: usize,
    pub rows_read: u64,
    pub rows_loaded: u64,
    pub rows_skipped: u64,
    pub rows_quarantined: u64,
    pub quarantined_by_rule: Vec<Tally>,
    pub quarantined_by_university: Vec<Tally>,
    pub rejected_files: Vec<Tally>,
    /// Reference check on the clean published figures: status → cells.
    pub reproduction: Vec<Tally>,
    pub findings: Vec<Finding>,
    /// table id → the explanations of its mismatches that a published inconsistency explains.
    #[serde(skip)]
    explained: BTreeMap<String, Vec<String>>,
}

impl Validation {
    /// Reads `validation/` (absent files are empty).
    pub fn read(dir: &Path) -> Result<Validation, PublishError> {
        let sheets = read(&dir.join("sheets.csv"))?;
        let issues = read(&dir.join("issues.csv"))?;
        let check = read(&dir.join("reference_check.csv"))?;
        let consistency = read(&dir.join("consistency.csv"))?;
        let mut v = Validation::default();
        let mut files = std::collections::BTreeSet::new();
        for s in &sheets {
            files.insert(s.get("file").cloned().unwrap_or_default());
            let status = s.get("status").map(String::as_str).unwrap_or("");
            v.files_rejected += usize::from(status == "file_rejected");
            v.sheets_loaded += usize::from(status == "loaded");
            v.rows_read += number(s, "rows_read");
            v.rows_loaded += number(s, "loaded");
            v.rows_skipped += number(s, "skipped");
            v.rows_quarantined += number(s, "quarantined");
        }
        v.files = files.len();
        let (mut by_rule, mut by_university, mut rejected) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        for i in &issues {
            if i.get("severity").map(String::as_str) != Some("error") {
                continue;
            }
            let rows = number(i, "rows");
            let file = i.get("file").cloned().unwrap_or_default();
            let rule = i.get("rule").cloned().unwrap_or_default();
            if rows > 0 {
                *by_rule.entry(rule).or_insert(0) += rows;
                *by_university.entry(hestat_contract::layout::submitting_university(&file)).or_insert(0) += rows;
            } else if i.get("sheet").is_none_or(|s| s.is_empty()) && !file.is_empty() {
                rejected.insert(format!("{file}: {}", i.get("message").cloned().unwrap_or_default()), 1);
            }
        }
        v.quarantined_by_rule = tallies(by_rule);
        v.quarantined_by_university = tallies(by_university);
        v.rejected_files = tallies(rejected);
        let mut reproduction = BTreeMap::new();
        for c in &check {
            let status = c.get("status").cloned().unwrap_or_default();
            if c.get("clean").map(String::as_str) == Some("true") {
                *reproduction.entry(status.clone()).or_insert(0) += 1;
            }
            if status == "mismatched" {
                if let (Some(table), Some(explanation)) = (c.get("table"), c.get("explanation")) {
                    let list = v.explained.entry(table.clone()).or_default();
                    if !explanation.is_empty() && !list.contains(explanation) {
                        list.push(explanation.clone());
                    }
                }
            }
        }
        v.reproduction = tallies(reproduction);
        v.findings = consistency
            .iter()
            .filter(|f| f.get("severity").map(String::as_str) == Some("error"))
            .map(|f| {
                let get = |k: &str| f.get(k).cloned().unwrap_or_default();
                Finding { rule: get("rule"), severity: get("severity"), source: get("source"), tables: get("tables"), message: get("message") }
            })
            .collect();
        Ok(v)
    }

    /// Where the report contradicts itself on a table (the explanations of its mismatches).
    pub fn inconsistencies(&self, table: &str) -> Vec<String> {
        self.explained.get(table).cloned().unwrap_or_default()
    }
}
