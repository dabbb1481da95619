//! Stage fingerprints: for each stage of the pipeline, a hash of the sources and data its
//! results depend on (the crates it runs, the code lists and reference data compiled in,
//! Cargo.lock, the version). A re-run reuses a stage's earlier results only under the same
//! fingerprint, so a changed rule, code list or dependency invalidates what it affects.

use std::hash::Hasher;
use std::path::Path;

const STAGES: [(&str, &[&str]); 4] = [
    ("HESTAT_CODE_INGEST", &["contract", "ingest", "data/codelists", "data/headers.csv"]),
    ("HESTAT_CODE_TRANSFORM", &["contract", "transform", "data/codelists"]),
    ("HESTAT_CODE_CHECK", &["contract", "transform", "check", "reference", "data/reference", "data/synthetic"]),
    ("HESTAT_CODE_PUBLISH", &["contract", "transform", "reports", "data/codelists"]),
];

/// Hashes a file or every file of a folder (sorted), skipping tests and benchmarks.
fn hash_path(hasher: &mut impl Hasher, path: &Path) {
    println!("cargo:rerun-if-changed={}", path.display());
    if path.is_dir() {
        let Ok(listing) = std::fs::read_dir(path) else { return };
        let mut entries: Vec<_> = listing.flatten().map(|e| e.path()).collect();
        entries.sort();
        for entry in entries {
            let name = entry.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if !matches!(name, "tests" | "benches" | "target") && !name.starts_with('.') {
                hash_path(hasher, &entry);
            }
        }
    } else if let Ok(bytes) = std::fs::read(path) {
        hasher.write(path.to_string_lossy().as_bytes());
        hasher.write(&bytes);
    }
}

fn main() {
    for (variable, paths) in STAGES {
        // SipHash with fixed keys: the same sources give the same fingerprint on every machine.
        #[allow(deprecated)]
        let mut hasher = std::hash::SipHasher::new();
        hasher.write(env!("CARGO_PKG_VERSION").as_bytes());
        for path in paths.iter().chain(&["Cargo.lock"]) {
            hash_path(&mut hasher, Path::new(path));
        }
        println!("cargo:rustc-env={variable}={:016x}", hasher.finish());
    }
}
