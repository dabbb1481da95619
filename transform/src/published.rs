//! The published figures in the shape of hestat's tables: every row of every reference file
//! (`hestat-reference`) becomes a cell of the produced table that expresses it (table id,
//! key of dimension values, value, how precisely it was printed), or the reason why no table
//! expresses it. The consistency rules run on these cells as on the produced ones, and the
//! reference check compares the two.

use std::collections::BTreeMap;

use hestat_contract::codes::code_lists;
use hestat_reference::{field, published, PublishedRow, FILES, TABLE_6_1_15_HEIS, TABLE_6_1_23_PROGRAMMES};

/// A cell's key: dimension → value (`Total` for totals).
pub type Key = BTreeMap<String, String>;

/// How precisely a published value was printed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Precision {
    /// A whole count.
    Exact,
    /// A value printed with this many decimals (shares, ratios).
    Decimals(u32),
    /// A count printed rounded to a multiple (100: "202 000" for 202,0xx).
    RoundedTo(f64),
    /// A count printed in thousands with this many decimals ("37.6 thousand").
    Thousands(u32),
}

impl Precision {
    /// The produced value as it would have been printed.
    pub fn apply(self, value: f64) -> f64 {
        match self {
            Precision::Exact => value,
            Precision::Decimals(d) => {
                let m = 10f64.powi(d as i32);
                (value * m).round() / m
            }
            Precision::RoundedTo(step) => (value / step).round() * step,
            Precision::Thousands(d) => Precision::Decimals(d).apply(value / 1000.0),
        }
    }
}

/// One published figure, placed in a produced table.
#[derive(Debug, Clone)]
pub struct PublishedCell {
    /// Reference file stem and the line of the report's text it comes from.
    pub file: &'static str,
    pub source_line: String,
    /// `clean` in MANIFEST.csv.
    pub clean: bool,
    pub table: &'static str,
    pub key: Key,
    pub value: f64,
    pub precision: Precision,
}

/// Report tables whose figures are placed (so the rules can check them) but that no
/// indicator produces, and why.
pub const UNPRODUCED_TABLES: [(&str, &str); 1] = [("table_6_1_21", "faculty in exchange by degree: the mobility family has no degree column")];

/// A published figure no produced table expresses, and why.
#[derive(Debug, Clone)]
pub struct NotProducible {
    pub file: &'static str,
    pub clean: bool,
    pub source_line: String,
    pub what: String,
    pub value: String,
    pub reason: String,
}

fn key(pairs: &[(&'static str, &str)]) -> Key {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn direction(report: &str) -> &'static str {
    if report == "inbound" {
        "incoming"
    } else {
        "outgoing"
    }
}

/// "2024-2025" or "2024" → "2024".
fn start_year(period: &str) -> String {
    period.split(['-', '/']).next().unwrap_or(period).trim().to_string()
}

fn country_code(row: &PublishedRow, name_field: &str) -> Option<String> {
    let iso3 = field(row, "iso3");
    let name = field(row, name_field);
    if name == "Total" {
        return Some("Total".to_string());
    }
    if !iso3.is_empty() {
        return Some(iso3.to_string());
    }
    code_lists().country(name).map(|c| c.iso3.to_string())
}

fn decimals(text: &str) -> u32 {
    text.split_once('.').map_or(0, |(_, d)| d.len() as u32)
}

/// A level as the report names it (`Bachelor's`) → the contract's code, by the level code
/// list's labels; `Total` stays.
fn level_code(label: &str) -> Option<&'static str> {
    if label == "Total" {
        return Some("Total");
    }
    code_lists().list("level")?.lookup(label)
}

/// "01 Education" → "01".
fn field_code(category: &str) -> Option<&'static str> {
    code_lists().field(category.get(..2)?)
}

/// Table 6.1.14's funding labels (also used by the text) → the contract's outgoing codes.
fn outbound_funding_code(label: &str) -> &'static str {
    match label {
        s if s.starts_with("Student's own") || s.starts_with("Own funds") => "own_funds",
        s if s.starts_with("State budget") => "state_budget",
        s if s.starts_with("University funds") => "university",
        s if s.starts_with("Erasmus") => "erasmus",
        s if s.starts_with("Other Kazakhstani") => "other_programs",
        s if s.starts_with("Mutual exchange") => "mutual_exchange",
        s if s.starts_with("Foreign") => "foreign_university",
        s if s.starts_with("Ministry of Culture") => "other_ministries",
        _ => "Total",
    }
}

/// Where a row goes: (table, key, precision), or why it goes nowhere.
type Placement = Result<(&'static str, Key, Precision), String>;

fn place(file: &'static str, row: &PublishedRow) -> Placement {
    let year = field(row, "year");
    let value = field(row, "value");
    let measure = field(row, "measure");
    let exact = Precision::Exact;
    let share = Precision::Decimals(decimals(value));
    match file {
        "table_6_1_1" => Ok((file, key(&[("year", year), ("direction", direction(field(row, "direction")))]), exact)),
        "table_6_1_3" | "table_6_1_4" | "table_6_1_5" | "table_6_1_9" | "table_6_1_10" | "table_6_1_11" | "table_6_1_12" => {
            let country = country_code(row, "country").ok_or_else(|| format!("country `{}` is not in the code list", field(row, "country")))?;
            if year == "Total" {
                return Err("multi-year totals of the country tables are not produced".into());
            }
            Ok((file, key(&[("year", year), ("country_iso3", &country)]), exact))
        }
        "table_6_1_6" | "table_6_1_13" => Ok((file, key(&[("year", year), ("world_region", field(row, "region"))]), exact)),
        "table_6_1_7" => {
            let category = match field(row, "funding_source") {
                "State budget" => "state_budget",
                "Non-budgetary" => "extra_budgetary",
                _ => "Total",
            };
            Ok((file, key(&[("year", year), ("category", category)]), exact))
        }
        "table_6_1_14" => {
            let code = outbound_funding_code(field(row, "funding_source"));
            Ok((file, key(&[("year", year), ("funding_source", code)]), exact))
        }
        "table_6_1_15" => {
            let university = field(row, "university");
            if university == "Total" {
                return Err("the table's own total over its 12 universities is not a produced cell".into());
            }
            let code = TABLE_6_1_15_HEIS.iter().find(|(name, _)| *name == university).map(|(_, c)| *c).ok_or("university not in the registry crosswalk")?;
            Ok((file, key(&[("academic_year", year), ("hei_code", code), ("measure", field(row, "measure"))]), exact))
        }
        "table_6_1_16" => {
            if year.parse::<i32>().is_ok_and(|y| y < 2021) {
                return Err("no submissions before 2021".into());
            }
            let category = if field(row, "funding_source") == "State budget" { "budget" } else { "extra_budgetary" };
            Ok((file, key(&[("academic_year", year), ("category", category)]), exact))
        }
        "table_6_1_17" | "table_6_1_18" | "table_6_1_19" | "table_6_1_21" | "table_6_1_22" => {
            let (dimension, code) = match file {
                "table_6_1_17" => ("legal_form", match field(row, "university_type") {
                    "Joint-stock" => "jsc".to_string(),
                    other => other.to_lowercase(),
                }),
                "table_6_1_18" => ("mode", field(row, "teaching_format").to_lowercase()),
                "table_6_1_19" => ("country_iso3", country_code(row, "country").ok_or("country not in the code list")?),
                "table_6_1_21" => ("degree", degree_code(field(row, "academic_degree")).to_string()),
                _ => ("field_code", field(row, "field_code").to_string()),
            };
            let code = if code == "total" { "Total".to_string() } else { code };
            let is_share = measure == "share";
            Ok((file, key(&[("year", year), (dimension, &code), ("measure", if is_share { "share" } else { "count" })]), if is_share { share } else { exact }))
        }
        "table_6_1_23" => {
            let programme = field(row, "program");
            let code = if programme == "Total" {
                "Total"
            } else {
                TABLE_6_1_23_PROGRAMMES.iter().find(|(p, _)| programme.starts_with(p)).map(|(_, c)| *c).ok_or("programme without a funding code")?
            };
            Ok((file, key(&[("year", year), ("funding_source", code), ("measure", "count")]), exact))
        }
        "text_3_1_hei_network" if measure == "count" && year == "2024" => {
            let form = match field(row, "legal_form") {
                "Private" => "private",
                "State" => "state",
                "Non-civil (military and law enforcement)" => "non_civil",
                "National" => "national",
                "Joint-stock" => "jsc",
                "Autonomous educational organization (AEO)" => "aeo",
                "International" => "international",
                _ => "Total",
            };
            Ok(("hei_by_legal_form", key(&[("legal_form", form)]), exact))
        }
        "text_3_1_hei_network" => Err("shares, and 2023's count: the registry holds the institutions of 2024".into()),
        "text_6_1_faculty_mobility" => place_faculty_text(row),
        "table_6_1_2" | "table_6_1_8" => Err("online mobility by named university: the report's university names have no registry crosswalk".into()),
        "table_6_1_20" => {
            let country = country_code(row, "country").ok_or("country not in the code list")?;
            Ok((file, key(&[("year", year), ("country_iso3", &country)]), exact))
        }
        "table_8_2_2" => Err("SEN students in research activity: no such column in the students family".into()),
        "figure_6_1_3" => Ok((file, key(&[("academic_year", year)]), exact)),
        "figure_6_1_8" => {
            // The two ambiguous labels, as the synthetic dataset reads them (docs/synthetic.md).
            let region = match (field(row, "region_code"), field(row, "region_label_published")) {
                ("", "3КО") => "KZ-27",
                ("", _) => "KZ-59",
                (code, _) => code,
            };
            Ok((file, key(&[("academic_year", year), ("region_code", region)]), exact))
        }
        "table_8_2_1" => {
            let level = level_code(field(row, "level")).ok_or("unknown level")?;
            let measure = if measure == "share" { "share" } else { "count" };
            Ok((file, key(&[("academic_year", year), ("level", level), ("measure", measure)]), if measure == "share" { share } else { exact }))
        }
        "table_8_2_3" => {
            let category = match field(row, "category") {
                "Students from low-income families" => "low_income",
                "Students under the rural quota" => "rural_quota",
                "Students from large families" => "large_family",
                _ => "Total",
            };
            let measure = if measure == "share" { "share" } else { "count" };
            Ok((file, key(&[("academic_year", year), ("category", category), ("measure", measure)]), if measure == "share" { share } else { exact }))
        }
        "table_3_4_1" => {
            let region = if field(row, "region_code") == "KZ" { "Total" } else { field(row, "region_code") };
            Ok((file, key(&[("academic_year", year), ("region_code", region)]), share))
        }
        "text_2_2_pedagogical_grants" => {
            let y = start_year(field(row, "academic_year"));
            if y.parse::<i32>().is_ok_and(|y| y < 2021) {
                return Err("no state order submitted before 2021-2022".into());
            }
            Ok(("figure_2_2_1", key(&[("academic_year", &y)]), exact))
        }
        _ => place_text(file, row),
    }
}

/// The running-text files: (period, indicator, category, value) rows.
fn place_text(file: &'static str, row: &PublishedRow) -> Placement {
    let period = field(row, "period");
    let indicator = field(row, "indicator");
    let category = field(row, "category");
    let value = field(row, "value");
    let exact = Precision::Exact;
    let y = start_year(period);
    // One year ("2024") or one academic year ("2024-2025"); not a range ("2021-2024") or a change.
    let bounds: Vec<i32> = period.split('-').filter_map(|p| p.trim().parse().ok()).collect();
    let single_year = !period.contains("vs") && match bounds.as_slice() {
        [_] => period.len() == 4,
        [a, b] => b - a == 1,
        _ => false,
    };
    let unit = field(row, "unit");
    let outbound_four_years = file == "text_6_1_outbound_2024" && period == "2021-2024";
    if !(single_year || outbound_four_years) {
        return Err("a change or a range of years, not a cell".into());
    }
    if unit == "percent" && !indicator.ends_with("_share") && !indicator.contains("share_by") {
        return Err("a percentage or change stated in the text".into());
    }
    match (file, indicator) {
        ("text_3_2_students_admissions", "student_admissions") => {
            Ok(("admissions", key(&[("academic_year", &y), ("funding", if category == "Total" { "Total" } else { "state_grant" })]), exact))
        }
        ("text_3_2_students_admissions", "students") => Ok(("state_funded_share", key(&[("academic_year", &y), ("measure", "state_funded")]), exact)),
        ("text_3_2_grants_2024", "state_educational_grants_allocated") => {
            let level = level_code(category).ok_or("unknown level")?;
            Ok(("grants_by_level_field_quota", key(&[("academic_year", &y), ("level", level), ("field_code", "Total"), ("quota", "Total")]), exact))
        }
        ("text_3_2_grants_2024", "grants_awarded_by_competition_social_category" | "grants_awarded_ethnic_kazakhs") => {
            let quota = match category {
                "Orphans" => "orphan",
                "Persons with disabilities" => "disability",
                "Children from large families" => "large_family",
                "Children from single-parent families" => "single_parent",
                "Children from families raising children with disabilities" => "disabled_child_family",
                _ => "kandas",
            };
            Ok(("grants_by_level_field_quota", key(&[("academic_year", &y), ("level", "Total"), ("field_code", "Total"), ("quota", quota)]), exact))
        }
        ("text_3_2_grants_2024", "targeted_grants_southern_western_new_regions") => {
            Ok(("grants_by_level_field_quota", key(&[("academic_year", &y), ("level", "Total"), ("field_code", "Total"), ("quota", "targeted_regional")]), exact))
        }
        ("text_3_3_faculty", "academic_teaching_staff") => Ok(("staff_by_degree", key(&[("academic_year", &y), ("degree", "Total")]), Precision::Thousands(decimals(value)))),
        ("text_3_3_faculty", "academic_teaching_staff_share_by_degree") => {
            let degree = match category {
                "Candidate of Sciences" => "candidate",
                "Doctor of Sciences" => "doctor_of_sciences",
                "PhD" => "phd",
                "Master's" => "master",
                "Specialist" => "specialist",
                _ => return Err("a group of degrees (sum of shares), not a cell".into()),
            };
            Ok(("staff_by_degree_share", key(&[("academic_year", &y), ("degree", degree)]), Precision::Decimals(decimals(value))))
        }
        ("text_3_3_faculty", "academic_teaching_staff_share_by_title") => {
            let title = match category {
                "No academic title" => "none",
                "Associate Professor (dotsent)" => "associate_professor",
                "Professor" => "professor",
                "Docent" => "docent",
                "Associate Professor (new qualification framework)" => "associate_professor_new",
                "Professor (new qualification framework)" => "professor_new",
                _ => return Err("a group of titles (sum of shares), not a cell".into()),
            };
            Ok(("staff_by_title_share", key(&[("academic_year", &y), ("title", title)]), Precision::Decimals(decimals(value))))
        }
        ("text_6_1_foreign_students", "foreign_students") if category == "Total" => Ok(("figure_6_1_3", key(&[("academic_year", &y)]), exact)),
        ("text_6_1_foreign_students", "foreign_students") => {
            let iso3 = field(row, "iso3");
            Ok(("foreign_students_by_country", key(&[("academic_year", &y), ("country_iso3", iso3)]), exact))
        }
        ("text_6_1_foreign_students", "foreign_students_by_level") => {
            Ok(("foreign_students_by_level_study_year", key(&[("academic_year", &y), ("level", level_code(category).ok_or("unknown level")?), ("study_year", "Total")]), exact))
        }
        ("text_6_1_foreign_students", i) if i.ends_with("_by_year_of_study") => {
            let level = if i.contains("bachelor") { "bachelor" } else if i.contains("master") { "master" } else { "doctoral" };
            let year = category.trim_start_matches("Year ");
            Ok(("foreign_students_by_level_study_year", key(&[("academic_year", &y), ("level", level), ("study_year", year)]), exact))
        }
        ("text_6_1_foreign_students", "foreign_students_by_region_of_origin") => {
            Ok(("foreign_students_by_world_region", key(&[("academic_year", &y), ("world_region", category)]), exact))
        }
        ("text_6_1_foreign_students", "foreign_students_by_funding") => Ok(("table_6_1_16", key(&[("academic_year", &y), ("category", "budget")]), exact)),
        ("text_6_1_foreign_students", "foreign_students_by_kz_region") => {
            let region = code_lists().region(category).map(|r| r.code).ok_or("unknown region")?;
            Ok(("foreign_students_by_region", key(&[("academic_year", &y), ("region_code", region)]), exact))
        }
        ("text_6_1_inbound_2024" | "text_6_1_outbound_2024", _) => place_mobility_text(file, row, &y),
        ("text_8_2_sen_students", "sen_students") => Ok(("sen_students", key(&[("academic_year", &y), ("measure", "count")]), exact)),
        ("text_8_2_sen_students", "sen_students_share_of_all_students") => {
            Ok(("sen_students", key(&[("academic_year", &y), ("measure", "share")]), Precision::Decimals(decimals(value))))
        }
        ("text_8_2_sen_students", "students_total_103_civilian_heis") => Ok(("enrollment_by_region", key(&[("academic_year", &y), ("region_code", "Total")]), exact)),
        ("text_8_2_sen_students", "students_with_disabilities_by_group") => {
            let group = category.trim_start_matches("Group ");
            Ok(("figure_8_2_1", key(&[("academic_year", &y), ("disability_group", group), ("measure", "count")]), exact))
        }
        ("text_8_2_sen_students", "sen_students_by_field") => {
            Ok(("sen_students_by_field", key(&[("academic_year", &y), ("field_code", field_code(category).ok_or("unknown field")?), ("measure", "count")]), exact))
        }
        ("text_8_2_sen_students", "sen_students_by_year_of_study") => {
            Ok(("sen_students_by_study_year", key(&[("academic_year", &y), ("study_year", category.trim_start_matches("Year ")), ("measure", "count")]), exact))
        }
        ("text_8_2_sen_students", "sen_students_by_level") => match level_code(category) {
            Some(level) => Ok(("table_8_2_1", key(&[("academic_year", &y), ("level", level), ("measure", "count")]), exact)),
            None => Err("second higher education is not a level of the input contract (inconsistency A19)".into()),
        },
        ("text_8_2_inclusive_conditions", "sen_students_in_dormitories") => {
            Ok(("sen_students_by_dormitory", key(&[("academic_year", &y), ("category", "dormitory"), ("measure", "count")]), exact))
        }
        _ => Err("not an indicator of the transform stage".into()),
    }
}

fn place_mobility_text(file: &'static str, row: &PublishedRow, y: &str) -> Placement {
    let indicator = field(row, "indicator");
    let category = field(row, "category");
    let dir = if file == "text_6_1_inbound_2024" { "incoming" } else { "outgoing" };
    let exact = Precision::Exact;
    let Some(suffix) = indicator.strip_prefix("inbound_students").or_else(|| indicator.strip_prefix("outbound_students")) else {
        return Err("not an indicator of the transform stage".into());
    };
    let regions_table = if dir == "incoming" { "table_6_1_6" } else { "table_6_1_13" };
    match suffix {
        "" if category == "Total" && field(row, "period") == "2021-2024" => Ok((regions_table, key(&[("year", "Total"), ("world_region", "Total")]), exact)),
        "" if category == "Total" => Ok(("table_6_1_1", key(&[("year", y), ("direction", dir)]), exact)),
        "" => {
            let iso3 = country_code(row, "category").ok_or("country not in the code list")?;
            Ok(("mobility_by_country", key(&[("year", y), ("direction", dir), ("participant", "student"), ("country_iso3", &iso3)]), exact))
        }
        "_by_mode" => Ok(("mobility_by_mode", key(&[("year", y), ("direction", dir), ("participant", "student"), ("mode", &category.to_lowercase())]), exact)),
        "_by_type" => {
            let t = match category {
                c if c.starts_with("Credit") => "credit",
                c if c.starts_with("Double") => "double_degree",
                c if c.contains("school") => "summer_school",
                _ => "internship",
            };
            Ok(("mobility_by_type", key(&[("year", y), ("direction", dir), ("participant", "student"), ("mobility_type", t)]), exact))
        }
        "_by_level" => Ok(("mobility_by_level", key(&[("year", y), ("direction", dir), ("participant", "student"), ("level", level_code(category).ok_or("unknown level")?)]), exact)),
        "_by_region" if field(row, "iso3") == "USA" => Ok(("mobility_by_country", key(&[("year", y), ("direction", dir), ("participant", "student"), ("country_iso3", "USA")]), exact)),
        "_by_region" if field(row, "period") == "2021-2024" => Ok((regions_table, key(&[("year", "Total"), ("world_region", category)]), exact)),
        "_by_region" => Ok((regions_table, key(&[("year", y), ("world_region", category)]), exact)),
        "_by_funding" if field(row, "period") == "2021-2024" => {
            let category = if category == "State budget" { "state_budget" } else { "extra_budgetary" };
            Ok(("table_6_1_7", key(&[("year", "Total"), ("category", category)]), exact))
        }
        "_by_funding_source" | "_by_funding" if dir == "outgoing" => {
            Ok(("mobility_by_funding_source", key(&[("year", y), ("direction", dir), ("participant", "student"), ("funding_source", outbound_funding_code(category))]), exact))
        }
        "_by_funding_source" => {
            let code = match category {
                c if c.starts_with("Mutual") => "mutual_exchange",
                c if c.starts_with("Own") => "own_funds",
                c if c.starts_with("Sending") => "sending_party",
                c if c.starts_with("Kazakhstani") => "kz_university",
                _ => "international_grant",
            };
            Ok(("mobility_by_funding_source", key(&[("year", y), ("direction", dir), ("participant", "student"), ("funding_source", code)]), exact))
        }
        _ => Err("not an indicator of the transform stage".into()),
    }
}

/// Table 6.1.21's degree labels → the contract's staff degree codes.
fn degree_code(label: &str) -> &'static str {
    match label {
        "PhD" => "phd",
        "Doctor of Sciences" => "doctor_of_sciences",
        "Candidate of Sciences" => "candidate",
        "Master's" => "master",
        "No degree" => "none",
        _ => "Total",
    }
}

/// The running text on faculty exchanges (section 6.1).
fn place_faculty_text(row: &PublishedRow) -> Placement {
    let period = field(row, "period");
    let indicator = field(row, "indicator");
    let category = field(row, "category");
    let exact = Precision::Exact;
    if period.len() != 4 {
        return Err("a change between years, not a cell".into());
    }
    let count = |dim: &'static str, code: &str| Ok(("table_6_1_17", key(&[("year", period), (dim, code), ("measure", "count")]), exact));
    match indicator {
        "faculty_exchange_participants" => count("legal_form", "Total"),
        "faculty_exchange_participants_by_hei_type" => count("legal_form", category.split_whitespace().next().unwrap_or("").to_lowercase().as_str()),
        "faculty_exchange_participants_by_format" => Ok(("table_6_1_18", key(&[("year", period), ("mode", &category.to_lowercase()), ("measure", "count")]), exact)),
        "faculty_exchange_participants_by_country" => Ok(("table_6_1_19", key(&[("year", period), ("country_iso3", field(row, "iso3")), ("measure", "count")]), exact)),
        "faculty_exchange_participants_by_field" => {
            Ok(("table_6_1_22", key(&[("year", period), ("field_code", field_code(category).ok_or("unknown field")?), ("measure", "count")]), exact))
        }
        "faculty_exchange_host_countries" => Ok(("table_6_1_20", key(&[("year", period), ("country_iso3", "Total")]), exact)),
        "faculty_exchange_sending_heis" => {
            Ok(("mobility_heis_by_legal_form", key(&[("year", period), ("direction", "outgoing"), ("participant", "staff"), ("legal_form", "Total")]), exact))
        }
        "faculty_exchange_participants_by_degree" => Ok(("table_6_1_21", key(&[("year", period), ("degree", degree_code(category)), ("measure", "count")]), exact)),
        _ => Err("not an indicator of the transform stage".into()),
    }
}

/// Fields-of-education files: (year, field_code, country, value).
fn place_field_file(file: &'static str, row: &PublishedRow) -> Placement {
    let year = field(row, "year");
    let code = field(row, "field_code");
    match file {
        "text_6_1_foreign_students_by_field" => {
            let code = if code == "PREP" { "" } else { code };
            Ok(("foreign_students_by_field", key(&[("academic_year", year), ("field_code", code)]), Precision::Exact))
        }
        "text_8_2_vulnerable_by_field" => {
            let measure = field(row, "measure");
            let precision = if measure == "share" { Precision::Decimals(decimals(field(row, "value"))) } else { Precision::Exact };
            Ok(("vulnerable_students_by_field", key(&[("academic_year", year), ("field_code", code), ("measure", measure)]), precision))
        }
        _ => {
            let dir = direction(field(row, "direction"));
            match field(row, "country") {
                "Total" => Ok(("mobility_by_field", key(&[("year", year), ("direction", dir), ("participant", "student"), ("field_code", code)]), Precision::Exact)),
                _ => {
                    let iso3 = country_code(row, "country").ok_or("country not in the code list")?;
                    Ok(("mobility_by_field_country", key(&[("year", year), ("direction", dir), ("participant", "student"), ("field_code", code), ("country_iso3", &iso3)]), Precision::Exact))
                }
            }
        }
    }
}

/// Every published figure, placed or not.
pub fn published_cells() -> (Vec<PublishedCell>, Vec<NotProducible>) {
    let manifest = published("MANIFEST");
    let mut cells = Vec::new();
    let mut not = Vec::new();
    for (file, _) in FILES.iter().filter(|(f, _)| *f != "MANIFEST") {
        let clean = manifest.iter().any(|m| field(m, "file") == format!("{file}.csv") && field(m, "quality") == "clean");
        for row in published(file) {
            let value_text = field(&row, "value").to_string();
            let placement = match *file {
                "text_3_2_students_by_region" => Ok((
                    "enrollment_by_region",
                    key(&[("academic_year", &start_year(field(&row, "academic_year"))), ("region_code", field(&row, "region_code"))]),
                    Precision::RoundedTo(100.0),
                )),
                "text_6_1_foreign_students_by_field" | "text_8_2_vulnerable_by_field" | "text_6_1_inbound_by_field_2024" | "text_6_1_outbound_by_field_2024" => {
                    place_field_file(file, &row)
                }
                "text_2_2_teacher_training" | "text_3_2_quota" | "text_3_3_grant_costs" | "text_8_2_sen_learning_materials"
                | "text_8_2_sen_mobility_language" | "text_8_2_vulnerable_mobility_by_field" => Err("not an indicator of the transform stage".into()),
                _ => place(file, &row),
            };
            let what = [field(&row, "year"), field(&row, "period"), field(&row, "indicator"), field(&row, "category"), field(&row, "country"), field(&row, "region"), field(&row, "measure")]
                .iter()
                .filter(|v| !v.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" / ");
            match (placement, value_text.parse::<f64>()) {
                (Ok((table, key, precision)), Ok(value)) => {
                    cells.push(PublishedCell { file, source_line: field(&row, "source_line").to_string(), clean, table, key, value, precision })
                }
                (Ok(_), Err(_)) => not.push(NotProducible { file, clean, source_line: field(&row, "source_line").to_string(), what, value: value_text, reason: "not a number".into() }),
                (Err(reason), _) => not.push(NotProducible { file, clean, source_line: field(&row, "source_line").to_string(), what, value: value_text, reason }),
            }
        }
    }
    (cells, not)
}
