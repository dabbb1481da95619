//! `hestat generate`: writes the synthetic submissions to a folder.
//!
//! Layout:
//! - `ministry/hei_registry.xlsx`, `ministry/state_order.xlsx`, `ministry/tvet_students.csv`;
//! - `bureau/population.xlsx` (one sheet per year);
//! - `universities/<HEI>/<HEI>_<year>.xlsx`: a cover sheet, then the `students` roster of the
//!   academic year, its `staff` and its `mobility` of the calendar year; universities that
//!   submit CSV send one `<HEI>_<year>_<family>.csv` per family instead.
//!
//! The same seed and version write byte-identical files. A few deliberate errors are planted
//! ([`DeliberateError`]); they are extra rows and an extra file, so the published figures
//! still come out exactly.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

use hestat_contract::codes::code_lists;
use hestat_contract::families::Family;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use crate::mobility::{mobility_rows, mobility_targets, MobilityRow};
use crate::population::region_files;
use crate::registry::{registry, Hei};
use crate::staff::{staff, StaffMember};
use crate::staff_mobility::staff_mobility_rows;
use crate::state_order::{state_order, StateOrderRow};
use crate::students::{enrolling, roster, Student};
use crate::submission::{word, workbook_bytes, write_csv_1251, write_workbook, Style, Table, Val, SYNTHETIC_NOTE};

/// What to generate.
#[derive(Debug, Clone)]
pub struct GenerateConfig {
    pub out: PathBuf,
    /// Calendar years of mobility, and the academic years (by start year) of the rosters.
    pub years: RangeInclusive<i32>,
    pub seed: u64,
    /// Multiplies the students and staff (1.0: the national figures; 10.0: ten times as many
    /// records, same proportions; 0.01: a sample).
    pub scale: f64,
    /// Only these universities' submissions (the ministry and bureau files are always
    /// written); `None`: all.
    pub only: Option<Vec<String>>,
}

impl GenerateConfig {
    /// The national dataset at scale 1.
    pub fn national(out: PathBuf, seed: u64) -> GenerateConfig {
        GenerateConfig { out, years: 2021..=2024, seed, scale: 1.0, only: None }
    }
}

/// A planted error: where it is and what the validation report must say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliberateError {
    /// Path under the output folder, with `/`.
    pub file: String,
    /// Sheet name (empty for a rejected file).
    pub sheet: String,
    /// The validation rule that must fire.
    pub rule: &'static str,
    /// Rows quarantined (0 for a rejected file).
    pub rows: usize,
}

/// What was generated.
#[derive(Debug, Clone, Default)]
pub struct GenerateSummary {
    pub files: usize,
    /// Student mobility episodes written (the sum of `count`).
    pub mobility_episodes: u64,
    /// Staff exchanges written (outgoing faculty mobility).
    pub staff_exchanges: u64,
    pub students: u64,
    pub staff: u64,
    pub deliberate_errors: Vec<DeliberateError>,
    /// Choices made where the report is silent or contradicts itself, one line each.
    pub decisions: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("cannot write {path}")]
    Write { path: PathBuf, source: Box<dyn std::error::Error + Send + Sync> },
    #[error("calibration failed: {0}")]
    Calibration(String),
    #[error("invalid option: {0}")]
    Option(String),
}

fn write_error<E: Into<Box<dyn std::error::Error + Send + Sync>>>(path: &Path) -> impl Fn(E) -> GenerateError + '_ {
    move |source| GenerateError::Write { path: path.to_path_buf(), source: source.into() }
}

/// A seeded generator for one part of the dataset, independent of the others.
fn rng_for(seed: u64, part: &str) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(hash(seed, part))
}

fn hash(seed: u64, part: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in part.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^ (h >> 29)
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

/// The academic year as each style writes it.
fn academic_year(year: i32, style: Style) -> Val {
    match style {
        Style::PlainEnglish => Val::Text(format!("{year}-{}", year + 1)),
        Style::RussianWithTitle => Val::Text(format!("{year}/{}", year + 1)),
        Style::KazakhNumbersAsText => Val::Text(format!("{year}/{:02}", (year + 1) % 100)),
        Style::RussianCsv1251 => Val::Num(f64::from(year)),
    }
}

/// Numbers: typed, or text in the Kazakh style (the writer spaces the thousands).
fn number(n: f64) -> Val {
    Val::Num(n)
}

/// A year: a number (which the Kazakh style, like Russian Excel with a number format on the
/// column, shows with a thousands space: `1 964`).
fn year_value(year: u16) -> Val {
    Val::Num(f64::from(year))
}

const MOBILITY_KEYS: [&str; 11] =
    ["year", "hei_code", "direction", "participant", "country", "level", "field_code", "funding_source", "mode", "mobility_type", "count"];

/// The Kazakh style has no `count` column: identical episodes are repeated rows, each
/// counting once (inputs.md).
fn mobility_keys(style: Style) -> Vec<&'static str> {
    let keys = MOBILITY_KEYS.to_vec();
    if style == Style::KazakhNumbersAsText {
        keys[..keys.len() - 1].to_vec()
    } else {
        keys
    }
}

/// The rows one episode record takes: one, or `count` of them where there is no `count` column.
fn mobility_rows_of(r: &MobilityRow, style: Style) -> Vec<Vec<Val>> {
    let repeats = if style == Style::KazakhNumbersAsText { r.count as usize } else { 1 };
    vec![mobility_row(r, style); repeats]
}

fn mobility_row(r: &MobilityRow, style: Style) -> Vec<Val> {
    let language = style.language();
    let mut row = vec![
        // Years are typed as numbers (the Kazakh style shows `2 024`), or as text digits.
        match style {
            Style::PlainEnglish | Style::KazakhNumbersAsText => Val::Num(f64::from(r.year)),
            _ => Val::Text(r.year.to_string()),
        },
        text(r.hei),
        text(direction_label(r.direction, language)),
        text(r.participant),
        Val::Text(country_name(r.country, language)),
        text(r.level),
        if language == 0 { text(r.field) } else { Val::Num(r.field.parse().unwrap_or(0.0)) },
        text(r.funding),
        text(r.mode),
        text(r.mobility_type),
    ];
    match style {
        Style::KazakhNumbersAsText => {}
        // The English style leaves `count` empty for one episode (empty means 1).
        Style::PlainEnglish if r.count == 1 => row.push(Val::Empty),
        _ => row.push(Val::Num(r.count as f64)),
    }
    row
}

fn mobility_table(rows: Vec<Vec<Val>>, style: Style) -> Table {
    let keys = mobility_keys(style);
    let total_of = keys.contains(&"count").then_some("count");
    Table { family: Family::Mobility, keys, rows, total_of, sheet: None }
}

const STUDENT_KEYS: [&str; 20] = [
    "academic_year", "hei_code", "student_id", "gender", "birth_year", "citizenship", "level", "program_code", "study_year",
    "funding", "grant_quota", "admitted", "sen", "disability_group", "low_income", "large_family", "orphan", "dormitory",
    "study_form", "language",
];

/// A 12-digit IIN-shaped identifier (birth date, century and gender digit, serial), unique
/// per sequence number below one million per institution; used by the Kazakh-style
/// universities, whose IDs hestat must hash.
fn iin(birth_year: u16, gender: &str, seq: u64, hei_index: usize) -> String {
    let s = (hei_index as u64 / 4) * 1_000_000 + seq;
    let (day, month, serial) = (1 + s % 28, 1 + (s / 28) % 12, s / 336);
    let century = match (birth_year >= 2000, gender) {
        (true, "M") => 5,
        (true, _) => 6,
        (false, "M") => 3,
        (false, _) => 4,
    };
    format!("{:02}{month:02}{day:02}{century}{serial:05}", birth_year % 100)
}

fn student_row(s: &Student, year: i32, id: String, style: Style) -> Vec<Val> {
    let language = style.language();
    let flag = |b: bool| {
        let code = if b { "yes" } else { "no" };
        // The English style leaves "no" empty (empty means no).
        if !b && style == Style::PlainEnglish { Val::Empty } else { text(word("yes_no", code, language)) }
    };
    let birth = if style == Style::KazakhNumbersAsText {
        // The Kazakh style types the date of birth (column birth_date) instead of the year.
        Val::Text(format!("{:02}.{:02}.{}", 1 + id.len() % 28, 1 + (s.program as usize) % 12, s.birth_year))
    } else {
        year_value(s.birth_year)
    };
    vec![
        academic_year(year, style),
        text(s.hei),
        Val::Text(id),
        text(word("gender", s.gender, language)),
        birth,
        if language == 0 { text(s.citizenship) } else { Val::Text(country_name(s.citizenship, language)) },
        text(word("level", s.level, language)),
        Val::Text(s.program_code()),
        number(f64::from(s.study_year)),
        text(word("funding", s.funding, language)),
        text(s.quota),
        flag(s.admitted),
        flag(s.sen),
        text(s.disability),
        flag(s.low_income),
        flag(s.large_family),
        flag(s.orphan),
        flag(s.dormitory),
        text(s.study_form),
        text(s.language),
    ]
}

fn student_keys(style: Style) -> Vec<&'static str> {
    STUDENT_KEYS.iter().map(|k| if *k == "birth_year" && style == Style::KazakhNumbersAsText { "birth_date" } else { k }).collect()
}

const STAFF_KEYS: [&str; 9] = ["academic_year", "hei_code", "staff_id", "gender", "birth_year", "degree", "title", "position", "rate"];

fn staff_row(m: &StaffMember, year: i32, seq: u64, style: Style) -> Vec<Val> {
    vec![
        academic_year(year, style),
        text(m.hei),
        Val::Text(format!("{}-T{year}-{seq:05}", m.hei)),
        text(word("gender", m.gender, style.language())),
        year_value(m.birth_year),
        text(m.degree),
        text(m.title),
        text(m.position),
        number(m.rate),
    ]
}

fn registry_table(heis: &[Hei]) -> Table {
    Table {
        family: Family::Hei,
        keys: vec!["hei_code", "name_en", "region", "legal_form"],
        rows: heis.iter().map(|h| vec![text(&h.code), text(&h.name_en), text(&h.region), text(&h.legal_form)]).collect(),
        total_of: None,
        sheet: None,
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
        sheet: None,
    }
}

/// How many copies of record `index` a scale asks for: the whole part always, the
/// fractional part for a seeded share of the records.
fn copies(scale: f64, seed: u64, key: &str, index: usize) -> usize {
    let whole = scale.floor() as usize;
    let fraction = scale - scale.floor();
    let draw = (hash(seed ^ index as u64, key) >> 11) as f64 / (1u64 << 53) as f64;
    whole + usize::from(draw < fraction)
}

/// One university's submission of one year.
struct Submission<'a> {
    hei: &'static Hei,
    index: usize,
    year: i32,
    students: &'a [Student],
    staff: &'a [StaffMember],
    mobility: Vec<&'a MobilityRow>,
}

/// What a written submission holds, for the bureau's files and the summary.
#[derive(Default)]
struct Written {
    files: usize,
    students: u64,
    students_not_preparatory: u64,
    staff: u64,
    mobility_episodes: u64,
    staff_exchanges: u64,
}

/// Rows planted in one submission (deliberate errors).
#[derive(Default)]
struct Planted {
    students: Vec<Vec<Val>>,
    mobility: Vec<Vec<Val>>,
}

fn write_submission(config: &GenerateConfig, sub: &Submission, planted: Planted) -> Result<Written, GenerateError> {
    let style = Style::of(sub.index);
    let code = sub.hei.code.as_str();
    let mut written = Written::default();
    let mut students = Vec::with_capacity(sub.students.len());
    let key = format!("students/{}/{code}", sub.year);
    let mut seq = 0u64;
    for (i, s) in sub.students.iter().enumerate() {
        for _ in 0..copies(config.scale, config.seed, &key, i) {
            seq += 1;
            let id = if style == Style::KazakhNumbersAsText { iin(s.birth_year, s.gender, seq, sub.index) } else { format!("{code}-{}-{seq:06}", sub.year) };
            students.push(student_row(s, sub.year, id, style));
            written.students += 1;
            written.students_not_preparatory += u64::from(s.level != "preparatory");
        }
    }
    students.extend(planted.students);
    let mut staff = Vec::with_capacity(sub.staff.len());
    let staff_key = format!("staff/{}/{code}", sub.year);
    for (i, m) in sub.staff.iter().enumerate() {
        for _ in 0..copies(config.scale, config.seed, &staff_key, i) {
            staff.push(staff_row(m, sub.year, staff.len() as u64 + 1, style));
        }
    }
    written.staff = staff.len() as u64;
    written.mobility_episodes = sub.mobility.iter().filter(|r| r.participant == "student").map(|r| r.count).sum();
    written.staff_exchanges = sub.mobility.iter().filter(|r| r.participant == "staff").map(|r| r.count).sum();
    let mut mobility: Vec<Vec<Val>> = sub.mobility.iter().flat_map(|r| mobility_rows_of(r, style)).collect();
    mobility.extend(planted.mobility);
    let mut tables = Vec::new();
    if !students.is_empty() {
        tables.push(Table { family: Family::Students, keys: student_keys(style), rows: students, total_of: None, sheet: None });
    }
    if !staff.is_empty() {
        tables.push(Table { family: Family::Staff, keys: STAFF_KEYS.to_vec(), rows: staff, total_of: None, sheet: None });
    }
    if !mobility.is_empty() {
        tables.push(mobility_table(mobility, style));
    }
    if tables.is_empty() {
        return Ok(written);
    }
    let dir = config.out.join("universities").join(code);
    std::fs::create_dir_all(&dir).map_err(write_error(&dir))?;
    if style.is_csv() {
        for table in &tables {
            let path = dir.join(format!("{code}_{}_{}.csv", sub.year, table.family.name()));
            write_csv_1251(&path, table).map_err(write_error(&path))?;
            written.files += 1;
        }
    } else {
        let path = dir.join(format!("{code}_{}.xlsx", sub.year));
        write_workbook(&path, &tables, style).map_err(write_error(&path))?;
        written.files += 1;
    }
    Ok(written)
}

/// The planted errors: extra rows in the first four enrolling universities' 2024 submissions
/// and a truncated workbook. None of them removes a record that a published figure needs.
fn plant_errors(heis: &[&'static Hei], year: i32, years: &RangeInclusive<i32>) -> Vec<(usize, Planted, Option<DeliberateError>)> {
    if year != *years.end() || heis.len() < 4 {
        return Vec::new();
    }
    let index = |h: &Hei| registry().iter().position(|r| r.code == h.code).unwrap_or(0);
    let file = |h: &Hei| {
        let style = Style::of(index(h));
        if style.is_csv() {
            (format!("universities/{0}/{0}_{year}_students.csv", h.code), format!("{}_{year}_students.csv", h.code))
        } else {
            (format!("universities/{0}/{0}_{year}.xlsx", h.code), "students".to_string())
        }
    };
    let student = |h: &'static Hei, id: &str, study_year: u8| {
        let s = Student { study_year, ..Student::placed(h.code.as_str(), "bachelor", "04") };
        student_row(&s, year, id.to_string(), Style::of(index(h)))
    };
    let mut out = Vec::new();
    // 1. An impossible year of study (9).
    let (path, sheet) = file(heis[0]);
    out.push((0, Planted { students: vec![student(heis[0], &format!("{}-ERR-STUDY-YEAR", heis[0].code), 9)], mobility: Vec::new() }, Some(DeliberateError { file: path, sheet, rule: "out_of_range", rows: 1 })));
    // 2. The same student twice (both rows are quarantined).
    let (path, sheet) = file(heis[1]);
    let twice = format!("{}-ERR-DUPLICATE", heis[1].code);
    out.push((1, Planted { students: vec![student(heis[1], &twice, 2), student(heis[1], &twice, 2)], mobility: Vec::new() }, Some(DeliberateError { file: path, sheet, rule: "duplicate_student", rows: 2 })));
    // 3. A mobility episode in a country that does not exist.
    let h = heis[2];
    let style = Style::of(index(h));
    let mut row = mobility_row(
        &MobilityRow { hei: h.code.as_str(), year, direction: "outgoing", participant: "student", country: "", level: "bachelor", field: "04", funding: "own_funds", mode: "offline", mobility_type: "credit", count: 1 },
        style,
    );
    row[4] = text("Atlantis");
    let (path, sheet) = if style.is_csv() {
        (format!("universities/{0}/{0}_{year}_mobility.csv", h.code), format!("{}_{year}_mobility.csv", h.code))
    } else {
        (format!("universities/{0}/{0}_{year}.xlsx", h.code), "mobility".to_string())
    };
    out.push((2, Planted { students: Vec::new(), mobility: vec![row] }, Some(DeliberateError { file: path, sheet, rule: "unknown_country", rows: 1 })));
    out
}

/// Writes half of a real workbook, as an interrupted upload leaves it: a corrupt file the
/// ingestion must reject.
fn write_corrupt_file(out: &Path, hei: &Hei, year: i32) -> Result<DeliberateError, GenerateError> {
    let dir = out.join("universities").join(&hei.code);
    let name = format!("{}_{year}_upload_interrupted.xlsx", hei.code);
    let path = dir.join(&name);
    let whole = workbook_bytes(&[registry_table(std::slice::from_ref(hei))], Style::PlainEnglish).map_err(write_error(&path))?;
    std::fs::create_dir_all(&dir).map_err(write_error(&dir))?;
    std::fs::write(&path, &whole[..whole.len() / 2]).map_err(write_error(&path))?;
    Ok(DeliberateError { file: format!("universities/{}/{name}", hei.code), sheet: String::new(), rule: "corrupt_file", rows: 0 })
}

/// One academic year's roster and staff.
type YearData = (i32, crate::students::Roster, Vec<StaffMember>);

/// Writes the dataset.
pub fn generate(config: &GenerateConfig) -> Result<GenerateSummary, GenerateError> {
    if !(config.scale > 0.0 && config.scale <= 100.0) {
        return Err(GenerateError::Option(format!("scale {} is outside (0, 100]", config.scale)));
    }
    let heis = registry();
    let enrolling_heis = enrolling();
    let mut summary = GenerateSummary::default();
    let mut mobility: Vec<MobilityRow> = Vec::new();
    for year in config.years.clone() {
        for direction in ["incoming", "outgoing"] {
            let targets = mobility_targets(year, direction);
            summary.decisions.extend(targets.decisions.iter().cloned());
            let mut rng = rng_for(config.seed, &format!("mobility/{year}/{direction}"));
            mobility.extend(mobility_rows(&targets, &enrolling_heis, &mut rng).map_err(GenerateError::Calibration)?);
        }
        let mut rng = rng_for(config.seed, &format!("staff_mobility/{year}"));
        mobility.extend(staff_mobility_rows(year, &enrolling_heis, &mut rng, &mut summary.decisions).map_err(GenerateError::Calibration)?);
    }
    let mut grants = Vec::new();
    for year in config.years.clone() {
        let (rows, decisions) = state_order(year, &mut rng_for(config.seed, &format!("state_order/{year}"))).map_err(GenerateError::Calibration)?;
        grants.extend(rows);
        summary.decisions.extend(decisions);
    }

    let ministry = config.out.join("ministry");
    std::fs::create_dir_all(&ministry).map_err(write_error(&ministry))?;
    let registry_path = ministry.join("hei_registry.xlsx");
    write_workbook(&registry_path, &[registry_table(heis)], Style::RussianWithTitle).map_err(write_error(&registry_path))?;
    let state_order_path = ministry.join("state_order.xlsx");
    write_workbook(&state_order_path, &[state_order_table(&grants)], Style::KazakhNumbersAsText)
        .map_err(write_error(&state_order_path))?;
    summary.files += 2;

    // Rosters and staff of every year (built in parallel), then every university's
    // submission of every year (written in parallel).
    let years: Vec<i32> = config.years.clone().collect();
    let built: Vec<Result<YearData, GenerateError>> = years
        .par_iter()
        .map(|&year| {
            let roster = roster(year, &mut rng_for(config.seed, &format!("students/{year}"))).map_err(GenerateError::Calibration)?;
            let codes: Vec<&'static str> = enrolling_heis.iter().map(|h| h.code.as_str()).collect();
            let weights: Vec<f64> = codes.iter().map(|c| 40.0 + roster.students.iter().filter(|s| s.hei == *c).count() as f64).collect();
            let members = staff(year, &codes, &weights, &mut rng_for(config.seed, &format!("staff/{year}"))).map_err(GenerateError::Calibration)?;
            Ok((year, roster, members))
        })
        .collect();
    let mut rosters = Vec::new();
    for b in built {
        let (year, roster, members) = b?;
        summary.decisions.extend(roster.decisions.iter().cloned());
        rosters.push((year, roster, members));
    }
    let wanted = |h: &Hei| config.only.as_ref().is_none_or(|only| only.contains(&h.code));
    let mut work: Vec<(Submission, Planted)> = Vec::new();
    for (year, roster, members) in &rosters {
        let mut planted: BTreeMap<usize, Planted> = BTreeMap::new();
        for (slot, rows, error) in plant_errors(&enrolling_heis, *year, &config.years) {
            if wanted(enrolling_heis[slot]) {
                planted.insert(slot, rows);
                summary.deliberate_errors.extend(error);
            }
        }
        let mut start = 0;
        let mut staff_start = 0;
        for (slot, hei) in enrolling_heis.iter().enumerate() {
            let end = start + roster.students[start..].iter().take_while(|s| s.hei == hei.code).count();
            let staff_end = staff_start + members[staff_start..].iter().take_while(|m| m.hei == hei.code).count();
            if wanted(hei) {
                let index = heis.iter().position(|h| h.code == hei.code).unwrap_or(0);
                work.push((
                    Submission {
                        hei,
                        index,
                        year: *year,
                        students: &roster.students[start..end],
                        staff: &members[staff_start..staff_end],
                        mobility: mobility.iter().filter(|r| r.hei == hei.code && r.year == *year).collect(),
                    },
                    planted.remove(&slot).unwrap_or_default(),
                ));
            }
            start = end;
            staff_start = staff_end;
        }
    }
    let written: Vec<Result<(i32, &'static str, Written), GenerateError>> =
        work.into_par_iter().map(|(sub, planted)| write_submission(config, &sub, planted).map(|w| (sub.year, sub.hei.region.as_str(), w))).collect();
    let mut by_region: BTreeMap<i32, BTreeMap<&'static str, u64>> = BTreeMap::new();
    for w in written {
        let (year, region, w) = w?;
        summary.files += w.files;
        summary.students += w.students;
        summary.staff += w.staff;
        summary.mobility_episodes += w.mobility_episodes;
        summary.staff_exchanges += w.staff_exchanges;
        *by_region.entry(year).or_default().entry(region).or_default() += w.students_not_preparatory;
    }
    if let Some(hei) = enrolling_heis.get(3).filter(|h| wanted(h)) {
        summary.deliberate_errors.push(write_corrupt_file(&config.out, hei, *config.years.end())?);
        summary.files += 1;
    }

    // The bureau's population and the TVET students, chosen for the gross enrollment ratios.
    let mut population_tables = Vec::new();
    let mut tvet_rows = Vec::new();
    for year in config.years.clone() {
        let students = by_region.remove(&year).unwrap_or_default();
        // The ratios are calibrated on the whole country only (a sample has a few universities).
        let files = region_files(year, &students, config.scale, config.only.is_none()).map_err(GenerateError::Calibration)?;
        population_tables.push(Table {
            family: Family::Population,
            keys: vec!["year", "region", "age", "gender", "population"],
            rows: files
                .population
                .iter()
                .map(|p| vec![Val::Num(f64::from(p.year)), text(p.region), Val::Num(f64::from(p.age)), text(p.gender), Val::Num(p.population as f64)])
                .collect(),
            total_of: None,
            sheet: Some(format!("population_{year}")),
        });
        tvet_rows.extend(files.tvet.iter().map(|(y, r, n)| vec![Val::Text(format!("{y}-{}", y + 1)), Val::Text(region_name(r)), Val::Num(*n as f64)]));
    }
    let bureau = config.out.join("bureau");
    std::fs::create_dir_all(&bureau).map_err(write_error(&bureau))?;
    let population_path = bureau.join("population.xlsx");
    write_workbook(&population_path, &population_tables, Style::PlainEnglish).map_err(write_error(&population_path))?;
    let tvet_path = ministry.join("tvet_students.csv");
    let tvet = Table { family: Family::TvetStudents, keys: vec!["academic_year", "region", "students"], rows: tvet_rows, total_of: None, sheet: None };
    write_csv_1251(&tvet_path, &tvet).map_err(write_error(&tvet_path))?;
    summary.files += 2;
    summary.decisions.push(format!(
        "population and TVET students: synthetic, chosen so that the gross enrollment ratios of 2023 come out as published; \
         every file is marked: {SYNTHETIC_NOTE}"
    ));
    Ok(summary)
}

/// A region as the ministry types it: its name.
fn region_name(code: &str) -> String {
    code_lists().regions().iter().find(|r| r.code == code).map_or(code.to_string(), |r| r.name_en.to_string())
}
