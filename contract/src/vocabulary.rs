//! The vocabulary of the published tables (`outputs.md`): the names a dimension column may
//! have, and the columns that follow the dimensions.

/// Dimension column names, with the codes of the input contract as values.
pub const DIMENSIONS: [&str; 24] = [
    "year",
    "academic_year",
    "direction",
    "participant",
    "country_iso3",
    "world_region",
    "region_code",
    "hei_code",
    "legal_form",
    "level",
    "field_code",
    "funding",
    "funding_source",
    "quota",
    "gender",
    "age",
    "study_year",
    "disability_group",
    "degree",
    "title",
    "category",
    "mode",
    "mobility_type",
    "measure",
];

/// The columns after the dimensions: the value, the note of a row (`flag`), and the unit
/// where it is not persons.
pub const VALUE_COLUMNS: [&str; 3] = ["value", "flag", "unit"];
