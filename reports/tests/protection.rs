//! Which tables are controlled, and the control applied to tables that share a margin, on
//! hand-made tables with hand-worked answers: a cross-classification whose margins a one-way
//! table publishes exactly, a table by university whose regional totals are published, and
//! HESA's rounding with its rule for percentages.

use hestat_contract::{Family, Unit};
use hestat_reports::disclosure::{Rule, CONFIDENTIAL};
use hestat_reports::protection::{protect_tables, treatment, Treatment, ROUNDED};
use hestat_transform::catalogue::{titles, Basis, Indicator};
use hestat_transform::output::cell_text;
use polars::prelude::*;

fn indicator(id: &'static str, dimensions: &'static [&'static str], unit: Unit, sensitive: bool) -> Indicator {
    Indicator {
        id,
        title: titles("t", "t", "t"),
        definition: format!("{id} for the test"),
        basis: Basis::Report,
        dimensions,
        unit,
        year_totals: false,
        sensitive,
        sources: &[Family::Students],
        reproduces: None,
        published: Vec::new(),
        plan: Box::new(|_| Err(PolarsError::ComputeError("not planned in this test".into()).into())),
    }
}

/// The published values and flags of a column, as text.
fn column(frame: &DataFrame, name: &str) -> Vec<String> {
    (0..frame.height()).map(|r| frame.column(name).ok().and_then(|c| c.get(r).ok()).map(|v| cell_text(&v)).unwrap_or_default()).collect()
}

#[test]
fn one_way_national_tables_stay_exact_and_the_others_are_controlled() {
    let exact = |t: Treatment| !t.is_controlled();
    assert!(exact(treatment(&indicator("by_field", &["academic_year", "field_code"], Unit::Persons, false))));
    assert!(exact(treatment(&indicator("by_country", &["year", "direction", "participant", "country_iso3"], Unit::Persons, false))));
    assert!(exact(treatment(&indicator("heis", &["region_code", "legal_form"], Unit::Institutions, false))));
    assert_eq!(treatment(&indicator("x", &["academic_year", "field_code", "level"], Unit::Persons, false)), Treatment::Controlled("a cross-classification (field_code × level)".into()));
    assert_eq!(treatment(&indicator("x", &["academic_year", "hei_code"], Unit::Persons, false)), Treatment::Controlled("one row per university".into()));
    assert!(treatment(&indicator("x", &["academic_year", "disability_group"], Unit::Persons, false)).is_controlled());
    assert!(treatment(&indicator("x", &["academic_year", "field_code", "measure"], Unit::Mixed, true)).is_controlled());
}

#[test]
fn a_cross_classification_keeps_the_margins_a_one_way_table_publishes_and_hides_as_worked_out_by_hand() {
    // By field (exact): 01 = 43, 02 = 50, Total = 93. By field and level (controlled):
    // 01: 3 + 40; 02: 20 + 30; levels 23 and 70.
    let by_field = df!("academic_year" => [2024, 2024, 2024], "field_code" => ["01", "02", "Total"], "value" => [43i64, 50, 93]).unwrap();
    let by_field_level = df!(
        "academic_year" => [2024; 9],
        "field_code" => ["01", "01", "01", "02", "02", "02", "Total", "Total", "Total"],
        "level" => ["L1", "L2", "Total", "L1", "L2", "Total", "L1", "L2", "Total"],
        "value" => [3i64, 40, 43, 20, 30, 50, 23, 70, 93]
    )
    .unwrap();
    let (a, b) = (indicator("by_field", &["academic_year", "field_code"], Unit::Persons, false), indicator("by_field_level", &["academic_year", "field_code", "level"], Unit::Persons, false));
    let published = protect_tables(&[(&a, &by_field), (&b, &by_field_level)], Rule::Threshold { minimum: 5.0 }).unwrap();
    assert_eq!(column(&published[0].frame, "value"), ["43", "50", "93"], "the one-way table is exact");
    assert_eq!(published[0].suppressed, 0);
    // The 3 is primary; 40 completes row 01 (its total, 43, is published by field: it cannot
    // be the complement); 20 completes column L1; 30 completes column L2 and row 02. Every
    // margin stays published, as the by-field table has it.
    assert_eq!(column(&published[1].frame, "value"), ["", "", "43", "", "", "50", "23", "70", "93"]);
    assert_eq!(column(&published[1].frame, "flag"), [CONFIDENTIAL, CONFIDENTIAL, "", CONFIDENTIAL, CONFIDENTIAL, "", "", "", ""]);
    assert_eq!(published[1].suppressed, 4);
}

#[test]
fn a_university_is_not_left_alone_in_a_region_whose_total_is_published() {
    // Region R1 (120 students) has universities of 3 and 117; R2 two of 100. The table by
    // university has no totals of its own: the regional table is its margin.
    let by_region = df!("academic_year" => [2024, 2024], "region_code" => ["R1", "R2"], "value" => [120i64, 200]).unwrap();
    let by_hei = df!("academic_year" => [2024; 4], "hei_code" => ["H1", "H2", "H3", "H4"], "region_code" => ["R1", "R1", "R2", "R2"], "value" => [3i64, 117, 100, 100]).unwrap();
    let (a, b) = (indicator("by_region", &["academic_year", "region_code"], Unit::Persons, false), indicator("by_hei", &["academic_year", "hei_code", "region_code"], Unit::Persons, false));
    let published = protect_tables(&[(&a, &by_region), (&b, &by_hei)], Rule::Threshold { minimum: 5.0 }).unwrap();
    // 120 − 117 would give the 3 away: 117 is suppressed with it.
    assert_eq!(column(&published[1].frame, "value"), ["", "", "100", "100"]);
    assert_eq!(column(&published[0].frame, "value"), ["120", "200"]);
    // Alone, the table by university would hide only the 3.
    let alone = protect_tables(&[(&b, &by_hei)], Rule::Threshold { minimum: 5.0 }).unwrap();
    assert_eq!(column(&alone[0].frame, "value"), ["", "117", "100", "100"]);
}

#[test]
fn rounding_rounds_the_counts_of_controlled_tables_and_hides_percentages_of_few_persons() {
    // SEN students by field: counts and their shares (a sensitive table).
    let sen = df!(
        "academic_year" => [2024; 6],
        "field_code" => ["01", "01", "02", "02", "Total", "Total"],
        "measure" => ["count", "share", "count", "share", "count", "share"],
        "value" => [13.0, 0.4, 2.0, 0.1, 15.0, 0.5],
        "unit" => ["persons", "percent", "persons", "percent", "persons", "percent"]
    )
    .unwrap();
    let by_field = df!("academic_year" => [2024, 2024], "field_code" => ["01", "Total"], "value" => [13i64, 13]).unwrap();
    let (s, f) = (indicator("sen_by_field", &["academic_year", "field_code", "measure"], Unit::Mixed, true), indicator("by_field", &["academic_year", "field_code"], Unit::Persons, false));
    let published = protect_tables(&[(&s, &sen), (&f, &by_field)], Rule::Rounding).unwrap();
    // 13 → 15, 2 → 0 (under 2.5), the total 15 from its own 15 (not 15 + 0); the shares of
    // fewer than 22.5 persons are suppressed.
    assert_eq!(column(&published[0].frame, "value"), ["15", "", "0", "", "15", ""]);
    assert_eq!(column(&published[0].frame, "flag"), [ROUNDED, CONFIDENTIAL, ROUNDED, CONFIDENTIAL, ROUNDED, CONFIDENTIAL]);
    assert_eq!((published[0].rounded, published[0].suppressed), (3, 3));
    assert_eq!(column(&published[1].frame, "value"), ["13", "13"], "a one-way national table stays exact");
}

use hestat_reports::disclosure::{feasible_interval, lines, Count};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// A field × level table under control, published beside the exact one-way table of its
    /// fields (every field of at least 5 persons, as a ministry's national table would be):
    /// the margins stay as the exact table prints them, and no suppressed cell of the
    /// cross-classification can be narrowed below 5 from everything published (the LP over
    /// its lines, with the field totals published).
    #[test]
    fn a_cross_classification_beside_its_exact_margin_keeps_every_suppressed_cell_protected(
        values in (2usize..5, 2usize..4).prop_flat_map(|(r, c)| proptest::collection::vec(proptest::collection::vec(prop_oneof![0.0..1.0f64, 1.0..5.0, 5.0..40.0].prop_map(f64::round), c), r))
            .prop_filter("every field has at least 5 persons", |rows| rows.iter().all(|r| r.iter().sum::<f64>() >= 5.0))
    ) {
        let (rows, columns) = (values.len(), values[0].len());
        let field = |r: usize| format!("{:02}", r + 1);
        let (mut fields, mut levels, mut counts) = (Vec::new(), Vec::new(), Vec::new());
        for r in 0..=rows {
            for c in 0..=columns {
                fields.push(if r == rows { "Total".to_string() } else { field(r) });
                levels.push(if c == columns { "Total".to_string() } else { format!("L{}", c + 1) });
                let value: f64 = match (r == rows, c == columns) {
                    (false, false) => values[r][c],
                    (false, true) => values[r].iter().sum(),
                    (true, false) => values.iter().map(|row| row[c]).sum(),
                    (true, true) => values.iter().flatten().sum(),
                };
                counts.push(value as i64);
            }
        }
        let margin_fields: Vec<String> = (0..rows).map(field).chain(std::iter::once("Total".to_string())).collect();
        let margin_values: Vec<i64> = (0..rows).map(|r| values[r].iter().sum::<f64>() as i64).chain(std::iter::once(values.iter().flatten().sum::<f64>() as i64)).collect();
        let n = fields.len();
        let cross = df!("academic_year" => vec![2024; n], "field_code" => fields.clone(), "level" => levels.clone(), "value" => counts.clone()).unwrap();
        let margin = df!("academic_year" => vec![2024; rows + 1], "field_code" => margin_fields, "value" => margin_values.clone()).unwrap();
        let (a, b) = (indicator("by_field", &["academic_year", "field_code"], Unit::Persons, false), indicator("by_field_level", &["academic_year", "field_code", "level"], Unit::Persons, false));
        let published = protect_tables(&[(&a, &margin), (&b, &cross)], Rule::Threshold { minimum: 5.0 }).unwrap();
        let exact: Vec<String> = margin_values.iter().map(|v| v.to_string()).collect();
        prop_assert_eq!(column(&published[0].frame, "value"), exact);
        let shown = column(&published[1].frame, "value");
        let cells: Vec<Count> = (0..n)
            .map(|i| Count { key: [("field_code".to_string(), fields[i].clone()), ("level".to_string(), levels[i].clone())].into_iter().collect(), value: counts[i] as f64 })
            .collect();
        let hidden: Vec<bool> = shown.iter().map(String::is_empty).collect();
        for i in 0..n {
            if levels[i] == "Total" {
                prop_assert!(!hidden[i], "the field total {} is printed by the exact table", fields[i]);
            }
            if counts[i] > 0 && counts[i] < 5 {
                prop_assert!(hidden[i], "a count of {} is published", counts[i]);
            }
            if hidden[i] {
                let (low, high) = feasible_interval(&cells, &lines(&cells, &["field_code", "level"]), &hidden, i);
                prop_assert!(high - low >= 5.0 - 1e-6, "{:?} = {} narrowed to [{low}, {high}]", cells[i].key, counts[i]);
            }
        }
    }
}
