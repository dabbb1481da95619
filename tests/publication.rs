//! The report stage on the embedded national dataset, end to end: `hestat run` once, then the
//! public tables read back (Parquet metadata, CSV and the XLSX workbook against the Parquet
//! values), the disclosure control of the national tables (no small count published, no
//! suppressed count recoverable from an exact table's margin), the charts (size, the labels
//! each must contain, in three languages), catalog.json against the files, determinism, and
//! a publication killed half-way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use calamine::{open_workbook, Data, Reader, Xlsx};
use hestat_reports::disclosure::{lines, Count};
use hestat_transform::catalogue::catalogue;
use hestat_transform::output::cell_text;
use polars::prelude::*;

mod common;
use common::{copy_tree, copy_tree_with_times};

/// The run's output folder, made once for all tests of this file.
fn published() -> &'static PathBuf {
    static OUT: OnceLock<PathBuf> = OnceLock::new();
    OUT.get_or_init(|| {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("publication");
        let _ = std::fs::remove_dir_all(root.join("out"));
        std::fs::create_dir_all(&root).unwrap();
        // The generated dataset is kept between test runs.
        std::fs::write(root.join("hestat.toml"), format!("cache_dir = \"{}\"\n", root.join("cache").display())).unwrap();
        let output = hestat(&["run", "--out", "out"], &root);
        assert!(output.status.code() == Some(1), "the run completes (with the planted errors refused): {}", String::from_utf8_lossy(&output.stderr));
        // What the run printed, for the test of its summary.
        std::fs::write(root.join("run-stdout.txt"), &output.stdout).unwrap();
        root.join("out")
    })
}

fn hestat(args: &[&str], cwd: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_hestat")).args(args).current_dir(cwd).env("HESTAT_ID_KEY", "publication-test-key-0123").output().expect("hestat runs")
}

fn parquet(path: &Path) -> DataFrame {
    ParquetReader::new(std::fs::File::open(path).unwrap()).finish().unwrap()
}

fn key_values(path: &Path) -> BTreeMap<String, String> {
    let mut reader = ParquetReader::new(std::fs::File::open(path).unwrap());
    let metadata = reader.get_metadata().unwrap();
    metadata.key_value_metadata().clone().unwrap_or_default().into_iter().map(|kv| (kv.key, kv.value.unwrap_or_default())).collect()
}

fn text(frame: &DataFrame, column: &str, row: usize) -> String {
    frame.column(column).ok().and_then(|c| c.get(row).ok()).map(|v| cell_text(&v)).unwrap_or_default()
}

/// Rows of a frame where the given columns have the given texts.
fn rows_where(frame: &DataFrame, filter: &[(&str, &str)]) -> Vec<usize> {
    (0..frame.height()).filter(|r| filter.iter().all(|(c, v)| text(frame, c, *r) == *v)).collect()
}

#[test]
fn the_run_ends_with_a_summary_that_fits_one_screen() {
    let out = published();
    let summary = std::fs::read_to_string(out.parent().unwrap().join("run-stdout.txt")).unwrap();
    let lines: Vec<&str> = summary.lines().collect();
    assert!(lines.len() <= 40, "{} lines: {summary}", lines.len());
    assert!(!summary.contains("TOTAL"), "the per-sheet table only with --verbose: {summary}");
    assert!(lines[0].ends_with("(SYNTHETIC embedded default dataset: not real students)"), "{summary}");
    let line = |head: &str| lines.iter().find(|l| l.starts_with(head)).copied().unwrap_or_else(|| panic!("no {head:?} line: {summary}"));
    assert_eq!(line("files "), "files     615 read, 1 refused");
    assert_eq!(line("  corrupt_file "), "  corrupt_file               1  universities/HEI004/HEI004_2024_upload_interrupted.xlsx");
    assert_eq!(line("sheets "), "sheets    1,551: 1,236 loaded, 0 refused, 315 without a table of the contract, 0 empty, 0 hidden");
    assert_eq!(line("rows "), "rows      2,578,605 read = 2,577,900 loaded + 701 skipped (blank, total and note rows) + 4 quarantined");
    assert_eq!(line("issues "), "issues    5 errors, 0 warnings, 1,315 notes");
    // The four planted errors, by university, with their rules.
    let ranked: Vec<&str> = lines.iter().skip_while(|l| !l.starts_with("quarantined rows by university")).skip(1).take(3).copied().collect();
    assert_eq!(ranked, ["  HEI002                       2  duplicate_student 2", "  HEI001                       1  out_of_range 1", "  HEI003                       1  unknown_country 1"]);
    // The figures are those of the validation report.
    let sheets = std::fs::read_to_string(out.join("validation/sheets.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(sheets.as_bytes());
    let column = reader.headers().unwrap().iter().position(|h| h == "loaded").unwrap();
    let loaded: u64 = reader.records().map(|r| r.unwrap()[column].parse::<u64>().unwrap()).sum();
    assert_eq!(loaded, 2_577_900);
    let time = line("time ");
    for stage in ["ingest ", " · transform ", " · reference check ", " · publish "] {
        assert!(time.contains(stage), "{time}");
    }
    assert!(time.contains("(hash ") && time.contains(", read ") && time.contains(", checks ") && time.contains(", write "), "{time}");
    assert_eq!(line("  validation report "), format!("  validation report     {}", Path::new("out").join("validation/issues.csv").display()));
    assert_eq!(line("  HTML report "), format!("  HTML report           {}", Path::new("out").join("report/index.html").display()));
}

#[test]
fn parquet_files_carry_the_catalogue_metadata_and_the_inputs_they_came_from() {
    let out = published();
    let path = out.join("tables/table_6_1_1.parquet");
    let kv = key_values(&path);
    let entry = catalogue().into_iter().find(|i| i.id == "table_6_1_1").unwrap();
    assert_eq!(kv["title"], entry.title.en);
    assert_eq!(kv["title_ru"], entry.title.ru);
    assert_eq!(kv["title_kk"], entry.title.kk);
    assert_eq!(kv["definition"], entry.definition);
    assert_eq!(kv["unit"], "persons");
    assert_eq!(kv["dataset"], "SYNTHETIC");
    assert_eq!(kv["hestat_version"], env!("CARGO_PKG_VERSION"));
    let disclosure: serde_json::Value = serde_json::from_str(&kv["disclosure"]).unwrap();
    assert_eq!(disclosure["treatment"], "exact", "a one-way national table stays exact");
    let footnotes: Vec<String> = serde_json::from_str(&kv["footnotes"]).unwrap();
    assert!(footnotes.iter().any(|f| f.starts_with("SYNTHETIC data")), "{footnotes:?}");
    assert!(footnotes.iter().any(|f| f.contains("Table 6.1.1")), "{footnotes:?}");
    // The sources: every mobility file of the provenance list, with its SHA-256.
    let sources: serde_json::Value = serde_json::from_str(&kv["sources"]).unwrap();
    assert_eq!(sources[0]["family"], "mobility");
    let inputs = std::fs::read_to_string(out.join("staging/_inputs.csv")).unwrap();
    let mobility_files: Vec<&str> = inputs.lines().skip(1).filter(|l| l.ends_with("mobility") || l.contains(",mobility|") || l.contains("|mobility")).collect();
    let listed = sources[0]["files"].as_array().unwrap();
    assert_eq!(listed.len(), mobility_files.len());
    assert!(listed.len() > 100, "{} mobility files", listed.len());
    let first = &listed[0];
    let bytes = std::fs::read(out.join("..").join("cache").read_dir().unwrap().filter_map(Result::ok).map(|e| e.path()).find(|p| p.join("input").is_dir()).unwrap().join("input").join(first["file"].as_str().unwrap())).unwrap();
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(first["sha256"], sha);
    // zstd, as the contract says.
    let mut reader = ParquetReader::new(std::fs::File::open(&path).unwrap());
    let metadata = reader.get_metadata().unwrap();
    assert_eq!(format!("{:?}", metadata.row_groups[0].parquet_columns()[0].compression()), "Zstd");
    // The published values of the exact table are the restricted ones: 4,416 outgoing in 2024.
    let table = parquet(&path);
    let row = rows_where(&table, &[("year", "2024"), ("direction", "outgoing")]);
    assert_eq!(text(&table, "value", row[0]), "4416");
}

#[test]
fn csv_and_the_workbook_hold_the_parquet_values() {
    let out = published();
    let mut workbook: Xlsx<_> = open_workbook(out.join("tables/report_tables.xlsx")).unwrap();
    let contents = workbook.worksheet_range("Contents").unwrap();
    let listed: Vec<String> = contents.rows().skip(4).map(|r| r[0].to_string()).collect();
    assert_eq!(listed.len(), 86, "one sheet a table");
    assert_eq!(workbook.sheet_names().len(), 87);
    for id in ["table_6_1_1", "table_6_1_14", "sen_students_by_field", "table_8_2_3", "mobility_by_field_country"] {
        let frame = parquet(&out.join(format!("tables/{id}.parquet")));
        // CSV: a BOM, then the same cells.
        let bytes = std::fs::read(out.join(format!("tables/{id}.csv"))).unwrap();
        assert!(bytes.starts_with("\u{feff}".as_bytes()), "{id}: BOM");
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_string).collect();
        assert_eq!(header, frame.get_column_names().iter().map(|c| c.to_string()).collect::<Vec<_>>(), "{id}");
        let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(records.len(), frame.height(), "{id}");
        for (r, record) in records.iter().enumerate() {
            for (c, name) in header.iter().enumerate() {
                assert_eq!(record[c], text(&frame, name, r), "{id} row {r} column {name}");
            }
        }
        // The workbook: the same header and values below the notes, numbers as numbers.
        let sheet = (0..listed.len()).map(|i| hestat_reports::workbook::sheet_name(id, i + 1)).find(|name| listed.contains(name)).unwrap();
        let range = workbook.worksheet_range(&sheet).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        assert_eq!(rows[0][0].to_string(), catalogue().into_iter().find(|i| i.id == id).unwrap().title.en, "{id}: title above the data");
        let header_row = rows.iter().position(|r| r.first().map(|c| c.to_string()) == Some(header[0].clone())).unwrap();
        let value_column = header.iter().position(|h| h == "value").unwrap();
        for r in 0..frame.height() {
            let cell = &rows[header_row + 1 + r][value_column];
            let value = frame.column("value").unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().get(r);
            match value {
                Some(v) => assert_eq!(cell, &Data::Float(v), "{id} row {r}"),
                None => assert_eq!(cell, &Data::Empty, "{id} row {r}: suppressed"),
            }
        }
    }
}

#[test]
fn no_small_count_is_published_and_none_suppressed_can_be_recovered_from_an_exact_margin() {
    let out = published();
    let mut controlled = 0;
    for indicator in catalogue() {
        let path = out.join(format!("tables/{}.parquet", indicator.id));
        let frame = parquet(&path);
        let disclosure: serde_json::Value = serde_json::from_str(&key_values(&path)["disclosure"]).unwrap();
        if disclosure["treatment"] != "controlled" {
            assert!(!frame.get_column_names().iter().any(|c| c.as_str() == "flag") || rows_where(&frame, &[("flag", "c")]).is_empty(), "{}: an exact table suppresses nothing", indicator.id);
            continue;
        }
        controlled += 1;
        let counts: Vec<usize> = (0..frame.height()).filter(|r| !frame.get_column_names().iter().any(|c| c.as_str() == "unit") || matches!(text(&frame, "unit", *r).as_str(), "persons" | "staff")).collect();
        for r in counts {
            let value = frame.column("value").unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().get(r);
            let flag = text(&frame, "flag", r);
            // A margin of a controlled table (a `Total` in a classifying dimension) may equal a
            // cell that an exact one-way table publishes, and is published as that table has it.
            let margin = indicator.dimensions.iter().any(|d| !matches!(*d, "year" | "academic_year" | "direction" | "participant" | "measure") && text(&frame, d, r) == "Total");
            match value {
                Some(v) => assert!(v == 0.0 || v >= 5.0 || margin, "{} row {r}: {v} persons published", indicator.id),
                None => assert!(flag.ends_with('c'), "{} row {r}: a suppressed cell is flagged c, not {flag:?}", indicator.id),
            }
        }
    }
    assert_eq!(controlled, 23, "the cross-classified, sensitive and by-university tables");
    // In every controlled table, no line (the cells adding up to a `Total` along one dimension)
    // hides exactly one cell: it would be its total minus the others. Lines of one part (a
    // cell equal to its total) are left out: their total is published exactly by a one-way
    // table, and the part is suppressed all the same.
    let mut lines_checked = 0;
    for indicator in catalogue() {
        let frame = parquet(&out.join(format!("tables/{}.parquet", indicator.id)));
        if !frame.get_column_names().iter().any(|c| c.as_str() == "flag") || rows_where(&frame, &[("flag", "c")]).is_empty() {
            continue;
        }
        let rows: Vec<usize> = (0..frame.height()).filter(|r| !frame.get_column_names().iter().any(|c| c.as_str() == "unit") || matches!(text(&frame, "unit", *r).as_str(), "persons" | "staff")).collect();
        let counts: Vec<Count> = rows
            .iter()
            .map(|r| Count {
                key: indicator.dimensions.iter().map(|d| (d.to_string(), match text(&frame, d, *r) { t if t.is_empty() => "Total".to_string(), t => t })).collect(),
                value: 0.0,
            })
            .collect();
        let hidden: Vec<bool> = rows.iter().map(|r| text(&frame, "flag", *r).ends_with('c')).collect();
        let margins: Vec<&str> = indicator.dimensions.iter().copied().filter(|d| *d != "measure").collect();
        for (total, parts) in lines(&counts, &margins) {
            if parts.len() < 2 {
                continue;
            }
            lines_checked += 1;
            let suppressed = parts.iter().chain(std::iter::once(&total)).filter(|c| hidden[**c]).count();
            assert_ne!(suppressed, 1, "{}: the line of {:?} hides one cell", indicator.id, counts[total].key);
        }
    }
    assert!(lines_checked > 10_000, "{lines_checked} lines");
    // The reproduction is checked on the restricted tables, which keep every cell.
    let public = parquet(&out.join("tables/enrollment_by_hei_level_funding_gender.parquet"));
    let restricted = parquet(&out.join("restricted/enrollment_by_hei_level_funding_gender.parquet"));
    assert_eq!(restricted.height(), public.height());
    assert_eq!(public.column("value").unwrap().null_count(), rows_where(&public, &[("flag", "c")]).len());
    assert!(public.column("value").unwrap().null_count() > 1000);
    assert_eq!(restricted.column("value").unwrap().null_count(), 0);
    assert!(std::fs::read_to_string(out.join("restricted/README.md")).unwrap().contains("not for publication"));
}

/// The texts of an SVG's `<text>` elements.
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|t| t.split_once('>').and_then(|(_, rest)| rest.split_once("</text>")).map(|(inner, _)| inner.trim().replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")))
        .collect()
}

#[test]
fn charts_are_drawn_in_three_languages_with_their_labels() {
    let out = published();
    for figure in hestat_reports::charts::FIGURES {
        for lang in ["en", "ru", "kk"] {
            let png = std::fs::read(out.join(format!("charts/{lang}/{}.png", figure.id))).unwrap();
            assert_eq!(&png[1..4], b"PNG");
            let (width, height) = (u32::from_be_bytes(png[16..20].try_into().unwrap()), u32::from_be_bytes(png[20..24].try_into().unwrap()));
            assert_eq!((width, height), (800, 500), "{lang}/{}", figure.id);
            let svg = std::fs::read_to_string(out.join(format!("charts/{lang}/{}.svg", figure.id))).unwrap();
            assert!(svg_texts(&svg).len() > 5, "{lang}/{}", figure.id);
        }
    }
    let texts = |lang: &str, id: &str| svg_texts(&std::fs::read_to_string(out.join(format!("charts/{lang}/{id}.svg"))).unwrap());
    let en = texts("en", "figure_6_1_1");
    for label in ["Incoming and outgoing students by year", "Incoming", "Outgoing", "2024", "4,416", "1,207"] {
        assert!(en.iter().any(|t| t == label), "{label} in {en:?}");
    }
    let kk = texts("kk", "figure_6_1_6");
    for label in ["ТМД", "Еуропа", "Оңтүстік-Шығыс Азия", "1\u{a0}207"] {
        assert!(kk.iter().any(|t| t == label), "{label} in {kk:?}");
    }
    let ru = texts("ru", "figure_3_2_3");
    assert!(ru.iter().any(|t| t == "Город Алматы"), "{ru:?}");
    let kk_sen = texts("kk", "sen_students_by_field");
    assert!(kk_sen.iter().any(|t| t.starts_with("01 Педагогикалық")), "{kk_sen:?}");
}

#[test]
fn the_catalog_lists_every_dataset_with_its_files_as_written() {
    let out = published();
    let catalog: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("catalog.json")).unwrap()).unwrap();
    let datasets = catalog["datasets"].as_array().unwrap();
    assert_eq!(datasets.len(), 86);
    assert_eq!(catalog["run"]["dataset"], "SYNTHETIC");
    assert_eq!(catalog["run"]["input_files"], 615);
    assert_eq!(catalog["run"]["input_fingerprint"].as_str().unwrap().len(), 64);
    use sha2::Digest;
    for dataset in datasets {
        let id = dataset["id"].as_str().unwrap();
        let frame = parquet(&out.join(format!("tables/{id}.parquet")));
        assert_eq!(dataset["row_count"], frame.height(), "{id}");
        for file in dataset["files"].as_array().unwrap() {
            let bytes = std::fs::read(out.join(file["path"].as_str().unwrap())).unwrap();
            assert_eq!(file["bytes"], bytes.len(), "{id}");
            let sha: String = sha2::Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(file["sha256"], sha, "{id}");
        }
    }
    let table = datasets.iter().find(|d| d["id"] == "table_6_1_6").unwrap();
    assert_eq!(table["reproduces"], "Table 6.1.6");
    let regions = table["dimensions"].as_array().unwrap().iter().find(|d| d["name"] == "world_region").unwrap();
    let cis = regions["codes"].as_array().unwrap().iter().find(|c| c["code"] == "CIS").unwrap();
    assert_eq!((cis["label_ru"].as_str(), cis["label_kk"].as_str()), (Some("СНГ"), Some("ТМД")));
    // Its files: the tables and the charts of its figure in three languages.
    assert_eq!(table["files"].as_array().unwrap().len(), 2 + 6);
}

/// Every published file (tables, charts, pages, catalog) → bytes; a killed run's temporary
/// files are not published files.
fn publication(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![out.join("tables"), out.join("charts"), out.join("report")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if !path.file_name().unwrap().to_string_lossy().starts_with(".hestat-tmp-") {
                files.insert(path.strip_prefix(out).unwrap().display().to_string(), std::fs::read(&path).unwrap());
            }
        }
    }
    files.insert("catalog.json".into(), std::fs::read(out.join("catalog.json")).unwrap());
    files
}


#[test]
fn publishing_again_writes_the_same_bytes_and_a_killed_publication_leaves_the_previous_one() {
    let out = published();
    let before = publication(out);
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("out");
    copy_tree(out, &copy);
    let again = hestat(&["publish", "--out", copy.to_str().unwrap(), "--synthetic"], tmp.path());
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    let after = publication(&copy);
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    for (path, bytes) in &before {
        assert!(after[path] == *bytes, "{path} differs between two runs on the same inputs");
    }

    // Publish with another rule and kill it as soon as it writes: every file is the previous
    // publication's (or, if it finished first, every file is the new one's).
    std::fs::write(tmp.path().join("rounding.toml"), "[disclosure]\nrule = \"rounding\"\n").unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hestat"))
        .args(["--config", "rounding.toml", "publish", "--out", copy.to_str().unwrap(), "--synthetic"])
        .current_dir(tmp.path())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let writing = |dir: &Path| std::fs::read_dir(dir).map(|d| d.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().starts_with(".hestat-tmp-"))).unwrap_or(false);
    while !writing(&copy.join("tables")) && started.elapsed().as_secs() < 60 && child.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    child.kill().ok();
    let finished = child.wait().unwrap().success();
    let now = publication(&copy);
    if finished {
        assert_ne!(now["tables/sen_students_by_field.csv"], before["tables/sen_students_by_field.csv"], "rounding changed the table");
    } else {
        assert_eq!(now.keys().collect::<Vec<_>>(), before.keys().collect::<Vec<_>>());
        for (path, bytes) in &before {
            assert!(now[path] == *bytes, "{path} was changed by a killed publication");
        }
        assert!(writing(&copy.join("tables")), "the killed run left its temporary files");
    }
    // The next publication removes what a killed one left.
    let third = hestat(&["publish", "--out", copy.to_str().unwrap(), "--synthetic"], tmp.path());
    assert!(third.status.success());
    assert!(!writing(&copy.join("tables")));
    assert_eq!(publication(&copy), before);
}

/// Every file under `dir`, with its bytes and modification time.
fn tree(dir: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    let mut files = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let time = std::fs::metadata(&path).unwrap().modified().unwrap();
                files.insert(path.strip_prefix(dir).unwrap().to_string_lossy().into_owned(), (std::fs::read(&path).unwrap(), time));
            }
        }
    }
    files
}

#[test]
fn a_second_run_on_unchanged_inputs_reuses_every_stage_and_a_new_rule_reruns_publish_alone() {
    let out = published();
    let root = out.parent().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join("out");
    copy_tree_with_times(out, &copy);
    let before = tree(&copy);
    let again = hestat(&["run", "--out", copy.to_str().unwrap()], root);
    let stderr = String::from_utf8_lossy(&again.stderr);
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert_eq!(again.status.code(), Some(1), "{stderr}");
    assert!(stdout.contains("\nfiles     615 read, 1 refused, all unchanged since the last run (nothing read again)\n"), "{stdout}");
    assert_eq!(stdout.matches(" (kept, not run again)").count(), 4, "every stage kept: {stdout}");
    for stage in ["transform", "reference check", "publish"] {
        assert!(stderr.contains(&format!("hestat: {stage}: inputs, settings and code as in the last run: its outputs are kept")), "{stage}: {stderr}");
    }
    assert!(tree(&copy) == before, "a run on unchanged inputs rewrote a file");

    // Another disclosure rule: ingestion, transform and the check are kept, publish runs.
    std::fs::write(tmp.path().join("rounding.toml"), format!("cache_dir = \"{}\"\n[disclosure]\nrule = \"rounding\"\n", root.join("cache").display())).unwrap();
    let rounded = hestat(&["--config", tmp.path().join("rounding.toml").to_str().unwrap(), "run", "--out", copy.to_str().unwrap()], root);
    let stderr = String::from_utf8_lossy(&rounded.stderr);
    assert_eq!(rounded.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("hestat: transform: inputs, settings and code as in the last run"), "{stderr}");
    assert!(stderr.contains("hestat: reference check: inputs, settings and code as in the last run"), "{stderr}");
    assert!(!stderr.contains("hestat: publish: inputs, settings and code as in the last run"), "{stderr}");
    let after = tree(&copy);
    assert!(after["restricted/sen_students_by_field.csv"] == before["restricted/sen_students_by_field.csv"]);
    assert!(after["tables/sen_students_by_field.csv"].0 != before["tables/sen_students_by_field.csv"].0, "rounding changed the public table");
}

/// A WebDriver session on Debian's Chromium, through chromedriver.
struct Browser {
    driver: std::process::Child,
    base: String,
    session: String,
}

impl Browser {
    /// `None` where Chromium or chromedriver is not installed.
    fn start() -> Option<Browser> {
        let (chromium, chromedriver) = (Path::new("/usr/bin/chromium"), Path::new("/usr/bin/chromedriver"));
        if !chromium.is_file() || !chromedriver.is_file() {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(chromedriver).arg(format!("--port={port}")).stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null()).spawn().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = std::time::Instant::now();
        while ureq::get(&format!("{base}/status")).call().is_err() {
            assert!(started.elapsed().as_secs() < 30, "chromedriver did not start");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().unwrap().keep();
        let capabilities = serde_json::json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1200,2400", format!("--user-data-dir={}", profile.display())]},
            "goog:loggingPrefs": {"browser": "ALL", "performance": "ALL"}
        }}});
        let response: serde_json::Value = ureq::post(&format!("{base}/session")).send_json(&capabilities).unwrap().body_mut().read_json().unwrap();
        let session = response["value"]["sessionId"].as_str().unwrap().to_string();
        Some(Browser { driver, base, session })
    }

    fn post(&self, path: &str, body: serde_json::Value) -> serde_json::Value {
        let response: serde_json::Value = ureq::post(&format!("{}/session/{}/{path}", self.base, self.session)).send_json(&body).unwrap().body_mut().read_json().unwrap();
        response["value"].clone()
    }

    fn get(&self, path: &str) -> serde_json::Value {
        let response: serde_json::Value = ureq::get(&format!("{}/session/{}/{path}", self.base, self.session)).call().unwrap().body_mut().read_json().unwrap();
        response["value"].clone()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.base, self.session)).call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
fn the_report_pages_load_in_chromium_with_every_image_link_and_table_row() {
    let out = published();
    let Some(browser) = Browser::start() else {
        eprintln!("SKIPPED: no Chromium here (Debian's chromium and chromium-driver, which .ci/run installs): the report pages were not opened in a browser");
        return;
    };
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&shots).unwrap();
    let report = out.join("report").canonicalize().unwrap();
    for (page, lang, banner) in [("index.html", "en", "SYNTHETIC DATA"), ("index.ru.html", "ru", "СИНТЕТИЧЕСКИЕ ДАННЫЕ"), ("index.kk.html", "kk", "СИНТЕТИКАЛЫҚ ДЕРЕКТЕР")] {
        let url = format!("file://{}", report.join(page).display());
        browser.post("url", serde_json::json!({"url": url}));
        let state = browser.post("execute/sync", serde_json::json!({"args": [], "script": r#"
            const images = [...document.images].map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0}));
            const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
            const tables = Object.fromEntries([...document.querySelectorAll('article.table')].map(a => [a.id.replace('table-', ''), a.querySelectorAll('tbody tr').length]));
            return {lang: document.documentElement.lang, banner: document.getElementById('synthetic-banner')?.textContent ?? '', images, links, tables,
                    anchors: [...document.querySelectorAll('[id]')].map(e => e.id)};
        "#}));
        assert_eq!(state["lang"], lang);
        assert!(state["banner"].as_str().unwrap().starts_with(banner), "{page}: {}", state["banner"]);
        let images = state["images"].as_array().unwrap();
        assert_eq!(images.len(), hestat_reports::charts::FIGURES.len(), "{page}: one image a figure");
        for image in images {
            assert_eq!(image["ok"], true, "{page}: {} did not load", image["src"]);
        }
        let anchors: Vec<&str> = state["anchors"].as_array().unwrap().iter().filter_map(|a| a.as_str()).collect();
        for link in state["links"].as_array().unwrap().iter().filter_map(|l| l.as_str()) {
            let (file, fragment) = link.split_once('#').unwrap_or((link, ""));
            let path = file.strip_prefix("file://").unwrap_or_else(|| panic!("{page}: a link off the file system: {link}"));
            assert!(Path::new(path).is_file(), "{page}: {link} does not resolve");
            if !fragment.is_empty() && path.ends_with(page) {
                assert!(anchors.contains(&fragment), "{page}: no #{fragment}");
            }
        }
        let tables = state["tables"].as_object().unwrap();
        assert_eq!(tables.len(), 86, "{page}");
        for (id, rows) in tables {
            let height = parquet(&out.join(format!("tables/{id}.parquet"))).height();
            assert_eq!(rows.as_u64().unwrap() as usize, height.min(hestat_reports::pages::ROWS_SHOWN), "{page}: rows of {id}");
        }
        // No console error; no request but to the file system.
        let console = browser.post("se/log", serde_json::json!({"type": "browser"}));
        let errors: Vec<&serde_json::Value> = console.as_array().unwrap().iter().filter(|e| e["level"] == "SEVERE").collect();
        assert!(errors.is_empty(), "{page}: {errors:?}");
        let performance = browser.post("se/log", serde_json::json!({"type": "performance"}));
        let mut requests = 0;
        for entry in performance.as_array().unwrap() {
            let message: serde_json::Value = serde_json::from_str(entry["message"].as_str().unwrap()).unwrap();
            // Requests made for the page (the browser's own new-tab page is not ours).
            let params = &message["message"]["params"];
            if message["message"]["method"] == "Network.requestWillBeSent" && params["documentURL"].as_str().is_some_and(|d| d.starts_with("file://")) {
                let requested = params["request"]["url"].as_str().unwrap_or("");
                assert!(requested.starts_with("file://") || requested.starts_with("data:"), "{page}: a network request to {requested}");
                requests += 1;
            }
        }
        assert!(requests > images.len(), "{page}: the page and its images were requested ({requests} requests seen)");
        use base64::Engine;
        let screenshot = base64::engine::general_purpose::STANDARD.decode(browser.get("screenshot").as_str().unwrap()).unwrap();
        assert_eq!(&screenshot[1..4], b"PNG");
        std::fs::write(shots.join(format!("{page}.png")), screenshot).unwrap();
    }
}

#[test]
fn a_report_table_shows_the_reports_full_grid_with_zero_rows() {
    let out = published();
    // Table 6.1.5 prints Austria 2022 and 2023 as "–": no student came, so the computed table
    // has no row; the published one has a row with 0.
    let public = parquet(&out.join("tables/table_6_1_5.parquet"));
    let restricted = parquet(&out.join("restricted/table_6_1_5.parquet"));
    for year in ["2022", "2023"] {
        assert!(rows_where(&restricted, &[("year", year), ("country_iso3", "AUT")]).is_empty());
        let rows = rows_where(&public, &[("year", year), ("country_iso3", "AUT")]);
        assert_eq!(rows.len(), 1, "{year}");
        assert_eq!(text(&public, "value", rows[0]), "0");
    }
    // Every cell the report prints as 0 or "–" is a row of the published table.
    let printed_zero = hestat_reference::published("table_6_1_5").iter().filter(|r| hestat_reference::field(r, "value") == "0").count();
    assert_eq!(public.height() - restricted.height(), 37);
    assert_eq!(printed_zero, 37);
}

/// `hestat query` in the publication's folder: (exit code, stdout, stderr).
fn query(args: &[&str]) -> (i32, String, String) {
    let out = published();
    let output = Command::new(env!("CARGO_BIN_EXE_hestat")).arg("query").args(args).arg("--out").arg(out).output().expect("hestat runs");
    (output.status.code().unwrap_or(-1), String::from_utf8_lossy(&output.stdout).into_owned(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
fn sql_over_the_public_tables_returns_the_published_figures() {
    let (code, stdout, stderr) = query(&["SELECT value FROM table_6_1_1 WHERE year = 2024 AND direction = 'outgoing'"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "value\n4416\n", "CSV when not on a terminal");
    // Inbound students by world region add up to the table's total (1,207 in 2024).
    let (_, regions, _) = query(&["SELECT SUM(value) AS regions FROM table_6_1_6 WHERE year = 2024 AND world_region <> 'Total'", "--format", "json"]);
    let (_, total, _) = query(&["SELECT value AS total FROM table_6_1_6 WHERE year = 2024 AND world_region = 'Total'", "--format", "json"]);
    assert_eq!((regions.trim(), total.trim()), (r#"{"regions":1207}"#, r#"{"total":1207}"#));
    // A join across tables, as a researcher would write it.
    let (code, stdout, stderr) = query(&[
        "SELECT o.year, o.value AS outgoing, i.value AS incoming FROM table_6_1_1 o JOIN table_6_1_1 i ON o.year = i.year WHERE o.direction = 'outgoing' AND i.direction = 'incoming' ORDER BY o.year",
        "--format",
        "table",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "year  outgoing  incoming");
    assert_eq!(lines[5], "2024      4416      1207");
    assert_eq!(lines[6], "(4 rows)");
}

#[test]
fn every_output_format_reads_back_and_list_shows_every_table() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("result.parquet");
    let sql = "SELECT year, direction, value FROM table_6_1_1 ORDER BY year, direction";
    let (code, _, stderr) = query(&[sql, "--format", "parquet", "--output", file.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    let frame = parquet(&file);
    assert_eq!(frame.height(), 8);
    assert_eq!(text(&frame, "value", 7), "4416");
    let (_, csv_text, _) = query(&[sql, "--format", "csv"]);
    let rows: Vec<csv::StringRecord> = csv::Reader::from_reader(csv_text.as_bytes()).records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 8);
    assert_eq!(&rows[7][2], "4416");
    let (_, json_text, _) = query(&[sql, "--format", "json"]);
    let objects: Vec<serde_json::Value> = json_text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objects.len(), 8);
    assert_eq!(objects[7], serde_json::json!({"year": 2024, "direction": "outgoing", "value": 4416}));
    let (code, _, stderr) = query(&[sql, "--format", "parquet"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--format parquet needs --output FILE"), "{stderr}");

    let (code, listing, _) = query(&["--list"]);
    assert_eq!(code, 0);
    assert_eq!(listing.lines().filter(|l| !l.starts_with(' ')).count(), 86, "every public table, no restricted one");
    assert!(listing.contains("table_6_1_1  Students in incoming and outgoing academic mobility"), "{}", &listing[..listing.len().min(2000)]);
    assert!(listing.contains("year i32, direction str, value"), "{}", &listing[..listing.len().min(2000)]);
    assert!(!listing.contains("restricted_") && !listing.contains("staging_"));
}

#[test]
fn wrong_sql_unknown_and_restricted_tables_get_clear_messages() {
    let (code, _, stderr) = query(&["SELEC value FROM table_6_1_1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("the SQL statement is not valid") && stderr.contains("SELEC") && stderr.contains("Line: 1, Column: 1"), "{stderr}");
    let (code, _, stderr) = query(&["SELECT * FROM table_9_9_9"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("there is no table `table_9_9_9`") && stderr.contains("table_6_1_1, ") && stderr.contains("table_8_2_3"), "{stderr}");
    // A public query never reads restricted data.
    let (code, _, stderr) = query(&["SELECT * FROM restricted_table_6_1_1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("there is no table `restricted_table_6_1_1` (restricted tables and staging need --restricted)"), "{stderr}");
    let (code, _, stderr) = query(&["SELECT level, SUM(value) FROM enrollment_by_level_field GROUP BY ROLLUP(level)"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("polars SQL cannot run GROUP BY ROLLUP") && stderr.contains("`Total` rows"), "{stderr}");

    // With --restricted: the unrounded tables and staging, said on stderr.
    let (code, stdout, stderr) = query(&["SELECT COUNT(*) AS students FROM staging_students WHERE academic_year = 2024", "--restricted"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("not for publication"), "{stderr}");
    let (_, restricted_total, _) = query(&["SELECT value FROM restricted_enrollment_by_region WHERE academic_year = 2024 AND region_code = 'Total'", "--restricted"]);
    assert_eq!(stdout.lines().nth(1), restricted_total.lines().nth(1), "staged records add up to the restricted table");
    assert_eq!(restricted_total, "value\n625990\n");
}

/// The Python that executes the notebooks: `HESTAT_NOTEBOOK_PYTHON` (set by `.ci/run`), or the
/// virtual environment `.ci/run` makes under `target/notebooks-venv/`.
fn notebook_python() -> Option<PathBuf> {
    if let Ok(python) = std::env::var("HESTAT_NOTEBOOK_PYTHON") {
        return Some(PathBuf::from(python));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/notebooks-venv/bin/python");
    venv.is_file().then_some(venv)
}

#[test]
fn notebooks_are_valid_and_run_headless_giving_the_parquet_values() {
    let out = published();
    let dir = out.parent().unwrap().join("notebooks");
    let _ = std::fs::remove_dir_all(&dir);
    let made = hestat(&["notebooks", "--out", dir.to_str().unwrap(), "--publication", out.to_str().unwrap()], out.parent().unwrap());
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let mut names: Vec<String> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["base_tables.ipynb", "chapter_2_2.ipynb", "chapter_3_1.ipynb", "chapter_3_2.ipynb", "chapter_3_3.ipynb", "chapter_3_4.ipynb", "chapter_6_1.ipynb", "chapter_8_2.ipynb", "index.ipynb"]);
    let mut tables_shown = 0;
    for name in &names {
        let notebook: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap();
        assert_eq!((notebook["nbformat"].as_u64(), notebook["nbformat_minor"].as_u64()), (Some(4), Some(5)), "{name}");
        let cells = notebook["cells"].as_array().unwrap();
        let ids: std::collections::BTreeSet<&str> = cells.iter().map(|c| c["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), cells.len(), "{name}: every cell has its own id");
        for cell in cells.iter().filter(|c| c["cell_type"] == "code") {
            assert_eq!(cell["outputs"], serde_json::json!([]), "{name}: no stored outputs");
            assert!(cell["execution_count"].is_null());
        }
        let source: String = cells.iter().flat_map(|c| c["source"].as_array().unwrap().iter().map(|l| l.as_str().unwrap().to_string())).collect();
        assert!(source.contains(&format!("OUT = Path(\"../{}\")", out.file_name().unwrap().to_string_lossy())), "{name}: the tables by a relative path");
        tables_shown += source.matches("t = table(\"").count();
    }
    assert_eq!(tables_shown, 86 + 1, "each table once in its chapter, and Table 6.1.1 looked up in the index");

    let Some(python) = notebook_python() else {
        eprintln!("SKIPPED: no Python with nbclient here (.ci/run makes target/notebooks-venv): the notebooks were not executed");
        return;
    };
    let run = Command::new(&python).arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/notebooks/execute.py")).arg(&dir).output().expect("python runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let results: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let mut checked = 0;
    for name in &names {
        let result = &results[name.as_str()];
        assert_eq!(result["valid"], true, "{name}: {}", result["validation_error"]);
        assert_eq!(result["errors"], serde_json::json!([]), "{name}: a cell raised");
        // Each table's cell prints its rows and value total: equal to the Parquet file's.
        for line in result["stdout"].as_str().unwrap().lines() {
            let Some((id, rest)) = line.split_once(": ") else { continue };
            let Some((rows, total)) = rest.split_once(" rows; value total ") else { continue };
            let frame = parquet(&out.join(format!("tables/{id}.parquet")));
            assert_eq!(rows.parse::<usize>().unwrap(), frame.height(), "{id}");
            let expected: f64 = frame.column("value").unwrap().cast(&DataType::Float64).unwrap().f64().unwrap().iter().flatten().sum();
            let printed: f64 = total.parse().unwrap();
            assert!((printed - expected).abs() <= 1e-6 * expected.abs().max(1.0), "{id}: the notebook computed {printed}, the file holds {expected}");
            checked += 1;
        }
    }
    assert_eq!(checked, 86);
    assert!(results["index.ipynb"]["stdout"].as_str().unwrap().contains("outgoing students, 2024: 4416"));
}

#[test]
fn pyarrow_reads_the_staging_dataset_unchanged_with_its_hive_partitions() {
    let out = published();
    let Some(python) = notebook_python() else {
        eprintln!("SKIPPED: no Python with pyarrow here (.ci/run makes target/notebooks-venv): staging was not read by another engine");
        return;
    };
    // The whole staging folder as one Hive-partitioned dataset per family, as pyarrow (and
    // DuckDB, Spark, Trino) read it; `_inputs.csv` is skipped by the `_` prefix.
    let script = r#"
import json, sys
import pyarrow.dataset as ds
staging = sys.argv[1]
students = ds.dataset(staging + "/students", format="parquet", partitioning="hive")
years = students.to_table(columns=["academic_year"]).group_by("academic_year").aggregate([("academic_year", "count")])
counts = {str(y): c for y, c in zip(years["academic_year"].to_pylist(), years["academic_year_count"].to_pylist())}
mobility = ds.dataset(staging + "/mobility", format="parquet", partitioning="hive")
print(json.dumps({"students": counts, "student_columns": students.schema.names, "mobility_years": sorted(set(mobility.to_table(columns=["year"])["year"].to_pylist()))}))
"#;
    let run = Command::new(&python).arg("-c").arg(script).arg(out.join("staging")).output().expect("python runs");
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let read: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(read["students"], serde_json::json!({"2021": 581_470, "2022": 590_215, "2023": 607_384, "2024": 625_990}));
    let columns: Vec<&str> = read["student_columns"].as_array().unwrap().iter().filter_map(|c| c.as_str()).collect();
    assert!(columns.contains(&"hei_code") && columns.contains(&"source_row") && columns.last() == Some(&"academic_year"), "{columns:?}");
    assert_eq!(read["mobility_years"], serde_json::json!([2021, 2022, 2023, 2024]));
}
