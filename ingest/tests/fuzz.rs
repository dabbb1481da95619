//! Fuzzing the per-file reader (a bounded, seeded property test): valid workbooks of every
//! format (made here, and the committed fixtures) are mutated, as raw bytes, or inside their
//! container (an XML part of an xlsx or ods re-zipped, the Workbook stream of an xls re-wrapped,
//! so the mutations reach the parsers behind the containers), and each mutant is ingested.
//! No panic may escape, the process must not abort (an abort ends this test binary), the
//! accounting must hold, and the file must be in the validation report.

mod workbook_writers;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use hestat_ingest::{ingest, IngestConfig, Limits, PersonIdHasher};
use proptest::prelude::*;
use workbook_writers::{Book, Format, Sheet, W};

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Seeds: (file name, bytes), made once.
fn seeds() -> &'static [(&'static str, Vec<u8>)] {
    static SEEDS: std::sync::OnceLock<Vec<(&'static str, Vec<u8>)>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(make_seeds)
}

fn make_seeds() -> Vec<(&'static str, Vec<u8>)> {
    let book = Book {
        sheets: vec![Sheet {
            name: "Данные".into(),
            rows: vec![
                ["academic_year", "hei_code", "student_id", "gender", "birth_date", "citizenship", "level", "program_code", "study_year", "funding"].map(W::text).to_vec(),
                vec![W::text("2024-2025"), W::text("U1"), W::text("S-1"), W::text("F"), W::Date(2004, 5, 17), W::text("KAZ"), W::text("bachelor"), W::text("6B01101"), W::Number(2.0), W::Bool(true)],
            ],
            merged: Some((0, 3)),
            ..Sheet::default()
        }],
        ..Book::default()
    };
    let tmp = tempfile::tempdir().expect("temp");
    let mut out = Vec::new();
    for (format, name) in [(Format::Xlsx, "made.xlsx"), (Format::Ods, "made.ods"), (Format::Xls, "made.xls")] {
        let path = tmp.path().join(name);
        format.write(&path, &book);
        out.push((name, std::fs::read(&path).expect("read")));
    }
    out.push(("made.csv", "year;region;age;population\n2024;Алматы;18;1 204\n2024;KZ-10;19;—\n".as_bytes().to_vec()));
    out.push(("students_ru.xls", fixture("legacy/students_ru.xls")));
    out.push(("mobility_kk.ods", fixture("legacy/mobility_kk.ods")));
    out.push(("students_en.xlsb", fixture("legacy/students_en.xlsb")));
    out.push(("short.xlsb", fixture("legacy/students_en_short_records.xlsb")));
    out.push(("innovations.xls", fixture("realworld/innovations.xls")));
    out.push(("schools.xlsx", fixture("realworld/schools.xlsx")));
    out
}

/// A mutation of a byte string.
#[derive(Debug, Clone)]
enum Mutation {
    /// Overwrite `len` bytes at `at` (a fraction of the length) with `byte`.
    Overwrite { at: f64, len: usize, byte: u8 },
    /// Flip bit `bit` of the byte at `at`.
    Flip { at: f64, bit: u8 },
    /// Cut the bytes after `at`.
    Truncate { at: f64 },
    /// Copy `len` bytes from `from` over `to`.
    Splice { from: f64, to: f64, len: usize },
    /// Insert a digit-heavy number at `at` (lengths, counts and indices).
    Number { at: f64, digits: u8 },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64, 1..64usize, any::<u8>()).prop_map(|(at, len, byte)| Mutation::Overwrite { at, len, byte }),
        (0.0..1.0f64, 0..8u8).prop_map(|(at, bit)| Mutation::Flip { at, bit }),
        (0.0..1.0f64).prop_map(|at| Mutation::Truncate { at }),
        (0.0..1.0f64, 0.0..1.0f64, 1..512usize).prop_map(|(from, to, len)| Mutation::Splice { from, to, len }),
        (0.0..1.0f64, 1..20u8).prop_map(|(at, digits)| Mutation::Number { at, digits }),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    if bytes.is_empty() {
        return;
    }
    let pos = |f: f64, len: usize| ((f * len as f64) as usize).min(len.saturating_sub(1));
    match *m {
        Mutation::Overwrite { at, len, byte } => {
            let at = pos(at, bytes.len());
            let end = (at + len).min(bytes.len());
            bytes[at..end].fill(byte);
        }
        Mutation::Flip { at, bit } => {
            let at = pos(at, bytes.len());
            bytes[at] ^= 1 << bit;
        }
        Mutation::Truncate { at } => bytes.truncate(pos(at, bytes.len())),
        Mutation::Splice { from, to, len } => {
            let (from, to) = (pos(from, bytes.len()), pos(to, bytes.len()));
            let len = len.min(bytes.len() - from).min(bytes.len() - to);
            let chunk = bytes[from..from + len].to_vec();
            bytes[to..to + len].copy_from_slice(&chunk);
        }
        Mutation::Number { at, digits } => {
            let at = pos(at, bytes.len());
            let number: Vec<u8> = std::iter::repeat_n(b'9', usize::from(digits)).collect();
            bytes.splice(at..at, number);
        }
    }
}

/// Mutates one part of a zip (chosen by `which`) and zips it again, parts stored.
fn mutate_inside_zip(bytes: &[u8], which: usize, mutations: &[Mutation]) -> Option<Vec<u8>> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).ok()?;
    let target = which % archive.len().max(1);
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).ok()?;
        let name = part.name().ok()?.into_owned();
        let mut data = Vec::new();
        part.read_to_end(&mut data).ok()?;
        if i == target {
            for m in mutations {
                apply(&mut data, m);
            }
        }
        writer.start_file(name, stored).ok()?;
        writer.write_all(&data).ok()?;
    }
    Some(writer.finish().ok()?.into_inner())
}

/// Mutates the Workbook stream of an xls and wraps it in a new container.
fn mutate_inside_cfb(bytes: &[u8], mutations: &[Mutation]) -> Option<Vec<u8>> {
    let mut container = cfb::CompoundFile::open(std::io::Cursor::new(bytes)).ok()?;
    let mut stream = Vec::new();
    container.open_stream("/Workbook").ok()?.read_to_end(&mut stream).ok()?;
    for m in mutations {
        apply(&mut stream, m);
    }
    let mut out = cfb::CompoundFile::create_with_version(cfb::Version::V3, std::io::Cursor::new(Vec::new())).ok()?;
    out.create_stream("/Workbook").ok()?.write_all(&stream).ok()?;
    out.flush().ok()?;
    Some(out.into_inner().into_inner())
}

fn ingest_one(name: &str, bytes: &[u8]) -> Result<(), String> {
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let input: PathBuf = tmp.path().join("in");
    std::fs::create_dir_all(&input).map_err(|e| e.to_string())?;
    std::fs::write(input.join(name), bytes).map_err(|e| e.to_string())?;
    let config = IngestConfig { input, out: tmp.path().join("out"), limits: Limits::default(), hasher: PersonIdHasher::new(b"fuzz-key-0123456789abcdef"), reuse: None };
    let summary = ingest(&config, &()).map_err(|e| format!("ingestion failed: {e}"))?;
    for a in &summary.accounts {
        if !a.balances() {
            return Err(format!("accounting does not balance: {a:?}"));
        }
    }
    let listed = summary.accounts.iter().any(|a| a.file == name) || summary.issues.iter().any(|i| i.file == name);
    if !listed {
        return Err(format!("{name} is not in the validation report"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, max_shrink_iters: 200, ..ProptestConfig::default() })]
    #[test]
    fn mutated_workbooks_never_escape_the_reader(seed in 0..10usize, inside in any::<bool>(), which in 0..64usize, mutations in prop::collection::vec(mutation(), 1..4)) {
        let seeds = seeds();
        let (name, original) = &seeds[seed % seeds.len()];
        let mutated = if inside && !name.ends_with(".csv") {
            if name.ends_with(".xls") { mutate_inside_cfb(original, &mutations) } else { mutate_inside_zip(original, which, &mutations) }
        } else {
            None
        };
        let bytes = mutated.unwrap_or_else(|| {
            let mut b = original.clone();
            for m in &mutations {
                apply(&mut b, m);
            }
            b
        });
        // A panic inside ingestion escapes as a test failure; an abort ends the test binary.
        let result = std::panic::catch_unwind(|| ingest_one(name, &bytes));
        prop_assert!(result.is_ok(), "{name}: a panic escaped ingestion");
        prop_assert!(result.as_ref().is_ok_and(|r| r.is_ok()), "{name}: {:?}", result.ok());
    }
}
