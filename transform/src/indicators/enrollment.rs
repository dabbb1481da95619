//! Enrollment (students on 1 October by region, institution, legal form, level, field,
//! funding, gender, age, year of study, language, form of study), admissions, state-funded
//! students and their share, students under each grant quota; the gross enrollment ratio
//! (Table 3.4.1).
//!
//! Enrollment counts enrolments: a student enrolled in two institutions counts in both
//! (inputs.md). A student's region is the region of the institution.

use hestat_contract::{Family, Unit};
use hestat_reference::{field, PublishedRow};
use polars::prelude::*;

use crate::catalogue::{titles, Basis, Indicator, Titles};
use crate::intermediate::{region_as_published, sum_with_institution, Frames};
use crate::placement::{exact, key, running_text, start_year, Placed, Placement, PlacementContext, Precision};
use crate::tidy::{part_and_share, sorted, sum_by, with_totals};
use crate::PlanError;

/// The families a students table reads: `hei` too where a dimension is the institution's.
fn students_sources(dims: &[&str]) -> &'static [Family] {
    if dims.iter().any(|d| matches!(*d, "region_code" | "legal_form")) {
        &[Family::Students, Family::Hei]
    } else {
        &[Family::Students]
    }
}

/// Students by academic year and dimensions, with `Total` over `totals`.
fn students_by(id: &'static str, dims: &'static [&'static str], totals: &'static [&'static str], title: Titles, definition: &str, published: Vec<Placement>) -> Indicator {
    Indicator {
        id,
        title,
        definition: definition.to_string(),
        basis: Basis::Report,
        dimensions: dims,
        unit: Unit::Persons,
        year_totals: false,
        sensitive: false,
        sources: students_sources(dims),
        reproduces: None,
        published,
        plan: Box::new(move |f| {
            // From the summary that holds the dimensions. Vocabulary: `quota` (grant quota),
            // `mode` (form of study), `category` (language).
            let demographic = dims.iter().any(|d| matches!(*d, "gender" | "age" | "mode" | "category"));
            let lf = if demographic {
                f.demography()?.with_columns([
                    (col("academic_year") - col("birth_year")).alias("age"),
                    col("study_form").alias("mode"),
                    col("language").alias("category"),
                ])
            } else {
                f.enrollment()?.with_column(col("grant_quota").fill_null(lit("none")).alias("quota"))
            };
            Ok(sorted(with_totals(sum_with_institution(f, lf, dims, "students")?, dims, totals)?, dims))
        }),
    }
}

/// Students in ISCED 5 to 8 and TVET students at ISCED 5 over the population aged 18 to 22,
/// by region of study as published in the year, and nationally.
fn gross_enrollment_ratio(f: &Frames) -> Result<LazyFrame, PlanError> {
    let students = sum_with_institution(f, f.enrollment()?.filter(col("level").neq(lit("preparatory"))), &["academic_year", "region_code"], "students")?;
    let students = sum_by(region_as_published(students, "academic_year")?, &["academic_year", "region_code"], "value").rename(["value"], ["students"], true);
    let tvet = f.tvet_students()?.select([col("academic_year"), col("region").alias("region_code"), col("students").alias("tvet")]);
    let tvet = sum_by(tvet, &["academic_year", "region_code"], "tvet").rename(["value"], ["tvet"], true);
    let population = f
        .population()?
        .filter(col("age").gt_eq(lit(18)).and(col("age").lt_eq(lit(22))))
        .select([col("year").alias("academic_year"), col("region").alias("region_code"), col("population")]);
    let population = sum_by(population, &["academic_year", "region_code"], "population").rename(["value"], ["population"], true);
    let keys = [col("academic_year"), col("region_code")];
    let joined = population
        .join(students, keys.clone(), keys.clone(), JoinArgs::new(JoinType::Left))
        .join(tvet, keys.clone(), keys, JoinArgs::new(JoinType::Left))
        .with_column((col("students").fill_null(lit(0)) + col("tvet").fill_null(lit(0))).alias("enrolled"));
    let national = joined
        .clone()
        .group_by([col("academic_year")])
        .agg([col("enrolled").sum(), col("population").sum()])
        .with_column(lit("Total").alias("region_code"));
    let cols = [col("academic_year"), col("region_code"), col("enrolled"), col("population")];
    let all = concat([joined.select(cols.clone()), national.select(cols)], UnionArgs::default())?;
    Ok(sorted(
        all.select([
            col("academic_year"),
            col("region_code"),
            (col("enrolled").cast(DataType::Float64) * lit(100.0) / col("population").cast(DataType::Float64)).alias("value"),
        ]),
        &["academic_year", "region_code"],
    ))
}

fn admissions_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text("text_3_2_students_admissions", row, "student_admissions", |y| {
        exact(&[("academic_year", y), ("funding", if field(row, "category") == "Total" { "Total" } else { "state_grant" })])
    })
}

fn state_funded_in_text(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    running_text("text_3_2_students_admissions", row, "students", |y| exact(&[("academic_year", y), ("measure", "state_funded")]))
}

fn gross_enrollment_ratio_table(_: &str, row: &PublishedRow, _: &PlacementContext) -> Option<Placed> {
    let region = if field(row, "region_code") == "KZ" { "Total" } else { field(row, "region_code") };
    Some(Ok((key(&[("academic_year", field(row, "year")), ("region_code", region)]), Precision::of_printed(field(row, "value")))))
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        students_by(
            "enrollment_by_region",
            &["academic_year", "region_code"],
            &["region_code"],
            titles("Students by region", "Контингент обучающихся по регионам", "Өңірлер бойынша білім алушылар контингенті"),
            "Students enrolled on 1 October (persons) by academic year and region of the institution.",
            vec![
                // "about 202 000 students in Almaty": printed to the hundred.
                Placement { file: "text_3_2_students_by_region", place: |_, row, _| Some(Ok((key(&[("academic_year", &start_year(field(row, "academic_year"))), ("region_code", field(row, "region_code"))]), Precision::RoundedTo(100.0)))) },
                Placement {
                    file: "text_8_2_sen_students",
                    place: |_, row, _| running_text("text_8_2_sen_students", row, "students_total_103_civilian_heis", |y| exact(&[("academic_year", y), ("region_code", "Total")])),
                },
            ],
        ),
        students_by("enrollment_by_hei", &["academic_year", "hei_code", "legal_form", "region_code"], &[], titles("Students by institution", "Контингент обучающихся по вузам", "ЖОО бойынша білім алушылар контингенті"), "Students enrolled on 1 October (persons) by academic year and institution (with its legal form and region).", Vec::new()),
        students_by("enrollment_by_legal_form", &["academic_year", "legal_form"], &["legal_form"], titles("Students by legal form of the institution", "Контингент по организационно-правовой форме вуза", "ЖОО-ның ұйымдық-құқықтық нысаны бойынша контингент"), "Students enrolled on 1 October (persons) by academic year and legal form of the institution.", Vec::new()),
        students_by("enrollment_by_level_field", &["academic_year", "level", "field_code"], &["level", "field_code"], titles("Students by level and field of education", "Контингент по уровням и областям образования", "Деңгейлер мен білім беру салалары бойынша контингент"), "Students enrolled on 1 October (persons) by academic year, level and field of education (preparatory students have no field).", Vec::new()),
        students_by("enrollment_by_funding", &["academic_year", "funding"], &["funding"], titles("Students by source of funding", "Контингент по источникам финансирования", "Қаржыландыру көздері бойынша контингент"), "Students enrolled on 1 October (persons) by academic year and source of funding (state grant, local budget, paid, other).", Vec::new()),
        students_by("enrollment_by_gender_age", &["academic_year", "gender", "age"], &["gender"], titles("Students by gender and age", "Контингент по полу и возрасту", "Жынысы мен жасы бойынша контингент"), "Students enrolled on 1 October (persons) by academic year, gender and age (academic year's start year minus year of birth).", Vec::new()),
        students_by("enrollment_by_level_study_year", &["academic_year", "level", "study_year"], &["level"], titles("Students by level and year of study", "Контингент по уровням и курсам", "Деңгейлер мен курстар бойынша контингент"), "Students enrolled on 1 October (persons) by academic year, level and year of study.", Vec::new()),
        students_by("enrollment_by_language", &["academic_year", "category"], &["category"], titles("Students by language of instruction", "Контингент по языку обучения", "Оқыту тілі бойынша контингент"), "Students enrolled on 1 October (persons) by academic year and language of instruction (`category`: kk, ru, en, other).", Vec::new()),
        students_by("enrollment_by_study_form", &["academic_year", "mode"], &["mode"], titles("Students by form of study", "Контингент по формам обучения", "Оқу нысаны бойынша контингент"), "Students enrolled on 1 October (persons) by academic year and form of study (`mode`: full_time, part_time, evening, distance).", Vec::new()),
        Indicator {
            id: "admissions",
            title: titles("Students admitted", "Приём обучающихся", "Білім алушыларды қабылдау"),
            definition: "Students admitted in the academic year (enrolled on 1 October with `admitted` = yes), by academic year and source of funding; `state_grant` are the admissions under the state order.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "funding"],
            unit: Unit::Persons,
            sources: &[Family::Students],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Section 3.2 infographic: admissions"),
            published: vec![Placement { file: "text_3_2_students_admissions", place: admissions_in_text }],
            plan: Box::new(|f| {
                let dims = ["academic_year", "funding"];
                Ok(sorted(with_totals(sum_by(f.enrollment()?.filter(col("admitted")), &dims, "students"), &dims, &["funding"])?, &dims))
            }),
        },
        Indicator {
            id: "state_funded_share",
            title: titles("Share of state-funded students", "Доля обучающихся по государственному заказу", "Мемлекеттік тапсырыс бойынша білім алушылардың үлесі"),
            definition: "Students funded by a state grant (state order) as a percentage of all students enrolled on 1 October, by academic year. The report's definition (UNESCO has no equivalent); local-budget places are not counted as state grants.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "measure"],
            unit: Unit::Mixed,
            sources: &[Family::Students],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Section 3.2: state-funded students"),
            published: vec![Placement { file: "text_3_2_students_admissions", place: state_funded_in_text }],
            plan: Box::new(|f| {
                let by_year = f.enrollment()?.group_by([col("academic_year")]).agg([
                    col("students").filter(col("funding").eq(lit("state_grant"))).sum().cast(DataType::Float64).alias("part"),
                    col("students").sum().cast(DataType::Float64).alias("all"),
                ]);
                Ok(part_and_share(by_year, "state_funded")?)
            }),
        },
        students_by("students_by_grant_quota", &["academic_year", "quota"], &["quota"], titles("Students by grant quota", "Обучающиеся по квотам государственного заказа", "Мемлекеттік тапсырыс квоталары бойынша білім алушылар"), "Students enrolled on 1 October (persons) by academic year and the quota of their state grant (`none` for the general competition; paid students too).", Vec::new()),
        Indicator {
            id: "table_3_4_1",
            title: titles("Gross enrollment ratio in higher education", "Валовой коэффициент охвата высшим образованием", "Жоғары біліммен қамтудың жалпы коэффициенті"),
            definition: "Students in ISCED 5 to 8 of any age (all students except preparatory, plus TVET students at ISCED 5) as a percentage of the population aged 18 to 22 on 1 January of the academic year's start year, by region of study and nationally (`Total`). UNESCO's definition uses the five-year age group after secondary school; the report takes 18-22 and counts TVET ISCED 5 students. Before 2022, Abai, Zhetysu and Ulytau are reported under their parent regions.".to_string(),
            basis: Basis::Report,
            dimensions: &["academic_year", "region_code"],
            unit: Unit::Percent,
            sources: &[Family::Students, Family::Hei, Family::TvetStudents, Family::Population],
            year_totals: false,
            sensitive: false,
            reproduces: Some("Table 3.4.1"),
            published: vec![Placement { file: "table_3_4_1", place: gross_enrollment_ratio_table }],
            plan: Box::new(gross_enrollment_ratio),
        },
    ]
}
