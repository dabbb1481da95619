//! Student rosters: one record per student enrolled on 1 October, per academic year, in the
//! civilian institutions that enrol students.
//!
//! A year's roster is built from disjoint groups whose published figures differ:
//! international (foreign) students, students with special educational needs (SEN), students
//! from socially vulnerable groups, and everyone else. Each group is placed in two fitted
//! tables (level × field of education, institution × field, [`fit_table`]) and its other
//! attributes are drawn as exact one-way marginals ([`shuffled`]); the last group takes what
//! the totals leave, so that the year's totals (students, admissions, state-funded students,
//! dormitory residents, students by region) come out exactly.
//!
//! Exact for 2024-2025 (the report's year): 625,990 students; 206,803 admitted, 90,880 of them
//! under the state order; 287,048 state-funded; 79,073 in dormitories; Almaty, Astana and
//! Shymkent at 202,000, 86,100 and 83,600 (published rounded to hundreds); foreign students by
//! country (those the text names), field, level and year of study, funding (Table 6.1.16),
//! region of study (Figure 6.1.8) and at the 12 universities of Table 6.1.15 with their Indian
//! citizens; SEN students by level (Table 8.2.1), disability group (Diagram 8.2.1), the
//! fields and first-year count the text gives, and in dormitories (568); the socially
//! vulnerable groups by category (Table 8.2.3) and field. Foreign students 2021-2023 by year
//! and funding (Figure 6.1.3, Table 6.1.16), and the 2023 figures the text gives. Everything
//! else is synthetic and listed by [`Roster::decisions`].

use std::collections::HashMap;

use hestat_contract::codes::code_lists;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;

use crate::marginals::{apportion, fit_table, shuffled, split, total as marginal_total, Marginal};
use hestat_reference::{count, field, published, published_count, rows_where};
use crate::registry::{registry, report_universities, Hei};

/// One student on 1 October.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Student {
    pub hei: &'static str,
    /// `M` or `F`.
    pub gender: &'static str,
    pub birth_year: u16,
    /// ISO 3166-1 alpha-3.
    pub citizenship: &'static str,
    pub level: &'static str,
    /// `01`–`12`; empty for preparatory students.
    pub field: &'static str,
    /// The program's last three digits.
    pub program: u16,
    pub study_year: u8,
    pub funding: &'static str,
    pub quota: &'static str,
    pub admitted: bool,
    pub sen: bool,
    /// `I`, `II`, `III` or empty.
    pub disability: &'static str,
    pub low_income: bool,
    pub large_family: bool,
    pub orphan: bool,
    pub dormitory: bool,
    pub study_form: &'static str,
    pub language: &'static str,
}

impl Student {
    pub(crate) fn placed(hei: &'static str, level: &'static str, field: &'static str) -> Student {
        Student {
            hei,
            gender: "F",
            birth_year: 2000,
            citizenship: "KAZ",
            level,
            field,
            program: 101,
            study_year: 1,
            funding: "paid",
            quota: "none",
            admitted: false,
            sen: false,
            disability: "",
            low_income: false,
            large_family: false,
            orphan: false,
            dormitory: false,
            study_form: "full_time",
            language: "kk",
        }
    }

    /// The educational program code (`6B01101`); empty for preparatory students.
    pub fn program_code(&self) -> String {
        let prefix = match self.level {
            "bachelor" | "internship" => "6B",
            "master" => "7M",
            "doctoral" => "8D",
            "residency" => "7R",
            _ => return String::new(),
        };
        format!("{prefix}{}{}", self.field, self.program)
    }
}

/// A year's roster and the choices made for it.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub year: i32,
    /// Sorted by institution (registry order).
    pub students: Vec<Student>,
    pub decisions: Vec<String>,
}

pub const FIELDS: [&str; 12] = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"];
const PREP: &str = "PREP";
const STUDY_YEARS: [&str; 7] = ["1", "2", "3", "4", "5", "6", "7"];

/// Shares of the fields of education among domestic students (synthetic, plausible).
const DOMESTIC_FIELD_SHARES: [f64; 12] = [0.22, 0.05, 0.04, 0.16, 0.04, 0.10, 0.17, 0.03, 0.01, 0.11, 0.06, 0.01];

/// Institutions that enrol students: the civilian ones except five private Almaty
/// institutions (the report counts 625,990 students in 103 civilian HEIs; the registry has
/// 108 civilian HEIs, so five are chosen to submit no roster: synthetic).
pub fn enrolling() -> Vec<&'static Hei> {
    let civilian: Vec<&'static Hei> = registry().iter().filter(|h| h.is_civilian()).collect();
    let mut idle: Vec<&str> =
        civilian
            .iter()
            .rev()
            .filter(|h| h.legal_form == "private" && h.region == "KZ-75" && !report_universities().iter().any(|(_, c)| *c == h.code))
            .take(5).map(|h| h.code.as_str()).collect();
    idle.sort_unstable();
    civilian.into_iter().filter(|h| idle.binary_search(&h.code.as_str()).is_err()).collect()
}

/// A stable pseudo-random factor in [0.5, 1.5) per institution (sizes stay put across years).
fn stable_factor(code: &str) -> f64 {
    let mut h: u64 = 0x9e37_79b9_7f4a_7c15;
    for b in code.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    0.5 + (h >> 11) as f64 / (1u64 << 53) as f64
}

/// How large an institution is, relative to the others (legal form and a stable factor).
pub(crate) fn size_weight(hei: &Hei) -> f64 {
    let form = match hei.legal_form.as_str() {
        "national" => 3.2,
        "aeo" => 1.2,
        "state" => 1.5,
        "jsc" => 1.4,
        "international" => 1.0,
        _ => 0.7,
    };
    form * stable_factor(&hei.code)
}

/// Fields an institution's name says it specialises in, with their weight.
fn profile(hei: &Hei) -> [f64; 13] {
    let name = hei.name_en.to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| name.contains(w));
    let mut w = [0.0; 13];
    w[..12].copy_from_slice(&DOMESTIC_FIELD_SHARES);
    let mut boost = |fields: &[usize], factor: f64| {
        for &f in fields {
            w[f] *= factor;
        }
    };
    if has(&["medic", "asfendiyarov", "health", "pharma"]) {
        boost(&[9], 40.0);
    }
    if has(&["pedagog", "teacher"]) {
        boost(&[0], 8.0);
    }
    if has(&["agr", "veterin", "seifullin"]) {
        boost(&[7, 8], 10.0);
    }
    if has(&["techn", "engineer", "satbayev", "industr", "railway", "transport", "construction", "architect", "mining"]) {
        boost(&[6, 5], 5.0);
    }
    if has(&["art", "conservator", "choreograph", "music", "zhurgenov", "kurmangazy"]) {
        boost(&[1], 20.0);
    }
    if has(&["econom", "business", "financ", "management", "narxoz", "kimep", "law", "public administration"]) {
        boost(&[3], 5.0);
    }
    if has(&["sport", "tourism"]) {
        boost(&[10], 10.0);
    }
    // Preparatory departments: the large universities.
    w[12] = if matches!(hei.legal_form.as_str(), "national" | "state" | "jsc") { 0.02 } else { 0.005 };
    w
}

/// Published counts of a tidy text table, by (period, indicator, category).
fn text_value(table: &str, period: &str, indicator: &str, category: &str) -> Option<u64> {
    published_count(table, &[("period", period), ("indicator", indicator), ("category", category)])
}

/// A published count of `year` (tables with a `year` column), with further filters.
fn year_value(table: &str, year: i32, filter: &[(&str, &str)]) -> Option<u64> {
    let year = year.to_string();
    published_count(table, &[&[("year", year.as_str())], filter].concat())
}

/// What one year's roster must add up to.
#[derive(Debug, Clone)]
struct YearTargets {
    total: u64,
    admitted: u64,
    admitted_state: u64,
    state_funded: u64,
    dormitory: u64,
    sen: u64,
    vulnerable: u64,
}

fn year_targets(year: i32, decisions: &mut Vec<String>) -> YearTargets {
    let sen_text = |indicator: &str, category: &str| text_value("text_8_2_sen_students", "2024", indicator, category);
    let inclusive = |indicator: &str| text_value("text_8_2_inclusive_conditions", "2024", indicator, "Total");
    if year == 2024 {
        let vulnerable = year_value("table_8_2_3", 2024, &[("category", "Total"), ("measure", "count")]).unwrap_or(0);
        return YearTargets {
            total: sen_text("students_total_103_civilian_heis", "Total").unwrap_or(0),
            admitted: text_value("text_3_2_students_admissions", "2024", "student_admissions", "Total").unwrap_or(0),
            admitted_state: text_value("text_3_2_students_admissions", "2024", "student_admissions", "State order").unwrap_or(0),
            state_funded: text_value("text_3_2_students_admissions", "2024-2025", "students", "State order").unwrap_or(0),
            dormitory: inclusive("students_in_dormitories").unwrap_or(0),
            sen: sen_text("sen_students", "Total").unwrap_or(0),
            vulnerable,
        };
    }
    // Earlier years: synthetic, growing towards 2024.
    let (total, admitted, admitted_state, state_funded, sen, vulnerable) = match year {
        2023 => (607_384, 199_870, 86_120, 276_450, 2_804, 50_377),
        2022 => (590_215, 194_215, 83_450, 266_900, 2_689, 49_105),
        _ => (581_470, 188_400, 78_900, 258_310, 2_517, 47_912),
    };
    decisions.push(format!(
        "students {year}-{}: totals are synthetic ({total} students, {admitted} admitted, {admitted_state} of them \
         under the state order, {state_funded} state-funded, {sen} SEN, {vulnerable} from socially vulnerable groups)",
        year + 1
    ));
    YearTargets { total, admitted, admitted_state, state_funded, dormitory: total * 126 / 1000, sen, vulnerable }
}

/// Students by region of study: the three cities of Figure 3.2.3 (2024), the other regions
/// synthetic; other years scaled.
fn region_totals(year: i32, total: u64, decisions: &mut Vec<String>) -> Vec<(&'static str, u64)> {
    let cities: Vec<(&'static str, u64)> = published("text_3_2_students_by_region")
        .into_iter()
        .filter_map(|r| code_lists().region(field(&r, "region_code")).map(|g| (g.code, count(&r))))
        .collect();
    // Synthetic weights (thousand students) of the other regions.
    const OTHERS: [(&str, f64); 17] = [
        ("KZ-35", 38.0), ("KZ-63", 21.0), ("KZ-10", 13.0), ("KZ-15", 21.0), ("KZ-11", 13.0), ("KZ-55", 16.0),
        ("KZ-39", 12.0), ("KZ-31", 15.0), ("KZ-43", 11.0), ("KZ-27", 14.0), ("KZ-23", 7.0), ("KZ-47", 7.0),
        ("KZ-59", 9.0), ("KZ-19", 10.0), ("KZ-33", 5.0), ("KZ-62", 2.5), ("KZ-61", 14.0),
    ];
    let rest = total.saturating_sub(marginal_total(&cities));
    let mut regions = cities.clone();
    regions.extend(split(rest, &OTHERS));
    if year != 2024 {
        let weights: Vec<(&'static str, f64)> = regions.iter().map(|(r, n)| (*r, *n as f64)).collect();
        return split(total, &weights);
    }
    decisions.push(format!(
        "students 2024-2025 by region: Almaty, Astana and Shymkent as published ({}); the other regions are synthetic",
        cities.iter().map(|(r, n)| format!("{r} {n}")).collect::<Vec<_>>().join(", ")
    ));
    regions
}

fn parent_region(region: &str) -> &str {
    code_lists().region(region).and_then(|r| r.parent_before_2022).unwrap_or(region)
}


/// (registry code, foreign students, of which Indian citizens) of Table 6.1.15.
fn table_6_1_15() -> Vec<(&'static str, u64, u64)> {
    let rows = published("table_6_1_15");
    let value = |name: &str, measure: &str| {
        rows.iter().find(|r| field(r, "university") == name && field(r, "measure") == measure).map_or(0, count)
    };
    report_universities()
        .iter()
        .map(|(name, code)| (code.as_str(), value(name, "foreign_students_total"), value(name, "of_which_indian_citizens")))
        .collect()
}

/// Foreign students of 2024 by institution: Table 6.1.15's universities as published, the
/// rest of each region of Figure 6.1.8 spread over its other institutions.
fn foreign_by_hei_2024(heis: &[&'static Hei], decisions: &mut Vec<String>) -> Result<Vec<u64>, String> {
    let fixed = table_6_1_15();
    let mut counts = vec![0u64; heis.len()];
    let index = |code: &str| heis.iter().position(|h| h.code == code);
    for (code, n, _) in &fixed {
        let i = index(code).ok_or_else(|| format!("Table 6.1.15 university {code} does not enrol students"))?;
        counts[i] = *n;
    }
    // Four institutions have no foreign students (99 of 103 have some; text): the four
    // smallest private ones in Almaty.
    let mut almaty_private: Vec<usize> =
        (0..heis.len()).filter(|&i| heis[i].legal_form == "private" && heis[i].region == "KZ-75" && counts[i] == 0).collect();
    almaty_private.sort_by(|&a, &b| size_weight(heis[a]).total_cmp(&size_weight(heis[b])));
    let none: Vec<usize> = almaty_private.into_iter().take(4).collect();
    for row in published("figure_6_1_8") {
        // The two ambiguous labels: "3КО" (Cyrillic ЗКО) is West Kazakhstan; "West Kaz.
        // Region" (175) is North Kazakhstan, whose only university has 175 foreign
        // students in Table 6.1.15 and which the figure otherwise lacks.
        let region = match (field(&row, "region_code"), field(&row, "region_label_published")) {
            ("", "3КО") => "KZ-27",
            ("", "West Kaz. Region") => "KZ-59",
            (code, _) => code,
        };
        let target = count(&row);
        let here: Vec<usize> = (0..heis.len()).filter(|&i| parent_region(&heis[i].region) == region).collect();
        let taken: u64 = here.iter().filter(|&&i| fixed.iter().any(|(c, _, _)| *c == heis[i].code)).map(|&i| counts[i]).sum();
        let free: Vec<usize> =
            here.iter().copied().filter(|i| !fixed.iter().any(|(c, _, _)| *c == heis[*i].code) && !none.contains(i)).collect();
        let rest = target.checked_sub(taken).ok_or_else(|| format!("Figure 6.1.8 {region}: Table 6.1.15 alone exceeds {target}"))?;
        if rest > 0 && free.is_empty() {
            return Err(format!("Figure 6.1.8 {region}: {rest} foreign students and no institution to take them"));
        }
        let weights: Vec<f64> = free.iter().map(|&i| size_weight(heis[i]) * if profile(heis[i])[9] > 1.0 { 4.0 } else { 1.0 }).collect();
        for (&i, n) in free.iter().zip(apportion(rest, &weights)) {
            counts[i] = n;
        }
    }
    decisions.push(
        "foreign students 2024 by region: Figure 6.1.8 is read with the regions before 2022 (it shows no Abai, Zhetysu or \
         Ulytau, and Semey Medical University, in Abai, has 974 foreign students); '3КО' is West Kazakhstan and 'West Kaz. \
         Region' (175) North Kazakhstan (Table 6.1.15 gives its university 175)"
            .to_string(),
    );
    Ok(counts)
}

/// The foreign students of one year: what must hold.
struct ForeignTargets {
    total: u64,
    by_country: Marginal,
    by_field: Marginal,
    by_level: Marginal,
    by_year: Vec<(&'static str, Marginal)>,
    by_funding: Marginal,
}

fn level_years(level: &'static str, n: u64, shape: &[f64]) -> (&'static str, Marginal) {
    let labels: Vec<(&'static str, f64)> = STUDY_YEARS.iter().copied().zip(shape.iter().copied()).collect();
    (level, split(n, &labels))
}

fn foreign_text(period: &str, indicator: &str) -> Vec<(String, String, u64)> {
    rows_where("text_6_1_foreign_students", &[("period", period), ("indicator", indicator)])
        .into_iter()
        .map(|r| (field(&r, "category").to_string(), field(&r, "iso3").to_string(), count(&r)))
        .collect()
}

/// Foreign students by country: the countries the text names (their year), each world
/// region the text totals (CIS, Europe; Middle East where it is consistent) topped up over
/// other countries of that region, the rest over Asia, Africa and America (synthetic).
fn foreign_countries(year: i32, total: u64, decisions: &mut Vec<String>) -> Marginal {
    let period = year.to_string();
    let mut named: Vec<(&'static str, u64)> = foreign_text(&period, "foreign_students")
        .into_iter()
        .filter_map(|(_, iso3, n)| code_lists().country(&iso3).map(|c| (c.iso3, n)))
        .collect();
    if year == 2022 {
        // "2022-2023: 9,517" Indian students: the academic year 2022-2023.
        named.extend(foreign_text("2022-2023", "foreign_students").into_iter().filter_map(|(_, iso3, n)| code_lists().country(&iso3).map(|c| (c.iso3, n))));
    }
    let region_of = |c: &str| code_lists().country(c).map_or("", |c| c.world_region);
    let mut marginal: Marginal = named.clone();
    let mut regional: Vec<(&str, u64)> = Vec::new();
    for (region, n) in foreign_text(&period, "foreign_students_by_region_of_origin").into_iter().map(|(c, _, n)| (c, n)) {
        let in_region: u64 = named.iter().filter(|(c, _)| region_of(c) == region).map(|(_, n)| n).sum();
        if in_region > n {
            decisions.push(format!(
                "foreign students {year}: {region} totals {n} in the text, but the countries it names there add up to \
                 {in_region} (Afghanistan is a Middle East country in the report's mobility tables); the countries are kept"
            ));
            continue;
        }
        let region: &'static str = match region.as_str() {
            "CIS" => "CIS",
            "Europe" => "Europe",
            _ => "Middle East",
        };
        regional.push((region, n - in_region));
    }
    let fill = |region: &str, exclude: &[(&'static str, u64)]| -> Vec<(&'static str, f64)> {
        code_lists()
            .countries()
            .iter()
            .filter(|c| c.world_region == region && !exclude.iter().any(|(e, _)| *e == c.iso3))
            .take(8)
            .enumerate()
            .map(|(i, c)| (c.iso3, 0.55f64.powi(i as i32)))
            .collect()
    };
    for (region, rest) in &regional {
        // Larger neighbours first.
        let mut weights = fill(region, &named);
        if *region == "CIS" {
            weights = vec![("KGZ", 0.45), ("TJK", 0.35), ("BLR", 0.08), ("ARM", 0.07), ("MDA", 0.05)];
        } else if *region == "Europe" {
            weights.insert(0, ("TUR", 3.0));
        }
        marginal.extend(split(*rest, &weights));
    }
    let placed = marginal_total(&marginal);
    let rest = total.saturating_sub(placed);
    let mut others: Vec<(&'static str, f64)> = vec![("MNG", 6.0), ("BGD", 1.5), ("NPL", 1.2), ("IDN", 0.6), ("JPN", 0.3), ("MYS", 0.4), ("VNM", 0.3)];
    for region in ["Africa", "America"] {
        if !regional.iter().any(|(r, _)| *r == region) {
            others.extend(fill(region, &named).into_iter().map(|(c, w)| (c, w * 0.4)));
        }
    }
    for region in ["CIS", "Europe", "Middle East"] {
        if !regional.iter().any(|(r, _)| *r == region) {
            others.extend(fill(region, &named).into_iter().map(|(c, w)| (c, w * 2.0)));
        }
    }
    others.retain(|(c, _)| !marginal.iter().any(|(m, _)| m == c));
    marginal.extend(split(rest, &others));
    let mut merged: Vec<(&'static str, u64)> = Vec::new();
    for (c, n) in marginal {
        match merged.iter_mut().find(|(m, _)| *m == c) {
            Some(entry) => entry.1 += n,
            None => merged.push((c, n)),
        }
    }
    merged.retain(|(_, n)| *n > 0);
    merged
}

fn foreign_targets(year: i32, decisions: &mut Vec<String>) -> Result<ForeignTargets, String> {
    let total = year_value("figure_6_1_3", year, &[]).ok_or_else(|| format!("Figure 6.1.3 has no {year}"))?;
    let budget = year_value("table_6_1_16", year, &[("funding_source", "State budget")]).unwrap_or(0);
    // Fields and levels of 2024, as published.
    let fields_2024: Vec<(&'static str, u64)> = published("text_6_1_foreign_students_by_field")
        .into_iter()
        .filter(|r| field(r, "year") == "2024")
        .filter_map(|r| {
            let code = field(&r, "field_code");
            FIELDS.iter().chain(std::iter::once(&PREP)).find(|f| **f == code).map(|f| (*f, count(&r)))
        })
        .collect();
    let prep_2024 = fields_2024.iter().find(|(f, _)| *f == PREP).map_or(0, |(_, n)| *n);
    let level = |y: &str, l: &str| foreign_text(y, "foreign_students_by_level").into_iter().find(|(c, _, _)| c == l).map(|(_, _, n)| n);
    let years_of = |indicator: &str| -> Vec<f64> {
        let mut v = vec![0.0; 7];
        for (c, _, n) in foreign_text("2024", indicator) {
            if let Some(y) = c.strip_prefix("Year ").and_then(|y| y.parse::<usize>().ok()) {
                v[y - 1] = n as f64;
            }
        }
        v
    };
    let (bachelor_years, master_years, doctoral_years) =
        (years_of("foreign_students_bachelors_by_year_of_study"), years_of("foreign_students_masters_by_year_of_study"), years_of("foreign_students_doctoral_by_year_of_study"));
    // Internship and residency are not published: the 2024 students the levels leave
    // (317 of 31,432 after preparatory) are split 200 / 117 (synthetic).
    let (b24, m24, d24) = (level("2024", "Bachelor's").unwrap_or(0), level("2024", "Master's").unwrap_or(0), level("2024", "Doctoral").unwrap_or(0));
    let clinical_24 = year_value("figure_6_1_3", 2024, &[]).unwrap_or(0).saturating_sub(b24 + m24 + d24 + prep_2024);
    let levels_2024: Vec<(&'static str, f64)> = vec![
        ("bachelor", b24 as f64), ("master", m24 as f64), ("doctoral", d24 as f64), ("internship", (clinical_24 * 200 / 317) as f64),
        ("residency", (clinical_24 - clinical_24 * 200 / 317) as f64), ("preparatory", prep_2024 as f64),
    ];
    let by_level: Marginal = if year == 2024 {
        levels_2024.iter().map(|(l, n)| (*l, *n as u64)).collect()
    } else if let (Some(b), Some(m), Some(d)) = (level(&year.to_string(), "Bachelor's"), level(&year.to_string(), "Master's"), level(&year.to_string(), "Doctoral")) {
        let mut m2 = vec![("bachelor", b), ("master", m), ("doctoral", d)];
        m2.extend(split(total - b - m - d, &levels_2024[3..]));
        m2
    } else {
        split(total, &levels_2024)
    };
    if year != 2024 {
        decisions.push(format!("foreign students {year}: levels not published are split like 2024 (synthetic)"));
    }
    let level_n = |l: &str| by_level.iter().find(|(x, _)| *x == l).map_or(0, |(_, n)| *n);
    let by_year = vec![
        level_years("bachelor", level_n("bachelor"), &bachelor_years),
        level_years("master", level_n("master"), &master_years),
        level_years("doctoral", level_n("doctoral"), &doctoral_years),
        level_years("internship", level_n("internship"), &[1.0]),
        level_years("residency", level_n("residency"), &[0.52, 0.48]),
        level_years("preparatory", level_n("preparatory"), &[1.0]),
    ];
    let by_field: Marginal = if year == 2024 {
        fields_2024
    } else {
        // Field 10 of 2023 is published (12,229); the rest follow 2024's shares.
        let fixed_10 = (year == 2023).then(|| published("text_6_1_foreign_students_by_field").into_iter().find(|r| field(r, "year") == "2023" && field(r, "field_code") == "10").map(|r| count(&r))).flatten();
        let degree = total - level_n("preparatory");
        let mut shares: Vec<(&'static str, f64)> = fields_2024.iter().filter(|(f, _)| *f != PREP).map(|(f, n)| (*f, *n as f64)).collect();
        let mut m = Vec::new();
        if let Some(n10) = fixed_10 {
            shares.retain(|(f, _)| *f != "10");
            m.push(("10", n10));
            m.extend(split(degree - n10, &shares));
        } else {
            m.extend(split(degree, &shares));
        }
        m.push((PREP, level_n("preparatory")));
        m
    };
    // Budget-funded: Table 6.1.16. The text's breakdown of 2024 (which adds up to the
    // table's 4,316) has 61 paid by local executive authorities: local_budget.
    let local = if year == 2024 { foreign_text("2024", "foreign_students_state_budget_by_scheme").into_iter().find(|(c, _, _)| c.starts_with("Local")).map_or(0, |(_, _, n)| n) } else { budget * 14 / 1000 };
    let by_funding = vec![("state_grant", budget - local), ("local_budget", local), ("paid", total - budget)];
    if year == 2024 {
        decisions.push(
            "foreign students 2024 budget-funded: 4,316 (Table 6.1.16, and the text's own breakdown) rather than the text's \
             4,580 (inconsistency A6)"
                .to_string(),
        );
    }
    let by_country = foreign_countries(year, total, decisions);
    Ok(ForeignTargets { total, by_country, by_field, by_level, by_year, by_funding })
}

/// Sets one attribute on the students that `select` picks, so that its values follow
/// `marginal` exactly (in a seeded random order).
fn assign(
    students: &mut [Student],
    select: impl Fn(&Student) -> bool,
    marginal: &[(&'static str, u64)],
    rng: &mut ChaCha8Rng,
    what: &str,
    set: impl Fn(&mut Student, &'static str),
) -> Result<(), String> {
    let picked: Vec<usize> = (0..students.len()).filter(|&i| select(&students[i])).collect();
    if marginal_total(marginal) != picked.len() as u64 {
        return Err(format!("{what}: {} values for {} students", marginal_total(marginal), picked.len()));
    }
    for (i, value) in picked.into_iter().zip(shuffled(marginal, rng)) {
        set(&mut students[i], value);
    }
    Ok(())
}

/// A group of students to place: how many per institution, and its published (or chosen)
/// distributions by field, level and year of study within level.
struct Group<'a> {
    what: &'static str,
    per_hei: &'a [u64],
    by_field: &'a Marginal,
    by_level: &'a Marginal,
    by_year: &'a [(&'static str, Marginal)],
}

/// Places a group: level × field and institution × field fitted, then one record per
/// student with its institution, level, field and year of study. `pre_placed` students
/// (with level and field set) count towards the level's years of study.
fn place(heis: &[&'static Hei], group: Group, mut pre_placed: Vec<Student>, rng: &mut ChaCha8Rng) -> Result<Vec<Student>, String> {
    let Group { what, per_hei, by_field, by_level, by_year } = group;
    let fields: Vec<&'static str> = by_field.iter().map(|(f, _)| *f).collect();
    let levels: Vec<&'static str> = by_level.iter().map(|(l, _)| *l).collect();
    let pre = |level: &str, field: &str| pre_placed.iter().filter(|s| s.level == level && (s.field == field || (field == PREP && s.field.is_empty()))).count() as u64;
    // Level × field for the students still to place.
    let level_rows: Vec<u64> = by_level.iter().map(|(l, n)| n - pre_placed.iter().filter(|s| s.level == *l).count() as u64).collect();
    let field_cols: Vec<u64> = by_field.iter().map(|(f, n)| n - levels.iter().map(|l| pre(l, f)).sum::<u64>()).collect();
    let seed: Vec<Vec<f64>> = levels
        .iter()
        .map(|l| {
            fields
                .iter()
                .map(|f| match (*l, *f) {
                    ("preparatory", f) => f64::from(u8::from(f == PREP)),
                    (_, PREP) => 0.0,
                    ("internship" | "residency", f) => f64::from(u8::from(f == "10")),
                    ("bachelor", _) => 1.0,
                    ("master", "10") => 0.03,
                    ("master", _) => 0.09,
                    (_, "10") => 0.005,
                    _ => 0.015,
                })
                .collect()
        })
        .collect();
    let level_field = fit_table(&level_rows, &field_cols, &seed).map_err(|e| format!("{what}, level × field: {e}"))?;
    // Institution × field.
    let hei_rows: Vec<u64> = per_hei.iter().enumerate().map(|(h, n)| n - pre_placed.iter().filter(|s| s.hei == heis[h].code).count() as u64).collect();
    let hei_seed: Vec<Vec<f64>> = heis
        .iter()
        .map(|h| {
            let p = profile(h);
            fields.iter().map(|f| if *f == PREP { p[12] } else { p[f.parse::<usize>().unwrap_or(1) - 1] + 1e-4 }).collect()
        })
        .collect();
    let hei_field = fit_table(&hei_rows, &field_cols, &hei_seed).map_err(|e| format!("{what}, institution × field: {e}"))?;
    let mut placed: Vec<Student> = Vec::with_capacity(per_hei.iter().sum::<u64>() as usize);
    for (j, field) in fields.iter().enumerate() {
        let start = placed.len();
        for (h, row) in hei_field.iter().enumerate() {
            let f = if *field == PREP { "" } else { field };
            placed.extend(std::iter::repeat_n(Student::placed(heis[h].code.as_str(), "", f), row[j] as usize));
        }
        let levels_here: Marginal = levels.iter().zip(&level_field).map(|(l, row)| (*l, row[j])).collect();
        assign(&mut placed[start..], |_| true, &levels_here, rng, what, |s, l| s.level = l)?;
    }
    placed.append(&mut pre_placed);
    for (level, years) in by_year {
        if marginal_total(years) == 0 && !placed.iter().any(|s| s.level == *level) {
            continue;
        }
        assign(&mut placed, |s| s.level == *level, years, rng, what, |s, y| s.study_year = y.parse().unwrap_or(1))?;
    }
    Ok(placed)
}

/// Labels counted back into a marginal (first-seen order).
fn tally(labels: Vec<&'static str>) -> Marginal {
    let mut marginal: Marginal = Vec::new();
    for label in labels {
        match marginal.iter_mut().find(|(l, _)| *l == label) {
            Some(entry) => entry.1 += 1,
            None => marginal.push((label, 1)),
        }
    }
    marginal
}

fn count_where(students: &[Student], f: impl Fn(&Student) -> bool) -> u64 {
    students.iter().filter(|s| f(s)).count() as u64
}

/// Birth year, program digits and the `admitted` flag, from level and year of study.
fn finish(students: &mut [Student], year: i32, rng: &mut ChaCha8Rng) {
    for s in students.iter_mut() {
        let start_age: i32 = match s.level {
            "master" => 22,
            "doctoral" => 25,
            "internship" => 22,
            "residency" => 23,
            "preparatory" => 18,
            _ => 17,
        };
        let late: i32 = match rng.random_range(0..100) {
            0..=69 => 0,
            70..=89 => 1,
            90..=96 => 2,
            _ => rng.random_range(3..12),
        };
        s.birth_year = (year - start_age - i32::from(s.study_year) + 1 - late) as u16;
        s.program = 100 + rng.random_range(1..=12);
        s.admitted = s.study_year == 1;
    }
}

/// Domestic fields, levels and years of study shares (synthetic).
const DOMESTIC_LEVELS: [(&str, f64); 5] = [("bachelor", 0.875), ("master", 0.075), ("doctoral", 0.012), ("internship", 0.020), ("residency", 0.018)];

fn years_for(level: &'static str, n: u64, first: Option<u64>) -> (&'static str, Marginal) {
    let shape: &[f64] = match level {
        "bachelor" => &[0.30, 0.26, 0.23, 0.21],
        "master" => &[0.52, 0.48],
        "doctoral" => &[0.36, 0.33, 0.31],
        "residency" => &[0.5, 0.5],
        _ => &[1.0],
    };
    match first {
        Some(y1) if shape.len() > 1 => {
            let mut m = vec![("1", y1)];
            let labels: Vec<(&'static str, f64)> = STUDY_YEARS[1..].iter().copied().zip(shape[1..].iter().copied()).collect();
            m.extend(split(n.saturating_sub(y1), &labels));
            (level, m)
        }
        _ => level_years(level, n, shape),
    }
}

/// Builds one academic year's roster.
/// The students of one academic year: foreign students, students with special educational
/// needs, students from socially vulnerable groups and everyone else, each group placed in the
/// institutions and given its characteristics so that the year's published figures add up.
pub fn roster(year: i32, rng: &mut ChaCha8Rng) -> Result<Roster, String> {
    let mut decisions = Vec::new();
    let heis = enrolling();
    let targets = year_targets(year, &mut decisions);
    let regions = region_totals(year, targets.total, &mut decisions);

    // Foreign students by institution.
    let foreign_2024 = foreign_by_hei_2024(&heis, &mut decisions)?;
    let foreign = foreign_targets(year, &mut decisions)?;
    let foreign_per_hei: Vec<u64> = if year == 2024 {
        foreign_2024.clone()
    } else {
        apportion(foreign.total, &foreign_2024.iter().map(|n| *n as f64).collect::<Vec<_>>())
    };
    let domestic_per_hei = domestic_by_institution(&heis, &regions, &foreign_per_hei)?;
    let mut students = foreign_students(year, &heis, &foreign, &foreign_per_hei, rng, &mut decisions)?;

    // Domestic groups share the institutions in proportion to their size.
    let weights: Vec<f64> = domestic_per_hei.iter().map(|n| *n as f64).collect();
    let sen_per_hei = apportion(targets.sen, &weights);
    let vulnerable_per_hei = apportion(targets.vulnerable, &weights);
    let (sen, sen_dorm) = sen_students(year, &heis, &targets, &sen_per_hei, rng, &mut decisions)?;
    let mut vulnerable = vulnerable_students(year, &heis, &targets, &vulnerable_per_hei, sen_dorm, rng, &mut decisions)?;
    let others_per_hei: Vec<u64> = (0..heis.len())
        .map(|i| domestic_per_hei[i].checked_sub(sen_per_hei[i] + vulnerable_per_hei[i]).ok_or_else(|| format!("{}: too small", heis[i].code)))
        .collect::<Result<_, _>>()?;
    let domestic_total: u64 = domestic_per_hei.iter().sum();
    let mut others = other_students(year, &heis, &targets, &others_per_hei, domestic_total, [&students, &sen, &vulnerable], rng)?;

    let domestic: u64 = (sen.len() + vulnerable.len() + others.len()) as u64;
    let mut domestic_students = sen;
    domestic_students.append(&mut vulnerable);
    domestic_students.append(&mut others);
    assign(&mut domestic_students, |_| true, &split(domestic, &[("F", 0.53), ("M", 0.47)]), rng, "gender", |s, g| s.gender = g)?;
    assign(&mut domestic_students, |_| true, &split(domestic, &[("kk", 0.66), ("ru", 0.30), ("en", 0.035), ("other", 0.005)]), rng, "language", |s, l| s.language = l)?;
    assign(&mut domestic_students, |_| true, &split(domestic, &[("full_time", 0.90), ("part_time", 0.06), ("distance", 0.03), ("evening", 0.01)]), rng, "study form", |s, f| s.study_form = f)?;
    students.append(&mut domestic_students);
    finish(&mut students, year, rng);

    let order: HashMap<&str, usize> = registry().iter().enumerate().map(|(i, h)| (h.code.as_str(), i)).collect();
    students.sort_by_key(|s| order.get(s.hei).copied().unwrap_or(usize::MAX));
    if students.len() as u64 != targets.total {
        return Err(format!("{year}: {} students built, {} wanted", students.len(), targets.total));
    }
    if year == 2024 {
        decisions.push(
            "students 2024-2025: the report's 625,990 students of 103 civilian HEIs; the quota infographic (rural youth \
             29,400, large families 23,700, single-parent 11,200 of 82,700, rounded) is not reproduced: its rural figure \
             exceeds Table 8.2.3's students under the rural quota (11,593), which is kept"
                .to_string(),
        );
    }
    Ok(Roster { year, students, decisions })
}

/// Domestic students by institution: each region's students less its foreign students,
/// shared by institution size.
fn domestic_by_institution(heis: &[&'static Hei], regions: &[(&'static str, u64)], foreign_per_hei: &[u64]) -> Result<Vec<u64>, String> {
    let mut domestic_per_hei = vec![0u64; heis.len()];
    for (region, n) in regions {
        let here: Vec<usize> = (0..heis.len()).filter(|&i| heis[i].region == *region).collect();
        let foreign_here: u64 = here.iter().map(|&i| foreign_per_hei[i]).sum();
        let rest = n.checked_sub(foreign_here).ok_or_else(|| format!("{region}: more foreign students than students"))?;
        let weights: Vec<f64> = here.iter().map(|&i| size_weight(heis[i])).collect();
        for (&i, d) in here.iter().zip(apportion(rest, &weights)) {
            domestic_per_hei[i] = d;
        }
    }

    Ok(domestic_per_hei)
}

/// Foreign students: Table 6.1.15's Indian citizens first (2024), then every other country,
/// placed by institution, field, level and year of study, with funding, gender, language and
/// dormitory.
fn foreign_students(year: i32, heis: &[&'static Hei], foreign: &ForeignTargets, foreign_per_hei: &[u64], rng: &mut ChaCha8Rng, decisions: &mut Vec<String>) -> Result<Vec<Student>, String> {
    let mut pre_placed = Vec::new();
    if year == 2024 {
        for (code, _, indians) in table_6_1_15() {
            pre_placed.extend(std::iter::repeat_n(
                Student { citizenship: "IND", ..Student::placed(registry().iter().find(|h| h.code == code).map_or("", |h| h.code.as_str()), "bachelor", "10") },
                indians as usize,
            ));
        }
        decisions.push("foreign students 2024: the Indian citizens of Table 6.1.15 study medicine (field 10) at bachelor's level".to_string());
    }
    let fixed_countries = pre_placed.len() as u64;
    let mut students = place(
        heis,
        Group { what: "foreign students", per_hei: foreign_per_hei, by_field: &foreign.by_field, by_level: &foreign.by_level, by_year: &foreign.by_year },
        pre_placed,
        rng,
    )?;
    // The other countries; Indian citizens beyond Table 6.1.15's go to other universities
    // (the table counts every Indian citizen of its 12 universities).
    let mut countries = foreign.by_country.clone();
    let mut indians_elsewhere = 0;
    if let Some(entry) = countries.iter_mut().find(|(c, _)| *c == "IND") {
        indians_elsewhere = entry.1 - fixed_countries.min(entry.1);
        entry.1 = 0;
    }
    let at_table_hei = |s: &Student| year == 2024 && report_universities().iter().any(|(_, c)| *c == s.hei);
    let mut labels = shuffled(&countries, rng);
    let free_at_table = count_where(&students, |s| s.citizenship == "KAZ" && at_table_hei(s)) as usize;
    let mut elsewhere = tally(labels.split_off(free_at_table.min(labels.len())));
    elsewhere.push(("IND", indians_elsewhere));
    let at_table = tally(labels);
    assign(&mut students, |s| s.citizenship == "KAZ" && at_table_hei(s), &at_table, rng, "foreign citizenship", |s, c| s.citizenship = c)?;
    assign(&mut students, |s| s.citizenship == "KAZ" && !at_table_hei(s), &elsewhere, rng, "foreign citizenship", |s, c| s.citizenship = c)?;
    let f_total = foreign.total;
    assign(&mut students, |_| true, &foreign.by_funding, rng, "foreign funding", |s, f| s.funding = f)?;
    assign(&mut students, |_| true, &split(f_total, &[("M", 0.55), ("F", 0.45)]), rng, "gender", |s, g| s.gender = g)?;
    assign(&mut students, |_| true, &split(f_total, &[("ru", 0.55), ("en", 0.40), ("kk", 0.05)]), rng, "language", |s, l| s.language = l)?;
    let foreign_dorm = f_total * 30 / 100;
    assign(&mut students, |_| true, &[("yes", foreign_dorm), ("no", f_total - foreign_dorm)], rng, "dormitory", |s, d| s.dormitory = d == "yes")?;

    Ok(students)
}

/// Students with special educational needs: the 2024 published levels, fields, years of
/// study, disability groups and dormitory places (other years by the same shape), with
/// synthetic funding and quotas. Also returns those in dormitories.
fn sen_students(year: i32, heis: &[&'static Hei], targets: &YearTargets, sen_per_hei: &[u64], rng: &mut ChaCha8Rng, decisions: &mut Vec<String>) -> Result<(Vec<Student>, u64), String> {
    let sen_published = year == 2024;
    let sen_levels: Marginal = if sen_published {
        ["Bachelor's", "Master's", "Doctoral", "Internship", "Residency"]
            .iter()
            .zip(["bachelor", "master", "doctoral", "internship", "residency"])
            .map(|(label, code)| (code, year_value("table_8_2_1", 2024, &[("level", label), ("measure", "count")]).unwrap_or(0)))
            .collect()
    } else {
        split(targets.sen, &[("bachelor", 0.973), ("master", 0.010), ("doctoral", 0.002), ("internship", 0.009), ("residency", 0.006)])
    };
    let sen_fields: Marginal = {
        let mut published_fields: Vec<(&'static str, u64)> = Vec::new();
        if sen_published {
            for (category, _, n) in published("text_8_2_sen_students")
                .into_iter()
                .filter(|r| field(r, "indicator") == "sen_students_by_field")
                .map(|r| (field(&r, "category").to_string(), String::new(), count(&r)))
            {
                if let Some(f) = FIELDS.iter().find(|f| category.starts_with(*f)) {
                    published_fields.push((f, n));
                }
            }
        }
        let rest = targets.sen - marginal_total(&published_fields);
        let clinical = sen_levels.iter().filter(|(l, _)| matches!(*l, "internship" | "residency")).map(|(_, n)| n).sum::<u64>();
        let others: Vec<(&'static str, f64)> = FIELDS
            .iter()
            .zip(DOMESTIC_FIELD_SHARES)
            .filter(|(f, _)| !published_fields.iter().any(|(p, _)| p == *f))
            .map(|(f, w)| (*f, if *f == "10" { w + clinical as f64 / rest.max(1) as f64 } else { w }))
            .collect();
        let mut m = published_fields;
        m.extend(split(rest, &others));
        m
    };
    let sen_first = if sen_published { text_value("text_8_2_sen_students", "2024", "sen_students_by_year_of_study", "Year 1") } else { None };
    let sen_level_n = |l: &str| sen_levels.iter().find(|(x, _)| *x == l).map_or(0, |(_, n)| *n);
    // Year 1 of the small levels: internship all, the others about half; bachelor's take the rest.
    let small_first = sen_level_n("internship") + sen_level_n("master") / 2 + sen_level_n("doctoral") / 2 + sen_level_n("residency") / 2;
    let sen_years = vec![
        years_for("bachelor", sen_level_n("bachelor"), sen_first.map(|y1| y1 - small_first)),
        years_for("master", sen_level_n("master"), Some(sen_level_n("master") / 2)),
        years_for("doctoral", sen_level_n("doctoral"), Some(sen_level_n("doctoral") / 2)),
        years_for("internship", sen_level_n("internship"), None),
        years_for("residency", sen_level_n("residency"), Some(sen_level_n("residency") / 2)),
    ];
    let mut sen = place(
        heis,
        Group { what: "SEN students", per_hei: sen_per_hei, by_field: &sen_fields, by_level: &sen_levels, by_year: &sen_years },
        Vec::new(),
        rng,
    )?;
    let groups: Marginal = if sen_published {
        ["Group I", "Group II", "Group III"]
            .iter()
            .zip(["I", "II", "III"])
            .map(|(label, code)| (code, text_value("text_8_2_sen_students", "2024", "students_with_disabilities_by_group", label).unwrap_or(0)))
            .collect()
    } else {
        split(targets.sen, &[("I", 0.21), ("II", 0.17), ("III", 0.62)])
    };
    let n_sen = targets.sen;
    assign(&mut sen, |_| true, &groups, rng, "disability group", |s, g| {
        s.disability = g;
        s.sen = true;
    })?;
    let sen_dorm = if sen_published { text_value("text_8_2_inclusive_conditions", "2024", "sen_students_in_dormitories", "Total").unwrap_or(0) } else { n_sen * 19 / 100 };
    assign(&mut sen, |_| true, &[("yes", sen_dorm), ("no", n_sen - sen_dorm)], rng, "SEN dormitory", |s, d| s.dormitory = d == "yes")?;
    let sen_grant = n_sen * 70 / 100;
    assign(&mut sen, |_| true, &[("state_grant", sen_grant), ("paid", n_sen - sen_grant)], rng, "SEN funding", |s, f| s.funding = f)?;
    let on_quota = sen_grant * 45 / 100;
    assign(&mut sen, |s| s.funding == "state_grant", &[("disability", on_quota), ("none", sen_grant - on_quota)], rng, "SEN quota", |s, q| s.quota = q)?;
    if sen_published {
        decisions.push(
            "SEN students 2024: fields other than the four the text names (01, 04, 06, 09) are synthetic; every SEN \
             student has a disability group (the groups add up to the total); years 2-4, funding and quotas are synthetic"
                .to_string(),
        );
    }

    Ok((sen, sen_dorm))
}

/// Students from socially vulnerable groups: one category each, except 3 students
/// counted in two (Table 8.2.3's categories add up to 51,644, its total and the field
/// breakdown to 51,641, inconsistency A5: the 3 are students of low-income large families).
fn vulnerable_students(year: i32, heis: &[&'static Hei], targets: &YearTargets, vulnerable_per_hei: &[u64], sen_dorm: u64, rng: &mut ChaCha8Rng, decisions: &mut Vec<String>) -> Result<Vec<Student>, String> {
    let vulnerable_published = year == 2024;
    let category = |label: &str| year_value("table_8_2_3", 2024, &[("category", label), ("measure", "count")]).unwrap_or(0);
    let (low, rural, large) = if vulnerable_published {
        (category("Students from low-income families"), category("Students under the rural quota"), category("Students from large families"))
    } else {
        let m = split(targets.vulnerable + 3, &[("low", 0.096), ("rural", 0.224), ("large", 0.68)]);
        (m[0].1, m[1].1, m[2].1)
    };
    let both = (low + rural + large).saturating_sub(targets.vulnerable);
    let vulnerable_fields: Marginal = if vulnerable_published {
        published("text_8_2_vulnerable_by_field")
            .into_iter()
            .filter(|r| field(r, "measure") == "count")
            .filter_map(|r| FIELDS.iter().find(|f| **f == field(&r, "field_code")).map(|f| (*f, count(&r))))
            .collect()
    } else {
        split(targets.vulnerable, &FIELDS.iter().copied().zip(DOMESTIC_FIELD_SHARES).collect::<Vec<_>>())
    };
    let v_total = targets.vulnerable;
    let v_levels = split(v_total, &[("bachelor", 0.96), ("master", 0.04)]);
    let v_years = vec![years_for("bachelor", v_levels[0].1, None), years_for("master", v_levels[1].1, None)];
    let mut vulnerable = place(
        heis,
        Group { what: "vulnerable students", per_hei: vulnerable_per_hei, by_field: &vulnerable_fields, by_level: &v_levels, by_year: &v_years },
        Vec::new(),
        rng,
    )?;
    let memberships = [("low", low - both), ("rural", rural), ("large", large - both), ("low+large", both)];
    assign(&mut vulnerable, |_| true, &memberships, rng, "vulnerable category", |s, c| {
        s.low_income = c.starts_with("low");
        s.large_family = c.ends_with("large");
        if c == "rural" {
            s.funding = "state_grant";
            s.quota = "rural";
        }
    })?;
    let large_grant = large * 35 / 100;
    assign(&mut vulnerable, |s| s.large_family, &[("large_family", large_grant / 2), ("none", large_grant - large_grant / 2), ("paid", large - large_grant)], rng, "large-family funding", |s, q| {
        if q != "paid" {
            s.funding = "state_grant";
            s.quota = q;
        }
    })?;
    let low_only = low - both;
    let low_grant = low_only * 40 / 100;
    assign(&mut vulnerable, |s| s.low_income && !s.large_family, &[("state_grant", low_grant), ("paid", low_only - low_grant)], rng, "low-income funding", |s, f| s.funding = f)?;
    let v_dorm = if vulnerable_published {
        text_value("text_8_2_inclusive_conditions", "2024", "vulnerable_and_disabled_students_in_dormitories", "Total").unwrap_or(0).saturating_sub(sen_dorm)
    } else {
        v_total * 24 / 100
    };
    assign(&mut vulnerable, |_| true, &[("yes", v_dorm), ("no", v_total - v_dorm)], rng, "vulnerable dormitory", |s, d| s.dormitory = d == "yes")?;
    if vulnerable_published {
        decisions.push(format!(
            "socially vulnerable students 2024: {both} students are counted in two categories (low-income and large \
             family), so the categories add up to {} and the students to {v_total} (inconsistency A5); the rural quota is \
             the grant quota `rural`; funding of the other categories is synthetic. SEN students in dormitories \
             {sen_dorm}, vulnerable {v_dorm} (together the published 12,747)",
            low + rural + large
        ));
    }

    Ok(vulnerable)
}

/// Everyone else: what the totals leave of the domestic fields, levels, admissions, state
/// grants, quotas and dormitory places once the special groups (`special`: foreign, SEN,
/// vulnerable) have theirs.
fn other_students(year: i32, heis: &[&'static Hei], targets: &YearTargets, others_per_hei: &[u64], domestic_total: u64, special: [&Vec<Student>; 3], rng: &mut ChaCha8Rng) -> Result<Vec<Student>, String> {
    let [students, sen, vulnerable] = special;
    let domestic_fields = split(domestic_total, &FIELDS.iter().copied().zip(DOMESTIC_FIELD_SHARES).collect::<Vec<_>>());
    let domestic_levels = split(domestic_total, &DOMESTIC_LEVELS);
    let minus = |m: &Marginal, groups: &[&Vec<Student>], key: fn(&Student) -> &'static str| -> Result<Marginal, String> {
        m.iter()
            .map(|(label, n)| {
                let used: u64 = groups.iter().map(|g| count_where(g, |s| key(s) == *label)).sum();
                n.checked_sub(used).map(|r| (*label, r)).ok_or_else(|| format!("{label}: special groups exceed the domestic total"))
            })
            .collect()
    };
    let o_fields = minus(&domestic_fields, &[&sen, &vulnerable], |s| s.field)?;
    let o_levels = minus(&domestic_levels, &[&sen, &vulnerable], |s| s.level)?;
    let first_year = |g: &[Student]| count_where(g, |s| s.study_year == 1);
    let o_first = targets
        .admitted
        .checked_sub(first_year(&students) + first_year(&sen) + first_year(&vulnerable))
        .ok_or("admissions are fewer than the first-year students of the special groups")?;
    let o_level_n = |l: &str| o_levels.iter().find(|(x, _)| *x == l).map_or(0, |(_, n)| *n);
    let small_first = o_level_n("internship") + o_level_n("master") * 52 / 100 + o_level_n("doctoral") * 36 / 100 + o_level_n("residency") / 2;
    let o_years = vec![
        years_for("bachelor", o_level_n("bachelor"), Some(o_first.checked_sub(small_first).ok_or("too few admissions")?)),
        years_for("master", o_level_n("master"), Some(o_level_n("master") * 52 / 100)),
        years_for("doctoral", o_level_n("doctoral"), Some(o_level_n("doctoral") * 36 / 100)),
        years_for("internship", o_level_n("internship"), None),
        years_for("residency", o_level_n("residency"), Some(o_level_n("residency") / 2)),
    ];
    let mut others = place(
        heis,
        Group { what: "students", per_hei: others_per_hei, by_field: &o_fields, by_level: &o_levels, by_year: &o_years },
        Vec::new(),
        rng,
    )?;
    let granted = |g: &[Student], first: bool| count_where(g, |s| s.funding == "state_grant" && (s.study_year == 1) == first);
    let o_grant_first = targets
        .admitted_state
        .checked_sub(granted(&students, true) + granted(&sen, true) + granted(&vulnerable, true))
        .ok_or("admissions under the state order are fewer than the special groups'")?;
    let special_grants: u64 = [&students, &sen, &vulnerable].iter().map(|g| count_where(g, |s| s.funding == "state_grant")).sum();
    let o_grant_rest = targets.state_funded.checked_sub(special_grants + o_grant_first).ok_or("too few state-funded students")?;
    for (first, grants) in [(true, o_grant_first), (false, o_grant_rest)] {
        let n = count_where(&others, |s| (s.study_year == 1) == first);
        let local = n * 2 / 100;
        let paid = n.checked_sub(grants + local).ok_or("more grants than students")?;
        assign(&mut others, |s| (s.study_year == 1) == first, &[("state_grant", grants), ("local_budget", local), ("paid", paid)], rng, "funding", |s, f| s.funding = f)?;
    }
    let o_granted = count_where(&others, |s| s.funding == "state_grant");
    let mut quotas = split(o_granted, &[("orphan", 0.007), ("single_parent", 0.02), ("disabled_child_family", 0.005), ("kandas", 0.02), ("serpin", 0.03), ("none", 0.918)]);
    if year == 2024 {
        // The 5,000 targeted regional grants of 2024 go to first-year students.
        assign(&mut others, |s| s.funding == "state_grant" && s.study_year == 1, &[("targeted_regional", 4_700), ("none", o_grant_first - 4_700)], rng, "targeted grants", |s, q| s.quota = q)?;
        let targeted = 4_700;
        if let Some(none) = quotas.iter_mut().find(|(q, _)| *q == "none") {
            none.1 -= targeted;
        }
        assign(&mut others, |s| s.funding == "state_grant" && s.quota != "targeted_regional", &quotas, rng, "quota", |s, q| s.quota = q)?;
    } else {
        assign(&mut others, |s| s.funding == "state_grant", &quotas, rng, "quota", |s, q| s.quota = q)?;
    }
    for s in others.iter_mut() {
        s.orphan = s.quota == "orphan";
    }
    let o_n = others.len() as u64;
    let dormitory_so_far: u64 = [&students, &sen, &vulnerable].iter().map(|g| count_where(g, |s| s.dormitory)).sum();
    let o_dorm = targets.dormitory.checked_sub(dormitory_so_far).ok_or("dormitory places exceeded")?;
    assign(&mut others, |_| true, &[("yes", o_dorm), ("no", o_n - o_dorm)], rng, "dormitory", |s, d| s.dormitory = d == "yes")?;

    Ok(others)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn n(students: &[Student], f: impl Fn(&Student) -> bool) -> u64 {
        count_where(students, f)
    }

    #[test]
    fn the_2024_roster_adds_up_to_the_published_figures() {
        let roster = roster(2024, &mut ChaCha8Rng::seed_from_u64(1)).unwrap();
        let s = &roster.students;
        assert_eq!(s.len(), 625_990);
        assert_eq!(n(s, |s| s.admitted), 206_803);
        assert_eq!(n(s, |s| s.admitted && s.funding == "state_grant"), 90_880);
        assert_eq!(n(s, |s| s.funding == "state_grant"), 287_048);
        assert_eq!(n(s, |s| s.dormitory), 79_073);
        assert_eq!(n(s, |s| s.citizenship != "KAZ"), 31_432);
        assert_eq!(n(s, |s| s.citizenship == "IND"), 12_020);
        assert_eq!(n(s, |s| s.sen), 2_919);
        assert_eq!(n(s, |s| s.sen && s.dormitory), 568);
        assert_eq!(n(s, |s| s.quota == "rural"), 11_593);
        assert_eq!(n(s, |s| s.low_income), 4_956);
        assert_eq!(n(s, |s| s.large_family), 35_095);
        assert_eq!(n(s, |s| s.low_income || s.large_family || s.quota == "rural"), 51_641);
        let region = |r: &str| {
            let codes: Vec<&str> = registry().iter().filter(|h| h.region == r).map(|h| h.code.as_str()).collect();
            n(s, |s| codes.contains(&s.hei))
        };
        assert_eq!((region("KZ-75"), region("KZ-71"), region("KZ-79")), (202_000, 86_100, 83_600));
        assert!(s.iter().all(|s| (1..=7).contains(&s.study_year)));
        assert!(s.iter().all(|s| s.level != "preparatory" || s.field.is_empty()));
        assert!(s.iter().all(|s| !matches!(s.level, "internship" | "residency") || s.field == "10"));
        // Foreign students: fields, levels and years, region of study, Table 6.1.15.
        let foreign = |f: &dyn Fn(&Student) -> bool| n(s, |s| s.citizenship != "KAZ" && f(s));
        assert_eq!(foreign(&|s| s.field == "10"), 15_537);
        assert_eq!(foreign(&|s| s.level == "preparatory"), 811);
        assert_eq!(foreign(&|s| s.level == "bachelor"), 28_552);
        assert_eq!(foreign(&|s| s.level == "bachelor" && s.study_year == 7), 13);
        assert_eq!(foreign(&|s| s.level == "master" && s.study_year == 1), 1_080);
        assert_eq!(foreign(&|s| s.funding != "paid"), 4_316);
        assert_eq!(foreign(&|s| s.hei == "HEI034"), 3_054);
        assert_eq!(foreign(&|s| s.hei == "HEI034" && s.citizenship == "IND"), 2_746);
        assert_eq!(foreign(&|s| registry().iter().any(|h| h.code == s.hei && matches!(h.region.as_str(), "KZ-63" | "KZ-10"))), 1_513);
        assert_eq!(foreign(&|s| s.citizenship == "RUS"), 3_005);
        let cis = foreign(&|s| code_lists().country(s.citizenship).is_some_and(|c| c.world_region == "CIS"));
        assert_eq!(cis, 12_816);
        assert_eq!(n(s, |s| s.sen && s.level == "residency"), 19);
        assert_eq!(n(s, |s| s.sen && s.study_year == 1), 945);
        assert_eq!(n(s, |s| s.sen && s.field == "06"), 544);
        assert_eq!(n(s, |s| s.sen && s.disability == "III"), 1_815);
        assert_eq!(n(s, |s| (s.low_income || s.large_family || s.quota == "rural") && s.field == "07"), 12_022);
        for d in &roster.decisions {
            println!("{d}");
        }
    }

    #[test]
    fn earlier_rosters_keep_the_published_foreign_students() {
        for (year, total, foreign, budget) in [(2021, 581_470, 28_728, 3_766), (2022, 590_215, 26_080, 4_691), (2023, 607_384, 26_840, 4_580)] {
            let roster = roster(year, &mut ChaCha8Rng::seed_from_u64(2)).unwrap();
            let s = &roster.students;
            assert_eq!(s.len(), total);
            assert_eq!(n(s, |s| s.citizenship != "KAZ"), foreign, "{year}");
            assert_eq!(n(s, |s| s.citizenship != "KAZ" && s.funding != "paid"), budget, "{year}");
        }
    }
}
