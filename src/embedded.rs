//! The embedded default dataset: the SYNTHETIC sample of `data/samples/`, compiled into the
//! binary and written to the cache folder on first use, so `hestat run` works anywhere.

use std::path::{Path, PathBuf};

/// (path under the dataset folder, bytes).
const FILES: [(&str, &[u8]); 6] = [
    ("README.md", include_bytes!("../data/samples/README.md")),
    ("ministry/hei_registry.csv", include_bytes!("../data/samples/ministry/hei_registry.csv")),
    ("ministry/population_2024.csv", include_bytes!("../data/samples/ministry/population_2024.csv")),
    ("universities/HEI001/students_ru.xls", include_bytes!("../data/samples/universities/HEI001/students_ru.xls")),
    ("universities/HEI001/mobility_kk.ods", include_bytes!("../data/samples/universities/HEI001/mobility_kk.ods")),
    ("universities/HEI002/students_cp1251.csv", include_bytes!("../data/samples/universities/HEI002/students_cp1251.csv")),
];

/// Writes the dataset under `cache/sample/` unless it is already there with the same bytes;
/// returns the input folder to ingest (the README is kept beside it, not inside).
pub fn materialise(cache: &Path) -> std::io::Result<PathBuf> {
    let root = cache.join("sample");
    for (rel, bytes) in FILES {
        let path = if rel == "README.md" { cache.join("SAMPLE-README.md") } else { root.join(rel) };
        if std::fs::read(&path).ok().as_deref() == Some(bytes) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, bytes)?;
    }
    Ok(root)
}
