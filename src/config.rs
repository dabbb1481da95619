//! `hestat.toml`: paths, limits and where the identifier key comes from. Every setting has a
//! default, so `hestat run` works with no file at all.
//!
//! ```toml
//! cache_dir = ".hestat-cache"          # where `hestat run` materialises the default dataset
//!
//! [limits]
//! max_part_bytes = 1073741824          # an archive part may expand to at most 1 GiB
//! max_total_bytes = 4294967296         # all parts of one archive together
//! max_sheet_cells = 20000000           # cells a sheet may hold (its declared range may be larger: a warning)
//! header_scan_rows = 30                # rows from the top that may hold the header
//!
//! [disclosure]
//! rule = "threshold"                   # or "rounding" (HESA's: counts to the nearest 5)
//! minimum = 5                          # threshold: counts of fewer persons are suppressed
//!
//! [privacy]
//! id_key_env = "HESTAT_ID_KEY"         # environment variable holding the IIN hashing key
//! # id_key_file = "/run/secrets/hestat_id_key"   # or a file holding it (takes precedence)
//! ```

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use hestat_ingest::{Limits, PersonIdHasher};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    cache_dir: Option<PathBuf>,
    #[serde(default)]
    limits: LimitsSection,
    #[serde(default)]
    privacy: PrivacySection,
    #[serde(default)]
    disclosure: DisclosureSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisclosureSection {
    rule: Option<String>,
    minimum: Option<f64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsSection {
    max_part_bytes: Option<u64>,
    max_total_bytes: Option<u64>,
    max_sheet_cells: Option<u64>,
    header_scan_rows: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PrivacySection {
    id_key_env: Option<String>,
    id_key_file: Option<PathBuf>,
}

impl Config {
    /// Reads the given file, or `./hestat.toml` when it exists, or the defaults.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None if Path::new("hestat.toml").exists() => PathBuf::from("hestat.toml"),
            None => return Ok(Config::default()),
        };
        let text = std::fs::read_to_string(&path).with_context(|| format!("cannot read configuration {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("invalid configuration {}", path.display()))
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.cache_dir.clone().unwrap_or_else(|| PathBuf::from(".hestat-cache"))
    }

    pub fn limits(&self) -> Limits {
        let d = Limits::default();
        Limits {
            max_part_bytes: self.limits.max_part_bytes.unwrap_or(d.max_part_bytes),
            max_total_bytes: self.limits.max_total_bytes.unwrap_or(d.max_total_bytes),
            max_sheet_cells: self.limits.max_sheet_cells.unwrap_or(d.max_sheet_cells),
            header_scan_rows: self.limits.header_scan_rows.unwrap_or(d.header_scan_rows),
        }
    }

    /// The disclosure-control rule of the public tables: `threshold` (the default, with
    /// `minimum` 5) or `rounding`. docs/disclosure.md gives the reasons for the default.
    pub fn disclosure_rule(&self) -> anyhow::Result<hestat_reports::disclosure::Rule> {
        use hestat_reports::disclosure::Rule;
        let minimum = self.disclosure.minimum.unwrap_or(5.0);
        match self.disclosure.rule.as_deref().unwrap_or("threshold") {
            "threshold" if minimum >= 1.0 => Ok(Rule::Threshold { minimum }),
            "threshold" => bail!("[disclosure] minimum must be at least 1, not {minimum}"),
            "rounding" => Ok(Rule::Rounding),
            other => bail!("[disclosure] rule must be \"threshold\" or \"rounding\", not \"{other}\""),
        }
    }

    /// The IIN hasher: key from `id_key_file`, else from the environment variable
    /// (`HESTAT_ID_KEY` by default), else an ephemeral key (with a warning in the report).
    pub fn hasher(&self) -> anyhow::Result<PersonIdHasher> {
        if let Some(file) = &self.privacy.id_key_file {
            let key = std::fs::read(file).with_context(|| format!("cannot read id_key_file {}", file.display()))?;
            let key = key.trim_ascii();
            if key.len() < 16 {
                bail!("the key in id_key_file {} is shorter than 16 bytes", file.display());
            }
            return Ok(PersonIdHasher::new(key));
        }
        let var = self.privacy.id_key_env.as_deref().unwrap_or("HESTAT_ID_KEY");
        match std::env::var(var) {
            Ok(key) if key.len() >= 16 => Ok(PersonIdHasher::new(key.as_bytes())),
            Ok(_) => bail!("the key in ${var} is shorter than 16 bytes"),
            Err(_) => Ok(PersonIdHasher::ephemeral()),
        }
    }
}
