//! Academic mobility (section 6.1): the report's tables of students and staff, incoming and
//! outgoing, by year, world region, country and funding source; multi-year totals; top three
//! countries per field; participating institutions by legal form. The base tables of the
//! family (every direction, participant and dimension, with totals) are in [`crate::base`].
//!
//! Persons are the sum of `count` (identical episodes are one row). World regions are the
//! report's grouping of countries (`data/codelists/countries.csv`). Definitions follow the
//! report: an episode in a calendar year is one person in mobility that year (UNESCO's degree
//! mobility, which counts enrolled students abroad, is a different concept; see
//! `crate::international` for degree students).

use hestat_contract::{Family, Unit};
use hestat_reference::crosswalks::{by_prefix, exact as label_code, DIRECTION, INCOMING_FUNDING_SOURCE, MOBILITY_TYPE, OUTGOING_BUDGET_SPLIT, OUTGOING_FUNDING_SOURCE};
use hestat_reference::{field, PublishedRow};
use polars::prelude::*;

use crate::catalogue::{titles, Basis, Indicator, Titles};
use crate::intermediate::Frames;
use crate::placement::{country_code, exact, faculty_text, level_code, not_a_cell, running_text_year, Placed, Placement, PlacementContext};
use crate::tidy::{sorted, sum_by, with_totals};
use crate::PlanError;

/// The 2024 running text on incoming students (section 6.1).
pub const INCOMING_TEXT: &str = "text_6_1_inbound_2024";
/// The 2024 running text on outgoing students.
pub const OUTGOING_TEXT: &str = "text_6_1_outbound_2024";

/// Student episodes of one direction, with the partner country's world region.
fn students(f: &Frames, direction: &'static str) -> Result<LazyFrame, PlanError> {
    Ok(f.mobility_with_world_regions()?.filter(col("participant").eq(lit("student")).and(col("direction").eq(lit(direction)))))
}

/// Adds the multi-year total rows (`year` null, `flag` = `total_<first>_<last>`): the sum
/// over every year, by the other dimensions.
pub(crate) fn with_year_totals(lf: LazyFrame, dims: &[&str]) -> PolarsResult<LazyFrame> {
    let others: Vec<Expr> = dims.iter().filter(|d| **d != "year").map(|d| col(*d)).collect();
    let cols: Vec<Expr> = dims.iter().map(|d| col(*d)).chain([col("value"), col("flag")]).collect();
    let yearly = lf.clone().with_column(lit(NULL).cast(DataType::String).alias("flag"));
    let totals = lf
        .group_by(others)
        .agg([col("value").sum(), col("year").min().alias("first"), col("year").max().alias("last")])
        // The years of the whole table, not of the group (a region may be absent in a year).
        .with_columns([col("first").min(), col("last").max()])
        .with_columns([
            lit(NULL).cast(DataType::Int32).alias("year"),
            (lit("total_") + col("first").cast(DataType::String) + lit("_") + col("last").cast(DataType::String)).alias("flag"),
        ]);
    concat([yearly.select(cols.clone()), totals.select(cols)], UnionArgs::default())
}

/// Persons by year and country of one world region, with `Total` per year.
fn country_table(id: &'static str, direction: &'static str, region: &'static str, reproduces: &'static str, title: Titles) -> Indicator {
    let (who, whose) = if direction == "incoming" { ("International students in incoming", "home country") } else { ("Kazakhstani students in outgoing", "host country") };
    Indicator {
        id,
        title,
        definition: format!(
            "{who} academic mobility (persons; identical episodes counted by `count`) by calendar year and {whose}, for the countries of the report's world region {region}, with the region's total per year."
        ),
        basis: Basis::Report,
        dimensions: &["year", "country_iso3"],
        unit: Unit::Persons,
        year_totals: false,
        sensitive: false,
        sources: &[Family::Mobility],
        reproduces: Some(reproduces),
        published: vec![Placement { file: id, place: country_table_row }],
        plan: Box::new(move |f| {
            let lf = students(f, direction)?.filter(col("world_region").eq(lit(region))).with_column(col("country").alias("country_iso3"));
            let dims = ["year", "country_iso3"];
            Ok(sorted(with_totals(sum_by(lf, &dims, "count"), &dims, &["country_iso3"])?, &dims))
        }),
    }
}

/// A row of a country table (its own file).
fn country_table_row(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let Some(country) = country_code(row, "country") else {
        return not_a_cell(&format!("country `{}` is not in the code list", field(row, "country")));
    };
    let year = field(row, "year");
    if year == "Total" {
        return not_a_cell("multi-year totals of the country tables are not produced");
    }
    exact(&[("year", year), ("country_iso3", &country)])
}

/// Persons by year and world region, with `Total` per year and the multi-year totals.
fn region_table(id: &'static str, direction: &'static str, reproduces: &'static str, title: Titles, published: Vec<Placement>) -> Indicator {
    let (who, whose) = if direction == "incoming" { ("International students in incoming", "their home country") } else { ("Kazakhstani students in outgoing", "the host country") };
    Indicator {
        id,
        title,
        definition: format!(
            "{who} academic mobility (persons) by calendar year and world region of {whose} (the report's regions), with totals per year and over all years (`year` empty, `flag` names the years)."
        ),
        basis: Basis::Report,
        dimensions: &["year", "world_region"],
        unit: Unit::Persons,
        year_totals: true,
        sensitive: false,
        sources: &[Family::Mobility],
        reproduces: Some(reproduces),
        published,
        plan: Box::new(move |f| {
            let dims = ["year", "world_region"];
            let by_region = with_totals(sum_by(students(f, direction)?, &dims, "count"), &dims, &["world_region"])?;
            Ok(sorted(with_year_totals(by_region, &dims)?, &dims))
        }),
    }
}

/// A row of a world-region table (its own file).
fn region_table_row(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    exact(&[("year", field(row, "year")), ("world_region", field(row, "region"))])
}

/// A row of the 2024 running text on student mobility, when its indicator is about students
/// (`inbound_students…`, `outbound_students…`): the rest of the indicator's name, the
/// direction, and the row's year (or why it is no cell).
pub(crate) fn student_text_row<'r>(file: &str, row: &'r PublishedRow) -> Option<(&'r str, &'static str, Result<String, String>)> {
    let indicator = field(row, "indicator");
    let suffix = indicator.strip_prefix("inbound_students").or_else(|| indicator.strip_prefix("outbound_students"))?;
    let direction = if file == INCOMING_TEXT { "incoming" } else { "outgoing" };
    Some((suffix, direction, running_text_year(file, row)))
}

/// Places a student-mobility text row whose indicator suffix `claims` accepts.
pub(crate) fn student_text(file: &str, row: &PublishedRow, claims: impl Fn(&str, &str) -> bool, cell: impl FnOnce(&str, &str, &str) -> Option<Placed>) -> Option<Placed> {
    let (suffix, direction, year) = student_text_row(file, row)?;
    if !claims(suffix, direction) {
        return None;
    }
    match year {
        Ok(year) => cell(suffix, direction, &year),
        Err(reason) => Some(Err(reason)),
    }
}

/// Whether a text row is the four-year total (`2021-2024`).
fn four_years(row: &PublishedRow) -> bool {
    field(row, "period") == "2021-2024"
}

/// The world-region table's cells in the text: all students over four years, and by region.
fn region_table_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let category = field(row, "category");
    let claims = |suffix: &str, _: &str| match suffix {
        "" => category == "Total" && four_years(row),
        "_by_region" => field(row, "iso3") != "USA",
        _ => false,
    };
    student_text(file, row, claims, |suffix, _, y| {
        let year = if four_years(row) { "Total" } else { y };
        exact(&[("year", year), ("world_region", if suffix.is_empty() { "Total" } else { category })])
    })
}

fn both_directions_row(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let direction = label_code(DIRECTION, field(row, "direction")).unwrap_or("outgoing");
    exact(&[("year", field(row, "year")), ("direction", direction)])
}

fn both_directions_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let claims = |suffix: &str, _: &str| suffix.is_empty() && field(row, "category") == "Total" && !four_years(row);
    student_text(file, row, claims, |_, direction, y| exact(&[("year", y), ("direction", direction)]))
}

fn outgoing_funding_row(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    exact(&[("year", field(row, "year")), ("funding_source", by_prefix(OUTGOING_FUNDING_SOURCE, field(row, "funding_source")).unwrap_or("Total"))])
}

fn budget_split_row(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    exact(&[("year", field(row, "year")), ("category", label_code(OUTGOING_BUDGET_SPLIT, field(row, "funding_source")).unwrap_or("Total"))])
}

/// The text's four-year split of outgoing students by funding.
fn budget_split_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    student_text(file, row, |suffix, _| suffix == "_by_funding" && four_years(row), |_, _, _| {
        let category = if field(row, "category") == "State budget" { "state_budget" } else { "extra_budgetary" };
        exact(&[("year", "Total"), ("category", category)])
    })
}

/// Students by country in the text (and the United States, which the text lists among the
/// world regions).
pub(crate) fn by_country_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let usa = field(row, "iso3") == "USA";
    let claims = |suffix: &str, _: &str| (suffix.is_empty() && field(row, "category") != "Total") || (suffix == "_by_region" && usa);
    student_text(file, row, claims, |suffix, direction, y| {
        let country = if suffix.is_empty() { country_code(row, "category") } else { Some("USA".to_string()) };
        match country {
            Some(iso3) => exact(&[("year", y), ("direction", direction), ("participant", "student"), ("country_iso3", &iso3)]),
            None => not_a_cell("country not in the code list"),
        }
    })
}

pub(crate) fn by_mode_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    student_text(file, row, |suffix, _| suffix == "_by_mode", |_, direction, y| {
        exact(&[("year", y), ("direction", direction), ("participant", "student"), ("mode", &field(row, "category").to_lowercase())])
    })
}

pub(crate) fn by_type_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    student_text(file, row, |suffix, _| suffix == "_by_type", |_, direction, y| {
        let mobility_type = by_prefix(MOBILITY_TYPE, field(row, "category")).unwrap_or("internship");
        exact(&[("year", y), ("direction", direction), ("participant", "student"), ("mobility_type", mobility_type)])
    })
}

pub(crate) fn by_level_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    student_text(file, row, |suffix, _| suffix == "_by_level", |_, direction, y| match level_code(field(row, "category")) {
        Some(level) => exact(&[("year", y), ("direction", direction), ("participant", "student"), ("level", level)]),
        None => not_a_cell("unknown level"),
    })
}

pub(crate) fn by_funding_source_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let claims = |suffix: &str, direction: &str| suffix == "_by_funding_source" || (suffix == "_by_funding" && direction == "outgoing" && !four_years(row));
    student_text(file, row, claims, |_, direction, y| {
        let category = field(row, "category");
        let code = if direction == "outgoing" {
            by_prefix(OUTGOING_FUNDING_SOURCE, category).unwrap_or("Total")
        } else {
            by_prefix(INCOMING_FUNDING_SOURCE, category).unwrap_or("international_grant")
        };
        exact(&[("year", y), ("direction", direction), ("participant", "student"), ("funding_source", code)])
    })
}

/// The 2024 files of students by field and country (`Total`: by field only).
pub(crate) fn by_field_file(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    if field(row, "country") == "Total" {
        return None;
    }
    let direction = label_code(DIRECTION, field(row, "direction")).unwrap_or("outgoing");
    match country_code(row, "country") {
        Some(iso3) => exact(&[("year", field(row, "year")), ("direction", direction), ("participant", "student"), ("field_code", field(row, "field_code")), ("country_iso3", &iso3)]),
        None => not_a_cell("country not in the code list"),
    }
}

/// The same files' rows by field only.
pub(crate) fn by_field_total_file(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    if field(row, "country") != "Total" {
        return None;
    }
    let direction = label_code(DIRECTION, field(row, "direction")).unwrap_or("outgoing");
    exact(&[("year", field(row, "year")), ("direction", direction), ("participant", "student"), ("field_code", field(row, "field_code"))])
}

fn sending_institutions_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    faculty_text(row, "faculty_exchange_sending_heis", |year| exact(&[("year", year), ("direction", "outgoing"), ("participant", "staff"), ("legal_form", "Total")]))
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        Indicator {
            id: "table_6_1_1",
            title: titles("Students in incoming and outgoing academic mobility", "Численность обучающихся по входящей и исходящей академической мобильности", "Кіріс және шығыс академиялық ұтқырлық бойынша білім алушылар саны"),
            definition: "Students in academic mobility (persons) by calendar year and direction: incoming (international students at Kazakhstani HEIs) and outgoing (Kazakhstani students abroad).".to_string(),
            basis: Basis::Report,
            dimensions: &["year", "direction"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Table 6.1.1"),
            published: vec![Placement { file: "table_6_1_1", place: both_directions_row }, Placement { file: INCOMING_TEXT, place: both_directions_in_text }, Placement { file: OUTGOING_TEXT, place: both_directions_in_text }],
            plan: Box::new(|f| {
                let lf = f.mobility()?.filter(col("participant").eq(lit("student")));
                Ok(sorted(sum_by(lf, &["year", "direction"], "count"), &["year", "direction"]))
            }),
        },
        country_table("table_6_1_3", "incoming", "CIS", "Table 6.1.3", titles("Incoming students from CIS countries", "Входящая мобильность из стран СНГ", "ТМД елдерінен кіріс ұтқырлық")),
        country_table("table_6_1_4", "incoming", "Southeast Asia", "Table 6.1.4", titles("Incoming students from Southeast Asian countries", "Входящая мобильность из стран Юго-Восточной Азии", "Оңтүстік-Шығыс Азия елдерінен кіріс ұтқырлық")),
        country_table("table_6_1_5", "incoming", "Europe", "Table 6.1.5", titles("Incoming students from European countries", "Входящая мобильность из стран Европы", "Еуропа елдерінен кіріс ұтқырлық")),
        region_table(
            "table_6_1_6",
            "incoming",
            "Table 6.1.6",
            titles("Incoming students by world region", "Входящая мобильность по регионам мира", "Әлем өңірлері бойынша кіріс ұтқырлық"),
            vec![Placement { file: "table_6_1_6", place: region_table_row }, Placement { file: INCOMING_TEXT, place: region_table_in_text }],
        ),
        country_table("table_6_1_9", "outgoing", "Europe", "Table 6.1.9", titles("Kazakhstani students in European countries", "Исходящая мобильность в страны Европы", "Еуропа елдеріне шығыс ұтқырлық")),
        country_table("table_6_1_10", "outgoing", "CIS", "Table 6.1.10", titles("Kazakhstani students in CIS countries", "Исходящая мобильность в страны СНГ", "ТМД елдеріне шығыс ұтқырлық")),
        country_table("table_6_1_11", "outgoing", "Southeast Asia", "Table 6.1.11", titles("Kazakhstani students in Southeast Asian countries", "Исходящая мобильность в страны Юго-Восточной Азии", "Оңтүстік-Шығыс Азия елдеріне шығыс ұтқырлық")),
        country_table("table_6_1_12", "outgoing", "Middle East", "Table 6.1.12", titles("Kazakhstani students in Middle Eastern countries", "Исходящая мобильность в страны Ближнего Востока", "Таяу Шығыс елдеріне шығыс ұтқырлық")),
        region_table(
            "table_6_1_13",
            "outgoing",
            "Table 6.1.13",
            titles("Kazakhstani students abroad by world region", "Исходящая мобильность по регионам мира", "Әлем өңірлері бойынша шығыс ұтқырлық"),
            vec![Placement { file: "table_6_1_13", place: region_table_row }, Placement { file: OUTGOING_TEXT, place: region_table_in_text }],
        ),
        Indicator {
            id: "table_6_1_14",
            title: titles("Funding sources of outgoing student mobility", "Источники финансирования исходящей академической мобильности", "Шығыс академиялық ұтқырлықты қаржыландыру көздері"),
            definition: "Kazakhstani students in outgoing academic mobility (persons) by calendar year and source of funding, with the total per year.".to_string(),
            basis: Basis::Report,
            dimensions: &["year", "funding_source"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Table 6.1.14"),
            published: vec![Placement { file: "table_6_1_14", place: outgoing_funding_row }],
            plan: Box::new(|f| {
                let dims = ["year", "funding_source"];
                Ok(sorted(with_totals(sum_by(students(f, "outgoing")?, &dims, "count"), &dims, &["funding_source"])?, &dims))
            }),
        },
        Indicator {
            id: "table_6_1_7",
            title: titles("Outgoing student mobility by funding: state budget and other", "Исходящая мобильность по финансированию: бюджет и внебюджет", "Шығыс ұтқырлық қаржыландыру бойынша: бюджет және бюджеттен тыс"),
            definition: "Kazakhstani students in outgoing academic mobility (persons) funded by the state budget (funding source `state_budget`) and by every other source (`extra_budgetary`), with the total, by calendar year and over all years (`year` empty, `flag` names the years).".to_string(),
            basis: Basis::Report,
            dimensions: &["year", "category"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            year_totals: true,
            sensitive: false,
            reproduces: Some("Table 6.1.7"),
            published: vec![Placement { file: "table_6_1_7", place: budget_split_row }, Placement { file: OUTGOING_TEXT, place: budget_split_in_text }],
            plan: Box::new(|f| {
                let lf = students(f, "outgoing")?.with_column(
                    when(col("funding_source").eq(lit("state_budget"))).then(lit("state_budget")).otherwise(lit("extra_budgetary")).alias("category"),
                );
                let dims = ["year", "category"];
                Ok(sorted(with_year_totals(with_totals(sum_by(lf, &dims, "count"), &dims, &["category"])?, &dims)?, &dims))
            }),
        },
        Indicator {
            id: "mobility_top3_countries_by_field",
            title: titles("Top three partner countries per field of education", "Три ведущие страны по областям образования", "Білім беру салалары бойынша үш жетекші ел"),
            definition: "For each calendar year, direction and field of education, the three countries with the most students in academic mobility (ties broken by country code), with their persons.".to_string(),
            basis: Basis::Report,
            dimensions: &["year", "direction", "field_code", "country_iso3"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Section 6.1 text: top-3 countries per field, 2024"),
            published: Vec::new(),
            plan: Box::new(|f| {
                let lf = f.mobility()?.filter(col("participant").eq(lit("student"))).with_column(col("country").alias("country_iso3"));
                let dims = ["year", "direction", "field_code", "country_iso3"];
                let ranked = sum_by(lf, &dims, "count").sort_by_exprs(
                    [col("year"), col("direction"), col("field_code"), col("value"), col("country_iso3")],
                    SortMultipleOptions::default().with_order_descending_multi([false, false, false, true, false]),
                );
                Ok(sorted(ranked.group_by_stable([col("year"), col("direction"), col("field_code")]).head(Some(3)), &["year", "direction", "field_code"]))
            }),
        },
        Indicator {
            id: "mobility_heis_by_legal_form",
            title: titles("Institutions with academic mobility by legal form", "Вузы с академической мобильностью по организационно-правовой форме", "Ұйымдық-құқықтық нысаны бойынша академиялық ұтқырлығы бар ЖОО"),
            definition: "Number of institutions with at least one episode of academic mobility, by calendar year, direction, participant (student, staff) and legal form, with totals.".to_string(),
            basis: Basis::Report,
            dimensions: &["year", "direction", "participant", "legal_form"],
            unit: Unit::Institutions,
            sources: &[Family::Mobility, Family::Hei],
            year_totals: false,
            sensitive: false,
            reproduces: None,
            published: vec![Placement { file: "text_6_1_faculty_mobility", place: sending_institutions_in_text }],
            plan: Box::new(|f| {
                let dims = ["year", "direction", "participant", "legal_form"];
                let distinct = f.mobility_with_institutions()?.select([col("year"), col("direction"), col("participant"), col("legal_form"), col("hei_code")]).unique(None, UniqueKeepStrategy::First);
                let counted = distinct.clone().group_by([col("year"), col("direction"), col("participant"), col("legal_form")]).agg([len().cast(DataType::Int64).alias("value")]);
                let totals = distinct
                    .group_by([col("year"), col("direction"), col("participant")])
                    .agg([col("hei_code").n_unique().cast(DataType::Int64).alias("value")])
                    .with_column(lit("Total").alias("legal_form"));
                let cols: Vec<Expr> = dims.iter().map(|d| col(*d)).chain([col("value")]).collect();
                Ok(sorted(concat([counted.select(cols.clone()), totals.select(cols)], UnionArgs::default())?, &dims))
            }),
        },
    ]
}

