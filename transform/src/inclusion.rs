//! Inclusion (section 8.2): students with special educational needs (SEN) and their share of
//! all students; by level, disability group, field, year of study and dormitory; SEN students
//! in academic mobility; students from socially vulnerable groups by category and field.
//!
//! A student is "socially vulnerable" (Table 8.2.3) when from a low-income family, a large
//! family, or studying under the rural quota; the total counts students, so one in two
//! categories counts once (the categories can add up to more than the total).

use hestat_contract::{Family, Unit};
use polars::prelude::*;

use crate::catalogue::{Basis, Frames, Indicator};
use crate::tidy::{count_by, counts_and_shares, part_and_share, sorted, with_totals};

fn sen(f: &Frames) -> PolarsResult<LazyFrame> {
    Ok(f.students()?.filter(col("sen")))
}

fn vulnerable(f: &Frames) -> PolarsResult<LazyFrame> {
    Ok(f.students()?.filter(col("low_income").or(col("large_family")).or(col("grant_quota").eq(lit("rural")))))
}

fn sen_by(id: &'static str, dimension: &'static str, reproduces: Option<&'static str>, title: [&'static str; 3], definition: &'static str) -> Indicator {
    Indicator {
        id,
        title,
        definition,
        basis: Basis::Report,
        dimensions: match dimension {
            "level" => &["academic_year", "level"],
            "disability_group" => &["academic_year", "disability_group"],
            "field_code" => &["academic_year", "field_code"],
            "study_year" => &["academic_year", "study_year"],
            _ => &["academic_year", "category"],
        },
        unit: Unit::Mixed,
        sources: &[Family::Students],
        reproduces,
        plan: Box::new(move |f| {
            let lf = sen(f)?.with_columns([
                col("study_year").cast(DataType::String),
                when(col("dormitory")).then(lit("dormitory")).otherwise(lit("no_dormitory")).alias("category"),
            ]);
            let dims = ["academic_year", dimension];
            counts_and_shares(with_totals(count_by(lf, &dims), &dims, &[dimension])?, &dims, dimension, "academic_year")
        }),
    }
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        Indicator {
            id: "sen_students",
            title: ["Students with special educational needs and their share of all students", "Обучающиеся с ООП и их доля в контингенте", "Ерекше білім беру қажеттіліктері бар білім алушылар және олардың үлесі"],
            definition: "Students with special educational needs (`sen` = yes) enrolled on 1 October (measure `count`), and as a percentage of all students enrolled (measure `share`), by academic year.",
            basis: Basis::Report,
            dimensions: &["academic_year", "measure"],
            unit: Unit::Mixed,
            sources: &[Family::Students],
            reproduces: Some("Section 8.2: SEN students"),
            plan: Box::new(|f| {
                let by_year = f.students()?.group_by([col("academic_year")]).agg([col("sen").sum().cast(DataType::Float64).alias("part"), len().cast(DataType::Float64).alias("all")]);
                part_and_share(by_year, "count")
            }),
        },
        sen_by("table_8_2_1", "level", Some("Table 8.2.1"), ["Students with SEN by level of education", "Обучающиеся с ООП по уровням образования", "Білім беру деңгейлері бойынша ЕБҚ бар білім алушылар"], "Students with special educational needs enrolled on 1 October by academic year and level: counts and shares of all SEN students."),
        sen_by("figure_8_2_1", "disability_group", Some("Diagram 8.2.1"), ["Students with SEN by disability group", "Обучающиеся с ООП по группам инвалидности", "Мүгедектік топтары бойынша ЕБҚ бар білім алушылар"], "Students with special educational needs by academic year and disability group (I, II, III; empty: SEN without a disability status): counts and shares."),
        sen_by("sen_students_by_field", "field_code", Some("Section 8.2 text: SEN students by field"), ["Students with SEN by field of education", "Обучающиеся с ООП по областям образования", "Білім беру салалары бойынша ЕБҚ бар білім алушылар"], "Students with special educational needs by academic year and field of education: counts and shares."),
        sen_by("sen_students_by_study_year", "study_year", Some("Section 8.2 text: SEN students by year of study"), ["Students with SEN by year of study", "Обучающиеся с ООП по курсам", "Курстар бойынша ЕБҚ бар білім алушылар"], "Students with special educational needs by academic year and year of study: counts and shares."),
        sen_by("sen_students_by_dormitory", "category", Some("Section 8.2 text: SEN students in dormitories"), ["Students with SEN living in dormitories", "Обучающиеся с ООП, проживающие в общежитиях", "Жатақханада тұратын ЕБҚ бар білім алушылар"], "Students with special educational needs by academic year, living in a dormitory or not (`category`): counts and shares."),
        Indicator {
            id: "sen_students_in_mobility",
            title: ["Students with SEN in academic mobility", "Обучающиеся с ООП в академической мобильности", "Академиялық ұтқырлықтағы ЕБҚ бар білім алушылар"],
            definition: "Students with special educational needs in academic mobility (persons) by calendar year, direction and field of education, with totals.",
            basis: Basis::Report,
            dimensions: &["year", "direction", "field_code"],
            unit: Unit::Persons,
            sources: &[Family::Mobility],
            reproduces: Some("Section 8.2 infographic: SEN students in mobility"),
            plan: Box::new(|f| {
                let lf = f.mobility()?.filter(col("participant").eq(lit("student")).and(col("sen").fill_null(lit(false))));
                let dims = ["year", "direction", "field_code"];
                Ok(sorted(with_totals(crate::tidy::sum_by(lf, &dims, "count"), &dims, &["field_code"])?, &dims))
            }),
        },
        Indicator {
            id: "table_8_2_3",
            title: ["Students from socially vulnerable groups", "Обучающиеся из социально уязвимых слоёв населения", "Әлеуметтік осал топтардан шыққан білім алушылар"],
            definition: "Students enrolled on 1 October from low-income families, under the rural quota and from large families (`category`), and the students in any of them (`Total`, each student once), by academic year: counts and shares of the total.",
            basis: Basis::Report,
            dimensions: &["academic_year", "category"],
            unit: Unit::Mixed,
            sources: &[Family::Students],
            reproduces: Some("Table 8.2.3"),
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
                counts_and_shares(concat(parts, UnionArgs::default())?, &["academic_year", "category"], "category", "academic_year")
            }),
        },
        Indicator {
            id: "vulnerable_students_by_field",
            title: ["Students from socially vulnerable groups by field of education", "Обучающиеся из социально уязвимых слоёв по областям образования", "Білім беру салалары бойынша әлеуметтік осал топтардан шыққан білім алушылар"],
            definition: "Students from socially vulnerable groups (each once) enrolled on 1 October by academic year and field of education: counts and shares of all such students.",
            basis: Basis::Report,
            dimensions: &["academic_year", "field_code"],
            unit: Unit::Mixed,
            sources: &[Family::Students],
            reproduces: Some("Section 8.2 infographic: vulnerable students by field"),
            plan: Box::new(|f| {
                let dims = ["academic_year", "field_code"];
                counts_and_shares(with_totals(count_by(vulnerable(f)?, &dims), &dims, &["field_code"])?, &dims, "field_code", "academic_year")
            }),
        },
    ]
}
