//! The indicator catalogue: what every indicator is (id, titles, definition, dimensions,
//! unit, source families, the report table it reproduces) next to the lazy plan that computes
//! it. The definitions live in the family modules ([`crate::enrollment`], [`crate::mobility`],
//! …); this module holds their shape and the staged frames the plans start from.

use hestat_contract::codes::code_lists;
use hestat_contract::{Family, Unit};
use polars::prelude::*;

use crate::staging::Staging;
use crate::TransformError;

/// Whose definition an indicator follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// An international definition (UNESCO UIS, OECD, Eurostat), named in the definition.
    International,
    /// The National Report's own definition (where it differs, or where none exists).
    Report,
}

/// One indicator: its description and its plan, side by side.
pub struct Indicator {
    /// Table id: the report's numbering (`table_6_1_14`) where it reproduces a report table.
    pub id: &'static str,
    /// Titles: English, Russian, Kazakh.
    pub title: [&'static str; 3],
    pub definition: &'static str,
    pub basis: Basis,
    /// Dimension columns, in order (the vocabulary of `outputs.md`); then `value`.
    pub dimensions: &'static [&'static str],
    pub unit: Unit,
    /// Staging families the plan reads (a registry test runs every plan without each family
    /// to keep this true).
    pub sources: &'static [Family],
    /// The report table or figure it reproduces, as the report names it.
    pub reproduces: Option<&'static str>,
    pub plan: Plan,
}

/// A lazy plan over the staged frames.
pub type Plan = Box<dyn Fn(&Frames) -> PolarsResult<LazyFrame> + Send + Sync>;

/// The staged families, as lazy frames (absent when nothing was staged), and two summaries of
/// the students that most enrollment indicators start from.
pub struct Frames {
    pub students: Option<LazyFrame>,
    /// Students counted (`students`) by academic year, institution, level, field, year of
    /// study, funding, grant quota, admission, citizenship and gender: a few hundred thousand
    /// cells whatever the number of students, computed once.
    pub enrollment: Option<LazyFrame>,
    /// Students counted by academic year, institution, gender, year of birth, form of study
    /// and language.
    pub demography: Option<LazyFrame>,
    pub hei: Option<LazyFrame>,
    pub mobility: Option<LazyFrame>,
    pub state_order: Option<LazyFrame>,
    pub population: Option<LazyFrame>,
    pub tvet_students: Option<LazyFrame>,
    pub staff: Option<LazyFrame>,
}

/// The dimensions of the demography summary.
pub const DEMOGRAPHY_DIMENSIONS: [&str; 6] = ["academic_year", "hei_code", "gender", "birth_year", "study_form", "language"];

/// The dimensions of the enrollment summary.
pub const ENROLLMENT_DIMENSIONS: [&str; 10] = ["academic_year", "hei_code", "level", "field_code", "study_year", "funding", "grant_quota", "admitted", "citizenship", "gender"];

fn missing(family: &str) -> PolarsError {
    PolarsError::NoData(format!("no staged `{family}` records").into())
}

impl Frames {
    /// The staged families, and the two summaries of the students.
    pub fn open(staging: &Staging) -> Result<Frames, TransformError> {
        let years = staging.partitions(Family::Students)?;
        let students = staging.stack(Family::Students, years.clone())?;
        // The summaries are made one year at a time, so memory follows a year's students.
        let mut enrollment = Vec::new();
        let mut demography = Vec::new();
        for year in &years {
            let summary = |dims: &[&str]| year.clone().group_by(dims.iter().map(|d| col(*d)).collect::<Vec<_>>()).agg([len().cast(DataType::Int64).alias("students")]);
            let plans = vec![summary(&ENROLLMENT_DIMENSIONS).logical_plan, summary(&DEMOGRAPHY_DIMENSIONS).logical_plan];
            let mut frames = LazyFrame::collect_all_with_engine(plans, Engine::Auto, OptFlags::default())
                .map_err(|e| TransformError::Staging { path: staging.root().join("students"), message: e.to_string() })?
                .into_iter();
            enrollment.extend(frames.next().map(DataFrame::lazy));
            demography.extend(frames.next().map(DataFrame::lazy));
        }
        let (enrollment, demography) = (staging.stack(Family::Students, enrollment)?, staging.stack(Family::Students, demography)?);
        Ok(Frames {
            students,
            enrollment,
            demography,
            hei: staging.scan(Family::Hei)?,
            mobility: staging.scan(Family::Mobility)?,
            state_order: staging.scan(Family::StateOrder)?,
            population: staging.scan(Family::Population)?,
            tvet_students: staging.scan(Family::TvetStudents)?,
            staff: staging.scan(Family::Staff)?,
        })
    }

    pub fn students(&self) -> PolarsResult<LazyFrame> {
        self.students.clone().ok_or_else(|| missing("students"))
    }

    /// The enrollment summary (see [`Frames::enrollment`]); sum `students` to count.
    pub fn enrollment(&self) -> PolarsResult<LazyFrame> {
        self.enrollment.clone().ok_or_else(|| missing("students"))
    }

    /// The demography summary (see [`Frames::demography`]); sum `students` to count.
    pub fn demography(&self) -> PolarsResult<LazyFrame> {
        self.demography.clone().ok_or_else(|| missing("students"))
    }

    /// The registry: hei_code, region_code, legal_form.
    pub fn hei(&self) -> PolarsResult<LazyFrame> {
        Ok(self.hei.clone().ok_or_else(|| missing("hei"))?.select([col("hei_code"), col("region").alias("region_code"), col("legal_form")]))
    }

    pub fn mobility(&self) -> PolarsResult<LazyFrame> {
        self.mobility.clone().ok_or_else(|| missing("mobility"))
    }

    /// Mobility episodes with the country's world region (the report's grouping) and the
    /// institution's legal form.
    pub fn mobility_with_regions(&self) -> PolarsResult<LazyFrame> {
        Ok(self
            .mobility()?
            .join(world_regions().lazy(), [col("country")], [col("country_iso3")], JoinArgs::new(JoinType::Left))
            .join(self.hei()?, [col("hei_code")], [col("hei_code")], JoinArgs::new(JoinType::Left)))
    }

    pub fn state_order(&self) -> PolarsResult<LazyFrame> {
        self.state_order.clone().ok_or_else(|| missing("state_order"))
    }

    pub fn population(&self) -> PolarsResult<LazyFrame> {
        self.population.clone().ok_or_else(|| missing("population"))
    }

    pub fn tvet_students(&self) -> PolarsResult<LazyFrame> {
        self.tvet_students.clone().ok_or_else(|| missing("tvet_students"))
    }

    pub fn staff(&self) -> PolarsResult<LazyFrame> {
        self.staff.clone().ok_or_else(|| missing("staff"))
    }
}

/// country_iso3 → world_region, from the code list (the report's regions).
pub fn world_regions() -> DataFrame {
    let countries = code_lists().countries();
    let iso3: Vec<&str> = countries.iter().map(|c| c.iso3).collect();
    let region: Vec<&str> = countries.iter().map(|c| c.world_region).collect();
    DataFrame::new_infer_height(vec![Column::new("country_iso3".into(), iso3), Column::new("world_region".into(), region)])
        .unwrap_or_default()
}

/// Every indicator, in catalogue order.
pub fn catalogue() -> Vec<Indicator> {
    let mut all = Vec::new();
    all.extend(crate::enrollment::indicators());
    all.extend(crate::international::indicators());
    all.extend(crate::mobility::indicators());
    all.extend(crate::inclusion::indicators());
    all.extend(crate::base::indicators());
    all
}
