//! The intermediate layer between the staged families and the indicators (dbt's
//! "intermediate" models): the staged families as lazy frames, the two per-year summaries of
//! the students that most enrollment indicators start from, and the geography lookups
//! (countries' world regions, regions as published before 2022, the institution's region and
//! legal form). Every indicator plan starts from these; none reads staging itself.

use std::path::PathBuf;

use hestat_contract::codes::code_lists;
use hestat_contract::Family;
use polars::prelude::*;

use crate::staging::Staging;
use crate::tidy::sum_by;
use crate::{PlanError, TransformError};

/// The dimensions of the enrollment summary.
pub const ENROLLMENT_DIMENSIONS: [&str; 10] = ["academic_year", "hei_code", "level", "field_code", "study_year", "funding", "grant_quota", "admitted", "citizenship", "gender"];

/// The dimensions of the demography summary.
pub const DEMOGRAPHY_DIMENSIONS: [&str; 6] = ["academic_year", "hei_code", "gender", "birth_year", "study_form", "language"];

/// The staged families, as lazy frames (absent when nothing was staged), and two summaries of
/// the students.
#[derive(Clone)]
pub struct Frames {
    /// The staging folder (named when a family is missing).
    root: PathBuf,
    students: Option<LazyFrame>,
    /// Students counted (`students`) by [`ENROLLMENT_DIMENSIONS`]: a few hundred thousand
    /// cells whatever the number of students, computed once.
    enrollment: Option<LazyFrame>,
    /// Students counted by [`DEMOGRAPHY_DIMENSIONS`].
    demography: Option<LazyFrame>,
    hei: Option<LazyFrame>,
    mobility: Option<LazyFrame>,
    state_order: Option<LazyFrame>,
    population: Option<LazyFrame>,
    tvet_students: Option<LazyFrame>,
    staff: Option<LazyFrame>,
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
                .map_err(|source| TransformError::Staging { path: staging.root().join(Family::Students.name()), source })?
                .into_iter();
            enrollment.extend(frames.next().map(DataFrame::lazy));
            demography.extend(frames.next().map(DataFrame::lazy));
        }
        let (enrollment, demography) = (staging.stack(Family::Students, enrollment)?, staging.stack(Family::Students, demography)?);
        Ok(Frames {
            root: staging.root().to_path_buf(),
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

    /// The same frames with one family absent, as if it had not been staged (the registry
    /// tests find what each plan reads with it).
    pub fn without(&self, family: Family) -> Frames {
        let mut frames = self.clone();
        match family {
            Family::Students => (frames.students, frames.enrollment, frames.demography) = (None, None, None),
            Family::Hei => frames.hei = None,
            Family::Mobility => frames.mobility = None,
            Family::StateOrder => frames.state_order = None,
            Family::Population => frames.population = None,
            Family::TvetStudents => frames.tvet_students = None,
            Family::Staff => frames.staff = None,
        }
        frames
    }

    fn staged(&self, frame: &Option<LazyFrame>, family: Family) -> Result<LazyFrame, PlanError> {
        frame.clone().ok_or_else(|| PlanError::MissingFamily { family, folder: self.root.join(family.name()) })
    }

    /// Student records (one row a student enrolled in an institution).
    pub fn students(&self) -> Result<LazyFrame, PlanError> {
        self.staged(&self.students, Family::Students)
    }

    /// The enrollment summary: sum `students` to count.
    pub fn enrollment(&self) -> Result<LazyFrame, PlanError> {
        self.staged(&self.enrollment, Family::Students)
    }

    /// The demography summary: sum `students` to count.
    pub fn demography(&self) -> Result<LazyFrame, PlanError> {
        self.staged(&self.demography, Family::Students)
    }

    /// The registry: hei_code, region_code, legal_form.
    pub fn hei(&self) -> Result<LazyFrame, PlanError> {
        Ok(self.staged(&self.hei, Family::Hei)?.select([col("hei_code"), col("region").alias("region_code"), col("legal_form")]))
    }

    pub fn mobility(&self) -> Result<LazyFrame, PlanError> {
        self.staged(&self.mobility, Family::Mobility)
    }

    /// Mobility episodes with the partner country's world region (the report's grouping).
    pub fn mobility_with_world_regions(&self) -> Result<LazyFrame, PlanError> {
        Ok(self.mobility()?.join(world_regions()?.lazy(), [col("country")], [col("country_iso3")], JoinArgs::new(JoinType::Left)))
    }

    /// Mobility episodes with the partner country's world region and the institution's region
    /// and legal form.
    pub fn mobility_with_institutions(&self) -> Result<LazyFrame, PlanError> {
        Ok(self.mobility_with_world_regions()?.join(self.hei()?, [col("hei_code")], [col("hei_code")], JoinArgs::new(JoinType::Left)))
    }

    pub fn state_order(&self) -> Result<LazyFrame, PlanError> {
        self.staged(&self.state_order, Family::StateOrder)
    }

    pub fn population(&self) -> Result<LazyFrame, PlanError> {
        self.staged(&self.population, Family::Population)
    }

    pub fn tvet_students(&self) -> Result<LazyFrame, PlanError> {
        self.staged(&self.tvet_students, Family::TvetStudents)
    }

    pub fn staff(&self) -> Result<LazyFrame, PlanError> {
        self.staged(&self.staff, Family::Staff)
    }
}

/// country_iso3 → world_region, from the code list (the report's regions). The code list is
/// compiled in, so an error here is a defect of hestat's build, reported, not defaulted.
pub fn world_regions() -> PolarsResult<DataFrame> {
    let countries = code_lists().countries();
    let iso3: Vec<&str> = countries.iter().map(|c| c.iso3).collect();
    let region: Vec<&str> = countries.iter().map(|c| c.world_region).collect();
    DataFrame::new_infer_height(vec![Column::new("country_iso3".into(), iso3), Column::new("world_region".into(), region)])
}

/// region_code → the region it was reported under before 2022 (itself when unchanged).
pub fn regions_before_2022() -> PolarsResult<DataFrame> {
    let regions = code_lists().regions();
    let code: Vec<&str> = regions.iter().map(|r| r.code).collect();
    let parent: Vec<&str> = regions.iter().map(|r| r.parent_before_2022.unwrap_or(r.code)).collect();
    DataFrame::new_infer_height(vec![Column::new("region_code".into(), code), Column::new("region_before_2022".into(), parent)])
}

/// The region of a record as published for its year: before 2022, Abai, Zhetysu and Ulytau
/// under their parents (`year_column`: the year that decides).
pub fn region_as_published(lf: LazyFrame, year_column: &str) -> PolarsResult<LazyFrame> {
    Ok(lf.join(regions_before_2022()?.lazy(), [col("region_code")], [col("region_code")], JoinArgs::new(JoinType::Left)).with_column(
        when(col(year_column).lt(lit(2022))).then(col("region_before_2022")).otherwise(col("region_code")).alias("region_code"),
    ))
}

/// `weight` (a column of records that carry `hei_code`) added up by `dims`, where
/// `region_code` and `legal_form` (the institution's) are looked up after adding up by
/// institution: the registry is joined to the sums, not to every record.
pub fn sum_with_institution(f: &Frames, lf: LazyFrame, dims: &[&str], weight: &str) -> Result<LazyFrame, PlanError> {
    let of_institution = |d: &&str| matches!(*d, "region_code" | "legal_form");
    if !dims.iter().any(of_institution) {
        return Ok(sum_by(lf, dims, weight));
    }
    let mut by_hei: Vec<&str> = dims.iter().filter(|d| !of_institution(d)).copied().collect();
    if !by_hei.contains(&"hei_code") {
        by_hei.push("hei_code");
    }
    let summed = sum_by(lf, &by_hei, weight).join(f.hei()?, [col("hei_code")], [col("hei_code")], JoinArgs::new(JoinType::Inner));
    Ok(sum_by(summed, dims, "value"))
}
