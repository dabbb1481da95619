//! Benchmark: the whole report stage on the embedded national dataset (issue #11: at most
//! 3 s on 2 cores): disclosure control of every table together, every table as Parquet and
//! CSV, the workbook, every chart in three languages (SVG and PNG), the three pages and the
//! catalog.
//!
//! ```text
//! cargo bench --bench report_stage
//! ```
//!
//! The run folder is made once with the same binary (`hestat generate`, `ingest`,
//! `transform`, `check-reference`) under `target/tmp/bench-report/` and reused. `hestat
//! publish` then runs in a child process under `/usr/bin/time`, best of three; the wall
//! time, the phases it reports and the peak memory are printed. Results are recorded in
//! `BENCHMARKS.md`.

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn hestat(args: &[&str]) -> std::process::Output {
    let output = Command::new(env!("CARGO_BIN_EXE_hestat")).args(args).env("HESTAT_ID_KEY", "benchmark-key-0123456789").output().expect("hestat runs");
    assert!(output.status.code().is_some_and(|c| c <= 1), "hestat {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn main() {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-report");
    let (input, run) = (root.join("input"), root.join("run"));
    if !run.join("restricted").is_dir() || !run.join("validation/reference_check.csv").is_file() {
        let _ = std::fs::remove_dir_all(&root);
        println!("preparing the national run folder (once)…");
        hestat(&["generate", "--out", &input.to_string_lossy()]);
        hestat(&["ingest", "--input", &input.to_string_lossy(), "--out", &run.to_string_lossy()]);
        hestat(&["transform", "--staging", &run.join("staging").to_string_lossy(), "--out", &run.to_string_lossy()]);
        hestat(&["check-reference", "--out", &run.to_string_lossy()]);
    }
    let mut best: Option<(f64, String)> = None;
    for _ in 0..3 {
        let started = Instant::now();
        let output = Command::new("/usr/bin/time").args(["-f", "%M"]).arg(env!("CARGO_BIN_EXE_hestat")).args(["--no-reuse", "publish", "--synthetic", "--out"]).arg(&run).output().expect("hestat publish runs");
        let seconds = started.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&output.stderr).to_string();
        assert!(output.status.success(), "{stderr}");
        let peak = stderr.lines().last().and_then(|l| l.trim().parse::<f64>().ok()).map_or("n/a".to_string(), |kib| format!("{:.0} MiB", kib / 1024.0));
        let phases = stderr.lines().find(|l| l.contains("published")).and_then(|l| l.rsplit_once('(')).map_or(String::new(), |(_, p)| p.trim_end_matches(')').to_string());
        println!("run: {seconds:.2} s wall, peak {peak}; {phases}");
        if best.as_ref().is_none_or(|(b, _)| seconds < *b) {
            best = Some((seconds, format!("peak {peak}; {phases}")));
        }
    }
    let (seconds, what) = best.expect("at least one run");
    println!("report stage: best {seconds:.2} s wall on {} cores; {what}", std::thread::available_parallelism().map_or(1, |n| n.get()));
}
