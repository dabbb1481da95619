//! Inclusion (section 8.2): students with special educational needs (SEN) and their share of
//! all students; by level, disability group, field, year of study and dormitory; SEN students
//! in academic mobility; students from socially vulnerable groups by category and field.
//!
//! A student is "socially vulnerable" (Table 8.2.3) when from a low-income family, a large
//! family, or studying under the rural quota; the total counts students, so one in two
//! categories counts once (the categories can add up to more than the total).

use hestat_contract::{Family, Unit};
use hestat_reference::crosswalks::{exact as label_code, VULNERABLE_GROUP};
use hestat_reference::{field, PublishedRow};
use polars::prelude::*;

use crate::catalogue::{titles, Basis, Indicator, Titles};
use crate::intermediate::Frames;
use crate::placement::{exact, field_code, key, level_code, not_a_cell, running_text, Placed, Placement, PlacementContext, Precision};
use crate::tidy::{count_by, counts_and_shares, part_and_share, sorted, sum_by, with_totals};
use crate::PlanError;

/// The running text on students with special educational needs (section 8.2).
const TEXT: &str = "text_8_2_sen_students";

/// A count or a share of a table of counts and shares (`measure`), as printed.
fn count_or_share(row: &PublishedRow, pairs: &[(&str, &str)]) -> Option<Placed> {
    let share = field(row, "measure") == "share";
    let mut key = key(pairs);
    key.insert("measure".into(), if share { "share" } else { "count" }.into());
    Some(Ok((key, if share { Precision::of_printed(field(row, "value")) } else { Precision::Exact })))
}

fn sen_students_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let count = running_text(file, row, "sen_students", |y| exact(&[("academic_year", y), ("measure", "count")]));
    count.or_else(|| {
        running_text(file, row, "sen_students_share_of_all_students", |y| Some(Ok((key(&[("academic_year", y), ("measure", "share")]), Precision::of_printed(field(row, "value"))))))
    })
}

fn by_level_table(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    match level_code(field(row, "level")) {
        Some(level) => count_or_share(row, &[("academic_year", field(row, "year")), ("level", level)]),
        None => not_a_cell("unknown level"),
    }
}

fn by_level_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text(file, row, "sen_students_by_level", |y| match level_code(field(row, "category")) {
        Some(level) => exact(&[("academic_year", y), ("level", level), ("measure", "count")]),
        None => not_a_cell("second higher education is not a level of the input contract (inconsistency A19)"),
    })
}

fn by_disability_group_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text(file, row, "students_with_disabilities_by_group", |y| exact(&[("academic_year", y), ("disability_group", field(row, "category").trim_start_matches("Group ")), ("measure", "count")]))
}

fn by_field_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text(file, row, "sen_students_by_field", |y| match field_code(field(row, "category")) {
        Some(code) => exact(&[("academic_year", y), ("field_code", code), ("measure", "count")]),
        None => not_a_cell("unknown field"),
    })
}

fn by_study_year_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text(file, row, "sen_students_by_year_of_study", |y| exact(&[("academic_year", y), ("study_year", field(row, "category").trim_start_matches("Year ")), ("measure", "count")]))
}

fn in_dormitories_in_text(file: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text(file, row, "sen_students_in_dormitories", |y| exact(&[("academic_year", y), ("category", "dormitory"), ("measure", "count")]))
}

fn vulnerable_groups_table(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    count_or_share(row, &[("academic_year", field(row, "year")), ("category", label_code(VULNERABLE_GROUP, field(row, "category")).unwrap_or("Total"))])
}

fn vulnerable_by_field_file(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let measure = field(row, "measure");
    let precision = if measure == "share" { Precision::of_printed(field(row, "value")) } else { Precision::Exact };
    Some(Ok((key(&[("academic_year", field(row, "year")), ("field_code", field(row, "field_code")), ("measure", measure)]), precision)))
}

fn sen(f: &Frames) -> Result<LazyFrame, PlanError> {
    Ok(f.students()?.filter(col("sen")))
}

fn vulnerable(f: &Frames) -> Result<LazyFrame, PlanError> {
    Ok(f.students()?.filter(col("low_income").or(col("large_family")).or(col("grant_quota").eq(lit("rural")))))
}

/// Students with special needs by one dimension: counts and shares of all of them.
fn sen_by(id: &'static str, dimension: &'static str, reproduces: Option<&'static str>, title: Titles, definition: &str, published: Vec<Placement>) -> Indicator {
    Indicator {
        id,
        title,
        definition: definition.to_string(),
        basis: Basis::Report,
        dimensions: match dimension {
            "level" => &["academic_year", "level", "measure"],
            "disability_group" => &["academic_year", "disability_group", "measure"],
            "field_code" => &["academic_year", "field_code", "measure"],
            "study_year" => &["academic_year", "study_year", "measure"],
            _ => &["academic_year", "category", "measure"],
        },
        unit: Unit::Mixed,
        year_totals: false,
        sensitive: true,
        sources: &[Family::Students],
        reproduces,
        published,
        plan: Box::new(move |f| {
            let lf = sen(f)?.with_columns([
                col("study_year").cast(DataType::String),
                when(col("dormitory")).then(lit("dormitory")).otherwise(lit("no_dormitory")).alias("category"),
            ]);
            let dims = ["academic_year", dimension];
            Ok(counts_and_shares(with_totals(count_by(lf, &dims), &dims, &[dimension])?, &dims, dimension, "academic_year")?)
        }),
    }
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        Indicator {
            id: "sen_students",
            title: titles("Students with special educational needs and their share of all students", "Обучающиеся с ООП и их доля в контингенте", "Ерекше білім беру қажеттіліктері бар білім алушылар және олардың үлесі"),
            definition: "Students with special educational needs (`sen` = yes) enrolled on 1 October (measure `count`), and as a percentage of all students enrolled (measure `share`), by academic year.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "measure"],
            unit: Unit::Mixed,
            sources: &[Family::Students],
            year_totals: false,
            sensitive: true,
            reproduces: Some("Section 8.2: SEN students"),
            published: vec![Placement { file: TEXT, place: sen_students_in_text }],
            plan: Box::new(|f| {
                let by_year = f.students()?.group_by([col("academic_year")]).agg([col("sen").sum().cast(DataType::Float64).alias("part"), len().cast(DataType::Float64).alias("all")]);
                Ok(part_and_share(by_year, "count")?)
            }),
        },
        sen_by("table_8_2_1", "level", Some("Table 8.2.1"), titles("Students with SEN by level of education", "Обучающиеся с ООП по уровням образования", "Білім беру деңгейлері бойынша ЕБҚ бар білім алушылар"), "Students with special educational needs enrolled on 1 October by academic year and level: counts and shares of all SEN students.", vec![Placement { file: "table_8_2_1", place: by_level_table }, Placement { file: TEXT, place: by_level_in_text }]),
        sen_by("figure_8_2_1", "disability_group", Some("Diagram 8.2.1"), titles("Students with SEN by disability group", "Обучающиеся с ООП по группам инвалидности", "Мүгедектік топтары бойынша ЕБҚ бар білім алушылар"), "Students with special educational needs by academic year and disability group (I, II, III; empty: SEN without a disability status): counts and shares.", vec![Placement { file: TEXT, place: by_disability_group_in_text }]),
        sen_by("sen_students_by_field", "field_code", Some("Section 8.2 text: SEN students by field"), titles("Students with SEN by field of education", "Обучающиеся с ООП по областям образования", "Білім беру салалары бойынша ЕБҚ бар білім алушылар"), "Students with special educational needs by academic year and field of education: counts and shares.", vec![Placement { file: TEXT, place: by_field_in_text }]),
        sen_by("sen_students_by_study_year", "study_year", Some("Section 8.2 text: SEN students by year of study"), titles("Students with SEN by year of study", "Обучающиеся с ООП по курсам", "Курстар бойынша ЕБҚ бар білім алушылар"), "Students with special educational needs by academic year and year of study: counts and shares.", vec![Placement { file: TEXT, place: by_study_year_in_text }]),
        sen_by("sen_students_by_dormitory", "category", Some("Section 8.2 text: SEN students in dormitories"), titles("Students with SEN living in dormitories", "Обучающиеся с ООП, проживающие в общежитиях", "Жатақханада тұратын ЕБҚ бар білім алушылар"), "Students with special educational needs by academic year, living in a dormitory or not (`category`): counts and shares.", vec![Placement { file: "text_8_2_inclusive_conditions", place: in_dormitories_in_text }]),
        Indicator {
            id: "sen_students_in_mobility",
            title: titles("Students with SEN in academic mobility", "Обучающиеся с ООП в академической мобильности", "Академиялық ұтқырлықтағы ЕБҚ бар білім алушылар"),
            definition: "Students with special educational needs in academic mobility (persons) by calendar year, direction and field of education, with totals.".to_string(),
            basis: Basis::Report,
            dimensions: &["year", "direction", "field_code"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            year_totals: false,
            sensitive: true,
            reproduces: Some("Section 8.2 infographic: SEN students in mobility"),
            published: Vec::new(),
            plan: Box::new(|f| {
                let lf = f.mobility()?.filter(col("participant").eq(lit("student")).and(col("sen").fill_null(lit(false))));
                let dims = ["year", "direction", "field_code"];
                Ok(sorted(with_totals(sum_by(lf, &dims, "count"), &dims, &["field_code"])?, &dims))
            }),
        },
        Indicator {
            id: "table_8_2_3",
            title: titles("Students from socially vulnerable groups", "Обучающиеся из социально уязвимых слоёв населения", "Әлеуметтік осал топтардан шыққан білім алушылар"),
            definition: "Students enrolled on 1 October from low-income families, under the rural quota and from large families (`category`), and the students in any of them (`Total`, each student once), by academic year: counts and shares of the total.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "category", "measure"],
            unit: Unit::Mixed,
            sources: &[Family::Students],
            year_totals: false,
            sensitive: true,
            reproduces: Some("Table 8.2.3"),
            published: vec![Placement { file: "table_8_2_3", place: vulnerable_groups_table }],
            plan: Box::new(|f| {
                let lf = vulnerable(f)?;
                let part = |name: &str, filter: Expr| count_by(lf.clone().filter(filter), &["academic_year"]).with_column(lit(name).alias("category"));
                let cols = [col("academic_year"), col("category"), col("value")];
                let parts = [
                    part("low_income", col("low_income")),
                    part("rural_quota", col("grant_quota").eq(lit("rural"))),
                    part("large_family", col("large_family")),
                    part("Total", lit(true)),
                ]
                .map(|p| p.select(cols.clone()));
                Ok(counts_and_shares(concat(parts, UnionArgs::default())?, &["academic_year", "category"], "category", "academic_year")?)
            }),
        },
        Indicator {
            id: "vulnerable_students_by_field",
            title: titles("Students from socially vulnerable groups by field of education", "Обучающиеся из социально уязвимых слоёв по областям образования", "Білім беру салалары бойынша әлеуметтік осал топтардан шыққан білім алушылар"),
            definition: "Students from socially vulnerable groups (each once) enrolled on 1 October by academic year and field of education: counts and shares of all such students.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "field_code", "measure"],
            unit: Unit::Mixed,
            sources: &[Family::Students],
            year_totals: false,
            sensitive: true,
            reproduces: Some("Section 8.2 infographic: vulnerable students by field"),
            published: vec![Placement { file: "text_8_2_vulnerable_by_field", place: vulnerable_by_field_file }],
            plan: Box::new(|f| {
                let dims = ["academic_year", "field_code"];
                Ok(counts_and_shares(with_totals(count_by(vulnerable(f)?, &dims), &dims, &["field_code"])?, &dims, "field_code", "academic_year")?)
            }),
        },
    ]
}
