//! The synthetic HEI registry: the 122 institutions of 2024 (`data/synthetic/hei_registry.csv`:
//! real names from the report's list, legal forms matching its counts, regions by location).

use std::sync::OnceLock;

const REGISTRY_CSV: &str = include_str!("../../data/synthetic/hei_registry.csv");

/// The crosswalk from the report's university names (Table 6.1.15) to this registry's codes
/// (`data/synthetic/report_universities.csv`: `report_name,hei_code`). It belongs to the
/// dataset: a real registry ships its own, and the reference check reads whichever it is given.
pub const REPORT_UNIVERSITIES_CSV: &str = include_str!("../../data/synthetic/report_universities.csv");

/// One institution.
#[derive(Debug, Clone)]
pub struct Hei {
    pub code: String,
    pub name_en: String,
    /// ISO 3166-2:KZ code.
    pub region: String,
    pub legal_form: String,
}

impl Hei {
    /// Military and law-enforcement institutions report through their ministries.
    pub fn is_civilian(&self) -> bool {
        self.legal_form != "non_civil"
    }
}

/// All institutions, in registry order.
pub fn registry() -> &'static [Hei] {
    static REGISTRY: OnceLock<Vec<Hei>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(REGISTRY_CSV.as_bytes());
        reader
            .records()
            .filter_map(Result::ok)
            .map(|r| Hei {
                code: r.get(0).unwrap_or("").to_string(),
                name_en: r.get(1).unwrap_or("").to_string(),
                region: r.get(2).unwrap_or("").to_string(),
                legal_form: r.get(3).unwrap_or("").to_string(),
            })
            .collect()
    })
}

/// (report name, registry code) of every university the report names, from
/// [`REPORT_UNIVERSITIES_CSV`].
pub fn report_universities() -> &'static [(String, String)] {
    static CROSSWALK: OnceLock<Vec<(String, String)>> = OnceLock::new();
    CROSSWALK.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(REPORT_UNIVERSITIES_CSV.as_bytes());
        reader.records().filter_map(Result::ok).map(|r| (r.get(0).unwrap_or("").to_string(), r.get(1).unwrap_or("").to_string())).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_matches_the_reported_network() {
        let hei = registry();
        assert_eq!(hei.len(), 122);
        let count = |form: &str| hei.iter().filter(|h| h.legal_form == form).count();
        let counts = [count("national"), count("state"), count("private"), count("jsc"), count("non_civil"), count("aeo"), count("international")];
        assert_eq!(counts, [12, 31, 52, 11, 14, 1, 1]);
        assert!(hei.iter().all(|h| hestat_contract::codes::code_lists().region(&h.region).is_some()));
    }

    #[test]
    fn every_university_the_report_names_has_a_registry_code() {
        let crosswalk = report_universities();
        assert_eq!(crosswalk.len(), 12);
        assert!(crosswalk.iter().all(|(_, code)| registry().iter().any(|h| &h.code == code)));
        assert_eq!(crosswalk[0], ("West Kazakhstan Medical University named after M. Ospanov".to_string(), "HEI092".to_string()));
    }
}
