//! `hestat validate`, as a university's data officer runs it: on the committed sample, on
//! hand-made broken files (exact problems and cells, in English, Russian and Kazakh, exit codes
//! 0, 1 and 2), with a registry of its own, and the feedback workbook opened and read back (its
//! list of problems, and the copies whose highlighted, annotated cells are the ones reported).

use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{open_workbook, Data, Reader, Xlsx};
use hestat_contract::rules;
use hestat_contract::Lang;

fn hestat(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_hestat"))
        .args(args)
        .current_dir(cwd)
        .env("HESTAT_ID_KEY", "validate-test-key-0123456789")
        .env_remove("NO_COLOR")
        .output()
        .expect("hestat runs");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Russian header of the students table, as the official labels give it.
const STUDENTS_HEADER: &str = "Учебный год;Код вуза;ID обучающегося;Пол;Год рождения;Гражданство;Уровень образования;Код образовательной программы;Курс;\
Источник финансирования;Квота гранта;Принят в текущем году;Особые образовательные потребности;Группа инвалидности;Из малообеспеченной семьи;\
Из многодетной семьи;Сирота;Проживает в общежитии;Форма обучения;Язык обучения";

/// A students row of university `hei`: (student number, citizenship, year of birth, year of study).
fn student(hei: &str, n: u32, citizenship: &str, birth_year: &str, study_year: &str) -> String {
    format!("2024;{hei};{hei}-2024-{n:06};ж;{birth_year};{citizenship};бакалавриат;6B01107;{study_year};платное;none;да;нет;;нет;нет;нет;да;full_time;ru")
}

/// A registry of one university, HEI777, as a CSV with the official English labels.
fn write_registry(path: &Path) {
    std::fs::write(path, "HEI code,Name in English,Region,Legal form\nHEI777,Test University,Abai Region,private\n").unwrap();
}

/// The broken submission of HEI777: a students CSV with four problems, and a damaged workbook.
fn write_broken_submission(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let rows = [
        STUDENTS_HEADER.to_string(),
        student("HEI777", 1, "Казахстан", "2005", "1"),
        student("HEI777", 2, "Атлантида", "2005", "2"),
        student("HEI777", 3, "Казахстан", "2005", "9"),
        student("HEI777", 1, "Казахстан", "2005", "1"),
        student("HEI999", 5, "Казахстан", "2004", "3"),
        student("HEI777", 6, "Казахстан", "2004", "2"),
    ];
    std::fs::write(dir.join("students.csv"), rows.join("\n") + "\n").unwrap();
    std::fs::write(dir.join("staff.xlsx"), b"PK\x03\x04 this upload was interrupted").unwrap();
}

/// `(cell, rule)` of every line of the text report that names a cell under a rule.
fn cells_by_rule(text: &str) -> Vec<(String, String)> {
    let mut found = Vec::new();
    let mut rule = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if indent == 2 {
            rule = trimmed.split_whitespace().nth(1).unwrap_or("").to_string();
        } else if indent == 4 {
            let first = trimmed.split_whitespace().next().unwrap_or("");
            if first.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && first.chars().any(|c| c.is_ascii_digit()) {
                found.push((first.to_string(), rule.clone()));
            }
        }
    }
    found
}

#[test]
fn the_committed_sample_shows_its_planted_problems_by_file_sheet_and_rule() {
    let (code, stdout, stderr) = hestat(&["validate", "data/sample/universities"], &repo());
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.starts_with("hestat validate: checked against the input contract: files: 8, sheets: 19\n"), "{stdout}");
    assert!(stdout.contains("HEI codes checked against the embedded SYNTHETIC registry (--registry FILE for the ministry's) [122]"), "{stdout}");
    assert_eq!(
        cells_by_rule(&stdout),
        [
            ("I254".to_string(), "out_of_range".to_string()),
            ("C89".to_string(), "duplicate_student".to_string()),
            ("C90".to_string(), "duplicate_student".to_string()),
            ("E47".to_string(), "unknown_country".to_string()),
        ],
        "{stdout}"
    );
    assert!(stdout.contains("\ndata/sample/universities/HEI001/HEI001_2024.xlsx › students\n  ERROR out_of_range (1)\n    I254     “9” is outside the possible range (Year of study).\n"), "{stdout}");
    assert!(stdout.contains("data/sample/universities/HEI004/HEI004_2024_upload_interrupted.xlsx\n  ERROR corrupt_file (1)\n"), "{stdout}");
    assert!(stdout.contains("\nrows: read 1145, would load 1133, skipped 8, set aside (quarantined) 4; files refused: 1\n"), "{stdout}");
    assert!(stdout.ends_with("Result: the files would NOT load as they are: correct the errors above and check again.\n"), "{stdout}");
    // Nothing is written beside the files.
    assert!(!repo().join("data/sample/universities/staging").exists() && !repo().join("out/staging/students/academic_year=2024/part-0.parquet.validate").exists());

    // One clean university's folder.
    let (code, stdout, _) = hestat(&["validate", "data/sample/universities/HEI030"], &repo());
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.ends_with("Result: the files would load without problems.\n"), "{stdout}");
    assert!(cells_by_rule(&stdout).is_empty(), "{stdout}");
}

#[test]
fn hand_made_broken_files_get_exact_problems_in_three_languages() {
    let tmp = tempfile::tempdir().unwrap();
    write_broken_submission(&tmp.path().join("HEI777"));
    write_registry(&tmp.path().join("registry.csv"));
    let (code, stdout, stderr) = hestat(&["validate", "HEI777", "--registry", "registry.csv"], tmp.path());
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    assert!(stdout.contains("HEI codes checked against registry.csv [1]"), "{stdout}");
    assert_eq!(
        cells_by_rule(&stdout),
        [("C2", "duplicate_student"), ("C5", "duplicate_student"), ("I4", "out_of_range"), ("F3", "unknown_country"), ("B6", "unknown_hei")]
            .map(|(c, r)| (c.to_string(), r.to_string())),
        "{stdout}"
    );
    assert!(stdout.contains("    F3       “Атлантида” is not a known country.\n"), "{stdout}");
    assert!(stdout.contains("    B6       The university code “HEI999” is not in the register of universities.\n"), "{stdout}");
    assert!(stdout.contains("HEI777/staff.xlsx\n  ERROR corrupt_file (1)\n    (the whole file) The file is damaged and cannot be read.\n"), "{stdout}");
    assert!(stdout.contains("\nrows: read 6, would load 1, skipped 0, set aside (quarantined) 5; files refused: 1\n"), "{stdout}");

    // The same problems, in Russian and in Kazakh: the catalogue's words, not a translation.
    let (code, russian, _) = hestat(&["validate", "HEI777", "--registry", "registry.csv", "--lang", "ru"], tmp.path());
    assert_eq!(code, 1);
    assert_eq!(cells_by_rule(&russian), cells_by_rule(&stdout));
    assert!(russian.contains("    F3       «Атлантида» не является известной страной.\n"), "{russian}");
    assert!(russian.contains(&format!("    Что сделать: {}\n", rules::rule("unknown_country").unwrap().action(Lang::Ru))), "{russian}");
    assert!(russian.contains("  ОШИБКА out_of_range (1)\n"), "{russian}");
    assert!(russian.ends_with("Итог: в таком виде файлы НЕ будут загружены полностью: исправьте ошибки выше и проверьте ещё раз.\n"), "{russian}");
    let (code, kazakh, _) = hestat(&["validate", "HEI777", "--registry", "registry.csv", "--lang", "kk"], tmp.path());
    assert_eq!(code, 1);
    assert_eq!(cells_by_rule(&kazakh), cells_by_rule(&stdout));
    assert!(kazakh.contains(&format!("    F3       {}\n", rules::rule("unknown_country").unwrap().problem(Lang::Kk, "Атлантида", "citizenship"))), "{kazakh}");
    assert!(kazakh.contains("«Атлантида»"), "{kazakh}");
    assert!(kazakh.contains("  ҚАТЕ out_of_range (1)\n"), "{kazakh}");

    // --json: every issue, with its text in the language asked for.
    let (code, json, _) = hestat(&["validate", "HEI777", "--registry", "registry.csv", "--lang", "kk", "--json"], tmp.path());
    assert_eq!(code, 1);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(json["loads_cleanly"], false);
    assert_eq!(json["lang"], "kk");
    let f3 = json["issues"].as_array().unwrap().iter().find(|i| i["cell"] == "F3").unwrap();
    assert_eq!(f3["rule"], "unknown_country");
    assert_eq!(f3["text"], rules::message("unknown_country", Lang::Kk, "Атлантида", "citizenship"));

    // Fixed: the damaged file removed and the rows corrected, the files load: exit 0.
    std::fs::remove_file(tmp.path().join("HEI777/staff.xlsx")).unwrap();
    let rows = [STUDENTS_HEADER.to_string(), student("HEI777", 1, "Казахстан", "2005", "1"), student("HEI777", 2, "Кыргызстан", "2005", "2")];
    std::fs::write(tmp.path().join("HEI777/students.csv"), rows.join("\n") + "\n").unwrap();
    let (code, fixed, _) = hestat(&["validate", "HEI777/students.csv", "--registry", "registry.csv"], tmp.path());
    assert_eq!(code, 0, "{fixed}");
    assert!(fixed.contains("\nrows: read 2, would load 2, skipped 0, set aside (quarantined) 0; files refused: 0\n"), "{fixed}");
    // Against the embedded registry, HEI777 is unknown.
    let (code, embedded, _) = hestat(&["validate", "HEI777/students.csv"], tmp.path());
    assert_eq!(code, 1, "{embedded}");
    assert_eq!(cells_by_rule(&embedded), [("B2", "unknown_hei"), ("B3", "unknown_hei")].map(|(c, r)| (c.to_string(), r.to_string())));
}

#[test]
fn usage_errors_exit_with_2_and_say_what_is_wrong() {
    let tmp = tempfile::tempdir().unwrap();
    write_broken_submission(&tmp.path().join("HEI777"));
    let (code, _, stderr) = hestat(&["validate"], tmp.path());
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("<PATHS>..."), "{stderr}");
    let (code, _, stderr) = hestat(&["validate", "HEI778"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("HEI778 does not exist"), "{stderr}");
    let (code, _, stderr) = hestat(&["validate", "HEI777", "--lang", "de"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid value 'de' for '--lang <LANG>'"), "{stderr}");
    // A registry that is no registry.
    std::fs::write(tmp.path().join("registry.csv"), "a,b\n1,2\n").unwrap();
    let (code, _, stderr) = hestat(&["validate", "HEI777", "--registry", "registry.csv"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("registry.csv"), "{stderr}");
    // A feedback workbook that cannot be written.
    let (code, _, stderr) = hestat(&["validate", "HEI777", "--feedback", "no/such/folder/feedback.xlsx"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot write the feedback workbook no/such/folder/feedback.xlsx"), "{stderr}");
}

/// The `ref` of every comment (note) of each worksheet part of an xlsx.
fn note_cells(path: &Path) -> Vec<(String, BTreeSet<String>)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut found = Vec::new();
    let names: Vec<String> = (0..zip.len()).map(|i| zip.by_index(i).unwrap().name().unwrap().to_string()).collect();
    let mut comments: Vec<&String> = names.iter().filter(|n| n.starts_with("xl/comments")).collect();
    comments.sort();
    for name in comments {
        let mut xml = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
        let refs: BTreeSet<String> = xml.split("<comment ref=\"").skip(1).map(|s| s[..s.find('"').unwrap()].to_string()).collect();
        found.push((name.clone(), refs));
    }
    found
}

#[test]
fn the_feedback_workbook_lists_every_problem_and_marks_the_reported_cells() {
    let tmp = tempfile::tempdir().unwrap();
    write_broken_submission(&tmp.path().join("HEI777"));
    write_registry(&tmp.path().join("registry.csv"));
    let (code, _, stderr) = hestat(&["validate", "HEI777", "--registry", "registry.csv", "--lang", "ru", "--feedback", "feedback.xlsx"], tmp.path());
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("Файл с замечаниями: feedback.xlsx (замечаний: 6, копий листов с отмеченными ячейками: 1)"), "{stderr}");
    let path = tmp.path().join("feedback.xlsx");
    let mut workbook: Xlsx<_> = open_workbook(&path).unwrap();
    assert_eq!(workbook.sheet_names(), ["Замечания", "1. students.csv"]);
    let list = workbook.worksheet_range("Замечания").unwrap();
    let row = |r: usize| (0..10).map(|c| list.get((r, c)).map(|d| d.to_string()).unwrap_or_default()).collect::<Vec<_>>();
    assert_eq!(row(0), ["Файл", "Лист", "Ячейка", "Столбец", "Значение", "Правило", "Серьёзность", "Замечание", "Что сделать", "Копия листа"]);
    let listed: Vec<(String, String, String)> = (1..list.height()).map(|r| { let v = row(r); (v[2].clone(), v[5].clone(), v[9].clone()) }).collect();
    assert_eq!(listed.len(), 6, "{listed:?}");
    assert!(listed.contains(&("".into(), "corrupt_file".into(), "".into())), "{listed:?}");
    let mut reported: Vec<&str> = listed.iter().filter(|(cell, ..)| !cell.is_empty()).map(|(cell, ..)| cell.as_str()).collect();
    reported.sort();
    assert_eq!(reported, ["B6", "C2", "C5", "F3", "I4"]);
    assert!(listed.iter().filter(|(cell, ..)| !cell.is_empty()).all(|(.., copy)| copy == "1. students.csv"));
    let f3 = (1..list.height()).map(row).find(|v| v[2] == "F3").unwrap();
    assert_eq!(f3[4], "Атлантида");
    assert_eq!(f3[7], "«Атлантида» не является известной страной.");
    assert_eq!(f3[8], rules::rule("unknown_country").unwrap().action(Lang::Ru));

    // The copy holds the submitted values where they were, and a note at each reported cell.
    let copy = workbook.worksheet_range("1. students.csv").unwrap();
    assert_eq!(copy.get_value((0, 0)), Some(&Data::String("Учебный год".into())));
    assert_eq!(copy.get_value((2, 5)), Some(&Data::String("Атлантида".into())));
    assert_eq!(copy.get_value((5, 1)), Some(&Data::String("HEI999".into())));
    assert_eq!(copy.height(), 7);
    let notes = note_cells(&path);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0].1, reported.iter().map(|c| c.to_string()).collect::<BTreeSet<_>>());
    // The highlighted cells: those with the problem style (red fill) are exactly the reported ones.
    let marked = highlighted_cells(&path, "xl/worksheets/sheet2.xml");
    assert_eq!(marked, notes[0].1);
}

/// The cells of a worksheet part whose style has the problem fill (FFC7CE).
fn highlighted_cells(path: &Path, part: &str) -> BTreeSet<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut styles = String::new();
    zip.by_name("xl/styles.xml").unwrap().read_to_string(&mut styles).unwrap();
    let section = |name: &str| -> Vec<String> {
        let start = styles.find(&format!("<{name}")).unwrap();
        let end = styles[start..].find(&format!("</{name}>")).unwrap() + start;
        styles[start..end].split('<').skip(1).map(|s| format!("<{s}")).collect()
    };
    let fills: Vec<bool> = section("fills").iter().filter(|e| e.starts_with("<fill>")).map(|_| false).collect();
    let mut fill_red = vec![false; fills.len()];
    let mut index = None;
    for element in section("fills") {
        if element.starts_with("<fill>") {
            index = Some(index.map_or(0, |i: usize| i + 1));
        }
        if element.contains("FFFFC7CE") {
            if let Some(i) = index {
                fill_red[i] = true;
            }
        }
    }
    let xfs: Vec<bool> = section("cellXfs")
        .iter()
        .filter(|e| e.starts_with("<xf "))
        .map(|e| e.split("fillId=\"").nth(1).and_then(|s| s[..s.find('"')?].parse::<usize>().ok()).is_some_and(|f| fill_red[f]))
        .collect();
    let mut sheet = String::new();
    zip.by_name(part).unwrap().read_to_string(&mut sheet).unwrap();
    sheet
        .split("<c r=\"")
        .skip(1)
        .filter_map(|c| {
            let cell = &c[..c.find('"')?];
            let head = &c[..c.find('>')?];
            let style = head.split("s=\"").nth(1).and_then(|s| s[..s.find('"')?].parse::<usize>().ok())?;
            xfs.get(style).copied().unwrap_or(false).then(|| cell.to_string())
        })
        .collect()
}
