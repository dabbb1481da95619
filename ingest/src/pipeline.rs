//! The ingestion run: discover files, read them in parallel, apply the checks that need all
//! files (HEI registry, duplicate students), then write staging and the validation report.

use std::collections::{HashMap, HashSet};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::families::Family;
use crate::parts::{self, Part, PartError, StagedFile, StagedSheet};
use crate::privacy::PersonIdHasher;
use crate::repeats;
use crate::reuse::{self, FileCache, RunRecord};
use crate::sheet::SheetSettings;
use crate::source::{read_file, FileOutcome, FileRejection, Limits};
use crate::validation::{Severity, SheetAccount, SheetStatus, ValidationIssue};
use crate::writer::{self, WriteError};
use hestat_contract::layout::InputFile;

/// What the run needs.
#[derive(Debug, Clone)]
pub struct IngestConfig {
    pub input: PathBuf,
    pub out: PathBuf,
    pub limits: Limits,
    pub hasher: PersonIdHasher,
    /// The fingerprint of the code and code lists that read the files, when readings kept
    /// by an earlier run under `OUT/cache/ingest/` may be reused; `None` reads every file.
    pub reuse: Option<String>,
}

/// Errors that stop the whole run (never caused by one input file).
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("input folder {0} does not exist or is not a folder")]
    InputMissing(PathBuf),
    #[error("cannot list {path}")]
    ListInput { path: PathBuf, source: std::io::Error },
    #[error("the registry {path} cannot be used: {reason}")]
    Registry { path: PathBuf, reason: String },
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// Receives progress while files are read (called from worker threads).
pub trait Progress: Sync {
    fn started(&self, _files: usize) {}
    fn file_done(&self, _file: &str) {}
}

impl Progress for () {}

/// The outcome of a run.
#[derive(Debug, Clone)]
pub struct IngestSummary {
    pub files_read: usize,
    pub files_rejected: usize,
    /// Files whose reading an earlier run kept (not read again).
    pub files_reused: usize,
    /// Whether inputs, settings and outputs were as the last run left them (nothing written).
    pub unchanged: bool,
    pub accounts: Vec<SheetAccount>,
    pub issues: Vec<ValidationIssue>,
    /// Rows staged per family.
    pub staged_rows: Vec<(Family, usize)>,
    /// Wall time of each phase: hashing, reading, checks across files, writing.
    pub timings: Vec<(&'static str, std::time::Duration)>,
}

impl IngestSummary {
    /// Whether any input was refused: a file, a sheet or a row.
    pub fn has_rejections(&self) -> bool {
        self.files_rejected > 0
            || self.accounts.iter().any(|a| a.quarantined > 0 || a.status == SheetStatus::Rejected)
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.issues.iter().filter(|i| i.severity == severity).count()
    }
}

/// The files to read (path, path relative to the input folder), and the paths left alone,
/// each with its reason.
pub(crate) struct Discovered {
    pub files: Vec<(PathBuf, String)>,
    pub skipped: Vec<ValidationIssue>,
}

fn skipped(rel: &str, rule: &str, severity: Severity, message: impl Into<String>) -> ValidationIssue {
    ValidationIssue::new(rel, "", String::new(), "", "", rule, severity, message, 0)
}

/// Lists the files under `root`, sorted by relative path. Symbolic links are followed (a
/// link to a folder already listed, which would loop, is not, and a broken link is
/// reported); dotfiles and Office lock files (`~$…`) are left alone; what cannot be listed or
/// is not a regular file (a FIFO would block the run) is reported, never dropped silently.
pub(crate) fn discover(root: &Path) -> Result<Discovered, IngestError> {
    let mut files = Vec::new();
    let mut skipped_paths = Vec::new();
    let mut seen_dirs = std::collections::HashSet::new();
    let mut seen_files: std::collections::HashMap<PathBuf, String> = std::collections::HashMap::new();
    if let Ok(canonical) = root.canonicalize() {
        seen_dirs.insert(canonical);
    }
    let mut stack = vec![root.to_path_buf()];
    let mut found: Vec<(PathBuf, String, bool)> = Vec::new();
    let mut links: Vec<(PathBuf, String, bool)> = Vec::new();
    loop {
        let Some(dir) = stack.pop() else {
            // The real tree is listed: now the links, each once.
            if links.is_empty() {
                break;
            }
            for (path, rel, is_dir) in links.drain(..) {
                let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
                if is_dir {
                    if seen_dirs.insert(canonical) {
                        stack.push(path);
                    } else {
                        skipped_paths.push(skipped(&rel, "link_loop", Severity::Warning, "a link to a folder that is already read (a loop, or a second way to it): not read again"));
                    }
                } else if let Some(first) = seen_files.get(&canonical) {
                    skipped_paths.push(skipped(&rel, "same_file_twice", Severity::Warning, format!("a link to {first}, which is read: not read twice")));
                } else {
                    seen_files.insert(canonical, rel.clone());
                    files.push((path, rel));
                }
            }
            continue;
        };
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(source) if dir == root => return Err(IngestError::ListInput { path: dir.clone(), source }),
            Err(e) => {
                let rel = dir.strip_prefix(root).unwrap_or(&dir).to_string_lossy().replace('\\', "/");
                skipped_paths.push(skipped(&rel, "unreadable_folder", Severity::Error, "the folder cannot be listed (no permission?): its files were not read").with_detail(&e.to_string()));
                continue;
            }
        };
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let rel = dir.strip_prefix(root).unwrap_or(&dir).to_string_lossy().replace('\\', "/");
                    skipped_paths.push(skipped(&rel, "unreadable_folder", Severity::Error, "an entry of the folder cannot be read").with_detail(&e.to_string()));
                    continue;
                }
            };
            let path = entry.path();
            let os_name = entry.file_name();
            let name = os_name.to_string_lossy().into_owned();
            let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().replace('\\', "/");
            if os_name.to_str().is_none() {
                skipped_paths.push(skipped(&rel, "name_not_utf8", Severity::Warning, "the file name is not valid Unicode (shown with replacement characters); rename the file"));
            }
            let Ok(link_kind) = entry.file_type() else {
                skipped_paths.push(skipped(&rel, "unreadable_file", Severity::Error, "the entry cannot be examined (no permission?)"));
                continue;
            };
            // Follow links: the kind of what a link points to.
            let kind = if link_kind.is_symlink() {
                match std::fs::metadata(&path) {
                    Ok(meta) => meta.file_type(),
                    Err(e) => {
                        skipped_paths.push(skipped(&rel, "broken_link", Severity::Error, "a link to a file or folder that does not exist (or cannot be reached): nothing was read").with_detail(&e.to_string()));
                        continue;
                    }
                }
            } else {
                link_kind
            };
            if name.starts_with('.') || name.starts_with("~$") {
                skipped_paths.push(skipped(&rel, "file_ignored", Severity::Info, "hidden or lock file, ignored"));
            } else if kind.is_dir() || kind.is_file() {
                // Real folders and files first; links to them are resolved once the real tree is listed.
                let entry = (path, rel, kind.is_dir());
                if link_kind.is_symlink() { links.push(entry) } else { found.push(entry) }
            } else {
                skipped_paths.push(skipped(&rel, "not_a_regular_file", Severity::Warning, "not a regular file (a device, socket or pipe): not read"));
            }
        }
        for (path, rel, is_dir) in found.drain(..) {
            let canonical = path.canonicalize().unwrap_or_else(|_| path.clone());
            if is_dir {
                seen_dirs.insert(canonical);
                stack.push(path);
            } else {
                seen_files.insert(canonical, rel.clone());
                files.push((path, rel));
            }
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1));
    skipped_paths.sort_by(|a, b| a.file.cmp(&b.file).then(a.rule.cmp(&b.rule)));
    Ok(Discovered { files, skipped: skipped_paths })
}

pub(crate) fn read_one(path: &Path, rel: &str, settings: SheetSettings, limits: &Limits) -> FileOutcome {
    let result = catch_unwind(AssertUnwindSafe(|| read_file(path, rel, settings, limits)));
    match result {
        Ok(Ok(mut outcome)) => {
            if outcome.sheets.is_empty() {
                outcome.issues.push(ValidationIssue::new(rel, "", String::new(), "", "", "no_sheets", Severity::Warning,
                    "the workbook has no sheets", 0));
            }
            outcome
        }
        Ok(Err(rejection)) => FileOutcome::rejected(rel, rejection),
        Err(_) => FileOutcome::rejected(
            rel,
            FileRejection {
                rule: "reader_failure",
                message: "the file's content is malformed and the spreadsheet reader stopped on it: open it in Excel or LibreOffice, save it again as .xlsx and send the new file".into(),
                detail: "the reader panicked (the panic message is masked and not kept)".into(),
            },
        ),
    }
}

/// Runs ingestion: reads every file under `config.input`, writes `OUT/staging/` and
/// `OUT/validation/`, and returns the accounting.
///
/// Each file is hashed first; with `config.reuse`, a file whose reading an earlier run kept
/// (same path, bytes and settings: [`crate::reuse`]) is not read again, and a run whose inputs,
/// settings and outputs are all as the last run left them writes nothing. Each file read is
/// staged as Parquet parts by its worker as soon as it is done; the checks across files
/// run on the parts' key columns; staging is assembled from the parts, a partition at a time.
pub fn ingest(config: &IngestConfig, progress: &dyn Progress) -> Result<IngestSummary, IngestError> {
    // All parallel work runs in polars' pool (see Cargo.toml).
    polars_core::runtime::THREAD_POOL.install(|| ingest_in_pool(config, progress))
}

fn ingest_in_pool(config: &IngestConfig, progress: &dyn Progress) -> Result<IngestSummary, IngestError> {
    if !config.input.is_dir() {
        return Err(IngestError::InputMissing(config.input.clone()));
    }
    let Discovered { files, skipped } = discover(&config.input)?;
    progress.started(files.len());
    let settings = SheetSettings { hasher: &config.hasher, header_scan_rows: config.limits.header_scan_rows };
    let clock = std::time::Instant::now();
    let mut inputs: Vec<InputFile> = files.par_iter().map(|(path, rel)| fingerprint(path, rel)).collect();
    let hash_time = clock.elapsed();
    let cache = FileCache::new(&config.out, config.reuse.as_deref(), &config.limits, config.hasher.fingerprint());
    let run_key = cache.run_key(&inputs, &skipped, config.hasher.ephemeral);
    // The last run's record is read once: it tells an unchanged run, and which staging
    // partitions can be kept.
    let last_run = cache.last_run();
    if let Some(record) = last_run.as_ref().filter(|r| FileCache::unchanged(r, &run_key, &config.out)) {
        for (_, rel) in &files {
            progress.file_done(rel);
        }
        let staged_rows = record.staged_rows.iter().filter_map(|(f, n)| Some((Family::from_name(f)?, *n))).collect();
        let timings = vec![("hash", hash_time), ("reuse", clock.elapsed() - hash_time)];
        return Ok(IngestSummary {
            files_read: record.files_read,
            files_rejected: record.files_rejected,
            files_reused: record.files_read,
            unchanged: true,
            accounts: record.accounts.clone(),
            issues: record.issues.clone(),
            staged_rows,
            timings,
        });
    }
    cache.prepare().map_err(WriteError::from)?;
    let mut staged: Vec<StagedFile> = files
        .par_iter()
        .zip(&inputs)
        .map(|((path, rel), input)| {
            let staged = match cache.lookup(input) {
                Some(reused) => reused,
                None => {
                    let outcome = read_one(path, rel, settings, &config.limits);
                    let staged = parts::stage(outcome, &cache.dir, &cache.entry_for(input))?;
                    cache.store(input, &staged)?;
                    staged
                }
            };
            progress.file_done(rel);
            Ok(staged)
        })
        .collect::<Result<_, PartError>>()
        .map_err(WriteError::from)?;
    let read_time = clock.elapsed() - hash_time;

    let mut issues: Vec<ValidationIssue> = skipped;
    if config.hasher.ephemeral {
        issues.push(ValidationIssue::new("", "", String::new(), "", "", "ephemeral_id_key", Severity::Warning,
            "no identifier key configured (HESTAT_ID_KEY): IIN pseudonyms of this run cannot be linked to other runs", 0));
    }
    let mut cross_file = check_hei_registry(&mut staged, None).map_err(WriteError::from)?;
    cross_file.extend(check_duplicate_students(&mut staged).map_err(WriteError::from)?);

    let files_read = staged.len();
    let files_rejected = staged.iter().filter(|o| o.rejected).count();
    let files_reused = staged.iter().filter(|o| o.reused).count();
    let mut accounts = Vec::new();
    for (file, input) in staged.iter().zip(inputs.iter_mut()) {
        // The families each file staged rows of (one whose every row was quarantined fed none).
        let mut families: Vec<Family> = file.sheets.iter().filter_map(|s| s.part.as_ref()).filter(|p| p.len() > 0).map(|p| p.family).collect();
        families.sort_by_key(|f| *f as usize);
        families.dedup();
        input.families = families;
        issues.extend(file.issues.iter().cloned());
        for sheet in &file.sheets {
            issues.extend(sheet.issues.iter().cloned());
            accounts.push(sheet.account.clone());
        }
    }
    issues.extend(cross_file);
    let check_time = clock.elapsed() - hash_time - read_time;

    let (staged_rows, partitions) = writer::write_staging(&config.out, &staged, &inputs, last_run.as_ref())?;
    drop(staged);
    writer::write_validation(&config.out, &issues, &accounts)?;
    let mut outputs: Vec<String> = reuse::files_under(&config.out, "staging");
    outputs.extend(writer::VALIDATION_FILES.iter().map(|f| format!("validation/{f}")));
    let record = RunRecord {
        key: run_key,
        files_read,
        files_rejected,
        accounts,
        issues,
        staged_rows: staged_rows.iter().map(|(f, n)| (f.name().to_string(), *n)).collect(),
        outputs: outputs.iter().filter_map(|rel| reuse::output_file(&config.out, rel)).collect(),
        partitions,
    };
    cache.finish(&record).map_err(WriteError::from)?;
    let write_time = clock.elapsed() - hash_time - read_time - check_time;
    let timings = vec![("hash", hash_time), ("read", read_time), ("checks", check_time), ("write", write_time)];
    Ok(IngestSummary {
        files_read,
        files_rejected,
        files_reused,
        unchanged: false,
        accounts: record.accounts,
        issues: record.issues,
        staged_rows,
        timings,
    })
}

/// A file's size, time and SHA-256, read before the file is parsed (so that a file whose
/// reading is kept need not be parsed); a file that cannot be read has an empty hash and is
/// never reused. Its families are set once the cross-file checks have run.
fn fingerprint(path: &Path, rel: &str) -> InputFile {
    use sha2::Digest;
    use std::io::Read;
    let mut hasher = sha2::Sha256::new();
    let mut buffer = vec![0u8; 1 << 16];
    let bytes = std::fs::File::open(path).and_then(|mut f| {
        let mut total = 0u64;
        loop {
            let n = f.read(&mut buffer)?;
            if n == 0 {
                return Ok(total);
            }
            hasher.update(&buffer[..n]);
            total += n as u64;
        }
    });
    let bytes = bytes.ok();
    let sha256 = bytes.map(|_| reuse::hex(&hasher.finalize())).unwrap_or_default();
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_secs());
    InputFile { file: rel.to_string(), bytes: bytes.unwrap_or(0), sha256, modified, families: Vec::new() }
}

/// A loaded row's place, for issues raised after reading.
#[derive(Debug, Clone, Copy)]
struct RowRef {
    file: usize,
    sheet: usize,
    row: usize,
}

fn sheets_of(files: &[StagedFile], family: Family) -> impl Iterator<Item = (usize, usize, &StagedSheet, &Part)> {
    files.iter().enumerate().flat_map(move |(f, o)| {
        o.sheets.iter().enumerate().filter_map(move |(s, sh)| sh.part.as_ref().filter(|p| p.family == family).map(|p| (f, s, sh, p)))
    })
}

fn issue_at(sheet: &StagedSheet, part: &Part, row: usize, key: &str, value: &str, rule: &str, severity: Severity, message: String) -> ValidationIssue {
    let letters = sheet.key_columns.iter().find(|(k, _)| k == key).map_or("", |(_, l)| l.as_str());
    let source_row = part.source_row(row);
    ValidationIssue::new(&sheet.account.file, &sheet.account.sheet, format!("{letters}{source_row}"), key, value, rule, severity, message, 1)
}

/// Drops the marked rows of each sheet and moves them from loaded to quarantined.
fn quarantine(files: &mut [StagedFile], rows: &[RowRef]) -> Result<(), PartError> {
    let mut by_sheet: HashMap<(usize, usize), HashSet<usize>> = HashMap::new();
    for r in rows {
        by_sheet.entry((r.file, r.sheet)).or_default().insert(r.row);
    }
    for ((f, s), drop) in by_sheet {
        let sheet = &mut files[f].sheets[s];
        if let Some(part) = sheet.part.as_mut() {
            part.drop_rows(&drop).map_err(|source| PartError::Parquet { path: part.file.clone().unwrap_or_default(), source })?;
        }
        sheet.account.loaded -= drop.len() as u64;
        sheet.account.quarantined += drop.len() as u64;
    }
    Ok(())
}

/// Rows naming an HEI that the `hei` registry does not hold are quarantined. The registry is
/// the input's own `hei` sheets, or else `given`.
pub(crate) fn check_hei_registry(files: &mut [StagedFile], given: Option<&HashSet<String>>) -> Result<Vec<ValidationIssue>, PartError> {
    let mut registry: foldhash::HashSet<String> = sheets_of(files, Family::Hei)
        .filter_map(|(_, _, _, p)| p.text("hei_code"))
        .flat_map(|c| c.iter().flatten().map(str::to_string).collect::<Vec<_>>())
        .collect();
    if registry.is_empty() {
        registry.extend(given.into_iter().flatten().cloned());
    }
    let mut issues = Vec::new();
    let checked = [Family::Students, Family::Mobility, Family::Staff, Family::StateOrder];
    let any_rows = checked.iter().any(|f| sheets_of(files, *f).next().is_some());
    if registry.is_empty() {
        if any_rows {
            issues.push(ValidationIssue::new("", "", String::new(), "hei_code", "", "no_hei_registry", Severity::Warning,
                "no `hei` registry sheet in the input: HEI codes were not checked", 0));
        }
        return Ok(issues);
    }
    let mut dropped = Vec::new();
    for family in checked {
        for (f, s, sheet, part) in sheets_of(files, family) {
            let Some(codes) = part.text("hei_code") else { continue };
            // Rows of one sheet nearly always name the same HEI: look each new code up once.
            let mut last_known: Option<&str> = None;
            for (row, code) in codes.iter().enumerate() {
                let Some(code) = code else { continue };
                if last_known == Some(code) {
                    continue;
                }
                if registry.contains(code) {
                    last_known = Some(code);
                } else {
                    issues.push(issue_at(sheet, part, row, "hei_code", code, "unknown_hei", Severity::Error,
                        format!("HEI code {code} is not in the `hei` registry")));
                    dropped.push(RowRef { file: f, sheet: s, row });
                }
            }
        }
    }
    quarantine(files, &dropped)?;
    Ok(issues)
}

/// A student row found again by the duplicate check.
struct StudentRow<'a> {
    at: RowRef,
    sheet: &'a StagedSheet,
    part: &'a Part,
    hei: &'a str,
    year: i64,
    id: &'a str,
}

/// The same student twice in one HEI and year: every such row is quarantined. The same
/// student in two HEIs: loaded, and warned once at its first row. Issues come student by
/// student, in the order of each student's first row.
pub(crate) fn check_duplicate_students(outcomes: &mut [StagedFile]) -> Result<Vec<ValidationIssue>, PartError> {
    let mut issues = Vec::new();
    let mut dropped = Vec::new();
    {
        // Every student row gets a place: its rank in the scan of files and sheets.
        let sheets: Vec<(usize, usize, &StagedSheet, &Part)> = sheets_of(outcomes, Family::Students).collect();
        let starts: Vec<u64> = sheets.iter().scan(0u64, |next, s| { let start = *next; *next += s.3.len() as u64; Some(start) }).collect();
        let total = sheets.iter().map(|s| s.3.len()).sum::<usize>();
        use polars::prelude::{Int64Chunked, StringChunked};
        fn columns(part: &Part) -> Option<(&StringChunked, &Int64Chunked, &StringChunked)> {
            Some((part.text("hei_code")?, part.int("academic_year")?, part.text("student_id")?))
        }
        // (hash of (year, id), place) of each row with an HEI, a year and an id.
        let mut hashed = vec![(0u64, repeats::NO_ROW); total];
        let mut slices = Vec::with_capacity(sheets.len());
        let mut rest = hashed.as_mut_slice();
        for (sheet, &start) in sheets.iter().zip(&starts) {
            let (mine, tail) = rest.split_at_mut(sheet.3.len());
            slices.push((sheet.3, start, mine));
            rest = tail;
        }
        slices.into_par_iter().for_each(|(part, start, slots)| {
            let Some((hei, year, id)) = columns(part) else { return };
            for (row, (slot, ((h, y), i))) in slots.iter_mut().zip(hei.iter().zip(year.iter()).zip(id.iter())).enumerate() {
                if let (Some(_), Some(y), Some(i)) = (h, y, i) {
                    *slot = (repeats::key_hash(&(y, i)), start + row as u64);
                }
            }
        });
        // A student row again from its place; every place handed back has an HEI, a year and an id.
        let row_of = |place: u64| {
            let k = starts.partition_point(|&s| s <= place) - 1;
            let (file, sheet_index, sheet, part) = sheets[k];
            let at = RowRef { file, sheet: sheet_index, row: (place - starts[k]) as usize };
            let (hei, year, id) = columns(part).map_or((None, None, None), |(h, y, i)| (h.get(at.row), y.get(at.row), i.get(at.row)));
            StudentRow { at, sheet, part, hei: hei.unwrap_or_default(), year: year.unwrap_or_default(), id: id.unwrap_or_default() }
        };
        for places in repeats::repeated_keys(hashed, |place| { let r = row_of(place); (r.year, r.id) }) {
            let entries: Vec<StudentRow> = places.iter().map(|&p| row_of(p)).collect();
            let (year, id) = (entries[0].year, entries[0].id);
            let times = |hei: &str| entries.iter().filter(|e| e.hei == hei).count();
            let mut single_heis: Vec<&StudentRow> = Vec::new();
            for e in &entries {
                let n = times(e.hei);
                if n > 1 {
                    issues.push(issue_at(e.sheet, e.part, e.at.row, "student_id", id, "duplicate_student", Severity::Error,
                        format!("student appears {n} times in HEI {}, academic year {year}; all its rows are quarantined", e.hei)));
                    dropped.push(e.at);
                } else {
                    single_heis.push(e);
                }
            }
            if let [first, _, ..] = single_heis[..] {
                let heis: Vec<&str> = single_heis.iter().map(|e| e.hei).collect();
                issues.push(issue_at(first.sheet, first.part, first.at.row, "student_id", id, "student_in_several_heis", Severity::Warning,
                    format!("student enrolled in {} HEIs in academic year {year} ({}); counted in each", heis.len(), heis.join(", "))));
            }
        }
    }
    quarantine(outcomes, &dropped)?;
    Ok(issues)
}
