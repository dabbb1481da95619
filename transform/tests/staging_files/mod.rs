//! Writing staging files in the layout `hestat-ingest` writes (`<family>/<key>=<Y>/part-0.parquet`,
//! or `<family>/part-0.parquet` for the registry), for the tests' hand-made and random sets; and
//! the hand-made set itself, whose answers `indicators.rs` works out by hand.

// Each test file uses part of this module.
#![allow(dead_code)]

use std::path::Path;

use polars::prelude::*;

pub fn write(root: &Path, family: &str, partition: Option<(&str, i32)>, columns: Vec<Column>) {
    let dir = match partition {
        Some((key, value)) => root.join(family).join(format!("{key}={value}")),
        None => root.join(family),
    };
    std::fs::create_dir_all(&dir).unwrap();
    let mut df = DataFrame::new_infer_height(columns).unwrap();
    ParquetWriter::new(std::fs::File::create(dir.join("part-0.parquet")).unwrap()).finish(&mut df).unwrap();
}

pub fn s(name: &str, values: &[&str]) -> Column {
    Column::new(name.into(), values.iter().map(|v| if v.is_empty() { None } else { Some(*v) }).collect::<Vec<Option<&str>>>())
}

pub fn i(name: &str, values: &[i64]) -> Column {
    Column::new(name.into(), values.to_vec())
}

pub fn i32s(name: &str, values: &[i32]) -> Column {
    Column::new(name.into(), values.to_vec())
}

pub fn b(name: &str, values: &[u8]) -> Column {
    Column::new(name.into(), values.iter().map(|v| *v == 1).collect::<Vec<bool>>())
}

/// Three institutions; eight students in 2024 and two in 2021; mobility, grants, population,
/// TVET and staff.
pub fn hand_made(root: &Path) {
    // H1 Almaty city (national), H2 Abai region (state; East Kazakhstan before 2022), H3 Astana (private).
    write(root, "hei", None, vec![s("hei_code", &["H1", "H2", "H3"]), s("region", &["KZ-75", "KZ-10", "KZ-71"]), s("legal_form", &["national", "state", "private"])]);
    //            1      2      3      4      5      6      7      8
    write(root, "students", Some(("academic_year", 2024)), vec![
        s("hei_code", &["H1", "H1", "H1", "H2", "H2", "H3", "H3", "H3"]),
        s("gender", &["F", "M", "F", "F", "M", "M", "F", "F"]),
        i32s("birth_year", &[2005, 2004, 2001, 2006, 2003, 2002, 2005, 2006]),
        s("citizenship", &["KAZ", "KAZ", "IND", "KAZ", "KAZ", "CHN", "KAZ", "IND"]),
        s("level", &["bachelor", "bachelor", "bachelor", "bachelor", "master", "master", "bachelor", "preparatory"]),
        s("field_code", &["01", "07", "10", "01", "04", "04", "10", ""]),
        i32s("study_year", &[1, 2, 3, 1, 1, 2, 1, 1]),
        s("funding", &["state_grant", "paid", "paid", "state_grant", "state_grant", "state_grant", "paid", "paid"]),
        s("grant_quota", &["rural", "", "", "none", "orphan", "none", "", ""]),
        b("admitted", &[1, 0, 0, 1, 1, 0, 1, 1]),
        b("sen", &[0, 1, 0, 0, 0, 0, 1, 0]),
        s("disability_group", &["", "II", "", "", "", "", "", ""]),
        b("low_income", &[0, 0, 0, 1, 0, 0, 1, 0]),
        b("large_family", &[0, 0, 0, 1, 0, 0, 0, 0]),
        b("dormitory", &[1, 1, 0, 0, 0, 1, 0, 1]),
        s("study_form", &["full_time"; 8]),
        s("language", &["kk", "ru", "en", "kk", "kk", "ru", "kk", "en"]),
    ]);
    write(root, "students", Some(("academic_year", 2021)), vec![
        s("hei_code", &["H1", "H2"]),
        s("gender", &["F", "M"]),
        i32s("birth_year", &[2002, 2001]),
        s("citizenship", &["KAZ", "KAZ"]),
        s("level", &["bachelor", "bachelor"]),
        s("field_code", &["01", "02"]),
        i32s("study_year", &[1, 2]),
        s("funding", &["paid", "paid"]),
        s("grant_quota", &["", ""]),
        b("admitted", &[1, 0]),
        b("sen", &[0, 0]),
        s("disability_group", &["", ""]),
        b("low_income", &[0, 0]),
        b("large_family", &[0, 0]),
        b("dormitory", &[0, 0]),
        s("study_form", &["full_time", "full_time"]),
        s("language", &["kk", "kk"]),
    ]);
    write(root, "mobility", Some(("year", 2024)), vec![
        s("hei_code", &["H1", "H1", "H2", "H3", "H1", "H2"]),
        s("direction", &["outgoing", "outgoing", "incoming", "outgoing", "outgoing", "outgoing"]),
        s("participant", &["student", "student", "student", "student", "staff", "staff"]),
        s("country", &["TUR", "POL", "KGZ", "TUR", "UZB", "TUR"]),
        s("level", &["bachelor", "master", "bachelor", "bachelor", "none", "none"]),
        s("field_code", &["01", "04", "01", "01", "07", "07"]),
        s("funding_source", &["state_budget", "erasmus", "mutual_exchange", "own_funds", "university", "erasmus"]),
        s("mode", &["offline", "online", "offline", "offline", "offline", "blended"]),
        s("mobility_type", &["credit", "credit", "credit", "summer_school", "internship", "internship"]),
        b("sen", &[0, 0, 0, 1, 0, 0]),
        i("count", &[3, 1, 2, 2, 1, 4]),
    ]);
    write(root, "state_order", Some(("academic_year", 2024)), vec![
        s("level", &["bachelor", "bachelor", "master"]),
        s("field_code", &["01", "01", "04"]),
        s("quota", &["none", "rural", "none"]),
        i("grants", &[100, 30, 20]),
    ]);
    // Population aged 18-22 (and 17, which does not count): Almaty city 10, Abai 20, Astana 5.
    write(root, "population", Some(("year", 2024)), vec![
        s("region", &["KZ-75", "KZ-75", "KZ-10", "KZ-71", "KZ-63"]),
        i32s("age", &[18, 17, 20, 22, 19]),
        s("gender", &["F", "F", "M", "F", "M"]),
        i("population", &[10, 99, 20, 5, 40]),
    ]);
    write(root, "population", Some(("year", 2021)), vec![s("region", &["KZ-75", "KZ-63"]), i32s("age", &[19, 21]), s("gender", &["F", "M"]), i("population", &[4, 8])]);
    write(root, "tvet_students", Some(("academic_year", 2024)), vec![s("region", &["KZ-75", "KZ-10"]), i("students", &[2, 1])]);
    write(root, "tvet_students", Some(("academic_year", 2021)), vec![s("region", &["KZ-63"]), i("students", &[1])]);
    write(root, "staff", Some(("academic_year", 2024)), vec![
        s("hei_code", &["H1", "H1", "H2", "H3"]),
        s("gender", &["F", "M", "F", "F"]),
        s("degree", &["phd", "candidate", "master", "phd"]),
        s("title", &["none", "docent", "none", "professor"]),
    ]);
}

