//! Ingestion end to end on files the tests make themselves (rust_xlsxwriter for xlsx,
//! hand-written CSV in both encodings, zip and OLE files built byte by byte for the hostile
//! cases) and on the committed legacy xls/ods samples. Every assertion names exact rows,
//! cells, rules and values.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use hestat_ingest::{ingest, IngestConfig, IngestSummary, Limits, PersonIdHasher, Severity, SheetStatus, ValidationIssue};
use polars::prelude::*;
use rust_xlsxwriter::{Format, Workbook};

const KEY: &[u8] = b"test-key-0123456789abcdef";

/// A cell to write.
#[derive(Clone)]
enum X {
    S(&'static str),
    N(f64),
    /// A number shown with a date format (an Excel serial).
    D(f64),
    E,
}
use X::{D, E, N, S};

fn write_xlsx(path: &Path, sheets: &[(&str, Vec<Vec<X>>)]) {
    let mut wb = Workbook::new();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    S(s) => ws.write_string(r, c, *s).map(|_| ()).unwrap(),
                    N(n) => ws.write_number(r, c, *n).map(|_| ()).unwrap(),
                    D(n) => ws.write_number_with_format(r, c, *n, &date).map(|_| ()).unwrap(),
                    E => {}
                }
            }
        }
    }
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    wb.save(path).unwrap();
}

fn registry_csv(dir: &Path) {
    std::fs::create_dir_all(dir.join("ministry")).unwrap();
    std::fs::write(
        dir.join("ministry/hei.csv"),
        "hei_code,name_en,region,legal_form\nU1,University One,Almaty city,state\nU2,University Two,ВКО,private\n",
    )
    .unwrap();
}

struct Run {
    _tmp: tempfile::TempDir,
    input: PathBuf,
    out: PathBuf,
}

fn new_run() -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&input).unwrap();
    Run { _tmp: tmp, input, out }
}

fn run_with(run: &Run, limits: Limits) -> IngestSummary {
    let config = IngestConfig { input: run.input.clone(), out: run.out.clone(), limits, hasher: PersonIdHasher::new(KEY), reuse: None };
    let summary = ingest(&config, &()).expect("ingest runs");
    for account in &summary.accounts {
        assert!(account.balances(), "accounting does not balance: {account:?}");
    }
    summary
}

fn run_ingest(run: &Run) -> IngestSummary {
    run_with(run, Limits::default())
}

fn account<'a>(s: &'a IngestSummary, file: &str, sheet: &str) -> &'a hestat_ingest::SheetAccount {
    s.accounts.iter().find(|a| a.file == file && a.sheet == sheet).unwrap_or_else(|| panic!("no account for {file} {sheet}: {:#?}", s.accounts))
}

fn errors(s: &IngestSummary) -> Vec<(String, String, String, String, String, String)> {
    s.issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.file.clone(), i.sheet.clone(), i.cell.clone(), i.column.clone(), i.value.clone(), i.rule.clone()))
        .collect()
}

fn issues_with_rule<'a>(s: &'a IngestSummary, rule: &str) -> Vec<&'a ValidationIssue> {
    s.issues.iter().filter(|i| i.rule == rule).collect()
}

fn staged(out: &Path, family: &str, partition: &str) -> DataFrame {
    let path = out.join("staging").join(family).join(partition).join("part-0.parquet");
    let file = std::fs::File::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    ParquetReader::new(file).finish().unwrap()
}

fn strings(df: &DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col).unwrap().str().unwrap().iter().map(|v| v.map(str::to_string)).collect()
}

fn ints(df: &DataFrame, col: &str) -> Vec<Option<i64>> {
    df.column(col).unwrap().cast(&DataType::Int64).unwrap().i64().unwrap().iter().collect()
}

fn opt(values: &[&str]) -> Vec<Option<String>> {
    values.iter().map(|v| Some(v.to_string())).collect()
}

fn students_header_en() -> Vec<X> {
    vec![
        S("Academic year"), S("HEI code"), S("Student ID"), S("Gender"), S("Year of birth"), S("Citizenship"),
        S("Level of\neducation"), S("Educational program code"), S("Year of study"), S("Source of funding"),
        S("Special educational needs"), S("Disability group"), S("Remarks"),
    ]
}

#[test]
fn xlsx_students_under_title_rows_with_totals_footnotes_and_a_bad_country() {
    let run = new_run();
    registry_csv(&run.input);
    let rows = vec![
        vec![S("Контингент обучающихся на 01.10.2024")],
        vec![],
        students_header_en(),
        vec![S("2024-2025"), S("U1"), S("A-1"), S("F"), N(2005.0), S("KAZ"), S("bachelor"), S("6B01101"), N(1.0), S("state_grant"), S("no"), E, S("ok")],
        vec![S("2024/25"), S("u1"), S("A-2"), S("муж"), S("2004"), S("Turkey"), S("Бакалавриат"), S("6В06102"), S("2"), S("платное"), S("да"), S("II"), E],
        vec![S("2024"), S("U1"), S("A-3"), S("ж"), N(2000.0), S("Кыргызстан"), S("master"), S("7M04101"), N(1.0), S("госзаказ"), S("+"), E, E],
        vec![N(2024.0), S("U1"), N(990101300123.0), S("әйел"), N(1999.0), S("Чехия"), S("doctoral"), S("8D07101"), N(3.0), S("local budget"), E, E, E],
        vec![S("2024-2025"), S("U1"), S("A-5"), S("M"), N(2003.0), S("Atlantis"), S("bachelor"), S("6B02101"), N(2.0), S("paid"), E, E, E],
        vec![],
        vec![S("2024-2025"), S("U1"), S("A-6"), S("F"), N(2006.0), S("KZ"), S("preparatory"), E, N(1.0), S("paid"), E, E, E],
        vec![S("Итого"), E, E, E, E, E, E, E, N(5.0)],
        vec![S("* synthetic data, not real students")],
    ];
    write_xlsx(&run.input.join("U1/contingent.xlsx"), &[("Students", rows)]);
    let s = run_ingest(&run);

    let a = account(&s, "U1/contingent.xlsx", "Students");
    assert_eq!((a.status, a.family, a.header_row), (SheetStatus::Loaded, Some("students"), Some(3)));
    // Rows 4..=12: 5 loaded, 1 quarantined (row 8), blank row 9, total row 11, footnote row 12.
    assert_eq!((a.rows_read, a.loaded, a.skipped, a.quarantined), (9, 5, 3, 1));
    assert_eq!(
        errors(&s),
        vec![("U1/contingent.xlsx".into(), "Students".into(), "F8".into(), "citizenship".into(), "Atlantis".into(), "unknown_country".into())]
    );
    let unknown = issues_with_rule(&s, "unknown_columns");
    assert_eq!((unknown.len(), unknown[0].cell.as_str(), unknown[0].value.as_str()), (1, "M3", "Remarks"));
    let skipped: Vec<(&str, &str, u32)> = s.issues.iter().filter(|i| i.file.starts_with("U1") && i.severity == Severity::Info)
        .map(|i| (i.rule.as_str(), i.cell.as_str(), i.rows)).collect();
    assert_eq!(skipped, vec![("blank_rows", "A9", 1), ("total_row", "A11", 1), ("footnote_row", "A12", 1)]);

    let df = staged(&run.out, "students", "academic_year=2024");
    assert_eq!(df.height(), 5);
    assert!(df.column("academic_year").is_err(), "the partition column lives in the folder name");
    let ids = strings(&df, "student_id");
    assert_eq!(ids[0..3], [Some("A-1".into()), Some("A-2".into()), Some("A-3".into())]);
    let iin_hash = PersonIdHasher::new(KEY).pseudonymise("990101300123".into()).into_owned();
    assert_eq!(ids[3].as_deref(), Some(iin_hash.as_str()));
    assert_eq!(strings(&df, "hei_code"), vec![Some("U1".into()); 5]);
    assert_eq!(strings(&df, "gender"), opt(&["F", "M", "F", "F", "F"]));
    assert_eq!(strings(&df, "citizenship"), opt(&["KAZ", "TUR", "KGZ", "CZE", "KAZ"]));
    assert_eq!(strings(&df, "program_code")[1].as_deref(), Some("6B06102"), "Cyrillic В read as Latin B");
    assert_eq!(strings(&df, "field_code"), vec![Some("01".into()), Some("06".into()), Some("04".into()), Some("07".into()), None]);
    assert_eq!(strings(&df, "funding"), opt(&["state_grant", "paid", "state_grant", "local_budget", "paid"]));
    let sen: Vec<Option<bool>> = df.column("sen").unwrap().bool().unwrap().iter().collect();
    assert_eq!(sen, vec![Some(false), Some(true), Some(true), Some(false), Some(false)]);
    assert_eq!(strings(&df, "disability_group")[1].as_deref(), Some("II"));
    assert_eq!(ints(&df, "source_row"), vec![Some(4), Some(5), Some(6), Some(7), Some(10)]);
    assert_eq!(ints(&df, "birth_year")[3], Some(1999));
    assert!(s.has_rejections());
}

const POPULATION_CSV: &str = "Численность населения на 1 января 2024 года\n\
Год;Регион;Возраст;Численность населения, чел.;Пол\n\
2024;г. Алматы;18;\"1 204\";ж\n\
2024;Алматинская обл.;19;12\u{a0}345;м\n\
2024;ЮКО;20;-;муж\n\
2024;Nur-Sultan;21;;\n\
2024;Атлантида;22;10;ж\n\
Итого;;;13549;\n";

fn expect_population(s: &IngestSummary, out: &Path, file: &str) {
    let a = account(s, file, "");
    assert_eq!((a.rows_read, a.loaded, a.skipped, a.quarantined), (6, 4, 1, 1));
    assert_eq!(errors(s), vec![(file.into(), "".into(), "B7".into(), "region".into(), "Атлантида".into(), "unknown_region".into())]);
    let df = staged(out, "population", "year=2024");
    assert_eq!(strings(&df, "region"), opt(&["KZ-75", "KZ-19", "KZ-61", "KZ-71"]));
    assert_eq!(ints(&df, "population"), vec![Some(1204), Some(12345), Some(0), Some(0)]);
    assert_eq!(ints(&df, "age"), vec![Some(18), Some(19), Some(20), Some(21)]);
    assert_eq!(strings(&df, "gender"), vec![Some("F".into()), Some("M".into()), Some("M".into()), None]);
}

#[test]
fn csv_in_windows_1251_with_semicolons_reads_like_utf8() {
    let run = new_run();
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(POPULATION_CSV);
    assert!(!unmappable);
    // NBSP exists in Windows-1251 (0xA0), so the file is a faithful 1251 copy.
    std::fs::write(run.input.join("pop1251.csv"), &bytes).unwrap();
    let s = run_ingest(&run);
    expect_population(&s, &run.out, "pop1251.csv");
    let note = issues_with_rule(&s, "csv_format");
    assert_eq!(note[0].value, "Windows-1251, semicolon");
}

#[test]
fn csv_in_utf8_with_bom_and_commas() {
    let run = new_run();
    let text = POPULATION_CSV.replace(';', ",").replace("Численность населения, чел.", "\"Численность населения, чел.\"");
    std::fs::write(run.input.join("pop.csv"), [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat()).unwrap();
    let s = run_ingest(&run);
    expect_population(&s, &run.out, "pop.csv");
    assert_eq!(issues_with_rule(&s, "csv_format")[0].value, "UTF-8, comma");
}

#[test]
fn csv_header_cells_with_line_breaks_do_not_shift_rows() {
    let run = new_run();
    std::fs::write(
        run.input.join("tvet.csv"),
        "\"Academic\nyear\",Region,\"Number of\nstudents (persons)\"\n2023-2024,Astana city,\"12 000\"\n\n2023-2024,Shymkent,9\n",
    )
    .unwrap();
    let s = run_ingest(&run);
    let a = account(&s, "tvet.csv", "");
    // The header spans lines 1-3; data on lines 4 and 6, a blank line 5.
    assert_eq!((a.header_row, a.rows_read, a.loaded, a.skipped), (Some(1), 3, 2, 1));
    let blank = issues_with_rule(&s, "blank_rows");
    assert_eq!((blank[0].cell.as_str(), blank[0].rows), ("A5", 1));
    let df = staged(&run.out, "tvet_students", "academic_year=2023");
    assert_eq!(ints(&df, "students"), vec![Some(12000), Some(9)]);
    assert_eq!(ints(&df, "source_row"), vec![Some(4), Some(6)]);
}

/// Rewrites `xl/workbook.xml` of an xlsx to declare the 1904 date system.
fn switch_to_1904(path: &Path) {
    let mut archive = ::zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut parts = Vec::new();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let name = f.name().unwrap().into_owned();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(data).unwrap().replacen("<workbookPr", "<workbookPr date1904=\"1\"", 1);
            assert!(text.contains("date1904"));
            data = text.into_bytes();
        }
        parts.push((name, data));
    }
    let mut writer = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, data) in parts {
        writer.start_file(name, ::zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&data).unwrap();
    }
    writer.finish().unwrap();
}

fn mobility_rows(start_serial: f64, end_serial: f64) -> Vec<Vec<X>> {
    vec![
        vec![S("Академическая мобильность")],
        vec![
            S("Год"), S("Код вуза"), S("Направление мобильности"), S("Участник"), S("Страна"), S("Уровень образования"),
            S("Код области образования"), S("Источник финансирования"), S("Формат"), S("Вид мобильности"), S("Дата начала"),
            S("Дата окончания"), S("Количество человек, чел."),
        ],
        vec![N(2024.0), S("U1"), S("исходящая"), S("student"), S("Türkiye"), S("bachelor"), S("6"), S("university"), S("offline"), S("credit"), D(start_serial), D(end_serial), E],
        vec![N(2024.0), S("U1"), S("входящая"), S("student"), S("Republic of Korea"), S("master"), N(4.0), S("own_funds"), S("online"), S("summer_school"), S("01.07.2024"), S("2024-07-28"), S("3")],
        vec![N(2024.0), S("U1"), S("outgoing"), S("staff"), S("DE"), S("none"), S("07"), S("erasmus"), S("blended"), S("internship"), E, E, N(2.0)],
        vec![N(2024.0), S("U1"), S("incoming"), S("student"), S("China"), S("bachelor"), S("06"), S("erasmus"), S("online"), S("credit"), E, E, N(1.0)],
        vec![N(2024.0), S("U1"), S("outgoing"), S("staff"), S("Italy"), S("bachelor"), S("13"), S("erasmus"), S("online"), S("credit"), S("31.02.2024"), E, N(1.0)],
    ]
}

fn expect_mobility(s: &IngestSummary, out: &Path, file: &str) {
    let a = account(s, file, "Mobility");
    assert_eq!((a.rows_read, a.loaded, a.skipped, a.quarantined), (5, 3, 0, 2));
    let errs: Vec<(String, String, String, String)> = errors(s).into_iter().map(|e| (e.2, e.3, e.4, e.5)).collect();
    assert_eq!(
        errs,
        vec![
            ("H6".into(), "funding_source".into(), "erasmus".into(), "funding_source_direction".into()),
            ("G7".into(), "field_code".into(), "13".into(), "unknown_field".into()),
            ("K7".into(), "start_date".into(), "31.02.2024".into(), "invalid_date".into()),
        ]
    );
    let df = staged(out, "mobility", "year=2024");
    assert_eq!(strings(&df, "direction"), opt(&["outgoing", "incoming", "outgoing"]));
    assert_eq!(strings(&df, "country"), opt(&["TUR", "KOR", "DEU"]));
    assert_eq!(strings(&df, "field_code"), opt(&["06", "04", "07"]));
    assert_eq!(ints(&df, "count"), vec![Some(1), Some(3), Some(2)]);
    let start = df.column("start_date").unwrap().cast(&DataType::Int32).unwrap();
    let end = df.column("end_date").unwrap().cast(&DataType::Int32).unwrap();
    // 2024-02-05 and 2024-06-20 (written as Excel dates), 2024-07-01 and 2024-07-28 (text).
    assert_eq!(start.i32().unwrap().iter().collect::<Vec<_>>(), vec![Some(19758), Some(19905), None]);
    assert_eq!(end.i32().unwrap().iter().collect::<Vec<_>>(), vec![Some(19894), Some(19932), None]);
}

#[test]
fn excel_dates_in_the_1900_system() {
    let run = new_run();
    registry_csv(&run.input);
    // 2024-02-05 is serial 45327 in the 1900 system; 2024-06-20 is 45463.
    write_xlsx(&run.input.join("m1900.xlsx"), &[("Mobility", mobility_rows(45327.0, 45463.0))]);
    let s = run_ingest(&run);
    expect_mobility(&s, &run.out, "m1900.xlsx");
}

#[test]
fn excel_dates_in_the_1904_system() {
    let run = new_run();
    registry_csv(&run.input);
    let path = run.input.join("m1904.xlsx");
    write_xlsx(&path, &[("Mobility", mobility_rows(45327.0 - 1462.0, 45463.0 - 1462.0))]);
    switch_to_1904(&path);
    let s = run_ingest(&run);
    expect_mobility(&s, &run.out, "m1904.xlsx");
}

fn legacy(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/legacy").join(name)
}

#[test]
fn legacy_xls_with_cover_hidden_sheet_dates_and_russian_values() {
    let run = new_run();
    registry_csv(&run.input);
    std::fs::write(run.input.join("ministry/hei.csv"), "hei_code,name_en,region,legal_form\nHEI001,One,Almaty,state\n").unwrap();
    std::fs::copy(legacy("students_ru.xls"), run.input.join("students_ru.xls")).unwrap();
    let s = run_ingest(&run);
    let cover = account(&s, "students_ru.xls", "Обложка");
    assert_eq!(cover.status, SheetStatus::NotRecognised);
    assert_eq!(account(&s, "students_ru.xls", "Скрытый").status, SheetStatus::Hidden);
    let a = account(&s, "students_ru.xls", "Контингент");
    assert_eq!((a.header_row, a.rows_read, a.loaded, a.skipped, a.quarantined), (Some(3), 7, 4, 2, 1));
    assert_eq!(
        errors(&s),
        vec![("students_ru.xls".into(), "Контингент".into(), "I7".into(), "study_year".into(), "9".into(), "out_of_range".into())]
    );
    let df = staged(&run.out, "students", "academic_year=2024");
    assert_eq!(strings(&df, "student_id"), opt(&["S-0001", "S-0002", "S-0003", "S-0005"]));
    assert_eq!(ints(&df, "birth_year"), vec![Some(2005), Some(2004), Some(2001), Some(2002)]);
    let birth = df.column("birth_date").unwrap().cast(&DataType::Int32).unwrap();
    // 2005-03-14, 2004-11-02, 2001-07-21, 2002-09-05 in days since 1970-01-01.
    assert_eq!(birth.i32().unwrap().iter().collect::<Vec<_>>(), vec![Some(12856), Some(12724), Some(11524), Some(11935)]);
    assert_eq!(strings(&df, "citizenship"), opt(&["KAZ", "KAZ", "UZB", "TUR"]));
    assert_eq!(strings(&df, "funding"), opt(&["state_grant", "paid", "paid", "local_budget"]));
    assert_eq!(strings(&df, "level"), opt(&["bachelor", "bachelor", "master", "doctoral"]));
}

#[test]
fn legacy_ods_with_kazakh_headers_and_an_unknown_country() {
    let run = new_run();
    std::fs::create_dir_all(run.input.join("ministry")).unwrap();
    std::fs::write(run.input.join("ministry/hei.csv"), "hei_code,name_en,region,legal_form\nHEI001,One,Almaty,state\n").unwrap();
    std::fs::copy(legacy("mobility_kk.ods"), run.input.join("mobility_kk.ods")).unwrap();
    let s = run_ingest(&run);
    let a = account(&s, "mobility_kk.ods", "Ұтқырлық");
    assert_eq!((a.header_row, a.rows_read, a.loaded, a.skipped, a.quarantined), (Some(2), 5, 3, 1, 1));
    assert_eq!(
        errors(&s),
        vec![("mobility_kk.ods".into(), "Ұтқырлық".into(), "E6".into(), "country".into(), "Атлантида".into(), "unknown_country".into())]
    );
    let df = staged(&run.out, "mobility", "year=2024");
    assert_eq!(strings(&df, "country"), opt(&["TUR", "KGZ", "DEU"]));
    assert_eq!(strings(&df, "participant"), opt(&["student", "student", "staff"]));
    assert_eq!(ints(&df, "count"), vec![Some(3), Some(1), Some(2)]);
    assert_eq!(strings(&df, "field_code"), opt(&["06", "04", "07"]));
}

fn student_row(hei: &'static str, id: X) -> Vec<X> {
    vec![S("2024-2025"), S(hei), id, S("F"), N(2004.0), S("KAZ"), S("bachelor"), S("6B01101"), N(2.0), S("paid")]
}

fn student_sheet(rows: Vec<Vec<X>>) -> Vec<Vec<X>> {
    let mut sheet = vec![students_header_en()[..10].to_vec()];
    sheet.extend(rows);
    sheet
}

/// Every byte of every file under `dir`.
fn all_output_bytes(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.clone(), std::fs::read(&p).unwrap()));
            }
        }
    }
    out
}

#[test]
fn duplicates_within_an_hei_are_quarantined_across_heis_warned_and_iins_never_written() {
    let run = new_run();
    registry_csv(&run.input);
    write_xlsx(
        &run.input.join("U1.xlsx"),
        &[("S", student_sheet(vec![
            student_row("U1", S("D-1")),
            student_row("U1", S("871231400555")),
            student_row("U1", S("D-1")),
            student_row("U9", S("D-2")),
        ]))],
    );
    write_xlsx(&run.input.join("U2.xlsx"), &[("S", student_sheet(vec![student_row("U2", N(871231400555.0)), student_row("U2", S("D-3"))]))]);
    let s = run_ingest(&run);
    assert_eq!(
        errors(&s),
        vec![
            ("U1.xlsx".into(), "S".into(), "B5".into(), "hei_code".into(), "U9".into(), "unknown_hei".into()),
            ("U1.xlsx".into(), "S".into(), "C2".into(), "student_id".into(), "D-1".into(), "duplicate_student".into()),
            ("U1.xlsx".into(), "S".into(), "C4".into(), "student_id".into(), "D-1".into(), "duplicate_student".into()),
        ]
    );
    let a = account(&s, "U1.xlsx", "S");
    assert_eq!((a.rows_read, a.loaded, a.quarantined), (4, 1, 3));
    let warnings = issues_with_rule(&s, "student_in_several_heis");
    assert_eq!(warnings.len(), 1);
    assert_eq!((warnings[0].file.as_str(), warnings[0].cell.as_str(), warnings[0].severity), ("U1.xlsx", "C3", Severity::Warning));
    assert!(warnings[0].message.contains("2 HEIs") && warnings[0].message.contains("U1, U2"), "{}", warnings[0].message);
    let staged_ids = strings(&staged(&run.out, "students", "academic_year=2024"), "student_id");
    let hash = PersonIdHasher::new(KEY).pseudonymise("871231400555".into()).into_owned();
    assert_eq!(staged_ids, vec![Some(hash.clone()), Some(hash), Some("D-3".to_string())]);
    for (path, bytes) in all_output_bytes(&run.out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("871231400555"), "IIN written to {}", path.display());
    }
}

#[test]
fn a_sheet_missing_required_columns_is_rejected_with_the_list_and_its_rows_counted() {
    let run = new_run();
    write_xlsx(
        &run.input.join("partial.xlsx"),
        &[
            ("Students", vec![
                vec![S("Academic year"), S("HEI code"), S("Student ID"), S("Gender"), S("Level of education"), S("Year of study")],
                vec![S("2024"), S("U1"), S("X"), S("F"), S("bachelor"), N(1.0)],
                vec![S("2024"), S("U1"), S("Y"), S("F"), S("bachelor"), N(1.0)],
            ]),
            ("Empty", vec![]),
        ],
    );
    let s = run_ingest(&run);
    let a = account(&s, "partial.xlsx", "Students");
    assert_eq!((a.status, a.rows_read, a.quarantined), (SheetStatus::Rejected, 2, 2));
    let issue = &issues_with_rule(&s, "missing_required_columns")[0];
    assert_eq!((issue.cell.as_str(), issue.value.as_str()), ("A1", "birth_year, citizenship, program_code, funding"));
    assert_eq!(account(&s, "partial.xlsx", "Empty").status, SheetStatus::Empty);
}

// ---- hostile and broken files: each is rejected whole while the good file loads ----

fn good_population(run: &Run) {
    std::fs::write(run.input.join("good.csv"), "year,region,age,population\n2024,KZ-75,18,100\n").unwrap();
}

fn expect_only_rejection(s: &IngestSummary, file: &str, rule: &str) -> String {
    expect_only_rejection_with_detail(s, file, rule).0
}

/// The message (for the university's data officer) and the reader's detail (for the data team).
fn expect_only_rejection_with_detail(s: &IngestSummary, file: &str, rule: &str) -> (String, String) {
    let rejected: Vec<&ValidationIssue> = s.issues.iter().filter(|i| i.severity == Severity::Error).collect();
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    assert_eq!((rejected[0].file.as_str(), rejected[0].rule.as_str(), rejected[0].sheet.as_str()), (file, rule, ""));
    assert_eq!(account(s, file, "").status, SheetStatus::FileRejected);
    assert_eq!(account(s, "good.csv", "").loaded, 1, "the other file still loads");
    assert_eq!(s.files_rejected, 1);
    (rejected[0].message.clone(), rejected[0].detail.clone())
}

fn valid_xlsx_bytes() -> Vec<u8> {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("v.xlsx");
    write_xlsx(&path, &[("S", student_sheet(vec![student_row("U1", S("A")); 50]))]);
    std::fs::read(path).unwrap()
}

#[test]
fn a_truncated_archive_is_rejected() {
    let run = new_run();
    good_population(&run);
    let bytes = valid_xlsx_bytes();
    std::fs::write(run.input.join("cut.xlsx"), &bytes[..bytes.len() / 2]).unwrap();
    let (message, detail) = expect_only_rejection_with_detail(&run_ingest(&run), "cut.xlsx", "corrupt_file");
    assert!(message.starts_with("the workbook (a zip archive) is damaged or incomplete, perhaps cut short while uploading"), "{message}");
    assert!(message.ends_with("save it again as .xlsx and send the new file"), "{message}");
    assert!(!detail.is_empty(), "the zip reader's own words are kept apart");
}

#[test]
fn a_corrupt_archive_part_is_rejected() {
    let run = new_run();
    good_population(&run);
    let mut bytes = valid_xlsx_bytes();
    // Overwrite the compressed sheet data: the directory is intact, the sheet part is not.
    let name = b"xl/worksheets/sheet1.xml";
    let at = bytes.windows(name.len()).position(|w| w == name).unwrap() + name.len();
    for b in &mut bytes[at + 16..at + 216] {
        *b = 0x5A;
    }
    std::fs::write(run.input.join("garbled.xlsx"), &bytes).unwrap();
    expect_only_rejection(&run_ingest(&run), "garbled.xlsx", "corrupt_file");
}

#[test]
fn a_password_protected_workbook_is_rejected() {
    let run = new_run();
    good_population(&run);
    // An encrypted xlsx is an OLE compound file with EncryptionInfo and EncryptedPackage streams.
    let path = run.input.join("secret.xlsx");
    let mut comp = cfb::create(&path).unwrap();
    comp.create_stream("/EncryptionInfo").unwrap().write_all(&[4, 0, 4, 0, 0x40, 0, 0, 0]).unwrap();
    comp.create_stream("/EncryptedPackage").unwrap().write_all(&[0u8; 4096]).unwrap();
    comp.flush().unwrap();
    drop(comp);
    let message = expect_only_rejection(&run_ingest(&run), "secret.xlsx", "password_protected");
    assert!(message.contains("password"), "{message}");
}

#[test]
fn files_that_are_not_spreadsheets_are_rejected() {
    let run = new_run();
    good_population(&run);
    std::fs::write(run.input.join("photo.xlsx"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let s = run_ingest(&run);
    let message = expect_only_rejection(&s, "photo.xlsx", "corrupt_file");
    assert!(message.starts_with("the file is named .xlsx but is not a workbook (damaged, cut short or renamed)"), "{message}");

    let run = new_run();
    good_population(&run);
    std::fs::write(run.input.join("notes.docx"), b"PK-less text").unwrap();
    expect_only_rejection(&run_ingest(&run), "notes.docx", "not_a_spreadsheet");

    let run = new_run();
    good_population(&run);
    std::fs::write(run.input.join("empty.xlsx"), b"").unwrap();
    expect_only_rejection(&run_ingest(&run), "empty.xlsx", "empty_file");
}

/// Builds a zip whose sheet part holds `bytes` of XML padding (it compresses to almost
/// nothing: the shape of a zip bomb).
fn padded_xlsx(path: &Path, padding: usize) {
    let template = valid_xlsx_bytes();
    let mut archive = ::zip::ZipArchive::new(std::io::Cursor::new(template)).unwrap();
    let mut writer = ::zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = ::zip::write::SimpleFileOptions::default().compression_method(::zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        let name = f.name().unwrap().into_owned();
        writer.start_file(name.as_str(), options).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let text = String::from_utf8(data).unwrap();
            let (head, tail) = text.split_at(text.find("<sheetData").unwrap());
            writer.write_all(head.as_bytes()).unwrap();
            let chunk = vec![b' '; 1 << 20];
            for _ in 0..padding / chunk.len() {
                writer.write_all(&chunk).unwrap();
            }
            writer.write_all(tail.as_bytes()).unwrap();
        } else {
            writer.write_all(&data).unwrap();
        }
    }
    writer.finish().unwrap();
}

#[test]
fn an_archive_part_that_would_expand_past_the_limit_is_rejected_before_reading() {
    let run = new_run();
    good_population(&run);
    let path = run.input.join("bomb.xlsx");
    padded_xlsx(&path, 64 << 20);
    assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20, "64 MiB of padding compresses below 1 MiB");
    let limits = Limits { max_part_bytes: 16 << 20, ..Limits::default() };
    let (message, detail) = expect_only_rejection_with_detail(&run_with(&run, limits), "bomb.xlsx", "archive_too_large");
    assert!(message.starts_with("the workbook would unpack to more than 16777216 bytes (one of its parts to 671"), "{message}");
    assert!(detail.starts_with("part xl/worksheets/sheet1.xml: 671"), "{detail}");
}

#[test]
fn an_archive_declaring_gigabytes_is_rejected_with_default_limits() {
    let run = new_run();
    good_population(&run);
    let mut bytes = valid_xlsx_bytes();
    // Patch the central directory: every part now declares 4 GiB - 2 uncompressed bytes.
    let mut i = 0;
    while i + 46 <= bytes.len() {
        if bytes[i..i + 4] == [0x50, 0x4b, 0x01, 0x02] {
            bytes[i + 24..i + 28].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
            i += 46;
        } else {
            i += 1;
        }
    }
    std::fs::write(run.input.join("declared.xlsx"), &bytes).unwrap();
    let message = expect_only_rejection(&run_ingest(&run), "declared.xlsx", "archive_too_large");
    assert!(message.contains("(one of its parts to 4294967294)"), "{message}");
}

#[test]
fn a_sheet_declaring_the_whole_grid_is_read_with_a_warning() {
    // inputs.md: what a sheet holds counts, not what it declares. Two cells, at A1 and XFD1048576.
    let run = new_run();
    good_population(&run);
    let path = run.input.join("huge.xlsx");
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "a").unwrap();
    ws.write_string(1_048_575, 16_383, "z").unwrap();
    wb.save(&path).unwrap();
    let s = run_ingest(&run);
    assert_eq!(s.files_rejected, 0);
    let warnings = issues_with_rule(&s, "dimension_overstated");
    assert_eq!(warnings.len(), 1);
    assert_eq!((warnings[0].file.as_str(), warnings[0].sheet.as_str(), warnings[0].severity), ("huge.xlsx", "Sheet1", Severity::Warning));
    assert!(warnings[0].message.starts_with("the sheet declares the range A1:XFD1048576 (17179869184 cells)"), "{}", warnings[0].message);
    assert_eq!(account(&s, "huge.xlsx", "Sheet1").status, SheetStatus::NotRecognised);
    assert_eq!(account(&s, "good.csv", "").loaded, 1);
}

#[test]
fn a_sheet_holding_more_cells_than_the_limit_is_rejected() {
    let run = new_run();
    good_population(&run);
    let path = run.input.join("full.xlsx");
    write_xlsx(&path, &[("S", student_sheet(vec![student_row("U1", S("A")); 30]))]);
    // 31 rows of 13 cells and the header: more than 300 cells.
    let limits = Limits { max_sheet_cells: 300, ..Limits::default() };
    let (message, detail) = expect_only_rejection_with_detail(&run_with(&run, limits), "full.xlsx", "sheet_too_large");
    assert_eq!(message, "sheet S holds more than 300 cells, the most hestat reads from one sheet: split the data over several sheets or files");
    assert_eq!(detail, "301 cells counted when reading stopped (limit max_sheet_cells = 300)");
}

#[test]
fn staff_in_xlsm_with_a_merged_title_kazakh_headers_and_decimal_commas() {
    let run = new_run();
    registry_csv(&run.input);
    let path = run.input.join("U2/кадры.xlsm");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("ПОҚ").unwrap();
    ws.merge_range(0, 0, 1, 8, "Профессор-оқытушылар құрамы, 01.10.2024", &Format::new()).unwrap();
    let header = ["Оқу жылы", "ЖОО коды", "Қызметкер ID", "Жынысы", "Туған жылы", "Ғылыми дәрежесі", "Ғылыми атағы", "Лауазымы", "Мөлшерлеме"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(3, c as u16, *h).unwrap();
    }
    let rows: [[&str; 9]; 4] = [
        ["2024-2025", "U2", "T-1", "ер", "1970", "кандидат наук", "доцент", "доцент", "0,5"],
        ["2024-2025", "U2", "T-2", "әйел", "1985", "PhD", "ассоциированный профессор", "", "1"],
        ["2024-2025", "U2", "T-3", "F", "1990", "master", "none", "lecturer", "1,25"],
        ["2024-2025", "U2", "T-4", "M", "1960", "doctor_of_sciences", "professor", "", "3,5"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(4 + r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save(&path).unwrap();
    let s = run_ingest(&run);
    let a = account(&s, "U2/кадры.xlsm", "ПОҚ");
    assert_eq!((a.header_row, a.rows_read, a.loaded, a.quarantined), (Some(4), 4, 3, 1));
    assert_eq!(
        errors(&s),
        vec![("U2/кадры.xlsm".into(), "ПОҚ".into(), "I8".into(), "rate".into(), "3,5".into(), "out_of_range".into())]
    );
    let df = staged(&run.out, "staff", "academic_year=2024");
    let rate: Vec<Option<f64>> = df.column("rate").unwrap().f64().unwrap().iter().collect();
    assert_eq!(rate, vec![Some(0.5), Some(1.0), Some(1.25)]);
    assert_eq!(strings(&df, "degree"), opt(&["candidate", "phd", "master"]));
    assert_eq!(strings(&df, "title"), opt(&["docent", "associate_professor", "none"]));
    assert_eq!(strings(&df, "gender"), opt(&["M", "F", "F"]));
    assert_eq!(strings(&df, "position"), vec![Some("доцент".into()), None, Some("lecturer".into())]);
}

#[test]
fn regions_created_in_2022_are_refused_for_earlier_years() {
    let run = new_run();
    std::fs::write(
        run.input.join("tvet.csv"),
        "academic_year;region;students\n2021-2022;Abai Region;100\n2021-2022;ВКО;900\n2022-2023;область Абай;120\n",
    )
    .unwrap();
    let s = run_ingest(&run);
    assert_eq!(errors(&s), vec![("tvet.csv".into(), "".into(), "B2".into(), "region".into(), "Abai Region".into(), "region_before_creation".into())]);
    assert_eq!(strings(&staged(&run.out, "tvet_students", "academic_year=2021"), "region"), opt(&["KZ-63"]));
    assert_eq!(strings(&staged(&run.out, "tvet_students", "academic_year=2022"), "region"), opt(&["KZ-10"]));
}

/// Round trip: 600 students written with every column in canonical form come back
/// identical from staging, whatever the workbook layout.
#[test]
fn staged_students_equal_what_was_written() {
    let run = new_run();
    registry_csv(&run.input);
    let levels = [("bachelor", "6B"), ("master", "7M"), ("doctoral", "8D"), ("residency", "7R")];
    let countries = ["KAZ", "KGZ", "UZB", "IND", "CHN", "TUR", "RUS"];
    let quotas = ["none", "orphan", "disability", "large_family", "rural", "kandas"];
    let fundings = ["state_grant", "local_budget", "paid", "other"];
    let mut expected: Vec<Vec<String>> = Vec::new();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let header = ["academic_year", "hei_code", "student_id", "gender", "birth_year", "citizenship", "level", "program_code",
        "study_year", "funding", "grant_quota", "sen", "disability_group", "dormitory", "study_form", "language"];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(0, c as u16, *h).unwrap();
    }
    for n in 0..600usize {
        let (level, prefix) = levels[n % 4];
        let field = if level == "residency" { 10 } else { 1 + n % 12 };
        let sen = n % 17 == 0;
        let row = vec![
            "2023".to_string(),
            if n % 2 == 0 { "U1" } else { "U2" }.to_string(),
            format!("RT-{n:04}"),
            if n % 3 == 0 { "M" } else { "F" }.to_string(),
            (1990 + n % 15).to_string(),
            countries[n % countries.len()].to_string(),
            level.to_string(),
            format!("{prefix}{field:02}{:03}", 100 + n % 50),
            (1 + n % 4).to_string(),
            fundings[n % 4].to_string(),
            quotas[n % quotas.len()].to_string(),
            sen.to_string(),
            if sen && n % 2 == 0 { "III".to_string() } else { String::new() },
            (n % 5 == 0).to_string(),
            ["full_time", "part_time", "distance"][n % 3].to_string(),
            ["kk", "ru", "en"][n % 3].to_string(),
        ];
        for (c, v) in row.iter().enumerate() {
            let r = n as u32 + 1;
            match c {
                4 | 8 => ws.write_number(r, c as u16, v.parse::<f64>().unwrap()).map(|_| ()).unwrap(),
                _ if !v.is_empty() => ws.write_string(r, c as u16, v).map(|_| ()).unwrap(),
                _ => {}
            }
        }
        expected.push(row);
    }
    wb.save(run.input.join("roundtrip.xlsx")).unwrap();
    let s = run_ingest(&run);
    assert_eq!(account(&s, "roundtrip.xlsx", "Sheet1").loaded, 600, "{:?}", errors(&s));
    let df = staged(&run.out, "students", "academic_year=2023");
    for (c, key) in header.iter().enumerate().skip(1) {
        let column = df.column(key).unwrap().cast(&DataType::String).unwrap();
        let got: Vec<String> = column.str().unwrap().iter().map(|v| v.unwrap_or("").to_string()).collect();
        let want: Vec<String> = expected.iter().map(|row| row[c].clone()).collect();
        assert_eq!(got, want, "column {key}");
    }
    let fields = strings(&df, "field_code");
    assert_eq!(fields[3].as_deref(), Some("10"));
    assert_eq!(fields[4].as_deref(), Some("05"));
}

#[test]
fn xlsb_with_english_headers_dates_and_an_unknown_funding_value() {
    let run = new_run();
    std::fs::create_dir_all(run.input.join("ministry")).unwrap();
    std::fs::write(run.input.join("ministry/hei.csv"), "hei_code,name_en,region,legal_form\nHEI001,One,Almaty,state\n").unwrap();
    std::fs::copy(legacy("students_en.xlsb"), run.input.join("students_en.xlsb")).unwrap();
    let s = run_ingest(&run);
    assert_eq!(account(&s, "students_en.xlsb", "Note").status, SheetStatus::NotRecognised);
    let a = account(&s, "students_en.xlsb", "Students");
    assert_eq!((a.header_row, a.rows_read, a.loaded, a.skipped, a.quarantined), (Some(3), 4, 2, 1, 1));
    assert_eq!(
        errors(&s),
        vec![("students_en.xlsb".into(), "Students".into(), "J6".into(), "funding".into(), "Marsian credits".into(), "unknown_code".into())]
    );
    let df = staged(&run.out, "students", "academic_year=2023");
    assert_eq!(strings(&df, "student_id"), opt(&["E-1", "E-2"]));
    // 2004-05-06 (an Excel date cell) and 2002-12-12 (text), in days since 1970-01-01.
    let birth = df.column("birth_date").unwrap().cast(&DataType::Int32).unwrap();
    assert_eq!(birth.i32().unwrap().iter().collect::<Vec<_>>(), vec![Some(12544), Some(12033)]);
    assert_eq!(ints(&df, "birth_year"), vec![Some(2004), Some(2002)]);
    assert_eq!(strings(&df, "citizenship"), opt(&["KAZ", "UZB"]));
    assert_eq!(ints(&df, "study_year"), vec![Some(1), Some(2)]);
    assert!(issues_with_rule(&s, "xlsb_cells_missing").is_empty(), "a file that loses nothing is not flagged");
}

#[test]
fn xlsb_cells_the_reader_cannot_see_are_flagged() {
    let run = new_run();
    good_population(&run);
    std::fs::copy(legacy("students_en_short_records.xlsb"), run.input.join("short.xlsb")).unwrap();
    let s = run_ingest(&run);
    let warning = &issues_with_rule(&s, "xlsb_cells_missing")[0];
    assert_eq!((warning.file.as_str(), warning.sheet.as_str(), warning.severity), ("short.xlsb", "Students", Severity::Warning));
    // The sheet part holds 3 BrtShortRk, 2 BrtShortReal and 31 BrtShortIsst records (counted
    // independently of hestat by a record dump of xl/worksheets/sheet2.bin).
    assert!(warning.message.starts_with("36 cells of this sheet are written as short records"), "{}", warning.message);
    assert_eq!(issues_with_rule(&s, "xlsb_cells_missing").len(), 1, "the Note sheet holds no short records");
    assert_eq!(account(&s, "short.xlsb", "Students").status, SheetStatus::NotRecognised);
}

/// The committed xlsb with the record of cell (row, col) of `part` replaced by a formula cell
/// whose cached result is an error (`BrtFmlaError`, which calamine's cell reader drops).
fn xlsb_with_formula_error(part_name: &str, row: u32, col: u32, error: u8) -> Vec<u8> {
    let mut archive = ::zip::ZipArchive::new(std::fs::File::open(legacy("students_en.xlsb")).unwrap()).unwrap();
    let mut writer = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).unwrap();
        let name = f.name().unwrap().into_owned();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == part_name {
            let (mut out, mut at, mut current_row, mut replaced) = (Vec::new(), 0usize, 0u32, false);
            while at < data.len() {
                let start = at;
                let mut varint = |bytes: usize| {
                    let mut v = 0usize;
                    for i in 0..bytes {
                        let b = data[at];
                        at += 1;
                        v |= usize::from(b & 0x7F) << (7 * i);
                        if b & 0x80 == 0 {
                            break;
                        }
                    }
                    v
                };
                let (typ, size) = (varint(2), varint(4));
                let body = &data[at..at + size];
                at += size;
                if typ == 0 {
                    current_row = u32::from_le_bytes(body[..4].try_into().unwrap());
                }
                let cell_col = (1..=11).contains(&typ).then(|| u32::from_le_bytes(body[..4].try_into().unwrap()));
                if current_row == row && cell_col == Some(col) {
                    // Col and style kept; the error; flags; an empty formula (cce 0, cb 0).
                    let mut record = vec![0x0B, 19];
                    record.extend(&body[..8]);
                    record.extend([error, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
                    out.extend(record);
                    replaced = true;
                } else {
                    out.extend(&data[start..at]);
                }
            }
            assert!(replaced, "no cell at row {row}, column {col}");
            data = out;
        }
        writer.start_file(name, ::zip::write::SimpleFileOptions::default()).unwrap();
        writer.write_all(&data).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

#[test]
fn xlsb_formula_cells_with_an_error_result_are_excel_errors_not_empty_cells() {
    let run = new_run();
    std::fs::create_dir_all(run.input.join("ministry")).unwrap();
    std::fs::write(run.input.join("ministry/hei.csv"), "hei_code,name_en,region,legal_form\nHEI001,One,Almaty,state\n").unwrap();
    // Row 4 (0-based 3), column I (year of study): #N/A (0x2A).
    std::fs::write(run.input.join("errors.xlsb"), xlsb_with_formula_error("xl/worksheets/sheet2.bin", 3, 8, 0x2A)).unwrap();
    let s = run_ingest(&run);
    let a = account(&s, "errors.xlsb", "Students");
    assert_eq!((a.rows_read, a.loaded, a.skipped, a.quarantined), (4, 1, 1, 2));
    let mut found = errors(&s);
    found.sort();
    assert_eq!(
        found,
        vec![
            ("errors.xlsb".into(), "Students".into(), "I4".into(), "study_year".into(), "#N/A".into(), "excel_error".into()),
            ("errors.xlsb".into(), "Students".into(), "J6".into(), "funding".into(), "Marsian credits".into(), "unknown_code".into()),
        ]
    );
    assert!(issues_with_rule(&s, "xlsb_cells_missing").is_empty(), "no cell is lost: no warning");
}

// ---- Re-runs: what is reused, and what is read again ----

fn run_reusing(run: &Run, code: &str, limits: Limits, key: &[u8]) -> IngestSummary {
    let config = IngestConfig { input: run.input.clone(), out: run.out.clone(), limits, hasher: PersonIdHasher::new(key), reuse: Some(code.into()) };
    let summary = ingest(&config, &()).expect("ingest runs");
    for account in &summary.accounts {
        assert!(account.balances(), "accounting does not balance: {account:?}");
    }
    summary
}

/// Every staging and validation file: bytes and modification time (the cache left out).
fn outputs_with_times(out: &Path) -> Vec<(PathBuf, Vec<u8>, std::time::SystemTime)> {
    let mut files: Vec<_> = all_output_bytes(out)
        .into_iter()
        .filter(|(p, _)| !p.starts_with(out.join("cache")))
        .map(|(p, b)| {
            let time = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, b, time)
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// The registry, U1 (an unknown HEI, a duplicate, an IIN) and U2 (the same IIN: a student in
/// two HEIs).
fn two_universities(run: &Run) {
    registry_csv(&run.input);
    write_xlsx(
        &run.input.join("U1.xlsx"),
        &[("S", student_sheet(vec![
            student_row("U1", S("D-1")),
            student_row("U1", S("871231400555")),
            student_row("U1", S("D-1")),
            student_row("U9", S("D-2")),
        ]))],
    );
    write_xlsx(&run.input.join("U2.xlsx"), &[("S", student_sheet(vec![student_row("U2", N(871231400555.0)), student_row("U2", S("D-3"))]))]);
}

fn same_result(a: &IngestSummary, b: &IngestSummary) {
    assert_eq!(a.accounts, b.accounts);
    assert_eq!(a.issues, b.issues);
    assert_eq!(a.staged_rows, b.staged_rows);
    assert_eq!((a.files_read, a.files_rejected), (b.files_read, b.files_rejected));
}

/// Staging and validation bytes of `out`, by path relative to it.
fn output_bytes(out: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    outputs_with_times(out).into_iter().map(|(p, b, _)| (p.strip_prefix(out).unwrap().to_path_buf(), b)).collect()
}

#[test]
fn an_unchanged_input_folder_is_recognised_and_nothing_is_read_or_written() {
    let run = new_run();
    two_universities(&run);
    let first = run_reusing(&run, "code-1", Limits::default(), KEY);
    assert_eq!((first.files_reused, first.unchanged), (0, false));
    let before = outputs_with_times(&run.out);
    assert_eq!(before.len(), 7, "{:?}", before.iter().map(|f| &f.0).collect::<Vec<_>>());

    let again = run_reusing(&run, "code-1", Limits::default(), KEY);
    assert_eq!((again.files_reused, again.unchanged), (3, true));
    same_result(&first, &again);
    assert_eq!(issues_with_rule(&again, "student_in_several_heis").len(), 1);
    // Not one file rewritten: same bytes, same times.
    assert!(outputs_with_times(&run.out) == before, "a run on unchanged inputs rewrote its outputs");

    // An output removed by hand is not taken for an unchanged run: every file comes from the
    // kept readings, and the result is the same.
    std::fs::remove_file(run.out.join("validation/issues.csv")).unwrap();
    let repaired = run_reusing(&run, "code-1", Limits::default(), KEY);
    assert_eq!((repaired.files_reused, repaired.unchanged), (3, false));
    same_result(&first, &repaired);
    let now: Vec<_> = outputs_with_times(&run.out).into_iter().map(|(p, b, _)| (p, b)).collect();
    assert!(now == before.iter().map(|(p, b, _)| (p.clone(), b.clone())).collect::<Vec<_>>());
}

#[test]
fn a_changed_file_alone_is_read_again_and_the_checks_across_files_still_see_every_file() {
    let run = new_run();
    two_universities(&run);
    run_reusing(&run, "code-1", Limits::default(), KEY);
    // U2 no longer lists the student that U1 also lists.
    write_xlsx(&run.input.join("U2.xlsx"), &[("S", student_sheet(vec![student_row("U2", S("D-3")), student_row("U2", S("D-4"))]))]);
    let changed = run_reusing(&run, "code-1", Limits::default(), KEY);
    assert_eq!((changed.files_reused, changed.unchanged), (2, false), "the registry and U1 are reused, U2 is read");
    // U1's own issues come from its kept reading; the warning across files is gone.
    assert_eq!(
        errors(&changed),
        vec![
            ("U1.xlsx".into(), "S".into(), "B5".into(), "hei_code".into(), "U9".into(), "unknown_hei".into()),
            ("U1.xlsx".into(), "S".into(), "C2".into(), "student_id".into(), "D-1".into(), "duplicate_student".into()),
            ("U1.xlsx".into(), "S".into(), "C4".into(), "student_id".into(), "D-1".into(), "duplicate_student".into()),
        ]
    );
    assert!(issues_with_rule(&changed, "student_in_several_heis").is_empty());
    let a = account(&changed, "U1.xlsx", "S");
    assert_eq!((a.rows_read, a.loaded, a.quarantined), (4, 1, 3));
    assert_eq!(strings(&staged(&run.out, "students", "academic_year=2024"), "student_id").len(), 3);

    // Exactly what a run that reuses nothing makes of the same folder.
    let fresh = Run { _tmp: tempfile::tempdir().unwrap(), input: run.input.clone(), out: run._tmp.path().join("fresh") };
    let from_scratch = run_ingest(&fresh);
    same_result(&from_scratch, &changed);
    assert!(output_bytes(&run.out) == output_bytes(&fresh.out), "reused and fresh staging differ");
}

#[test]
fn new_code_limits_or_key_read_again_what_they_affect() {
    let run = new_run();
    two_universities(&run);
    let first = run_reusing(&run, "code-1", Limits::default(), KEY);
    let staged_before = output_bytes(&run.out);
    // Another hestat (code or code lists): every file is read again, with the same result.
    let new_code = run_reusing(&run, "code-2", Limits::default(), KEY);
    assert_eq!(new_code.files_reused, 0);
    same_result(&first, &new_code);
    assert!(output_bytes(&run.out) == staged_before);
    // Other limits: every file again.
    let limits = Limits { header_scan_rows: 20, ..Limits::default() };
    assert_eq!(run_reusing(&run, "code-2", limits, KEY).files_reused, 0);
    // Another identifier key: only the files whose IINs were pseudonymised are read again.
    let other_key = b"another-key-0123456789abcdef";
    let rekeyed = run_reusing(&run, "code-2", limits, other_key);
    assert_eq!(rekeyed.files_reused, 1, "the registry holds no identifier");
    let ids = strings(&staged(&run.out, "students", "academic_year=2024"), "student_id");
    let hash = PersonIdHasher::new(other_key).pseudonymise("871231400555".into()).into_owned();
    assert_eq!(ids, vec![Some(hash.clone()), Some(hash), Some("D-3".to_string())]);
}

#[test]
fn a_damaged_or_missing_kept_reading_is_read_again() {
    let run = new_run();
    two_universities(&run);
    let first = run_reusing(&run, "code-1", Limits::default(), KEY);
    let cache = run.out.join("cache/ingest");
    let kept: Vec<PathBuf> = std::fs::read_dir(&cache).unwrap().map(|e| e.unwrap().path()).collect();
    let parts: Vec<&PathBuf> = kept.iter().filter(|p| p.extension().is_some_and(|e| e == "parquet")).collect();
    let entries: Vec<&PathBuf> = kept.iter().filter(|p| p.to_string_lossy().ends_with(".entry.json")).collect();
    assert_eq!((parts.len(), entries.len()), (3, 3), "{kept:?}");
    // One file's part truncated, another file's entry garbled; a new file makes it a new run.
    let stem = |p: &Path| p.file_name().unwrap().to_string_lossy().split('.').next().unwrap().to_string();
    let garbled = entries.iter().find(|e| stem(e) != stem(parts[0])).unwrap();
    std::fs::write(parts[0], b"PAR1").unwrap();
    std::fs::write(garbled, b"{not json").unwrap();
    std::fs::write(run.input.join("pop.csv"), "year,region,age,population\n2024,KZ-75,18,100\n").unwrap();
    let again = run_reusing(&run, "code-1", Limits::default(), KEY);
    assert_eq!(again.files_reused, 1, "two of the three kept readings are unusable");
    assert_eq!(again.accounts[..first.accounts.len()], first.accounts[..], "the same accounts, the new file last");
    assert_eq!(again.staged_rows.iter().find(|(f, _)| f.name() == "population").map(|r| r.1), Some(1));
    // Entries not used by the last run are removed.
    run_reusing(&run, "code-2", Limits::default(), KEY);
    let left = std::fs::read_dir(&cache).unwrap().filter(|e| e.as_ref().unwrap().path().to_string_lossy().ends_with(".entry.json")).count();
    assert_eq!(left, 4);
}
