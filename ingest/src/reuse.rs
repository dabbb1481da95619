//! What a re-run reuses. Ingestion keeps, under `OUT/cache/ingest/`, what it made of each
//! file: an *entry* (the file's accounts and issues, JSON) and its loaded sheets as Parquet
//! parts. An entry is named by the file's path, the SHA-256 of its bytes and the settings
//! that shaped its reading (hestat's code and code lists, the limits), so a file is read
//! again only when one of them changed. The checks across files and the staging are always
//! made again from every part, reused or new, and the validation report always covers the
//! whole input folder.
//!
//! A run whose every input (path, size, time, SHA-256), setting and earlier output is as the
//! last run left them writes nothing: it is recognised by the *run key*, kept with the last
//! run's summary in `run.json`.
//!
//! An entry whose identifiers were pseudonymised (IINs) also names the fingerprint of the
//! key (an HMAC of a fixed label: the key cannot be recovered from it) and is reused only
//! under the same key. With no key configured each run has a new one, so such files are read
//! again whenever anything is. Entries that the last run did not use are removed.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::families::Family;
use crate::parts::{reopen, PartError, StagedFile, StagedSheet};
use crate::validation::{SheetAccount, ValidationIssue};
use hestat_contract::layout::InputFile;

/// The cache folder under the output folder.
pub const CACHE_DIR: &str = "cache/ingest";
const RUN_FILE: &str = "run.json";
const ENTRY_SUFFIX: &str = ".entry.json";

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Where a run's parts go, and whether earlier entries may be reused.
#[derive(Debug)]
pub(crate) struct FileCache {
    pub dir: PathBuf,
    /// Digest of everything besides a file's bytes that shapes its reading.
    settings: String,
    /// Fingerprint of this run's identifier key.
    id_key: String,
    /// Whether entries are looked up and the run record kept (false: parts in a temporary
    /// folder, removed at the end).
    reuse: bool,
    used: std::sync::Mutex<HashSet<String>>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    file: String,
    sha256: String,
    settings: String,
    /// The key's fingerprint, when an identifier was pseudonymised with it.
    id_key: Option<String>,
    rejected: bool,
    issues: Vec<ValidationIssue>,
    sheets: Vec<EntrySheet>,
}

#[derive(Serialize, Deserialize)]
struct EntrySheet {
    account: SheetAccount,
    issues: Vec<ValidationIssue>,
    key_columns: Vec<(String, String)>,
    part: Option<EntryPart>,
}

#[derive(Serialize, Deserialize)]
struct EntryPart {
    family: String,
    rows: usize,
    file: Option<String>,
}

/// What the last run left: its key, its summary and the files it wrote.
#[derive(Serialize, Deserialize)]
pub(crate) struct RunRecord {
    pub key: String,
    pub files_read: usize,
    pub files_rejected: usize,
    pub accounts: Vec<SheetAccount>,
    pub issues: Vec<ValidationIssue>,
    pub staged_rows: Vec<(String, usize)>,
    /// Every file the run wrote (relative to the output folder), with its size and time.
    pub outputs: Vec<OutputFile>,
    /// Each staging partition (relative to the output folder) and the digest of what it was
    /// made of (its parts and their quarantined rows): a partition made of the same is kept.
    #[serde(default)]
    pub partitions: std::collections::BTreeMap<String, String>,
}

impl RunRecord {
    /// Whether the staging file `rel` is as this run wrote it, made of `recipe`.
    pub fn kept(&self, out: &Path, rel: &str, recipe: &str) -> bool {
        self.partitions.get(rel).is_some_and(|r| r == recipe)
            && self.outputs.iter().any(|o| o.path == rel && output_file(out, rel).as_ref() == Some(o))
    }
}

#[derive(Serialize, Deserialize, PartialEq, Eq, Debug)]
pub(crate) struct OutputFile {
    pub path: String,
    pub bytes: u64,
    pub modified_ns: u128,
}

impl FileCache {
    /// `code`: the fingerprint of hestat's reading code and code lists, or `None` for a run
    /// that reuses nothing.
    pub fn new(out: &Path, code: Option<&str>, limits: &crate::Limits, id_key: String) -> Self {
        let settings = hex(&Sha256::digest(format!("{}\n{limits:?}", code.unwrap_or("")).as_bytes()));
        let dir = match code {
            Some(_) => out.join(CACHE_DIR),
            None => out.join(format!(".hestat-tmp-{}-parts", std::process::id())),
        };
        FileCache { dir, settings, id_key, reuse: code.is_some(), used: Default::default() }
    }

    pub fn prepare(&self) -> Result<(), PartError> {
        std::fs::create_dir_all(&self.dir).map_err(|source| PartError::Io { path: self.dir.clone(), source })
    }

    fn entry_name(&self, input: &InputFile) -> String {
        let digest = Sha256::digest(format!("{}\n{}\n{}", self.settings, input.file, input.sha256).as_bytes());
        hex(&digest[..20])
    }

    /// Where a file's parts are written (its entry name).
    pub fn entry_for(&self, input: &InputFile) -> String {
        let name = self.entry_name(input);
        self.mark_used(&name);
        name
    }

    fn mark_used(&self, name: &str) {
        if let Ok(mut used) = self.used.lock() {
            used.insert(name.to_string());
        }
    }

    /// The reading of a file kept by an earlier run, when it is still valid.
    pub fn lookup(&self, input: &InputFile) -> Option<StagedFile> {
        if !self.reuse || input.sha256.is_empty() {
            return None;
        }
        let name = self.entry_name(input);
        let text = std::fs::read(self.dir.join(format!("{name}{ENTRY_SUFFIX}"))).ok()?;
        let entry: Entry = serde_json::from_slice(&text).ok()?;
        if entry.file != input.file || entry.sha256 != input.sha256 || entry.settings != self.settings {
            return None;
        }
        if entry.id_key.as_ref().is_some_and(|k| *k != self.id_key) {
            return None;
        }
        let mut sheets = Vec::with_capacity(entry.sheets.len());
        for sheet in entry.sheets {
            let part = match sheet.part {
                None => None,
                Some(p) => Some(reopen(Family::from_name(&p.family)?, p.rows, p.file.map(|f| self.dir.join(f))).ok()?),
            };
            sheets.push(StagedSheet { account: sheet.account, issues: sheet.issues, key_columns: sheet.key_columns, part });
        }
        self.mark_used(&name);
        Some(StagedFile { rejected: entry.rejected, issues: entry.issues, sheets, used_id_key: entry.id_key.is_some(), reused: true })
    }

    /// Keeps a file's reading for later runs (its parts are already written).
    pub fn store(&self, input: &InputFile, staged: &StagedFile) -> Result<(), PartError> {
        if !self.reuse || input.sha256.is_empty() {
            return Ok(());
        }
        let name = self.entry_name(input);
        let sheets = staged
            .sheets
            .iter()
            .map(|s| EntrySheet {
                account: s.account.clone(),
                issues: s.issues.clone(),
                key_columns: s.key_columns.clone(),
                part: s.part.as_ref().map(|p| EntryPart {
                    family: p.family.name().to_string(),
                    rows: p.rows,
                    file: p.file.as_ref().and_then(|f| f.file_name()).map(|f| f.to_string_lossy().into_owned()),
                }),
            })
            .collect();
        let entry = Entry {
            file: input.file.clone(),
            sha256: input.sha256.clone(),
            settings: self.settings.clone(),
            id_key: staged.used_id_key.then(|| self.id_key.clone()),
            rejected: staged.rejected,
            issues: staged.issues.clone(),
            sheets,
        };
        let path = self.dir.join(format!("{name}{ENTRY_SUFFIX}"));
        let json = serde_json::to_vec(&entry).map_err(|e| PartError::Io { path: path.clone(), source: e.into() })?;
        write_then_rename(&path, &json)
    }

    /// The run key: the settings, the key's kind and every input file's identity.
    pub fn run_key(&self, inputs: &[InputFile], skipped: &[ValidationIssue], ephemeral_key: bool) -> String {
        let mut hasher = Sha256::new();
        hasher.update(self.settings.as_bytes());
        // An ephemeral key changes each run, but staging made under any key gives the same
        // tables: the run is the same.
        hasher.update(if ephemeral_key { "ephemeral".to_string() } else { self.id_key.clone() }.as_bytes());
        for input in inputs {
            hasher.update(format!("\n{}\t{}\t{}\t{}", input.file, input.bytes, input.modified, input.sha256).as_bytes());
        }
        for issue in skipped {
            hasher.update(format!("\n{}\t{}", issue.file, issue.rule).as_bytes());
        }
        hex(&hasher.finalize())
    }

    /// The last run's record (none when nothing is reused).
    pub fn last_run(&self) -> Option<RunRecord> {
        if !self.reuse {
            return None;
        }
        serde_json::from_slice(&std::fs::read(self.dir.join(RUN_FILE)).ok()?).ok()
    }

    /// Whether the last run had the key `key` and the files it wrote are untouched.
    pub fn unchanged(record: &RunRecord, key: &str, out: &Path) -> bool {
        record.key == key && record.outputs.iter().all(|o| output_file(out, &o.path).as_ref() == Some(o))
    }

    /// Keeps the run's record, then removes the entries and parts this run did not use.
    pub fn finish(&self, record: &RunRecord) -> Result<(), PartError> {
        if !self.reuse {
            return std::fs::remove_dir_all(&self.dir).map_err(|source| PartError::Io { path: self.dir.clone(), source });
        }
        let path = self.dir.join(RUN_FILE);
        let json = serde_json::to_vec(record).map_err(|e| PartError::Io { path: path.clone(), source: e.into() })?;
        write_then_rename(&path, &json)?;
        let used = self.used.lock().map(|u| u.clone()).unwrap_or_default();
        if let Ok(listing) = std::fs::read_dir(&self.dir) {
            for entry in listing.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                let stem = name.split('.').next().unwrap_or("");
                if name != RUN_FILE && !used.contains(stem) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        Ok(())
    }
}

fn write_then_rename(path: &Path, bytes: &[u8]) -> Result<(), PartError> {
    let temporary = path.with_extension(format!("tmp-{}", std::process::id()));
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|source| PartError::Io { path: path.to_path_buf(), source })
}

/// A written file's identity (size and modification time), relative to `out`.
pub(crate) fn output_file(out: &Path, rel: &str) -> Option<OutputFile> {
    let meta = std::fs::metadata(out.join(rel)).ok()?;
    let modified_ns = meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos();
    Some(OutputFile { path: rel.to_string(), bytes: meta.len(), modified_ns })
}

/// Every file under `out/dir`, relative to `out`, sorted.
pub(crate) fn files_under(out: &Path, dir: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![out.join(dir)];
    while let Some(d) = stack.pop() {
        let Ok(listing) = std::fs::read_dir(&d) else { continue };
        for entry in listing.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(out) {
                found.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}
