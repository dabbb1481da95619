//! Property test of the base tables: random small staging sets (proptest, seeded by its own
//! configuration so a failure replays), every base table of `hestat_transform::base` computed
//! by the polars plans and a second time here by a plain loop over the records, compared cell
//! by cell (same cells, same values; no cell missing, none extra).

use std::collections::BTreeMap;
use std::path::Path;

use hestat_contract::codes::code_lists;
use hestat_transform::indicators::base::{Subject, BASE_TABLES};
use hestat_transform::produced_cells;
use hestat_transform::staging::Staging;
use hestat_transform::compute;
use polars::prelude::*;
use proptest::prelude::*;
use proptest::sample::select;

mod staging_files;
use staging_files::write;

const HEIS: [(&str, &str, &str); 4] = [("H1", "KZ-75", "national"), ("H2", "KZ-10", "state"), ("H3", "KZ-71", "private"), ("H4", "KZ-75", "jsc")];
const LEVELS: [&str; 4] = ["bachelor", "master", "doctoral", "preparatory"];
const FIELDS: [&str; 4] = ["01", "04", "07", "10"];
const FUNDING: [&str; 3] = ["state_grant", "paid", "local_budget"];
const QUOTAS: [&str; 4] = ["", "none", "rural", "orphan"];
const GENDERS: [&str; 2] = ["F", "M"];
const COUNTRIES: [&str; 6] = ["KAZ", "TUR", "KGZ", "CHN", "DEU", "USA"];
const GROUPS: [&str; 3] = ["", "I", "II"];

#[derive(Debug, Clone)]
struct Student {
    year: i32,
    hei: usize,
    gender: &'static str,
    birth_year: i32,
    citizenship: &'static str,
    level: &'static str,
    field: &'static str,
    study_year: i32,
    funding: &'static str,
    quota: &'static str,
    sen: bool,
    group: &'static str,
}

#[derive(Debug, Clone)]
struct Episode {
    year: i32,
    hei: usize,
    direction: &'static str,
    participant: &'static str,
    country: &'static str,
    level: &'static str,
    field: &'static str,
    funding_source: &'static str,
    mode: &'static str,
    mobility_type: &'static str,
    count: i64,
}

#[derive(Debug, Clone)]
struct Member {
    year: i32,
    hei: usize,
    gender: &'static str,
    degree: &'static str,
    title: &'static str,
}

#[derive(Debug, Clone)]
struct Grant {
    year: i32,
    level: &'static str,
    field: &'static str,
    quota: &'static str,
    grants: i64,
}

#[derive(Debug, Clone)]
struct Resident {
    year: i32,
    region: &'static str,
    age: i32,
    gender: &'static str,
    population: i64,
}

#[derive(Debug, Clone)]
struct Dataset {
    students: Vec<Student>,
    mobility: Vec<Episode>,
    staff: Vec<Member>,
    grants: Vec<Grant>,
    population: Vec<Resident>,
    tvet: Vec<(i32, &'static str, i64)>,
}

fn student() -> impl Strategy<Value = Student> {
    (
        (select(vec![2023, 2024]), 0..HEIS.len(), select(GENDERS.to_vec()), 1995..2008i32, select(COUNTRIES.to_vec()), select(LEVELS.to_vec())),
        (select(FIELDS.to_vec()), 1..5i32, select(FUNDING.to_vec()), select(QUOTAS.to_vec()), any::<bool>(), select(GROUPS.to_vec())),
    )
        .prop_map(|((year, hei, gender, birth_year, citizenship, level), (field, study_year, funding, quota, sen, group))| Student {
            year,
            hei,
            gender,
            birth_year,
            citizenship,
            level,
            field: if level == "preparatory" { "" } else { field },
            study_year,
            funding,
            quota,
            sen,
            // A disability group requires SEN (ingestion enforces it).
            group: if sen { group } else { "" },
        })
}

fn episode() -> impl Strategy<Value = Episode> {
    (
        (select(vec![2023, 2024]), 0..HEIS.len(), select(vec!["incoming", "outgoing"]), select(vec!["student", "staff"]), select(COUNTRIES[1..].to_vec())),
        (select(LEVELS[..3].to_vec()), select(FIELDS.to_vec()), select(vec!["mutual_exchange", "own_funds", "erasmus"]), select(vec!["online", "offline"]), select(vec!["credit", "internship"]), 1..4i64),
    )
        .prop_map(|((year, hei, direction, participant, country), (level, field, funding_source, mode, mobility_type, count))| Episode {
            year,
            hei,
            direction,
            participant,
            country,
            level: if participant == "staff" { "none" } else { level },
            field,
            funding_source,
            mode,
            mobility_type,
            count,
        })
}

fn dataset() -> impl Strategy<Value = Dataset> {
    let member = (select(vec![2023, 2024]), 0..HEIS.len(), select(GENDERS.to_vec()), select(vec!["phd", "candidate", "none"]), select(vec!["none", "docent", "professor"]))
        .prop_map(|(year, hei, gender, degree, title)| Member { year, hei, gender, degree, title });
    let grant = (select(vec![2023, 2024]), select(LEVELS[..3].to_vec()), select(FIELDS.to_vec()), select(QUOTAS[1..].to_vec()), 0..500i64)
        .prop_map(|(year, level, field, quota, grants)| Grant { year, level, field, quota, grants });
    let resident = (select(vec![2023, 2024]), select(vec!["KZ-75", "KZ-10", "KZ-71"]), 17..23i32, select(GENDERS.to_vec()), 0..1000i64)
        .prop_map(|(year, region, age, gender, population)| Resident { year, region, age, gender, population });
    let tvet = (select(vec![2023, 2024]), select(vec!["KZ-75", "KZ-10"]), 0..100i64);
    (
        prop::collection::vec(student(), 1..40),
        prop::collection::vec(episode(), 1..30),
        prop::collection::vec(member, 1..20),
        prop::collection::vec(grant, 1..15),
        prop::collection::vec(resident, 1..15),
        prop::collection::vec(tvet, 1..6),
    )
        .prop_map(|(students, mobility, staff, grants, population, tvet)| Dataset { students, mobility, staff, grants, population, tvet })
}

// ---- staging, as ingestion writes it ------------------------------------------------------


fn text<T>(name: &str, rows: &[T], f: impl Fn(&T) -> &'static str) -> Column {
    Column::new(name.into(), rows.iter().map(|r| Some(f(r)).filter(|v| !v.is_empty())).collect::<Vec<Option<&str>>>())
}

fn int<T>(name: &str, rows: &[T], f: impl Fn(&T) -> i64) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<i64>>())
}

fn int32<T>(name: &str, rows: &[T], f: impl Fn(&T) -> i32) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<i32>>())
}

fn flag<T>(name: &str, rows: &[T], f: impl Fn(&T) -> bool) -> Column {
    Column::new(name.into(), rows.iter().map(f).collect::<Vec<bool>>())
}

/// Writes each family's records, one partition a year.
fn write_staging(root: &Path, d: &Dataset) {
    write(root, "hei", None, vec![
        Column::new("hei_code".into(), HEIS.iter().map(|h| h.0).collect::<Vec<_>>()),
        Column::new("region".into(), HEIS.iter().map(|h| h.1).collect::<Vec<_>>()),
        Column::new("legal_form".into(), HEIS.iter().map(|h| h.2).collect::<Vec<_>>()),
    ]);
    for year in [2023, 2024] {
        let s: Vec<&Student> = d.students.iter().filter(|r| r.year == year).collect();
        if !s.is_empty() {
            write(root, "students", Some(("academic_year", year)), vec![
                text("hei_code", &s, |r| HEIS[r.hei].0),
                text("gender", &s, |r| r.gender),
                int32("birth_year", &s, |r| r.birth_year),
                text("citizenship", &s, |r| r.citizenship),
                text("level", &s, |r| r.level),
                text("field_code", &s, |r| r.field),
                int32("study_year", &s, |r| r.study_year),
                text("funding", &s, |r| r.funding),
                text("grant_quota", &s, |r| r.quota),
                flag("admitted", &s, |r| r.study_year == 1),
                flag("sen", &s, |r| r.sen),
                text("disability_group", &s, |r| r.group),
                flag("low_income", &s, |_| false),
                flag("large_family", &s, |_| false),
                flag("dormitory", &s, |_| false),
                text("study_form", &s, |_| "full_time"),
                text("language", &s, |_| "kk"),
            ]);
        }
        let m: Vec<&Episode> = d.mobility.iter().filter(|r| r.year == year).collect();
        if !m.is_empty() {
            write(root, "mobility", Some(("year", year)), vec![
                text("hei_code", &m, |r| HEIS[r.hei].0),
                text("direction", &m, |r| r.direction),
                text("participant", &m, |r| r.participant),
                text("country", &m, |r| r.country),
                text("level", &m, |r| r.level),
                text("field_code", &m, |r| r.field),
                text("funding_source", &m, |r| r.funding_source),
                text("mode", &m, |r| r.mode),
                text("mobility_type", &m, |r| r.mobility_type),
                flag("sen", &m, |_| false),
                int("count", &m, |r| r.count),
            ]);
        }
        let st: Vec<&Member> = d.staff.iter().filter(|r| r.year == year).collect();
        if !st.is_empty() {
            write(root, "staff", Some(("academic_year", year)), vec![
                text("hei_code", &st, |r| HEIS[r.hei].0),
                text("gender", &st, |r| r.gender),
                text("degree", &st, |r| r.degree),
                text("title", &st, |r| r.title),
            ]);
        }
        let g: Vec<&Grant> = d.grants.iter().filter(|r| r.year == year).collect();
        if !g.is_empty() {
            write(root, "state_order", Some(("academic_year", year)), vec![
                text("level", &g, |r| r.level),
                text("field_code", &g, |r| r.field),
                text("quota", &g, |r| r.quota),
                int("grants", &g, |r| r.grants),
            ]);
        }
        let p: Vec<&Resident> = d.population.iter().filter(|r| r.year == year).collect();
        if !p.is_empty() {
            write(root, "population", Some(("year", year)), vec![
                text("region", &p, |r| r.region),
                int32("age", &p, |r| r.age),
                text("gender", &p, |r| r.gender),
                int("population", &p, |r| r.population),
            ]);
        }
        let t: Vec<&(i32, &str, i64)> = d.tvet.iter().filter(|r| r.0 == year).collect();
        if !t.is_empty() {
            write(root, "tvet_students", Some(("academic_year", year)), vec![text("region", &t, |r| r.1), int("students", &t, |r| r.2)]);
        }
    }
}

// ---- the same tables, by a loop ---------------------------------------------------------------

/// A record of a subject: its value of every dimension (absent: null), and its weight.
type Record = (BTreeMap<&'static str, String>, i64);

fn of_hei(hei: usize, dims: &mut BTreeMap<&'static str, String>) {
    dims.insert("hei_code", HEIS[hei].0.into());
    dims.insert("region_code", HEIS[hei].1.into());
    dims.insert("legal_form", HEIS[hei].2.into());
}

fn records(d: &Dataset, subject: Subject) -> Vec<Record> {
    let mut out = Vec::new();
    match subject {
        Subject::Students | Subject::SenStudents => {
            for s in d.students.iter().filter(|s| subject == Subject::Students || s.sen) {
                let mut m = BTreeMap::new();
                of_hei(s.hei, &mut m);
                m.insert("academic_year", s.year.to_string());
                m.insert("gender", s.gender.into());
                m.insert("country_iso3", s.citizenship.into());
                m.insert("level", s.level.into());
                if !s.field.is_empty() {
                    m.insert("field_code", s.field.into());
                }
                m.insert("funding", s.funding.into());
                m.insert("quota", if s.quota.is_empty() { "none" } else { s.quota }.into());
                m.insert("disability_group", if s.group.is_empty() { "none" } else { s.group }.into());
                m.insert("study_year", s.study_year.to_string());
                m.insert("age", (s.year - s.birth_year).to_string());
                out.push((m, 1));
            }
        }
        Subject::Mobility => {
            for e in &d.mobility {
                let mut m = BTreeMap::new();
                of_hei(e.hei, &mut m);
                m.insert("year", e.year.to_string());
                for (k, v) in [("direction", e.direction), ("participant", e.participant), ("country_iso3", e.country), ("level", e.level), ("field_code", e.field), ("funding_source", e.funding_source), ("mode", e.mode), ("mobility_type", e.mobility_type)] {
                    m.insert(k, v.to_string());
                }
                m.insert("world_region", code_lists().country(e.country).map(|c| c.world_region.to_string()).unwrap_or_default());
                out.push((m, e.count));
            }
        }
        Subject::Staff => {
            for s in &d.staff {
                let mut m = BTreeMap::new();
                of_hei(s.hei, &mut m);
                m.insert("academic_year", s.year.to_string());
                m.insert("gender", s.gender.into());
                m.insert("degree", s.degree.into());
                m.insert("title", s.title.into());
                out.push((m, 1));
            }
        }
        Subject::Grants => {
            for g in &d.grants {
                let m = BTreeMap::from([("academic_year", g.year.to_string()), ("level", g.level.into()), ("field_code", g.field.into()), ("quota", g.quota.into())]);
                out.push((m, g.grants));
            }
        }
        Subject::Institutions => {
            for (_, region, form) in HEIS {
                out.push((BTreeMap::from([("region_code", region.to_string()), ("legal_form", form.to_string())]), 1));
            }
        }
        Subject::Population => {
            for p in &d.population {
                let m = BTreeMap::from([("year", p.year.to_string()), ("region_code", p.region.into()), ("age", p.age.to_string()), ("gender", p.gender.into())]);
                out.push((m, p.population));
            }
        }
        Subject::TvetStudents => {
            for (year, region, students) in &d.tvet {
                out.push((BTreeMap::from([("academic_year", year.to_string()), ("region_code", region.to_string())]), *students));
            }
        }
    }
    out
}

/// A base table by the loop: every record adds its weight to its own cell and to every cell
/// where some of its dimensions read `Total`.
fn by_loop(d: &Dataset, dims: &[&'static str], totals: &[&'static str], subject: Subject) -> BTreeMap<BTreeMap<String, String>, f64> {
    let mut cells: BTreeMap<BTreeMap<String, String>, f64> = BTreeMap::new();
    for (values, weight) in records(d, subject) {
        for mask in 0u32..(1 << totals.len()) {
            let key = dims
                .iter()
                .map(|dim| {
                    let summed = totals.iter().position(|t| t == dim).is_some_and(|i| mask & (1 << i) != 0);
                    let value = if summed { "Total".to_string() } else { values.get(dim).cloned().unwrap_or_default() };
                    (dim.to_string(), value)
                })
                .collect();
            *cells.entry(key).or_default() += weight as f64;
        }
    }
    cells
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn every_base_table_equals_a_plain_loop_over_the_records(d in dataset()) {
        let tmp = tempfile::tempdir().unwrap();
        write_staging(tmp.path(), &d);
        let (tables, not_produced) = compute(&Staging::new(tmp.path())).unwrap();
        let produced = produced_cells(&tables);
        for table in BASE_TABLES {
            prop_assert!(!not_produced.iter().any(|(id, _)| *id == table.id), "{} not produced: {:?}", table.id, not_produced);
            let expected = by_loop(&d, table.dims, &table.totals(), table.subject);
            let got = produced.get(table.id).cloned().unwrap_or_default();
            let missing: Vec<_> = expected.iter().filter(|(k, v)| got.get(*k) != Some(v)).take(3).collect();
            let extra: Vec<_> = got.iter().filter(|(k, _)| !expected.contains_key(*k)).take(3).collect();
            prop_assert!(missing.is_empty() && extra.is_empty(), "{}: expected but not produced (or another value): {:?}; produced but not expected: {:?}", table.id, missing, extra);
        }
    }
}

#[test]
fn the_base_tables_are_listed_in_the_transform_document() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/transform.md")).unwrap();
    let start = doc.find("<!-- base tables: generated by hestat_transform::indicators::base::base_tables_markdown -->\n").expect("the start marker");
    let end = doc.find("<!-- end of base tables -->").expect("the end marker");
    let listed = &doc[start..end];
    let listed = &listed[listed.find('\n').unwrap() + 1..];
    assert_eq!(listed, hestat_transform::indicators::base::base_tables_markdown(), "docs/transform.md: paste base_tables_markdown() between the markers");
}
