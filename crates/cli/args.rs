//! The command line: clap definitions of every subcommand and their flags, and
//! the parsers of flag values (`--older-than`, `--shard`). Doc comments here are
//! the `--help` text.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "priorauth",
    version,
    about = "Summarize prior-authorization cases and flag unsupported claims"
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(clap::Args)]
pub(crate) struct RunArgs {
    /// Drop folder: one sub-folder per case.
    #[arg(long)]
    pub(crate) drop: PathBuf,
    #[command(flatten)]
    pub(crate) opts: RunOpts,
}

/// What `run` and `eval` share besides the drop folder.
#[derive(clap::Args)]
pub(crate) struct RunOpts {
    /// Output folder (created).
    #[arg(long)]
    pub(crate) out: PathBuf,
    /// Settings file (default: the embedded pipelines/nightly.toml).
    #[arg(long)]
    pub(crate) config: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub(crate) quiet: bool,
    /// Redo every case, even those unchanged since their latest run.
    #[arg(long)]
    pub(crate) force: bool,
    /// Process only shard K of N (`--shard 0/3`): the cases whose stable hash
    /// falls there. N processes with K = 0..N-1 write the union of one run.
    #[arg(long, value_parser = parse_shard)]
    pub(crate) shard: Option<(u32, u32)>,
    /// Log lines as text or as JSON objects (for log collectors).
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    pub(crate) log_format: LogFormat,
    /// A folder of payer criteria files (`*.toml`, docs/criteria.md), read
    /// after the built-in ones and `criteria.dirs`; repeatable. A file whose
    /// `id` is an existing policy's replaces it.
    #[arg(long = "criteria", value_name = "DIR")]
    pub(crate) criteria: Vec<PathBuf>,
}

#[derive(Subcommand)]
pub(crate) enum CriteriaAction {
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
pub(crate) enum AuditAction {
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
pub(crate) enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub(crate) enum Command {
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
        /// A settings file whose LLM debug file (`llm.debug_file`) loses the purged
        /// runs' lines too. Not needed for runs whose audit entries name their
        /// debug file (every run since `llm_debug_file` was recorded).
        #[arg(long)]
        config: Option<PathBuf>,
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

impl Command {
    /// Whether the command prints nothing but errors: every command but `run`
    /// and `eval` without `--quiet`.
    pub(crate) fn quiet(&self) -> bool {
        match self {
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
        }
    }

    /// Whether log lines go out as JSON objects (`--log-format json`).
    pub(crate) fn json_logs(&self) -> bool {
        match self {
            Command::Run(a) => a.opts.log_format == LogFormat::Json,
            Command::Eval { args: a, .. } => a.opts.log_format == LogFormat::Json,
            _ => false,
        }
    }
}

#[derive(clap::Args)]
pub(crate) struct EvalArgs {
    /// Drop folder with gold.json labels (not with --from-reviews).
    #[arg(
        long,
        required_unless_present = "from_reviews",
        conflicts_with = "from_reviews"
    )]
    pub(crate) drop: Option<PathBuf>,
    // With --from-reviews, --out is the folder to read.
    #[command(flatten)]
    pub(crate) opts: RunOpts,
    /// Score the runs already in --out against the reviewers' verdicts
    /// (agreement per run) instead of running the pipeline.
    #[arg(long)]
    pub(crate) from_reviews: bool,
}

#[derive(clap::Args)]
pub(crate) struct ReviewArgs {
    /// The case id.
    #[arg(required_unless_present = "import")]
    pub(crate) case_id: Option<String>,
    /// The claim id in the case's latest result.
    #[arg(long = "claim", required_unless_present = "import")]
    pub(crate) claim_id: Option<String>,
    /// Whether the checker's status is right.
    #[arg(long, required_unless_present = "import", value_parser = ["agree", "disagree"])]
    pub(crate) verdict: Option<String>,
    /// The status the claim should have (with `disagree`, what it is instead).
    #[arg(long, value_parser = ["supported", "unsupported", "contradicted"])]
    pub(crate) status: Option<String>,
    /// Free text (stored in the owner-only output, never logged).
    #[arg(long, default_value = "")]
    pub(crate) note: String,
    /// The reviewer's id.
    #[arg(long, required_unless_present = "import")]
    pub(crate) reviewer: Option<String>,
    /// Import verdicts from a CSV file instead; a file with any bad row imports nothing.
    #[arg(long, conflicts_with_all = ["case_id", "claim_id", "verdict", "status", "note", "reviewer"])]
    pub(crate) import: Option<PathBuf>,
    /// Output folder of earlier runs.
    #[arg(long, default_value = "output")]
    pub(crate) out: PathBuf,
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
