//! Every indicator family on a small hand-made staging set, with the answers worked out by
//! hand in the comments.

use std::collections::BTreeMap;
use std::path::Path;

use hestat_transform::produced_cells;
use hestat_transform::staging::Staging;
use hestat_transform::{compute, Produced};
use polars::prelude::*;

mod staging_files;
use staging_files::hand_made as staging;


fn produced() -> BTreeMap<String, BTreeMap<BTreeMap<String, String>, f64>> {
    let tmp = tempfile::tempdir().unwrap();
    staging(tmp.path());
    let (tables, not_produced): (Vec<Produced>, _) = compute(&Staging::new(tmp.path())).unwrap();
    assert!(not_produced.is_empty(), "{not_produced:?}");
    produced_cells(&tables)
}

fn value(tables: &BTreeMap<String, BTreeMap<BTreeMap<String, String>, f64>>, table: &str, pairs: &[(&str, &str)]) -> f64 {
    let key: BTreeMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    *tables.get(table).unwrap_or_else(|| panic!("no table {table}")).get(&key).unwrap_or_else(|| panic!("{table}: no cell {key:?}"))
}

#[test]
fn enrollment_admissions_and_state_funding() {
    let t = produced();
    // Almaty city: students 1-3; Abai: 4-5; Astana: 6-8; 8 in all.
    assert_eq!(value(&t, "enrollment_by_region", &[("academic_year", "2024"), ("region_code", "KZ-75")]), 3.0);
    assert_eq!(value(&t, "enrollment_by_region", &[("academic_year", "2024"), ("region_code", "Total")]), 8.0);
    assert_eq!(value(&t, "enrollment_by_legal_form", &[("academic_year", "2024"), ("legal_form", "private")]), 3.0);
    assert_eq!(value(&t, "enrollment_by_level_field", &[("academic_year", "2024"), ("level", "bachelor"), ("field_code", "Total")]), 5.0);
    // Age = 2024 - birth year: students 1 and 7 (2005) are 19.
    assert_eq!(value(&t, "enrollment_by_gender_age", &[("academic_year", "2024"), ("gender", "Total"), ("age", "19")]), 2.0);
    // Admitted: 1, 4, 5, 7, 8; under the state order: 1, 4, 5.
    assert_eq!(value(&t, "admissions", &[("academic_year", "2024"), ("funding", "Total")]), 5.0);
    assert_eq!(value(&t, "admissions", &[("academic_year", "2024"), ("funding", "state_grant")]), 3.0);
    // State grants: 1, 4, 5, 6 of 8 = 50%.
    assert_eq!(value(&t, "state_funded_share", &[("academic_year", "2024"), ("measure", "state_funded")]), 4.0);
    assert_eq!(value(&t, "state_funded_share", &[("academic_year", "2024"), ("measure", "share")]), 50.0);
    // Quotas: an empty quota is `none` (2, 3, 4, 6, 7, 8 → 6).
    assert_eq!(value(&t, "students_by_grant_quota", &[("academic_year", "2024"), ("quota", "none")]), 6.0);
    assert_eq!(value(&t, "students_by_grant_quota", &[("academic_year", "2024"), ("quota", "rural")]), 1.0);
    // Base tables. Almaty city (H1): students 1-3, all bachelors; masters: 5 (Abai) and 6 (Astana).
    assert_eq!(value(&t, "enrollment_by_region_level", &[("academic_year", "2024"), ("region_code", "KZ-75"), ("level", "bachelor")]), 3.0);
    assert_eq!(value(&t, "enrollment_by_region_level", &[("academic_year", "2024"), ("region_code", "Total"), ("level", "master")]), 2.0);
    assert_eq!(value(&t, "enrollment_by_region_level", &[("academic_year", "2021"), ("region_code", "Total"), ("level", "Total")]), 2.0);
    // H3: 6 (M, master, state grant), 7 (F, bachelor, paid), 8 (F, preparatory, paid).
    assert_eq!(value(&t, "enrollment_by_hei_level_funding_gender", &[("academic_year", "2024"), ("hei_code", "H3"), ("level", "bachelor"), ("funding", "paid"), ("gender", "F")]), 1.0);
    assert_eq!(value(&t, "enrollment_by_hei_level_funding_gender", &[("academic_year", "2024"), ("hei_code", "H3"), ("level", "Total"), ("funding", "paid"), ("gender", "Total")]), 2.0);
    assert_eq!(value(&t, "enrollment_by_hei_level_funding_gender", &[("academic_year", "2024"), ("hei_code", "Total"), ("level", "Total"), ("funding", "state_grant"), ("gender", "Total")]), 4.0);
    assert_eq!(value(&t, "enrollment_by_citizenship", &[("academic_year", "2024"), ("country_iso3", "IND")]), 2.0);
    assert_eq!(value(&t, "enrollment_by_gender", &[("academic_year", "2024"), ("gender", "F")]), 5.0);
    assert_eq!(value(&t, "enrollment_by_level_quota", &[("academic_year", "2024"), ("level", "bachelor"), ("quota", "none")]), 4.0);
}

#[test]
fn gross_enrollment_ratio_counts_tvet_excludes_preparatory_and_uses_the_regions_of_the_year() {
    let t = produced();
    // Almaty city 2024: (3 students + 2 TVET) / 10 aged 18-22 (the 99 aged 17 do not count) = 50%.
    assert_eq!(value(&t, "table_3_4_1", &[("academic_year", "2024"), ("region_code", "KZ-75")]), 50.0);
    // Astana: students 6 and 7 (8 is preparatory) / 5 = 40%.
    assert_eq!(value(&t, "table_3_4_1", &[("academic_year", "2024"), ("region_code", "KZ-71")]), 40.0);
    // National: (7 students + 3 TVET) / (10 + 20 + 5 + 40) = 10 / 75.
    assert!((value(&t, "table_3_4_1", &[("academic_year", "2024"), ("region_code", "Total")]) - 1000.0 / 75.0).abs() < 1e-9);
    // 2021: H2 (Abai) reports under East Kazakhstan: (1 student + 1 TVET) / 8 = 25%.
    assert_eq!(value(&t, "table_3_4_1", &[("academic_year", "2021"), ("region_code", "KZ-63")]), 25.0);
}

#[test]
fn grants() {
    let t = produced();
    assert_eq!(value(&t, "grants_by_level_field_quota", &[("academic_year", "2024"), ("level", "Total"), ("field_code", "Total"), ("quota", "Total")]), 150.0);
    assert_eq!(value(&t, "grants_by_level_field_quota", &[("academic_year", "2024"), ("level", "bachelor"), ("field_code", "Total"), ("quota", "rural")]), 30.0);
    assert_eq!(value(&t, "figure_2_2_1", &[("academic_year", "2024")]), 130.0);
    assert_eq!(value(&t, "grants_by_level_field", &[("academic_year", "2024"), ("level", "bachelor"), ("field_code", "01")]), 130.0);
    assert_eq!(value(&t, "grants_by_level_quota", &[("academic_year", "2024"), ("level", "Total"), ("quota", "none")]), 120.0);
}

#[test]
fn mobility_students_and_staff() {
    let t = produced();
    // Students: outgoing 3 + 1 + 2 = 6, incoming 2.
    assert_eq!(value(&t, "table_6_1_1", &[("year", "2024"), ("direction", "outgoing")]), 6.0);
    assert_eq!(value(&t, "table_6_1_1", &[("year", "2024"), ("direction", "incoming")]), 2.0);
    // Turkiye is in Europe (the report's regions): 5 outgoing; Poland 1; Europe 6.
    assert_eq!(value(&t, "table_6_1_9", &[("year", "2024"), ("country_iso3", "TUR")]), 5.0);
    assert_eq!(value(&t, "table_6_1_9", &[("year", "2024"), ("country_iso3", "Total")]), 6.0);
    assert_eq!(value(&t, "table_6_1_13", &[("year", "2024"), ("world_region", "Europe")]), 6.0);
    assert_eq!(value(&t, "table_6_1_6", &[("year", "2024"), ("world_region", "CIS")]), 2.0);
    // Multi-year totals: the one year here.
    assert_eq!(value(&t, "table_6_1_13", &[("year", "Total"), ("world_region", "Total")]), 6.0);
    assert_eq!(value(&t, "table_6_1_14", &[("year", "2024"), ("funding_source", "state_budget")]), 3.0);
    assert_eq!(value(&t, "table_6_1_7", &[("year", "2024"), ("category", "extra_budgetary")]), 3.0);
    assert_eq!(value(&t, "mobility_by_mode", &[("year", "2024"), ("direction", "outgoing"), ("participant", "student"), ("mode", "offline")]), 5.0);
    assert_eq!(value(&t, "mobility_by_type", &[("year", "2024"), ("direction", "outgoing"), ("participant", "student"), ("mobility_type", "summer_school")]), 2.0);
    // Base tables: both participants, both directions, totals at every level. Outgoing
    // offline: students 3 + 2, staff 1 (H1).
    assert_eq!(value(&t, "mobility_by_mode", &[("year", "2024"), ("direction", "outgoing"), ("participant", "Total"), ("mode", "offline")]), 6.0);
    assert_eq!(value(&t, "mobility_by_participant", &[("year", "2024"), ("direction", "outgoing"), ("participant", "staff")]), 5.0);
    assert_eq!(value(&t, "mobility_by_participant", &[("year", "2024"), ("direction", "Total"), ("participant", "student")]), 8.0);
    assert_eq!(value(&t, "mobility_by_participant", &[("year", "2024"), ("direction", "Total"), ("participant", "Total")]), 13.0);
    assert_eq!(value(&t, "mobility_by_world_region", &[("year", "2024"), ("direction", "incoming"), ("participant", "student"), ("world_region", "CIS")]), 2.0);
    // Staff to Turkiye (4, H2) and Uzbekistan (1, H1); by legal form: state 4, national 1 + 3 (students of H1).
    assert_eq!(value(&t, "mobility_by_country", &[("year", "2024"), ("direction", "outgoing"), ("participant", "staff"), ("country_iso3", "TUR")]), 4.0);
    assert_eq!(value(&t, "mobility_by_legal_form", &[("year", "2024"), ("direction", "outgoing"), ("participant", "Total"), ("legal_form", "national")]), 5.0);
    assert_eq!(value(&t, "mobility_by_field_country", &[("year", "2024"), ("direction", "Total"), ("participant", "Total"), ("field_code", "01"), ("country_iso3", "Total")]), 7.0);
    // Top three of field 01 outgoing: TUR (3 + 2).
    assert_eq!(value(&t, "mobility_top3_countries_by_field", &[("year", "2024"), ("direction", "outgoing"), ("field_code", "01"), ("country_iso3", "TUR")]), 5.0);
    // Institutions with outgoing student mobility: H1, H3 (national, private).
    assert_eq!(value(&t, "mobility_heis_by_legal_form", &[("year", "2024"), ("direction", "outgoing"), ("participant", "student"), ("legal_form", "Total")]), 2.0);
    // Staff: 1 (H1, national) + 4 (H2, state) = 5; state 80%.
    assert_eq!(value(&t, "table_6_1_17", &[("year", "2024"), ("legal_form", "Total"), ("measure", "count")]), 5.0);
    assert_eq!(value(&t, "table_6_1_17", &[("year", "2024"), ("legal_form", "state"), ("measure", "share")]), 80.0);
    assert_eq!(value(&t, "table_6_1_20", &[("year", "2024"), ("country_iso3", "Total")]), 2.0);
    // SEN students in mobility: the 2 of H3.
    assert_eq!(value(&t, "sen_students_in_mobility", &[("year", "2024"), ("direction", "outgoing"), ("field_code", "Total")]), 2.0);
}

#[test]
fn international_students() {
    let t = produced();
    // Foreign: 3 (IND, H1), 6 (CHN, H3), 8 (IND, H3, preparatory).
    assert_eq!(value(&t, "figure_6_1_3", &[("academic_year", "2024")]), 3.0);
    assert_eq!(value(&t, "table_6_1_16", &[("academic_year", "2024"), ("category", "budget")]), 1.0);
    assert_eq!(value(&t, "table_6_1_15", &[("academic_year", "2024"), ("hei_code", "H3"), ("measure", "of_which_indian_citizens")]), 1.0);
    assert_eq!(value(&t, "foreign_students_by_country", &[("academic_year", "2024"), ("country_iso3", "IND")]), 2.0);
    assert_eq!(value(&t, "foreign_students_by_field", &[("academic_year", "2024"), ("field_code", "")]), 1.0, "preparatory: no field");
    assert_eq!(value(&t, "foreign_students_by_level_study_year", &[("academic_year", "2024"), ("level", "master"), ("study_year", "Total")]), 1.0);
    assert!((value(&t, "international_students_share", &[("academic_year", "2024")]) - 37.5).abs() < 1e-9);
    // Outbound credit mobility ratio: 6 outgoing / 8 students = 75%.
    assert_eq!(value(&t, "outbound_mobility_ratio", &[("year", "2024")]), 75.0);
}

#[test]
fn inclusion() {
    let t = produced();
    // SEN: students 2 (group II, dormitory) and 7 (no group); 2 of 8 = 25%.
    assert_eq!(value(&t, "sen_students", &[("academic_year", "2024"), ("measure", "count")]), 2.0);
    assert_eq!(value(&t, "sen_students", &[("academic_year", "2024"), ("measure", "share")]), 25.0);
    assert_eq!(value(&t, "table_8_2_1", &[("academic_year", "2024"), ("level", "bachelor"), ("measure", "share")]), 100.0);
    assert_eq!(value(&t, "figure_8_2_1", &[("academic_year", "2024"), ("disability_group", "II"), ("measure", "count")]), 1.0);
    assert_eq!(value(&t, "sen_students_by_dormitory", &[("academic_year", "2024"), ("category", "dormitory"), ("measure", "count")]), 1.0);
    // Vulnerable: 1 (rural quota), 4 (low income and large family), 7 (low income): 3 students,
    // categories 2 + 1 + 1 = 4 (student 4 is in two).
    assert_eq!(value(&t, "table_8_2_3", &[("academic_year", "2024"), ("category", "Total"), ("measure", "count")]), 3.0);
    assert_eq!(value(&t, "table_8_2_3", &[("academic_year", "2024"), ("category", "low_income"), ("measure", "count")]), 2.0);
    assert_eq!(value(&t, "vulnerable_students_by_field", &[("academic_year", "2024"), ("field_code", "01"), ("measure", "count")]), 2.0);
    // SEN by level and disability group: 2 (bachelor, II) and 7 (bachelor, none).
    assert_eq!(value(&t, "sen_students_by_level_disability_group", &[("academic_year", "2024"), ("level", "bachelor"), ("disability_group", "none")]), 1.0);
    assert_eq!(value(&t, "sen_students_by_level_disability_group", &[("academic_year", "2024"), ("level", "Total"), ("disability_group", "II")]), 1.0);
    assert_eq!(value(&t, "sen_students_by_level_disability_group", &[("academic_year", "2024"), ("level", "Total"), ("disability_group", "Total")]), 2.0);
}

#[test]
fn staff_and_the_network() {
    let t = produced();
    assert_eq!(value(&t, "staff_by_degree", &[("academic_year", "2024"), ("degree", "Total")]), 4.0);
    assert_eq!(value(&t, "staff_by_degree_share", &[("academic_year", "2024"), ("degree", "phd")]), 50.0);
    assert_eq!(value(&t, "staff_by_title_share", &[("academic_year", "2024"), ("title", "none")]), 50.0);
    assert_eq!(value(&t, "hei_by_legal_form", &[("legal_form", "Total")]), 3.0);
    // Counts by title (the report shows only shares), gender and region x degree.
    assert_eq!(value(&t, "staff_by_title", &[("academic_year", "2024"), ("title", "none")]), 2.0);
    assert_eq!(value(&t, "staff_by_gender", &[("academic_year", "2024"), ("gender", "F")]), 3.0);
    assert_eq!(value(&t, "staff_by_region_degree", &[("academic_year", "2024"), ("region_code", "KZ-75"), ("degree", "Total")]), 2.0);
    assert_eq!(value(&t, "hei_by_region_legal_form", &[("region_code", "KZ-10"), ("legal_form", "state")]), 1.0);
    // Population 2024: 10 + 99 + 20 + 5 + 40; TVET 2 + 1.
    assert_eq!(value(&t, "population_by_region_age_gender", &[("year", "2024"), ("region_code", "Total"), ("age", "Total"), ("gender", "Total")]), 174.0);
    assert_eq!(value(&t, "population_by_region_age_gender", &[("year", "2024"), ("region_code", "KZ-75"), ("age", "17"), ("gender", "F")]), 99.0);
    assert_eq!(value(&t, "tvet_students_by_region", &[("academic_year", "2024"), ("region_code", "Total")]), 3.0);
}

#[test]
fn an_absent_family_leaves_its_indicators_out_with_the_reason() {
    let tmp = tempfile::tempdir().unwrap();
    staging(tmp.path());
    std::fs::remove_dir_all(tmp.path().join("staff")).unwrap();
    let (tables, not_produced) = compute(&Staging::new(tmp.path())).unwrap();
    let ids: Vec<&str> = not_produced.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids, ["staff_by_degree", "staff_by_degree_share", "staff_by_title_share", "staff_by_title", "staff_by_gender", "staff_by_region_degree"]);
    assert!(not_produced[0].1.contains("no staged `staff` records"), "{}", not_produced[0].1);
    assert!(tables.iter().any(|t| t.id == "table_6_1_1"));
}
