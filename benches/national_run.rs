//! Benchmark: `hestat run` end to end on the embedded national dataset (issue #13): cold (no
//! earlier outputs), again with nothing changed, with one university workbook changed, and
//! with that workbook restored; each in a child process under `/usr/bin/time` (wall time,
//! peak memory), with the stage times `hestat` prints.
//!
//! ```text
//! cargo bench --bench national_run                      # scale 1, best of 3 cold runs
//! cargo bench --bench national_run -- --scale 10 --runs 1
//! ```
//!
//! The runs use their own configuration (`target/tmp/bench-run-<scale>/hestat.toml`: the
//! dataset cache there, a configured identifier key), so the project's own `.hestat-cache`
//! is left alone. It checks that the run with nothing changed leaves every output byte as
//! the cold run wrote it, and that the restored workbook gives the cold run's outputs again.
//! The changed workbook is a copy of one university's student roster with its last student
//! row removed (rewritten with rust_xlsxwriter from calamine's reading of it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

struct Measured {
    seconds: f64,
    peak_mib: f64,
    stages: String,
    reused: String,
}

fn run(root: &Path, scale: &str, out: &Path) -> Measured {
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%M"])
        .arg(env!("CARGO_BIN_EXE_hestat"))
        .args(["--config", "hestat.toml", "run", "--scale", scale, "--out"])
        .arg(out)
        .current_dir(root)
        .env("HESTAT_ID_KEY", "benchmark-key-0123456789")
        .output()
        .expect("hestat run starts");
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    let stdout = String::from_utf8_lossy(&output.stdout).to_string();
    assert!(output.status.code().is_some_and(|c| c <= 1), "hestat run: {stderr}");
    let peak_mib = stderr.lines().last().and_then(|l| l.trim().parse::<f64>().ok()).map_or(f64::NAN, |kib| kib / 1024.0);
    // The run's summary: its `time` line, and what its `files` line says was reused.
    let stages = stdout.lines().find_map(|l| l.strip_prefix("time      ")).unwrap_or("").to_string();
    let reused = stdout
        .lines()
        .find_map(|l| l.strip_prefix("files     "))
        .and_then(|l| l.split_once(" refused, ").map(|(_, r)| r.to_string()))
        .unwrap_or_else(|| "nothing reused".to_string());
    Measured { seconds, peak_mib, stages, reused }
}

/// Every output file's bytes (the cache excluded).
fn outputs(out: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("output folder").flatten() {
            let path = entry.path();
            let rel = path.strip_prefix(out).unwrap().to_string_lossy().to_string();
            if rel == "cache" {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(rel, std::fs::read(&path).expect("output file"));
            }
        }
    }
    files
}

fn same(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Result<(), String> {
    if a.keys().ne(b.keys()) {
        return Err("the runs wrote different files".into());
    }
    match a.iter().find(|(k, v)| b[*k] != **v) {
        Some((k, _)) => Err(format!("{k} differs")),
        None => Ok(()),
    }
}

/// Rewrites a university's roster without its last data row.
fn remove_last_row(path: &Path) {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut workbook = open_workbook_auto(path).expect("the roster opens");
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).expect("a sheet");
        let sheet = out.add_worksheet();
        sheet.set_name(&name).expect("sheet name");
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        let rows: Vec<_> = range.rows().collect();
        for (r, row) in rows.iter().enumerate().take(rows.len().saturating_sub(1)) {
            for (c, cell) in row.iter().enumerate() {
                let (row, col) = (start_row + r as u32, (start_col + c as u32) as u16);
                let written = match cell {
                    Data::Empty => continue,
                    Data::String(s) => sheet.write_string(row, col, s).map(|_| ()),
                    Data::Float(f) => sheet.write_number(row, col, *f).map(|_| ()),
                    Data::Int(i) => sheet.write_number(row, col, *i as f64).map(|_| ()),
                    Data::Bool(b) => sheet.write_boolean(row, col, *b).map(|_| ()),
                    other => sheet.write_string(row, col, other.to_string()).map(|_| ()),
                };
                written.expect("cell written");
            }
        }
    }
    out.save(path).expect("the roster is written");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str, default: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned().unwrap_or(default.to_string());
    let scale = value("--scale", "1");
    let runs: usize = value("--runs", "3").parse().expect("--runs N");
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-run-{scale}"));
    std::fs::create_dir_all(&root).expect("bench folder");
    std::fs::write(root.join("hestat.toml"), "cache_dir = \"dataset\"\n").expect("configuration");
    let out = root.join("out");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("hestat run, scale {scale}, {cores} cores");
    if !root.join("dataset").is_dir() {
        println!("generating the dataset (a first run, not measured)…");
        run(&root, &scale, &root.join("first"));
        let _ = std::fs::remove_dir_all(root.join("first"));
    }

    let mut cold: Option<Measured> = None;
    for i in 0..runs {
        let _ = std::fs::remove_dir_all(&out);
        let m = run(&root, &scale, &out);
        println!("cold run {}: {:.2} s wall, peak {:.0} MiB; {}", i + 1, m.seconds, m.peak_mib, m.stages);
        if cold.as_ref().is_none_or(|c| m.seconds < c.seconds) {
            cold = Some(m);
        }
    }
    let cold = cold.expect("at least one run");
    let first = outputs(&out);

    let again = run(&root, &scale, &out);
    let identical = same(&first, &outputs(&out));
    println!("nothing changed: {:.2} s wall, peak {:.0} MiB; {}; {}; outputs {}", again.seconds, again.peak_mib, again.stages, again.reused,
        identical.as_ref().map_or_else(|e| format!("NOT identical: {e}"), |()| "byte-identical".into()));

    // One university's roster: the largest student file of the last year.
    let input = std::fs::read_dir(root.join("dataset")).expect("dataset cache").flatten().map(|e| e.path().join("input")).find(|p| p.is_dir()).expect("the dataset");
    let roster = std::fs::read_dir(input.join("universities"))
        .expect("universities")
        .flatten()
        .flat_map(|e| std::fs::read_dir(e.path()).into_iter().flatten().flatten().map(|f| f.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xlsx") && p.to_string_lossy().contains("2024"))
        .max_by_key(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .expect("a 2024 university workbook");
    let kept = root.join("original.xlsx");
    std::fs::copy(&roster, &kept).expect("the roster is kept");
    let time = std::fs::metadata(&roster).and_then(|m| m.modified()).expect("the roster's time");
    std::fs::File::options().write(true).open(&kept).and_then(|f| f.set_modified(time)).expect("the time is kept");
    remove_last_row(&roster);
    let changed = run(&root, &scale, &out);
    println!("one workbook changed ({}): {:.2} s wall, peak {:.0} MiB; {}; {}", roster.file_name().unwrap().to_string_lossy(), changed.seconds, changed.peak_mib, changed.stages, changed.reused);

    std::fs::copy(&kept, &roster).expect("the roster is restored");
    // Its time too: the inputs' times are part of the provenance (and the catalog's date).
    let time = std::fs::metadata(&kept).and_then(|m| m.modified()).expect("the original's time");
    std::fs::File::options().write(true).open(&roster).and_then(|f| f.set_modified(time)).expect("the time is restored");
    let restored = run(&root, &scale, &out);
    let back = same(&first, &outputs(&out));
    println!("workbook restored: {:.2} s wall, peak {:.0} MiB; {}; {}; outputs {}", restored.seconds, restored.peak_mib, restored.stages, restored.reused,
        back.as_ref().map_or_else(|e| format!("NOT as the cold run's: {e}"), |()| "as the cold run's".into()));
    println!(
        "summary (scale {scale}): cold {:.2} s / {:.0} MiB; unchanged {:.2} s ({:.3} of cold); one workbook changed {:.2} s ({:.3} of cold)",
        cold.seconds, cold.peak_mib, again.seconds, again.seconds / cold.seconds, changed.seconds, changed.seconds / cold.seconds
    );
    let _ = cold.reused;
    assert!(identical.is_ok() && back.is_ok(), "outputs changed");
}
