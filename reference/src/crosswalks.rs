//! The report's own labels → the input contract's codes: how the National Report names a
//! funding source, a degree, a programme or a legal form, and the code the same thing has in
//! the submissions (`data/codelists/values.csv`). These belong to the report (they change when
//! its wording changes), not to a registry or a dataset. Levels, fields, regions and countries
//! are looked up in the contract's code lists instead, whose labels cover the report's.
//!
//! A crosswalk is a list of (label, code). [`exact`] matches whole labels; [`by_prefix`]
//! matches the first label the text starts with (the report abbreviates and decorates its
//! labels: "State budget (MSHE RK)", "Erasmus+").

/// A crosswalk: (the report's label, or its first words; the contract's code).
pub type Crosswalk = [(&'static str, &'static str)];

/// The code of a label that equals one of the crosswalk's.
pub fn exact(crosswalk: &Crosswalk, label: &str) -> Option<&'static str> {
    crosswalk.iter().find(|(l, _)| *l == label).map(|(_, code)| *code)
}

/// The code of the first crosswalk label that `label` starts with.
pub fn by_prefix(crosswalk: &Crosswalk, label: &str) -> Option<&'static str> {
    crosswalk.iter().find(|(l, _)| label.starts_with(l)).map(|(_, code)| *code)
}

/// The report's directions of mobility (`direction` of Tables 6.1.1 and the field files).
pub const DIRECTION: &Crosswalk = &[("inbound", "incoming"), ("outbound", "outgoing")];

/// Funding sources of outgoing student mobility (Table 6.1.14 and the text), by prefix.
pub const OUTGOING_FUNDING_SOURCE: &Crosswalk = &[
    ("Student's own", "own_funds"),
    ("Own funds", "own_funds"),
    ("State budget", "state_budget"),
    ("University funds", "university"),
    ("Erasmus", "erasmus"),
    ("Other Kazakhstani", "other_programs"),
    ("Mutual exchange", "mutual_exchange"),
    ("Foreign", "foreign_university"),
    ("Ministry of Culture", "other_ministries"),
];

/// Funding sources of incoming student mobility (the 2024 text), by prefix; what none of them
/// starts is an international grant.
pub const INCOMING_FUNDING_SOURCE: &Crosswalk = &[("Mutual", "mutual_exchange"), ("Own", "own_funds"), ("Sending", "sending_party"), ("Kazakhstani", "kz_university")];

/// Table 6.1.7's split of outgoing mobility: the state budget and the rest.
pub const OUTGOING_BUDGET_SPLIT: &Crosswalk = &[("State budget", "state_budget"), ("Non-budgetary", "extra_budgetary")];

/// Faculty exchange programmes of Table 6.1.23 → the contract's outgoing funding codes, by
/// prefix (several programmes fall under one code).
pub const FACULTY_PROGRAMME: &Crosswalk = &[
    ("Interuniversity Agreement", "mutual_exchange"),
    ("Grants / Free of Charge", "foreign_university"),
    ("University's Non-Budgetary Funds", "university"),
    ("University Funds", "university"),
    ("State Budget", "state_budget"),
    ("Erasmus+", "erasmus"),
    ("Bolashak", "state_budget"),
    ("Orkhun Program", "other_programs"),
    ("Project-Based Funding", "other_programs"),
    ("Nonprofit Educational Organization", "other_programs"),
    ("Fulbright", "other_programs"),
    ("Hosting Party", "foreign_university"),
    ("Embassy", "foreign_university"),
    ("DAAD", "other_programs"),
    ("Building Educational", "other_programs"),
    ("i5 Lego", "other_programs"),
];

/// Types of student mobility (the 2024 text), by prefix; the rest are internships.
pub const MOBILITY_TYPE: &Crosswalk = &[("Credit", "credit"), ("Double", "double_degree"), ("Summer", "summer_school"), ("Winter and summer", "summer_school")];

/// Academic degrees of staff (Table 6.1.21, the faculty text, section 3.3).
pub const STAFF_DEGREE: &Crosswalk = &[
    ("PhD", "phd"),
    ("Doctor of Sciences", "doctor_of_sciences"),
    ("Candidate of Sciences", "candidate"),
    ("Master's", "master"),
    ("Specialist", "specialist"),
    ("No degree", "none"),
];

/// Academic titles of staff (section 3.3).
pub const STAFF_TITLE: &Crosswalk = &[
    ("No academic title", "none"),
    ("Associate Professor (dotsent)", "associate_professor"),
    ("Professor", "professor"),
    ("Docent", "docent"),
    ("Associate Professor (new qualification framework)", "associate_professor_new"),
    ("Professor (new qualification framework)", "professor_new"),
];

/// Legal forms of institutions (section 3.1, Table 6.1.17).
pub const LEGAL_FORM: &Crosswalk = &[
    ("Private", "private"),
    ("State", "state"),
    ("Non-civil (military and law enforcement)", "non_civil"),
    ("National", "national"),
    ("Joint-stock", "jsc"),
    ("Autonomous educational organization (AEO)", "aeo"),
    ("International", "international"),
];

/// Socially vulnerable groups of Table 8.2.3.
pub const VULNERABLE_GROUP: &Crosswalk =
    &[("Students from low-income families", "low_income"), ("Students under the rural quota", "rural_quota"), ("Students from large families", "large_family")];

/// Social categories of the grants awarded in 2024 (section 3.2) → grant quotas; the
/// remaining line is the kandas quota.
pub const GRANT_QUOTA: &Crosswalk = &[
    ("Orphans", "orphan"),
    ("Persons with disabilities", "disability"),
    ("Children from large families", "large_family"),
    ("Children from single-parent families", "single_parent"),
    ("Children from families raising children with disabilities", "disabled_child_family"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{field, published};

    /// Every label a crosswalk is for, as the reference tables print it, finds its code.
    #[test]
    fn the_published_labels_find_their_codes() {
        let labels = |file: &str, column: &str| published(file).iter().map(|r| field(r, column).to_string()).filter(|l| l != "Total").collect::<Vec<_>>();
        for label in labels("table_6_1_14", "funding_source") {
            assert!(by_prefix(OUTGOING_FUNDING_SOURCE, &label).is_some(), "{label}");
        }
        for label in labels("table_6_1_23", "program") {
            assert!(by_prefix(FACULTY_PROGRAMME, &label).is_some(), "{label}");
        }
        for label in labels("table_6_1_21", "academic_degree") {
            assert!(exact(STAFF_DEGREE, &label).is_some(), "{label}");
        }
        for label in labels("table_8_2_3", "category") {
            assert!(exact(VULNERABLE_GROUP, &label).is_some(), "{label}");
        }
        for label in labels("table_6_1_17", "university_type") {
            assert!(exact(LEGAL_FORM, &label).is_some(), "{label}");
        }
        assert_eq!(by_prefix(OUTGOING_FUNDING_SOURCE, "State budget (MSHE RK)"), Some("state_budget"));
        assert_eq!(by_prefix(MOBILITY_TYPE, "Winter and summer schools"), Some("summer_school"));
        assert_eq!(by_prefix(MOBILITY_TYPE, "Summer schools"), Some("summer_school"));
        assert_eq!(exact(STAFF_DEGREE, "With academic degree (total)"), None);
    }
}
