//! International degree students: students enrolled on 1 October whose citizenship is not
//! Kazakhstan's, by year, funding, country (and the ten largest), world region, field, level
//! and year of study, region of study and legal form of the institution.
//!
//! The report's definition (the ministry's count of foreign citizens enrolled) is close to
//! UNESCO's "international students" by citizenship; UNESCO's inbound mobility rate (degree
//! students from abroad over all students) is `international_students_share`.

use hestat_contract::{Family, Unit};
use polars::prelude::*;

use crate::catalogue::{world_regions, Basis, Frames, Indicator};
use crate::enrollment::region_as_published;
use crate::tidy::{count_by, sorted, with_totals};

fn foreign(f: &Frames) -> PolarsResult<LazyFrame> {
    // Foreign students are few: filter first, then look up their institutions.
    Ok(f.students()?
        .filter(col("citizenship").neq(lit("KAZ")))
        .join(f.hei()?, [col("hei_code")], [col("hei_code")], JoinArgs::new(JoinType::Inner))
        .with_columns([col("citizenship").alias("country_iso3"), col("study_year").cast(DataType::String)])
        .join(world_regions().lazy(), [col("country_iso3")], [col("country_iso3")], JoinArgs::new(JoinType::Left)))
}

fn by(id: &'static str, dims: &'static [&'static str], totals: &'static [&'static str], reproduces: Option<&'static str>, title: [&'static str; 3], definition: &'static str) -> Indicator {
    Indicator {
        id,
        title,
        definition,
        basis: Basis::Report,
        dimensions: dims,
        unit: Unit::Persons,
        sources: &[Family::Students, Family::Hei],
        reproduces,
        plan: Box::new(move |f| Ok(sorted(with_totals(count_by(foreign(f)?, dims), dims, totals)?, dims))),
    }
}

pub fn indicators() -> Vec<Indicator> {
    vec![
        by("figure_6_1_3", &["academic_year"], &[], Some("Figure 6.1.3"), ["Foreign students", "Численность иностранных студентов", "Шетелдік студенттер саны"], "Foreign citizens enrolled on 1 October (persons), by academic year."),
        Indicator {
            id: "table_6_1_16",
            title: ["Foreign students by source of funding", "Иностранные студенты по источникам финансирования", "Қаржыландыру көздері бойынша шетелдік студенттер"],
            definition: "Foreign citizens enrolled on 1 October (persons) funded from the budget (state grant, local budget, other public sources: every source but `paid`) and extra-budgetary (`paid`), by academic year.",
            basis: Basis::Report,
            dimensions: &["academic_year", "category"],
            unit: Unit::Persons,
            sources: &[Family::Students],
            reproduces: Some("Table 6.1.16"),
            plan: Box::new(|f| {
                let lf = foreign(f)?.with_column(when(col("funding").eq(lit("paid"))).then(lit("extra_budgetary")).otherwise(lit("budget")).alias("category"));
                let dims = ["academic_year", "category"];
                Ok(sorted(with_totals(count_by(lf, &dims), &dims, &["category"])?, &dims))
            }),
        },
        Indicator {
            id: "figure_6_1_8",
            title: ["Foreign students by region of study (regions before 2022)", "Иностранные студенты по регионам (границы до 2022 года)", "Өңірлер бойынша шетелдік студенттер (2022 жылға дейінгі шекаралар)"],
            definition: "Foreign citizens enrolled on 1 October (persons) by academic year and region of the institution, with Abai, Zhetysu and Ulytau under the regions they belonged to before 2022, as Figure 6.1.8 shows them.",
            basis: Basis::Report,
            dimensions: &["academic_year", "region_code"],
            unit: Unit::Persons,
            sources: &[Family::Students, Family::Hei],
            reproduces: Some("Figure 6.1.8"),
            plan: Box::new(|f| {
                let lf = region_as_published(foreign(f)?.with_column(lit(2000).alias("as_of")), "as_of");
                let dims = ["academic_year", "region_code"];
                Ok(sorted(with_totals(count_by(lf, &dims), &dims, &["region_code"])?, &dims))
            }),
        },
        by("foreign_students_by_region", &["academic_year", "region_code"], &["region_code"], None, ["Foreign students by region of study", "Иностранные студенты по регионам обучения", "Оқу өңірлері бойынша шетелдік студенттер"], "Foreign citizens enrolled on 1 October (persons) by academic year and region of the institution (current regions)."),
        Indicator {
            id: "table_6_1_15",
            title: ["Foreign students and Indian citizens among them, by institution", "Иностранные студенты и граждане Индии по вузам", "ЖОО бойынша шетелдік студенттер және олардың ішінде Үндістан азаматтары"],
            definition: "Foreign citizens enrolled on 1 October (`measure` foreign_students_total) and those with Indian citizenship (of_which_indian_citizens), by academic year and institution.",
            basis: Basis::Report,
            dimensions: &["academic_year", "hei_code", "measure"],
            unit: Unit::Persons,
            sources: &[Family::Students],
            reproduces: Some("Table 6.1.15"),
            plan: Box::new(|f| {
                let lf = foreign(f)?;
                let all = count_by(lf.clone(), &["academic_year", "hei_code"]).with_column(lit("foreign_students_total").alias("measure"));
                let indian = count_by(lf.filter(col("citizenship").eq(lit("IND"))), &["academic_year", "hei_code"]).with_column(lit("of_which_indian_citizens").alias("measure"));
                let cols = [col("academic_year"), col("hei_code"), col("measure"), col("value")];
                Ok(sorted(concat([all.select(cols.clone()), indian.select(cols)], UnionArgs::default())?, &["academic_year", "hei_code", "measure"]))
            }),
        },
        by("foreign_students_by_country", &["academic_year", "country_iso3"], &["country_iso3"], Some("Section 6.1 text: foreign students by country"), ["Foreign students by country of citizenship", "Иностранные студенты по странам", "Елдер бойынша шетелдік студенттер"], "Foreign citizens enrolled on 1 October (persons) by academic year and country of citizenship."),
        Indicator {
            id: "foreign_students_top10_countries",
            title: ["Ten largest countries of origin of foreign students", "Десять основных стран происхождения иностранных студентов", "Шетелдік студенттердің негізгі он елі"],
            definition: "The ten countries of citizenship with the most foreign students enrolled on 1 October, by academic year (ties broken by country code).",
            basis: Basis::Report,
            dimensions: &["academic_year", "country_iso3"],
            unit: Unit::Persons,
            sources: &[Family::Students],
            reproduces: None,
            plan: Box::new(|f| {
                let counted = count_by(foreign(f)?, &["academic_year", "country_iso3"])
                    .sort_by_exprs([col("academic_year"), col("value"), col("country_iso3")], SortMultipleOptions::default().with_order_descending_multi([false, true, false]));
                Ok(counted.group_by_stable([col("academic_year")]).head(Some(10)))
            }),
        },
        by("foreign_students_by_world_region", &["academic_year", "world_region"], &["world_region"], Some("Section 6.1 text: foreign students by region of origin"), ["Foreign students by world region of origin", "Иностранные студенты по регионам мира", "Әлем өңірлері бойынша шетелдік студенттер"], "Foreign citizens enrolled on 1 October (persons) by academic year and world region of their country (the report's regions)."),
        by("foreign_students_by_field", &["academic_year", "field_code"], &["field_code"], Some("Section 6.1 text: foreign students by field"), ["Foreign students by field of education", "Иностранные студенты по областям образования", "Білім беру салалары бойынша шетелдік студенттер"], "Foreign citizens enrolled on 1 October (persons) by academic year and field of education; preparatory students have no field (empty)."),
        by("foreign_students_by_level_study_year", &["academic_year", "level", "study_year"], &["level", "study_year"], Some("Section 6.1 text: foreign students by level and year of study"), ["Foreign students by level and year of study", "Иностранные студенты по уровням и курсам", "Деңгейлер мен курстар бойынша шетелдік студенттер"], "Foreign citizens enrolled on 1 October (persons) by academic year, level and year of study."),
        by("foreign_students_by_funding", &["academic_year", "funding"], &["funding"], None, ["Foreign students by source of funding (codes)", "Иностранные студенты по источникам финансирования (коды)", "Қаржыландыру көздері бойынша шетелдік студенттер (кодтар)"], "Foreign citizens enrolled on 1 October (persons) by academic year and source of funding (state grant, local budget, paid, other)."),
        by("foreign_students_by_legal_form", &["academic_year", "legal_form"], &["legal_form"], None, ["Foreign students by type of institution", "Иностранные студенты по типам вузов", "ЖОО түрлері бойынша шетелдік студенттер"], "Foreign citizens enrolled on 1 October (persons) by academic year and legal form of the institution."),
        Indicator {
            id: "international_students_share",
            title: ["Inbound mobility rate (foreign students as a share of all students)", "Доля иностранных студентов в контингенте", "Шетелдік студенттердің контингенттегі үлесі"],
            definition: "UNESCO UIS inbound mobility rate, approximated by citizenship: foreign citizens enrolled as a percentage of all students enrolled on 1 October, by academic year (UIS counts students who crossed a border to study; citizenship is the report's proxy).",
            basis: Basis::International,
            dimensions: &["academic_year"],
            unit: Unit::Percent,
            sources: &[Family::Students],
            reproduces: None,
            plan: Box::new(|f| {
                Ok(f.enrollment()?
                    .group_by([col("academic_year")])
                    .agg([(col("students").filter(col("citizenship").neq(lit("KAZ"))).sum().cast(DataType::Float64) * lit(100.0) / col("students").sum().cast(DataType::Float64)).alias("value")])
                    .sort(["academic_year"], SortMultipleOptions::default()))
            }),
        },
        Indicator {
            id: "outbound_mobility_ratio",
            title: ["Outbound credit mobility ratio", "Коэффициент исходящей кредитной мобильности", "Шығыс кредиттік ұтқырлық коэффициенті"],
            definition: "Kazakhstani students in outgoing academic (credit) mobility in the calendar year as a percentage of all students enrolled on 1 October of that year. UNESCO UIS's outbound mobility ratio counts degree students abroad over domestic enrolment; Kazakhstani degree students abroad are not in these submissions, so credit mobility is used (say so when comparing).",
            basis: Basis::International,
            dimensions: &["year"],
            unit: Unit::Percent,
            sources: &[Family::Mobility, Family::Students],
            reproduces: None,
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
