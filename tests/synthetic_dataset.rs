//! The synthetic dataset, end to end: generate the national dataset at scale 1, ingest it
//! with hestat's own ingestion, and compare the staged records with the published figures of
//! the reference copy in `data/`, cell by cell; check that the validation report lists
//! exactly the planted errors; check determinism.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hestat_contract::codes::code_lists;
use hestat_ingest::{ingest, IngestConfig, IngestSummary, Limits, PersonIdHasher, Severity};
use hestat_reference::{count, field, published, published_count};
use hestat_synthetic::{generate, GenerateConfig, GenerateSummary};
use polars::prelude::*;

/// The national dataset, generated and ingested once for all tests of this file (under
/// cargo's temporary folder for integration tests).
struct National {
    out: PathBuf,
    generated: GenerateSummary,
    ingested: IngestSummary,
}

fn national() -> &'static National {
    static NATIONAL: OnceLock<National> = OnceLock::new();
    NATIONAL.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("synthetic-national");
        let _ = std::fs::remove_dir_all(&root);
        let (input, out) = (root.join("in"), root.join("out"));
        let generated = generate(&GenerateConfig::national(input.clone(), 42)).expect("generate");
        let config = IngestConfig { input, out: out.clone(), limits: Limits::default(), hasher: PersonIdHasher::new(b"synthetic-test-key!"), reuse: None };
        let ingested = ingest(&config, &()).expect("ingest");
        National { out, generated, ingested }
    })
}

/// A staged partition as a data frame.
fn staged(family: &str, key: &str, year: i32) -> DataFrame {
    let path = national().out.join(format!("staging/{family}/{key}={year}/part-0.parquet"));
    ParquetReader::new(std::fs::File::open(&path).unwrap()).finish().unwrap()
}

/// Rows of `df` where `predicate` holds.
fn rows(df: &DataFrame, predicate: Expr) -> u64 {
    df.clone().lazy().filter(predicate).collect().unwrap().height() as u64
}

/// (year, direction, country) → persons, from the staged mobility records.
fn staged_mobility() -> BTreeMap<(i32, String, String, String), u64> {
    let mut totals = BTreeMap::new();
    for year in 2021..=2024 {
        let df = staged("mobility", "year", year);
        let df = df.filter(&df.column("participant").unwrap().str().unwrap().equal("student")).unwrap();
        let direction = df.column("direction").unwrap().str().unwrap().clone();
        let country = df.column("country").unwrap().str().unwrap().clone();
        let funding = df.column("funding_source").unwrap().str().unwrap().clone();
        let persons = df.column("count").unwrap().i64().unwrap().clone();
        for i in 0..df.height() {
            let key = (year, direction.get(i).unwrap().to_string(), country.get(i).unwrap_or("").to_string(), funding.get(i).unwrap().to_string());
            *totals.entry(key).or_default() += persons.get(i).unwrap() as u64;
        }
    }
    totals
}

fn sum_where(staged: &BTreeMap<(i32, String, String, String), u64>, keep: impl Fn(&(i32, String, String, String)) -> bool) -> u64 {
    staged.iter().filter(|(k, _)| keep(k)).map(|(_, n)| n).sum()
}

fn contract_direction(report: &str) -> &'static str {
    if report == "inbound" {
        "incoming"
    } else {
        "outgoing"
    }
}

#[test]
fn student_mobility_reproduces_the_published_tables() {
    let national = national();
    assert_eq!(national.generated.mobility_episodes, 1971 + 1582 + 1226 + 1207 + 3246 + 3613 + 4426 + 4416);
    assert_eq!(national.ingested.staged_rows.iter().find(|(f, _)| f.name() == "hei").map(|(_, n)| *n), Some(122));
    let staged = staged_mobility();

    // Table 6.1.1: totals by year and direction.
    for row in published("table_6_1_1") {
        let (year, direction) = (field(&row, "year").parse::<i32>().unwrap(), contract_direction(field(&row, "direction")));
        assert_eq!(sum_where(&staged, |k| k.0 == year && k.1 == direction), count(&row), "Table 6.1.1 {row:?}");
    }
    // Tables 6.1.6 and 6.1.13: world regions, every year.
    for table in ["table_6_1_6", "table_6_1_13"] {
        for row in published(table).into_iter().filter(|r| field(r, "year") != "Total" && field(r, "region") != "Total") {
            let (year, direction, region) = (field(&row, "year").parse::<i32>().unwrap(), contract_direction(field(&row, "direction")), field(&row, "region"));
            let produced = sum_where(&staged, |k| {
                k.0 == year && k.1 == direction && code_lists().country(&k.2).is_some_and(|c| c.world_region == region)
            });
            assert_eq!(produced, count(&row), "{table} {year} {direction} {region}");
        }
    }
    // Country tables: every published country cell, except those that contradict their own
    // region total (inconsistency A4: Southeast Asia inbound 2022, 240 printed vs 233).
    let mut exceptions = Vec::new();
    for table in ["table_6_1_3", "table_6_1_4", "table_6_1_5", "table_6_1_9", "table_6_1_10", "table_6_1_11", "table_6_1_12"] {
        for row in published(table).into_iter().filter(|r| field(r, "country") != "Total" && field(r, "year") != "Total") {
            let year = field(&row, "year").parse::<i32>().unwrap();
            let direction = contract_direction(field(&row, "direction"));
            let iso3 = match field(&row, "iso3") {
                "" => code_lists().country(field(&row, "country")).map(|c| c.iso3).unwrap().to_string(),
                code => code.to_string(),
            };
            let produced = sum_where(&staged, |k| k.0 == year && k.1 == direction && k.2 == iso3);
            if produced != count(&row) {
                exceptions.push((table, year, iso3, count(&row), produced));
            }
        }
    }
    assert!(
        exceptions.iter().all(|(table, year, _, _, _)| *table == "table_6_1_4" && *year == 2022),
        "{exceptions:?}"
    );
    let trimmed: u64 = exceptions.iter().map(|(_, _, _, published, produced)| published - produced).sum();
    assert_eq!(trimmed, 240 - 233);
    // Table 6.1.14: outbound funding sources.
    let codes = [
        ("Student's own funds", "own_funds"), ("State budget", "state_budget"), ("University funds", "university"),
        ("Erasmus+", "erasmus"), ("Other Kazakhstani", "other_programs"), ("Mutual exchange", "mutual_exchange"),
        ("Foreign (partner)", "foreign_university"), ("Ministry of Culture", "other_ministries"),
    ];
    for row in published("table_6_1_14").into_iter().filter(|r| field(r, "funding_source") != "Total") {
        let year = field(&row, "year").parse::<i32>().unwrap();
        let code = codes.iter().find(|(p, _)| field(&row, "funding_source").starts_with(p)).unwrap().1;
        assert_eq!(sum_where(&staged, |k| k.0 == year && k.1 == "outgoing" && k.3 == code), count(&row), "Table 6.1.14 {row:?}");
    }
}

fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut all = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                all.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    all
}

/// A small dataset (every year, a few universities, a twentieth of the students).
fn small(out: &Path, seed: u64) -> GenerateSummary {
    let only = Some(["HEI001", "HEI002", "HEI003", "HEI004", "HEI006", "HEI030"].map(String::from).to_vec());
    generate(&GenerateConfig { out: out.to_path_buf(), years: 2021..=2024, seed, scale: 0.05, only }).unwrap()
}

#[test]
fn the_same_seed_writes_byte_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    small(&a, 7);
    small(&b, 7);
    small(&c, 8);
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    let names: Vec<String> = fa.keys().map(|p| p.to_string_lossy().replace('\\', "/")).collect();
    for expected in ["ministry/hei_registry.xlsx", "ministry/state_order.xlsx", "ministry/tvet_students.csv", "bureau/population.xlsx", "universities/HEI004/HEI004_2024_upload_interrupted.xlsx"] {
        assert!(names.iter().any(|n| n == expected), "{expected} in {names:?}");
    }
    for year in 2021..=2024 {
        for hei in ["HEI001", "HEI002", "HEI003", "HEI006", "HEI030"] {
            assert!(names.contains(&format!("universities/{hei}/{hei}_{year}.xlsx")), "{hei} {year}");
        }
        for family in ["students", "staff"] {
            assert!(names.contains(&format!("universities/HEI004/HEI004_{year}_{family}.csv")), "HEI004 {year} {family}");
        }
    }
    assert!(names.iter().all(|n| n.starts_with("ministry/") || n.starts_with("bureau/") || ["HEI001", "HEI002", "HEI003", "HEI004", "HEI006", "HEI030"].iter().any(|h| n.starts_with(&format!("universities/{h}/")))), "only the universities asked for");
    assert_eq!(fa, fb, "same seed, same bytes");
    assert_ne!(fa, fc, "another seed, other files");
}

#[test]
fn the_2024_running_text_splits_of_student_mobility_hold() {
    let all = staged("mobility", "year", 2024);
    let persons = |direction: &str, column: &str, value: &str| -> u64 {
        let df = all
            .clone()
            .lazy()
            .filter(col("participant").eq(lit("student")).and(col("direction").eq(lit(direction))).and(col(column).eq(lit(value))))
            .collect()
            .unwrap();
        df.column("count").unwrap().i64().unwrap().sum().unwrap_or(0) as u64
    };
    assert_eq!((persons("outgoing", "mode", "online"), persons("outgoing", "mode", "offline")), (464, 3_952));
    assert_eq!((persons("incoming", "mode", "online"), persons("incoming", "mode", "offline")), (217, 990));
    assert_eq!(
        ["credit", "double_degree", "summer_school", "internship"].map(|t| persons("outgoing", "mobility_type", t)),
        [4_100, 83, 60, 173]
    );
    assert_eq!(["credit", "summer_school", "internship"].map(|t| persons("incoming", "mobility_type", t)), [1_153, 14, 40]);
    assert_eq!(["bachelor", "master", "doctoral"].map(|l| persons("outgoing", "level", l)), [3_840, 382, 41]);
    for (table, direction) in [("text_6_1_inbound_by_field_2024", "incoming"), ("text_6_1_outbound_by_field_2024", "outgoing")] {
        for row in published(table).into_iter().filter(|r| field(r, "country") == "Total") {
            assert_eq!(persons(direction, "field_code", field(&row, "field_code")), count(&row), "{table} {row:?}");
        }
    }
}

#[test]
fn the_state_order_reproduces_the_published_grants() {
    let grants = |year: i32| {
        let df = staged("state_order", "academic_year", year);
        let text = |c: &str| df.column(c).unwrap().str().unwrap().iter().map(|v| v.unwrap().to_string()).collect::<Vec<_>>();
        let (level, field_code, quota) = (text("level"), text("field_code"), text("quota"));
        let n: Vec<u64> = df.column("grants").unwrap().i64().unwrap().iter().map(|v| v.unwrap() as u64).collect();
        move |keep: &dyn Fn(&str, &str, &str) -> bool| (0..n.len()).filter(|&i| keep(&level[i], &field_code[i], &quota[i])).map(|i| n[i]).sum::<u64>()
    };
    let g2024 = grants(2024);
    assert_eq!(g2024(&|_, _, _| true), 94_251);
    assert_eq!(g2024(&|l, _, _| l == "bachelor"), 78_219);
    assert_eq!(g2024(&|l, _, _| l == "master"), 13_113);
    assert_eq!(g2024(&|l, _, _| l == "doctoral"), 2_919);
    for (quota, published) in [("orphan", 412), ("disability", 382), ("large_family", 3_576), ("single_parent", 933),
        ("disabled_child_family", 437), ("kandas", 1_604), ("targeted_regional", 5_000)] {
        assert_eq!(g2024(&|_, _, q| q == quota), published, "{quota}");
    }
    // Figure 2.2.1: grants for pedagogical specialties (field 01), every year generated.
    for (year, published) in [(2021, 11_323), (2022, 15_273), (2023, 15_923), (2024, 15_973)] {
        assert_eq!(grants(year)(&|_, f, _| f == "01"), published, "{year}");
    }
    assert_eq!(grants(2023)(&|_, _, q| q == "kandas"), 804);
}

fn text_value(table: &str, period: &str, indicator: &str, category: &str) -> u64 {
    published_count(table, &[("period", period), ("indicator", indicator), ("category", category)]).unwrap_or_else(|| panic!("{table} has no {period} {indicator} {category}"))
}

/// hei_code → (region, legal form), from the staged registry.
fn registry() -> BTreeMap<String, (String, String)> {
    let df = ParquetReader::new(std::fs::File::open(national().out.join("staging/hei/part-0.parquet")).unwrap()).finish().unwrap();
    let text = |c: &str| df.column(c).unwrap().str().unwrap().iter().map(|v| v.unwrap().to_string()).collect::<Vec<_>>();
    let (code, region, form) = (text("hei_code"), text("region"), text("legal_form"));
    (0..code.len()).map(|i| (code[i].clone(), (region[i].clone(), form[i].clone()))).collect()
}

fn heis_in(regions: &[&str]) -> Expr {
    let codes: Vec<String> = registry().into_iter().filter(|(_, (r, _))| regions.contains(&r.as_str())).map(|(c, _)| c).collect();
    one_of("hei_code", &codes)
}

/// `column` equals one of `values` (the `is_in` feature of polars is not compiled in).
fn one_of<S: AsRef<str>>(column: &str, values: &[S]) -> Expr {
    values.iter().fold(lit(false), |any, v| any.or(col(column).eq(lit(v.as_ref()))))
}

#[test]
fn the_2024_students_reproduce_the_published_totals() {
    let s = staged("students", "academic_year", 2024);
    assert_eq!(s.height() as u64, text_value("text_8_2_sen_students", "2024", "students_total_103_civilian_heis", "Total"));
    assert_eq!(s.height(), 625_990);
    assert_eq!(rows(&s, col("admitted")), text_value("text_3_2_students_admissions", "2024", "student_admissions", "Total"));
    assert_eq!(rows(&s, col("admitted").and(col("funding").eq(lit("state_grant")))), 90_880);
    assert_eq!(rows(&s, col("funding").eq(lit("state_grant"))), text_value("text_3_2_students_admissions", "2024-2025", "students", "State order"));
    assert_eq!(rows(&s, col("dormitory")), text_value("text_8_2_inclusive_conditions", "2024", "students_in_dormitories", "Total"));
    let heis_with_students = s.column("hei_code").unwrap().n_unique().unwrap();
    assert_eq!(heis_with_students, 103, "the report's 103 civilian HEIs");
    // Figure 3.2.3 (text): the three cities, published rounded to hundreds.
    for row in published("text_3_2_students_by_region") {
        assert_eq!(rows(&s, heis_in(&[field(&row, "region_code")])), count(&row), "{row:?}");
    }
}

#[test]
fn foreign_students_reproduce_figures_6_1_3_6_1_8_and_tables_6_1_15_6_1_16() {
    let foreign = col("citizenship").neq(lit("KAZ"));
    for row in published("figure_6_1_3") {
        let year: i32 = field(&row, "year").parse().unwrap();
        let s = staged("students", "academic_year", year);
        assert_eq!(rows(&s, foreign.clone()), count(&row), "Figure 6.1.3 {year}");
        let budget = published("table_6_1_16").into_iter().find(|r| field(r, "year") == year.to_string() && field(r, "funding_source") == "State budget").unwrap();
        assert_eq!(rows(&s, foreign.clone().and(col("funding").neq(lit("paid")))), count(&budget), "Table 6.1.16 {year}");
        assert_eq!(rows(&s, foreign.clone().and(col("funding").eq(lit("paid")))), count(&row) - count(&budget), "Table 6.1.16 {year}");
    }
    let s = staged("students", "academic_year", 2024);
    // Figure 6.1.8, read with the regions before 2022 (Abai in East Kazakhstan, Zhetysu in
    // Almaty Region, Ulytau in Karaganda; the two ambiguous labels as West and North Kazakhstan).
    for row in published("figure_6_1_8") {
        let regions: Vec<&str> = match (field(&row, "region_code"), field(&row, "region_label_published")) {
            ("", "3КО") => vec!["KZ-27"],
            ("", _) => vec!["KZ-59"],
            ("KZ-63", _) => vec!["KZ-63", "KZ-10"],
            ("KZ-19", _) => vec!["KZ-19", "KZ-33"],
            ("KZ-35", _) => vec!["KZ-35", "KZ-62"],
            (code, _) => vec![code],
        };
        assert_eq!(rows(&s, foreign.clone().and(heis_in(&regions))), count(&row), "Figure 6.1.8 {row:?}");
    }
    // Table 6.1.15: foreign students and Indian citizens at 12 universities.
    let codes = [("West Kazakhstan Medical", "HEI092"), ("Kazakh National Medical", "HEI011"), ("Kazakh-Russian Medical", "HEI057"),
        ("Al-Farabi", "HEI006"), ("Caspian", "HEI071"), ("Kokshetau", "HEI037"), ("Astana Medical", "HEI042"), ("Karaganda Medical", "HEI034"),
        ("Semey", "HEI030"), ("North Kazakhstan", "HEI026"), ("University of International Business", "HEI077"), ("South Kazakhstan Medical", "HEI095")];
    for row in published("table_6_1_15").into_iter().filter(|r| field(r, "university") != "Total") {
        let code = codes.iter().find(|(name, _)| field(&row, "university").starts_with(name)).unwrap().1;
        let at = foreign.clone().and(col("hei_code").eq(lit(code)));
        let produced = match field(&row, "measure") {
            "foreign_students_total" => rows(&s, at),
            _ => rows(&s, at.and(col("citizenship").eq(lit("IND")))),
        };
        assert_eq!(produced, count(&row), "Table 6.1.15 {row:?}");
    }
    // The text: countries, fields, levels and years of study.
    for (_, iso3, n) in published("text_6_1_foreign_students").iter().filter(|r| field(r, "indicator") == "foreign_students" && !field(r, "iso3").is_empty() && matches!(field(r, "period"), "2023" | "2024")).map(|r| (field(r, "period").to_string(), field(r, "iso3").to_string(), count(r))).filter(|(p, _, _)| p == "2024") {
        assert_eq!(rows(&s, col("citizenship").eq(lit(iso3.as_str()))), n, "{iso3} 2024");
    }
    for row in published("text_6_1_foreign_students_by_field").into_iter().filter(|r| field(r, "year") == "2024") {
        let produced = match field(&row, "field_code") {
            "PREP" => rows(&s, foreign.clone().and(col("level").eq(lit("preparatory")))),
            code => rows(&s, foreign.clone().and(col("field_code").eq(lit(code)))),
        };
        assert_eq!(produced, count(&row), "{row:?}");
    }
    for (indicator, level) in [("foreign_students_bachelors_by_year_of_study", "bachelor"), ("foreign_students_masters_by_year_of_study", "master"), ("foreign_students_doctoral_by_year_of_study", "doctoral")] {
        for row in published("text_6_1_foreign_students").into_iter().filter(|r| field(r, "indicator") == indicator) {
            let year: i32 = field(&row, "category").trim_start_matches("Year ").parse().unwrap();
            assert_eq!(rows(&s, foreign.clone().and(col("level").eq(lit(level))).and(col("study_year").eq(lit(year)))), count(&row), "{row:?}");
        }
    }
    let cis = ["ARM", "AZE", "BLR", "KGZ", "MDA", "RUS", "TJK", "TKM", "UZB"];
    let in_cis = one_of("citizenship", &cis);
    assert_eq!(rows(&s, in_cis.clone()), text_value("text_6_1_foreign_students", "2024", "foreign_students_by_region_of_origin", "CIS"));
    let s23 = staged("students", "academic_year", 2023);
    assert_eq!(rows(&s23, in_cis), 12_769);
    assert_eq!(rows(&s23, col("citizenship").eq(lit("UZB"))), 6_721);
    assert_eq!(rows(&s23, foreign.clone().and(col("level").eq(lit("bachelor")))), 24_410);
    assert_eq!(rows(&s23, foreign.and(col("field_code").eq(lit("10")))), 12_229);
}

#[test]
fn sen_and_vulnerable_students_reproduce_tables_8_2_1_8_2_3_and_the_text() {
    let s = staged("students", "academic_year", 2024);
    let sen = col("sen");
    for row in published("table_8_2_1").into_iter().filter(|r| field(r, "measure") == "count") {
        let produced = match field(&row, "level") {
            "Total" => rows(&s, sen.clone()),
            label => rows(&s, sen.clone().and(col("level").eq(lit(label.trim_end_matches("'s").to_lowercase())))),
        };
        assert_eq!(produced, count(&row), "Table 8.2.1 {row:?}");
    }
    for (group, code) in [("Group I", "I"), ("Group II", "II"), ("Group III", "III")] {
        let published = text_value("text_8_2_sen_students", "2024", "students_with_disabilities_by_group", group);
        assert_eq!(rows(&s, sen.clone().and(col("disability_group").eq(lit(code)))), published, "Diagram 8.2.1 {group}");
    }
    for (category, code) in [("01 Education", "01"), ("09 Veterinary", "09"), ("06 Information and Communication Technologies", "06"), ("04 Business, Management and Law", "04")] {
        assert_eq!(rows(&s, sen.clone().and(col("field_code").eq(lit(code)))), text_value("text_8_2_sen_students", "2024", "sen_students_by_field", category));
    }
    assert_eq!(rows(&s, sen.clone().and(col("study_year").eq(lit(1)))), text_value("text_8_2_sen_students", "2024", "sen_students_by_year_of_study", "Year 1"));
    assert_eq!(rows(&s, sen.clone().and(col("dormitory"))), text_value("text_8_2_inclusive_conditions", "2024", "sen_students_in_dormitories", "Total"));
    // Table 8.2.3: categories (low-income, rural quota, large families) and the students.
    let rural = col("grant_quota").eq(lit("rural"));
    let vulnerable = col("low_income").or(col("large_family")).or(rural.clone());
    let category = |label: &str| published("table_8_2_3").into_iter().find(|r| field(r, "category") == label && field(r, "measure") == "count").map(|r| count(&r)).unwrap();
    assert_eq!(rows(&s, col("low_income")), category("Students from low-income families"));
    assert_eq!(rows(&s, rural), category("Students under the rural quota"));
    assert_eq!(rows(&s, col("large_family")), category("Students from large families"));
    assert_eq!(rows(&s, vulnerable.clone()), category("Total"), "the printed total counts students (A5: 3 are in two categories)");
    for row in published("text_8_2_vulnerable_by_field").into_iter().filter(|r| field(r, "measure") == "count") {
        assert_eq!(rows(&s, vulnerable.clone().and(col("field_code").eq(lit(field(&row, "field_code"))))), count(&row), "{row:?}");
    }
    assert_eq!(rows(&s, vulnerable.or(sen).and(col("dormitory"))), text_value("text_8_2_inclusive_conditions", "2024", "vulnerable_and_disabled_students_in_dormitories", "Total"));
}

#[test]
fn staff_shares_round_to_figures_3_3_1_and_3_3_2() {
    let staff = staged("staff", "academic_year", 2024);
    let total = staff.height() as f64;
    assert_eq!((total / 100.0).round() / 10.0, 37.6, "37.6 thousand");
    let share = |column: &str, code: &str| (rows(&staff, col(column).eq(lit(code))) as f64 * 10_000.0 / total).round() / 100.0;
    let published_share = |indicator: &str, category: &str| {
        published("text_3_3_faculty").into_iter().find(|r| field(r, "indicator") == indicator && field(r, "category") == category).map(|r| field(&r, "value").parse::<f64>().unwrap()).unwrap()
    };
    for (code, category) in [("candidate", "Candidate of Sciences"), ("doctor_of_sciences", "Doctor of Sciences"), ("phd", "PhD"), ("master", "Master's"), ("specialist", "Specialist")] {
        assert_eq!(share("degree", code), published_share("academic_teaching_staff_share_by_degree", category), "{code}");
    }
    for (code, category) in [("none", "No academic title"), ("associate_professor", "Associate Professor (dotsent)"), ("professor", "Professor"), ("docent", "Docent"), ("associate_professor_new", "Associate Professor (new qualification framework)"), ("professor_new", "Professor (new qualification framework)")] {
        assert_eq!(share("title", code), published_share("academic_teaching_staff_share_by_title", category), "{code}");
    }
}

#[test]
fn population_and_tvet_give_the_published_2023_gross_enrollment_ratios() {
    let registry = registry();
    let students = staged("students", "academic_year", 2023);
    let not_prep = students.filter(&students.column("level").unwrap().str().unwrap().not_equal("preparatory")).unwrap();
    let mut numerator: BTreeMap<String, u64> = BTreeMap::new();
    for hei in not_prep.column("hei_code").unwrap().str().unwrap().iter() {
        *numerator.entry(registry[hei.unwrap()].0.clone()).or_default() += 1;
    }
    let tvet = staged("tvet_students", "academic_year", 2023);
    for (region, n) in tvet.column("region").unwrap().str().unwrap().iter().zip(tvet.column("students").unwrap().i64().unwrap().iter()) {
        *numerator.entry(region.unwrap().to_string()).or_default() += n.unwrap() as u64;
    }
    let population = staged("population", "year", 2023);
    let mut denominator: BTreeMap<String, u64> = BTreeMap::new();
    let (regions, ages, counts) = (population.column("region").unwrap().str().unwrap(), population.column("age").unwrap().i32().unwrap(), population.column("population").unwrap().i64().unwrap());
    for i in 0..population.height() {
        if (18..=22).contains(&ages.get(i).unwrap()) {
            *denominator.entry(regions.get(i).unwrap().to_string()).or_default() += counts.get(i).unwrap() as u64;
        }
    }
    let ratio = |num: u64, den: u64| (num as f64 * 1000.0 / den as f64).round() / 10.0;
    let rows = published("table_3_4_1");
    assert_eq!(rows.len(), 7);
    for row in rows {
        let published: f64 = field(&row, "value").parse().unwrap();
        let produced = match field(&row, "region_code") {
            "KZ" => ratio(numerator.values().sum(), denominator.values().sum()),
            code => ratio(numerator[code], denominator[code]),
        };
        assert_eq!(produced, published, "{row:?}");
    }
}

#[test]
fn the_validation_report_lists_exactly_the_planted_errors() {
    let national = national();
    let mut errors: Vec<(&str, &str, &str, &str, &str, u32)> = national
        .ingested
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.file.as_str(), i.sheet.as_str(), i.column.as_str(), i.value.as_str(), i.rule.as_str(), i.rows))
        .collect();
    errors.sort();
    // An impossible year of study, one student submitted twice (both rows), a country that
    // does not exist, and a workbook cut in half: 4 rows quarantined and 1 file rejected.
    assert_eq!(
        errors,
        vec![
            ("universities/HEI001/HEI001_2024.xlsx", "students", "study_year", "9", "out_of_range", 1),
            ("universities/HEI002/HEI002_2024.xlsx", "students", "student_id", "HEI002-ERR-DUPLICATE", "duplicate_student", 1),
            ("universities/HEI002/HEI002_2024.xlsx", "students", "student_id", "HEI002-ERR-DUPLICATE", "duplicate_student", 1),
            ("universities/HEI003/HEI003_2024.xlsx", "mobility", "country", "Atlantis", "unknown_country", 1),
            ("universities/HEI004/HEI004_2024_upload_interrupted.xlsx", "", "", "", "corrupt_file", 0),
        ]
    );
    assert_eq!(national.ingested.files_rejected, 1);
    assert_eq!(national.ingested.accounts.iter().map(|a| a.quarantined).sum::<u64>(), 4);
    // The generator's own list agrees.
    let planted = &national.generated.deliberate_errors;
    assert_eq!(planted.iter().map(|p| p.rows).sum::<usize>(), 4);
    for p in planted {
        assert!(errors.iter().any(|e| e.0 == p.file && e.4 == p.rule), "{p:?} not reported: {errors:#?}");
    }
    let warnings: Vec<&str> = national.ingested.issues.iter().filter(|i| i.severity == Severity::Warning).map(|i| i.rule.as_str()).collect();
    assert!(warnings.is_empty(), "no warnings either: {warnings:?}");
}

#[test]
fn faculty_mobility_reproduces_tables_6_1_17_to_6_1_23() {
    let registry = registry();
    for year in [2023, 2024] {
        let all = staged("mobility", "year", year);
        let staff = all.filter(&all.column("participant").unwrap().str().unwrap().equal("staff")).unwrap();
        let persons = |predicate: Expr| -> u64 {
            let df = staff.clone().lazy().filter(predicate).collect().unwrap();
            df.column("count").unwrap().i64().unwrap().sum().unwrap_or(0) as u64
        };
        let of_year = |table: &str| published(table).into_iter().filter(move |r| field(r, "year") == year.to_string() && field(r, "measure") != "share");
        for row in of_year("table_6_1_17") {
            let form = match field(&row, "university_type") {
                "Total" => None,
                "Joint-stock" => Some("jsc".to_string()),
                other => Some(other.to_lowercase()),
            };
            let produced = match form {
                None => persons(lit(true)),
                Some(form) => {
                    let codes: Vec<&String> = registry.iter().filter(|(_, (_, f))| *f == form).map(|(c, _)| c).collect();
                    persons(one_of("hei_code", &codes))
                }
            };
            assert_eq!(produced, count(&row), "Table 6.1.17 {row:?}");
        }
        for row in of_year("table_6_1_18") {
            assert_eq!(persons(col("mode").eq(lit(field(&row, "teaching_format").to_lowercase()))), count(&row), "Table 6.1.18 {row:?}");
        }
        for row in of_year("table_6_1_22").filter(|r| field(r, "field_code") != "Total") {
            assert_eq!(persons(col("field_code").eq(lit(field(&row, "field_code")))), count(&row), "Table 6.1.22 {row:?}");
        }
        // Table 6.1.19: every country cell but the three that contradict the column total
        // (A11-A13): Greece and Italy 2024 (10 and 11, as the printed shares imply), Uzbekistan 2023.
        let mut differing = Vec::new();
        for row in of_year("table_6_1_19").filter(|r| field(r, "country") != "Total") {
            let produced = persons(col("country").eq(lit(field(&row, "iso3"))));
            if produced != count(&row) {
                differing.push((field(&row, "iso3").to_string(), count(&row), produced));
            }
        }
        let expected: Vec<(String, u64, u64)> = match year {
            2024 => vec![("ITA".into(), 1, 11), ("GRC".into(), 0, 10)],
            _ => vec![("UZB".into(), 69, 78)],
        };
        differing.sort();
        let mut expected = expected;
        expected.sort();
        assert_eq!(differing, expected, "{year}");
    }
    // Table 6.1.23 (2024) in the contract's funding codes.
    let all = staged("mobility", "year", 2024);
    let staff = all.filter(&all.column("participant").unwrap().str().unwrap().equal("staff")).unwrap();
    let mut by_code: BTreeMap<&str, u64> = BTreeMap::new();
    for row in published("table_6_1_23").into_iter().filter(|r| field(r, "program") != "Total") {
        let code = hestat_reference::crosswalks::by_prefix(hestat_reference::crosswalks::FACULTY_PROGRAMME, field(&row, "program")).unwrap();
        *by_code.entry(code).or_default() += count(&row);
    }
    for (code, published) in by_code {
        let df = staff.clone().lazy().filter(col("funding_source").eq(lit(code))).collect().unwrap();
        assert_eq!(df.column("count").unwrap().i64().unwrap().sum().unwrap_or(0) as u64, published, "{code}");
    }
}
