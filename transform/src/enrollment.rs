//! Enrollment (students on 1 October by region, institution, legal form, level, field,
//! funding, gender, age, year of study, language, form of study), admissions, state-funded
//! students and their share, students under each grant quota; the gross enrollment ratio;
//! state grants; academic staff; the HEI network.
//!
//! Enrollment counts enrolments: a student enrolled in two institutions counts in both
//! (inputs.md). A student's region is the region of the institution.

use hestat_contract::codes::code_lists;
use hestat_contract::{Family, Unit};
use polars::prelude::*;

use crate::catalogue::{Basis, Frames, Indicator};
use crate::tidy::{count_by, part_and_share, percent_of, sorted, sum_by, with_totals};

/// Students by academic year and dimensions, with `Total` over `totals`.
fn students_by(id: &'static str, dims: &'static [&'static str], totals: &'static [&'static str], title: [&'static str; 3], definition: &'static str) -> Indicator {
    Indicator {
        id,
        title,
        definition,
        basis: Basis::Report,
        dimensions: dims,
        unit: Unit::Persons,
        sources: &[Family::Students, Family::Hei],
        reproduces: None,
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
            Ok(sorted(with_totals(sum_with_institution(f, lf, dims)?, dims, totals)?, dims))
        }),
    }
}

/// The `students` of a summary added up by `dims`, where `region_code` and `legal_form` (the
/// institution's) are looked up after adding up by institution: the registry is joined to the
/// sums, not to every cell.
pub fn sum_with_institution(f: &Frames, lf: LazyFrame, dims: &[&str]) -> PolarsResult<LazyFrame> {
    let of_institution = |d: &&str| matches!(*d, "region_code" | "legal_form");
    if !dims.iter().any(of_institution) {
        return Ok(sum_by(lf, dims, "students"));
    }
    let mut by_hei: Vec<&str> = dims.iter().filter(|d| !of_institution(d)).copied().collect();
    if !by_hei.contains(&"hei_code") {
        by_hei.push("hei_code");
    }
    let summed = sum_by(lf, &by_hei, "students").join(f.hei()?, [col("hei_code")], [col("hei_code")], JoinArgs::new(JoinType::Inner));
    Ok(sum_by(summed, dims, "value"))
}

/// region_code → the region it was reported under before 2022 (itself when unchanged).
pub fn regions_before_2022() -> DataFrame {
    let regions = code_lists().regions();
    let code: Vec<&str> = regions.iter().map(|r| r.code).collect();
    let parent: Vec<&str> = regions.iter().map(|r| r.parent_before_2022.unwrap_or(r.code)).collect();
    DataFrame::new_infer_height(vec![Column::new("region_code".into(), code), Column::new("region_before_2022".into(), parent)]).unwrap_or_default()
}

/// The region of a record as published for its year: before 2022, Abai, Zhetysu and Ulytau
/// under their parents (`year_column`: the year that decides).
pub fn region_as_published(lf: LazyFrame, year_column: &str) -> LazyFrame {
    lf.join(regions_before_2022().lazy(), [col("region_code")], [col("region_code")], JoinArgs::new(JoinType::Left)).with_column(
        when(col(year_column).lt(lit(2022))).then(col("region_before_2022")).otherwise(col("region_code")).alias("region_code"),
    )
}

fn gross_enrollment_ratio(f: &Frames) -> PolarsResult<LazyFrame> {
    let students = sum_with_institution(f, f.enrollment()?.filter(col("level").neq(lit("preparatory"))), &["academic_year", "region_code"])?;
    let students = sum_by(region_as_published(students, "academic_year"), &["academic_year", "region_code"], "value").rename(["value"], ["students"], true);
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

fn staff_shares(f: &Frames, dimension: &str) -> PolarsResult<LazyFrame> {
    let dims = ["academic_year", dimension];
    let counts = count_by(f.staff()?, &dims);
    Ok(sorted(percent_of(counts, &["academic_year"])?, &dims))
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        students_by("enrollment_by_region", &["academic_year", "region_code"], &["region_code"], ["Students by region", "Контингент обучающихся по регионам", "Өңірлер бойынша білім алушылар контингенті"], "Students enrolled on 1 October (persons) by academic year and region of the institution."),
        students_by("enrollment_by_hei", &["academic_year", "hei_code", "legal_form", "region_code"], &[], ["Students by institution", "Контингент обучающихся по вузам", "ЖОО бойынша білім алушылар контингенті"], "Students enrolled on 1 October (persons) by academic year and institution (with its legal form and region)."),
        students_by("enrollment_by_legal_form", &["academic_year", "legal_form"], &["legal_form"], ["Students by legal form of the institution", "Контингент по организационно-правовой форме вуза", "ЖОО-ның ұйымдық-құқықтық нысаны бойынша контингент"], "Students enrolled on 1 October (persons) by academic year and legal form of the institution."),
        students_by("enrollment_by_level_field", &["academic_year", "level", "field_code"], &["level", "field_code"], ["Students by level and field of education", "Контингент по уровням и областям образования", "Деңгейлер мен білім беру салалары бойынша контингент"], "Students enrolled on 1 October (persons) by academic year, level and field of education (preparatory students have no field)."),
        students_by("enrollment_by_funding", &["academic_year", "funding"], &["funding"], ["Students by source of funding", "Контингент по источникам финансирования", "Қаржыландыру көздері бойынша контингент"], "Students enrolled on 1 October (persons) by academic year and source of funding (state grant, local budget, paid, other)."),
        students_by("enrollment_by_gender_age", &["academic_year", "gender", "age"], &["gender"], ["Students by gender and age", "Контингент по полу и возрасту", "Жынысы мен жасы бойынша контингент"], "Students enrolled on 1 October (persons) by academic year, gender and age (academic year's start year minus year of birth)."),
        students_by("enrollment_by_level_study_year", &["academic_year", "level", "study_year"], &["level"], ["Students by level and year of study", "Контингент по уровням и курсам", "Деңгейлер мен курстар бойынша контингент"], "Students enrolled on 1 October (persons) by academic year, level and year of study."),
        students_by("enrollment_by_language", &["academic_year", "category"], &["category"], ["Students by language of instruction", "Контингент по языку обучения", "Оқыту тілі бойынша контингент"], "Students enrolled on 1 October (persons) by academic year and language of instruction (`category`: kk, ru, en, other)."),
        students_by("enrollment_by_study_form", &["academic_year", "mode"], &["mode"], ["Students by form of study", "Контингент по формам обучения", "Оқу нысаны бойынша контингент"], "Students enrolled on 1 October (persons) by academic year and form of study (`mode`: full_time, part_time, evening, distance)."),
        Indicator {
            id: "admissions",
            title: ["Students admitted", "Приём обучающихся", "Білім алушыларды қабылдау"],
            definition: "Students admitted in the academic year (enrolled on 1 October with `admitted` = yes), by academic year and source of funding; `state_grant` are the admissions under the state order.",
            basis: Basis::Report,
            dimensions: &["academic_year", "funding"],
            unit: Unit::Persons,
            sources: &[Family::Students],
            reproduces: Some("Section 3.2 infographic: admissions"),
            plan: Box::new(|f| {
                let dims = ["academic_year", "funding"];
                Ok(sorted(with_totals(sum_by(f.enrollment()?.filter(col("admitted")), &dims, "students"), &dims, &["funding"])?, &dims))
            }),
        },
        Indicator {
            id: "state_funded_share",
            title: ["Share of state-funded students", "Доля обучающихся по государственному заказу", "Мемлекеттік тапсырыс бойынша білім алушылардың үлесі"],
            definition: "Students funded by a state grant (state order) as a percentage of all students enrolled on 1 October, by academic year. The report's definition (UNESCO has no equivalent); local-budget places are not counted as state grants.",
            basis: Basis::Report,
            dimensions: &["academic_year", "measure"],
            unit: Unit::Mixed,
            sources: &[Family::Students],
            reproduces: Some("Section 3.2: state-funded students"),
            plan: Box::new(|f| {
                let by_year = f.enrollment()?.group_by([col("academic_year")]).agg([
                    col("students").filter(col("funding").eq(lit("state_grant"))).sum().cast(DataType::Float64).alias("part"),
                    col("students").sum().cast(DataType::Float64).alias("all"),
                ]);
                part_and_share(by_year, "state_funded")
            }),
        },
        students_by("students_by_grant_quota", &["academic_year", "quota"], &["quota"], ["Students by grant quota", "Обучающиеся по квотам государственного заказа", "Мемлекеттік тапсырыс квоталары бойынша білім алушылар"], "Students enrolled on 1 October (persons) by academic year and the quota of their state grant (`none` for the general competition; paid students too)."),
        Indicator {
            id: "table_3_4_1",
            title: ["Gross enrollment ratio in higher education", "Валовой коэффициент охвата высшим образованием", "Жоғары біліммен қамтудың жалпы коэффициенті"],
            definition: "Students in ISCED 5 to 8 of any age (all students except preparatory, plus TVET students at ISCED 5) as a percentage of the population aged 18 to 22 on 1 January of the academic year's start year, by region of study and nationally (`Total`). UNESCO's definition uses the five-year age group after secondary school; the report takes 18-22 and counts TVET ISCED 5 students. Before 2022, Abai, Zhetysu and Ulytau are reported under their parent regions.",
            basis: Basis::Report,
            dimensions: &["academic_year", "region_code"],
            unit: Unit::Percent,
            sources: &[Family::Students, Family::Hei, Family::TvetStudents, Family::Population],
            reproduces: Some("Table 3.4.1"),
            plan: Box::new(gross_enrollment_ratio),
        },
        Indicator {
            id: "grants_by_level_field_quota",
            title: ["State educational grants by level, field and quota", "Государственные образовательные гранты по уровням, областям и квотам", "Деңгейлер, салалар және квоталар бойынша мемлекеттік білім беру гранттары"],
            definition: "Grants of the state order (state educational order) allocated for the academic year, by level, field of education and quota, with totals.",
            basis: Basis::Report,
            dimensions: &["academic_year", "level", "field_code", "quota"],
            unit: Unit::Grants,
            sources: &[Family::StateOrder],
            reproduces: Some("Section 3.2: grants 2024-2025"),
            plan: Box::new(|f| {
                let dims = ["academic_year", "level", "field_code", "quota"];
                Ok(sorted(with_totals(sum_by(f.state_order()?, &dims, "grants"), &dims, &["level", "field_code", "quota"])?, &dims))
            }),
        },
        Indicator {
            id: "figure_2_2_1",
            title: ["State grants for teacher training (field 01)", "Гранты на педагогические специальности", "Педагогикалық мамандықтарға арналған гранттар"],
            definition: "Grants of the state order for pedagogical specialties (field of education 01), by academic year.",
            basis: Basis::Report,
            dimensions: &["academic_year"],
            unit: Unit::Grants,
            sources: &[Family::StateOrder],
            reproduces: Some("Figure 2.2.1"),
            plan: Box::new(|f| Ok(sorted(sum_by(f.state_order()?.filter(col("field_code").eq(lit("01"))), &["academic_year"], "grants"), &["academic_year"]))),
        },
        Indicator {
            id: "staff_by_degree",
            title: ["Academic staff by academic degree", "ППС по учёным степеням", "Ғылыми дәрежелері бойынша ПОҚ"],
            definition: "Academic and teaching staff on 1 October (persons) by academic year and academic degree, with the total.",
            basis: Basis::Report,
            dimensions: &["academic_year", "degree"],
            unit: Unit::Staff,
            sources: &[Family::Staff],
            reproduces: Some("Figure 3.3.1"),
            plan: Box::new(|f| Ok(sorted(with_totals(count_by(f.staff()?, &["academic_year", "degree"]), &["academic_year", "degree"], &["degree"])?, &["academic_year", "degree"]))),
        },
        Indicator {
            id: "staff_by_degree_share",
            title: ["Academic staff by academic degree, shares", "ППС по учёным степеням, доли", "Ғылыми дәрежелері бойынша ПОҚ, үлестер"],
            definition: "Academic and teaching staff by academic degree as a percentage of all staff, by academic year.",
            basis: Basis::Report,
            dimensions: &["academic_year", "degree"],
            unit: Unit::Percent,
            sources: &[Family::Staff],
            reproduces: Some("Figure 3.3.1"),
            plan: Box::new(|f| staff_shares(f, "degree")),
        },
        Indicator {
            id: "staff_by_title_share",
            title: ["Academic staff by academic title, shares", "ППС по учёным званиям, доли", "Ғылыми атақтары бойынша ПОҚ, үлестер"],
            definition: "Academic and teaching staff by academic title as a percentage of all staff, by academic year.",
            basis: Basis::Report,
            dimensions: &["academic_year", "title"],
            unit: Unit::Percent,
            sources: &[Family::Staff],
            reproduces: Some("Figure 3.3.2"),
            plan: Box::new(|f| staff_shares(f, "title")),
        },
        Indicator {
            id: "hei_by_legal_form",
            title: ["Higher education institutions by legal form", "Вузы по организационно-правовой форме", "Ұйымдық-құқықтық нысаны бойынша ЖОО"],
            definition: "Institutions in the registry by legal form, with the total.",
            basis: Basis::Report,
            dimensions: &["legal_form"],
            unit: Unit::Institutions,
            sources: &[Family::Hei],
            reproduces: Some("Figure 3.1.2"),
            plan: Box::new(|f| Ok(sorted(with_totals(count_by(f.hei()?, &["legal_form"]), &["legal_form"], &["legal_form"])?, &["legal_form"]))),
        },
    ]
}
