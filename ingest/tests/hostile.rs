//! Hostile input, built by the tests themselves: each case is a folder with one hostile file
//! (or link) beside a good file, ingested in a child process (this test binary run again on
//! the ignored `hostile_child` entry) so that a crash, an abort or a memory blow-up shows as
//! the child's failure and its peak memory is its own (`getrusage(RUSAGE_CHILDREN)`). For
//! every case: the run finishes, the good file loads, the hostile path is reported with the
//! right rule, the accounting holds, every input path is in `sheets.csv` or `issues.csv`, and
//! the child's peak memory (its own `VmHWM`, which exec resets: `getrusage` of children would
//! count the parent's pages at fork) stays under a bound far below what the unguarded readers
//! needed (6 GB and more).

mod workbook_writers;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use hestat_ingest::{ingest, IngestConfig, Limits, PersonIdHasher};
use workbook_writers::{ods_from_tables, xls_bytes, Book, Sheet, W};

/// The peak memory any one ingestion may need here (the limits are the defaults).
const MEMORY_BOUND_MIB: i64 = 1536;

/// The child's entry point: ingests `HESTAT_HOSTILE_IN` into `HESTAT_HOSTILE_OUT`.
#[test]
#[ignore = "run by the hostile-input tests as their child process"]
fn hostile_child() {
    let input = PathBuf::from(std::env::var("HESTAT_HOSTILE_IN").expect("HESTAT_HOSTILE_IN"));
    let out = PathBuf::from(std::env::var("HESTAT_HOSTILE_OUT").expect("HESTAT_HOSTILE_OUT"));
    let config = IngestConfig { input, out, limits: Limits::default(), hasher: PersonIdHasher::new(b"hostile-input-key-0123456789"), reuse: None };
    ingest(&config, &()).expect("ingestion finishes");
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let peak = status.lines().find_map(|l| l.strip_prefix("VmHWM:")).map(|v| v.trim().trim_end_matches("kB").trim().to_string()).expect("VmHWM");
    // On stderr: stdout carries the harness's own lines.
    eprintln!("hostile-child-peak-kib: {peak}");
}

fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = reader.headers().expect("header").clone();
    reader.records().map(|r| headers.iter().zip(r.expect("record").iter()).map(|(h, v)| (h.to_string(), v.to_string())).collect()).collect()
}


struct Outcome {
    issues: Vec<BTreeMap<String, String>>,
    sheets: Vec<BTreeMap<String, String>>,
}

impl Outcome {
    /// The rules reported for a path (file-level and sheet-level issues), sorted.
    fn rules(&self, file: &str) -> Vec<String> {
        let mut rules: Vec<String> = self.issues.iter().filter(|i| i["file"] == file).map(|i| i["rule"].clone()).collect();
        rules.sort();
        rules
    }

    fn issue(&self, file: &str, rule: &str) -> &BTreeMap<String, String> {
        self.issues.iter().find(|i| i["file"] == file && i["rule"] == rule).unwrap_or_else(|| panic!("no {rule} for {file}: {:#?}", self.issues))
    }

    fn loaded(&self, file: &str) -> u64 {
        self.sheets.iter().filter(|s| s["file"] == file).map(|s| s["loaded"].parse::<u64>().expect("a count")).sum()
    }
}

/// Ingests `input` in a child process and checks what every case must show.
fn run_child(name: &str, input: &Path) -> Outcome {
    let out = input.with_file_name(format!("{name}-out"));
    // The child's own output (its test harness's lines) is kept, and shown only on failure.
    let child = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["hostile_child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
        .env("HESTAT_HOSTILE_IN", input)
        .env("HESTAT_HOSTILE_OUT", &out)
        .output()
        .expect("start the child");
    assert!(
        child.status.success(),
        "{name}: the ingestion did not finish ({})\n{}{}",
        child.status,
        String::from_utf8_lossy(&child.stdout),
        String::from_utf8_lossy(&child.stderr)
    );
    let stderr = String::from_utf8_lossy(&child.stderr);
    let peak_kib: i64 = stderr.lines().find_map(|l| l.strip_prefix("hostile-child-peak-kib: ")).and_then(|v| v.trim().parse().ok()).expect("the child reports its peak memory");
    let peak = peak_kib / 1024;
    assert!(peak < MEMORY_BOUND_MIB, "{name}: peak memory {peak} MiB (bound {MEMORY_BOUND_MIB} MiB)");
    println!("{name}: finished, peak memory {peak} MiB");
    let outcome = Outcome { issues: read_csv(&out.join("validation/issues.csv")), sheets: read_csv(&out.join("validation/sheets.csv")) };
    for sheet in &outcome.sheets {
        let n = |k: &str| sheet[k].parse::<u64>().expect("a count");
        assert_eq!(n("rows_read"), n("loaded") + n("skipped") + n("quarantined"), "{name}: accounting of {sheet:?}");
    }
    assert_eq!(outcome.loaded("good.csv"), 1, "{name}: the good file beside the hostile one loads");
    // Every path under the input folder is accounted for.
    let mut stack = vec![input.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("list") {
            let path = entry.expect("entry").path();
            let rel = path.strip_prefix(input).expect("inside").to_string_lossy().replace('\\', "/");
            let listed = outcome.sheets.iter().any(|s| s["file"] == rel) || outcome.issues.iter().any(|i| i["file"] == rel);
            if path.is_dir() && !path.is_symlink() {
                stack.push(path);
            } else {
                assert!(listed, "{name}: {rel} is neither in sheets.csv nor in issues.csv");
            }
        }
    }
    outcome
}

/// A case folder: a good population file, and whatever `make` puts beside it.
fn case(name: &str, tmp: &Path, make: impl FnOnce(&Path)) -> Outcome {
    let input = tmp.join(name);
    std::fs::create_dir_all(&input).expect("folder");
    std::fs::write(input.join("good.csv"), "year,region,age,population\n2024,KZ-75,18,100\n").expect("good file");
    make(&input);
    run_child(name, &input)
}

fn one_sheet(rows: Vec<Vec<W>>) -> Book {
    Book { sheets: vec![Sheet { name: "Data".into(), rows, ..Sheet::default() }], ..Book::default() }
}

fn population_book() -> Book {
    let header = ["year", "region", "age", "population"].map(W::text).to_vec();
    let row = vec![W::Number(2024.0), W::text("KZ-11"), W::Number(19.0), W::Number(7.0)];
    one_sheet(vec![header, row])
}

/// A valid xlsx with its parts changed by `patch` (name, bytes → bytes) and `extra` parts added.
fn xlsx_with_parts(patch: impl Fn(&str, Vec<u8>) -> Vec<u8>, extra: impl Iterator<Item = (String, Vec<u8>)>) -> Vec<u8> {
    let tmp = tempfile::tempdir().expect("temp");
    let path = tmp.path().join("v.xlsx");
    workbook_writers::Format::Xlsx.write(&path, &population_book());
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for i in 0..archive.len() {
        let mut f = archive.by_index(i).expect("part");
        let name = f.name().expect("name").into_owned();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut f, &mut data).expect("read");
        let data = patch(&name, data);
        writer.start_file(name, options).expect("part");
        writer.write_all(&data).expect("write");
    }
    for (name, data) in extra {
        writer.start_file(name, options).expect("part");
        writer.write_all(&data).expect("write");
    }
    writer.finish().expect("finish").into_inner()
}

#[test]
fn hostile_files_are_reported_while_the_others_load_and_memory_stays_bounded() {
    let tmp = tempfile::tempdir().expect("temp");
    let tmp = tmp.path();

    // ODS: cells at A1 and CQ1048576 (827 bytes made calamine allocate 4.7 GB): two cells, read.
    let far = ods_from_tables(
        "<table:table table:name=\"Far\"><table:table-row><table:table-cell office:value-type=\"string\"><text:p>a</text:p></table:table-cell></table:table-row>\
         <table:table-row table:number-rows-repeated=\"1048574\"><table:table-cell table:number-columns-repeated=\"95\"/></table:table-row>\
         <table:table-row><table:table-cell table:number-columns-repeated=\"94\"/><table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell></table:table-row></table:table>",
        false,
    );
    let o = case("ods-far-cell", tmp, |dir| std::fs::write(dir.join("far.ods"), &far).expect("write"));
    assert_eq!(o.rules("far.ods"), ["no_family_recognised"], "read, not rejected");

    // ODS: a row of 3 cells repeated 10 million times (30 million cells held): refused.
    let rows = ods_from_tables(
        "<table:table table:name=\"Rows\"><table:table-row table:number-rows-repeated=\"10000000\"><table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"3\"><text:p>x</text:p></table:table-cell></table:table-row></table:table>",
        false,
    );
    let o = case("ods-repeated-rows", tmp, |dir| std::fs::write(dir.join("rows.ods"), &rows).expect("write"));
    assert_eq!(o.rules("rows.ods"), ["sheet_too_large"]);
    assert!(o.issue("rows.ods", "sheet_too_large")["message"].starts_with("sheet Rows holds more than 20000000 cells"));

    // ODS: a cell repeated a billion columns (16,384 kept a row), in 5,000 rows: refused.
    let cols = ods_from_tables(
        "<table:table table:name=\"Cols\"><table:table-row table:number-rows-repeated=\"5000\"><table:table-cell office:value-type=\"string\" table:number-columns-repeated=\"1000000000\"><text:p>x</text:p></table:table-cell></table:table-row></table:table>",
        false,
    );
    let o = case("ods-repeated-columns", tmp, |dir| std::fs::write(dir.join("cols.ods"), &cols).expect("write"));
    assert_eq!(o.rules("cols.ods"), ["sheet_too_large"]);

    // ODS with a password: the manifest lists encrypted parts.
    let secret = ods_from_tables("<table:table table:name=\"S\"/>", true);
    let o = case("ods-password", tmp, |dir| std::fs::write(dir.join("secret.ods"), &secret).expect("write"));
    assert_eq!(o.rules("secret.ods"), ["password_protected"]);
    assert!(o.issue("secret.ods", "password_protected")["message"].contains("save a copy without the password"));

    // xls: a DIMENSIONS record declaring 4 billion rows over one cell (calamine reserved room for
    // the declared grid): the cell is read, the range is a warning.
    let mut book = one_sheet(vec![vec![W::text("a")]]);
    book.sheets[0].xls_dimensions = Some((0, u32::MAX, 0, 256));
    let declared = xls_bytes(&book);
    let o = case("xls-declared-range", tmp, |dir| std::fs::write(dir.join("declared.xls"), &declared).expect("write"));
    assert_eq!(o.rules("declared.xls"), ["dimension_overstated", "no_family_recognised"]);
    // xls: cells at A1 and IV65536 only (calamine would hold the whole 16.8-million-cell grid, 1 GB).
    let mut book = one_sheet(vec![vec![W::text("a")]]);
    book.sheets[0].rows.resize(65_535, vec![]);
    book.sheets[0].rows.push({
        let mut r = vec![W::Empty; 255];
        r.push(W::text("z"));
        r
    });
    let far_xls = xls_bytes(&book);
    let o = case("xls-far-cell", tmp, |dir| std::fs::write(dir.join("far.xls"), &far_xls).expect("write"));
    assert_eq!(o.rules("far.xls"), ["sheet_too_large"]);
    assert_eq!(o.issue("far.xls", "sheet_too_large")["message"], "sheet Data has 2 cells spread from A1 to IV65536 (a grid of 16777216 cells), too sparse or too large to read as an .xls sheet: delete the stray cells far from the table (or save the file as .xlsx) and send it again");

    // xls: a macro sheet and a sheet of a kind calamine does not know, beside a data sheet.
    let mut book = population_book();
    for (name, kind) in [("Macro1", 1u8), ("Odd", 3u8)] {
        book.sheets.push(Sheet { name: name.into(), rows: vec![vec![W::text("=HALT()")]], xls_type: kind, ..Sheet::default() });
    }
    let mixed = xls_bytes(&book);
    let o = case("xls-macro-sheet", tmp, |dir| std::fs::write(dir.join("mixed.xls"), &mixed).expect("write"));
    assert_eq!(o.loaded("mixed.xls"), 1, "the worksheet loads");
    let rules = o.rules("mixed.xls");
    assert_eq!(rules, ["not_a_worksheet", "not_a_worksheet"], "the macro sheet and the sheet of an unknown kind are listed");

    // xls obfuscated with a password (a FILEPASS record), and one naming an unknown code page.
    let mut book = population_book();
    book.xls_globals.push((0x002F, vec![0, 0, 0x34, 0x12, 0x78, 0x56]));
    let xor = xls_bytes(&book);
    let o = case("xls-password", tmp, |dir| std::fs::write(dir.join("xor.xls"), &xor).expect("write"));
    assert_eq!(o.rules("xor.xls"), ["password_protected"]);
    let mut book = population_book();
    book.xls_globals.push((0x0042, 0xD7D4u16.to_le_bytes().to_vec()));
    let codepage = xls_bytes(&book);
    let o = case("xls-code-page", tmp, |dir| std::fs::write(dir.join("cp.xls"), &codepage).expect("write"));
    assert_eq!(o.loaded("cp.xls"), 1, "{:#?}", o.issues.iter().filter(|i| i["file"] == "cp.xls").collect::<Vec<_>>());
    assert_eq!(o.issue("cp.xls", "unknown_code_page")["message"], "the workbook names an unknown code page (0xD7D4); its text is read as Unicode, as every Excel 97+ file stores it");

    // A BIFF4 worksheet (Excel 4.0: a bare record stream).
    let biff4 = [0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00];
    let o = case("biff4", tmp, |dir| std::fs::write(dir.join("old.xls"), biff4).expect("write"));
    assert_eq!(o.rules("old.xls"), ["old_excel_format"]);
    assert!(o.issue("old.xls", "old_excel_format")["message"].contains("Excel 4.0 (BIFF4)"));

    // A zip that is no workbook.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    zip.start_file("photos/1.jpg", zip::write::SimpleFileOptions::default()).expect("part");
    zip.write_all(b"not a photo").expect("write");
    let archive = zip.finish().expect("finish").into_inner();
    let o = case("zip-not-workbook", tmp, |dir| std::fs::write(dir.join("photos.zip"), &archive).expect("write"));
    assert_eq!(o.rules("photos.zip"), ["not_a_spreadsheet"]);

    // xlsx: 20,000 extra parts; a 50 MB attribute and 100,000 nested elements in the sheet
    // XML; a huge shared-strings table (1.5 million strings): read.
    let keep = |_: &str, data: Vec<u8>| data;
    let many = xlsx_with_parts(keep, (0..20_000).map(|i| (format!("junk/{i}.txt"), b"x".to_vec())));
    let o = case("xlsx-many-parts", tmp, |dir| std::fs::write(dir.join("many.xlsx"), &many).expect("write"));
    assert_eq!(o.loaded("many.xlsx"), 1);
    let huge_xml = |name: &str, data: Vec<u8>| {
        if name != "xl/worksheets/sheet1.xml" {
            return data;
        }
        let text = String::from_utf8(data).expect("utf8");
        let wide = format!("<worksheet data-x=\"{}\" ", "A".repeat(50 << 20));
        let nested = format!("{}{}</sheetData>", "<x>".repeat(100_000), "</x>".repeat(100_000));
        text.replacen("<worksheet ", &wide, 1).replacen("</sheetData>", &nested, 1).into_bytes()
    };
    let attr = xlsx_with_parts(huge_xml, std::iter::empty());
    let o = case("xlsx-huge-xml", tmp, |dir| std::fs::write(dir.join("attr.xlsx"), &attr).expect("write"));
    assert_eq!(o.loaded("attr.xlsx"), 1);
    // xlsx with a macro sheet beside the worksheet (calamine refused the whole file).
    let with_macro = |name: &str, data: Vec<u8>| match name {
        "xl/workbook.xml" => String::from_utf8(data).expect("utf8").replacen("</sheets>", "<sheet name=\"Macro1\" sheetId=\"9\" r:id=\"rId99\"/></sheets>", 1).into_bytes(),
        "xl/_rels/workbook.xml.rels" => String::from_utf8(data)
            .expect("utf8")
            .replacen("</Relationships>", "<Relationship Id=\"rId99\" Type=\"http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet\" Target=\"macrosheets/sheet1.xml\"/></Relationships>", 1)
            .into_bytes(),
        _ => data,
    };
    let macro_part = ("xl/macrosheets/sheet1.xml".to_string(), b"<?xml version=\"1.0\"?><xm:macrosheet xmlns:xm=\"http://schemas.microsoft.com/office/excel/2006/main\"/>".to_vec());
    let xlsm = xlsx_with_parts(with_macro, std::iter::once(macro_part));
    let o = case("xlsx-macro-sheet", tmp, |dir| std::fs::write(dir.join("macro.xlsm"), &xlsm).expect("write"));
    assert_eq!(o.loaded("macro.xlsm"), 1, "the worksheet loads");
    assert_eq!(o.rules("macro.xlsm"), ["not_a_worksheet"]);
    let strings = case("xlsx-shared-strings", tmp, |dir| {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for r in 0..500_000u32 {
            for c in 0..3u16 {
                ws.write_string(r, c, format!("note {r}-{c}")).expect("write");
            }
        }
        wb.save(dir.join("strings.xlsx")).expect("save");
    });
    assert_eq!(strings.rules("strings.xlsx"), ["no_family_recognised"]);

    // CSV: one 100 MB line, NUL bytes, damaged UTF-8 after a BOM, mixed line endings.
    let o = case("csv-hostile", tmp, |dir| {
        let mut line = b"year,region,age,population\r\n2024,KZ-11,20,".to_vec();
        line.extend(std::iter::repeat_n(b'9', 100 << 20));
        line.extend(b"\n");
        std::fs::write(dir.join("long.csv"), line).expect("write");
        std::fs::write(dir.join("nul.csv"), b"year,region,age,population\n2024,KZ-1\x009,19,5\n").expect("write");
        std::fs::write(dir.join("damaged.csv"), b"\xEF\xBB\xBFyear,region,age,population\n2024,\xD0\x90\xD0\xBA\xD0\xBC\xD0\xBE\xD0\xBB\xD0\xB0,19,5\n2024,\xFF\xFE,19,5\n").expect("write");
        std::fs::write(dir.join("endings.csv"), b"year,region,age,population\r\n2024,KZ-11,19,1\n2024,KZ-11,20,2\r2024,KZ-11,21,3\r\n").expect("write");
    });
    let long = o.issue("long.csv", "not_a_number");
    assert_eq!(long["cell"], "D2");
    assert_eq!(long["value"], "… (104857600 characters in all)", "a shown value is cut, and no digits of a run are shown");
    assert_eq!(o.loaded("nul.csv"), 1);
    assert!(o.rules("nul.csv").contains(&"nul_bytes".to_string()));
    assert_eq!(o.loaded("damaged.csv"), 1, "Акмола loads; the damaged row is quarantined");
    assert_eq!(o.issue("damaged.csv", "invalid_utf8")["cell"], "A3");
    assert_eq!(o.loaded("endings.csv"), 3);

    // Links: to a file read anyway, to a file outside, a loop, a broken one; a FIFO; a file
    // without read permission (which root reads all the same).
    let outside = tmp.join("outside.csv");
    std::fs::write(&outside, "year,region,age,population\n2024,KZ-15,18,3\n").expect("write");
    let o = case("links", tmp, |dir| {
        std::os::unix::fs::symlink(dir.join("good.csv"), dir.join("again.csv")).expect("link");
        std::os::unix::fs::symlink(&outside, dir.join("outside.csv")).expect("link");
        std::fs::create_dir_all(dir.join("sub")).expect("folder");
        std::os::unix::fs::symlink(dir, dir.join("sub/loop")).expect("link");
        std::os::unix::fs::symlink(dir.join("gone.csv"), dir.join("broken.csv")).expect("link");
        let fifo = std::ffi::CString::new(dir.join("pipe.csv").to_string_lossy().as_bytes()).expect("path");
        // SAFETY: mkfifo reads the NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
        std::fs::write(dir.join("locked.csv"), "year,region,age,population\n2024,KZ-19,18,4\n").expect("write");
        let odd_name: &std::ffi::OsStr = std::os::unix::ffi::OsStrExt::from_bytes(b"\xFF\xFE-population.csv");
        std::fs::write(dir.join(odd_name), "year,region,age,population\n2024,KZ-31,18,6\n").expect("write");
        std::fs::set_permissions(dir.join("locked.csv"), std::os::unix::fs::PermissionsExt::from_mode(0o000)).expect("chmod");
    });
    assert_eq!(o.rules("again.csv"), ["same_file_twice"]);
    assert_eq!(o.loaded("outside.csv"), 1, "a link to a file outside the folder is followed");
    assert_eq!(o.rules("sub/loop"), ["link_loop"]);
    assert_eq!(o.rules("broken.csv"), ["broken_link"]);
    assert_eq!(o.rules("pipe.csv"), ["not_a_regular_file"]);
    assert_eq!(o.loaded("\u{FFFD}\u{FFFD}-population.csv"), 1, "a name that is not Unicode is read");
    assert!(o.rules("\u{FFFD}\u{FFFD}-population.csv").contains(&"name_not_utf8".to_string()));
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } == 0 {
        assert_eq!(o.loaded("locked.csv"), 1, "root reads a file without permissions");
    } else {
        assert_eq!(o.rules("locked.csv"), ["unreadable_file"]);
    }
}
