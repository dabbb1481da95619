//! Which tables are published under disclosure control, and the control applied to every
//! table of a run together, so that tables sharing a margin are protected as one.
//!
//! A table is **exact** (published as computed, as the ministry prints it) when it counts
//! something other than people (institutions, grants, countries), or when it is a one-way
//! national table: one classifying dimension besides the year, the measure and the population
//! it counts (`direction`, `participant`), with no sensitive category and no institution. Every
//! other table is **controlled**: a cross-classification (field × level, country × field), a
//! table of a sensitive category (special educational needs, disability group, socially
//! vulnerable group: the catalogue's `sensitive`), or a table with an institution (`hei_code`).
//!
//! Under the threshold rule, the counts of every table are joined into one system of lines
//! (see [`crate::disclosure`]): each table's own lines (its `Total` cells), and a line for
//! every cell of one table that is a margin of another: a cell of `enrollment_by_region` is
//! the total of that region's cells in `enrollment_by_hei`; a cell of `foreign_students_by_field`
//! equals the field's `Total` cell of a field × level table. Such links are found from the
//! values: table A (dimensions a) is a margin of table B (dimensions b ⊋ a) when every cell
//! of A equals B's cell with `Total` in b's other dimensions, or the sum of B's cells over
//! them. Cells of exact tables are pinned (published whatever their size), and so is every
//! cell equal to one, so that a controlled table never hides what an exact table shows.

use foldhash::HashMap;

use hestat_contract::Unit;
use hestat_transform::catalogue::Indicator;
use hestat_transform::output::cell_text;
use hestat_transform::row_key;
use hestat_transform::placement::Key;
use polars::prelude::*;

use crate::disclosure::{key_without, lines, round_count, threshold_lines, Count, Line, Rule, CONFIDENTIAL};

/// The flag of a rounded count.
pub const ROUNDED: &str = "r";

/// Dimensions that say which population a table counts, not how it is classified.
const POPULATION_DIMENSIONS: [&str; 5] = ["year", "academic_year", "measure", "direction", "participant"];

/// How a table is published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Treatment {
    /// Published as computed; the reason.
    Exact(&'static str),
    /// Published under the configured rule; the reason.
    Controlled(String),
}

impl Treatment {
    pub fn is_controlled(&self) -> bool {
        matches!(self, Treatment::Controlled(_))
    }

    pub fn reason(&self) -> &str {
        match self {
            Treatment::Exact(reason) => reason,
            Treatment::Controlled(reason) => reason,
        }
    }
}

/// Whether an indicator's table is published exact or under disclosure control, and why.
pub fn treatment(indicator: &Indicator) -> Treatment {
    if matches!(indicator.unit, Unit::Institutions | Unit::Grants | Unit::Countries) {
        return Treatment::Exact("counts institutions, grants or countries, not people");
    }
    let classifying: Vec<&str> = indicator.dimensions.iter().copied().filter(|d| !POPULATION_DIMENSIONS.contains(d)).collect();
    if indicator.sensitive || indicator.dimensions.contains(&"disability_group") {
        return Treatment::Controlled("a sensitive category (special educational needs, disability, social vulnerability)".into());
    }
    if indicator.dimensions.contains(&"hei_code") {
        return Treatment::Controlled("one row per university".into());
    }
    if classifying.len() >= 2 {
        return Treatment::Controlled(format!("a cross-classification ({})", classifying.join(" × ")));
    }
    Treatment::Exact("a one-way national table, published exact as the ministry prints it")
}

/// What a row of a table holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    /// A count of persons (students, staff, residents).
    Count,
    /// A percentage, ratio or average: protected with its counts.
    Derived,
    /// Another count (institutions, grants): as computed.
    Other,
}

/// A table's rows as keys and values.
struct Rows {
    keys: Vec<Key>,
    values: Vec<Option<f64>>,
    kinds: Vec<RowKind>,
}

fn rows(indicator: &Indicator, frame: &DataFrame) -> PolarsResult<Rows> {
    let values = frame.column("value")?.cast(&DataType::Float64)?;
    let values: Vec<Option<f64>> = values.f64()?.iter().collect();
    let units: Option<Vec<String>> = match frame.column("unit") {
        Ok(unit) => Some((0..frame.height()).map(|i| unit.get(i).map(|v| cell_text(&v)).unwrap_or_default()).collect()),
        Err(_) => None,
    };
    let table_unit = indicator.unit.name();
    let kinds = (0..frame.height())
        .map(|i| match units.as_ref().map_or(table_unit, |u| u[i].as_str()) {
            "persons" | "staff" => RowKind::Count,
            "percent" | "ratio" | "mixed" => RowKind::Derived,
            _ => RowKind::Other,
        })
        .collect();
    let dims: Vec<&str> = indicator.dimensions.iter().copied().filter(|d| frame.column(d).is_ok()).collect();
    let keys = (0..frame.height()).map(|i| row_key(frame, &dims, i)).collect();
    Ok(Rows { keys, values, kinds })
}

/// A table as published: its frame (values suppressed or rounded, a `flag` column for the
/// notes), with the count of cells suppressed and rounded.
#[derive(Debug, Clone)]
pub struct ProtectedTable {
    pub frame: DataFrame,
    pub suppressed: usize,
    pub rounded: usize,
    pub treatment: Treatment,
}

/// The cells of every table, joined (threshold rule).
struct Joined {
    counts: Vec<Count>,
    /// (table, row) of each count.
    owner: Vec<(usize, usize)>,
    lines: Vec<Line>,
    pinned: Vec<bool>,
}

fn join(tables: &[(&Indicator, Rows)]) -> Joined {
    let mut counts = Vec::new();
    let mut owner = Vec::new();
    let mut offsets = Vec::new();
    let mut all_lines = Vec::new();
    let mut pinned = Vec::new();
    for (t, (indicator, rows)) in tables.iter().enumerate() {
        let start = counts.len();
        offsets.push(start);
        let exact = !treatment(indicator).is_controlled();
        let mut own = Vec::new();
        for (r, kind) in rows.kinds.iter().enumerate() {
            if *kind == RowKind::Count {
                own.push(Count { key: rows.keys[r].clone(), value: rows.values[r].unwrap_or(0.0) });
                owner.push((t, r));
                pinned.push(exact);
            }
        }
        let margins: Vec<&str> = indicator.dimensions.iter().copied().filter(|d| *d != "measure").collect();
        all_lines.extend(lines(&own, &margins).into_iter().map(|(total, parts)| (total + start, parts.into_iter().map(|p| p + start).collect::<Vec<_>>())));
        counts.extend(own);
    }
    offsets.push(counts.len());
    let range = |t: usize| offsets[t]..offsets[t + 1];
    let mut links = Vec::new();
    for a in 0..tables.len() {
        for b in 0..tables.len() {
            let (da, db) = (tables[a].0.dimensions, tables[b].0.dimensions);
            if a == b || da.len() >= db.len() || !da.iter().all(|d| db.contains(d)) {
                continue;
            }
            if let Some(found) = margin_links(&counts, range(a), range(b), da, db) {
                links.extend(found);
            }
        }
    }
    // A cell of another table equal to a pinned cell is pinned (a table's own one-part lines
    // do not pin: a small count that is its line's only part is still suppressed, though the
    // exact total shows it).
    loop {
        let mut changed = false;
        for (total, parts) in &links {
            if let [part] = parts.as_slice() {
                if pinned[*total] != pinned[*part] {
                    pinned[*total] = true;
                    pinned[*part] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }
    all_lines.extend(links);
    Joined { counts, owner, lines: all_lines, pinned }
}

/// The lines saying that table A (cells `a`, dimensions `da`) is a margin of table B (cells
/// `b`, dimensions `db`): for each cell of A, B's cell with `Total` in B's other dimensions
/// (a line of one part: the two are equal), or B's cells summed over them. `None` when A is
/// not a margin of B (some cell of A is neither).
fn margin_links<'c>(counts: &'c [Count], a: std::ops::Range<usize>, b: std::ops::Range<usize>, da: &[&str], db: &[&str]) -> Option<Vec<Line>> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let extra: Vec<&str> = db.iter().copied().filter(|d| !da.contains(d)).collect();
    // Borrowed values; lookups only, so the hash map's order does not matter.
    let project = |key: &'c Key| -> Vec<&'c str> { da.iter().map(|d| key.get(*d).map_or("", String::as_str)).collect() };
    let mut totals: HashMap<Vec<&str>, usize> = HashMap::default();
    let mut leaves: HashMap<Vec<&str>, Vec<usize>> = HashMap::default();
    for i in b {
        let key = &counts[i].key;
        let totals_in_extra = extra.iter().filter(|d| key.get(**d).map(String::as_str) == Some("Total")).count();
        if totals_in_extra == extra.len() {
            totals.insert(project(key), i);
        } else if totals_in_extra == 0 {
            leaves.entry(project(key)).or_default().push(i);
        }
    }
    let mut links = Vec::new();
    let mut matched = 0;
    for i in a {
        let projected = project(&counts[i].key);
        let value = counts[i].value;
        if let Some(total) = totals.get(&projected) {
            if (counts[*total].value - value).abs() > 1e-6 {
                return None;
            }
            links.push((i, vec![*total]));
            matched += 1;
        } else if let Some(parts) = leaves.get(&projected) {
            let sum: f64 = parts.iter().map(|p| counts[*p].value).sum();
            if (sum - value).abs() > 1e-6 {
                return None;
            }
            links.push((i, parts.clone()));
            matched += 1;
        } else if value != 0.0 {
            return None;
        }
    }
    (matched > 0).then_some(links)
}

/// Every table of a run as published under `rule`: exact tables as computed; controlled
/// tables with their small counts and complements suppressed (`c`), or rounded (`r`).
pub fn protect_tables(tables: &[(&Indicator, &DataFrame)], rule: Rule) -> PolarsResult<Vec<ProtectedTable>> {
    let rows: Vec<(&Indicator, Rows)> = tables.iter().map(|(i, f)| Ok((*i, rows(i, f)?))).collect::<PolarsResult<_>>()?;
    // (table, row) → suppressed (threshold) or rounded value (rounding).
    let mut hidden: Vec<Vec<bool>> = rows.iter().map(|(_, r)| vec![false; r.keys.len()]).collect();
    let mut published: Vec<Vec<Option<f64>>> = rows.iter().map(|(_, r)| r.values.clone()).collect();
    let mut rounded: Vec<Vec<bool>> = rows.iter().map(|(_, r)| vec![false; r.keys.len()]).collect();
    match rule {
        Rule::Threshold { minimum } => {
            let joined = join(&rows);
            let suppression = threshold_lines(&joined.counts, &joined.lines, minimum, &joined.pinned);
            for (cell, s) in suppression.iter().enumerate() {
                if s.is_some() {
                    let (t, r) = joined.owner[cell];
                    hidden[t][r] = true;
                }
            }
        }
        Rule::Rounding => {
            for (t, (indicator, table)) in rows.iter().enumerate() {
                if !treatment(indicator).is_controlled() {
                    continue;
                }
                for r in 0..table.keys.len() {
                    if table.kinds[r] == RowKind::Count {
                        published[t][r] = table.values[r].map(round_count);
                        rounded[t][r] = true;
                    }
                }
            }
        }
    }
    // A percentage or average goes with its counts (same key but the measure): hidden when one
    // of them is; under rounding, hidden when they count fewer than 22.5 persons.
    for (t, (indicator, table)) in rows.iter().enumerate() {
        if !treatment(indicator).is_controlled() {
            continue;
        }
        let mut counts_by_key: HashMap<Vec<(&str, &str)>, Vec<usize>> = HashMap::default();
        for r in (0..table.keys.len()).filter(|r| table.kinds[*r] == RowKind::Count) {
            counts_by_key.entry(key_without(&table.keys[r], "measure")).or_default().push(r);
        }
        for r in (0..table.keys.len()).filter(|r| table.kinds[*r] == RowKind::Derived) {
            let counterparts = counts_by_key.get(&key_without(&table.keys[r], "measure")).map(Vec::as_slice).unwrap_or(&[]);
            let hide = match rule {
                Rule::Threshold { .. } => counterparts.iter().any(|c| hidden[t][*c]),
                Rule::Rounding => counterparts.iter().any(|c| table.values[*c].unwrap_or(0.0) < 22.5),
            };
            hidden[t][r] = hide;
        }
    }
    tables
        .iter()
        .enumerate()
        .map(|(t, (indicator, frame))| {
            let treatment = treatment(indicator);
            if !treatment.is_controlled() {
                return Ok(ProtectedTable { frame: (*frame).clone(), suppressed: 0, rounded: 0, treatment });
            }
            let values: Vec<Option<f64>> = published[t].iter().zip(&hidden[t]).map(|(v, h)| if *h { None } else { *v }).collect();
            let existing_flags = frame.column("flag").ok();
            let flags: Vec<Option<String>> = (0..frame.height())
                .map(|r| {
                    let note = if hidden[t][r] { Some(CONFIDENTIAL) } else if rounded[t][r] { Some(ROUNDED) } else { None };
                    let existing = existing_flags.and_then(|f| f.get(r).ok()).map(|v| cell_text(&v)).filter(|s| !s.is_empty());
                    match (existing, note) {
                        (Some(e), Some(n)) => Some(format!("{e};{n}")),
                        (Some(e), None) => Some(e),
                        (None, n) => n.map(str::to_string),
                    }
                })
                .collect();
            let mut out: DataFrame = (*frame).clone();
            let dtype = frame.column("value")?.dtype().clone();
            let value = Column::new("value".into(), values).cast(&dtype)?;
            out.with_column(value)?;
            let flag = Column::new("flag".into(), flags);
            let suppressed = hidden[t].iter().filter(|h| **h).count();
            let rounded = rounded[t].iter().zip(&hidden[t]).filter(|(r, h)| **r && !**h).count();
            if out.column("flag").is_ok() {
                out.with_column(flag)?;
            } else {
                // The flag goes after `value`, before `unit` (the column order of outputs.md).
                let at = out.get_column_index("value").map_or(out.width(), |i| i + 1);
                out.insert_column(at, flag)?;
            }
            Ok(ProtectedTable { frame: out, suppressed, rounded, treatment })
        })
        .collect()
}
