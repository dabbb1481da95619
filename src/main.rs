//! `hestat`: the command line. Parses arguments, reads `hestat.toml`, wires the stages and
//! prints progress and summaries; it holds no statistics of its own.

mod config;
mod dataset;
mod stages;
mod summary;
mod validate;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

/// jemalloc, as polars' own Python package uses on Linux: the stages of `hestat run` share one
/// process, and with the system allocator the memory ingestion freed stayed resident while
/// the indicators were computed (a peak of the two added, not the larger; BENCHMARKS.md).
#[cfg(all(unix, not(target_env = "msvc")))]
mod allocator {
    #[global_allocator]
    static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

    /// jemalloc's options, read before `main`: a background thread hands freed pages back to
    /// the system within a second, so what a stage freed does not stay resident through the next.
    #[export_name = "_rjem_malloc_conf"]
    static OPTIONS: Options = Options(c"background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0".as_ptr());

    /// A C string pointer that may be a static (jemalloc only reads it).
    #[repr(transparent)]
    struct Options(*const std::ffi::c_char);
    // SAFETY: the pointer is to a string literal, never written.
    unsafe impl Sync for Options {}
}

/// Exit codes (also in the README).
pub mod exit {
    /// Everything was read and loaded.
    pub const SUCCESS: u8 = 0;
    /// The run completed, but some input was refused (a file, a sheet or rows).
    pub const REJECTED_INPUT: u8 = 1;
    /// The run failed: bad arguments or configuration, or output that could not be written.
    pub const FAILED: u8 = 2;
}

#[derive(Parser)]
#[command(name = "hestat", version, about = "National higher-education statistics: spreadsheets in, published tables out")]
struct Cli {
    /// Configuration file (default: ./hestat.toml if it exists).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Reuse nothing from earlier runs: read every file again and run every stage (by
    /// default an unchanged file is not read again and an unchanged stage is not run again).
    #[arg(long, global = true)]
    no_reuse: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read every spreadsheet under INPUT into typed staging Parquet under OUT/staging, with
    /// the validation report under OUT/validation.
    Ingest {
        #[arg(long)]
        input: PathBuf,
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Print the accounting as JSON instead of the summary.
        #[arg(long)]
        json: bool,
        /// Also print the accounting of every sheet (as in validation/sheets.csv).
        #[arg(long, short)]
        verbose: bool,
    },
    /// Compute every indicator from a staging folder into OUT/restricted (tidy tables,
    /// Parquet and CSV; unsuppressed, not for publication).
    Transform {
        #[arg(long)]
        staging: PathBuf,
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Compare the tables of OUT/restricted with the published figures, cell by cell, and
    /// run the consistency rules on both; writes OUT/validation/reference_check.* and
    /// consistency.*.
    CheckReference {
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// The registry codes of the universities the report names (CSV
        /// `report_name,hei_code`); default: the embedded SYNTHETIC registry's.
        #[arg(long)]
        universities: Option<PathBuf>,
    },
    /// Publish OUT/restricted as the public outputs: OUT/tables (disclosure-controlled
    /// Parquet, CSV and report_tables.xlsx), OUT/charts, OUT/report (HTML in English, Russian
    /// and Kazakh) and OUT/catalog.json.
    Publish {
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Label every output as SYNTHETIC data (as `hestat run` does for its embedded dataset).
        #[arg(long)]
        synthetic: bool,
    },
    /// Run one SQL statement (polars SQL) over every public table of OUT/catalog.json, each
    /// registered under its id (`SELECT value FROM table_6_1_1 WHERE year = 2024`).
    Query {
        /// The statement (not needed with --list).
        #[arg(required_unless_present = "list")]
        sql: Option<String>,
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// List the tables with their columns, types and titles instead.
        #[arg(long)]
        list: bool,
        /// Also register the unrounded tables (`restricted_<id>`) and the staging datasets
        /// (`staging_students`, …): results are then not for publication.
        #[arg(long)]
        restricted: bool,
        /// Output format (default: an aligned table on a terminal, CSV otherwise).
        #[arg(long, value_enum)]
        format: Option<QueryFormat>,
        /// Write the result to this file instead of standard output (needed for parquet).
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// Write one Jupyter notebook per section of the report that the published tables cover,
    /// and an index notebook, from PUBLICATION/catalog.json into DIR. They load the tables by
    /// a path relative to DIR and store no outputs.
    Notebooks {
        #[arg(long)]
        out: PathBuf,
        /// The output folder of a run (holding catalog.json and tables/).
        #[arg(long, default_value = "out")]
        publication: PathBuf,
    },
    /// Check a university's files before they are sent, exactly as the national run would
    /// read them (same readers, rules and cell references), without the rest of the country:
    /// codes against the code lists, the HEI code against the registry, duplicate students
    /// within the files given. Writes no staging. Exit 0: the files would load without a
    /// refused file, sheet or row; 1: they would not; 2: usage error.
    Validate {
        /// Files or folders to check.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// The ministry's HEI registry (a workbook or CSV with an `hei` sheet); default: the
        /// embedded SYNTHETIC registry.
        #[arg(long)]
        registry: Option<PathBuf>,
        /// Language of the problems and of the feedback workbook.
        #[arg(long, value_enum, default_value_t = LangArg::En)]
        lang: LangArg,
        /// Also write a feedback workbook: every problem with its cell, value, rule and what
        /// to do, and a copy of each sheet with problems, its offending cells highlighted
        /// and a note on each.
        #[arg(long, value_name = "FILE.xlsx")]
        feedback: Option<PathBuf>,
        /// Print the sheets and every issue as JSON instead.
        #[arg(long)]
        json: bool,
    },
    /// Run every stage on the embedded default dataset (the SYNTHETIC national dataset,
    /// generated into the cache folder on first use): ingest, transform, the reference
    /// check and the publication.
    Run {
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Print the ingestion's accounting as JSON instead of the summary.
        #[arg(long)]
        json: bool,
        /// Also print the accounting of every sheet (as in validation/sheets.csv).
        #[arg(long, short)]
        verbose: bool,
        /// Multiply the students and staff of the embedded dataset (10 = ten times the
        /// national size, for measuring; generated once per scale).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
    },
    /// Write the SYNTHETIC national dataset as the ministry, the statistics bureau and the
    /// universities would submit it; its aggregates equal the published figures.
    Generate {
        #[arg(long)]
        out: PathBuf,
        /// Years to generate, `2021-2024` or one year.
        #[arg(long, default_value = "2021-2024", value_parser = parse_years)]
        years: std::ops::RangeInclusive<i32>,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Multiply the students and staff (10 = ten times the national size).
        #[arg(long, default_value_t = 1.0)]
        scale: f64,
        /// Only these universities' submissions (comma-separated HEI codes), e.g. for a sample.
        #[arg(long, value_delimiter = ',')]
        only: Option<Vec<String>>,
    },
    /// Print the staging schema of every family (Markdown).
    Schema,
    /// Print the indicator catalogue: id, title, dimensions, unit, sources, the report table
    /// it reproduces (Markdown).
    Catalogue,
    /// Print the shell completion script for SHELL (`hestat completions bash >
    /// ~/.local/share/bash-completion/completions/hestat`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page of hestat (roff: `hestat man | man -l -`), or with --out write one
    /// page per command into DIR (hestat.1, hestat-validate.1, …).
    Man {
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

/// A language of the messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LangArg {
    En,
    Ru,
    Kk,
}

impl LangArg {
    fn lang(self) -> hestat_contract::Lang {
        use hestat_contract::Lang;
        match self {
            LangArg::En => Lang::En,
            LangArg::Ru => Lang::Ru,
            LangArg::Kk => Lang::Kk,
        }
    }
}

/// How `hestat query` writes its result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum QueryFormat {
    Table,
    Csv,
    Json,
    Parquet,
}

/// `2021-2024` or `2024`, within the years the report covers.
fn parse_years(text: &str) -> Result<std::ops::RangeInclusive<i32>, String> {
    let (from, to) = text.split_once('-').unwrap_or((text, text));
    let parse = |y: &str| y.trim().parse::<i32>().map_err(|_| format!("`{y}` is not a year"));
    let (from, to) = (parse(from)?, parse(to)?);
    if !(2021..=2024).contains(&from) || !(2021..=2024).contains(&to) || from > to {
        return Err("years must lie within 2021-2024, the years the published tables cover".into());
    }
    Ok(from..=to)
}

/// A panic inside a reader is caught and reported as a rejected file; its message may quote
/// cell text, so it is printed with IIN-shaped numbers masked.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let payload = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("hestat: internal error{place}: {}", hestat_ingest::privacy::mask_personal(&payload));
    }));
}

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::FAILED } else { exit::SUCCESS });
        }
    };
    match run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("hestat: error: {e:#}");
            ExitCode::from(exit::FAILED)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<u8> {
    let config = config::Config::load(cli.config.as_deref())?;
    let reuse = !cli.no_reuse;
    match cli.command {
        Command::Ingest { input, out, json, verbose } => {
            let clock = std::time::Instant::now();
            let (code, summary) = ingest(&config, &input, &out, reuse)?;
            let stages = [summary::StageTime { name: "ingest", took: clock.elapsed(), reused: summary.unchanged }];
            print_ingestion(&summary, &input, false, json, verbose, &stages, &summary::Outputs { out, report: None })?;
            Ok(code)
        }
        Command::Transform { staging, out } => transform(&staging, &out, reuse).map(|r| r.code),
        Command::CheckReference { out, universities } => check_reference(&out, universities.as_deref(), reuse).map(|r| r.code),
        Command::Publish { out, synthetic } => publish(&config, &out, synthetic, reuse).map(|r| r.code),
        Command::Notebooks { out, publication } => {
            let written = hestat_notebooks_export::write_notebooks(&publication, &out)?;
            eprintln!("hestat: {} notebooks in {} (index.ipynb first); they read {}", written.len(), out.display(), publication.display());
            Ok(exit::SUCCESS)
        }
        Command::Query { sql, out, list, restricted, format, output } => query(&out, sql.as_deref(), list, restricted, format, output.as_deref()),
        Command::Validate { paths, registry, lang, feedback, json } => validate(&config, paths, registry, lang.lang(), feedback, json),
        Command::Run { out, json, verbose, scale } => {
            let input = dataset::national(&config.cache_dir(), scale).context("cannot generate the embedded default dataset")?;
            eprintln!("hestat: embedded default dataset (SYNTHETIC, not real students) at {}", input.display());
            let clock = std::time::Instant::now();
            let (ingested, summary) = ingest(&config, &input, &out, reuse)?;
            let mut stages = vec![summary::StageTime { name: "ingest", took: clock.elapsed(), reused: summary.unchanged }];
            let mut later = |name: &'static str, stage: &dyn Fn() -> anyhow::Result<Ran>| -> anyhow::Result<u8> {
                let clock = std::time::Instant::now();
                let ran = stage()?;
                stages.push(summary::StageTime { name, took: clock.elapsed(), reused: ran.reused });
                Ok(ran.code)
            };
            let transformed = later("transform", &|| transform(&out.join("staging"), &out, reuse))?;
            let checked = later("reference check", &|| check_reference(&out, None, reuse))?;
            let published = later("publish", &|| publish(&config, &out, true, reuse))?;
            let outputs = summary::Outputs { out: out.clone(), report: Some(hestat_reports::report_page(&out)) };
            print_ingestion(&summary, &input, true, json, verbose, &stages, &outputs)?;
            Ok(ingested.max(transformed).max(checked).max(published))
        }
        Command::Generate { out, years, seed, scale, only } => {
            let summary = hestat_synthetic::generate(&hestat_synthetic::GenerateConfig { out: out.clone(), years, seed, scale, only })?;
            println!(
                "wrote {} files to {} (SYNTHETIC data): {} students, {} staff, {} student mobility episodes, {} staff exchanges, {} deliberate errors; {} calibration decisions:",
                summary.files,
                out.display(),
                summary.students,
                summary.staff,
                summary.mobility_episodes,
                summary.staff_exchanges,
                summary.deliberate_errors.len(),
                summary.decisions.len()
            );
            for error in &summary.deliberate_errors {
                println!("  ! deliberate error: {} {} ({}, {} rows)", error.file, error.sheet, error.rule, error.rows);
            }
            for decision in &summary.decisions {
                println!("  - {decision}");
            }
            Ok(exit::SUCCESS)
        }
        Command::Schema => {
            print!("{}", hestat_contract::schema::staging_schema_markdown());
            Ok(exit::SUCCESS)
        }
        Command::Catalogue => {
            print!("{}", hestat_transform::catalogue::catalogue_markdown(&hestat_transform::catalogue::catalogue()));
            Ok(exit::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "hestat", &mut script);
            print_bytes(&script)?;
            Ok(exit::SUCCESS)
        }
        Command::Man { out } => {
            let command = <Cli as clap::CommandFactory>::command();
            match out {
                Some(dir) => {
                    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
                    clap_mangen::generate_to(command, &dir).with_context(|| format!("cannot write the man pages into {}", dir.display()))?;
                    eprintln!("hestat: man pages in {}", dir.display());
                }
                None => {
                    let mut page = Vec::new();
                    clap_mangen::Man::new(command).render(&mut page)?;
                    print_bytes(&page)?;
                }
            }
            Ok(exit::SUCCESS)
        }
    }
}

/// How a stage after ingestion ended.
struct Ran {
    /// Its exit code.
    code: u8,
    /// It was not run: its outputs of the last run were kept.
    reused: bool,
}

/// Runs `work` unless `stage` ran last on the same inputs, code and settings and its files are
/// untouched (then they are kept as they are).
fn reusable_stage(stage: &stages::Stage, out: &std::path::Path, reads: &[PathBuf], settings: &str, reuse: bool, work: impl FnOnce() -> anyhow::Result<u8>) -> anyhow::Result<Ran> {
    let key = stage.key(out, reads, settings);
    if reuse && stage.unchanged(out, &key) {
        eprintln!("hestat: {}: inputs, settings and code as in the last run: its outputs are kept (--no-reuse runs it again)", stage.name);
        return Ok(Ran { code: exit::SUCCESS, reused: true });
    }
    stage.forget(out)?;
    let code = work()?;
    stage.record(out, key)?;
    Ok(Ran { code, reused: false })
}

fn transform(staging: &std::path::Path, out: &std::path::Path, reuse: bool) -> anyhow::Result<Ran> {
    reusable_stage(&stages::TRANSFORM, out, &[staging.to_path_buf()], "", reuse, || transform_now(staging, out))
}

fn transform_now(staging: &std::path::Path, out: &std::path::Path) -> anyhow::Result<u8> {
    let (_, summary) = hestat_transform::transform(staging, out)?;
    eprintln!(
        "hestat: {} indicator tables in {} ({})",
        summary.tables.len(),
        out.join(hestat_transform::RESTRICTED).display(),
        summary.timings.iter().map(|(what, d)| format!("{what} {:.2} s", d.as_secs_f64())).collect::<Vec<_>>().join(", ")
    );
    for (id, reason) in &summary.not_produced {
        eprintln!("hestat: not produced: {id}: {reason}");
    }
    Ok(exit::SUCCESS)
}

/// The crosswalk from the report's university names to the registry's codes: the file given,
/// or the embedded synthetic registry's.
fn report_universities(file: Option<&std::path::Path>) -> anyhow::Result<Vec<(String, String)>> {
    let Some(file) = file else {
        eprintln!("hestat: the report's universities are looked up in the embedded SYNTHETIC registry (--universities FILE for another)");
        return Ok(hestat_check::report_universities(hestat_synthetic::registry::REPORT_UNIVERSITIES_CSV)?);
    };
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    hestat_check::report_universities(&text).with_context(|| format!("{} is not a crosswalk of university names to registry codes", file.display()))
}

fn check_reference(out: &std::path::Path, universities: Option<&std::path::Path>, reuse: bool) -> anyhow::Result<Ran> {
    let crosswalk = match universities {
        Some(file) => std::fs::read(file).map(|b| hestat_ingest::reuse::hex(&<sha2::Sha256 as sha2::Digest>::digest(&b))).unwrap_or_default(),
        None => "embedded".to_string(),
    };
    reusable_stage(&stages::CHECK, out, &[out.join(hestat_transform::RESTRICTED)], &crosswalk, reuse, || check_reference_now(out, universities))
}

fn check_reference_now(out: &std::path::Path, universities: Option<&std::path::Path>) -> anyhow::Result<u8> {
    let produced = hestat_transform::load_produced(out)?;
    let universities = report_universities(universities)?;
    let context = hestat_transform::placement::PlacementContext { report_universities: &universities };
    let check = hestat_check::check_reference(&produced, &context);
    hestat_check::write(&check, out)?;
    let (matched, explained, unexplained, not_producible) = check.counts(true);
    let (all_matched, all_explained, all_unexplained, all_not) = check.counts(false);
    let published_errors = check.errors(hestat_check::Source::Published);
    let produced_errors = check.errors(hestat_check::Source::Produced);
    eprintln!(
        "hestat: reference check, clean published figures: {matched} matched, {explained} mismatched and explained by a published inconsistency, \
         {unexplained} mismatched unexplained, {not_producible} not producible (all figures: {all_matched} / {all_explained} / {all_unexplained} / {all_not}); \
         consistency errors: {published_errors} in the published figures, {produced_errors} in the produced tables; report: {}",
        out.join("validation/reference_check.csv").display()
    );
    Ok(exit::SUCCESS)
}

fn query(out: &std::path::Path, sql: Option<&str>, list: bool, restricted: bool, format: Option<QueryFormat>, output: Option<&std::path::Path>) -> anyhow::Result<u8> {
    use hestat_reports::query;
    use std::io::IsTerminal;
    let tables = query::tables(out, restricted)?;
    if restricted {
        eprintln!("hestat: --restricted: the unrounded tables (restricted_<id>) and the staging datasets (staging_<family>) are registered too; what this query returns is not for publication");
    }
    let bytes = if list {
        let mut listing = String::new();
        for table in &tables {
            let columns = table.columns()?;
            listing.push_str(&format!("{}  {}\n    {}\n", table.name, table.title, columns.iter().map(|(name, dtype)| format!("{name} {dtype}")).collect::<Vec<_>>().join(", ")));
        }
        listing.into_bytes()
    } else {
        let sql = sql.context("a SQL statement is needed (or --list)")?;
        let result = query::run(&tables, sql)?;
        let to_terminal = output.is_none() && std::io::stdout().is_terminal();
        match format.unwrap_or(if to_terminal { QueryFormat::Table } else { QueryFormat::Csv }) {
            QueryFormat::Table => query::aligned(&result).into_bytes(),
            QueryFormat::Csv => query::csv(&result)?,
            QueryFormat::Json => query::json_lines(&result).into_bytes(),
            QueryFormat::Parquet if output.is_none() => anyhow::bail!("--format parquet needs --output FILE"),
            QueryFormat::Parquet => query::parquet(&result)?,
        }
    };
    match output {
        Some(path) => std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?,
        None => print_bytes(&bytes)?,
    }
    Ok(exit::SUCCESS)
}

fn publish(config: &config::Config, out: &std::path::Path, synthetic: bool, reuse: bool) -> anyhow::Result<Ran> {
    let rule = config.disclosure_rule()?;
    let reads = [out.join(hestat_transform::RESTRICTED), out.join("staging").join(hestat_contract::layout::INPUTS_FILE), out.join("validation")];
    let settings = format!("{rule:?} synthetic={synthetic} SOURCE_DATE_EPOCH={:?}", std::env::var("SOURCE_DATE_EPOCH").ok());
    reusable_stage(&stages::PUBLISH, out, &reads, &settings, reuse, || publish_now(out, rule, synthetic))
}

fn publish_now(out: &std::path::Path, rule: hestat_reports::disclosure::Rule, synthetic: bool) -> anyhow::Result<u8> {
    let settings = hestat_reports::PublishSettings { out: out.to_path_buf(), rule, synthetic };
    let summary = hestat_reports::publish(&settings)?;
    eprintln!(
        "hestat: published {} tables ({} under disclosure control: {} cells suppressed, {} rounded), {} charts, {} files in {}, {}, {} and {} ({})",
        summary.tables,
        summary.controlled,
        summary.suppressed_cells,
        summary.rounded_cells,
        summary.charts,
        summary.files.len(),
        out.join("tables").display(),
        out.join("charts").display(),
        out.join("report").display(),
        out.join("catalog.json").display(),
        summary.timings.iter().map(|(what, d)| format!("{what} {:.2} s", d.as_secs_f64())).collect::<Vec<_>>().join(", ")
    );
    Ok(exit::SUCCESS)
}

fn validate(config: &config::Config, paths: Vec<PathBuf>, registry: Option<PathBuf>, lang: hestat_contract::Lang, feedback: Option<PathBuf>, json: bool) -> anyhow::Result<u8> {
    use hestat_ingest::submission::{check_submission, Registry, SubmissionCheck};
    let shown_registry = registry.as_ref().map(|p| p.display().to_string());
    let registry = match registry {
        Some(file) => Registry::File(file),
        None => Registry::Codes(hestat_synthetic::registry::registry().iter().map(|h| h.code.clone()).collect()),
    };
    let check = SubmissionCheck { paths, limits: config.limits(), hasher: config.hasher()?, registry };
    let report = check_submission(&check)?;
    if json {
        print_bytes(format!("{}\n", validate::problems_json(&report, lang)?).as_bytes())?;
    } else {
        print_bytes(validate::problems_text(&report, lang, shown_registry.as_deref()).as_bytes())?;
    }
    if let Some(path) = feedback {
        let written = hestat_ingest::feedback::write_feedback(&report, lang, &path)?;
        let words = validate::words(lang);
        let what = words.feedback_written.replace("{problems}", &written.problems.to_string()).replace("{copies}", &written.copies.len().to_string());
        eprintln!("hestat: {}: {} ({what})", words.feedback, path.display());
    }
    Ok(if report.loads_cleanly() { exit::SUCCESS } else { exit::REJECTED_INPUT })
}

fn ingest(config: &config::Config, input: &std::path::Path, out: &std::path::Path, reuse: bool) -> anyhow::Result<(u8, hestat_ingest::IngestSummary)> {
    let ingest_config = hestat_ingest::IngestConfig {
        input: input.to_path_buf(),
        out: out.to_path_buf(),
        limits: config.limits(),
        hasher: config.hasher()?,
        reuse: reuse.then(|| stages::INGEST_CODE.to_string()),
    };
    let progress = summary::ProgressBar::new();
    let result = hestat_ingest::ingest(&ingest_config, &progress);
    progress.finish();
    let summary = result?;
    let code = if summary.has_rejections() { exit::REJECTED_INPUT } else { exit::SUCCESS };
    Ok((code, summary))
}

/// What `ingest` and `run` print at the end: the JSON accounting, or the per-sheet table
/// (`--verbose`) and the one-screen summary.
fn print_ingestion(
    summary: &hestat_ingest::IngestSummary,
    input: &std::path::Path,
    synthetic: bool,
    json: bool,
    verbose: bool,
    stages: &[summary::StageTime],
    outputs: &summary::Outputs,
) -> anyhow::Result<()> {
    use std::io::Write;
    let text = if json {
        format!("{}\n", summary::to_json(summary)?)
    } else {
        let table = if verbose { format!("{}\n", summary::accounting_table(summary)) } else { String::new() };
        table + &summary::one_screen(summary, input, synthetic, stages, outputs)
    };
    // anstream drops the colours when stdout is not a terminal or NO_COLOR is set.
    quiet_on_broken_pipe(anstream::stdout().write_all(text.as_bytes()))
}

/// Writes to standard output; a reader that stops early (`| head`) is not an error.
fn print_bytes(bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    quiet_on_broken_pipe(std::io::stdout().write_all(bytes))
}

fn quiet_on_broken_pipe(written: std::io::Result<()>) -> anyhow::Result<()> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
