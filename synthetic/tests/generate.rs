//! The synthetic dataset, end to end: generate, ingest with hestat's own ingestion, and
//! compare the staged records with the published figures of the reference copy in `data/`,
//! cell by cell.

use std::collections::BTreeMap;
use std::path::Path;

use hestat_ingest::codes::code_lists;
use hestat_ingest::{ingest, IngestConfig, Limits, PersonIdHasher, Severity};
use hestat_synthetic::reference::{count, field, published};
use hestat_synthetic::{generate, GenerateConfig};
use polars::prelude::*;

fn generate_into(dir: &Path, seed: u64) -> hestat_synthetic::GenerateSummary {
    generate(&GenerateConfig { out: dir.to_path_buf(), years: 2021..=2024, seed }).expect("generate")
}

/// (year, direction, country) → persons, from the staged mobility records.
fn staged_mobility(out: &Path) -> BTreeMap<(i32, String, String, String), u64> {
    let mut totals = BTreeMap::new();
    for year in 2021..=2024 {
        let path = out.join(format!("staging/mobility/year={year}/part-0.parquet"));
        let df = ParquetReader::new(std::fs::File::open(&path).unwrap()).finish().unwrap();
        let direction = df.column("direction").unwrap().str().unwrap().clone();
        let country = df.column("country").unwrap().str().unwrap().clone();
        let funding = df.column("funding_source").unwrap().str().unwrap().clone();
        let persons = df.column("count").unwrap().i64().unwrap().clone();
        for i in 0..df.height() {
            let key = (year, direction.get(i).unwrap().to_string(), country.get(i).unwrap().to_string(), funding.get(i).unwrap().to_string());
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
fn generated_mobility_ingests_cleanly_and_reproduces_the_published_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    let summary = generate_into(&input, 42);
    assert_eq!(summary.mobility_episodes, 1971 + 1582 + 1226 + 1207 + 3246 + 3613 + 4426 + 4416);
    let config = IngestConfig { input, out: out.clone(), limits: Limits::default(), hasher: PersonIdHasher::new(b"synthetic-test-key!") };
    let ingested = ingest(&config, &()).unwrap();
    let errors: Vec<_> = ingested.issues.iter().filter(|i| i.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(ingested.staged_rows.iter().find(|(f, _)| f.name() == "hei").map(|(_, n)| *n), Some(122));
    let staged = staged_mobility(&out);

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

#[test]
fn the_same_seed_writes_byte_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (tmp.path().join("a"), tmp.path().join("b"), tmp.path().join("c"));
    generate_into(&a, 7);
    generate_into(&b, 7);
    generate_into(&c, 8);
    let files = |root: &Path| {
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
    };
    let (fa, fb, fc) = (files(&a), files(&b), files(&c));
    assert!(fa.len() > 90, "{} files", fa.len());
    assert_eq!(fa, fb, "same seed, same bytes");
    assert_ne!(fa, fc, "another seed, other files");
}

#[test]
fn the_generated_state_order_reproduces_the_published_grants() {
    let tmp = tempfile::tempdir().unwrap();
    let (input, out) = (tmp.path().join("in"), tmp.path().join("out"));
    generate_into(&input, 5);
    let config = IngestConfig { input, out: out.clone(), limits: Limits::default(), hasher: PersonIdHasher::new(b"synthetic-test-key!") };
    let ingested = ingest(&config, &()).unwrap();
    assert!(ingested.issues.iter().all(|i| i.severity != Severity::Error));
    let grants = |year: i32| {
        let path = out.join(format!("staging/state_order/academic_year={year}/part-0.parquet"));
        let df = ParquetReader::new(std::fs::File::open(&path).unwrap()).finish().unwrap();
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
