//! The units a published value can have.

/// What a value counts or measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unit {
    /// People (students, staff in mobility, residents): the default, with no `unit` column.
    Persons,
    /// A percentage (0-100).
    Percent,
    /// Grants of the state order.
    Grants,
    /// Higher-education institutions.
    Institutions,
    /// Countries.
    Countries,
    /// Academic staff.
    Staff,
    /// Counts and shares in one table: each row says its own (`measure`, `unit`).
    Mixed,
}

impl Unit {
    pub fn name(self) -> &'static str {
        match self {
            Unit::Persons => "persons",
            Unit::Percent => "percent",
            Unit::Grants => "grants",
            Unit::Institutions => "institutions",
            Unit::Countries => "countries",
            Unit::Staff => "staff",
            Unit::Mixed => "mixed",
        }
    }

    /// Whether a table of this unit carries a `unit` column (persons are the default; a mixed
    /// table says it per row).
    pub fn has_unit_column(self) -> bool {
        !matches!(self, Unit::Persons)
    }
}
