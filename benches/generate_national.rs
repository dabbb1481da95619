//! Benchmark: generating the SYNTHETIC national dataset (issue #3: at most 30 s on 2 cores
//! for the four years at scale 1).
//!
//! ```text
//! cargo bench --bench generate_national                 # scale 1, 2021-2024
//! cargo bench --bench generate_national -- --scale 10
//! ```
//!
//! It runs `hestat generate` in a child process (so its peak memory, VmHWM, is its own) into
//! `target/bench-data/generate/`, best of three, and prints wall time, peak memory, files,
//! students and bytes written. Results are recorded in `BENCHMARKS.md`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn bytes_under(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                total += entry.metadata().map_or(0, |m| m.len());
            }
        }
    }
    total
}

fn main() {
    let scale = arg("--scale").unwrap_or_else(|| "1".to_string());
    let runs: usize = arg("--runs").and_then(|r| r.parse().ok()).unwrap_or(3);
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bench-generate");
    let mut best: Option<(f64, String)> = None;
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(&root);
        let started = Instant::now();
        // GNU time's format: peak resident set in KiB.
        let output = Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(env!("CARGO_BIN_EXE_hestat"))
            .args(["generate", "--out"])
            .arg(&root)
            .args(["--scale", &scale])
            .output()
            .or_else(|_| Command::new(env!("CARGO_BIN_EXE_hestat")).args(["generate", "--out"]).arg(&root).args(["--scale", &scale]).output())
            .expect("hestat generate runs");
        let seconds = started.elapsed().as_secs_f64();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let peak = String::from_utf8_lossy(&output.stderr).lines().last().and_then(|l| l.trim().parse::<f64>().ok()).map_or("n/a".to_string(), |kib| format!("{:.0} MiB", kib / 1024.0));
        let first = String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or("").to_string();
        println!("run: {seconds:.2} s wall, peak {peak}");
        if best.as_ref().is_none_or(|(b, _)| seconds < *b) {
            best = Some((seconds, format!("peak {peak}; {first}")));
        }
    }
    let (seconds, what) = best.expect("at least one run");
    println!("generate --scale {scale}: best {seconds:.2} s wall on {} cores; {what}; {:.0} MB written", std::thread::available_parallelism().map_or(1, |n| n.get()), bytes_under(&root) as f64 / 1e6);
}
