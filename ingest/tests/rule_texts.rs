//! Every rule that ingestion can raise has its texts in the message catalogue
//! (`data/rules.csv`): a problem and what to do, in English, Russian and Kazakh, with the same
//! placeholders in each; and every rule of the catalogue is one that ingestion raises.
//!
//! The rules raised are found in ingestion's sources, where an issue or a refusal is made:
//! the literal before `, Severity::`, or after `FileRejection::new(`, `.warn(`, `rule:`, a
//! sheet status or a skip reason.

use std::collections::BTreeSet;

use hestat_contract::rules;
use hestat_contract::Lang;

fn raised_rules() -> BTreeSet<String> {
    let literal = regex::Regex::new(r#""([a-z][a-z0-9]*(?:_[a-z0-9]+)*)""#).unwrap();
    let after = regex::Regex::new(r"^\s*,\s*Severity::").unwrap();
    let before = regex::Regex::new(
        r"(FileRejection::new\(\s*|Rejection::new\(\s*|\.warn\(\s*|rule:\s*|SheetStatus::\w+,\s*|SkipReason::\w+\s*=>\s*|notes\.push\(\(String::new\(\),\s*|skipped\(&?\w+,\s*)$",
    )
    .unwrap();
    let mut found = BTreeSet::new();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // The unit tests make up rules of their own.
        let code = text.split("#[cfg(test)]").next().unwrap();
        for m in literal.captures_iter(code) {
            let whole = m.get(0).unwrap();
            let mut from = whole.start().saturating_sub(60);
            while !code.is_char_boundary(from) {
                from += 1;
            }
            let head = &code[from..whole.start()];
            if after.is_match(&code[whole.end()..]) || before.is_match(head) {
                found.insert(m[1].to_string());
            }
        }
    }
    // Severity names, not rules.
    found.remove("info");
    found.remove("warning");
    found
}

#[test]
fn every_rule_ingestion_raises_has_its_texts_in_three_languages() {
    let raised = raised_rules();
    assert!(raised.len() >= 60, "the scan finds the rules: {raised:?}");
    for known in ["unknown_country", "duplicate_student", "corrupt_file", "blank_rows", "dimension_overstated", "student_in_several_heis", "unknown_hei", "xlsb_cells_missing"] {
        assert!(raised.contains(known), "{known} not found by the scan");
    }
    let mut missing = Vec::new();
    for rule in &raised {
        match rules::rule(rule) {
            None => missing.push(rule.clone()),
            Some(text) => {
                for lang in Lang::ALL {
                    assert!(!text.problem(lang, "x", "gender").trim().is_empty(), "{rule}: no problem text in {}", lang.code());
                    assert!(!text.action(lang).trim().is_empty(), "{rule}: no action in {}", lang.code());
                }
            }
        }
    }
    assert!(missing.is_empty(), "rules without texts in data/rules.csv: {missing:?}");
    let catalogued: BTreeSet<String> = rules::rules().iter().map(|r| r.rule.to_string()).collect();
    let unused: Vec<&String> = catalogued.difference(&raised).collect();
    assert!(unused.is_empty(), "rules in data/rules.csv that ingestion never raises: {unused:?}");
}
