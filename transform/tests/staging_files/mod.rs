//! Writing staging files in the layout `hestat-ingest` writes (`<family>/<key>=<Y>/part-0.parquet`,
//! or `<family>/part-0.parquet` for the registry), for the tests' hand-made and random sets.

use std::path::Path;

use polars::prelude::*;

pub fn write(root: &Path, family: &str, partition: Option<(&str, i32)>, columns: Vec<Column>) {
    let dir = match partition {
        Some((key, value)) => root.join(family).join(format!("{key}={value}")),
        None => root.join(family),
    };
    std::fs::create_dir_all(&dir).unwrap();
    let mut df = DataFrame::new_infer_height(columns).unwrap();
    ParquetWriter::new(std::fs::File::create(dir.join("part-0.parquet")).unwrap()).finish(&mut df).unwrap();
}
