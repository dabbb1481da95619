//! Academic and teaching staff on 1 October (section 3.3): by academic degree, and the shares
//! of degrees and titles (Figures 3.3.1 and 3.3.2).

use hestat_contract::{Family, Unit};
use hestat_reference::crosswalks::{exact as label_code, Crosswalk, STAFF_DEGREE, STAFF_TITLE};
use hestat_reference::{field, PublishedRow};
use polars::prelude::*;

use crate::catalogue::{titles, Basis, Indicator};
use crate::intermediate::Frames;
use crate::placement::{key, not_a_cell, running_text, Placed, Placement, PlacementContext, Precision};
use crate::tidy::{count_by, percent_of, sorted, with_totals};
use crate::PlanError;

fn staff_shares(f: &Frames, dimension: &str) -> Result<LazyFrame, PlanError> {
    let dims = ["academic_year", dimension];
    let counts = count_by(f.staff()?, &dims);
    Ok(sorted(percent_of(counts, &["academic_year"])?, &dims))
}

/// "37.6 thousand academic staff".
fn staff_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text("text_3_3_faculty", row, "academic_teaching_staff", |y| {
        Some(Ok((key(&[("academic_year", y), ("degree", "Total")]), Precision::Thousands(crate::placement::decimals(field(row, "value"))))))
    })
}

/// A share of one degree or title; the text's groups of them (sums of shares) are no cell.
fn share_in_text(row: &PublishedRow, indicator: &str, dimension: &str, crosswalk: &Crosswalk, group: &str) -> Option<Placed> {
    running_text("text_3_3_faculty", row, indicator, |y| match label_code(crosswalk, field(row, "category")) {
        Some(code) => Some(Ok((key(&[("academic_year", y), (dimension, code)]), Precision::of_printed(field(row, "value"))))),
        None => not_a_cell(group),
    })
}

fn staff_degree_shares_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    share_in_text(row, "academic_teaching_staff_share_by_degree", "degree", STAFF_DEGREE, "a group of degrees (sum of shares), not a cell")
}

fn staff_title_shares_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    share_in_text(row, "academic_teaching_staff_share_by_title", "title", STAFF_TITLE, "a group of titles (sum of shares), not a cell")
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        Indicator {
            id: "staff_by_degree",
            title: titles("Academic staff by academic degree", "ППС по учёным степеням", "Ғылыми дәрежелері бойынша ПОҚ"),
            definition: "Academic and teaching staff on 1 October (persons) by academic year and academic degree, with the total.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "degree"],
            unit: Unit::Staff,
            sources: &[Family::Staff],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Figure 3.3.1"),
            published: vec![Placement { file: "text_3_3_faculty", place: staff_in_text }],
            plan: Box::new(|f| Ok(sorted(with_totals(count_by(f.staff()?, &["academic_year", "degree"]), &["academic_year", "degree"], &["degree"])?, &["academic_year", "degree"]))),
        },
        Indicator {
            id: "staff_by_degree_share",
            title: titles("Academic staff by academic degree, shares", "ППС по учёным степеням, доли", "Ғылыми дәрежелері бойынша ПОҚ, үлестер"),
            definition: "Academic and teaching staff by academic degree as a percentage of all staff, by academic year.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "degree"],
            unit: Unit::Percent,
            sources: &[Family::Staff],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Figure 3.3.1"),
            published: vec![Placement { file: "text_3_3_faculty", place: staff_degree_shares_in_text }],
            plan: Box::new(|f| staff_shares(f, "degree")),
        },
        Indicator {
            id: "staff_by_title_share",
            title: titles("Academic staff by academic title, shares", "ППС по учёным званиям, доли", "Ғылыми атақтары бойынша ПОҚ, үлестер"),
            definition: "Academic and teaching staff by academic title as a percentage of all staff, by academic year.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "title"],
            unit: Unit::Percent,
            sources: &[Family::Staff],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Figure 3.3.2"),
            published: vec![Placement { file: "text_3_3_faculty", place: staff_title_shares_in_text }],
            plan: Box::new(|f| staff_shares(f, "title")),
        },
    ]
}
