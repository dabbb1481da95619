//! The seven families of the input contract, as data.
//!
//! A family is a list of [`ColumnSpec`]s: canonical key, whether it is required, and the
//! [`ColumnKind`] that says how its cells are parsed. The English, Russian and Kazakh header
//! labels are not written here: they come from `data/headers.csv` (the official labels of
//! the input contract), so that file is the only source of labels.

use std::collections::HashMap;
use std::sync::OnceLock;

const HEADERS_CSV: &str = include_str!("../../data/headers.csv");

/// The families of the input contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Family {
    Hei,
    Students,
    Mobility,
    StateOrder,
    Population,
    TvetStudents,
    Staff,
}

impl Family {
    pub const ALL: [Family; 7] = [
        Family::Hei,
        Family::Students,
        Family::Mobility,
        Family::StateOrder,
        Family::Population,
        Family::TvetStudents,
        Family::Staff,
    ];

    /// The family's name in the contract and in `staging/<name>/`.
    pub fn name(self) -> &'static str {
        match self {
            Family::Hei => "hei",
            Family::Students => "students",
            Family::Mobility => "mobility",
            Family::StateOrder => "state_order",
            Family::Population => "population",
            Family::TvetStudents => "tvet_students",
            Family::Staff => "staff",
        }
    }

    /// The family named `name` in the contract.
    pub fn from_name(name: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The column whose value partitions the staging dataset (`None`: not partitioned).
    pub fn partition_key(self) -> Option<&'static str> {
        match self {
            Family::Hei => None,
            Family::Mobility | Family::Population => Some("year"),
            _ => Some("academic_year"),
        }
    }

    pub fn spec(self) -> &'static FamilySpec {
        &family_specs()[self as usize]
    }
}

/// How the cells of a column are read and what they become in staging.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ColumnKind {
    /// Free text, trimmed (names, program groups, positions).
    Text,
    /// An identifier, trimmed and upper-cased (`hei_code`).
    Code,
    /// A student or staff identifier: pseudonymous, or a 12-digit IIN that is replaced by a
    /// keyed hash.
    PersonId,
    /// `2024-2025`, `2024/25`, `2024` → 2024.
    AcademicYear,
    /// A calendar year (1900–2100).
    Year,
    /// An integer within bounds (study year, age).
    IntRange(i64, i64),
    /// A non-negative count; `-`, `—` or empty mean zero.
    Count,
    /// Like `Count`, but empty means 1 (mobility `count`).
    CountDefaultOne,
    /// A decimal number within bounds (FTE rate).
    Decimal(f64, f64),
    /// A date: Excel date (1900/1904), `dd.mm.yyyy` or `yyyy-mm-dd`.
    Date,
    /// Yes/no; empty means no.
    YesNo,
    /// A value of a named list in `data/codelists/values.csv`.
    List(&'static str),
    /// A country → ISO alpha-3.
    Country,
    /// A region of Kazakhstan → ISO 3166-2:KZ code.
    Region,
    /// A field of education, `1`..`12` with or without the leading zero → `01`..`12`.
    FieldCode,
    /// An educational program code such as `6B01101`.
    ProgramCode,
}

/// One column of a family.
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    pub key: &'static str,
    pub kind: ColumnKind,
    pub required: bool,
    /// A column that may stand in for this required one (`birth_date` for `birth_year`).
    pub alternative: Option<&'static str>,
    /// Official header labels (EN, RU, KK) from `data/headers.csv`.
    pub labels: Vec<&'static str>,
}

/// A family: its columns, in contract order.
#[derive(Debug)]
pub struct FamilySpec {
    pub family: Family,
    pub columns: Vec<ColumnSpec>,
}

impl FamilySpec {
    pub fn column(&self, key: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.key == key)
    }

    /// Required keys not satisfied by `present` (an alternative satisfies its column).
    pub fn missing_required(&self, present: &[&str]) -> Vec<&'static str> {
        self.columns
            .iter()
            .filter(|c| c.required)
            .filter(|c| !present.contains(&c.key) && !c.alternative.is_some_and(|alt| present.contains(&alt)))
            .map(|c| c.key)
            .collect()
    }

    pub fn required_count(&self) -> usize {
        self.columns.iter().filter(|c| c.required).count()
    }
}

use ColumnKind as K;

/// (key, kind, required) per family, in the order of the input contract.
fn family_columns(family: Family) -> Vec<(&'static str, ColumnKind, bool)> {
    match family {
        Family::Hei => vec![
            ("hei_code", K::Code, true),
            ("name_en", K::Text, true),
            ("region", K::Region, true),
            ("legal_form", K::List("legal_form"), true),
            ("name_ru", K::Text, false),
            ("name_kk", K::Text, false),
            ("founded_year", K::Year, false),
        ],
        Family::Students => vec![
            ("academic_year", K::AcademicYear, true),
            ("hei_code", K::Code, true),
            ("student_id", K::PersonId, true),
            ("gender", K::List("gender"), true),
            ("birth_year", K::Year, true),
            ("birth_date", K::Date, false),
            ("citizenship", K::Country, true),
            ("level", K::List("level"), true),
            ("program_code", K::ProgramCode, true),
            ("study_year", K::IntRange(1, 7), true),
            ("funding", K::List("funding"), true),
            ("grant_quota", K::List("grant_quota"), false),
            ("admitted", K::YesNo, false),
            ("sen", K::YesNo, false),
            ("disability_group", K::List("disability_group"), false),
            ("low_income", K::YesNo, false),
            ("large_family", K::YesNo, false),
            ("orphan", K::YesNo, false),
            ("dormitory", K::YesNo, false),
            ("study_form", K::List("study_form"), false),
            ("language", K::List("language"), false),
        ],
        Family::Mobility => vec![
            ("year", K::Year, true),
            ("hei_code", K::Code, true),
            ("direction", K::List("direction"), true),
            ("participant", K::List("participant"), true),
            ("country", K::Country, true),
            ("level", K::List("level"), true),
            ("field_code", K::FieldCode, true),
            ("funding_source", K::List("funding_source"), true),
            ("mode", K::List("mode"), true),
            ("mobility_type", K::List("mobility_type"), true),
            ("partner_institution", K::Text, false),
            ("sen", K::YesNo, false),
            ("start_date", K::Date, false),
            ("end_date", K::Date, false),
            ("count", K::CountDefaultOne, false),
        ],
        Family::StateOrder => vec![
            ("academic_year", K::AcademicYear, true),
            ("level", K::List("level"), true),
            ("field_code", K::FieldCode, true),
            ("quota", K::List("grant_quota"), true),
            ("grants", K::Count, true),
            ("hei_code", K::Code, false),
            ("program_group", K::Text, false),
        ],
        Family::Population => vec![
            ("year", K::Year, true),
            ("region", K::Region, true),
            ("age", K::IntRange(0, 120), true),
            ("population", K::Count, true),
            ("gender", K::List("gender"), false),
        ],
        Family::TvetStudents => vec![
            ("academic_year", K::AcademicYear, true),
            ("region", K::Region, true),
            ("students", K::Count, true),
        ],
        Family::Staff => vec![
            ("academic_year", K::AcademicYear, true),
            ("hei_code", K::Code, true),
            ("staff_id", K::PersonId, true),
            ("gender", K::List("gender"), true),
            ("birth_year", K::Year, true),
            ("degree", K::List("degree"), true),
            ("title", K::List("title"), true),
            ("position", K::Text, false),
            ("rate", K::Decimal(0.0, 2.0), false),
        ],
    }
}

fn family_specs() -> &'static [FamilySpec] {
    static SPECS: OnceLock<Vec<FamilySpec>> = OnceLock::new();
    SPECS.get_or_init(|| {
        let mut labels: HashMap<(&str, &str), Vec<&'static str>> = HashMap::new();
        for line in HEADERS_CSV.lines().skip(1).filter(|l| !l.trim().is_empty()) {
            let mut parts = line.split(',');
            let (Some(family), Some(key)) = (parts.next(), parts.next()) else { continue };
            labels.entry((family, key)).or_default().extend(parts.map(str::trim));
        }
        Family::ALL
            .iter()
            .map(|&family| FamilySpec {
                family,
                columns: family_columns(family)
                    .into_iter()
                    .map(|(key, kind, required)| ColumnSpec {
                        key,
                        kind,
                        required,
                        alternative: (family == Family::Students && key == "birth_year").then_some("birth_date"),
                        labels: labels.get(&(family.name(), key)).cloned().unwrap_or_default(),
                    })
                    .collect(),
            })
            .collect()
    })
}
