//! What the command prints: a progress bar while workbooks are read (hidden when stderr is
//! not a terminal), then the per-sheet accounting as a table, or as JSON with `--json`.

use std::path::Path;

use hestat_ingest::{IngestSummary, Progress, Severity};

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

pub fn accounting_table(summary: &IngestSummary, out: &Path) -> String {
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
    s.push_str(&format!(
        "\n{} files read, {} rejected; issues: {} errors, {} warnings, {} notes\n{}staging: {}\nvalidation report: {}\n",
        summary.files_read,
        summary.files_rejected,
        summary.count(Severity::Error),
        summary.count(Severity::Warning),
        summary.count(Severity::Info),
        if summary.unchanged {
            "reused: inputs, settings and outputs as the last run left them (nothing read or written)\n".to_string()
        } else if summary.files_reused > 0 {
            format!("reused: {} of {} files unchanged since the last run (not read again)\n", summary.files_reused, summary.files_read)
        } else {
            String::new()
        },
        out.join("staging").display(),
        out.join("validation").join("issues.csv").display(),
    ));
    s
}
