//! `priorauth`: the nightly prior-authorization summarizer.
//!
//! Exit codes: 0 all documents read; 2 the run finished but some documents were
//! quarantined or a case folder could not be listed; 1 a fatal error (bad
//! config, unreadable drop folder, unwritable output); 64 a usage error (bad
//! arguments, as `EX_USAGE` in sysexits.h).

/// mimalloc returns freed memory to the system between batches; glibc's
/// per-thread arenas kept it, so peak RSS grew with the number of batches.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

extern "C" {
    /// mimalloc: free the pages of empty segments and return them to the system.
    fn mi_collect(force: bool);
    /// mimalloc: set an option (`mi_option_t` in mimalloc.h).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_arena_eager_commit` in mimalloc.h (v3).
const MI_OPTION_ARENA_EAGER_COMMIT: std::ffi::c_int = 4;
/// `mi_option_purge_delay` in mimalloc.h (v3; libmimalloc-sys does not name it).
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

/// Allocator options, set from the ELF constructors, before the first
/// allocation (set in `main`, the first arena is already committed): return
/// freed pages to the system at once rather than 10 ms later (with the default,
/// pages freed by one batch were still resident when the next batch peaked),
/// and commit arena memory as it is used rather than whole arenas up front.
/// Peak RSS of a 3,000-case run went from 150-160 MiB to about 110 MiB.
#[used]
#[link_section = ".init_array"]
static MIMALLOC_OPTIONS: extern "C" fn() = {
    extern "C" fn set() {
        // SAFETY: setting an option only writes mimalloc's option table.
        unsafe {
            mi_option_set(MI_OPTION_PURGE_DELAY, 0);
            mi_option_set(MI_OPTION_ARENA_EAGER_COMMIT, 0);
        }
    }
    set
};

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use pa_config::Settings;
use pa_driver::RunReport;

#[derive(Parser)]
#[command(
    name = "priorauth",
    version,
    about = "Summarize prior-authorization cases and flag unsupported claims"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Drop folder: one sub-folder per case.
    #[arg(long)]
    drop: PathBuf,
    #[command(flatten)]
    opts: RunOpts,
}

/// What `run` and `eval` share besides the drop folder.
#[derive(clap::Args)]
struct RunOpts {
    /// Output folder (created).
    #[arg(long)]
    out: PathBuf,
    /// Settings file (default: the embedded pipelines/nightly.toml).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Redo every case, even those unchanged since their latest run.
    #[arg(long)]
    force: bool,
    /// Process only shard K of N (`--shard 0/3`): the cases whose stable hash
    /// falls there. N processes with K = 0..N-1 write the union of one run.
    #[arg(long, value_parser = parse_shard)]
    shard: Option<(u32, u32)>,
    /// Log lines as text or as JSON objects (for log collectors).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// A folder of payer criteria files (`*.toml`, docs/criteria.md), read
    /// after the built-in ones and `criteria.dirs`; repeatable. A file whose
    /// `id` is an existing policy's replaces it.
    #[arg(long = "criteria", value_name = "DIR")]
    criteria: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum CriteriaAction {
    /// List every policy: id, title, source (built-in or file), what it matches.
    List {
        /// Settings file (its `criteria.dirs` are read).
        #[arg(long)]
        config: Option<PathBuf>,
        /// More criteria folders, as `run --criteria`.
        #[arg(long = "criteria", value_name = "DIR")]
        criteria: Vec<PathBuf>,
    },
    /// Check criteria files: each error with its file, line and key. Exit 0
    /// when every file is valid, 1 otherwise.
    Check {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Subcommand)]
enum AuditAction {
    /// Recompute the hash chain of `<out>/audit.log` and check it against the dataset (every
    /// run in the `runs` table has exactly one entry and an unchanged manifest, and the other
    /// way round); with `PRIORAUTH_AUDIT_KEY` set, check each line's HMAC too. Exit 0 when
    /// intact, 1 naming the first problem.
    Verify {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Process a drop folder into parquet tables and review pages.
    Run(RunArgs),
    /// Print a case's summary, flags and documents from the latest run that holds it.
    Show {
        /// The case id (its folder name).
        case_id: String,
        /// Output folder of earlier runs.
        #[arg(long)]
        out: PathBuf,
    },
    /// Search the text of the latest run; offsets are absolute in the page text.
    Search {
        /// Words to look for.
        query: String,
        /// Output folder of earlier runs.
        #[arg(long)]
        out: PathBuf,
        /// Only this case.
        #[arg(long = "case")]
        case_id: Option<String>,
        /// Hits to print.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Write a case's criteria and claims, with their source spans, as FHIR R4 JSON.
    ExportFhir {
        /// The case id.
        case_id: String,
        /// Output folder of earlier runs.
        #[arg(long)]
        out: PathBuf,
        /// Write to this file instead of standard output.
        #[arg(long)]
        to: Option<PathBuf>,
    },
    /// Delete the outputs of runs older than a retention period, and say what went.
    Purge {
        /// Output folder.
        #[arg(long)]
        out: PathBuf,
        /// Age, in days (`90d` or `90`).
        #[arg(long, value_parser = parse_days)]
        older_than: u64,
    },
    /// Write a corpus of fictional cases with gold.json labels, deterministic
    /// from the seed (for benchmarks; needs pdftoppm for scans).
    Synth {
        /// Number of cases.
        #[arg(long)]
        cases: usize,
        /// Seed: the same seed and options give the same bytes.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder to write the cases into.
        #[arg(long)]
        out: PathBuf,
        /// Share of documents rendered as image-only scans (0-1).
        #[arg(long, default_value_t = 0.1)]
        scan_share: f64,
        /// Share of cases that get a malformed (truncated) PDF (0-1).
        #[arg(long, default_value_t = 0.02)]
        malformed_share: f64,
    },
    /// Payer criteria: `criteria list`, `criteria check FILE...`.
    Criteria {
        #[command(subcommand)]
        action: CriteriaAction,
    },
    /// Check the audit log of an output folder (`audit verify --out DIR`).
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Parse the PDFs named on stdin, answering on stdout (the isolated worker `run` starts).
    #[command(hide = true)]
    ExtractWorker {
        #[arg(long)]
        max_pages: u32,
        #[arg(long)]
        max_decompressed_bytes: usize,
        #[arg(long)]
        max_memory_bytes: u64,
        #[arg(long)]
        max_cpu_seconds: u64,
    },
    /// Run the pipeline and score it against every gold.json in the drop folder;
    /// with `--from-reviews`, score every run in `--out` against reviewer verdicts.
    Eval {
        #[command(flatten)]
        args: EvalArgs,
        /// Print the metrics as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Record a reviewer's verdict on a claim of a case's latest result, or
    /// import verdicts from a CSV file (`--import FILE`, columns: case_id,
    /// claim_id, verdict, reviewer, and optionally status, note).
    Review(ReviewArgs),
    /// Print the decision trace of a claim of a case's latest result: its parsed
    /// parts, the candidate sentences with their scores, the rule that decided,
    /// and the settings, lexicon and criteria versions of the run.
    Explain {
        /// The case id.
        case_id: String,
        /// The claim id (`<doc_id>#<sentence>`, as `show` and the claims table give it).
        claim_id: String,
        /// Output folder of earlier runs.
        #[arg(long, default_value = "output")]
        out: PathBuf,
    },
}

#[derive(clap::Args)]
struct EvalArgs {
    /// Drop folder with gold.json labels (not with --from-reviews).
    #[arg(
        long,
        required_unless_present = "from_reviews",
        conflicts_with = "from_reviews"
    )]
    drop: Option<PathBuf>,
    // With --from-reviews, --out is the folder to read.
    #[command(flatten)]
    opts: RunOpts,
    /// Score the runs already in --out against the reviewers' verdicts
    /// (agreement per run) instead of running the pipeline.
    #[arg(long)]
    from_reviews: bool,
}

#[derive(clap::Args)]
struct ReviewArgs {
    /// The case id.
    #[arg(required_unless_present = "import")]
    case_id: Option<String>,
    /// The claim id in the case's latest result.
    #[arg(long = "claim", required_unless_present = "import")]
    claim_id: Option<String>,
    /// Whether the checker's status is right.
    #[arg(long, required_unless_present = "import", value_parser = ["agree", "disagree"])]
    verdict: Option<String>,
    /// The status the claim should have (with `disagree`, what it is instead).
    #[arg(long, value_parser = ["supported", "unsupported", "contradicted"])]
    status: Option<String>,
    /// Free text (stored in the owner-only output, never logged).
    #[arg(long, default_value = "")]
    note: String,
    /// The reviewer's id.
    #[arg(long, required_unless_present = "import")]
    reviewer: Option<String>,
    /// Import verdicts from a CSV file instead; a file with any bad row imports nothing.
    #[arg(long, conflicts_with_all = ["case_id", "claim_id", "verdict", "status", "note", "reviewer"])]
    import: Option<PathBuf>,
    /// Output folder of earlier runs.
    #[arg(long, default_value = "output")]
    out: PathBuf,
}

/// Bad command-line arguments (`EX_USAGE`): never 2, which means "finished
/// with quarantined documents".
const EXIT_USAGE: u8 = 64;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // --help and --version are answers, not errors.
            return if e.exit_code() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_USAGE)
            };
        }
    };
    if let Command::ExtractWorker {
        max_pages,
        max_decompressed_bytes,
        max_memory_bytes,
        max_cpu_seconds,
    } = &cli.command
    {
        return extract_worker(
            *max_pages,
            *max_decompressed_bytes,
            *max_memory_bytes,
            *max_cpu_seconds,
        );
    }
    // Outputs hold PHI: readable by their owner only.
    // SAFETY: umask has no preconditions and is called before any thread starts.
    unsafe {
        libc::umask(0o077);
    }
    let quiet = match &cli.command {
        Command::Run(a) => a.opts.quiet,
        Command::Eval { args: a, .. } => a.opts.quiet,
        Command::ExtractWorker { .. }
        | Command::Show { .. }
        | Command::Search { .. }
        | Command::ExportFhir { .. }
        | Command::Audit { .. }
        | Command::Criteria { .. }
        | Command::Purge { .. }
        | Command::Review(_)
        | Command::Explain { .. }
        | Command::Synth { .. } => true,
    };
    let json = match &cli.command {
        Command::Run(a) => a.opts.log_format == LogFormat::Json,
        Command::Eval { args: a, .. } => a.opts.log_format == LogFormat::Json,
        _ => false,
    };
    // JSON logs are for collectors: they get the run's info lines (the run
    // summary) without PRIORAUTH_LOG having to say so.
    let filter =
        tracing_subscriber::EnvFilter::try_from_env("PRIORAUTH_LOG").unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(if quiet {
                "error,lopdf=off,pdf_extract=off"
            } else if json {
                "info,lopdf=off,pdf_extract=off,tantivy=warn"
            } else {
                "warn,lopdf=off,pdf_extract=off"
            })
        });
    // Colours only on a terminal: a log file or a collector gets plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
    pa_extract::install_quiet_panic_hook();

    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn settings(config: Option<&Path>) -> Result<Settings> {
    match config {
        Some(p) => {
            Settings::load(p).with_context(|| format!("loading settings from {}", p.display()))
        }
        None => Ok(Settings::embedded()),
    }
}

/// `priorauth criteria list|check`.
fn criteria_command(action: CriteriaAction) -> Result<ExitCode> {
    match action {
        CriteriaAction::List { config, criteria } => {
            let mut s = settings(config.as_deref())?;
            s.add_criteria_dirs(&criteria)
                .context("reading the --criteria folders")?;
            let checker = pa_driver::new_checker(&s)?;
            let set = pa_driver::load_criteria(&s, &checker)?;
            for p in set.policies() {
                println!("{}  {}", p.id, p.title);
                println!("    source: {}", p.source);
                if let Some(c) = &p.citation {
                    println!("    cites: {c}");
                }
                let list = |name: &str, v: &[String]| {
                    if !v.is_empty() {
                        println!("    {name}: {}", v.join(", "));
                    }
                };
                list("codes", &p.codes);
                list("drugs", &p.drugs);
                list("indications", &p.indications);
                list("diagnoses", &p.diagnoses);
                println!(
                    "    criteria: {}",
                    p.criteria().map(|c| c.0).collect::<Vec<_>>().join(", ")
                );
            }
            println!("{} policies", set.len());
            Ok(ExitCode::SUCCESS)
        }
        CriteriaAction::Check { files } => {
            let results = pa_driver::check_criteria_files(&Settings::embedded(), &files)?;
            let mut bad = 0;
            for (path, errors) in &results {
                if errors.is_empty() {
                    println!("{}: ok", path.display());
                } else {
                    bad += 1;
                    for e in errors {
                        println!("{e}");
                    }
                }
            }
            if bad > 0 {
                eprintln!("{bad} of {} file(s) have errors", results.len());
                Ok(ExitCode::from(1))
            } else {
                Ok(ExitCode::SUCCESS)
            }
        }
    }
}

/// Run the pipeline; with `table`, each case's line of the terminal table is
/// printed as its batch is written.
fn run_pipeline(drop: &Path, a: &RunOpts, keep_cases: bool, table: bool) -> Result<RunReport> {
    let mut s = settings(a.config.as_deref())?;
    s.add_criteria_dirs(&a.criteria)
        .context("reading the --criteria folders")?;
    // Before the table header, and before the output folder is created.
    if let Err(e) = std::fs::read_dir(drop) {
        anyhow::bail!("cannot read drop folder {}: {e}", drop.display());
    }
    if s.output.group_readable {
        // SAFETY: umask has no preconditions; no output file exists yet.
        unsafe {
            libc::umask(0o027);
        }
    }
    let exe =
        std::env::current_exe().context("locating the priorauth binary for extraction workers")?;
    // A progress bar on a terminal, nothing in cron.
    let bar = (!a.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr())).then(|| {
        let bar = indicatif::ProgressBar::new(0);
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} {pos}/{len} cases [{elapsed}] {wide_bar}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar
    });
    let ticker = bar.clone();
    let tick = move |done: usize, total: usize| {
        if let Some(b) = &ticker {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let row = |c: &pa_driver::CaseBrief| match &bar {
        Some(b) => b.suspend(|| print_table_row(c)),
        None => print_table_row(c),
    };
    if table {
        print_table_header();
    }
    let opts = pa_driver::RunOptions {
        worker_exe: Some(&exe),
        force: a.force,
        shard: a.shard,
        progress: Some(&tick),
        after_batch: Some(&|| {
            // SAFETY: mi_collect only walks the allocator's own free lists.
            unsafe { mi_collect(true) }
        }),
        keep_cases,
        on_case: table.then_some(&row as &(dyn Fn(&pa_driver::CaseBrief) + Sync)),
    };
    let result = pa_driver::run(drop, &a.out, &s, &opts);
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    result.with_context(|| format!("processing {} into {}", drop.display(), a.out.display()))
}

/// The isolated worker: no logging (its stderr is never shown), quiet panics,
/// one length-prefixed JSON answer per request on stdout.
fn extract_worker(
    max_pages: u32,
    max_decompressed_bytes: usize,
    max_memory_bytes: u64,
    max_cpu_seconds: u64,
) -> ExitCode {
    pa_extract::install_quiet_panic_hook();
    let opts = pa_extract::ExtractOptions {
        min_chars_per_page: 0,
        max_pages,
        // Checked by the parent on the pages the worker sends back.
        max_page_chars: usize::MAX,
        max_decompressed_bytes,
        isolation: None,
        ocr: pa_extract::OcrOptions {
            enabled: false,
            dpi: 300,
            language: String::new(),
            timeout_per_page: std::time::Duration::ZERO,
            max_memory_bytes: 0,
        },
    };
    // Test hook: make this worker fail the ways hostile PDFs make the PDF crates
    // fail, so the tests can check that each death is contained and named:
    // `<fault>` for every document, `<fault>@<file stem>` for one.
    let fault = std::env::var("PRIORAUTH_TEST_WORKER_FAULT").ok();
    let before_each = |path: &Path| {
        if let Some(f) = &fault {
            let (what, only) = f.split_once('@').unwrap_or((f, ""));
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if only.is_empty() || only == stem {
                worker_fault(what);
            }
        }
    };
    match pa_extract::serve(&opts, max_memory_bytes, max_cpu_seconds, before_each) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(1),
    }
}

fn worker_fault(fault: &str) {
    #[allow(unconditional_recursion)]
    fn recurse(n: u64) -> u64 {
        let pad = std::hint::black_box([n; 64]);
        recurse(n + 1) + pad[0]
    }
    match fault {
        "abort" => std::process::abort(),
        "overflow" => {
            std::hint::black_box(recurse(0));
        }
        "spin" => loop {
            std::hint::black_box(0u64);
        },
        // Burn this many milliseconds of CPU, then parse as usual.
        burn if burn.starts_with("cpu") => {
            let ms: u64 = burn[3..].parse().unwrap_or(0);
            let t = std::time::Instant::now();
            while t.elapsed() < std::time::Duration::from_millis(ms) {
                std::hint::black_box(0u64);
            }
        }
        "oom" => {
            let mut hog: Vec<Vec<u8>> = Vec::new();
            loop {
                hog.push(vec![1u8; 64 << 20]);
            }
        }
        _ => {}
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::ExtractWorker { .. } => unreachable!("handled before logging starts"),
        Command::ExportFhir { case_id, out, to } => {
            let Some(bundle) =
                pa_driver::export_fhir(&out, &case_id).context("reading the output dataset")?
            else {
                eprintln!("no case {case_id} in {}", out.display());
                return Ok(ExitCode::from(1));
            };
            let text = serde_json::to_string_pretty(&bundle)?;
            match to {
                Some(path) => std::fs::write(&path, text)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => println!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Synth {
            cases,
            seed,
            out,
            scan_share,
            malformed_share,
        } => {
            let r = pa_synth::synth(
                &out,
                &pa_synth::SynthOptions {
                    cases,
                    seed,
                    scan_share,
                    malformed_share,
                },
            )
            .with_context(|| format!("writing synthetic cases into {}", out.display()))?;
            println!(
                "wrote {} case(s), {} document(s), {} page(s) ({} scanned document(s), {} scanned page(s)), {} malformed file(s) into {}",
                r.cases, r.documents, r.pages, r.scans, r.scan_pages, r.malformed, out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Purge { out, older_than } => {
            let removed = pa_driver::purge(&out, older_than).context("purging old runs")?;
            println!(
                "removed {} run(s) older than {older_than} days from {}",
                removed.len(),
                out.display()
            );
            for r in removed {
                println!("  {r}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit {
            action: AuditAction::Verify { out },
        } => match pa_driver::audit_verify(&out) {
            Ok(n) => {
                println!("audit log intact: {n} entries");
                Ok(ExitCode::SUCCESS)
            }
            Err(e) => {
                println!("audit log broken: {e}");
                Ok(ExitCode::from(1))
            }
        },
        Command::Criteria { action } => criteria_command(action),
        Command::Show { case_id, out } => {
            let case = pa_driver::show(&out, &case_id).context("reading the output dataset")?;
            let Some(case) = case else {
                eprintln!("no case {case_id} in {}", out.display());
                return Ok(ExitCode::from(1));
            };
            print_case(&case_id, &case);
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            query,
            out,
            case_id,
            limit,
        } => {
            let Some((run, hits)) = pa_driver::search(&out, &query, case_id.as_deref(), limit)
                .context("searching the run index")?
            else {
                eprintln!("no search index in {}", out.display());
                return Ok(ExitCode::from(1));
            };
            println!("run {run}: {} hit(s) for {query:?}", hits.len());
            for h in hits {
                let marks: Vec<String> =
                    h.matches.iter().map(|(a, b)| format!("{a}-{b}")).collect();
                println!(
                    "\n{} / {} p.{} chars {}-{} (score {:.2}; matches at {})",
                    term(&h.case_id),
                    h.doc_id,
                    h.page,
                    h.start,
                    h.end,
                    h.score,
                    marks.join(", ")
                );
                let flat = h.text.split_whitespace().collect::<Vec<_>>().join(" ");
                for line in wrap(&term(&flat), 76) {
                    println!("    {line}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(a) => {
            let started = std::time::Instant::now();
            let report = run_pipeline(&a.drop, &a.opts, false, !a.opts.quiet)?;
            let a = a.opts;
            let flagged = report.totals.needs_review;
            tracing::info!(
                run_id = %report.run.run_id,
                processed = report.totals.cases,
                skipped = report.skipped,
                flagged,
                quarantined = report.n_quarantined(),
                unreadable_case_folders = report.case_errors.len(),
                seconds = started.elapsed().as_secs_f64(),
                "run summary"
            );
            if !a.quiet {
                print_report(&report, &a.out);
                // "need review" counts this run's cases; skipped cases keep
                // their earlier result, so the open total comes from the index.
                let open = report
                    .open_cases
                    .map(|(open, all)| {
                        format!("; {open} of {all} case(s) open for review in the latest results")
                    })
                    .unwrap_or_default();
                let unreadable = match report.case_errors.len() {
                    0 => String::new(),
                    n => format!(", {n} case folder(s) could not be listed"),
                };
                println!(
                    "summary: {} case(s) processed, {} skipped, {flagged} of the processed need review, {} document(s) quarantined{unreadable}{open}, {:.1} s",
                    report.totals.cases,
                    report.skipped,
                    report.n_quarantined(),
                    started.elapsed().as_secs_f64()
                );
            }
            for (case_id, e) in &report.case_errors {
                eprintln!("error: case folder {case_id} cannot be listed, not processed: {e}");
            }
            Ok(ExitCode::from(report.exit_status()))
        }
        Command::Review(a) => review(a),
        Command::Explain {
            case_id,
            claim_id,
            out,
        } => {
            let Some((run_id, claim)) = pa_driver::review::explain(&out, &case_id, &claim_id)
                .context("reading the output dataset")?
            else {
                eprintln!("no claim {claim_id} of case {case_id} in {}", out.display());
                return Ok(ExitCode::from(1));
            };
            print_explain(&case_id, &run_id, &claim)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { args, json } if args.from_reviews => {
            let (claims, verdicts) = pa_driver::review::review_labels(&args.opts.out)
                .context("reading the output dataset")?;
            let labels: Vec<pa_eval::reviews::ReviewLabel> = verdicts
                .iter()
                .map(|r| pa_eval::reviews::ReviewLabel {
                    fingerprint: r.claim_fingerprint.clone(),
                    reviewed_at_us: r.reviewed_at_us,
                    label: r.label().map(str::to_string),
                })
                .collect();
            let eval = pa_eval::reviews::from_reviews(&claims, &labels);
            if json {
                println!("{}", serde_json::to_string_pretty(&eval)?);
            } else {
                print!("{}", eval.table());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Eval { args, json } => {
            let drop = args.drop.unwrap_or_default();
            let golds = pa_eval::load_gold(&drop).context("reading gold labels")?;
            // The evaluation scores this build on every case: nothing is skipped.
            let report = run_pipeline(
                &drop,
                &RunOpts {
                    force: true,
                    ..args.opts
                },
                true,
                false,
            )?;
            let eval = pa_eval::evaluate(&golds, &report.cases);
            if json {
                println!("{}", serde_json::to_string_pretty(&eval)?);
            } else {
                print!("{}", eval.table());
                let wrong: Vec<_> = eval
                    .outcomes
                    .iter()
                    .filter(|o| {
                        o.got != o.expected
                            && !(o.expected == "not_a_claim" && o.got != "supported")
                    })
                    .collect();
                if !wrong.is_empty() {
                    println!("\ndisagreements with the labels:");
                    for o in wrong {
                        println!(
                            "  {:<22} {:<4} expected {:<12} got {:<12} {}",
                            o.case_id, o.id, o.expected, o.got, o.reason
                        );
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `priorauth review`: one verdict, or a CSV import (all rows or none).
fn review(a: ReviewArgs) -> Result<ExitCode> {
    let (inputs, source) = match &a.import {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            match pa_driver::review::inputs_from_csv(&text) {
                Ok(inputs) => (inputs, format!("import:{name}")),
                Err(problems) => return Ok(report_bad_rows(path, &problems)),
            }
        }
        None => (
            vec![pa_driver::review::VerdictInput {
                line: 0,
                case_id: a.case_id.unwrap_or_default(),
                claim_id: a.claim_id.unwrap_or_default(),
                verdict: a.verdict.unwrap_or_default(),
                status: a.status,
                note: a.note,
                reviewer: a.reviewer.unwrap_or_default(),
            }],
            "cli".to_string(),
        ),
    };
    match pa_driver::review::record(&a.out, &inputs, &source).context("recording verdicts")? {
        Ok(done) => {
            println!(
                "recorded {} verdict(s) as review {} in {}",
                done.rows.len(),
                done.review_id,
                done.file.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => match &a.import {
            Some(path) => Ok(report_bad_rows(path, &problems)),
            None => {
                for (_, p) in &problems {
                    eprintln!("error: {}", term(p));
                }
                Ok(ExitCode::from(1))
            }
        },
    }
}

/// Bad rows of an import file, by line; nothing was imported.
fn report_bad_rows(path: &Path, problems: &[(usize, String)]) -> ExitCode {
    for (line, p) in problems {
        eprintln!("{}:{line}: {}", path.display(), term(p));
    }
    eprintln!(
        "error: {} problem(s) in {}; nothing was imported",
        problems.len(),
        path.display()
    );
    ExitCode::from(1)
}

/// `priorauth explain`: the stored decision trace of one claim.
fn print_explain(case_id: &str, run_id: &str, k: &pa_driver::StoredClaim) -> Result<()> {
    println!(
        "claim {} of case {} (run {run_id})",
        term(&k.claim_id),
        term(case_id)
    );
    for l in wrap(&term(&k.text), 76) {
        println!("    {l}");
    }
    println!("type: {}; status: {}", k.claim_type, k.status);
    for l in wrap(&term(&format!("reason: {}", k.reason)), 78) {
        println!("{l}");
    }
    let Some(trace) = &k.trace else {
        println!("\nno decision trace: run {run_id} predates traces (rerun the case with --force)");
        return Ok(());
    };
    let t: pa_types::ClaimTrace =
        serde_json::from_str(trace).context("reading the stored decision trace")?;
    println!("\nPARSED");
    for c in &t.concepts {
        let ctx = if c.context.is_empty() {
            "affirmed".to_string()
        } else {
            c.context.join(", ")
        };
        println!(
            "  concept {} ({}) \"{}\": {ctx}",
            c.id,
            c.kind,
            term(&c.text)
        );
    }
    for n in &t.numbers {
        println!(
            "  number {} {} {} (\"{}\")",
            n.kind,
            n.cmp,
            n.value,
            term(&n.surface)
        );
    }
    for d in &t.dates {
        println!("  date {d}");
    }
    if !t.words.is_empty() {
        for l in wrap(&format!("words: {}", t.words.join(" ")), 76) {
            println!("  {l}");
        }
    }
    println!("\nCANDIDATES ({}, strongest first)", t.candidates.len());
    for (i, c) in t.candidates.iter().enumerate() {
        println!(
            "  {}. {} p.{} {}-{}  search {:.2}  coverage {:.2}  -> {} ({})",
            i + 1,
            term(&c.doc_id),
            c.page,
            c.start,
            c.end,
            c.search_score,
            c.coverage,
            c.verdict,
            c.rule
        );
        for l in wrap(&term(&c.quote), 72) {
            println!("       {l}");
        }
    }
    println!("\nDECIDED BY: {}", t.rule);
    println!("settings hash: {}", t.settings_hash);
    println!("lexicon: {}", t.lexicon_version);
    println!("criteria: {}", t.criteria_version);
    println!("run: {}", t.run_id);
    Ok(())
}

fn print_table_header() {
    println!(
        "{:<24} {:<18} {:>4} {:>5} {:>6} {:>4} {:>6} {:>7}  review",
        "case", "service", "docs", "quar", "claims", "sup", "unsup", "contra"
    );
}

/// Text from documents or names, safe to print: control characters (escape
/// sequences among them) and bidi controls are shown as `\u{..}`.
fn term(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        if (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        {
            o.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            o.push(c);
        }
    }
    o
}

fn print_table_row(c: &pa_driver::CaseBrief) {
    println!(
        "{:<24} {:<18} {:>4} {:>5} {:>6} {:>4} {:>6} {:>7}  {}",
        term(&c.case_id),
        term(c.service_code.as_deref().unwrap_or("-")),
        c.documents,
        c.quarantined,
        c.claims,
        c.supported,
        c.unsupported,
        c.contradicted,
        if c.needs_review { "yes" } else { "no" }
    );
}

/// What follows the case table: skipped cases, files written, stage times.
fn print_report(r: &RunReport, out: &Path) {
    if r.skipped > 0 {
        println!(
            "{} case(s) unchanged since their latest run, skipped (--force redoes them)",
            r.skipped
        );
    }
    println!("\nrun {} wrote {}:", r.run.run_id, out.display());
    for (path, rows) in &r.files {
        println!("  {:<70} {rows:>6} rows", path.display());
    }
    if let Some(index) = &r.review_index {
        println!(
            "  review pages: {} ({} case page(s))",
            index.display(),
            r.review_case_pages
        );
    }
    if r.index_dir.exists() {
        println!("  search index: {}", r.index_dir.display());
    }
    let t = &r.times;
    let (pages, ocr_pages) = (r.totals.pages, r.totals.ocr_pages);
    println!(
        "  {pages} pages ({ocr_pages} OCR); stage seconds: ingest {:.2}, extract {:.2}, chunk {:.2}, index {:.2}, analyze {:.2}, llm {:.2}, write {:.2}",
        t.ingest.as_secs_f64(),
        t.extract.as_secs_f64(),
        t.chunk.as_secs_f64(),
        t.index.as_secs_f64(),
        t.analyze.as_secs_f64(),
        t.llm.as_secs_f64(),
        t.write.as_secs_f64()
    );
    println!(
        "  analyze CPU seconds (summed over threads): summarize {:.2}, evidence {:.2}, facts {:.2}",
        t.summarize_cpu.as_secs_f64(),
        t.evidence_cpu.as_secs_f64(),
        t.facts_cpu.as_secs_f64()
    );
}

/// Greedy word wrap.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for w in text.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}

/// `priorauth show`: readable in 80 columns.
fn print_case(case_id: &str, c: &pa_driver::StoredCase) {
    println!("case {} (run {})", term(case_id), c.run_id);
    let service = format!(
        "service: {} {}{}",
        c.service_code
            .as_deref()
            .unwrap_or(if c.service_drug.is_some() {
                "(no code)"
            } else {
                "not found"
            }),
        c.service_description.as_deref().unwrap_or(""),
        c.service_drug
            .as_deref()
            .map(|d| format!(" [drug: {d}]"))
            .unwrap_or_default()
    );
    for l in wrap(&term(&service), 78) {
        println!("{l}");
    }
    println!(
        "needs review: {}",
        if c.needs_review { "yes" } else { "no" }
    );
    // What a denial would rest on comes first: the policy, then its criteria.
    println!("\nPOLICY");
    let policy = match (&c.policy, &c.policy_note) {
        (Some((id, source, why)), _) => format!("{id} ({source}); chosen because: {why}"),
        (None, Some(note)) => note.clone(),
        (None, None) if c.criteria.is_empty() => "no payer policy applies".to_string(),
        (None, None) => "(not recorded by this run)".to_string(),
    };
    for l in wrap(&term(&policy), 76) {
        println!("  {l}");
    }
    if !c.criteria.is_empty() {
        let n = |st: &str| c.criteria.iter().filter(|k| k.2 == st).count();
        let (total, met, not_met, missing) = (
            c.criteria.len(),
            n("met"),
            n("not_met"),
            n("missing_evidence"),
        );
        println!(
            "\nCRITERIA: {}",
            if met == total {
                format!("all {total} met")
            } else {
                format!("{not_met} of {total} not met, {missing} missing evidence, {met} met")
            }
        );
        let mut rows: Vec<_> = c.criteria.iter().collect();
        rows.sort_by_key(|k| match k.2.as_str() {
            "not_met" => 0,
            "met" => 2,
            _ => 1,
        });
        for (_, desc, status, reason) in rows {
            let mark = match status.as_str() {
                "met" => "[x]",
                "not_met" => "[!]",
                _ => "[?]",
            };
            for (i, l) in wrap(&term(desc), 72).into_iter().enumerate() {
                println!("  {} {l}", if i == 0 { mark } else { "   " });
            }
            for l in wrap(
                &term(&format!("{}: {reason}", status.replace('_', " "))),
                70,
            ) {
                println!("      {l}");
            }
        }
    }
    let flagged: Vec<_> = c
        .claims
        .iter()
        .filter(|k| k.status != "supported")
        .collect();
    println!("\nFLAGS ({} of {} claims)", flagged.len(), c.claims.len());
    for k in &flagged {
        println!("  [{}] {}", k.status.to_uppercase(), k.claim_type);
        for l in wrap(&term(&k.text), 74) {
            println!("    {l}");
        }
        for l in wrap(&term(&format!("why: {}", k.reason)), 74) {
            println!("    {l}");
        }
    }
    println!("\nSUMMARY");
    let mut section = "";
    for st in &c.statements {
        if st.section != section {
            section = &st.section;
            println!("  {}", section.replace('_', " "));
        }
        let cites: Vec<String> = st
            .citations
            .iter()
            .map(|(d, p, a, b)| format!("[{d} p.{p} {a}-{b}]"))
            .collect();
        for (i, l) in wrap(&term(&format!("{} {}", st.text, cites.join(" "))), 72)
            .into_iter()
            .enumerate()
        {
            println!("    {}{l}", if i == 0 { "- " } else { "  " });
        }
    }
    println!("\nSUPPORTED");
    for k in c.claims.iter().filter(|k| k.status == "supported") {
        for (i, l) in wrap(&k.text, 72).into_iter().enumerate() {
            println!("    {}{l}", if i == 0 { "- " } else { "  " });
        }
    }
    println!("\nDOCUMENTS");
    for (f, kind, status, reason) in &c.documents {
        let line = format!(
            "{f} ({kind}): {status}{}",
            reason
                .as_ref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default()
        );
        for (i, l) in wrap(&line, 74).into_iter().enumerate() {
            println!("  {}{l}", if i == 0 { "" } else { "  " });
        }
    }
}

/// `90d` or `90` -> 90.
fn parse_days(s: &str) -> Result<u64, String> {
    s.trim_end_matches('d')
        .parse()
        .map_err(|_| format!("`{s}` is not a number of days (e.g. 90d)"))
}

/// `K/N` with 0 <= K < N.
fn parse_shard(s: &str) -> Result<(u32, u32), String> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("`{s}` is not K/N (e.g. 0/3)"))?;
    let (k, n): (u32, u32) = (
        k.parse().map_err(|_| format!("bad shard `{s}`"))?,
        n.parse().map_err(|_| format!("bad shard `{s}`"))?,
    );
    if n == 0 || k >= n {
        return Err(format!("shard `{s}`: need 0 <= K < N"));
    }
    Ok((k, n))
}
