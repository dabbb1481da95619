//! Checking a university's submission before it is sent (`hestat validate`): the files or
//! folders given are read by the same readers, under the same rules and limits, with the same
//! cell references as in the national run; the HEI code is checked against the registry given
//! (or the embedded one), and duplicate students within what was given. Nothing is staged:
//! what was loaded is kept in a temporary folder only while the checks run.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::families::Family;
use crate::parts::{self, PartError, StagedFile};
use crate::pipeline::{check_duplicate_students, check_hei_registry, discover, read_one, IngestError};
use crate::privacy::PersonIdHasher;
use crate::sheet::SheetSettings;
use crate::source::Limits;
use crate::validation::{Severity, SheetAccount, SheetStatus, ValidationIssue};
use crate::writer::WriteError;

/// The registry the HEI codes are checked against.
#[derive(Debug, Clone)]
pub enum Registry {
    /// A registry workbook or CSV with an `hei` sheet (as the ministry sends it).
    File(PathBuf),
    /// These codes (the embedded registry's).
    Codes(Vec<String>),
}

/// What `hestat validate` is given.
#[derive(Debug, Clone)]
pub struct SubmissionCheck {
    /// Files or folders.
    pub paths: Vec<PathBuf>,
    pub limits: Limits,
    pub hasher: PersonIdHasher,
    pub registry: Registry,
}

/// One file that was checked.
#[derive(Debug, Clone)]
pub struct CheckedFile {
    /// The file on disk.
    pub path: PathBuf,
    /// How the report names it: the path as given, or the folder given joined with the path under it.
    pub name: String,
}

/// The result: the accounting and problems of every file given.
#[derive(Debug, Clone)]
pub struct SubmissionReport {
    pub files: Vec<CheckedFile>,
    pub files_rejected: usize,
    pub accounts: Vec<SheetAccount>,
    pub issues: Vec<ValidationIssue>,
    /// How many HEI codes the registry held.
    pub registry_codes: usize,
}

impl SubmissionReport {
    /// Whether the files would load without a rejected file or sheet and without quarantine.
    pub fn loads_cleanly(&self) -> bool {
        self.files_rejected == 0 && self.accounts.iter().all(|a| a.quarantined == 0 && a.status != SheetStatus::Rejected)
    }

    /// The file on disk behind an issue's `file`.
    pub fn path_of(&self, name: &str) -> Option<&Path> {
        self.files.iter().find(|f| f.name == name).map(|f| f.path.as_path())
    }
}

/// A temporary folder for the parts, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Checks the files under `check.paths` (see the module's documentation).
pub fn check_submission(check: &SubmissionCheck) -> Result<SubmissionReport, IngestError> {
    polars_core::runtime::THREAD_POOL.install(|| check_in_pool(check))
}

fn check_in_pool(check: &SubmissionCheck) -> Result<SubmissionReport, IngestError> {
    let mut files = Vec::new();
    let mut issues = Vec::new();
    for given in &check.paths {
        let shown = given.to_string_lossy().replace('\\', "/");
        if given.is_dir() {
            let found = discover(given)?;
            let prefix = shown.trim_end_matches('/');
            for mut skipped in found.skipped {
                skipped.file = format!("{prefix}/{}", skipped.file);
                issues.push(skipped);
            }
            files.extend(found.files.into_iter().map(|(path, rel)| CheckedFile { path, name: format!("{prefix}/{rel}") }));
        } else if given.is_file() {
            files.push(CheckedFile { path: given.clone(), name: shown });
        } else {
            return Err(IngestError::InputMissing(given.clone()));
        }
    }
    let scratch = Scratch(std::env::temp_dir().join(format!("hestat-validate-{}-{}", std::process::id(), unique())));
    std::fs::create_dir_all(&scratch.0).map_err(|source| WriteError::from(PartError::Io { path: scratch.0.clone(), source }))?;
    let settings = SheetSettings { hasher: &check.hasher, header_scan_rows: check.limits.header_scan_rows };
    let stage = |path: &Path, name: &str, entry: &str| parts::stage(read_one(path, name, settings, &check.limits), &scratch.0, entry);
    let registry: HashSet<String> = match &check.registry {
        Registry::Codes(codes) => codes.iter().cloned().collect(),
        Registry::File(path) => {
            let shown = path.display().to_string();
            let staged = stage(path, &shown, "registry").map_err(WriteError::from)?;
            let codes: HashSet<String> = staged
                .sheets
                .iter()
                .filter_map(|s| s.part.as_ref().filter(|p| p.family == Family::Hei))
                .filter_map(|p| p.text("hei_code"))
                .flat_map(|c| c.iter().flatten().map(str::to_string).collect::<Vec<_>>())
                .collect();
            if codes.is_empty() {
                let why = staged.issues.iter().chain(staged.sheets.iter().flat_map(|s| &s.issues)).find(|i| i.severity == Severity::Error);
                return Err(IngestError::Registry { path: path.clone(), reason: why.map_or_else(|| "it holds no `hei` sheet with HEI codes".to_string(), |i| i.message.clone()) });
            }
            codes
        }
    };
    let mut staged: Vec<StagedFile> = files
        .par_iter()
        .enumerate()
        .map(|(i, f)| stage(&f.path, &f.name, &format!("file{i}")))
        .collect::<Result<_, PartError>>()
        .map_err(WriteError::from)?;
    let mut cross_file = check_hei_registry(&mut staged, Some(&registry)).map_err(WriteError::from)?;
    cross_file.extend(check_duplicate_students(&mut staged).map_err(WriteError::from)?);
    let files_rejected = staged.iter().filter(|f| f.rejected).count();
    let mut accounts = Vec::new();
    for file in &staged {
        issues.extend(file.issues.iter().cloned());
        for sheet in &file.sheets {
            issues.extend(sheet.issues.iter().cloned());
            accounts.push(sheet.account.clone());
        }
    }
    issues.extend(cross_file);
    Ok(SubmissionReport { files, files_rejected, accounts, issues, registry_codes: registry.len() })
}

fn unique() -> u128 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}
