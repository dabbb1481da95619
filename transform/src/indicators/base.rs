//! Base tables: for every family, counts by year and each of its coded dimensions, and the
//! cross-classifications users ask for, each with a `Total` at every level of every
//! dimension (the model of the UK's Explore Education Statistics data files: one tidy file a
//! theme, every filter, a total at each level). A report table is a view of a base table;
//! where both express one figure, a consistency rule (`same_quantity`) says they agree.
//!
//! A base table is data: id, titles, definition, the [`Subject`] it counts and its
//! dimensions. Every one is planned alike ([`plan`]): the subject's records with their
//! dimensions in the vocabulary of `outputs.md` (codes, never labels), the weight of each
//! record summed (1 a student or staff member, `count` episodes, `grants`, `population`,
//! `students`), then `Total` over every non-empty subset of the dimensions. Dimensions that
//! are numbers in staging (`study_year`, `age`) are text here, so that `Total` fits; an empty
//! `disability_group` of a student with special needs is `none`.

use hestat_contract::{Family, Unit};
use polars::prelude::*;

use super::mobility::{by_country_in_text, by_field_file, by_field_total_file, by_funding_source_in_text, by_level_in_text, by_mode_in_text, by_type_in_text, INCOMING_TEXT, OUTGOING_TEXT};
use crate::catalogue::{titles, Basis, Indicator, Titles};
use crate::intermediate::{sum_with_institution, Frames};
use crate::placement::Placement;
use crate::tidy::{sorted, sum_by, with_totals};
use crate::PlanError;

/// What a base table counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Students enrolled on 1 October (`students`; region and legal form from `hei`).
    Students,
    /// Students with special educational needs (`sen` = yes).
    SenStudents,
    /// Persons in academic mobility: the sum of `count` (`mobility`).
    Mobility,
    /// Academic staff on 1 October (`staff`).
    Staff,
    /// Grants of the state order (`state_order`).
    Grants,
    /// Institutions in the registry (`hei`).
    Institutions,
    /// Residents on 1 January (`population`).
    Population,
    /// TVET students at ISCED 5 (`tvet_students`).
    TvetStudents,
}

impl Subject {
    /// The year column of the subject (`None`: the registry has no year).
    pub fn year(self) -> Option<&'static str> {
        match self {
            Subject::Mobility | Subject::Population => Some("year"),
            Subject::Institutions => None,
            _ => Some("academic_year"),
        }
    }

    /// The unit of its values.
    pub fn unit(self) -> Unit {
        match self {
            Subject::Staff => Unit::Staff,
            Subject::Grants => Unit::Grants,
            Subject::Institutions => Unit::Institutions,
            _ => Unit::Persons,
        }
    }

    /// The staging family it counts.
    pub fn family(self) -> Family {
        match self {
            Subject::Students | Subject::SenStudents => Family::Students,
            Subject::Mobility => Family::Mobility,
            Subject::Staff => Family::Staff,
            Subject::Grants => Family::StateOrder,
            Subject::Institutions => Family::Hei,
            Subject::Population => Family::Population,
            Subject::TvetStudents => Family::TvetStudents,
        }
    }

    /// Whether its records carry `hei_code`, so `region_code` and `legal_form` are the
    /// institution's.
    fn by_institution(self) -> bool {
        matches!(self, Subject::Students | Subject::SenStudents | Subject::Mobility | Subject::Staff)
    }
}

/// One base table.
pub struct BaseTable {
    pub id: &'static str,
    pub subject: Subject,
    /// Every column before `value`: the subject's year (if it has one), then the dimensions
    /// that each have a `Total`.
    pub dims: &'static [&'static str],
    pub title: Titles,
    pub definition: &'static str,
    /// Where the report's figures sit in it.
    pub published: &'static [Placement],
}

impl BaseTable {
    /// The dimensions that have a `Total` (all but the year).
    pub fn totals(&self) -> Vec<&'static str> {
        self.dims.iter().copied().filter(|d| Some(*d) != self.subject.year()).collect()
    }
}

/// The subject's records with every dimension a base table may ask for, as text, and
/// `weight`.
fn records(f: &Frames, subject: Subject) -> Result<LazyFrame, PlanError> {
    let text = |name: &str| col(name).cast(DataType::String);
    Ok(match subject {
        // All students from the enrollment summary (a few hundred thousand cells, not millions
        // of records); the few with special needs from the records.
        Subject::Students => f.enrollment()?.with_columns([
            col("citizenship").alias("country_iso3"),
            col("grant_quota").fill_null(lit("none")).alias("quota"),
            text("study_year").alias("study_year"),
            col("students").alias("weight"),
        ]),
        Subject::SenStudents => f.students()?.filter(col("sen")).with_columns([
            col("citizenship").alias("country_iso3"),
            col("grant_quota").fill_null(lit("none")).alias("quota"),
            text("study_year").alias("study_year"),
            (col("academic_year") - col("birth_year")).cast(DataType::String).alias("age"),
            col("disability_group").fill_null(lit("none")).alias("disability_group"),
            col("study_form").alias("mode"),
            col("language").alias("category"),
            lit(1i64).alias("weight"),
        ]),
        Subject::Mobility => f
            .mobility_with_world_regions()?
            .with_columns([col("country").alias("country_iso3"), col("count").cast(DataType::Int64).alias("weight")]),
        Subject::Staff => f.staff()?.with_column(lit(1i64).alias("weight")),
        Subject::Grants => f.state_order()?.with_column(col("grants").cast(DataType::Int64).alias("weight")),
        Subject::Institutions => f.hei()?.with_column(lit(1i64).alias("weight")),
        Subject::Population => f.population()?.with_columns([
            col("region").alias("region_code"),
            text("age").alias("age"),
            col("population").cast(DataType::Int64).alias("weight"),
        ]),
        Subject::TvetStudents => f.tvet_students()?.with_columns([col("region").alias("region_code"), col("students").cast(DataType::Int64).alias("weight")]),
    })
}

/// The plan of a base table: weights summed by year and dimensions (by institution first
/// where the institution's region or legal form is asked for, so the registry is joined to
/// the sums, not to every record), then `Total` over every subset of the dimensions.
pub fn plan(f: &Frames, table: &BaseTable) -> Result<LazyFrame, PlanError> {
    let keys = table.dims;
    let totals = table.totals();
    let lf = records(f, table.subject)?;
    // Only records that carry `hei_code` take the institution's region and legal form.
    let summed = if table.subject.by_institution() { sum_with_institution(f, lf, keys, "weight")? } else { sum_by(lf, keys, "weight") };
    let as_text: Vec<Expr> = totals.iter().map(|d| col(*d).cast(DataType::String)).collect();
    Ok(sorted(with_totals(summed.with_columns(as_text), keys, &totals)?, keys))
}

/// The families a base table's plan reads: its subject's, and `hei` where a dimension is the
/// institution's.
pub fn sources(table: &BaseTable) -> &'static [Family] {
    let institution = table.subject.by_institution() && table.dims.iter().any(|d| matches!(*d, "region_code" | "legal_form"));
    match (table.subject.family(), institution) {
        (Family::Students, true) => &[Family::Students, Family::Hei],
        (Family::Mobility, true) => &[Family::Mobility, Family::Hei],
        (Family::Staff, true) => &[Family::Staff, Family::Hei],
        (Family::Students, false) => &[Family::Students],
        (Family::Mobility, false) => &[Family::Mobility],
        (Family::Staff, false) => &[Family::Staff],
        (Family::StateOrder, _) => &[Family::StateOrder],
        (Family::Population, _) => &[Family::Population],
        (Family::TvetStudents, _) => &[Family::TvetStudents],
        (Family::Hei, _) => &[Family::Hei],
    }
}

/// Every base table.
pub const BASE_TABLES: &[BaseTable] = &[
    BaseTable {
        id: "enrollment_by_region_level",
        subject: Subject::Students,
        dims: &["academic_year", "region_code", "level"],
        title: titles("Students by region and level of education", "Контингент обучающихся по регионам и уровням образования", "Өңірлер мен білім деңгейлері бойынша білім алушылар контингенті"),
        definition: "Students enrolled on 1 October (persons) by academic year, region of the institution and level of education, with totals at every level. Enrollment counts enrolments: a student in two institutions counts in both.",
        published: &[],
    },
    BaseTable {
        id: "enrollment_by_hei_level_funding_gender",
        subject: Subject::Students,
        dims: &["academic_year", "hei_code", "level", "funding", "gender"],
        title: titles("Students by institution, level, source of funding and gender", "Контингент по вузам, уровням, источникам финансирования и полу", "ЖОО, деңгейлер, қаржыландыру көздері және жынысы бойынша контингент"),
        definition: "Students enrolled on 1 October (persons) by academic year, institution, level of education, source of funding and gender, with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "enrollment_by_citizenship",
        subject: Subject::Students,
        dims: &["academic_year", "country_iso3"],
        title: titles("Students by citizenship", "Контингент обучающихся по гражданству", "Азаматтығы бойынша білім алушылар контингенті"),
        definition: "Students enrolled on 1 October (persons) by academic year and country of citizenship (ISO 3166-1 alpha-3; KAZ is Kazakhstan), with the total.",
        published: &[],
    },
    BaseTable {
        id: "enrollment_by_gender",
        subject: Subject::Students,
        dims: &["academic_year", "gender"],
        title: titles("Students by gender", "Контингент обучающихся по полу", "Жынысы бойынша білім алушылар контингенті"),
        definition: "Students enrolled on 1 October (persons) by academic year and gender, with the total.",
        published: &[],
    },
    BaseTable {
        id: "enrollment_by_level_quota",
        subject: Subject::Students,
        dims: &["academic_year", "level", "quota"],
        title: titles("Students by level and grant quota", "Контингент по уровням и квотам гранта", "Деңгейлер мен грант квоталары бойынша контингент"),
        definition: "Students enrolled on 1 October (persons) by academic year, level of education and the quota of their state grant (`none`: the general competition, and students without a grant), with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "sen_students_by_level_disability_group",
        subject: Subject::SenStudents,
        dims: &["academic_year", "level", "disability_group"],
        title: titles("Students with special educational needs by level and disability group", "Обучающиеся с ООП по уровням образования и группам инвалидности", "Білім деңгейлері мен мүгедектік топтары бойынша ЕБҚ бар білім алушылар"),
        definition: "Students with special educational needs (`sen` = yes) enrolled on 1 October (persons) by academic year, level of education and disability group (I, II, III; `none`: special needs without a disability status), with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "mobility_by_participant",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant"],
        title: titles("Academic mobility by direction and participant", "Академическая мобильность по направлению и участникам", "Бағыты мен қатысушылары бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility (the sum of `count`: an empty `count`, or a sheet without that column, counts each row once) by calendar year, direction (incoming, outgoing) and participant (student, staff), with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "mobility_by_country",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "country_iso3"],
        title: titles("Academic mobility by partner country", "Академическая мобильность по странам", "Елдер бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant and partner country (ISO 3166-1 alpha-3), with totals at every level.",
        published: &[Placement { file: INCOMING_TEXT, place: by_country_in_text }, Placement { file: OUTGOING_TEXT, place: by_country_in_text }],
    },
    BaseTable {
        id: "mobility_by_world_region",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "world_region"],
        title: titles("Academic mobility by world region", "Академическая мобильность по регионам мира", "Әлем өңірлері бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant and world region of the partner country (the report's regions), with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "mobility_by_funding_source",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "funding_source"],
        title: titles("Academic mobility by funding source", "Академическая мобильность по источникам финансирования", "Қаржыландыру көздері бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant and source of funding (the sources of incoming and outgoing mobility differ), with totals at every level.",
        published: &[Placement { file: INCOMING_TEXT, place: by_funding_source_in_text }, Placement { file: OUTGOING_TEXT, place: by_funding_source_in_text }],
    },
    BaseTable {
        id: "mobility_by_field",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "field_code"],
        title: titles("Academic mobility by field of education", "Академическая мобильность по областям образования", "Білім беру салалары бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant and field of education (national classifier 01-12), with totals at every level.",
        published: &[Placement { file: "text_6_1_inbound_by_field_2024", place: by_field_total_file }, Placement { file: "text_6_1_outbound_by_field_2024", place: by_field_total_file }],
    },
    BaseTable {
        id: "mobility_by_level",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "level"],
        title: titles("Academic mobility by level of education", "Академическая мобильность по уровням образования", "Білім деңгейлері бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant and level of education (`none` for staff), with totals at every level.",
        published: &[Placement { file: INCOMING_TEXT, place: by_level_in_text }, Placement { file: OUTGOING_TEXT, place: by_level_in_text }],
    },
    BaseTable {
        id: "mobility_by_mode",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "mode"],
        title: titles("Academic mobility by format", "Академическая мобильность по формату", "Формат бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant and format (online, offline, blended), with totals at every level.",
        published: &[Placement { file: INCOMING_TEXT, place: by_mode_in_text }, Placement { file: OUTGOING_TEXT, place: by_mode_in_text }],
    },
    BaseTable {
        id: "mobility_by_type",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "mobility_type"],
        title: titles("Academic mobility by type", "Академическая мобильность по видам", "Түрлері бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant and type (credit mobility, double degree, summer school, internship), with totals at every level.",
        published: &[Placement { file: INCOMING_TEXT, place: by_type_in_text }, Placement { file: OUTGOING_TEXT, place: by_type_in_text }],
    },
    BaseTable {
        id: "mobility_by_field_country",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "field_code", "country_iso3"],
        title: titles("Academic mobility by field of education and country", "Академическая мобильность по областям образования и странам", "Білім беру салалары мен елдер бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant, field of education and partner country, with totals at every level.",
        published: &[Placement { file: "text_6_1_inbound_by_field_2024", place: by_field_file }, Placement { file: "text_6_1_outbound_by_field_2024", place: by_field_file }],
    },
    BaseTable {
        id: "mobility_by_legal_form",
        subject: Subject::Mobility,
        dims: &["year", "direction", "participant", "legal_form"],
        title: titles("Academic mobility by legal form of the institution", "Академическая мобильность по организационно-правовой форме вуза", "ЖОО-ның ұйымдық-құқықтық нысаны бойынша академиялық ұтқырлық"),
        definition: "Persons in academic mobility by calendar year, direction, participant and legal form of the Kazakhstani institution, with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "staff_by_title",
        subject: Subject::Staff,
        dims: &["academic_year", "title"],
        title: titles("Academic staff by academic title", "ППС по учёным званиям", "Ғылыми атақтары бойынша ПОҚ"),
        definition: "Academic and teaching staff on 1 October (persons) by academic year and academic title, with the total.",
        published: &[],
    },
    BaseTable {
        id: "staff_by_gender",
        subject: Subject::Staff,
        dims: &["academic_year", "gender"],
        title: titles("Academic staff by gender", "ППС по полу", "Жынысы бойынша ПОҚ"),
        definition: "Academic and teaching staff on 1 October (persons) by academic year and gender, with the total.",
        published: &[],
    },
    BaseTable {
        id: "staff_by_region_degree",
        subject: Subject::Staff,
        dims: &["academic_year", "region_code", "degree"],
        title: titles("Academic staff by region and academic degree", "ППС по регионам и учёным степеням", "Өңірлер мен ғылыми дәрежелер бойынша ПОҚ"),
        definition: "Academic and teaching staff on 1 October (persons) by academic year, region of the institution and academic degree, with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "grants_by_level_field",
        subject: Subject::Grants,
        dims: &["academic_year", "level", "field_code"],
        title: titles("State educational grants by level and field", "Государственные образовательные гранты по уровням и областям", "Деңгейлер мен салалар бойынша мемлекеттік білім беру гранттары"),
        definition: "Grants of the state order allocated for the academic year by level and field of education, with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "grants_by_level_quota",
        subject: Subject::Grants,
        dims: &["academic_year", "level", "quota"],
        title: titles("State educational grants by level and quota", "Государственные образовательные гранты по уровням и квотам", "Деңгейлер мен квоталар бойынша мемлекеттік білім беру гранттары"),
        definition: "Grants of the state order allocated for the academic year by level of education and quota (`none`: the general competition), with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "hei_by_region_legal_form",
        subject: Subject::Institutions,
        dims: &["region_code", "legal_form"],
        title: titles("Higher education institutions by region and legal form", "Вузы по регионам и организационно-правовой форме", "Өңірлер мен ұйымдық-құқықтық нысаны бойынша ЖОО"),
        definition: "Institutions in the registry by region and legal form, with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "population_by_region_age_gender",
        subject: Subject::Population,
        dims: &["year", "region_code", "age", "gender"],
        title: titles("Population by region, age and gender", "Население по регионам, возрасту и полу", "Өңірлер, жасы және жынысы бойынша халық"),
        definition: "Residents on 1 January (persons) by calendar year, region, age and gender, as submitted by the statistics bureau (the ages it submits: those the gross enrollment ratio needs), with totals at every level.",
        published: &[],
    },
    BaseTable {
        id: "tvet_students_by_region",
        subject: Subject::TvetStudents,
        dims: &["academic_year", "region_code"],
        title: titles("TVET students at ISCED 5 by region", "Обучающиеся ТиПО (МСКО 5) по регионам", "Өңірлер бойынша ТжКБ (БХСЖ 5) білім алушылары"),
        definition: "Students of technical and vocational education at ISCED level 5 on 1 October (persons) by academic year and region, with the total (the numerator's second part of the gross enrollment ratio).",
        published: &[],
    },
];

/// The base tables as catalogue entries.
pub fn indicators() -> Vec<Indicator> {
    BASE_TABLES
        .iter()
        .map(|table| Indicator {
            id: table.id,
            title: table.title,
            definition: table.definition.to_string(),
            basis: Basis::Report,
            dimensions: table.dims,
            unit: table.subject.unit(),
            year_totals: false,
            sensitive: table.subject == Subject::SenStudents,
            sources: sources(table),
            reproduces: None,
            published: table.published.to_vec(),
            plan: Box::new(move |f| plan(f, table)),
        })
        .collect()
}

/// The base tables as the Markdown table of `docs/transform.md` (a test keeps the document
/// equal to this).
pub fn base_tables_markdown() -> String {
    let mut md = String::from("| id | title | dimensions (each with `Total`) | unit | sources |\n|---|---|---|---|---|\n");
    for table in BASE_TABLES {
        let dims: Vec<String> = table.dims.iter().map(|d| if table.totals().contains(d) { format!("`{d}`") } else { format!("`{d}` (no total)") }).collect();
        md.push_str(&format!(
            "| `{}` | {} | {} | {} | {} |\n",
            table.id,
            table.title.en,
            dims.join(" × "),
            table.subject.unit().name(),
            sources(table).iter().map(|s| format!("`{}`", s.name())).collect::<Vec<_>>().join(", ")
        ));
    }
    md
}
