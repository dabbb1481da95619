//! The staging dataset as lazy frames: one per family, its partitions (found by
//! `hestat_contract::layout`, the module ingestion writes with) scanned and stacked with the
//! partition column added back.

use std::path::{Path, PathBuf};

use hestat_contract::layout::partitions;
use hestat_contract::Family;
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
    pub fn scan(&self, family: Family) -> Result<Option<LazyFrame>, TransformError> {
        self.stack(family, self.partitions(family)?)
    }

    /// A family's partitions (or frames made from them) one after another; `None` when there
    /// are none.
    pub fn stack(&self, family: Family, parts: Vec<LazyFrame>) -> Result<Option<LazyFrame>, TransformError> {
        if parts.len() <= 1 {
            return Ok(parts.into_iter().next());
        }
        concat(parts, UnionArgs { to_supertypes: true, ..Default::default() })
            .map(Some)
            .map_err(|source| TransformError::Staging { path: self.root.join(family.name()), source })
    }

    /// The family's partitions (one per year, in order) with the partition column added back;
    /// an unpartitioned family is one.
    pub fn partitions(&self, family: Family) -> Result<Vec<LazyFrame>, TransformError> {
        let found = partitions(&self.root, family).map_err(|source| TransformError::Layout { path: self.root.join(family.name()), source })?;
        found
            .into_iter()
            .map(|p| {
                let lf = LazyFrame::scan_parquet(PlRefPath::new(p.file.to_string_lossy().as_ref()), ScanArgsParquet::default())
                    .map_err(|source| TransformError::Staging { path: p.file.clone(), source })?;
                Ok(match p.key {
                    Some((key, value)) => lf.with_column(lit(value).alias(key.as_str())),
                    None => lf,
                })
            })
            .collect()
    }
}
