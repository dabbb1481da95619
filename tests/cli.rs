//! End-to-end tests of the `hestat` command: the embedded default dataset (generated on first
//! use), the committed sample of it, the hand-made submissions of `tests/fixtures/handmade/`,
//! the real statistics-office workbooks of `tests/fixtures/realworld/`, exit codes, `--json`,
//! and the staging schema document.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::copy_tree;

fn hestat(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_hestat"))
        .args(args)
        .current_dir(cwd)
        .env("HESTAT_ID_KEY", "cli-test-key-0123456789")
        .output()
        .expect("hestat runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(str::to_string).collect()).collect()
}


#[test]
fn handmade_submissions_are_ingested_with_every_row_accounted_for() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("tests/fixtures/handmade"), &tmp.path().join("in"));
    std::fs::remove_file(tmp.path().join("in/README.md")).unwrap();
    let (code, stdout, stderr) = hestat(&["ingest", "--input", "in", "--out", "out", "--json"], tmp.path());
    assert_eq!(code, 1, "two rows are quarantined on purpose\n{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["files_read"], 5);
    assert_eq!(json["files_rejected"], 0);
    assert_eq!(json["staged_rows"]["hei"], 3);
    assert_eq!(json["staged_rows"]["students"], 9);
    assert_eq!(json["staged_rows"]["mobility"], 3);
    assert_eq!(json["staged_rows"]["population"], 10);
    assert_eq!(json["issues"]["error"], 2);
    let issues = read_csv(&tmp.path().join("out/validation/issues.csv"));
    let errors: Vec<(&str, &str, &str, &str, &str)> = issues
        .iter()
        .filter(|r| r[6] == "error")
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str(), r[4].as_str(), r[5].as_str()))
        .collect();
    assert_eq!(
        errors,
        vec![
            ("universities/HEI001/mobility_kk.ods", "Ұтқырлық", "E6", "Атлантида", "unknown_country"),
            ("universities/HEI001/students_ru.xls", "Контингент", "I7", "9", "out_of_range"),
        ]
    );
    // The rule's texts in the three languages, beside the reader's own message.
    let out_of_range = issues.iter().find(|r| r[5] == "out_of_range").unwrap();
    assert_eq!(
        out_of_range[10..13],
        [
            "“9” is outside the possible range (Year of study). Check the value and correct it.",
            "«9» вне допустимого диапазона (Курс). Проверьте и исправьте значение.",
            hestat_contract::rules::message("out_of_range", hestat_contract::Lang::Kk, "9", "study_year").as_str(),
        ]
    );
    assert!(out_of_range[12].contains("(Оқу курсы)"), "{out_of_range:?}");
    let sheets = read_csv(&tmp.path().join("out/validation/sheets.csv"));
    for row in &sheets {
        let n: Vec<u64> = row[5..9].iter().map(|v| v.parse().unwrap()).collect();
        assert_eq!(n[0], n[1] + n[2] + n[3], "accounting of {row:?}");
    }
    assert!(tmp.path().join("out/staging/students/academic_year=2024/part-0.parquet").is_file());
    assert!(tmp.path().join("out/staging/hei/part-0.parquet").is_file());

    // --verbose: one line per sheet and a TOTAL line, then the summary.
    let (code, table, _) = hestat(&["ingest", "--input", "in", "--out", "out", "--verbose"], tmp.path());
    assert_eq!(code, 1);
    let total = table.lines().find(|l| l.starts_with("TOTAL")).unwrap();
    let numbers: Vec<&str> = total.split_whitespace().skip(1).collect();
    assert_eq!(numbers, vec!["32", "25", "5", "2"], "{table}");
    assert_eq!(table.lines().filter(|l| l.starts_with("universities/") || l.starts_with("ministry/")).count(), sheets.len(), "{table}");
    // Without it, the summary alone: the same totals, no line per sheet.
    let (code, summary, _) = hestat(&["ingest", "--input", "in", "--out", "out"], tmp.path());
    assert_eq!(code, 1);
    assert!(!summary.contains("TOTAL"), "{summary}");
    assert!(summary.contains("\nrows      32 read = 25 loaded + 5 skipped (blank, total and note rows) + 2 quarantined\n"), "{summary}");
    assert!(summary.contains("\n  HEI001                       2  out_of_range 1, unknown_country 1\n"), "{summary}");
}

#[test]
fn real_statistics_office_workbooks_are_read_listed_and_not_mistaken_for_submissions() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    for entry in std::fs::read_dir(repo().join("tests/fixtures/realworld")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "xls" || e == "xlsx") {
            std::fs::copy(&path, input.join(path.file_name().unwrap())).unwrap();
        }
    }
    let (code, stdout, stderr) = hestat(&["ingest", "--input", "in", "--out", "out", "--json"], tmp.path());
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["files_read"], 7);
    assert_eq!(json["files_rejected"], 0);
    let sheets = json["sheets"].as_array().unwrap();
    assert_eq!(sheets.len(), 3 + 1 + 14 + 26 + 56 + 75 + 1, "every sheet of every workbook is listed");
    assert!(sheets.iter().all(|s| s["loaded"] == 0 && s["family"].is_null()));
    let per_file = |name: &str| sheets.iter().filter(|s| s["file"] == name).count();
    assert_eq!(per_file("revenues and expenditures.xls"), 75);
    assert_eq!(per_file("HESA Class of Degree by First Degree Graduates - 2019-12-30.xlsx"), 3);
    assert!(json["staged_rows"].as_object().unwrap().values().all(|v| v == 0));
    let issues = read_csv(&tmp.path().join("out/validation/issues.csv"));
    assert_eq!(issues.iter().filter(|r| r[5] == "no_family_recognised" || r[5] == "sheet_empty").count(), sheets.len());
}

#[test]
fn exit_codes_distinguish_success_rejected_input_and_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("pop.csv"), "year,region,age,population\n2024,KZ-75,18,100\n").unwrap();
    assert_eq!(hestat(&["ingest", "--input", "in", "--out", "out"], tmp.path()).0, 0);
    std::fs::write(input.join("broken.xlsx"), b"PK\x03\x04broken").unwrap();
    let (code, stdout, _) = hestat(&["ingest", "--input", "in", "--out", "out"], tmp.path());
    assert_eq!(code, 1);
    // pop.csv is unchanged since the first run, so it is not read again.
    assert!(stdout.contains("\nfiles     2 read, 1 refused, 1 unchanged since the last run (not read again)\n  corrupt_file               1  broken.xlsx\n"), "{stdout}");
    let (code, _, stderr) = hestat(&["ingest", "--input", "missing", "--out", "out"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("input folder missing does not exist"), "{stderr}");
    assert_eq!(hestat(&["ingest", "--bogus"], tmp.path()).0, 2);
    std::fs::write(tmp.path().join("bad.toml"), "[limits]\nmax_sheet_cells = \"many\"\n").unwrap();
    let (code, _, stderr) = hestat(&["--config", "bad.toml", "ingest", "--input", "in"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("invalid configuration bad.toml"), "{stderr}");
    // Publishing before anything was computed, or under an unknown rule.
    let (code, _, stderr) = hestat(&["publish", "--out", "out"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("no restricted tables in out/restricted: run `hestat transform`"), "{stderr}");
    std::fs::write(tmp.path().join("rule.toml"), "[disclosure]\nrule = \"blur\"\n").unwrap();
    let (code, _, stderr) = hestat(&["--config", "rule.toml", "publish", "--out", "out"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("[disclosure] rule must be \"threshold\" or \"rounding\", not \"blur\""), "{stderr}");
}

#[test]
fn the_staging_schema_document_matches_the_code() {
    let documented = std::fs::read_to_string(repo().join("docs/staging-schema.md")).unwrap();
    assert_eq!(documented, hestat_contract::schema::staging_schema_markdown(), "regenerate with: cargo run -- schema > docs/staging-schema.md");
}

#[test]
fn the_committed_sample_is_what_generate_writes_and_ingests_as_documented() {
    let tmp = tempfile::tempdir().unwrap();
    let args = ["generate", "--out", "gen", "--years", "2024", "--scale", "0.02", "--only", "HEI001,HEI002,HEI003,HEI004,HEI030"];
    let (code, stdout, stderr) = hestat(&args, tmp.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("wrote 12 files to gen (SYNTHETIC data): 964 students, 44 staff, 81 student mobility episodes, 46 staff exchanges, 4 deliberate errors"),
        "{stdout}"
    );
    // Byte for byte the committed sample (so it is current and generation is deterministic).
    let committed = repo().join("data/sample");
    let mut compared = 0;
    let mut stack = vec![committed.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(&committed).unwrap();
            assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(tmp.path().join("gen").join(rel)).unwrap(), "{}", rel.display());
            compared += 1;
        }
    }
    assert_eq!(compared, 12);
    let (code, stdout, _) = hestat(&["ingest", "--input", "gen", "--out", "out", "--json"], tmp.path());
    assert_eq!(code, 1, "the planted errors are refused");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((json["files_read"].as_u64(), json["files_rejected"].as_u64()), (Some(12), Some(1)));
    assert_eq!(json["staged_rows"]["students"], 964);
    assert_eq!(json["staged_rows"]["staff"], 44);
    assert_eq!(json["staged_rows"]["hei"], 122);
    assert_eq!(json["issues"]["error"], 5);

    let (code, _, stderr) = hestat(&["generate", "--out", "gen", "--years", "2019-2024"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("years must lie within 2021-2024"), "{stderr}");
    let (code, _, stderr) = hestat(&["generate", "--out", "gen", "--scale", "0"], tmp.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("scale 0 is outside"), "{stderr}");
}

#[test]
fn run_generates_the_national_dataset_on_first_use_and_ingests_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = hestat(&["run", "--out", "out", "--json"], tmp.path());
    assert_eq!(code, 1, "the planted errors are refused\n{stderr}");
    assert!(stderr.contains("generating the SYNTHETIC national dataset"), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((json["files_read"].as_u64(), json["files_rejected"].as_u64()), (Some(615), Some(1)));
    // 581,470 + 590,215 + 607,384 + 625,990 students (2021-2024; 2024 is the report's).
    assert_eq!(json["staged_rows"]["students"], 2_405_059);
    assert_eq!(json["staged_rows"]["hei"], 122);
    // Population: 20 regions x 9 ages x 2 genders for 2022-2024, 17 regions in 2021.
    assert_eq!(json["staged_rows"]["population"], 3 * 20 * 18 + 17 * 18);
    assert_eq!(json["staged_rows"]["tvet_students"], 3 * 20 + 17);
    assert_eq!(json["issues"]["error"], 5, "exactly the planted errors");
    let cache = tmp.path().join(".hestat-cache").join(format!("national-v{}-r{}-seed1", env!("CARGO_PKG_VERSION"), hestat_synthetic::DATASET_REVISION));
    assert!(cache.join(".complete").is_file() && cache.join("README.md").is_file());
    assert!(tmp.path().join("out/staging/students/academic_year=2024/part-0.parquet").is_file());

    // Transform: the report's tables under their ids.
    for id in ["table_6_1_1", "table_6_1_14", "figure_6_1_8", "table_8_2_3", "table_3_4_1"] {
        assert!(tmp.path().join(format!("out/restricted/{id}.parquet")).is_file(), "{id}");
        assert!(tmp.path().join(format!("out/restricted/{id}.csv")).is_file(), "{id}");
    }
    // The reproduction report: every clean published figure matched, or mismatched and
    // explained by a contradiction the rules find in the published figures, or not producible.
    let check = read_csv(&tmp.path().join("out/validation/reference_check.csv"));
    let count = |status: &str, explained: Option<bool>| {
        check.iter().filter(|r| r[2] == "true" && r[7] == status && explained.is_none_or(|e| e != r[8].is_empty())).count()
    };
    assert_eq!(count("mismatched", Some(false)), 0, "unexplained mismatches: {:#?}", check.iter().filter(|r| r[7] == "mismatched" && r[8].is_empty()).collect::<Vec<_>>());
    assert_eq!((count("matched", None), count("mismatched", Some(true)), count("not_producible", None)), (1200, 34, 331));
    let cell = |table: &str, key: &str| check.iter().find(|r| r[3] == table && r[4] == key).map(|r| (r[5].clone(), r[6].clone(), r[7].clone())).unwrap();
    assert_eq!(cell("table_6_1_13", "table_6_1_13{world_region=Total, year=Total}"), ("15701".into(), "15701".into(), "matched".into()));
    assert_eq!(cell("table_8_2_3", "table_8_2_3{academic_year=2024, category=Total, measure=count}"), ("51641".into(), "51641".into(), "matched".into()));
    // The report's own contradictions (INCONSISTENCIES.md A1-A5), found by the rules.
    let findings = read_csv(&tmp.path().join("out/validation/consistency.csv"));
    let found = |rule: &str, tables: &str, figures: &str| findings.iter().any(|f| f[0] == rule && f[2] == "published" && f[3] == tables && f[5] == figures);
    assert!(found("same_quantity", "table_6_1_1 table_6_1_7", "4426; 4458"), "A1");
    assert!(found("same_quantity", "table_6_1_13", "15701; 15733"), "A2");
    assert!(found("same_quantity", "table_6_1_7 table_6_1_14", "539; 534"), "A3");
    assert!(found("same_quantity", "table_6_1_4 table_6_1_6", "240; 233"), "A4");
    assert!(found("total_equals_sum", "table_8_2_3", "51641; 51644"), "A5");
    let produced_errors: Vec<&Vec<String>> = findings.iter().filter(|f| f[2] == "produced" && f[1] == "error").collect();
    assert!(produced_errors.is_empty(), "{produced_errors:#?}");

    // Base tables hold the published figures where they meet the report (the equivalences
    // above make any disagreement a produced error): 4,416 outgoing and 1,207 incoming students
    // in 2024 (Table 6.1.1; the Kazakh-style universities submit mobility without `count` and
    // years as `2 024`), 625,990 students in 2024-2025, 37,612 staff.
    let base = |table: &str, key: &[&str]| -> String {
        let rows = read_csv(&tmp.path().join(format!("out/restricted/{table}.csv")));
        rows.iter().find(|r| r[..key.len()] == *key).map(|r| r[key.len()].clone()).unwrap_or_else(|| panic!("{table}: no row {key:?}"))
    };
    assert_eq!(base("mobility_by_participant", &["2024", "outgoing", "student"]), "4416");
    assert_eq!(base("mobility_by_participant", &["2024", "incoming", "student"]), "1207");
    assert_eq!(base("enrollment_by_region_level", &["2024", "Total", "Total"]), "625990");
    assert_eq!(base("enrollment_by_hei_level_funding_gender", &["2024", "Total", "Total", "Total", "Total"]), "625990");
    assert_eq!(base("staff_by_title", &["2024", "Total"]), "37612");
}
#[test]
fn the_summary_names_the_warnings_that_need_a_decision_and_colours_only_when_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let header = "Academic year,HEI code,Student ID,Gender,Year of birth,Citizenship,Level of education,Educational program code,Year of study,Source of funding";
    for (hei, students) in [("HEI001", ["S-1", "S-2"]), ("HEI002", ["S-2", "S-3"])] {
        let dir = tmp.path().join("in/universities").join(hei);
        std::fs::create_dir_all(&dir).unwrap();
        let rows: Vec<String> = students.iter().map(|id| format!("2024,{hei},{id},F,2005,KAZ,bachelor,6B01107,1,state_grant")).collect();
        std::fs::write(dir.join("students.csv"), format!("{header}\n{}\n", rows.join("\n"))).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_hestat"))
        .args(["ingest", "--input", "in", "--out", "out"])
        .current_dir(tmp.path())
        .env_remove("HESTAT_ID_KEY")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .unwrap();
    let summary = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{summary}");
    let decisions: Vec<&str> = summary.lines().skip_while(|l| *l != "needs a decision:").skip(1).take_while(|l| l.starts_with("  ")).collect();
    assert_eq!(
        decisions,
        [
            "  student_in_several_heis 1 students enrolled in more than one university in the same year (counted in each): confirm with the universities",
            "  ephemeral_id_key        no identifier key (HESTAT_ID_KEY): this run's IIN pseudonyms cannot be linked to other runs",
        ],
        "{summary}"
    );
    assert!(summary.contains("\nrows      4 read = 4 loaded + 0 skipped (blank, total and note rows) + 0 quarantined\n"), "{summary}");
    assert!(!summary.contains('\u{1b}'), "no colours in a pipe: {summary:?}");
    let coloured = |no_color: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_hestat"));
        command.args(["ingest", "--input", "in", "--out", "out"]).current_dir(tmp.path()).env("HESTAT_ID_KEY", "cli-test-key-0123456789").env("CLICOLOR_FORCE", "1");
        if no_color {
            command.env("NO_COLOR", "1");
        } else {
            command.env_remove("NO_COLOR");
        }
        String::from_utf8_lossy(&command.output().unwrap().stdout).into_owned()
    };
    assert!(coloured(false).contains("\u{1b}[1mfiles     \u{1b}[0m"), "CLICOLOR_FORCE keeps the colours in a pipe");
    assert!(!coloured(true).contains('\u{1b}'), "NO_COLOR wins");
}

#[test]
fn completions_and_the_man_page_come_from_the_command_line_definition() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, bash, _) = hestat(&["completions", "bash"], tmp.path());
    assert_eq!(code, 0);
    assert!(bash.contains("complete -F _hestat") && bash.contains("validate") && bash.contains("--feedback"), "{bash}");
    let (code, zsh, _) = hestat(&["completions", "zsh"], tmp.path());
    assert_eq!(code, 0);
    assert!(zsh.starts_with("#compdef hestat") && zsh.contains("--lang=[Language of the problems"), "{zsh}");
    let (code, man, _) = hestat(&["man"], tmp.path());
    assert_eq!(code, 0);
    assert!(man.starts_with(".ie \\n(.g .ds Aq \\(aq") && man.contains(".TH hestat 1") && man.contains("hestat\\-validate(1)"), "{man}");
    let (code, _, stderr) = hestat(&["man", "--out", "man"], tmp.path());
    assert_eq!(code, 0, "{stderr}");
    let validate = std::fs::read_to_string(tmp.path().join("man/hestat-validate.1")).unwrap();
    assert!(validate.contains("\\fB\\-\\-registry\\fR") && validate.contains("feedback"), "{validate}");
    let (code, _, stderr) = hestat(&["completions", "tcsh"], tmp.path());
    assert_eq!(code, 2, "{stderr}");
}
