//! International degree students: students enrolled on 1 October whose citizenship is not
//! Kazakhstan's, by year, funding, country (and the ten largest), world region, field, level
//! and year of study, region of study and legal form of the institution.
//!
//! The report's definition (the ministry's count of foreign citizens enrolled) is close to
//! UNESCO's "international students" by citizenship; UNESCO's inbound mobility rate (degree
//! students from abroad over all students) is `international_students_share`.

use hestat_contract::codes::code_lists;
use hestat_contract::{Family, Unit};
use hestat_reference::{field, PublishedRow};
use polars::prelude::*;

use crate::catalogue::{titles, Basis, Indicator, Titles};
use crate::intermediate::{region_as_published, world_regions, Frames};
use crate::placement::{exact, level_code, not_a_cell, running_text, running_text_where, Placed, Placement, PlacementContext};
use crate::tidy::{count_by, sorted, with_totals};
use crate::PlanError;

/// The running text on foreign students (section 6.1).
const TEXT: &str = "text_6_1_foreign_students";

fn foreign(f: &Frames) -> Result<LazyFrame, PlanError> {
    // Foreign students are few: filter first, then look up their institutions.
    Ok(f.students()?
        .filter(col("citizenship").neq(lit("KAZ")))
        .join(f.hei()?, [col("hei_code")], [col("hei_code")], JoinArgs::new(JoinType::Inner))
        .with_columns([col("citizenship").alias("country_iso3"), col("study_year").cast(DataType::String)])
        .join(world_regions()?.lazy(), [col("country_iso3")], [col("country_iso3")], JoinArgs::new(JoinType::Left)))
}

/// Foreign students counted by `dims`, with `Total` over `totals`.
fn by(id: &'static str, dims: &'static [&'static str], totals: &'static [&'static str], reproduces: Option<&'static str>, title: Titles, definition: &str, published: Vec<Placement>) -> Indicator {
    Indicator {
        id,
        title,
        definition: definition.to_string(),
        basis: Basis::Report,
        dimensions: dims,
        unit: Unit::Persons,
        year_totals: false,
        sensitive: false,
        sources: &[Family::Students, Family::Hei],
        reproduces,
        published,
        plan: Box::new(move |f| Ok(sorted(with_totals(count_by(foreign(f)?, dims), dims, totals)?, dims))),
    }
}

fn foreign_students_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    if field(row, "category") != "Total" {
        return None;
    }
    running_text(TEXT, row, "foreign_students", |y| exact(&[("academic_year", y)]))
}

fn by_country_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    if field(row, "category") == "Total" {
        return None;
    }
    running_text(TEXT, row, "foreign_students", |y| exact(&[("academic_year", y), ("country_iso3", field(row, "iso3"))]))
}

fn by_region_of_study_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text(TEXT, row, "foreign_students_by_kz_region", |y| match code_lists().region(field(row, "category")) {
        Some(region) => exact(&[("academic_year", y), ("region_code", region.code)]),
        None => not_a_cell("unknown region"),
    })
}

/// By level ("foreign_students_by_level"), and by year of study within a level
/// ("bachelor_foreign_students_by_year_of_study"…).
fn by_level_study_year_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let indicator = field(row, "indicator");
    let category = field(row, "category");
    let claims = |i: &str| i == "foreign_students_by_level" || i.ends_with("_by_year_of_study");
    running_text_where(TEXT, row, claims, |y| {
        if indicator == "foreign_students_by_level" {
            return match level_code(category) {
                Some(level) => exact(&[("academic_year", y), ("level", level), ("study_year", "Total")]),
                None => not_a_cell("unknown level"),
            };
        }
        let level = if indicator.contains("bachelor") {
            "bachelor"
        } else if indicator.contains("master") {
            "master"
        } else {
            "doctoral"
        };
        exact(&[("academic_year", y), ("level", level), ("study_year", category.trim_start_matches("Year "))])
    })
}

/// Preparatory students have no field (`PREP` in the file, empty in the table).
fn by_field_file(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let code = field(row, "field_code");
    exact(&[("academic_year", field(row, "year")), ("field_code", if code == "PREP" { "" } else { code })])
}

fn by_funding_table(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let year = field(row, "year");
    if year.parse::<i32>().is_ok_and(|y| y < 2021) {
        return not_a_cell("no submissions before 2021");
    }
    exact(&[("academic_year", year), ("category", if field(row, "funding_source") == "State budget" { "budget" } else { "extra_budgetary" })])
}

/// Figure 6.1.8 prints two labels without a region code; the synthetic dataset reads them
/// as docs/synthetic.md says.
fn by_region_before_2022_figure(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let region = match (field(row, "region_code"), field(row, "region_label_published")) {
        ("", "3КО") => "KZ-27",
        ("", _) => "KZ-59",
        (code, _) => code,
    };
    exact(&[("academic_year", field(row, "year")), ("region_code", region)])
}

/// Table 6.1.15 names its universities; the dataset's crosswalk gives their registry codes.
fn by_university_table(_: &str, row: &PublishedRow, context: &PlacementContext) -> Option<Placed> {
    let university = field(row, "university");
    if university == "Total" {
        return not_a_cell("the table's own total over its 12 universities is not a produced cell");
    }
    match context.report_universities.iter().find(|(name, _)| name == university) {
        Some((_, code)) => exact(&[("academic_year", field(row, "year")), ("hei_code", code), ("measure", field(row, "measure"))]),
        None => not_a_cell("university not in the registry crosswalk"),
    }
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        by("figure_6_1_3", &["academic_year"], &[], Some("Figure 6.1.3"), titles("Foreign students", "Численность иностранных студентов", "Шетелдік студенттер саны"), "Foreign citizens enrolled on 1 October (persons), by academic year.", vec![Placement { file: "figure_6_1_3", place: |_, row, _| exact(&[("academic_year", field(row, "year"))]) }, Placement { file: TEXT, place: foreign_students_in_text }]),
        Indicator {
            id: "table_6_1_16",
            title: titles("Foreign students by source of funding", "Иностранные студенты по источникам финансирования", "Қаржыландыру көздері бойынша шетелдік студенттер"),
            definition: "Foreign citizens enrolled on 1 October (persons) funded from the budget (state grant, local budget, other public sources: every source but `paid`) and extra-budgetary (`paid`), by academic year.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "category"],
            unit: Unit::Persons,
            sources: &[Family::Students, Family::Hei],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Table 6.1.16"),
            published: vec![Placement { file: "table_6_1_16", place: by_funding_table }, Placement { file: TEXT, place: |_, row, _| running_text(TEXT, row, "foreign_students_by_funding", |y| exact(&[("academic_year", y), ("category", "budget")])) }],
            plan: Box::new(|f| {
                let lf = foreign(f)?.with_column(when(col("funding").eq(lit("paid"))).then(lit("extra_budgetary")).otherwise(lit("budget")).alias("category"));
                let dims = ["academic_year", "category"];
                Ok(sorted(with_totals(count_by(lf, &dims), &dims, &["category"])?, &dims))
            }),
        },
        Indicator {
            id: "figure_6_1_8",
            title: titles("Foreign students by region of study (regions before 2022)", "Иностранные студенты по регионам (границы до 2022 года)", "Өңірлер бойынша шетелдік студенттер (2022 жылға дейінгі шекаралар)"),
            definition: "Foreign citizens enrolled on 1 October (persons) by academic year and region of the institution, with Abai, Zhetysu and Ulytau under the regions they belonged to before 2022, as Figure 6.1.8 shows them.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "region_code"],
            unit: Unit::Persons,
            sources: &[Family::Students, Family::Hei],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Figure 6.1.8"),
            published: vec![Placement { file: "figure_6_1_8", place: by_region_before_2022_figure }],
            plan: Box::new(|f| {
                let lf = region_as_published(foreign(f)?.with_column(lit(2000).alias("as_of")), "as_of")?;
                let dims = ["academic_year", "region_code"];
                Ok(sorted(with_totals(count_by(lf, &dims), &dims, &["region_code"])?, &dims))
            }),
        },
        by("foreign_students_by_region", &["academic_year", "region_code"], &["region_code"], None, titles("Foreign students by region of study", "Иностранные студенты по регионам обучения", "Оқу өңірлері бойынша шетелдік студенттер"), "Foreign citizens enrolled on 1 October (persons) by academic year and region of the institution (current regions).", vec![Placement { file: TEXT, place: by_region_of_study_in_text }]),
        Indicator {
            id: "table_6_1_15",
            title: titles("Foreign students and Indian citizens among them, by institution", "Иностранные студенты и граждане Индии по вузам", "ЖОО бойынша шетелдік студенттер және олардың ішінде Үндістан азаматтары"),
            definition: "Foreign citizens enrolled on 1 October (`measure` foreign_students_total) and those with Indian citizenship (of_which_indian_citizens), by academic year and institution.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "hei_code", "measure"],
            unit: Unit::Persons,
            sources: &[Family::Students, Family::Hei],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Table 6.1.15"),
            published: vec![Placement { file: "table_6_1_15", place: by_university_table }],
            plan: Box::new(|f| {
                let lf = foreign(f)?;
                let all = count_by(lf.clone(), &["academic_year", "hei_code"]).with_column(lit("foreign_students_total").alias("measure"));
                let indian = count_by(lf.filter(col("citizenship").eq(lit("IND"))), &["academic_year", "hei_code"]).with_column(lit("of_which_indian_citizens").alias("measure"));
                let cols = [col("academic_year"), col("hei_code"), col("measure"), col("value")];
                Ok(sorted(concat([all.select(cols.clone()), indian.select(cols)], UnionArgs::default())?, &["academic_year", "hei_code", "measure"]))
            }),
        },
        by("foreign_students_by_country", &["academic_year", "country_iso3"], &["country_iso3"], Some("Section 6.1 text: foreign students by country"), titles("Foreign students by country of citizenship", "Иностранные студенты по странам", "Елдер бойынша шетелдік студенттер"), "Foreign citizens enrolled on 1 October (persons) by academic year and country of citizenship.", vec![Placement { file: TEXT, place: by_country_in_text }]),
        Indicator {
            id: "foreign_students_top10_countries",
            title: titles("Ten largest countries of origin of foreign students", "Десять основных стран происхождения иностранных студентов", "Шетелдік студенттердің негізгі он елі"),
            definition: "The ten countries of citizenship with the most foreign students enrolled on 1 October, by academic year (ties broken by country code).".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "country_iso3"],
            unit: Unit::Persons,
            sources: &[Family::Students, Family::Hei],
            year_totals: false,
            sensitive: false,
            reproduces: None,
            published: Vec::new(),
            plan: Box::new(|f| {
                let counted = count_by(foreign(f)?, &["academic_year", "country_iso3"])
                    .sort_by_exprs([col("academic_year"), col("value"), col("country_iso3")], SortMultipleOptions::default().with_order_descending_multi([false, true, false]));
                Ok(counted.group_by_stable([col("academic_year")]).head(Some(10)))
            }),
        },
        by("foreign_students_by_world_region", &["academic_year", "world_region"], &["world_region"], Some("Section 6.1 text: foreign students by region of origin"), titles("Foreign students by world region of origin", "Иностранные студенты по регионам мира", "Әлем өңірлері бойынша шетелдік студенттер"), "Foreign citizens enrolled on 1 October (persons) by academic year and world region of their country (the report's regions).", vec![Placement { file: TEXT, place: |_, row, _| running_text(TEXT, row, "foreign_students_by_region_of_origin", |y| exact(&[("academic_year", y), ("world_region", field(row, "category"))])) }]),
        by("foreign_students_by_field", &["academic_year", "field_code"], &["field_code"], Some("Section 6.1 text: foreign students by field"), titles("Foreign students by field of education", "Иностранные студенты по областям образования", "Білім беру салалары бойынша шетелдік студенттер"), "Foreign citizens enrolled on 1 October (persons) by academic year and field of education; preparatory students have no field (empty).", vec![Placement { file: "text_6_1_foreign_students_by_field", place: by_field_file }]),
        by("foreign_students_by_level_study_year", &["academic_year", "level", "study_year"], &["level", "study_year"], Some("Section 6.1 text: foreign students by level and year of study"), titles("Foreign students by level and year of study", "Иностранные студенты по уровням и курсам", "Деңгейлер мен курстар бойынша шетелдік студенттер"), "Foreign citizens enrolled on 1 October (persons) by academic year, level and year of study.", vec![Placement { file: TEXT, place: by_level_study_year_in_text }]),
        by("foreign_students_by_funding", &["academic_year", "funding"], &["funding"], None, titles("Foreign students by source of funding (codes)", "Иностранные студенты по источникам финансирования (коды)", "Қаржыландыру көздері бойынша шетелдік студенттер (кодтар)"), "Foreign citizens enrolled on 1 October (persons) by academic year and source of funding (state grant, local budget, paid, other).", Vec::new()),
        by("foreign_students_by_legal_form", &["academic_year", "legal_form"], &["legal_form"], None, titles("Foreign students by type of institution", "Иностранные студенты по типам вузов", "ЖОО түрлері бойынша шетелдік студенттер"), "Foreign citizens enrolled on 1 October (persons) by academic year and legal form of the institution.", Vec::new()),
        Indicator {
            id: "international_students_share",
            title: titles("Inbound mobility rate (foreign students as a share of all students)", "Доля иностранных студентов в контингенте", "Шетелдік студенттердің контингенттегі үлесі"),
            definition: "UNESCO UIS inbound mobility rate, approximated by citizenship: foreign citizens enrolled as a percentage of all students enrolled on 1 October, by academic year (UIS counts students who crossed a border to study; citizenship is the report's proxy).".to_string(),
            basis: Basis::International,
            dimensions: &["academic_year"],
            unit: Unit::Percent,
            sources: &[Family::Students],
            year_totals: false,
            sensitive: false,
            reproduces: None,
            published: Vec::new(),
            plan: Box::new(|f| {
                Ok(f.enrollment()?
                    .group_by([col("academic_year")])
                    .agg([(col("students").filter(col("citizenship").neq(lit("KAZ"))).sum().cast(DataType::Float64) * lit(100.0) / col("students").sum().cast(DataType::Float64)).alias("value")])
                    .sort(["academic_year"], SortMultipleOptions::default()))
            }),
        },
        Indicator {
            id: "outbound_mobility_ratio",
            title: titles("Outbound credit mobility ratio", "Коэффициент исходящей кредитной мобильности", "Шығыс кредиттік ұтқырлық коэффициенті"),
            definition: "Kazakhstani students in outgoing academic (credit) mobility in the calendar year as a percentage of all students enrolled on 1 October of that year. UNESCO UIS's outbound mobility ratio counts degree students abroad over domestic enrolment; Kazakhstani degree students abroad are not in these submissions, so credit mobility is used (say so when comparing).".to_string(),
            basis: Basis::International,
            dimensions: &["year"],
            unit: Unit::Percent,
            sources: &[Family::Mobility, Family::Students],
            year_totals: false,
            sensitive: false,
            reproduces: None,
            published: Vec::new(),
            plan: Box::new(|f| {
                let outgoing = f
                    .mobility()?
                    .filter(col("participant").eq(lit("student")).and(col("direction").eq(lit("outgoing"))))
                    .group_by([col("year")])
                    .agg([col("count").sum().cast(DataType::Float64).alias("outgoing")]);
                let enrolled = f.enrollment()?.group_by([col("academic_year")]).agg([col("students").sum().cast(DataType::Float64).alias("enrolled")]);
                Ok(outgoing
                    .join(enrolled, [col("year")], [col("academic_year")], JoinArgs::new(JoinType::Inner))
                    .select([col("year"), (col("outgoing") * lit(100.0) / col("enrolled")).alias("value")])
                    .sort(["year"], SortMultipleOptions::default()))
            }),
        },
    ]
}
