//! Human labels of codes in English, Russian and Kazakh, for the charts, the workbook and the
//! pages (tables keep their codes: `outputs.md`). They come from the contract's code lists
//! (values, regions, countries, fields) and, for the codes only outputs have (world regions,
//! measures, categories, `Total`), from `data/codelists/output_labels.csv`.

use std::collections::HashMap;
use std::sync::OnceLock;

use hestat_contract::codes::code_lists;

/// A language of the report (the contract's three).
pub use hestat_contract::Lang;

const OUTPUT_LABELS_CSV: &str = include_str!("../../data/codelists/output_labels.csv");

/// (dimension or `*`, code) → labels.
fn output_labels() -> &'static HashMap<(String, String), [String; 3]> {
    static LABELS: OnceLock<HashMap<(String, String), [String; 3]>> = OnceLock::new();
    LABELS.get_or_init(|| {
        let mut reader = csv::Reader::from_reader(OUTPUT_LABELS_CSV.as_bytes());
        reader
            .records()
            .filter_map(Result::ok)
            .map(|r| {
                let f = |i| r.get(i).unwrap_or("").to_string();
                ((f(0), f(1)), [f(2), f(3), f(4)])
            })
            .collect()
    })
}

/// The code lists a dimension's codes come from, in the order they are tried.
fn lists_of(dimension: &str) -> &'static [&'static str] {
    match dimension {
        "quota" => &["grant_quota"],
        "mode" => &["mode", "study_form"],
        "category" => &["language"],
        "level" => &["level"],
        "gender" => &["gender"],
        "funding" => &["funding"],
        "funding_source" => &["funding_source"],
        "legal_form" => &["legal_form"],
        "disability_group" => &["disability_group"],
        "direction" => &["direction"],
        "participant" => &["participant"],
        "mobility_type" => &["mobility_type"],
        "degree" => &["degree"],
        "title" => &["title"],
        _ => &[],
    }
}

/// The label of `code` in `dimension`, in `lang`; the code itself when no list names it.
pub fn label(dimension: &str, code: &str, lang: Lang) -> String {
    let lists = code_lists();
    let found: Option<String> = match dimension {
        "region_code" => lists.regions().iter().find(|r| r.code == code).map(|r| lang.pick([r.name_en, r.name_ru, r.name_kk]).to_string()),
        "country_iso3" => lists.countries().iter().find(|c| c.iso3 == code).map(|c| lang.pick([c.name_en, c.name_ru, c.name_kk]).to_string()),
        "field_code" => lists.field_names(code).map(|names| format!("{code} {}", lang.pick(names))),
        _ => None,
    };
    found
        .or_else(|| lists_of(dimension).iter().find_map(|list| lists.value_label(list, code)).map(|l| lang.pick(l).to_string()))
        .or_else(|| {
            let labels = output_labels();
            labels.get(&(dimension.to_string(), code.to_string())).or_else(|| labels.get(&("*".to_string(), code.to_string()))).map(|l| l[lang.index()].clone())
        })
        .unwrap_or_else(|| code.to_string())
}

/// A dimension's name as a column heading.
pub fn dimension_name(dimension: &str, lang: Lang) -> &'static str {
    let names: [&'static str; 3] = match dimension {
        "year" => ["Year", "Год", "Жыл"],
        "academic_year" => ["Academic year", "Учебный год", "Оқу жылы"],
        "direction" => ["Direction", "Направление", "Бағыт"],
        "participant" => ["Participant", "Участник", "Қатысушы"],
        "country_iso3" => ["Country", "Страна", "Ел"],
        "world_region" => ["World region", "Регион мира", "Әлем өңірі"],
        "region_code" => ["Region", "Регион", "Өңір"],
        "hei_code" => ["University", "Вуз", "ЖОО"],
        "legal_form" => ["Legal form", "Организационно-правовая форма", "Ұйымдық-құқықтық нысаны"],
        "level" => ["Level", "Уровень", "Деңгей"],
        "field_code" => ["Field of education", "Область образования", "Білім беру саласы"],
        "funding" => ["Funding", "Финансирование", "Қаржыландыру"],
        "funding_source" => ["Funding source", "Источник финансирования", "Қаржыландыру көзі"],
        "quota" => ["Quota", "Квота", "Квота"],
        "gender" => ["Gender", "Пол", "Жынысы"],
        "age" => ["Age", "Возраст", "Жасы"],
        "study_year" => ["Year of study", "Курс", "Курс"],
        "disability_group" => ["Disability group", "Группа инвалидности", "Мүгедектік тобы"],
        "degree" => ["Degree", "Учёная степень", "Ғылыми дәреже"],
        "title" => ["Academic title", "Учёное звание", "Ғылыми атақ"],
        "category" => ["Category", "Категория", "Санат"],
        "mode" => ["Mode", "Форма", "Нысаны"],
        "mobility_type" => ["Type of mobility", "Вид мобильности", "Ұтқырлық түрі"],
        "measure" => ["Measure", "Показатель", "Көрсеткіш"],
        "value" => ["Value", "Значение", "Мәні"],
        "unit" => ["Unit", "Единица", "Бірлік"],
        "flag" => ["Note", "Примечание", "Ескерту"],
        _ => return "",
    };
    lang.pick(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_labelled_from_every_list() {
        assert_eq!(label("region_code", "KZ-10", Lang::Kk), "Абай облысы");
        assert_eq!(label("country_iso3", "AFG", Lang::Ru), "Афганистан");
        assert_eq!(label("level", "bachelor", Lang::En), "Bachelor's");
        assert_eq!(label("quota", "rural", Lang::Kk), "ауыл жастары");
        assert_eq!(label("world_region", "CIS", Lang::Kk), "ТМД");
        assert_eq!(label("legal_form", "Total", Lang::Ru), "Всего");
        assert_eq!(label("field_code", "01", Lang::En), "01 Pedagogical Sciences (Education)");
        assert_eq!(label("hei_code", "KZ-HEI-999", Lang::En), "KZ-HEI-999");
    }
}
