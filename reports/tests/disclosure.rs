//! Disclosure control on hand-made tables with hand-worked answers, and on random tables built
//! to tempt recovery: for every suppressed cell, the interval an attacker can solve for from
//! the published cells and the table's additivity (a linear programme: the cell's least and
//! greatest value over every non-negative table with the same published cells and totals) is
//! at least as wide as the threshold.

use std::collections::BTreeMap;

use hestat_reports::disclosure::{self, lines, protect, round_count, threshold, Count, Published, Rule, Suppression, CONFIDENTIAL};
use proptest::prelude::*;

/// A two-way table (rows × columns of counts) with its row, column and grand totals.
fn two_way(values: &[Vec<f64>]) -> Vec<Count> {
    let mut counts = Vec::new();
    let key = |field: &str, level: &str| BTreeMap::from([("field_code".to_string(), field.to_string()), ("level".to_string(), level.to_string())]);
    let columns = values[0].len();
    for (r, row) in values.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            counts.push(Count { key: key(&format!("0{}", r + 1), &format!("L{}", c + 1)), value: *v });
        }
        counts.push(Count { key: key(&format!("0{}", r + 1), "Total"), value: row.iter().sum() });
    }
    for c in 0..columns {
        counts.push(Count { key: key("Total", &format!("L{}", c + 1)), value: values.iter().map(|row| row[c]).sum() });
    }
    counts.push(Count { key: key("Total", "Total"), value: values.iter().flatten().sum() });
    counts
}

fn feasible_interval(counts: &[Count], margins: &[&str], hidden: &[bool], target: usize) -> (f64, f64) {
    disclosure::feasible_interval(counts, &lines(counts, margins), hidden, target)
}

fn assert_protected(counts: &[Count], margins: &[&str], minimum: f64) {
    let suppressed = threshold(counts, margins, minimum);
    let hidden: Vec<bool> = suppressed.iter().map(Option::is_some).collect();
    for (i, s) in suppressed.iter().enumerate() {
        if s.is_some() {
            let (low, high) = feasible_interval(counts, margins, &hidden, i);
            assert!(high - low >= minimum - 1e-6, "cell {:?} = {} can be narrowed to [{low}, {high}]", counts[i].key, counts[i].value);
        }
    }
}

#[test]
fn the_lines_of_a_two_way_table_come_in_the_order_of_the_other_dimension_s_values() {
    // 2 fields × 2 levels: cells 0 (01, L1), 1 (01, L2), 2 (01, Total), 3 (02, L1), 4 (02, L2),
    // 5 (02, Total), 6 (Total, L1), 7 (Total, L2), 8 (Total, Total). Along the field, one line
    // per level (L1, L2, Total: "L1" < "L2" < "Total"); along the level, one per field (01, 02,
    // Total). The order decides which complements are chosen, so it never follows a hash.
    let counts = two_way(&[vec![3.0, 10.0], vec![7.0, 20.0]]);
    let expected: Vec<(usize, Vec<usize>)> =
        vec![(6, vec![0, 3]), (7, vec![1, 4]), (8, vec![2, 5]), (2, vec![0, 1]), (5, vec![3, 4]), (8, vec![6, 7])];
    assert_eq!(lines(&counts, &["field_code", "level"]), expected);
}

#[test]
fn a_small_count_and_its_complements_are_suppressed_as_worked_out_by_hand() {
    // field 01: 3 (bachelor) 40 (master) → 43; field 02: 20 30 → 50; totals 23, 70, 93.
    let counts = two_way(&[vec![3.0, 40.0], vec![20.0, 30.0]]);
    let s = threshold(&counts, &["field_code", "level"], 5.0);
    // Order: 01/L1, 01/L2, 01/Total, 02/L1, 02/L2, 02/Total, Total/L1, Total/L2, Total/Total.
    // 01/L1 (3) is primary; in row 01 its complement is 40 (01/L2, the only part ≥ 5); in column
    // L1, 20 (02/L1); then row 02 and column L2 each have one suppressed cell: 30 (02/L2).
    assert_eq!(
        s,
        [Some(Suppression::Primary), Some(Suppression::Secondary), None, Some(Suppression::Secondary), Some(Suppression::Secondary), None, None, None, None]
    );
    let published = protect(&counts, &["field_code", "level"], Rule::Threshold { minimum: 5.0 });
    assert_eq!(published[0], Published { value: None, flag: Some(CONFIDENTIAL) });
    assert_eq!(published[2], Published { value: Some(43.0), flag: None });
    // The attacker's interval for the 3: from 0 to 23 (it and 20 make column L1's 23).
    let hidden: Vec<bool> = s.iter().map(Option::is_some).collect();
    assert_eq!(feasible_interval(&counts, &["field_code", "level"], &hidden, 0), (0.0, 23.0));
}

#[test]
fn zero_and_large_counts_are_published() {
    let counts = two_way(&[vec![0.0, 40.0], vec![20.0, 30.0]]);
    assert!(threshold(&counts, &["field_code", "level"], 5.0).iter().all(Option::is_none));
}

#[test]
fn a_line_without_a_part_of_five_suppresses_its_total() {
    // field 01: 2 and 1; every part is small, so the row total goes too.
    let counts = two_way(&[vec![2.0, 1.0], vec![20.0, 30.0]]);
    let s = threshold(&counts, &["field_code", "level"], 5.0);
    assert_eq!(s[0], Some(Suppression::Primary));
    assert_eq!(s[1], Some(Suppression::Primary));
    assert_protected(&counts, &["field_code", "level"], 5.0);
}

/// The table the property test first found recoverable with line rules alone (a zero row and
/// small counts in two lines let the LP pin a cell to [1, 1]): the audit protects it. Its
/// small counts are the four 1s, row 02's total of 3 and column L3's total of 2.
#[test]
fn the_audit_protects_what_line_rules_alone_do_not() {
    let counts = two_way(&[vec![5.0, 0.0, 0.0], vec![1.0, 1.0, 1.0], vec![5.0, 5.0, 1.0]]);
    assert_protected(&counts, &["field_code", "level"], 5.0);
    assert_eq!(threshold(&counts, &["field_code", "level"], 5.0).iter().filter(|s| **s == Some(Suppression::Primary)).count(), 6);
}

#[test]
fn hesa_rounding_rounds_counts_and_totals_from_their_unrounded_values() {
    assert_eq!([0.0, 1.0, 2.0, 2.5, 3.0, 7.0, 7.5, 12.0, 1_234.0].map(round_count), [0.0, 0.0, 0.0, 5.0, 5.0, 5.0, 10.0, 10.0, 1_235.0]);
    let counts = two_way(&[vec![2.0, 2.0], vec![2.0, 2.0]]);
    let published = protect(&counts, &["field_code", "level"], Rule::Rounding);
    // Each 2 shows as 0, the row totals (4) as 5, the grand total (8) as 10: not the sum of parts.
    assert_eq!(published.iter().map(|p| p.value.unwrap_or(-1.0)).collect::<Vec<_>>(), [0.0, 0.0, 5.0, 0.0, 0.0, 5.0, 5.0, 5.0, 10.0]);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Random field × level tables with many small counts: no suppressed cell can be narrowed
    /// below the threshold.
    #[test]
    fn no_suppressed_cell_of_a_two_way_table_can_be_recovered(
        values in (2usize..5, 2usize..5).prop_flat_map(|(r, c)| proptest::collection::vec(proptest::collection::vec(prop_oneof![0.0..1.0f64, 1.0..5.0, 5.0..60.0].prop_map(f64::round), c), r))
    ) {
        assert_protected(&two_way(&values), &["field_code", "level"], 5.0);
    }
}
