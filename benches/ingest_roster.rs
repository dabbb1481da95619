//! Benchmark: staging a national student roster split into 122 university workbooks.
//!
//! ```text
//! cargo bench --bench ingest_roster                 # 626,000 rows (the national roster)
//! cargo bench --bench ingest_roster -- --rows 100000
//! ```
//!
//! It generates its own input (cached under `target/bench-data/<rows>/`, with shared strings as
//! Excel writes them): one roster of
//! `--rows` students × 18 columns as a single xlsx, and the same rows split into 122
//! workbooks as universities submit them. It then prints:
//! - calamine's bare streaming reader over the single roster on one core (the floor);
//! - calamine's bare streaming reader over the 122 workbooks on all cores (rayon);
//! - `hestat ingest` over the 122 workbooks (wall time and peak memory, in a child process
//!   so the generator's memory does not count), and its ratio to the bare parallel read.
//!
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

/// How the workbooks store text: a shared-string table (as Excel writes) or inline strings
/// (as streaming writers such as xlsxwriter's constant-memory mode write); or as a script
/// with xlsxwriter writes a report: shared strings, a cell format (borders, font) on every
/// cell, and the numbers written as text.
#[derive(Clone, Copy, PartialEq)]
enum Layout {
    SharedStrings,
    InlineStrings,
    StyledText,
}

impl Layout {
    fn name(self) -> &'static str {
        match self {
            Layout::SharedStrings => "shared-strings",
            Layout::InlineStrings => "inline-strings",
            Layout::StyledText => "styled-text",
        }
    }
}

/// Writes rows `range` of a synthetic roster of `total` rows into one workbook.
fn write_roster(path: &Path, range: std::ops::Range<usize>, total: usize, layout: Layout) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    use rust_xlsxwriter::{Format, FormatBorder};
    let ws = match layout {
        Layout::SharedStrings => wb.add_worksheet_with_low_memory().expect("worksheet"),
        Layout::InlineStrings => wb.add_worksheet_with_constant_memory().expect("worksheet"),
        Layout::StyledText => wb.add_worksheet(),
    };
    let styled = layout == Layout::StyledText;
    let cell_format = Format::new().set_border(FormatBorder::Thin).set_font_name("Arial").set_font_size(10);
    let header_format = Format::new().set_bold().set_border(FormatBorder::Thin).set_background_color("#DDEBF7").set_text_wrap();
    ws.write_string(0, 0, "SYNTHETIC benchmark roster (not real students)").expect("title");
    for (c, h) in HEADER.iter().enumerate() {
        if styled {
            ws.write_string_with_format(2, c as u16, *h, &header_format).expect("header");
        } else {
            ws.write_string(2, c as u16, *h).expect("header");
        }
    }
    let levels = [("бакалавриат", "6B"), ("магистратура", "7M"), ("докторантура", "8D")];
    let countries = ["Казахстан", "KAZ", "Кыргызстан", "Uzbekistan", "India"];
    let start = range.start;
    for n in range {
        let r = (n - start + 3) as u32;
        let u = n * UNIVERSITIES / total.max(1);
        let (level, prefix) = levels[n % 3];
        let field = 1 + n % 12;
        let yes_no = |yes: bool| if yes { "да" } else { "нет" };
        let text: [(u16, String); 16] = [
            (0, "2024-2025".into()),
            (1, hei_code(u)),
            (2, format!("S{n:07}")),
            (3, if n % 2 == 0 { "ж" } else { "м" }.into()),
            (5, countries[n % countries.len()].into()),
            (6, level.into()),
            (7, format!("{prefix}{field:02}{:03}", 101 + n % 9)),
            (9, if n % 3 == 0 { "госзаказ" } else { "платное" }.into()),
            (10, if n % 7 == 0 { "rural" } else { "none" }.into()),
            (11, yes_no(n % 4 == 0).into()),
            (12, yes_no(n % 50 == 0).into()),
            (13, if n % 100 == 0 { "II" } else { "" }.into()),
            (14, yes_no(n % 9 == 0).into()),
            (15, yes_no(n % 11 == 0).into()),
            (16, yes_no(n % 13 == 0).into()),
            (17, yes_no(n % 5 == 0).into()),
        ];
        for (c, value) in &text {
            if styled {
                // A formatted sheet has a format on empty cells too (blank cells with a style).
                ws.write_string_with_format(r, *c, value, &cell_format).expect("cell");
            } else if !value.is_empty() {
                ws.write_string(r, *c, value).expect("cell");
            }
        }
        if styled {
            ws.write_string_with_format(r, 4, (1995 + n % 12).to_string(), &cell_format).expect("cell");
            ws.write_string_with_format(r, 8, (1 + n % 4).to_string(), &cell_format).expect("cell");
        } else {
            ws.write_number(r, 4, (1995 + n % 12) as f64).expect("cell");
            ws.write_number(r, 8, (1 + n % 4) as f64).expect("cell");
        }
    }
    wb.save(path).expect("save workbook");
}

fn generate(dir: &Path, rows: usize, layout: Layout) -> (PathBuf, PathBuf) {
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
        || write_roster(&single, 0..rows, rows, layout),
        || {
            bounds.par_iter().enumerate().for_each(|(u, (a, b))| {
                write_roster(&split.join(format!("{}.xlsx", hei_code(u))), *a..*b, rows, layout)
            })
        },
    );
    std::fs::write(&done, "").expect("marker");
    eprintln!("generated {rows} rows in {:.1} s", t.elapsed().as_secs_f64());
    (single, split)
}

/// calamine's bare streaming reader: counts non-empty cells (of the files and sheets it can
/// open: a folder of submissions holds broken files on purpose).
fn bare_stream(path: &Path) -> u64 {
    let Ok(mut wb) = calamine::open_workbook::<Xlsx<_>, _>(path) else { return 0 };
    let names = wb.sheet_names();
    let mut cells = 0;
    for name in names {
        let Ok(mut reader) = wb.worksheet_cells_reader(&name) else { continue };
        while let Ok(Some(cell)) = reader.next_cell() {
            if !matches!(cell.get_value(), calamine::DataRef::Empty) {
                cells += 1;
            }
        }
    }
    cells
}

/// The same streaming with hestat's own xlsx reader (`xlsx_cells`), sheets named as calamine
/// names them: how the reader alone compares with calamine's.
fn hestat_reader_stream(path: &Path) -> u64 {
    let Ok(wb) = calamine::open_workbook::<Xlsx<_>, _>(path) else { return 0 };
    let Some(mut reader) = hestat_ingest::xlsx_cells::Workbook::open(path, false) else { return 0 };
    let mut cells = 0;
    for name in wb.sheet_names() {
        let Some(Ok(mut sheet)) = reader.cells(&name) else { continue };
        while let Ok(Some(cell)) = sheet.next_cell() {
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
            reuse: None,
        };
        let t = Instant::now();
        let summary = hestat_ingest::ingest(&config, &()).expect("ingest");
        let secs = t.elapsed().as_secs_f64();
        let loaded: u64 = summary.accounts.iter().map(|a| a.loaded).sum();
        let phases: Vec<String> = summary.timings.iter().map(|(name, d)| format!("{name}={:.2}", d.as_secs_f64())).collect();
        println!("{secs} {} {loaded} {}", peak_rss_mib(), phases.join(" "));
        return;
    }
    if let Some(file) = args.iter().position(|a| a == "--reader-only").and_then(|i| args.get(i + 1)) {
        // hestat's xlsx reader alone over one workbook, one core (to profile it).
        let t = Instant::now();
        let cells = hestat_reader_stream(Path::new(file));
        println!("{cells} cells in {:.2} s", t.elapsed().as_secs_f64());
        return;
    }
    if let Some(dir) = args.iter().position(|a| a == "--dir").and_then(|i| args.get(i + 1)) {
        measure_folder(&args[0], Path::new(dir));
        return;
    }
    let rows = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(626_000usize);
    let layouts = match args.iter().position(|a| a == "--layout").and_then(|i| args.get(i + 1)).map(String::as_str) {
        Some("inline-strings") => vec![Layout::InlineStrings],
        Some("shared-strings") => vec![Layout::SharedStrings],
        Some("styled-text") => vec![Layout::StyledText],
        _ => vec![Layout::SharedStrings, Layout::InlineStrings, Layout::StyledText],
    };
    for layout in layouts {
        measure(&args[0], rows, layout);
    }
}

fn measure(program: &str, rows: usize, layout: Layout) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("{rows}-{}", layout.name()));
    let (single, split) = generate(&dir, rows, layout);
    let threads = rayon::current_num_threads();

    // Each figure is the best of three runs (the machine is shared; the minimum is the
    // least disturbed).
    let best = |f: &mut dyn FnMut() -> f64| (0..3).map(|_| f()).fold(f64::INFINITY, f64::min);
    let mut cells = 0;
    let bare_one = best(&mut || {
        let t = Instant::now();
        cells = bare_stream(&single);
        t.elapsed().as_secs_f64()
    });

    let mut reader_cells = 0;
    let reader_one = best(&mut || {
        let t = Instant::now();
        reader_cells = hestat_reader_stream(&single);
        t.elapsed().as_secs_f64()
    });
    assert_eq!(reader_cells, cells, "hestat's xlsx reader and calamine count other cells in the roster");

    let mut files: Vec<PathBuf> = std::fs::read_dir(&split)
        .expect("split dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    let mut split_cells = 0;
    let bare_parallel = best(&mut || {
        let t = Instant::now();
        split_cells = files.par_iter().map(|f| bare_stream(f)).sum();
        t.elapsed().as_secs_f64()
    });

    let out = dir.join("out");
    let ingest_best = |input: &Path| {
        let ingest_once = || {
            let child = std::process::Command::new(program)
                .args(["--child-ingest", &input.to_string_lossy(), &out.to_string_lossy()])
                .output()
                .expect("child ingest");
            String::from_utf8_lossy(&child.stdout).into_owned()
        };
        (0..3)
            .map(|_| ingest_once())
            .min_by(|a, b| {
                let wall = |r: &str| r.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::INFINITY);
                wall(a).total_cmp(&wall(b))
            })
            .unwrap_or_default()
    };
    let report = ingest_best(&split);
    // The single national export: the roster alone, with the registry.
    let single_input = dir.join("single");
    if !single_input.join("roster.xlsx").exists() {
        std::fs::create_dir_all(single_input.join("ministry")).expect("single input");
        std::fs::hard_link(&single, single_input.join("roster.xlsx")).expect("link to the roster");
        std::fs::copy(split.join("ministry/hei.csv"), single_input.join("ministry/hei.csv")).expect("registry");
    }
    let single_report = ingest_best(&single_input);
    let single_wall = single_report.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let words: Vec<&str> = report.split_whitespace().collect();
    let number = |i: usize| words.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    let (ingest_wall, peak, loaded) = (number(0), number(1), number(2));
    let phases = words.get(3..).map(|p| p.join(" ")).unwrap_or_default();
    let read = words.iter().find_map(|p| p.strip_prefix("read=")).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);

    let size = std::fs::metadata(&single).map(|m| m.len() as f64 / 1e6).unwrap_or(f64::NAN);
    println!("\n== {} ==", layout.name());
    println!("rows: {rows} ({} workbooks + registry), cells: {cells} in the roster ({size:.1} MB), {split_cells} in the split files", files.len());
    println!("threads: {threads}");
    println!("calamine bare streaming, single roster, 1 core:      {bare_one:.2} s");
    println!("hestat xlsx reader bare, single roster, 1 core:    {reader_one:.2} s ({:.2}x calamine's)", reader_one / bare_one);
    println!("calamine bare streaming, {} workbooks, {threads} cores:    {bare_parallel:.2} s", files.len());
    println!("hestat ingest, {} workbooks, {threads} cores:              {ingest_wall:.2} s wall, peak {peak:.0} MiB, {loaded} rows loaded", files.len());
    println!("hestat ingest phases (s):                            {phases}");
    println!("hestat read phase / bare parallel streaming:          {:.2}x", read / bare_parallel);
    println!("hestat ingest / bare parallel streaming:              {:.2}x", ingest_wall / bare_parallel);
    println!("hestat ingest core-seconds / bare single-core:        {:.2}x", ingest_wall * threads as f64 / bare_one);
    println!("hestat ingest, single roster, {threads} cores:              {single_wall:.2} s wall ({})", single_report.split_whitespace().skip(3).collect::<Vec<_>>().join(" "));
    println!("hestat ingest single roster / bare single-core:       {:.2}x", single_wall / bare_one);
}

/// Every xlsx file under `dir`.
fn xlsx_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "xlsx") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// `--dir PATH`: calamine's bare parallel streaming of every xlsx under PATH against `hestat
/// ingest` of PATH (all its files), e.g. the embedded national dataset.
fn measure_folder(program: &str, dir: &Path) {
    let files = xlsx_under(dir);
    let best = |f: &mut dyn FnMut() -> f64| (0..3).map(|_| f()).fold(f64::INFINITY, f64::min);
    let mut cells = 0;
    let bare_parallel = best(&mut || {
        let t = Instant::now();
        cells = files.par_iter().map(|f| bare_stream(f)).sum();
        t.elapsed().as_secs_f64()
    });
    let out = std::env::temp_dir().join(format!("hestat-bench-folder-{}", std::process::id()));
    let report = (0..3)
        .map(|_| {
            let child = std::process::Command::new(program).args(["--child-ingest", &dir.to_string_lossy(), &out.to_string_lossy()]).output().expect("child ingest");
            String::from_utf8_lossy(&child.stdout).into_owned()
        })
        .min_by(|a, b| {
            let wall = |r: &str| r.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::INFINITY);
            wall(a).total_cmp(&wall(b))
        })
        .unwrap_or_default();
    let _ = std::fs::remove_dir_all(&out);
    let words: Vec<&str> = report.split_whitespace().collect();
    let number = |i: usize| words.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(f64::NAN);
    println!("{}: {} xlsx files, {cells} non-empty cells", dir.display(), files.len());
    println!("calamine bare streaming of the xlsx files, {} cores:  {bare_parallel:.2} s", rayon::current_num_threads());
    println!("hestat ingest of the folder (every file):          {:.2} s wall, peak {:.0} MiB, {} rows loaded; {}", number(0), number(1), number(2), words.get(3..).map(|p| p.join(" ")).unwrap_or_default());
}
