//! Lists `data/reference/*.csv` so that every published table there is compiled in: adding a
//! reference table is adding its CSV.

use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/reference");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut stems: Vec<String> = std::fs::read_dir(&dir)
        .expect("data/reference is part of the repository")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect();
    stems.sort();
    let mut code = String::from("/// (file stem, CSV text) of every reference table, by name.\npub const FILES: &[(&str, &str)] = &[\n");
    for stem in &stems {
        let path = dir.join(format!("{stem}.csv"));
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!("    ({stem:?}, include_str!({:?})),\n", path.display().to_string()));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("files.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
