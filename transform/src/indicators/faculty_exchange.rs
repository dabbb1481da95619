//! Faculty exchanges (section 6.1, Tables 6.1.17 to 6.1.23): Kazakhstani academic staff in
//! outgoing academic mobility by type of institution, format, host country, field and funding
//! source (counts and shares), and the number of host countries.

use hestat_contract::{Family, Unit};
use hestat_reference::crosswalks::{by_prefix, exact as label_code, FACULTY_PROGRAMME, LEGAL_FORM};
use hestat_reference::{field, PublishedRow};
use polars::prelude::*;

use crate::catalogue::{titles, Basis, Indicator, Titles};
use crate::intermediate::Frames;
use crate::placement::{country_code, exact, faculty_text, field_code, key, not_a_cell, Placed, Placement, PlacementContext, Precision};
use crate::tidy::{counts_and_shares, sorted, sum_by, with_totals};
use crate::PlanError;

/// The running text on faculty exchanges.
pub const TEXT: &str = "text_6_1_faculty_mobility";

/// Outgoing staff episodes (the reports' faculty exchanges).
fn faculty(f: &Frames) -> Result<LazyFrame, PlanError> {
    Ok(f.mobility()?.filter(col("participant").eq(lit("staff")).and(col("direction").eq(lit("outgoing")))))
}

/// Faculty by one dimension: counts and shares of the year's total; the institution's legal
/// form from the registry.
fn by(id: &'static str, dimension: &'static str, reproduces: &'static str, title: Titles, definition: &str, published: Vec<Placement>) -> Indicator {
    let of_institution = dimension == "legal_form";
    Indicator {
        id,
        title,
        definition: definition.to_string(),
        basis: Basis::Report,
        dimensions: match dimension {
            "legal_form" => &["year", "legal_form", "measure"],
            "mode" => &["year", "mode", "measure"],
            "field_code" => &["year", "field_code", "measure"],
            "country_iso3" => &["year", "country_iso3", "measure"],
            _ => &["year", "funding_source", "measure"],
        },
        unit: Unit::Mixed,
        year_totals: false,
        sensitive: false,
        sources: if of_institution { &[Family::Mobility, Family::Hei] } else { &[Family::Mobility] },
        reproduces: Some(reproduces),
        published,
        plan: Box::new(move |f| {
            let episodes = if of_institution { faculty(f)?.join(f.hei()?, [col("hei_code")], [col("hei_code")], JoinArgs::new(JoinType::Left)) } else { faculty(f)? };
            let lf = episodes.with_column(col("country").alias("country_iso3"));
            let dims = ["year", dimension];
            Ok(counts_and_shares(with_totals(sum_by(lf, &dims, "count"), &dims, &[dimension])?, &dims, dimension, "year")?)
        }),
    }
}

/// A row of Tables 6.1.17, 6.1.18, 6.1.19 and 6.1.22 (counts and shares).
fn table_row(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let (dimension, code) = match file {
        "table_6_1_17" => {
            let label = field(row, "university_type");
            ("legal_form", label_code(LEGAL_FORM, label).map_or_else(|| label.to_lowercase(), str::to_string))
        }
        "table_6_1_18" => ("mode", field(row, "teaching_format").to_lowercase()),
        "table_6_1_19" => match country_code(row, "country") {
            Some(iso3) => ("country_iso3", iso3),
            None => return not_a_cell("country not in the code list"),
        },
        _ => ("field_code", field(row, "field_code").to_string()),
    };
    let code = if code == "total" { "Total".to_string() } else { code };
    let share = field(row, "measure") == "share";
    let precision = if share { Precision::of_printed(field(row, "value")) } else { Precision::Exact };
    Some(Ok((key(&[("year", field(row, "year")), (dimension, &code), ("measure", if share { "share" } else { "count" })]), precision)))
}

fn count_in_text(year: &str, dimension: &str, code: &str) -> Option<Placed> {
    exact(&[("year", year), (dimension, code), ("measure", "count")])
}

fn by_institution_type_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let all = faculty_text(row, "faculty_exchange_participants", |y| count_in_text(y, "legal_form", "Total"));
    // "National universities" → national.
    all.or_else(|| faculty_text(row, "faculty_exchange_participants_by_hei_type", |y| count_in_text(y, "legal_form", &field(row, "category").split_whitespace().next().unwrap_or("").to_lowercase())))
}

fn by_format_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    faculty_text(row, "faculty_exchange_participants_by_format", |y| count_in_text(y, "mode", &field(row, "category").to_lowercase()))
}

fn by_country_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    faculty_text(row, "faculty_exchange_participants_by_country", |y| count_in_text(y, "country_iso3", field(row, "iso3")))
}

fn by_field_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    faculty_text(row, "faculty_exchange_participants_by_field", |y| match field_code(field(row, "category")) {
        Some(code) => count_in_text(y, "field_code", code),
        None => not_a_cell("unknown field"),
    })
}

fn host_countries_table(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    match country_code(row, "country") {
        Some(iso3) => exact(&[("year", field(row, "year")), ("country_iso3", &iso3)]),
        None => not_a_cell("country not in the code list"),
    }
}

fn host_countries_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    faculty_text(row, "faculty_exchange_host_countries", |y| exact(&[("year", y), ("country_iso3", "Total")]))
}

/// Table 6.1.23's programmes, each under the contract's funding code it falls under (the
/// check adds up the programmes of one code).
fn programmes_table(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let programme = field(row, "program");
    let code = if programme == "Total" { Some("Total") } else { by_prefix(FACULTY_PROGRAMME, programme) };
    match code {
        Some(code) => exact(&[("year", field(row, "year")), ("funding_source", code), ("measure", "count")]),
        None => not_a_cell("programme without a funding code"),
    }
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        by("table_6_1_17", "legal_form", "Table 6.1.17", titles("Faculty in academic exchange by type of institution", "ППС в академическом обмене по типу вуза", "ЖОО түрі бойынша академиялық алмасудағы ПОҚ"), "Kazakhstani faculty in outgoing academic exchange by calendar year and legal form of their institution: persons (measure `count`) and shares of the year's total (`share`).", vec![Placement { file: "table_6_1_17", place: table_row }, Placement { file: TEXT, place: by_institution_type_in_text }]),
        by("table_6_1_18", "mode", "Table 6.1.18", titles("Faculty in academic exchange by teaching format", "ППС в академическом обмене по формату", "Оқыту форматы бойынша академиялық алмасудағы ПОҚ"), "Kazakhstani faculty in outgoing academic exchange (persons) by calendar year and format (online, offline, blended).", vec![Placement { file: "table_6_1_18", place: table_row }, Placement { file: TEXT, place: by_format_in_text }]),
        by("table_6_1_19", "country_iso3", "Table 6.1.19", titles("Faculty in academic exchange by host country", "ППС в академическом обмене по странам", "Қабылдаушы ел бойынша академиялық алмасудағы ПОҚ"), "Kazakhstani faculty in outgoing academic exchange (persons) by calendar year and host country.", vec![Placement { file: "table_6_1_19", place: table_row }, Placement { file: TEXT, place: by_country_in_text }]),
        Indicator {
            id: "table_6_1_20",
            title: titles("Countries taking part in faculty academic exchange", "Страны, участвующие в академическом обмене ППС", "ПОҚ академиялық алмасуына қатысатын елдер"),
            definition: "1 for every host country of at least one Kazakhstani faculty member in outgoing academic exchange in the calendar year; `Total`: the number of such countries.".to_string(),
            basis: Basis::Report,
            dimensions: &["year", "country_iso3"],
            unit: Unit::Countries,
            year_totals: false,
            sensitive: false,
            sources: &[Family::Mobility],
            reproduces: Some("Table 6.1.20"),
            published: vec![Placement { file: "table_6_1_20", place: host_countries_table }, Placement { file: TEXT, place: host_countries_in_text }],
            plan: Box::new(|f| {
                let dims = ["year", "country_iso3"];
                let listed = sum_by(faculty(f)?.with_column(col("country").alias("country_iso3")), &dims, "count").with_column(lit(1i64).alias("value"));
                Ok(sorted(with_totals(listed, &dims, &["country_iso3"])?, &dims))
            }),
        },
        by("table_6_1_22", "field_code", "Table 6.1.22", titles("Faculty in academic exchange by field of education", "ППС в академическом обмене по областям образования", "Білім беру салалары бойынша академиялық алмасудағы ПОҚ"), "Kazakhstani faculty in outgoing academic exchange (persons) by calendar year and field of education.", vec![Placement { file: "table_6_1_22", place: table_row }, Placement { file: TEXT, place: by_field_in_text }]),
        by("table_6_1_23", "funding_source", "Table 6.1.23", titles("Faculty in academic exchange by funding source", "ППС в академическом обмене по источникам финансирования", "Қаржыландыру көздері бойынша академиялық алмасудағы ПОҚ"), "Kazakhstani faculty in outgoing academic exchange (persons) by calendar year and source of funding (the input contract's codes; the report's programmes are finer).", vec![Placement { file: "table_6_1_23", place: programmes_table }]),
    ]
}
