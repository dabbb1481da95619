//! What the command prints: a progress bar while workbooks are read (hidden when stderr is
//! not a terminal), then a summary that fits one screen ([`one_screen`]: files refused by
//! reason, rows, the universities with the most quarantined rows, what needs a decision, the
//! time of each stage, where the outputs are), with the per-sheet accounting table only on
//! `--verbose` ([`accounting_table`], also in `validation/sheets.csv`), or everything as JSON
//! with `--json`.
//!
//! The summary is styled with ANSI colours; it is printed through `anstream`, which drops
//! them when standard output is not a terminal or `NO_COLOR` is set.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anstyle::{AnsiColor, Style};
use hestat_ingest::{IngestSummary, Progress, SheetStatus, Severity};

pub struct ProgressBar(indicatif::ProgressBar);

impl ProgressBar {
    pub fn new() -> Self {
        // indicatif draws to stderr and hides itself when stderr is not a terminal.
        let bar = indicatif::ProgressBar::new(0);
        if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} reading workbooks {bar:30} {pos}/{len} {wide_msg}") {
            bar.set_style(style);
        }
        ProgressBar(bar)
    }

    pub fn finish(&self) {
        self.0.finish_and_clear();
    }
}

impl Progress for ProgressBar {
    fn started(&self, files: usize) {
        self.0.set_length(files as u64);
    }

    fn file_done(&self, file: &str) {
        self.0.set_message(file.to_string());
        self.0.inc(1);
    }
}

pub fn to_json(summary: &IngestSummary) -> anyhow::Result<String> {
    let staged: serde_json::Map<String, serde_json::Value> =
        summary.staged_rows.iter().map(|(f, n)| (f.name().to_string(), serde_json::json!(n))).collect();
    Ok(serde_json::to_string_pretty(&serde_json::json!({
        "files_read": summary.files_read,
        "files_rejected": summary.files_rejected,
        "files_reused": summary.files_reused,
        "issues": {
            "error": summary.count(Severity::Error),
            "warning": summary.count(Severity::Warning),
            "info": summary.count(Severity::Info),
        },
        "staged_rows": staged,
        "sheets": summary.accounts,
    }))?)
}

fn clip(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n <= width {
        text.to_string()
    } else {
        let head: String = text.chars().take(width.saturating_sub(1)).collect();
        format!("{head}…")
    }
}

/// One line per sheet (file-level refusals as a line without a sheet), and the total.
pub fn accounting_table(summary: &IngestSummary) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "{:<40} {:<24} {:<13} {:<15} {:>9} {:>9} {:>8} {:>11}\n",
        "file", "sheet", "family", "status", "read", "loaded", "skipped", "quarantined"
    ));
    let (mut read, mut loaded, mut skipped, mut quarantined) = (0, 0, 0, 0);
    for a in &summary.accounts {
        read += a.rows_read;
        loaded += a.loaded;
        skipped += a.skipped;
        quarantined += a.quarantined;
        s.push_str(&format!(
            "{:<40} {:<24} {:<13} {:<15} {:>9} {:>9} {:>8} {:>11}\n",
            clip(&a.file, 40),
            clip(if a.sheet.is_empty() { "-" } else { &a.sheet }, 24),
            a.family.unwrap_or("-"),
            a.status.as_str(),
            a.rows_read,
            a.loaded,
            a.skipped,
            a.quarantined
        ));
    }
    s.push_str(&format!(
        "{:<40} {:<24} {:<13} {:<15} {:>9} {:>9} {:>8} {:>11}\n",
        "TOTAL", "", "", "", read, loaded, skipped, quarantined
    ));
    s
}

/// One stage of a run as the summary shows it.
pub struct StageTime {
    pub name: &'static str,
    pub took: Duration,
    /// Its outputs were kept from the last run (not run again).
    pub reused: bool,
}

/// Where a run left what people open next.
pub struct Outputs {
    pub out: PathBuf,
    /// The HTML report, once the run published one.
    pub report: Option<PathBuf>,
}

/// The rules that flag something only the ministry can settle: the summary lists them apart.
const DECISIONS: [(&str, &str); 2] = [
    ("student_in_several_heis", "students enrolled in more than one university in the same year (counted in each): confirm with the universities"),
    ("ephemeral_id_key", "no identifier key (HESTAT_ID_KEY): this run's IIN pseudonyms cannot be linked to other runs"),
];

/// How many universities the summary names.
const TOP_UNIVERSITIES: usize = 10;
/// How many refused files it names per reason.
const FILES_PER_REASON: usize = 3;

const HEAD: Style = Style::new().bold();
const BAD: Style = AnsiColor::Red.on_default().bold();
const WARN: Style = AnsiColor::Yellow.on_default();
const GOOD: Style = AnsiColor::Green.on_default();
const DIM: Style = Style::new().dimmed();

fn paint(style: Style, text: impl std::fmt::Display) -> String {
    format!("{style}{text}{style:#}")
}

/// `1234567` → `1,234,567`, as the English report prints numbers.
fn thousands(n: u64) -> String {
    hestat_reports::charts::format_number(n as f64, hestat_contract::Lang::En)
}

/// A line's heading, padded so that what follows lines up.
fn field(name: &str) -> String {
    paint(HEAD, format!("{name:<10}"))
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// The one-screen summary of an ingestion (and of the stages after it, for `hestat run`).
pub fn one_screen(summary: &IngestSummary, input: &Path, synthetic: bool, stages: &[StageTime], outputs: &Outputs) -> String {
    let mut lines: Vec<String> = Vec::new();
    let label = if synthetic { format!(" {}", paint(WARN, "(SYNTHETIC embedded default dataset: not real students)")) } else { String::new() };
    lines.push(format!("{} {}{label}", paint(HEAD, "hestat: summary of"), input.display()));

    // Why each refused file or sheet was refused: the first error about it as a whole (a
    // refused file's account has no sheet).
    let mut refusal: std::collections::HashMap<(&str, &str), &str> = std::collections::HashMap::new();
    for i in summary.issues.iter().filter(|i| i.severity == Severity::Error && i.cell.is_empty()) {
        refusal.entry((i.file.as_str(), i.sheet.as_str())).or_insert(i.rule.as_str());
    }
    let reason = |a: &hestat_ingest::SheetAccount| refusal.get(&(a.file.as_str(), a.sheet.as_str())).copied().unwrap_or("refused");

    // Files, and the refused ones by reason.
    let mut refused: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for a in summary.accounts.iter().filter(|a| a.status == SheetStatus::FileRejected) {
        refused.entry(reason(a)).or_default().push(&a.file);
    }
    let reused = if summary.unchanged {
        ", all unchanged since the last run (nothing read again)".to_string()
    } else if summary.files_reused > 0 {
        format!(", {} unchanged since the last run (not read again)", thousands(summary.files_reused as u64))
    } else {
        String::new()
    };
    let refused_count = if summary.files_rejected == 0 { paint(GOOD, "0 refused") } else { paint(BAD, format!("{} refused", summary.files_rejected)) };
    lines.push(format!("{}{} read, {refused_count}{reused}", field("files"), thousands(summary.files_read as u64)));
    for (reason, files) in &refused {
        let more = files.len().saturating_sub(FILES_PER_REASON);
        let named = files.iter().take(FILES_PER_REASON).copied().collect::<Vec<_>>().join(", ");
        let more = if more > 0 { format!(" and {more} more") } else { String::new() };
        let why = hestat_contract::rules::rule(reason).map(|r| r.problem(hestat_contract::Lang::En, "", "")).unwrap_or_default();
        lines.push(format!("  {}{:>4}  {named}{more}", paint(BAD, format!("{reason:<24}")), files.len()));
        if !why.is_empty() {
            lines.push(format!("  {:<24}      {}", "", paint(DIM, why)));
        }
    }

    // Sheets and rows.
    let count = |status: SheetStatus| summary.accounts.iter().filter(|a| a.status == status).count() as u64;
    let sheets = summary.accounts.iter().filter(|a| a.status != SheetStatus::FileRejected).count() as u64;
    let mut refused_sheets: BTreeMap<&str, u64> = BTreeMap::new();
    for a in summary.accounts.iter().filter(|a| a.status == SheetStatus::Rejected) {
        *refused_sheets.entry(reason(a)).or_insert(0) += 1;
    }
    let refused_sheets_text = if refused_sheets.is_empty() {
        "0 refused".to_string()
    } else {
        let by = refused_sheets.iter().map(|(r, n)| format!("{r} {n}")).collect::<Vec<_>>().join(", ");
        paint(BAD, format!("{} refused ({by})", count(SheetStatus::Rejected)))
    };
    lines.push(format!(
        "{}{}: {} loaded, {refused_sheets_text}, {} without a table of the contract, {} empty, {} hidden",
        field("sheets"),
        thousands(sheets),
        thousands(count(SheetStatus::Loaded)),
        thousands(count(SheetStatus::NotRecognised)),
        thousands(count(SheetStatus::Empty)),
        thousands(count(SheetStatus::Hidden)),
    ));
    let total = |f: fn(&hestat_ingest::SheetAccount) -> u64| summary.accounts.iter().map(f).sum::<u64>();
    let quarantined = total(|a| a.quarantined);
    lines.push(format!(
        "{}{} read = {} loaded + {} skipped (blank, total and note rows) + {}",
        field("rows"),
        thousands(total(|a| a.rows_read)),
        thousands(total(|a| a.loaded)),
        thousands(total(|a| a.skipped)),
        if quarantined == 0 { paint(GOOD, "0 quarantined") } else { paint(BAD, format!("{} quarantined", thousands(quarantined))) },
    ));

    // The universities with the most quarantined rows, with their main rules.
    let mut by_university: BTreeMap<String, (u64, BTreeMap<&str, u64>)> = BTreeMap::new();
    for a in summary.accounts.iter().filter(|a| a.quarantined > 0) {
        by_university.entry(hestat_contract::layout::submitting_university(&a.file)).or_default().0 += a.quarantined;
    }
    for i in summary.issues.iter().filter(|i| i.severity == Severity::Error && !i.cell.is_empty()) {
        if let Some((_, rules)) = by_university.get_mut(&hestat_contract::layout::submitting_university(&i.file)) {
            *rules.entry(i.rule.as_str()).or_insert(0) += 1;
        }
    }
    if !by_university.is_empty() {
        let mut ranked: Vec<_> = by_university.into_iter().collect();
        ranked.sort_by(|(a, (na, _)), (b, (nb, _))| nb.cmp(na).then_with(|| a.cmp(b)));
        let shown = ranked.len().min(TOP_UNIVERSITIES);
        lines.push(paint(HEAD, format!("quarantined rows by university (top {shown} of {}; every row in validation/issues.csv):", ranked.len())));
        for (university, (rows, rules)) in ranked.iter().take(TOP_UNIVERSITIES) {
            let mut rules: Vec<_> = rules.iter().collect();
            rules.sort_by(|(a, na), (b, nb)| nb.cmp(na).then_with(|| a.cmp(b)));
            let main = rules.iter().take(3).map(|(r, n)| format!("{r} {n}")).collect::<Vec<_>>().join(", ");
            lines.push(format!("  {university:<22}{:>8}  {}", thousands(*rows), paint(DIM, main)));
        }
    }

    // Warnings that need a decision.
    let decisions: Vec<String> = DECISIONS
        .iter()
        .filter_map(|(rule, what)| {
            let n = summary.issues.iter().filter(|i| i.rule == *rule).count();
            (n > 0).then(|| {
                let n = if *rule == "ephemeral_id_key" { String::new() } else { format!("{} ", thousands(n as u64)) };
                format!("  {}{n}{what}", paint(WARN, format!("{rule:<24}")))
            })
        })
        .collect();
    if !decisions.is_empty() {
        lines.push(paint(HEAD, "needs a decision:"));
        lines.extend(decisions);
    }
    lines.push(format!(
        "{}{} errors, {} warnings, {} notes",
        field("issues"),
        thousands(summary.count(Severity::Error) as u64),
        thousands(summary.count(Severity::Warning) as u64),
        thousands(summary.count(Severity::Info) as u64),
    ));

    // Time.
    let ingest_parts = summary.timings.iter().map(|(what, d)| format!("{what} {:.2}", d.as_secs_f64())).collect::<Vec<_>>().join(", ");
    let stage_text = stages
        .iter()
        .map(|s| {
            let kept = if s.reused { " (kept, not run again)" } else { "" };
            if s.name == "ingest" && !ingest_parts.is_empty() {
                format!("{} {} ({ingest_parts}){kept}", s.name, seconds(s.took))
            } else {
                format!("{} {}{kept}", s.name, seconds(s.took))
            }
        })
        .collect::<Vec<_>>();
    let all: Duration = stages.iter().map(|s| s.took).sum();
    let end = if stages.len() > 1 { format!(" = {}", seconds(all)) } else { String::new() };
    lines.push(format!("{}{}{end}", field("time"), stage_text.join(" · ")));

    // Where things are.
    let out = &outputs.out;
    let mut places = vec![
        ("validation report", out.join("validation").join("issues.csv")),
        ("per-sheet accounting", out.join("validation").join("sheets.csv")),
        ("staging", out.join("staging")),
    ];
    if let Some(report) = &outputs.report {
        places.push(("HTML report", report.clone()));
    }
    lines.push(paint(HEAD, "outputs:"));
    for (what, path) in places {
        let also = if what == "per-sheet accounting" { " (or --verbose)" } else { "" };
        lines.push(format!("  {what:<22}{}{also}", path.display()));
    }
    let mut s = lines.join("\n");
    s.push('\n');
    s
}
