//! The staging layout, written by ingestion and read by the indicators (and by any other
//! engine: it is the Hive convention that polars, DuckDB, Spark and Arrow read):
//!
//! ```text
//! staging/<family>/<key>=<Y>/part-0.parquet   (key: academic_year or year, per family)
//! staging/hei/part-0.parquet                  (the registry: no year)
//! ```
//!
//! The partition column lives in the folder name, not in the file.

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
}
