//! What a re-run reuses after ingestion. Ingestion reuses each unchanged file's reading itself
//! (`hestat_ingest::reuse`); the later stages (transform, the reference check, publish) are
//! not run again when their *key* is unchanged and the files they wrote are untouched.
//!
//! A stage's key hashes its code fingerprint (the sources and data it is built from, see
//! `build.rs`), its settings, and the identity (path, size, modification time) of every file
//! it reads. A stage that runs rewrites its files, so the stages that read them run too; one
//! that is skipped leaves them as they were, byte for byte. The record of each stage's key
//! and files is `OUT/cache/stages.json`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const RECORD: &str = "cache/stages.json";

/// A stage after ingestion: what it writes under the output folder.
pub struct Stage {
    pub name: &'static str,
    /// Fingerprint of the stage's code and compiled-in data (from `build.rs`).
    code: &'static str,
    /// Folders and files it writes, relative to the output folder.
    writes: &'static [&'static str],
}

/// Reads the staging folder.
pub const TRANSFORM: Stage = Stage { name: "transform", code: env!("HESTAT_CODE_TRANSFORM"), writes: &["restricted"] };
/// Reads `restricted/`.
pub const CHECK: Stage = Stage {
    name: "reference check",
    code: env!("HESTAT_CODE_CHECK"),
    writes: &["validation/reference_check.parquet", "validation/reference_check.csv", "validation/consistency.parquet", "validation/consistency.csv"],
};
/// Reads `restricted/`, `staging/_inputs.csv` and `validation/`.
pub const PUBLISH: Stage = Stage { name: "publish", code: env!("HESTAT_CODE_PUBLISH"), writes: &["tables", "charts", "report", "catalog.json"] };

/// The fingerprint of ingestion's code and code lists, for its per-file reuse.
pub const INGEST_CODE: &str = env!("HESTAT_CODE_INGEST");

#[derive(Serialize, Deserialize, Default)]
struct Record {
    stages: BTreeMap<String, StageRecord>,
}

#[derive(Serialize, Deserialize, PartialEq, Eq)]
struct StageRecord {
    key: String,
    /// Every file the stage wrote: path, size, modification time in nanoseconds.
    wrote: Vec<(String, u64, u128)>,
}

/// Every file at or under each of `paths`, relative to `out` where it lies under it, with
/// its size and time.
fn identities(out: &Path, paths: impl IntoIterator<Item = PathBuf>) -> Vec<(String, u64, u128)> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = paths.into_iter().collect();
    while let Some(path) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&path) else { continue };
        if meta.is_dir() {
            if let Ok(listing) = std::fs::read_dir(&path) {
                stack.extend(listing.flatten().map(|e| e.path()));
            }
        } else {
            let modified = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos());
            let rel = path.strip_prefix(out).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            found.push((rel, meta.len(), modified));
        }
    }
    found.sort();
    found
}

fn load(out: &Path) -> Record {
    std::fs::read(out.join(RECORD)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
}

/// Writes the record whole or not at all (a temporary file renamed).
fn save(out: &Path, record: &Record) -> anyhow::Result<()> {
    let path = out.join(RECORD);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&temporary, serde_json::to_vec_pretty(record)?)?;
    std::fs::rename(&temporary, &path)?;
    Ok(())
}

impl Stage {
    /// The stage's key for a run with `settings` on the files now at or under `reads`.
    pub fn key(&self, out: &Path, reads: &[PathBuf], settings: &str) -> String {
        let mut hasher = Sha256::new();
        hasher.update(format!("{}\n{}\n{settings}\n", self.code, env!("CARGO_PKG_VERSION")).as_bytes());
        for (path, bytes, modified) in identities(out, reads.iter().cloned()) {
            hasher.update(format!("{path}\t{bytes}\t{modified}\n").as_bytes());
        }
        hestat_ingest::reuse::hex(&hasher.finalize())
    }

    /// Whether the last run of the stage had this key and its files are as it left them.
    pub fn unchanged(&self, out: &Path, key: &str) -> bool {
        load(out).stages.get(self.name).is_some_and(|r| r.key == key && !r.wrote.is_empty() && r.wrote == identities(out, self.written(out)))
    }

    /// Records the stage's key and the files it wrote.
    pub fn record(&self, out: &Path, key: String) -> anyhow::Result<()> {
        let mut record = load(out);
        record.stages.insert(self.name.to_string(), StageRecord { key, wrote: identities(out, self.written(out)) });
        save(out, &record)
    }

    fn written(&self, out: &Path) -> Vec<PathBuf> {
        self.writes.iter().map(|w| out.join(w)).collect()
    }

    /// Forgets the stage (before it runs, so that an interrupted run is not taken for a
    /// complete one).
    pub fn forget(&self, out: &Path) -> anyhow::Result<()> {
        let mut record = load(out);
        if record.stages.remove(self.name).is_some() {
            save(out, &record)?;
        }
        Ok(())
    }
}
