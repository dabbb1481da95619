//! Benchmark: staging a national student roster split into 122 university workbooks.
//!
//! ```text
//! cargo bench --bench ingest_roster                 # 626,000 rows (the national roster)
//! cargo bench --bench ingest_roster -- --rows 100000
//! ```
//!
//! It generates its own input (cached under `target/bench-data/<rows>/`): one roster of
//! `--rows` students × 18 columns as a single xlsx, and the same rows split into 122
//! workbooks as universities submit them. It then prints:
//! - calamine's bare streaming reader over the single roster on one core (the floor);
//! - calamine's bare streaming reader over the 122 workbooks on all cores (rayon);
//! - `hestat ingest` over the 122 workbooks (wall time and peak memory, in a child process
//!   so the generator's memory does not count), and its ratio to the bare parallel read.
//! Results are recorded in `BENCHMARKS.md`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use calamine::{Reader, Xlsx};
use rayon::prelude::*;

const UNIVERSITIES: usize = 122;

const HEADER: [&str; 18] = [
    "Учебный год", "Код вуза", "ID обучающегося", "Пол", "Год рождения", "Гражданство", "Уровень образования",
    "Код образовательной программы", "Курс", "Источник финансирования", "Квота гранта", "Принят в текущем году",
    "Особые образовательные потребности", "Группа инвалидности", "Из малообеспеченной семьи", "Из многодетной семьи",
    "Сирота", "Проживает в общежитии",
];

fn hei_code(u: usize) -> String {
    format!("HEI{:03}", u + 1)
}

/// Writes rows `range` of a synthetic roster of `total` rows into one workbook.
fn write_roster(path: &Path, range: std::ops::Range<usize>, total: usize) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory().expect("worksheet");
    ws.write_string(0, 0, "SYNTHETIC benchmark roster (not real students)").expect("title");
    for (c, h) in HEADER.iter().enumerate() {
        ws.write_string(2, c as u16, *h).expect("header");
    }
    let levels = [("бакалавриат", "6B"), ("магистратура", "7M"), ("докторантура", "8D")];
    let countries = ["Казахстан", "KAZ", "Кыргызстан", "Uzbekistan", "India"];
    let start = range.start;
    for n in range {
        let r = (n - start + 3) as u32;
        let u = n * UNIVERSITIES / total.max(1);
        let (level, prefix) = levels[n % 3];
        let field = 1 + n % 12;
        let w = |c: u16, s: &str| ws_write(ws, r, c, s);
        w(0, "2024-2025");
        w(1, &hei_code(u));
        w(2, &format!("S{n:07}"));
        w(3, if n % 2 == 0 { "ж" } else { "м" });
        ws.write_number(r, 4, (1995 + n % 12) as f64).expect("cell");
        w(5, countries[n % countries.len()]);
        w(6, level);
        w(7, &format!("{prefix}{field:02}{:03}", 101 + n % 9));
        ws.write_number(r, 8, (1 + n % 4) as f64).expect("cell");
        w(9, if n % 3 == 0 { "госзаказ" } else { "платное" });
        w(10, if n % 7 == 0 { "rural" } else { "none" });
        w(11, if n % 4 == 0 { "да" } else { "нет" });
        w(12, if n % 50 == 0 { "да" } else { "нет" });
        w(13, if n % 100 == 0 { "II" } else { "" });
        for c in 14..18 {
            w(c, if (n + c as usize) % 9 == 0 { "да" } else { "нет" });
        }
    }
    wb.save(path).expect("save workbook");
}

fn ws_write(ws: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, s: &str) {
    if !s.is_empty() {
        ws.write_string(r, c, s).expect("cell");
    }
}

fn generate(dir: &Path, rows: usize) -> (PathBuf, PathBuf) {
    let single = dir.join("roster.xlsx");
    let split = dir.join("universities");
    let done = dir.join(".complete");
    if done.exists() {
        return (single, split);
    }
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(split.join("ministry")).expect("bench dir");
    let t = Instant::now();
    let mut registry = String::from("hei_code,name_en,region,legal_form\n");
    for u in 0..UNIVERSITIES {
        registry.push_str(&format!("{},University {},Almaty city,state\n", hei_code(u), u + 1));
    }
    std::fs::write(split.join("ministry/hei.csv"), registry).expect("registry");
    let bounds: Vec<(usize, usize)> =
        (0..UNIVERSITIES).map(|u| (u * rows / UNIVERSITIES, (u + 1) * rows / UNIVERSITIES)).collect();
    rayon::join(
        || write_roster(&single, 0..rows, rows),
        || {
            bounds.par_iter().enumerate().for_each(|(u, (a, b))| {
                write_roster(&split.join(format!("{}.xlsx", hei_code(u))), *a..*b, rows)
            })
        },
    );
    std::fs::write(&done, "").expect("marker");
    eprintln!("generated {rows} rows in {:.1} s", t.elapsed().as_secs_f64());
    (single, split)
}

/// calamine's bare streaming reader: counts non-empty cells.
fn bare_stream(path: &Path) -> u64 {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).expect("open");
    let names = wb.sheet_names();
    let mut cells = 0;
    for name in names {
        let mut reader = wb.worksheet_cells_reader(&name).expect("sheet");
        while let Some(cell) = reader.next_cell().expect("cell") {
            if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                cells += 1;
            }
        }
    }
    cells
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child-ingest") {
        // Child process: time `hestat ingest` alone and report its peak memory.
        let (input, out) = (PathBuf::from(&args[i + 1]), PathBuf::from(&args[i + 2]));
        let config = hestat_ingest::IngestConfig {
            input,
            out,
            limits: hestat_ingest::Limits::default(),
            hasher: hestat_ingest::PersonIdHasher::new(b"benchmark-key-0123456789"),
        };
        let t = Instant::now();
        let summary = hestat_ingest::ingest(&config, &()).expect("ingest");
        let secs = t.elapsed().as_secs_f64();
        let loaded: u64 = summary.accounts.iter().map(|a| a.loaded).sum();
        println!("{secs} {} {loaded}", peak_rss_mib());
        return;
    }
    let rows = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(626_000usize);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data").join(rows.to_string());
    let (single, split) = generate(&dir, rows);
    let threads = rayon::current_num_threads();

    let t = Instant::now();
    let cells = bare_stream(&single);
    let bare_one = t.elapsed().as_secs_f64();

    let mut files: Vec<PathBuf> = std::fs::read_dir(&split)
        .expect("split dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    let t = Instant::now();
    let split_cells: u64 = files.par_iter().map(|f| bare_stream(f)).sum();
    let bare_parallel = t.elapsed().as_secs_f64();

    let out = dir.join("out");
    let child = std::process::Command::new(&args[0])
        .args(["--child-ingest", &split.to_string_lossy(), &out.to_string_lossy()])
        .output()
        .expect("child ingest");
    let report = String::from_utf8_lossy(&child.stdout);
    let fields: Vec<f64> = report.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    let (ingest_wall, peak, loaded) = (fields[0], fields[1], fields[2]);

    println!("rows: {rows} ({} workbooks + registry), cells: {cells} in the roster, {split_cells} in the split files", files.len());
    println!("threads: {threads}");
    println!("calamine bare streaming, single roster, 1 core:      {bare_one:.2} s");
    println!("calamine bare streaming, {} workbooks, {threads} cores:    {bare_parallel:.2} s", files.len());
    println!("hestat ingest, {} workbooks, {threads} cores:              {ingest_wall:.2} s wall, peak {peak:.0} MiB, {loaded} rows loaded", files.len());
    println!("hestat ingest / bare parallel streaming:              {:.2}x", ingest_wall / bare_parallel);
    println!("hestat ingest core-seconds / bare single-core:        {:.2}x", ingest_wall * threads as f64 / bare_one);
}
