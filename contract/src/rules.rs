//! The texts of the validation rules: for every rule that ingestion can raise, what the problem
//! is and what to do about it, in English, Russian and Kazakh (`data/rules.csv`, compiled in).
//! They are written once, by people, and shown by `hestat validate`, its feedback workbook and
//! the national validation report (`validation/issues.csv`); nothing is translated at run time.
//!
//! A text may name `{value}` (the cell's value, as the issue shows it) and `{column}` (the
//! column's official header in the same language).

use std::sync::OnceLock;

const RULES_CSV: &str = include_str!("../../data/rules.csv");

use crate::lang::Lang;

/// One rule's texts, by language.
#[derive(Debug, Clone)]
pub struct RuleText {
    pub rule: String,
    problem: [String; 3],
    action: [String; 3],
}

impl RuleText {
    /// The problem, with `{value}` and `{column}` filled in.
    pub fn problem(&self, lang: Lang, value: &str, column: &str) -> String {
        let label = column_label(column, lang);
        self.problem[lang.index()].replace("{value}", value).replace("{column}", &label)
    }

    /// What to do about it.
    pub fn action(&self, lang: Lang) -> &str {
        &self.action[lang.index()]
    }
}

/// Every rule, sorted by id.
pub fn rules() -> &'static [RuleText] {
    static RULES: OnceLock<Vec<RuleText>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(RULES_CSV.as_bytes());
        let mut rules: Vec<RuleText> = reader
            .records()
            .map(|r| {
                let r = r.expect("data/rules.csv is valid CSV (checked by a test)");
                let at = |i: usize| r.get(i).unwrap_or_default().to_string();
                RuleText { rule: at(0), problem: [at(1), at(3), at(5)], action: [at(2), at(4), at(6)] }
            })
            .collect();
        rules.sort_by(|a, b| a.rule.cmp(&b.rule));
        rules
    })
}

/// The texts of `rule`, if it is known.
pub fn rule(rule: &str) -> Option<&'static RuleText> {
    let rules = rules();
    rules.binary_search_by(|r| r.rule.as_str().cmp(rule)).ok().map(|i| &rules[i])
}

/// The problem and what to do, as one sentence pair; the rule's id itself when it has no text
/// (which a test rules out for every rule ingestion raises).
pub fn message(rule_id: &str, lang: Lang, value: &str, column: &str) -> String {
    match rule(rule_id) {
        Some(text) => format!("{} {}", text.problem(lang, value, column), text.action(lang)),
        None => rule_id.to_string(),
    }
}

/// A column key's official header in `lang` (the first family that has the key), or the key.
fn column_label(key: &str, lang: Lang) -> String {
    if key.is_empty() {
        return String::new();
    }
    crate::Family::ALL
        .iter()
        .find_map(|f| f.spec().column(key))
        .and_then(|c| c.labels.get(lang.index()).copied())
        .unwrap_or(key)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_both_texts_in_three_languages() {
        let rules = rules();
        assert_eq!(rules.len(), 63);
        for r in rules {
            for lang in Lang::ALL {
                assert!(!r.problem[lang.index()].trim().is_empty(), "{} has no problem text in {}", r.rule, lang.code());
                assert!(!r.action[lang.index()].trim().is_empty(), "{} has no action in {}", r.rule, lang.code());
            }
            // Placeholders are the same in every language.
            let marks = |t: &str| (t.contains("{value}"), t.contains("{column}"));
            assert_eq!(marks(&r.problem[0]), marks(&r.problem[1]), "{}", r.rule);
            assert_eq!(marks(&r.problem[0]), marks(&r.problem[2]), "{}", r.rule);
        }
        let mut ids: Vec<&str> = rules.iter().map(|r| r.rule.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), rules.len(), "a rule is listed twice");
    }

    #[test]
    fn texts_fill_value_and_column_in_the_language() {
        assert_eq!(
            message("unknown_country", Lang::Ru, "XXX", "citizenship"),
            "«XXX» не является известной страной. Укажите код страны ISO (KAZ, RUS) или её название по справочнику."
        );
        let kk = message("missing_value", Lang::Kk, "", "hei_code");
        assert_eq!(kk, "Міндетті мән толтырылмаған (ЖОО коды). Ұяшықты толтырыңыз.");
        assert_eq!(message("no_such_rule", Lang::En, "", ""), "no_such_rule");
    }
}
