//! The staging layout, written by ingestion and read by the indicators (and by any other
//! engine: it is the Hive convention that polars, DuckDB, Spark and Arrow read):
//!
//! ```text
//! staging/<family>/<key>=<Y>/part-0.parquet   (key: academic_year or year, per family)
//! staging/hei/part-0.parquet                  (the registry: no year)
//! staging/_inputs.csv                        (provenance: every input file read, its size,
//!                                              sha256 and the families it fed)
//! ```
//!
//! The partition column lives in the folder name, not in the file. Engines that read the
//! Hive layout skip files whose name starts with `_`, so the provenance file sits beside the
//! datasets without being read as one.

use std::path::{Path, PathBuf};

use crate::families::Family;

/// The one file of a partition.
pub const PART_FILE: &str = "part-0.parquet";

/// The folder of a family's dataset.
pub fn family_dir(staging: &Path, family: Family) -> PathBuf {
    staging.join(family.name())
}

/// The file that holds a family's records of one year (`None` for the unpartitioned registry).
pub fn part_path(staging: &Path, family: Family, year: Option<i32>) -> PathBuf {
    let dir = family_dir(staging, family);
    match (family.partition_key(), year) {
        (Some(key), Some(year)) => dir.join(format!("{key}={year}")).join(PART_FILE),
        _ => dir.join(PART_FILE),
    }
}

/// One partition of a staged family, as found on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// The partition column and its value (`None` for the unpartitioned registry).
    pub key: Option<(String, i32)>,
    pub file: PathBuf,
}

/// A family's partitions, in year order; empty when nothing of the family was staged.
/// Folders that are not partitions of the layout are left alone.
pub fn partitions(staging: &Path, family: Family) -> std::io::Result<Vec<Partition>> {
    let dir = family_dir(staging, family);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let single = dir.join(PART_FILE);
    if single.is_file() {
        return Ok(vec![Partition { key: None, file: single }]);
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((key, value)) = name.split_once('=') else { continue };
        let Ok(value) = value.parse::<i32>() else { continue };
        let file = entry.path().join(PART_FILE);
        if file.is_file() {
            found.push(Partition { key: Some((key.to_string(), value)), file });
        }
    }
    found.sort_by_key(|p| p.key.as_ref().map(|(_, v)| *v));
    Ok(found)
}

/// The provenance file of a staging folder.
pub const INPUTS_FILE: &str = "_inputs.csv";

/// One input file as ingestion read it: what every published table traces back to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    /// Path relative to the input folder, with `/`.
    pub file: String,
    pub bytes: u64,
    /// SHA-256 of the file's bytes, lowercase hex.
    pub sha256: String,
    /// Last modification, seconds since 1970 (the publication's date comes from the inputs).
    pub modified: u64,
    /// Families whose rows it staged (empty for a rejected or unrecognised file).
    pub families: Vec<Family>,
}

/// Why the provenance file could not be read or written.
#[derive(Debug)]
pub struct InputsError(pub String);

impl std::fmt::Display for InputsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputsError {}

/// Writes `staging/_inputs.csv` (`file,bytes,sha256,modified,families`, families
/// `|`-separated).
pub fn write_inputs(staging: &Path, inputs: &[InputFile]) -> Result<(), InputsError> {
    let path = staging.join(INPUTS_FILE);
    let fail = |e: &dyn std::fmt::Display| InputsError(format!("cannot write {}: {e}", path.display()));
    std::fs::create_dir_all(staging).map_err(|e| fail(&e))?;
    let mut writer = csv::Writer::from_path(&path).map_err(|e| fail(&e))?;
    writer.write_record(["file", "bytes", "sha256", "modified", "families"]).map_err(|e| fail(&e))?;
    for input in inputs {
        let families = input.families.iter().map(|f| f.name()).collect::<Vec<_>>().join("|");
        writer.write_record([input.file.as_str(), &input.bytes.to_string(), &input.sha256, &input.modified.to_string(), &families]).map_err(|e| fail(&e))?;
    }
    writer.flush().map_err(|e| fail(&e))
}

/// Reads `staging/_inputs.csv`; an absent file (staging written by another tool) is no inputs.
pub fn read_inputs(staging: &Path) -> Result<Vec<InputFile>, InputsError> {
    let path = staging.join(INPUTS_FILE);
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let fail = |e: &dyn std::fmt::Display| InputsError(format!("cannot read {}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(&path).map_err(|e| fail(&e))?;
    let mut inputs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| fail(&e))?;
        let families = record.get(4).unwrap_or("").split('|').filter_map(Family::from_name).collect();
        inputs.push(InputFile {
            file: record.get(0).unwrap_or("").to_string(),
            bytes: record.get(1).and_then(|b| b.parse().ok()).unwrap_or(0),
            sha256: record.get(2).unwrap_or("").to_string(),
            modified: record.get(3).and_then(|m| m.parse().ok()).unwrap_or(0),
            families,
        });
    }
    Ok(inputs)
}

/// The university that submitted an input file, from its path relative to the input folder:
/// the folder under `universities/` (`universities/HEI004/students.xlsx` → `HEI004`), else the
/// first folder (`ministry/…` → `ministry`), else the file itself.
pub fn submitting_university(file: &str) -> String {
    let mut parts = file.split('/');
    match (parts.next(), parts.next()) {
        (Some("universities"), Some(code)) => code.to_string(),
        (Some(first), Some(_)) => first.to_string(),
        _ => file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_written_is_what_is_found() {
        let tmp = std::env::temp_dir().join(format!("hestat-layout-{}", std::process::id()));
        for (family, year) in [(Family::Students, Some(2024)), (Family::Students, Some(2021)), (Family::Hei, None)] {
            let path = part_path(&tmp, family, year);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, b"").unwrap();
        }
        std::fs::create_dir_all(tmp.join("students/notes")).unwrap();
        let students = partitions(&tmp, Family::Students).unwrap();
        assert_eq!(students.iter().map(|p| p.key.clone()).collect::<Vec<_>>(), [Some(("academic_year".to_string(), 2021)), Some(("academic_year".to_string(), 2024))]);
        assert_eq!(students[1].file, tmp.join("students/academic_year=2024/part-0.parquet"));
        assert_eq!(partitions(&tmp, Family::Hei).unwrap(), [Partition { key: None, file: tmp.join("hei/part-0.parquet") }]);
        assert!(partitions(&tmp, Family::Mobility).unwrap().is_empty());
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn inputs_read_back_as_written() {
        let tmp = std::env::temp_dir().join(format!("hestat-inputs-{}", std::process::id()));
        let inputs = vec![
            InputFile { file: "heis/KZ-001.xlsx".into(), bytes: 1234, sha256: "ab".repeat(32), modified: 1_700_000_000, families: vec![Family::Students, Family::Staff] },
            InputFile { file: "broken.xlsx".into(), bytes: 7, sha256: "00".repeat(32), modified: 0, families: vec![] },
        ];
        write_inputs(&tmp, &inputs).unwrap();
        assert_eq!(read_inputs(&tmp).unwrap(), inputs);
        assert!(read_inputs(&tmp.join("absent")).unwrap().is_empty());
        std::fs::remove_dir_all(&tmp).unwrap();
    }

    #[test]
    fn a_file_belongs_to_the_folder_it_was_submitted_in() {
        assert_eq!(submitting_university("universities/HEI004/upload_interrupted.xlsx"), "HEI004");
        assert_eq!(submitting_university("universities/HEI004/2024/students.csv"), "HEI004");
        assert_eq!(submitting_university("ministry/hei_registry.xlsx"), "ministry");
        assert_eq!(submitting_university("loose.csv"), "loose.csv");
    }
}
