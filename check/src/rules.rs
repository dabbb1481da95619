//! Consistency rules in the style of the UNESCO/OECD/Eurostat joint data collection's
//! validation, run alike on the produced tables and on the published figures:
//!
//! - `total_equals_sum`: a `Total` equals the sum of its parts (error);
//! - `parts_within_total`: parts the text names (a partial list) do not exceed their total,
//!   e.g. the countries of a world region (error);
//! - `share_in_range` / `shares_sum_to_100`: shares lie within 0 and 100, and shares that
//!   partition a whole add up to 100 within their rounding (error);
//! - `share_matches_count`: a published share agrees with its count and total (warning: the
//!   report often truncates instead of rounding);
//! - `same_quantity`: the same quantity is equal wherever it appears: two published figures
//!   for one cell, or the declared equivalences between tables (error);
//! - `year_on_year`: a change of more than 20% from one year to the next (warning; counts of
//!   at least 50 the year before, smaller ones move by chance).
//!
//! Findings name the rule, the table, the cells and the figures.

use std::collections::BTreeMap;

use hestat_contract::codes::code_lists;

use hestat_transform::placement::Key;

/// A cell seen by the rules.
#[derive(Debug, Clone)]
pub struct RuleCell {
    pub table: String,
    pub key: Key,
    pub value: f64,
    /// Where it comes from: `file:line` for a published figure, empty for a produced one.
    pub origin: String,
    /// Half the unit of the last printed digit (0 for exact counts and produced values).
    pub rounding: f64,
}

/// Which data a rule ran on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Published,
    Produced,
}

impl Source {
    pub fn name(self) -> &'static str {
        match self {
            Source::Published => "published",
            Source::Produced => "produced",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    pub source: Source,
    /// Tables involved (one, or two for `same_quantity` across tables).
    pub tables: Vec<String>,
    /// The year (or academic year) the finding is about, when there is one.
    pub year: Option<String>,
    /// The cells, as `table{dim=value, …}`.
    pub cells: Vec<String>,
    /// The figures, in the order of `cells` (and the expected value last where there is one).
    pub figures: Vec<f64>,
    pub message: String,
}

pub fn describe(table: &str, key: &Key) -> String {
    format!("{table}{{{}}}", key.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", "))
}

/// The year (calendar or academic) a cell is about.
pub fn year_of(key: &Key) -> Option<String> {
    key.get("year").or_else(|| key.get("academic_year")).cloned()
}

fn is_year(dim: &str) -> bool {
    dim == "year" || dim == "academic_year"
}

fn is_share(cell: &RuleCell, percent_tables: &[&str]) -> bool {
    cell.key.get("measure").is_some_and(|m| m == "share") || (percent_tables.contains(&cell.table.as_str()) && cell.table.ends_with("_share"))
}

/// What the rules need to know of the tables.
pub struct RuleContext<'a> {
    /// Tables whose values are percentages (by catalogue unit).
    pub percent_tables: Vec<&'a str>,
    /// Tables whose `Total` counts each unit once although its categories overlap (so it is
    /// not the sum of its parts).
    pub overlapping: Vec<&'a str>,
    /// Tables whose parts are a partial list (the text names some of them).
    pub partial: Vec<&'a str>,
    /// Base tables that cross several dimensions: `year_on_year` follows their headline
    /// series only (cells with at most one dimension that is not `Total`), not every cell of
    /// the cross-classification, where small cells move by chance.
    pub cross_classified: Vec<&'a str>,
}

/// Declared equivalences: the same quantity in different tables, by year.
struct Equivalence {
    name: &'static str,
    sides: &'static [(&'static str, &'static [(&'static str, &'static str)])],
}

const EQUIVALENCES: &[Equivalence] = &[
    Equivalence {
        name: "outgoing students",
        sides: &[
            ("table_6_1_1", &[("direction", "outgoing")]),
            ("table_6_1_13", &[("world_region", "Total")]),
            ("table_6_1_14", &[("funding_source", "Total")]),
            ("table_6_1_7", &[("category", "Total")]),
            ("mobility_by_participant", &[("direction", "outgoing"), ("participant", "student")]),
        ],
    },
    Equivalence {
        name: "incoming students",
        sides: &[
            ("table_6_1_1", &[("direction", "incoming")]),
            ("table_6_1_6", &[("world_region", "Total")]),
            ("mobility_by_participant", &[("direction", "incoming"), ("participant", "student")]),
        ],
    },
    Equivalence {
        name: "outgoing students funded by the state budget",
        sides: &[
            ("table_6_1_7", &[("category", "state_budget")]),
            ("table_6_1_14", &[("funding_source", "state_budget")]),
            ("mobility_by_funding_source", &[("direction", "outgoing"), ("participant", "student"), ("funding_source", "state_budget")]),
        ],
    },
    Equivalence { name: "incoming from CIS", sides: &[("table_6_1_3", &[("country_iso3", "Total")]), ("table_6_1_6", &[("world_region", "CIS")]), ("mobility_by_world_region", &[("direction", "incoming"), ("participant", "student"), ("world_region", "CIS")])] },
    Equivalence { name: "incoming from Southeast Asia", sides: &[("table_6_1_4", &[("country_iso3", "Total")]), ("table_6_1_6", &[("world_region", "Southeast Asia")]), ("mobility_by_world_region", &[("direction", "incoming"), ("participant", "student"), ("world_region", "Southeast Asia")])] },
    Equivalence { name: "incoming from Europe", sides: &[("table_6_1_5", &[("country_iso3", "Total")]), ("table_6_1_6", &[("world_region", "Europe")]), ("mobility_by_world_region", &[("direction", "incoming"), ("participant", "student"), ("world_region", "Europe")])] },
    Equivalence { name: "outgoing to Europe", sides: &[("table_6_1_9", &[("country_iso3", "Total")]), ("table_6_1_13", &[("world_region", "Europe")]), ("mobility_by_world_region", &[("direction", "outgoing"), ("participant", "student"), ("world_region", "Europe")])] },
    Equivalence { name: "outgoing to CIS", sides: &[("table_6_1_10", &[("country_iso3", "Total")]), ("table_6_1_13", &[("world_region", "CIS")]), ("mobility_by_world_region", &[("direction", "outgoing"), ("participant", "student"), ("world_region", "CIS")])] },
    Equivalence { name: "outgoing to Southeast Asia", sides: &[("table_6_1_11", &[("country_iso3", "Total")]), ("table_6_1_13", &[("world_region", "Southeast Asia")]), ("mobility_by_world_region", &[("direction", "outgoing"), ("participant", "student"), ("world_region", "Southeast Asia")])] },
    Equivalence { name: "outgoing to the Middle East", sides: &[("table_6_1_12", &[("country_iso3", "Total")]), ("table_6_1_13", &[("world_region", "Middle East")]), ("mobility_by_world_region", &[("direction", "outgoing"), ("participant", "student"), ("world_region", "Middle East")])] },
    Equivalence {
        name: "faculty in exchange",
        sides: &[
            ("table_6_1_17", &[("legal_form", "Total"), ("measure", "count")]),
            ("table_6_1_19", &[("country_iso3", "Total"), ("measure", "count")]),
            ("table_6_1_22", &[("field_code", "Total"), ("measure", "count")]),
            ("table_6_1_23", &[("funding_source", "Total")]),
            ("table_6_1_21", &[("degree", "Total"), ("measure", "count")]),
            ("mobility_by_participant", &[("direction", "outgoing"), ("participant", "staff")]),
        ],
    },
    Equivalence {
        name: "students with SEN",
        sides: &[
            ("table_8_2_1", &[("level", "Total"), ("measure", "count")]),
            ("sen_students", &[("measure", "count")]),
            ("sen_students_by_level_disability_group", &[("level", "Total"), ("disability_group", "Total")]),
        ],
    },
    Equivalence {
        name: "students enrolled",
        sides: &[
            ("enrollment_by_region", &[("region_code", "Total")]),
            ("enrollment_by_region_level", &[("region_code", "Total"), ("level", "Total")]),
            ("enrollment_by_hei_level_funding_gender", &[("hei_code", "Total"), ("level", "Total"), ("funding", "Total"), ("gender", "Total")]),
            ("enrollment_by_citizenship", &[("country_iso3", "Total")]),
            ("enrollment_by_gender", &[("gender", "Total")]),
            ("enrollment_by_level_quota", &[("level", "Total"), ("quota", "Total")]),
        ],
    },
    Equivalence {
        name: "academic staff",
        sides: &[
            ("staff_by_degree", &[("degree", "Total")]),
            ("staff_by_title", &[("title", "Total")]),
            ("staff_by_gender", &[("gender", "Total")]),
            ("staff_by_region_degree", &[("region_code", "Total"), ("degree", "Total")]),
        ],
    },
    Equivalence {
        name: "grants of the state order",
        sides: &[
            ("grants_by_level_field_quota", &[("level", "Total"), ("field_code", "Total"), ("quota", "Total")]),
            ("grants_by_level_field", &[("level", "Total"), ("field_code", "Total")]),
            ("grants_by_level_quota", &[("level", "Total"), ("quota", "Total")]),
        ],
    },
    Equivalence { name: "institutions", sides: &[("hei_by_legal_form", &[("legal_form", "Total")]), ("hei_by_region_legal_form", &[("region_code", "Total"), ("legal_form", "Total")])] },
    Equivalence {
        name: "students from socially vulnerable groups",
        sides: &[("table_8_2_3", &[("category", "Total"), ("measure", "count")]), ("vulnerable_students_by_field", &[("field_code", "Total"), ("measure", "count")])],
    },
    Equivalence { name: "foreign students", sides: &[("figure_6_1_3", &[]), ("figure_6_1_8", &[("region_code", "Total")])] },
];

/// Runs every rule on one set of cells.
pub fn check(cells: &[RuleCell], source: Source, context: &RuleContext) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut by_table: BTreeMap<&str, Vec<&RuleCell>> = BTreeMap::new();
    for c in cells {
        by_table.entry(c.table.as_str()).or_default().push(c);
    }
    for (table, cells) in &by_table {
        totals(table, cells, source, context, &mut findings);
        shares(table, cells, source, context, &mut findings);
        year_on_year(table, cells, source, context, &mut findings);
        duplicates(table, cells, source, &mut findings);
    }
    equivalences(&by_table, source, &mut findings);
    regions_at_least_their_countries(&by_table, source, &mut findings);
    countries_at_least_their_fields(&by_table, source, &mut findings);
    findings
}

/// A finding about one cell of one table.
fn about(rule: &'static str, severity: Severity, source: Source, table: &str, key: &Key, figures: Vec<f64>, message: String) -> Finding {
    Finding { rule, severity, source, tables: vec![table.to_string()], year: year_of(key), cells: vec![describe(table, key)], figures, message }
}

fn totals(table: &str, cells: &[&RuleCell], source: Source, context: &RuleContext, out: &mut Vec<Finding>) {
    // Ratios (percentages) are not additive; an overlapping table's total counts each unit once.
    if context.percent_tables.contains(&table) || (context.overlapping.contains(&table) && source == Source::Produced) {
        return;
    }
    let partial = context.partial.contains(&table);
    let dims: Vec<&String> = cells.iter().flat_map(|c| c.key.keys()).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
    for dim in dims.iter().filter(|d| !is_year(d) && d.as_str() != "measure") {
        // The parts of a total: the cells with the same key but for `dim` (not `Total`),
        // grouped once by the rest of the key (a figure published twice is one part; the
        // duplicates rule compares them).
        let rest = |c: &RuleCell| -> Vec<(String, String)> { c.key.iter().filter(|(k, _)| k != dim).map(|(k, v)| (k.clone(), v.clone())).collect() };
        let mut parts_of: BTreeMap<Vec<(String, String)>, BTreeMap<&Key, &RuleCell>> = BTreeMap::new();
        for c in cells.iter().filter(|c| c.key.get(*dim).is_some_and(|v| v != "Total")) {
            parts_of.entry(rest(c)).or_default().entry(&c.key).or_insert(c);
        }
        for total in cells.iter().filter(|c| c.key.get(*dim).is_some_and(|v| v == "Total") && !is_share(c, &context.percent_tables)) {
            let Some(parts) = parts_of.get(&rest(total)) else { continue };
            let sum: f64 = parts.values().map(|c| c.value).sum();
            let slack = parts.values().map(|c| c.rounding).sum::<f64>() + total.rounding + 1e-6;
            let broken = if partial { sum > total.value + slack } else { (sum - total.value).abs() > slack };
            if broken {
                let rule = if partial { "parts_within_total" } else { "total_equals_sum" };
                let message = format!("{} parts of `{dim}` add up to {sum}, the total is {}", parts.len(), total.value);
                out.push(about(rule, Severity::Error, source, table, &total.key, vec![total.value, sum], message));
            }
        }
    }
}

fn shares(table: &str, cells: &[&RuleCell], source: Source, context: &RuleContext, out: &mut Vec<Finding>) {
    let share_cells: Vec<&&RuleCell> = cells.iter().filter(|c| is_share(c, &context.percent_tables)).collect();
    for c in &share_cells {
        if !(0.0..=100.0).contains(&c.value) {
            out.push(about("share_in_range", Severity::Error, source, table, &c.key, vec![c.value], format!("a share of {} is outside 0-100", c.value)));
        }
    }
    if context.overlapping.contains(&table) || context.partial.contains(&table) {
        return;
    }
    // Shares that partition: the same key but for one category dimension (not Total).
    let mut groups: BTreeMap<Vec<(String, String)>, Vec<&&RuleCell>> = BTreeMap::new();
    for c in share_cells.iter().filter(|c| !c.key.values().any(|v| v == "Total")) {
        let category = c.key.keys().find(|k| !is_year(k) && k.as_str() != "measure").cloned().unwrap_or_default();
        let rest: Vec<(String, String)> = c.key.iter().filter(|(k, _)| **k != category).map(|(k, v)| (k.clone(), v.clone())).collect();
        groups.entry(rest).or_default().push(c);
    }
    for (rest, parts) in groups {
        if parts.len() < 2 {
            continue;
        }
        let sum: f64 = parts.iter().map(|c| c.value).sum();
        let slack = parts.iter().map(|c| c.rounding).sum::<f64>() + 1e-6;
        if (sum - 100.0).abs() > slack {
            let key: Key = rest.into_iter().collect();
            out.push(about("shares_sum_to_100", Severity::Error, source, table, &key,
                vec![sum],
                format!("{} shares add up to {:.2}, not 100", parts.len(), sum),
            ));
        }
    }
    // A published share against its count and the total count.
    if source == Source::Published {
        for c in &share_cells {
            let Some(category) = c.key.keys().find(|k| !is_year(k) && k.as_str() != "measure").cloned() else { continue };
            let mut count_key = c.key.clone();
            count_key.insert("measure".into(), "count".into());
            let mut total_key = count_key.clone();
            total_key.insert(category, "Total".into());
            let find = |k: &Key| cells.iter().find(|x| x.key == *k).map(|x| x.value);
            if let (Some(count), Some(total)) = (find(&count_key), find(&total_key)) {
                let implied = count * 100.0 / total;
                if total > 0.0 && (implied - c.value).abs() > c.rounding + 1e-6 {
                    out.push(about("share_matches_count", Severity::Warning, source, table, &c.key,
                        vec![c.value, implied],
                        format!("the share {} does not match {count} of {total} ({implied:.2})", c.value),
                    ));
                }
            }
        }
    }
}

fn year_on_year(table: &str, cells: &[&RuleCell], source: Source, context: &RuleContext, out: &mut Vec<Finding>) {
    // The other dimensions → (year, value, cell) of each year.
    type Series<'c> = BTreeMap<Vec<(String, String)>, Vec<(i32, f64, &'c RuleCell)>>;
    let mut series: Series = BTreeMap::new();
    let headline = |c: &RuleCell| {
        !context.cross_classified.contains(&c.table.as_str()) || c.key.iter().filter(|(k, v)| !is_year(k) && *v != "Total").count() <= 1
    };
    for c in cells.iter().filter(|c| !is_share(c, &context.percent_tables) && !context.percent_tables.contains(&c.table.as_str()) && headline(c)) {
        let Some((year_dim, year)) = c.key.iter().find(|(k, _)| is_year(k)).and_then(|(k, v)| v.parse::<i32>().ok().map(|y| (k.clone(), y))) else { continue };
        let rest: Vec<(String, String)> = c.key.iter().filter(|(k, _)| **k != year_dim).map(|(k, v)| (k.clone(), v.clone())).collect();
        series.entry(rest).or_default().push((year, c.value, c));
    }
    for (_, mut points) in series {
        points.sort_by_key(|p| p.0);
        for pair in points.windows(2) {
            let ((y0, v0, _), (y1, v1, c1)) = (pair[0], pair[1]);
            if y1 == y0 + 1 && v0 >= 50.0 && ((v1 - v0) / v0).abs() > 0.2 {
                let message = format!("{y0} → {y1}: {v0} → {v1} ({:+.1}%)", (v1 - v0) * 100.0 / v0);
                out.push(about("year_on_year", Severity::Warning, source, table, &c1.key, vec![v0, v1], message));
            }
        }
    }
}

fn duplicates(table: &str, cells: &[&RuleCell], source: Source, out: &mut Vec<Finding>) {
    let mut seen: BTreeMap<&Key, Vec<&RuleCell>> = BTreeMap::new();
    for c in cells {
        seen.entry(&c.key).or_default().push(c);
    }
    for (key, same) in seen {
        let first = same[0];
        if let Some(other) = same.iter().find(|c| (c.value - first.value).abs() > c.rounding + first.rounding + 1e-6) {
            out.push(Finding {
                rule: "same_quantity",
                severity: Severity::Error,
                source,
                tables: vec![table.to_string()],
                year: year_of(key),
                cells: vec![format!("{} ({})", describe(table, key), first.origin), format!("{} ({})", describe(table, key), other.origin)],
                figures: vec![first.value, other.value],
                message: format!("the same figure is published as {} and {}", first.value, other.value),
            });
        }
    }
}

fn equivalences(by_table: &BTreeMap<&str, Vec<&RuleCell>>, source: Source, out: &mut Vec<Finding>) {
    for eq in EQUIVALENCES {
        // year → [(table, value, key)]
        let mut by_year: BTreeMap<String, Vec<(&str, f64, &RuleCell)>> = BTreeMap::new();
        for (table, fixed) in eq.sides {
            let Some(cells) = by_table.get(table) else { continue };
            for c in cells {
                let matches = fixed.iter().all(|(k, v)| c.key.get(*k).is_some_and(|x| x == v));
                let extra = c.key.keys().filter(|k| !is_year(k) && !fixed.iter().any(|(f, _)| f == k)).count();
                if matches && extra == 0 {
                    // A table without a year (the registry) is one "year" of its own.
                    let year = year_of(&c.key).unwrap_or_default();
                    // One value per table (a figure published twice is the duplicates rule's).
                    let side = by_year.entry(year).or_default();
                    if !side.iter().any(|(t, _, _)| t == table) {
                        side.push((table, c.value, c));
                    }
                }
            }
        }
        for (year, values) in by_year {
            let first = values[0];
            for other in values.iter().skip(1) {
                if (other.1 - first.1).abs() > 1e-6 + other.2.rounding + first.2.rounding {
                    out.push(Finding {
                        rule: "same_quantity",
                        severity: Severity::Error,
                        source,
                        tables: vec![first.0.to_string(), other.0.to_string()],
                        year: (!year.is_empty()).then(|| year.clone()),
                        cells: vec![describe(first.0, &first.2.key), describe(other.0, &other.2.key)],
                        figures: vec![first.1, other.1],
                        message: format!("{}{}: {} in {}, {} in {}", eq.name, if year.is_empty() { String::new() } else { format!(" in {year}") }, first.1, first.0, other.1, other.0),
                    });
                }
            }
        }
    }
}

/// The countries a table names for a world region do not exceed the region's total in the
/// table of regions (foreign students by country and by world region).
fn regions_at_least_their_countries(by_table: &BTreeMap<&str, Vec<&RuleCell>>, source: Source, out: &mut Vec<Finding>) {
    let pairs = [("foreign_students_by_country", "foreign_students_by_world_region")];
    for (countries, regions) in pairs {
        let (Some(cs), Some(rs)) = (by_table.get(countries), by_table.get(regions)) else { continue };
        for r in rs {
            let (Some(year), Some(region)) = (year_of(&r.key), r.key.get("world_region")) else { continue };
            let named: Vec<&&RuleCell> = cs
                .iter()
                .filter(|c| year_of(&c.key).as_ref() == Some(&year) && c.key.get("country_iso3").and_then(|i| code_lists().country(i)).is_some_and(|k| k.world_region == region))
                .collect();
            let sum: f64 = named.iter().map(|c| c.value).sum();
            if sum > r.value + 1e-6 {
                out.push(Finding {
                    rule: "parts_within_total",
                    severity: Severity::Error,
                    source,
                    tables: vec![regions.to_string(), countries.to_string()],
                    year: Some(year.clone()),
                    cells: std::iter::once(describe(regions, &r.key)).chain(named.iter().map(|c| describe(countries, &c.key))).collect(),
                    figures: vec![r.value, sum],
                    message: format!("{region} {year}: the countries named add up to {sum}, more than the region's {}", r.value),
                });
            }
        }
    }
}

/// A country's cells by field of education (the text's top three of each field) do not
/// exceed the country's total in the country tables.
fn countries_at_least_their_fields(by_table: &BTreeMap<&str, Vec<&RuleCell>>, source: Source, out: &mut Vec<Finding>) {
    let Some(parts) = by_table.get("mobility_by_field_country") else { return };
    let mut sums: BTreeMap<(String, String, String), (f64, Vec<String>)> = BTreeMap::new();
    for c in parts {
        let (Some(y), Some(d), Some(country)) = (c.key.get("year"), c.key.get("direction"), c.key.get("country_iso3")) else { continue };
        let students = c.key.get("participant").is_none_or(|p| p == "student");
        if !students || c.key.get("field_code").is_some_and(|f| f == "Total") || country == "Total" || d == "Total" {
            continue;
        }
        let entry = sums.entry((y.clone(), d.clone(), country.clone())).or_default();
        entry.0 += c.value;
        entry.1.push(describe("mobility_by_field_country", &c.key));
    }
    let country_tables = ["table_6_1_3", "table_6_1_4", "table_6_1_5", "table_6_1_9", "table_6_1_10", "table_6_1_11", "table_6_1_12"];
    for ((year, direction, country), (sum, cells)) in sums {
        let incoming = direction == "incoming";
        let total = country_tables
            .iter()
            .filter(|t| incoming == matches!(**t, "table_6_1_3" | "table_6_1_4" | "table_6_1_5"))
            .filter_map(|t| by_table.get(t))
            .flatten()
            .find(|c| c.key.get("year") == Some(&year) && c.key.get("country_iso3") == Some(&country));
        if let Some(total) = total {
            if sum > total.value + 1e-6 {
                let mut all = vec![describe(&total.table, &total.key)];
                all.extend(cells);
                out.push(Finding {
                    rule: "parts_within_total",
                    severity: Severity::Error,
                    source,
                    tables: vec!["mobility_by_field_country".to_string(), total.table.clone()],
                    year: Some(year.clone()),
                    cells: all,
                    figures: vec![total.value, sum],
                    message: format!("{direction} {country} {year}: its cells by field add up to {sum}, more than its total {}", total.value),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(table: &str, pairs: &[(&str, &str)], value: f64) -> RuleCell {
        RuleCell { table: table.into(), key: pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), value, origin: String::new(), rounding: 0.0 }
    }

    fn run(cells: &[RuleCell]) -> Vec<Finding> {
        let context = RuleContext { percent_tables: vec!["rates_share"], overlapping: vec![], partial: vec!["named_few"], cross_classified: vec!["cross"] };
        check(cells, Source::Published, &context)
    }

    fn rules(findings: &[Finding]) -> Vec<&'static str> {
        findings.iter().map(|f| f.rule).collect()
    }

    #[test]
    fn total_equals_sum_fires_and_keeps_quiet() {
        let good = [cell("t", &[("year", "2024"), ("level", "a")], 2.0), cell("t", &[("year", "2024"), ("level", "b")], 3.0), cell("t", &[("year", "2024"), ("level", "Total")], 5.0)];
        assert!(run(&good).is_empty());
        let mut bad = good.to_vec();
        bad[2].value = 6.0;
        let found = run(&bad);
        assert_eq!(rules(&found), ["total_equals_sum"]);
        assert_eq!(found[0].figures, [6.0, 5.0]);
        assert_eq!(found[0].year.as_deref(), Some("2024"));
    }

    #[test]
    fn parts_within_total_fires_only_when_named_parts_exceed_the_total() {
        let quiet = [cell("named_few", &[("year", "2024"), ("country_iso3", "KGZ")], 4.0), cell("named_few", &[("year", "2024"), ("country_iso3", "Total")], 10.0)];
        assert!(run(&quiet).is_empty(), "a partial list below its total is fine");
        let loud = [cell("named_few", &[("year", "2024"), ("country_iso3", "KGZ")], 12.0), cell("named_few", &[("year", "2024"), ("country_iso3", "Total")], 10.0)];
        assert_eq!(rules(&run(&loud)), ["parts_within_total"]);
    }

    #[test]
    fn shares_must_lie_in_range_and_partition_to_100() {
        let share = |level: &str, v: f64| cell("s", &[("year", "2024"), ("level", level), ("measure", "share")], v);
        assert!(run(&[share("a", 40.0), share("b", 60.0)]).is_empty());
        assert_eq!(rules(&run(&[share("a", 40.0), share("b", 65.0)])), ["shares_sum_to_100"]);
        assert_eq!(rules(&run(&[share("a", 140.0)])), ["share_in_range"]);
        // Printed with one decimal: 33.3 + 33.3 + 33.3 is 100 within rounding.
        let rounded = |level: &str| RuleCell { rounding: 0.05, ..share(level, 33.3) };
        assert!(run(&[rounded("a"), rounded("b"), rounded("c")]).is_empty());
    }

    #[test]
    fn a_published_share_must_match_its_count() {
        let c = |level: &str, measure: &str, v: f64| cell("s", &[("year", "2024"), ("level", level), ("measure", measure)], v);
        let base = vec![c("a", "count", 1.0), c("b", "count", 3.0), c("Total", "count", 4.0)];
        let mut good = base.clone();
        good.extend([RuleCell { rounding: 0.05, ..c("a", "share", 25.0) }, RuleCell { rounding: 0.05, ..c("b", "share", 75.0) }]);
        assert!(run(&good).is_empty());
        let mut bad = base;
        bad.extend([RuleCell { rounding: 0.05, ..c("a", "share", 20.0) }, RuleCell { rounding: 0.05, ..c("b", "share", 80.0) }]);
        assert_eq!(rules(&run(&bad)), ["share_matches_count", "share_matches_count"]);
    }

    #[test]
    fn the_same_quantity_must_be_equal_wherever_it_appears() {
        // Declared equivalence: Table 6.1.1's outgoing total and Table 6.1.13's Total.
        let a = cell("table_6_1_1", &[("year", "2023"), ("direction", "outgoing")], 4426.0);
        let b = cell("table_6_1_13", &[("year", "2023"), ("world_region", "Total")], 4426.0);
        assert!(run(&[a.clone(), b.clone()]).is_empty());
        let found = run(&[a.clone(), RuleCell { value: 4458.0, ..b }]);
        assert_eq!(rules(&found), ["same_quantity"]);
        assert_eq!(found[0].tables, ["table_6_1_1", "table_6_1_13"]);
        // One cell published twice with two values.
        let twice = run(&[a.clone(), RuleCell { value: 4458.0, origin: "text:4694".into(), ..a }]);
        assert_eq!(rules(&twice), ["same_quantity"]);
    }

    #[test]
    fn a_report_table_and_its_base_table_must_agree() {
        // Table 6.1.1's outgoing students and the base table's outgoing students.
        let report = cell("table_6_1_1", &[("year", "2024"), ("direction", "outgoing")], 4416.0);
        let base = cell("mobility_by_participant", &[("year", "2024"), ("direction", "outgoing"), ("participant", "student")], 4416.0);
        // The base table's staff and all-participant cells are other quantities.
        let staff = cell("mobility_by_participant", &[("year", "2024"), ("direction", "outgoing"), ("participant", "staff")], 584.0);
        let all = cell("mobility_by_participant", &[("year", "2024"), ("direction", "outgoing"), ("participant", "Total")], 5000.0);
        assert!(run(&[report.clone(), base.clone(), staff, all]).is_empty());
        let found = run(&[report, RuleCell { value: 4400.0, ..base }]);
        assert_eq!(rules(&found), ["same_quantity"]);
        assert_eq!(found[0].tables, ["table_6_1_1", "mobility_by_participant"]);
        assert_eq!(found[0].figures, [4416.0, 4400.0]);
        // Tables without a year (the registry) are compared too.
        let forms = cell("hei_by_legal_form", &[("legal_form", "Total")], 122.0);
        let regions = cell("hei_by_region_legal_form", &[("region_code", "Total"), ("legal_form", "Total")], 121.0);
        let found = run(&[forms, regions]);
        assert_eq!(rules(&found), ["same_quantity"]);
        assert_eq!(found[0].year, None);
        assert_eq!(found[0].message, "institutions: 122 in hei_by_legal_form, 121 in hei_by_region_legal_form");
    }

    #[test]
    fn a_total_over_several_dimensions_is_checked_on_each() {
        // A base table, level x gender with totals at every level.
        let c = |level: &str, gender: &str, v: f64| cell("base", &[("academic_year", "2024"), ("level", level), ("gender", gender)], v);
        let mut cells = vec![c("bachelor", "F", 2.0), c("bachelor", "M", 3.0), c("bachelor", "Total", 5.0), c("master", "F", 1.0), c("master", "Total", 1.0), c("Total", "F", 3.0), c("Total", "M", 3.0), c("Total", "Total", 6.0)];
        assert!(run(&cells).is_empty());
        // The grand total one too many: its parts by level (5 + 1) and by gender (3 + 3) both say 6.
        cells[7].value = 7.0;
        let found = run(&cells);
        assert_eq!(rules(&found), ["total_equals_sum", "total_equals_sum"]);
        assert_eq!(found.iter().map(|f| f.figures.clone()).collect::<Vec<_>>(), [[7.0, 6.0], [7.0, 6.0]]);
        assert_eq!(found.iter().map(|f| f.message.as_str()).collect::<Vec<_>>(), ["2 parts of `gender` add up to 6, the total is 7", "2 parts of `level` add up to 6, the total is 7"]);
    }

    #[test]
    fn year_on_year_changes_beyond_20_percent_are_warnings() {
        let y = |year: &str, v: f64| cell("t", &[("year", year), ("level", "a")], v);
        assert!(run(&[y("2023", 100.0), y("2024", 119.0)]).is_empty());
        let found = run(&[y("2023", 100.0), y("2024", 121.0)]);
        assert_eq!(rules(&found), ["year_on_year"]);
        assert_eq!(found[0].severity, Severity::Warning);
        assert!(run(&[y("2023", 10.0), y("2024", 30.0)]).is_empty(), "small counts (under 50) move by chance");
        assert!(run(&[y("2021", 100.0), y("2024", 300.0)]).is_empty(), "only consecutive years");
        // A cross-classified base table: its headline series only.
        let x = |year: &str, level: &str, gender: &str, v: f64| cell("cross", &[("year", year), ("level", level), ("gender", gender)], v);
        assert!(run(&[x("2023", "a", "F", 100.0), x("2024", "a", "F", 200.0)]).is_empty(), "a cell of the cross-classification");
        assert_eq!(rules(&run(&[x("2023", "a", "Total", 100.0), x("2024", "a", "Total", 200.0)])), ["year_on_year"]);
    }

    #[test]
    fn countries_named_for_a_region_must_not_exceed_it() {
        let region = cell("foreign_students_by_world_region", &[("academic_year", "2024"), ("world_region", "Middle East")], 362.0);
        let jor = cell("foreign_students_by_country", &[("academic_year", "2024"), ("country_iso3", "JOR")], 156.0);
        let afg = cell("foreign_students_by_country", &[("academic_year", "2024"), ("country_iso3", "AFG")], 662.0);
        assert!(run(&[region.clone(), jor.clone()]).is_empty());
        let found = run(&[region, jor, afg]);
        assert_eq!(rules(&found), ["parts_within_total"]);
        assert_eq!(found[0].figures, [362.0, 818.0]);
    }
}
