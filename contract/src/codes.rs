//! Code lists: the vocabularies that coded columns are checked against.
//!
//! Every list is data under `data/codelists/` (compiled into the binary with `include_str!`),
//! so adding a spelling is a one-line change to a CSV file, not to code. A value is looked up
//! after [`normalize_value`]: letter case, `ё`/`е`, surrounding and repeated white space do
//! not matter. Unknown values are never guessed: the lookup returns `None` and the caller
//! quarantines the row with the value shown.

use std::sync::OnceLock;

/// Code lists are looked up about ten million times per national roster: a fast hash
/// (foldhash) instead of SipHash. The keys are fixed at start-up, so hash flooding is moot.
type HashMap<K, V> = foldhash::HashMap<K, V>;

const VALUES_CSV: &str = include_str!("../../data/codelists/values.csv");
const COUNTRIES_CSV: &str = include_str!("../../data/codelists/countries.csv");
const REGIONS_CSV: &str = include_str!("../../data/codelists/regions.csv");
const FIELDS_CSV: &str = include_str!("../../data/codelists/fields.csv");

/// Lower-cases, folds `ё` to `е`, trims and collapses inner white space (including
/// non-breaking spaces and line breaks) to one space.
pub fn normalize_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    for ch in raw.chars() {
        if ch.is_whitespace() || ch == '\u{a0}' || ch == '\u{202f}' {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        for lower in ch.to_lowercase() {
            out.push(match lower {
                'ё' => 'е',
                other => other,
            });
        }
    }
    out
}

/// [`normalize_value`] without allocating when the text is already normalised (the common
/// case: codes typed from the templates' drop-down lists).
pub fn normalized(raw: &str) -> std::borrow::Cow<'_, str> {
    let mut previous_space = true;
    let clean = raw.chars().all(|c| {
        let ok = if c == ' ' { !previous_space } else { !c.is_whitespace() && !c.is_uppercase() && c != 'ё' };
        previous_space = c == ' ';
        ok
    }) && !raw.ends_with(' ');
    if clean {
        std::borrow::Cow::Borrowed(raw)
    } else {
        std::borrow::Cow::Owned(normalize_value(raw))
    }
}

/// One enumerated list (`gender`, `level`, `funding`, …): every accepted spelling → code.
#[derive(Debug, Default)]
pub struct CodeList {
    by_spelling: HashMap<String, &'static str>,
    codes: Vec<&'static str>,
}

/// Indexes a spelling under its normalised form and, so that the common exact spellings
/// are found without normalising, as written.
fn index_spelling<V: Copy>(map: &mut HashMap<String, V>, spelling: &str, value: V) {
    let key = normalize_value(spelling);
    if !key.is_empty() {
        map.entry(key).or_insert(value);
        map.entry(spelling.trim().to_string()).or_insert(value);
    }
}

/// Looks a raw value up: as written first, then normalised.
fn find_spelling<V: Copy>(map: &HashMap<String, V>, raw: &str) -> Option<V> {
    map.get(raw).or_else(|| map.get(normalized(raw).as_ref())).copied()
}

impl CodeList {
    fn insert(&mut self, spelling: &str, code: &'static str) {
        index_spelling(&mut self.by_spelling, spelling, code);
    }

    /// The canonical code for a spelling, if the list knows it.
    pub fn lookup(&self, raw: &str) -> Option<&'static str> {
        find_spelling(&self.by_spelling, raw)
    }

    /// The canonical codes, in file order.
    pub fn codes(&self) -> &[&'static str] {
        &self.codes
    }
}

/// A country of `countries.csv`.
#[derive(Debug, Clone)]
pub struct Country {
    pub iso3: &'static str,
    pub name_en: &'static str,
    pub name_ru: &'static str,
    pub name_kk: &'static str,
    pub world_region: &'static str,
}

/// A region of Kazakhstan (`regions.csv`).
#[derive(Debug, Clone)]
pub struct Region {
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_ru: &'static str,
    pub name_kk: &'static str,
    /// The region it belonged to before the 2022 reform (Abai, Zhetysu, Ulytau).
    pub parent_before_2022: Option<&'static str>,
}

/// All code lists, parsed once.
#[derive(Debug)]
pub struct CodeLists {
    lists: HashMap<&'static str, CodeList>,
    countries: Vec<Country>,
    country_by_spelling: HashMap<String, usize>,
    regions: Vec<Region>,
    region_by_spelling: HashMap<String, usize>,
    /// Field code and its names (EN, RU, KK).
    fields: Vec<(&'static str, [&'static str; 3])>,
    /// (list, code) → the code's labels (EN, RU, KK).
    value_labels: HashMap<(&'static str, &'static str), [&'static str; 3]>,
}

/// The process-wide code lists.
pub fn code_lists() -> &'static CodeLists {
    static LISTS: OnceLock<CodeLists> = OnceLock::new();
    LISTS.get_or_init(CodeLists::load)
}

/// Parses an embedded code list into records of `&'static str` fields. The lists are read
/// once per process and kept for its lifetime, so their text is leaked on purpose: codes can
/// then be handed out as `&'static str` without an allocation per lookup.
fn records(text: &'static str) -> Vec<Vec<&'static str>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    reader
        .records()
        .filter_map(Result::ok)
        .map(|record| record.iter().map(|f| &*Box::leak(f.to_string().into_boxed_str())).collect())
        .collect()
}

fn field<'a>(row: &[&'a str], i: usize) -> &'a str {
    row.get(i).copied().unwrap_or("").trim()
}

fn aliases(cell: &'static str) -> impl Iterator<Item = &'static str> {
    cell.split('|').map(str::trim).filter(|a| !a.is_empty())
}

impl CodeLists {
    fn load() -> Self {
        let mut lists: HashMap<&'static str, CodeList> = HashMap::default();
        let mut value_labels = HashMap::default();
        for row in records(VALUES_CSV) {
            let (list, code) = (field(&row, 0), field(&row, 1));
            value_labels.insert((list, code), [field(&row, 2), field(&row, 3), field(&row, 4)]);
            let entry = lists.entry(list).or_default();
            entry.codes.push(code);
            entry.insert(code, code);
            for spelling in [field(&row, 2), field(&row, 3), field(&row, 4)] {
                entry.insert(spelling, code);
            }
            for alias in aliases(field(&row, 5)) {
                entry.insert(alias, code);
            }
        }

        let mut countries = Vec::new();
        let mut country_by_spelling = HashMap::default();
        for row in records(COUNTRIES_CSV) {
            let idx = countries.len();
            countries.push(Country {
                iso3: field(&row, 0),
                name_en: field(&row, 2),
                name_ru: field(&row, 3),
                name_kk: field(&row, 4),
                world_region: field(&row, 5),
            });
            let names = [field(&row, 0), field(&row, 1), field(&row, 2), field(&row, 3), field(&row, 4)];
            for spelling in names.into_iter().chain(aliases(field(&row, 6))) {
                index_spelling(&mut country_by_spelling, spelling, idx);
            }
        }

        let mut regions = Vec::new();
        let mut region_by_spelling = HashMap::default();
        for row in records(REGIONS_CSV) {
            let idx = regions.len();
            let code = field(&row, 0);
            let parent = field(&row, 6);
            regions.push(Region {
                code,
                name_en: field(&row, 3),
                name_ru: field(&row, 4),
                name_kk: field(&row, 5),
                parent_before_2022: (!parent.is_empty()).then_some(parent),
            });
            let digits = code.trim_start_matches("KZ-");
            let names = [code, digits, field(&row, 1), field(&row, 3), field(&row, 4), field(&row, 5)];
            for spelling in names.into_iter().chain(aliases(field(&row, 7))) {
                index_spelling(&mut region_by_spelling, spelling, idx);
            }
        }

        let fields = records(FIELDS_CSV).iter().map(|row| (field(row, 0), [field(row, 1), field(row, 2), field(row, 3)])).collect();
        CodeLists { lists, countries, country_by_spelling, regions, region_by_spelling, fields, value_labels }
    }

    /// An enumerated list by name (`gender`, `level`, …).
    pub fn list(&self, name: &str) -> Option<&CodeList> {
        self.lists.get(name)
    }

    /// A country by ISO alpha-3, alpha-2, or an EN/RU/KK name or variant.
    pub fn country(&self, raw: &str) -> Option<&Country> {
        find_spelling(&self.country_by_spelling, raw).map(|i| &self.countries[i])
    }

    /// A region of Kazakhstan by ISO 3166-2 code (current or legacy), KATO digits, or name.
    pub fn region(&self, raw: &str) -> Option<&Region> {
        find_spelling(&self.region_by_spelling, raw).map(|i| &self.regions[i])
    }

    /// All regions, in the order of `regions.csv`.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// All countries, in the order of `countries.csv`.
    pub fn countries(&self) -> &[Country] {
        &self.countries
    }

    /// The canonical field-of-education code (`01`..`12`) equal to `code`, if it exists.
    pub fn field(&self, code: &str) -> Option<&'static str> {
        self.fields.iter().map(|(f, _)| *f).find(|f| *f == code)
    }

    /// A field of education's names (EN, RU, KK).
    pub fn field_names(&self, code: &str) -> Option<[&'static str; 3]> {
        self.fields.iter().find(|(f, _)| *f == code).map(|(_, names)| *names)
    }

    /// A code's labels (EN, RU, KK) in an enumerated list (`level`, `funding`, …).
    pub fn value_label(&self, list: &str, code: &str) -> Option<[&'static str; 3]> {
        self.value_labels.iter().find(|((l, c), _)| *l == list && *c == code).map(|(_, labels)| *labels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_borrows_clean_text_and_folds_the_rest() {
        assert!(matches!(normalized("бакалавриат"), std::borrow::Cow::Borrowed(_)));
        assert_eq!(normalized("  Бакалавриат\u{a0} "), "бакалавриат");
        assert_eq!(normalized("Учёный"), "ученый");
        assert_eq!(normalized("local  budget"), "local budget");
        assert_eq!(normalized("x "), "x");
    }

    #[test]
    fn code_lists_resolve_variants_and_refuse_unknowns() {
        let lists = code_lists();
        assert_eq!(lists.country("Türkiye").map(|c| c.iso3), Some("TUR"));
        assert_eq!(lists.country("чехия").map(|c| c.world_region), Some("Europe"));
        assert_eq!(lists.country("KZ").map(|c| c.iso3), Some("KAZ"));
        assert!(lists.country("Atlantis").is_none());
        assert_eq!(lists.region("Almaty").map(|r| r.code), Some("KZ-75"));
        assert_eq!(lists.region("Almaty Reg.").map(|r| r.code), Some("KZ-19"));
        assert_eq!(lists.region("ЮКО").map(|r| r.code), Some("KZ-61"));
        assert_eq!(lists.region("KZ-ALA").map(|r| r.code), Some("KZ-75"));
        assert_eq!(lists.region("Ulytau Region").and_then(|r| r.parent_before_2022), Some("KZ-35"));
        assert_eq!(lists.list("funding").and_then(|l| l.lookup("Госзаказ")), Some("state_grant"));
        assert_eq!(lists.list("gender").and_then(|l| l.lookup("ер")), Some("M"));
        assert_eq!(lists.regions().len(), 20);
        assert_eq!(lists.field("12"), Some("12"));
        assert_eq!(lists.field("13"), None);
    }
}
