//! Grants of the state order (state educational order): allocated by level, field of
//! education and quota (section 3.2), and those for teacher training (Figure 2.2.1).

use hestat_contract::{Family, Unit};
use hestat_reference::crosswalks::{exact as label_code, GRANT_QUOTA};
use hestat_reference::{field, PublishedRow};
use polars::prelude::*;

use crate::catalogue::{titles, Basis, Indicator};
use crate::placement::{exact, level_code, not_a_cell, running_text_where, start_year, Placed, Placement, PlacementContext};
use crate::tidy::{sorted, sum_by, with_totals};

/// The grants the text of section 3.2 states for 2024-2025: by level, by social category, the
/// targeted regional grants.
fn grants_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let file = "text_3_2_grants_2024";
    let category = field(row, "category");
    let cell = |level: &str, quota: &str, y: &str| exact(&[("academic_year", y), ("level", level), ("field_code", "Total"), ("quota", quota)]);
    let claims = |indicator: &str| {
        matches!(
            indicator,
            "state_educational_grants_allocated" | "grants_awarded_by_competition_social_category" | "grants_awarded_ethnic_kazakhs" | "targeted_grants_southern_western_new_regions"
        )
    };
    running_text_where(file, row, claims, |y| match field(row, "indicator") {
        "state_educational_grants_allocated" => match level_code(category) {
            Some(level) => cell(level, "Total", y),
            None => not_a_cell("unknown level"),
        },
        "targeted_grants_southern_western_new_regions" => cell("Total", "targeted_regional", y),
        // The line that is no social category is the kandas quota.
        _ => cell("Total", label_code(GRANT_QUOTA, category).unwrap_or("kandas"), y),
    })
}

fn pedagogical_grants_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let y = start_year(field(row, "academic_year"));
    if y.parse::<i32>().is_ok_and(|y| y < 2021) {
        return not_a_cell("no state order submitted before 2021-2022");
    }
    exact(&[("academic_year", &y)])
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        Indicator {
            id: "grants_by_level_field_quota",
            title: titles("State educational grants by level, field and quota", "Государственные образовательные гранты по уровням, областям и квотам", "Деңгейлер, салалар және квоталар бойынша мемлекеттік білім беру гранттары"),
            definition: "Grants of the state order (state educational order) allocated for the academic year, by level, field of education and quota, with totals.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "level", "field_code", "quota"],
            unit: Unit::Grants,
            sources: &[Family::StateOrder],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Section 3.2: grants 2024-2025"),
            published: vec![Placement { file: "text_3_2_grants_2024", place: grants_in_text }],
            plan: Box::new(|f| {
                let dims = ["academic_year", "level", "field_code", "quota"];
                Ok(sorted(with_totals(sum_by(f.state_order()?, &dims, "grants"), &dims, &["level", "field_code", "quota"])?, &dims))
            }),
        },
        Indicator {
            id: "figure_2_2_1",
            title: titles("State grants for teacher training (field 01)", "Гранты на педагогические специальности", "Педагогикалық мамандықтарға арналған гранттар"),
            definition: "Grants of the state order for pedagogical specialties (field of education 01), by academic year.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year"],
            unit: Unit::Grants,
            sources: &[Family::StateOrder],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Figure 2.2.1"),
            published: vec![Placement { file: "text_2_2_pedagogical_grants", place: pedagogical_grants_in_text }],
            plan: Box::new(|f| Ok(sorted(sum_by(f.state_order()?.filter(col("field_code").eq(lit("01"))), &["academic_year"], "grants"), &["academic_year"]))),
        },
    ]
}
