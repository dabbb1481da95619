//! `hestat validate`: what a university's data officer sees. The problems of the files given,
//! grouped by file and sheet, then by rule, in English, Russian or Kazakh (the rule texts of
//! `data/rules.csv`), and the feedback workbook when asked for.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use hestat_contract::rules;
use hestat_contract::Lang;
use hestat_ingest::submission::SubmissionReport;
use hestat_ingest::{Severity, ValidationIssue};

/// The most cells listed under one rule of one sheet (the feedback workbook lists them all).
const CELLS_SHOWN: usize = 10;

/// The words around the rule texts.
pub struct Words {
    pub checked: &'static str,
    pub files: &'static str,
    pub sheets: &'static str,
    pub registry_embedded: &'static str,
    pub registry_given: &'static str,
    pub whole_file: &'static str,
    pub whole_sheet: &'static str,
    pub more: &'static str,
    pub what_to_do: &'static str,
    pub clean: &'static str,
    pub not_clean: &'static str,
    pub rows: &'static str,
    pub feedback: &'static str,
    pub severity: [&'static str; 3],
    pub notes: &'static str,
    /// `{problems}` and `{copies}` are filled in.
    pub feedback_written: &'static str,
}

pub fn words(lang: Lang) -> Words {
    match lang {
        Lang::En => Words {
            checked: "checked against the input contract",
            files: "files",
            sheets: "sheets",
            registry_embedded: "HEI codes checked against the embedded SYNTHETIC registry (--registry FILE for the ministry's)",
            registry_given: "HEI codes checked against",
            whole_file: "(the whole file)",
            whole_sheet: "(the whole sheet)",
            more: "more cells: see the feedback workbook (--feedback FILE.xlsx)",
            what_to_do: "What to do",
            clean: "Result: the files would load without problems.",
            not_clean: "Result: the files would NOT load as they are: correct the errors above and check again.",
            rows: "rows: read {read}, would load {loaded}, skipped {skipped}, set aside (quarantined) {quarantined}; files refused: {rejected}",
            feedback: "Feedback workbook",
            severity: ["note", "warning", "error"],
            notes: "notes (skipped empty or total rows, ignored sheets): {notes}, see --json",
            feedback_written: "{problems} problems listed, {copies} sheets copied with their cells marked",
        },
        Lang::Ru => Words {
            checked: "проверено по требованиям к данным",
            files: "файлов",
            sheets: "листов",
            registry_embedded: "коды вузов проверены по встроенному СИНТЕТИЧЕСКОМУ реестру (--registry FILE для реестра министерства)",
            registry_given: "коды вузов проверены по реестру",
            whole_file: "(весь файл)",
            whole_sheet: "(весь лист)",
            more: "ячеек ещё: см. файл с замечаниями (--feedback FILE.xlsx)",
            what_to_do: "Что сделать",
            clean: "Итог: файлы будут загружены без замечаний.",
            not_clean: "Итог: в таком виде файлы НЕ будут загружены полностью: исправьте ошибки выше и проверьте ещё раз.",
            rows: "строк: прочитано {read}, будет загружено {loaded}, пропущено {skipped}, отложено (карантин) {quarantined}; отклонено файлов: {rejected}",
            feedback: "Файл с замечаниями",
            severity: ["примечание", "предупреждение", "ошибка"],
            notes: "примечаний (пропущенные пустые и итоговые строки, пропущенные листы): {notes}, см. --json",
            feedback_written: "замечаний: {problems}, копий листов с отмеченными ячейками: {copies}",
        },
        Lang::Kk => Words {
            checked: "деректерге қойылатын талаптар бойынша тексерілді",
            files: "файл",
            sheets: "парақ",
            registry_embedded: "ЖОО кодтары кіріктірілген СИНТЕТИКАЛЫҚ тізілім бойынша тексерілді (министрлік тізілімі үшін --registry FILE)",
            registry_given: "ЖОО кодтары тізілім бойынша тексерілді",
            whole_file: "(бүкіл файл)",
            whole_sheet: "(бүкіл парақ)",
            more: "ұяшық тағы бар: ескертулер файлын қараңыз (--feedback FILE.xlsx)",
            what_to_do: "Не істеу керек",
            clean: "Нәтиже: файлдар ескертусіз жүктеледі.",
            not_clean: "Нәтиже: бұл түрінде файлдар толық жүктелМЕЙДІ: жоғарыдағы қателерді түзетіп, қайта тексеріңіз.",
            rows: "жолдар: оқылды {read}, жүктеледі {loaded}, өткізілді {skipped}, шеттетілді (карантин) {quarantined}; қабылданбаған файлдар: {rejected}",
            feedback: "Ескертулер файлы",
            severity: ["ескертпе", "назар аударыңыз", "қате"],
            notes: "ескертпелер (өткізілген бос және қорытынды жолдар, өткізілген парақтар): {notes}, --json қараңыз",
            feedback_written: "ескертулер: {problems}, белгіленген ұяшықтары бар парақ көшірмелері: {copies}",
        },
    }
}

fn severity_word(words: &Words, severity: Severity) -> &'static str {
    match severity {
        Severity::Info => words.severity[0],
        Severity::Warning => words.severity[1],
        Severity::Error => words.severity[2],
    }
}

/// The report a data officer reads: problems by file and sheet, then by rule.
pub fn problems_text(report: &SubmissionReport, lang: Lang, registry: Option<&str>) -> String {
    let words = words(lang);
    let mut s = String::new();
    let sheets = report.accounts.iter().filter(|a| a.status != hestat_ingest::SheetStatus::FileRejected).count();
    let _ = writeln!(s, "hestat validate: {}: {}: {}, {}: {}", words.checked, words.files, report.files.len(), words.sheets, sheets);
    match registry {
        None => {
            let _ = writeln!(s, "  {} [{}]", words.registry_embedded, report.registry_codes);
        }
        Some(file) => {
            let _ = writeln!(s, "  {} {file} [{}]", words.registry_given, report.registry_codes);
        }
    }
    // (file, sheet) → rule → issues, in the order they were found.
    let mut groups: BTreeMap<(&str, &str), BTreeMap<(std::cmp::Reverse<Severity>, &str), Vec<&ValidationIssue>>> = BTreeMap::new();
    let mut notes = 0;
    for issue in &report.issues {
        if issue.severity == Severity::Info {
            notes += 1;
            continue;
        }
        groups.entry((&issue.file, &issue.sheet)).or_default().entry((std::cmp::Reverse(issue.severity), &issue.rule)).or_default().push(issue);
    }
    for ((file, sheet), by_rule) in &groups {
        let place = if sheet.is_empty() { file.to_string() } else { format!("{file} › {sheet}") };
        let _ = writeln!(s, "\n{place}");
        for ((severity, rule), issues) in by_rule {
            let text = rules::rule(rule);
            let rows: u32 = issues.iter().map(|i| i.rows).sum();
            let _ = writeln!(s, "  {} {rule} ({}{})", severity_word(&words, severity.0).to_uppercase(), issues.len(), if rows as usize > issues.len() { format!(", {rows}") } else { String::new() });
            for issue in issues.iter().take(CELLS_SHOWN) {
                let problem = issue.problem_in(lang);
                let cell = match (issue.cell.is_empty(), issue.sheet.is_empty()) {
                    (false, _) => issue.cell.clone(),
                    (true, true) => words.whole_file.to_string(),
                    (true, false) => words.whole_sheet.to_string(),
                };
                let _ = writeln!(s, "    {cell:<8} {problem}");
                // What the reader said of a whole file or sheet is more precise than the rule's text.
                if lang == Lang::En && issue.cell.is_empty() && text.is_some() && !issue.message.is_empty() {
                    let _ = writeln!(s, "             ({})", issue.message);
                }
            }
            if issues.len() > CELLS_SHOWN {
                let _ = writeln!(s, "    … {} {}", issues.len() - CELLS_SHOWN, words.more);
            }
            if let Some(t) = text {
                let _ = writeln!(s, "    {}: {}", words.what_to_do, t.action(lang));
            }
        }
    }
    let sum = |f: fn(&hestat_ingest::SheetAccount) -> u64| report.accounts.iter().map(f).sum::<u64>();
    let rows = words
        .rows
        .replace("{read}", &sum(|a| a.rows_read).to_string())
        .replace("{loaded}", &sum(|a| a.loaded).to_string())
        .replace("{skipped}", &sum(|a| a.skipped).to_string())
        .replace("{quarantined}", &sum(|a| a.quarantined).to_string())
        .replace("{rejected}", &report.files_rejected.to_string());
    let _ = writeln!(s, "\n{rows}");
    if notes > 0 {
        let _ = writeln!(s, "{}", words.notes.replace("{notes}", &notes.to_string()));
    }
    let _ = writeln!(s, "{}", if report.loads_cleanly() { words.clean } else { words.not_clean });
    s
}

/// The report as JSON: the accounting, and every issue with its text in `lang`.
pub fn problems_json(report: &SubmissionReport, lang: Lang) -> anyhow::Result<String> {
    let issues: Vec<serde_json::Value> = report
        .issues
        .iter()
        .map(|i| {
            let mut value = serde_json::to_value(i).unwrap_or_default();
            if let Some(map) = value.as_object_mut() {
                map.insert("text".into(), serde_json::json!(i.text_in(lang)));
            }
            value
        })
        .collect();
    Ok(serde_json::to_string_pretty(&serde_json::json!({
        "files": report.files.iter().map(|f| &f.name).collect::<Vec<_>>(),
        "files_rejected": report.files_rejected,
        "loads_cleanly": report.loads_cleanly(),
        "lang": lang.code(),
        "sheets": report.accounts,
        "issues": issues,
    }))?)
}
