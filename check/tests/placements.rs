//! The placements the indicators declare, over every row of every reference file: no row is
//! claimed by two tables, every placement names a reference file, and the university
//! crosswalk is the dataset's (a registry with other codes places Table 6.1.15 at its codes).

use hestat_check::published::{claims, published_cells, unproduced_tables};
use hestat_check::{report_universities, CrosswalkError};
use hestat_reference::{field, published, FILES};
use hestat_transform::catalogue::catalogue;
use hestat_transform::placement::PlacementContext;

const SYNTHETIC: &str = include_str!("../../data/synthetic/report_universities.csv");

#[test]
fn no_published_row_is_claimed_by_two_tables() {
    let indicators = catalogue();
    let unproduced = unproduced_tables();
    let universities = report_universities(SYNTHETIC).unwrap();
    let context = PlacementContext { report_universities: &universities };
    let mut twice = Vec::new();
    let mut rows = 0;
    for (file, _) in FILES.iter().filter(|(f, _)| *f != "MANIFEST") {
        for row in published(file) {
            rows += 1;
            let tables: Vec<&str> = claims(&indicators, &unproduced, file, &row, &context).into_iter().map(|(t, _)| t).collect();
            if tables.len() > 1 {
                twice.push(format!("{file}:{}: {tables:?}", field(&row, "source_line")));
            }
        }
    }
    assert_eq!(twice, Vec::<String>::new());
    assert_eq!(rows, 1710);
}

#[test]
fn every_placement_names_a_reference_file() {
    let indicators = catalogue();
    let unproduced = unproduced_tables();
    let files: Vec<&str> = indicators.iter().flat_map(|i| i.published.iter().map(|p| p.file)).chain(unproduced.iter().flat_map(|t| t.published.iter().map(|p| p.file))).collect();
    let unknown: Vec<&&str> = files.iter().filter(|f| !FILES.iter().any(|(name, _)| name == *f)).collect();
    assert_eq!(unknown, Vec::<&&str>::new());
    assert_eq!(indicators.iter().filter(|i| !i.published.is_empty()).count(), 53);
}

#[test]
fn table_6_1_15_is_placed_at_the_codes_of_the_registry_given() {
    let indicators = catalogue();
    let real = report_universities("report_name,hei_code\nAstana Medical University,KZ-HEI-0042\n").unwrap();
    let (cells, not) = published_cells(&indicators, &PlacementContext { report_universities: &real });
    let placed: Vec<_> = cells.iter().filter(|c| c.table == "table_6_1_15").map(|c| (c.key.get("hei_code").cloned().unwrap_or_default(), c.key.get("measure").cloned().unwrap_or_default(), c.value)).collect();
    assert_eq!(placed, [("KZ-HEI-0042".to_string(), "foreign_students_total".to_string(), 459.0), ("KZ-HEI-0042".to_string(), "of_which_indian_citizens".to_string(), 267.0)]);
    let unplaced = not.iter().filter(|n| n.file == "table_6_1_15" && n.reason == "university not in the registry crosswalk").count();
    assert_eq!(unplaced, 22);
}

#[test]
fn a_crosswalk_file_that_is_not_one_is_refused_with_its_line() {
    assert!(matches!(report_universities("name,code\nX,Y\n"), Err(CrosswalkError::Header { .. })));
    assert!(matches!(report_universities("report_name,hei_code\nAstana Medical University,\n"), Err(CrosswalkError::Row { line: 2 })));
    assert_eq!(report_universities(SYNTHETIC).unwrap().len(), 12);
}
