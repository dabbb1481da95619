//! The staging dataset as lazy frames: one per family, its Hive partitions
//! (`<family>/<key>=<value>/part-0.parquet`) scanned and concatenated with the partition
//! column added back (as written by `hestat-ingest`).

use std::path::{Path, PathBuf};

use polars::prelude::*;

use crate::TransformError;

/// A staging folder (`OUT/staging`).
#[derive(Debug, Clone)]
pub struct Staging {
    root: PathBuf,
}

impl Staging {
    pub fn new(root: impl Into<PathBuf>) -> Staging {
        Staging { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The family's records, or `None` when nothing of that family was staged.
    pub fn scan(&self, family: &str) -> Result<Option<LazyFrame>, TransformError> {
        self.stack(family, self.partitions(family)?)
    }

    /// A family's partitions (or frames made from them) one after another; `None` when there
    /// are none.
    pub fn stack(&self, family: &str, parts: Vec<LazyFrame>) -> Result<Option<LazyFrame>, TransformError> {
        if parts.len() <= 1 {
            return Ok(parts.into_iter().next());
        }
        concat(parts, UnionArgs { to_supertypes: true, ..Default::default() })
            .map(Some)
            .map_err(|e| TransformError::Staging { path: self.root.join(family), message: e.to_string() })
    }

    /// The family's partitions (one per year, in order) with the partition column added back;
    /// an unpartitioned family is one.
    pub fn partitions(&self, family: &str) -> Result<Vec<LazyFrame>, TransformError> {
        let dir = self.root.join(family);
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let scan = |path: &Path| {
            LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), ScanArgsParquet::default())
                .map_err(|e| TransformError::Staging { path: path.to_path_buf(), message: e.to_string() })
        };
        let single = dir.join("part-0.parquet");
        if single.is_file() {
            return Ok(vec![scan(&single)?]);
        }
        let mut partitions: Vec<(String, i32, PathBuf)> = Vec::new();
        let entries = std::fs::read_dir(&dir).map_err(|e| TransformError::Staging { path: dir.clone(), message: e.to_string() })?;
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some((key, value)) = name.split_once('=') else { continue };
            let Ok(value) = value.parse::<i32>() else { continue };
            let file = entry.path().join("part-0.parquet");
            if file.is_file() {
                partitions.push((key.to_string(), value, file));
            }
        }
        partitions.sort_by_key(|(_, v, _)| *v);
        partitions.iter().map(|(key, value, file)| scan(file).map(|lf| lf.with_column(lit(*value).alias(key.as_str())))).collect()
    }
}
