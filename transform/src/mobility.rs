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
use polars::prelude::*;

use crate::catalogue::{Basis, Frames, Indicator};
use crate::tidy::{counts_and_shares, sorted, sum_by, with_totals};

fn students(f: &Frames, direction: &'static str) -> PolarsResult<LazyFrame> {
    Ok(f.mobility_with_regions()?.filter(col("participant").eq(lit("student")).and(col("direction").eq(lit(direction)))))
}

fn staff(f: &Frames) -> PolarsResult<LazyFrame> {
    Ok(f.mobility_with_regions()?.filter(col("participant").eq(lit("staff")).and(col("direction").eq(lit("outgoing")))))
}

/// Adds the multi-year total rows (`year` null, `flag` = `total_<first>_<last>`): the sum
/// over every year, by the other dimensions.
fn with_year_totals(lf: LazyFrame, dims: &[&str]) -> PolarsResult<LazyFrame> {
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
fn country_table(id: &'static str, direction: &'static str, region: &'static str, reproduces: &'static str, title: [&'static str; 3]) -> Indicator {
    Indicator {
        id,
        title,
        definition: "Students in academic mobility (persons; identical episodes counted by `count`) by calendar year and country of the world region, with the region's total per year.",
        basis: Basis::Report,
        dimensions: &["year", "country_iso3"],
        unit: Unit::Persons,
        sources: &[Family::Mobility],
        reproduces: Some(reproduces),
        plan: Box::new(move |f| {
            let lf = students(f, direction)?.filter(col("world_region").eq(lit(region))).with_column(col("country").alias("country_iso3"));
            let dims = ["year", "country_iso3"];
            Ok(sorted(with_totals(sum_by(lf, &dims, "count"), &dims, &["country_iso3"])?, &dims))
        }),
    }
}

/// Persons by year and world region, with `Total` per year and the multi-year totals.
fn region_table(id: &'static str, direction: &'static str, reproduces: &'static str, title: [&'static str; 3]) -> Indicator {
    Indicator {
        id,
        title,
        definition: "Students in academic mobility (persons) by calendar year and world region of the partner country (the report's regions), with totals per year and over all years (`year` empty, `flag` names the years).",
        basis: Basis::Report,
        dimensions: &["year", "world_region"],
        unit: Unit::Persons,
        sources: &[Family::Mobility],
        reproduces: Some(reproduces),
        plan: Box::new(move |f| {
            let dims = ["year", "world_region"];
            let by_region = with_totals(sum_by(students(f, direction)?, &dims, "count"), &dims, &["world_region"])?;
            Ok(sorted(with_year_totals(by_region, &dims)?, &dims))
        }),
    }
}

pub fn indicators() -> Vec<Indicator> {
    let mut all = vec![
        Indicator {
            id: "table_6_1_1",
            title: [
                "Students in incoming and outgoing academic mobility",
                "Численность обучающихся по входящей и исходящей академической мобильности",
                "Кіріс және шығыс академиялық ұтқырлық бойынша білім алушылар саны",
            ],
            definition: "Students in academic mobility (persons) by calendar year and direction: incoming (international students at Kazakhstani HEIs) and outgoing (Kazakhstani students abroad).",
            basis: Basis::Report,
            dimensions: &["year", "direction"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            reproduces: Some("Table 6.1.1"),
            plan: Box::new(|f| {
                let lf = f.mobility()?.filter(col("participant").eq(lit("student")));
                Ok(sorted(sum_by(lf, &["year", "direction"], "count"), &["year", "direction"]))
            }),
        },
        country_table("table_6_1_3", "incoming", "CIS", "Table 6.1.3", ["Incoming students from CIS countries", "Входящая мобильность из стран СНГ", "ТМД елдерінен кіріс ұтқырлық"]),
        country_table("table_6_1_4", "incoming", "Southeast Asia", "Table 6.1.4", ["Incoming students from Southeast Asian countries", "Входящая мобильность из стран Юго-Восточной Азии", "Оңтүстік-Шығыс Азия елдерінен кіріс ұтқырлық"]),
        country_table("table_6_1_5", "incoming", "Europe", "Table 6.1.5", ["Incoming students from European countries", "Входящая мобильность из стран Европы", "Еуропа елдерінен кіріс ұтқырлық"]),
        region_table("table_6_1_6", "incoming", "Table 6.1.6", ["Incoming students by world region", "Входящая мобильность по регионам мира", "Әлем өңірлері бойынша кіріс ұтқырлық"]),
        country_table("table_6_1_9", "outgoing", "Europe", "Table 6.1.9", ["Kazakhstani students in European countries", "Исходящая мобильность в страны Европы", "Еуропа елдеріне шығыс ұтқырлық"]),
        country_table("table_6_1_10", "outgoing", "CIS", "Table 6.1.10", ["Kazakhstani students in CIS countries", "Исходящая мобильность в страны СНГ", "ТМД елдеріне шығыс ұтқырлық"]),
        country_table("table_6_1_11", "outgoing", "Southeast Asia", "Table 6.1.11", ["Kazakhstani students in Southeast Asian countries", "Исходящая мобильность в страны Юго-Восточной Азии", "Оңтүстік-Шығыс Азия елдеріне шығыс ұтқырлық"]),
        country_table("table_6_1_12", "outgoing", "Middle East", "Table 6.1.12", ["Kazakhstani students in Middle Eastern countries", "Исходящая мобильность в страны Ближнего Востока", "Таяу Шығыс елдеріне шығыс ұтқырлық"]),
        region_table("table_6_1_13", "outgoing", "Table 6.1.13", ["Kazakhstani students abroad by world region", "Исходящая мобильность по регионам мира", "Әлем өңірлері бойынша шығыс ұтқырлық"]),
        Indicator {
            id: "table_6_1_14",
            title: ["Funding sources of outgoing student mobility", "Источники финансирования исходящей академической мобильности", "Шығыс академиялық ұтқырлықты қаржыландыру көздері"],
            definition: "Kazakhstani students in outgoing academic mobility (persons) by calendar year and source of funding, with the total per year.",
            basis: Basis::Report,
            dimensions: &["year", "funding_source"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            reproduces: Some("Table 6.1.14"),
            plan: Box::new(|f| {
                let dims = ["year", "funding_source"];
                Ok(sorted(with_totals(sum_by(students(f, "outgoing")?, &dims, "count"), &dims, &["funding_source"])?, &dims))
            }),
        },
        Indicator {
            id: "table_6_1_7",
            title: ["Outgoing student mobility by funding: state budget and other", "Исходящая мобильность по финансированию: бюджет и внебюджет", "Шығыс ұтқырлық қаржыландыру бойынша: бюджет және бюджеттен тыс"],
            definition: "Kazakhstani students in outgoing academic mobility (persons) funded by the state budget (funding source `state_budget`) and by every other source (`extra_budgetary`), with the total, by calendar year and over all years (`year` empty, `flag` names the years).",
            basis: Basis::Report,
            dimensions: &["year", "category"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            reproduces: Some("Table 6.1.7"),
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
            title: ["Top three partner countries per field of education", "Три ведущие страны по областям образования", "Білім беру салалары бойынша үш жетекші ел"],
            definition: "For each calendar year, direction and field of education, the three countries with the most students in academic mobility (ties broken by country code), with their persons.",
            basis: Basis::Report,
            dimensions: &["year", "direction", "field_code", "country_iso3"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            reproduces: Some("Section 6.1 text: top-3 countries per field, 2024"),
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
            title: ["Institutions with academic mobility by legal form", "Вузы с академической мобильностью по организационно-правовой форме", "Ұйымдық-құқықтық нысаны бойынша академиялық ұтқырлығы бар ЖОО"],
            definition: "Number of institutions with at least one episode of academic mobility, by calendar year, direction, participant (student, staff) and legal form, with totals.",
            basis: Basis::Report,
            dimensions: &["year", "direction", "participant", "legal_form"],
            unit: Unit::Institutions,
            sources: &[Family::Mobility, Family::Hei],
            reproduces: None,
            plan: Box::new(|f| {
                let dims = ["year", "direction", "participant", "legal_form"];
                let distinct = f.mobility_with_regions()?.select([col("year"), col("direction"), col("participant"), col("legal_form"), col("hei_code")]).unique(None, UniqueKeepStrategy::First);
                let counted = distinct.clone().group_by([col("year"), col("direction"), col("participant"), col("legal_form")]).agg([len().cast(DataType::Int64).alias("value")]);
                let totals = distinct
                    .group_by([col("year"), col("direction"), col("participant")])
                    .agg([col("hei_code").n_unique().cast(DataType::Int64).alias("value")])
                    .with_column(lit("Total").alias("legal_form"));
                let cols: Vec<Expr> = dims.iter().map(|d| col(*d)).chain([col("value")]).collect();
                Ok(sorted(concat([counted.select(cols.clone()), totals.select(cols)], UnionArgs::default())?, &dims))
            }),
        },
    ];
    all.extend(staff_indicators());
    all
}

/// Faculty exchanges (outgoing staff mobility): Tables 6.1.17 to 6.1.23.
fn staff_indicators() -> Vec<Indicator> {
    let by = |id: &'static str, dimension: &'static str, reproduces: &'static str, title: [&'static str; 3], definition: &'static str| Indicator {
        id,
        title,
        definition,
        basis: Basis::Report,
        dimensions: match dimension {
            "legal_form" => &["year", "legal_form", "measure"],
            "mode" => &["year", "mode", "measure"],
            "field_code" => &["year", "field_code", "measure"],
            "country_iso3" => &["year", "country_iso3", "measure"],
            _ => &["year", "funding_source", "measure"],
        },
        unit: Unit::Mixed,
        sources: &[Family::Mobility, Family::Hei],
        reproduces: Some(reproduces),
        plan: Box::new(move |f| {
            let lf = staff(f)?.with_column(col("country").alias("country_iso3"));
            let dims = ["year", dimension];
            counts_and_shares(with_totals(sum_by(lf, &dims, "count"), &dims, &[dimension])?, &dims, dimension, "year")
        }),
    };
    vec![
        by("table_6_1_17", "legal_form", "Table 6.1.17", ["Faculty in academic exchange by type of institution", "ППС в академическом обмене по типу вуза", "ЖОО түрі бойынша академиялық алмасудағы ПОҚ"], "Kazakhstani faculty in outgoing academic exchange by calendar year and legal form of their institution: persons (measure `count`) and shares of the year's total (`share`)."),
        by("table_6_1_18", "mode", "Table 6.1.18", ["Faculty in academic exchange by teaching format", "ППС в академическом обмене по формату", "Оқыту форматы бойынша академиялық алмасудағы ПОҚ"], "Kazakhstani faculty in outgoing academic exchange (persons) by calendar year and format (online, offline, blended)."),
        by("table_6_1_19", "country_iso3", "Table 6.1.19", ["Faculty in academic exchange by host country", "ППС в академическом обмене по странам", "Қабылдаушы ел бойынша академиялық алмасудағы ПОҚ"], "Kazakhstani faculty in outgoing academic exchange (persons) by calendar year and host country."),
        Indicator {
            id: "table_6_1_20",
            title: ["Countries taking part in faculty academic exchange", "Страны, участвующие в академическом обмене ППС", "ПОҚ академиялық алмасуына қатысатын елдер"],
            definition: "1 for every host country of at least one Kazakhstani faculty member in outgoing academic exchange in the calendar year; `Total`: the number of such countries.",
            basis: Basis::Report,
            dimensions: &["year", "country_iso3"],
            unit: Unit::Countries,
            sources: &[Family::Mobility],
            reproduces: Some("Table 6.1.20"),
            plan: Box::new(|f| {
                let dims = ["year", "country_iso3"];
                let listed = sum_by(staff(f)?.with_column(col("country").alias("country_iso3")), &dims, "count").with_column(lit(1i64).alias("value"));
                Ok(sorted(with_totals(listed, &dims, &["country_iso3"])?, &dims))
            }),
        },
        by("table_6_1_22", "field_code", "Table 6.1.22", ["Faculty in academic exchange by field of education", "ППС в академическом обмене по областям образования", "Білім беру салалары бойынша академиялық алмасудағы ПОҚ"], "Kazakhstani faculty in outgoing academic exchange (persons) by calendar year and field of education."),
        by("table_6_1_23", "funding_source", "Table 6.1.23", ["Faculty in academic exchange by funding source", "ППС в академическом обмене по источникам финансирования", "Қаржыландыру көздері бойынша академиялық алмасудағы ПОҚ"], "Kazakhstani faculty in outgoing academic exchange (persons) by calendar year and source of funding (the input contract's codes; the report's programmes are finer)."),
    ]
}
