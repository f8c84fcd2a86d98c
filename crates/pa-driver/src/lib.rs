//! The driver: the only crate that knows every stage. It runs ingest ->
//! extract -> chunk -> index -> summarize + evidence -> store over a drop
//! folder, in parallel where the work is CPU-bound (rayon), and reports what
//! happened per case and per stage.
#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use pa_config::Settings;
use pa_evidence::red_flags::RedFlagRules;
use pa_evidence::{Checker, EvidenceOptions};
use pa_extract::ExtractOptions;
use pa_index::RunIndex;
use pa_ingest::IngestOptions;
use pa_summarize::SummarizeOptions;
use pa_types::time::civil_from_days;
use pa_types::{CaseResult, DocStatus, RunInfo, Sentence};
use rayon::prelude::*;

#[cfg(test)]
mod criteria_tests;
pub mod ops;
mod priority;
pub mod review;

/// Payer criteria: policies, the language, errors.
pub use pa_evidence::criteria;
pub use pa_index::TextHit;
pub use pa_store::read::{StoredCase, StoredClaim};

/// Fatal errors: the run cannot go on. Bad documents are never fatal.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriverError {
    /// Settings or data files.
    #[error(transparent)]
    Config(#[from] pa_config::ConfigError),
    /// The drop folder.
    #[error(transparent)]
    Ingest(#[from] pa_ingest::IngestError),
    /// The search index.
    #[error(transparent)]
    Index(#[from] pa_index::IndexError),
    /// The evidence checker's rules.
    #[error(transparent)]
    Evidence(#[from] pa_evidence::EvidenceError),
    /// Writing results.
    #[error(transparent)]
    Store(#[from] pa_store::StoreError),
    /// The output folder.
    #[error("cannot use output folder {path}")]
    Output {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Another run holds the output folder.
    #[error("{0}")]
    Busy(String),
    /// The worker pool.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// The LLM backend's settings (endpoint refused, key missing).
    #[error(transparent)]
    Llm(#[from] pa_llm::LlmError),
    /// The audit log entry of the run.
    #[error("cannot spool the audit entry: {0}")]
    Audit(String),
}

/// Wall time per stage. A batch's ingest and extraction run while the previous
/// batch goes through the later stages, so the stages add up to more than the run.
#[derive(Debug, Clone, Default)]
pub struct StageTimes {
    /// Ingest (listing and hashing).
    pub ingest: Duration,
    /// Text extraction.
    pub extract: Duration,
    /// Sentence chunking.
    pub chunk: Duration,
    /// Index build.
    pub index: Duration,
    /// Summaries and evidence checks.
    pub analyze: Duration,
    /// The optional LLM summaries.
    pub llm: Duration,
    /// Thread time in the summarizer, summed over cases (inside `analyze`).
    pub summarize_cpu: Duration,
    /// Thread time in claims and criteria checks (inside `analyze`).
    pub evidence_cpu: Duration,
    /// Thread time in fact extraction (inside `analyze`).
    pub facts_cpu: Duration,
    /// Parquet and HTML.
    pub write: Duration,
}

/// What a run produced.
#[derive(Debug)]
pub struct RunReport {
    /// Run identity.
    pub run: RunInfo,
    /// Per-case results, only with [`RunOptions::keep_cases`] (memory grows with them).
    pub cases: Vec<CaseResult>,
    /// Counts over the run.
    pub totals: pa_types::RunTotals,
    /// Parquet files written, with row counts.
    pub files: Vec<(PathBuf, usize)>,
    /// The review index page, when HTML pages were written.
    pub review_index: Option<PathBuf>,
    /// Over the latest result of every case the output folder has seen (not
    /// only this run's): (cases needing review, cases), with the review index.
    pub open_cases: Option<(usize, usize)>,
    /// Case pages written.
    pub review_case_pages: usize,
    /// The run's search index.
    pub index_dir: PathBuf,
    /// Stage timings.
    pub times: StageTimes,
    /// Cases skipped because nothing about them changed.
    pub skipped: usize,
    /// Case folders that could not be listed: (case id, error). They are not
    /// processed (their earlier results stay the latest) and the run exits 2.
    pub case_errors: Vec<(String, String)>,
}

impl RunReport {
    /// Documents quarantined in this run.
    pub fn n_quarantined(&self) -> usize {
        self.totals.quarantined
    }

    /// The exit status the run ends with: 2 when a document was quarantined or
    /// a case folder could not be listed, else 0.
    pub fn exit_status(&self) -> u8 {
        if self.totals.quarantined > 0 || !self.case_errors.is_empty() {
            2
        } else {
            0
        }
    }
}

/// What the terminal shows of a case.
#[derive(Debug, Clone)]
pub struct CaseBrief {
    /// Case id.
    pub case_id: String,
    /// Requested service code.
    pub service_code: Option<String>,
    /// Documents.
    pub documents: usize,
    /// Quarantined documents.
    pub quarantined: usize,
    /// Pages.
    pub pages: usize,
    /// Pages read by OCR.
    pub ocr_pages: usize,
    /// Claims.
    pub claims: usize,
    /// Supported claims.
    pub supported: usize,
    /// Unsupported claims.
    pub unsupported: usize,
    /// Contradicted claims.
    pub contradicted: usize,
    /// Needs review.
    pub needs_review: bool,
}

impl CaseBrief {
    fn of(c: &CaseResult) -> Self {
        let pages = || c.docs.iter().flat_map(|d| d.pages.iter());
        CaseBrief {
            case_id: c.case_id.clone(),
            service_code: c.summary.service_code.clone(),
            documents: c.docs.len(),
            quarantined: c.n_quarantined(),
            pages: pages().count(),
            ocr_pages: pages()
                .filter(|p| p.source == pa_types::TextSource::Ocr)
                .count(),
            claims: c.claims.len(),
            supported: c.n_claims(pa_types::ClaimStatus::Supported),
            unsupported: c.n_claims(pa_types::ClaimStatus::Unsupported),
            contradicted: c.n_claims(pa_types::ClaimStatus::Contradicted),
            needs_review: c.needs_review(),
        }
    }
}

/// The latest rows of one case in an output folder, for `priorauth show`.
pub fn show(out: &Path, case_id: &str) -> Result<Option<pa_store::read::StoredCase>, DriverError> {
    Ok(pa_store::read::latest_case(out, case_id)?)
}

/// Delete the outputs of runs older than `days` days (under the output lock),
/// and record it in the audit log. Returns the run ids removed.
pub fn purge(out: &Path, days: u64) -> Result<Vec<String>, DriverError> {
    let _lock = ops::OutputLock::acquire(out).map_err(DriverError::Busy)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as i64;
    let cutoff = now - (days as i64) * 86_400;
    let (y, m, d) = civil_from_days(cutoff.div_euclid(86_400));
    let tod = cutoff.rem_euclid(86_400);
    let cutoff_id = format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z",
        tod / 3600,
        tod % 3600 / 60,
        tod % 60
    );
    // Logged first: a purge killed half-way is still on record.
    let removed = ops::runs_before(out, &cutoff_id);
    pa_store::audit::append(
        out,
        serde_json::json!({"action": "purge", "older_than_days": days, "cutoff": cutoff_id, "runs_removed": removed}),
    )?;
    ops::purge_runs(out, &removed)?;
    Ok(removed)
}

/// Check the audit log's hash chain; the number of entries, or the first bad line.
pub fn audit_verify(out: &Path) -> Result<usize, String> {
    pa_store::audit::verify(out)
}

/// The latest result of a case as a FHIR R4 Bundle (JSON).
pub fn export_fhir(out: &Path, case_id: &str) -> Result<Option<serde_json::Value>, DriverError> {
    Ok(
        pa_store::read::latest_case(out, case_id)?
            .map(|c| pa_store::fhir::case_bundle(case_id, &c)),
    )
}

/// Search the latest result of every case (or one): each finished run's index
/// answers for the cases whose latest run it is. Returns the newest run id and
/// the hits, best first.
pub fn search(
    out: &Path,
    query: &str,
    case_id: Option<&str>,
    limit: usize,
) -> Result<Option<(String, Vec<pa_index::TextHit>)>, DriverError> {
    let latest = pa_store::read::latest_fingerprints(out)?;
    let mut runs = ops::finished_runs(out);
    runs.sort();
    let Some(newest) = runs.last().cloned() else {
        return Ok(None);
    };
    let mut hits = Vec::new();
    let mut dirs: Vec<(String, PathBuf)> = pa_store::layout::index_dirs(out)
        .into_iter()
        .filter(|(run, _)| runs.contains(run) && latest.values().any(|(r, _)| r == run))
        .collect();
    dirs.sort();
    for (run, dir) in dirs.iter().rev() {
        let index = RunIndex::open(dir)?;
        hits.extend(
            index
                .search_text(query, case_id, limit)
                .into_iter()
                .filter(|h| latest.get(&h.case_id).is_some_and(|(r, _)| r == run)),
        );
    }
    hits.sort_by(|a, b| b.score.total_cmp(&a.score));
    hits.truncate(limit);
    Ok(Some((newest, hits)))
}

/// The evidence checker of a run: the embedded lexicon and ConText rules.
pub fn new_checker(settings: &Settings) -> Result<Checker, DriverError> {
    Ok(Checker::new(
        pa_config::lexicon()?,
        pa_config::DEFAULT_CONTEXT,
        EvidenceOptions {
            candidates: settings.evidence.candidates,
            max_evidence: settings.evidence.max_evidence,
            support_coverage: settings.evidence.support_coverage,
        },
    )?)
}

/// `priorauth criteria check FILE...`: each file's errors (empty when valid).
/// A file is checked alone, as `--criteria` would read it.
pub fn check_criteria_files(
    settings: &Settings,
    files: &[PathBuf],
) -> Result<Vec<(PathBuf, Vec<pa_evidence::criteria::CriteriaError>)>, DriverError> {
    let checker = new_checker(settings)?;
    Ok(files
        .iter()
        .map(|path| {
            let source = path.display().to_string();
            let errors = match std::fs::read_to_string(path) {
                Err(e) => vec![pa_evidence::criteria::CriteriaError {
                    file: source,
                    line: None,
                    message: format!("cannot read the file: {e}"),
                }],
                Ok(text) => pa_evidence::criteria::check_file(&source, &text, &checker)
                    .err()
                    .unwrap_or_default(),
            };
            (path.clone(), errors)
        })
        .collect())
}

/// Stands for "no policy applied" in a case fingerprint.
const NO_POLICY: &str = "no-policy";

/// The built-in criteria and those of the settings' folders, validated.
pub fn load_criteria(
    settings: &Settings,
    checker: &Checker,
) -> Result<pa_evidence::criteria::CriteriaSet, DriverError> {
    pa_evidence::criteria::CriteriaSet::load(
        settings
            .criteria_files
            .iter()
            .map(|f| (f.source.as_str(), f.text.as_str())),
        checker,
    )
    .map_err(|e| DriverError::Evidence(pa_evidence::EvidenceError::Criteria(e)))
}

/// A case's stored fingerprint: its documents' fingerprint and the sha256 of
/// the policy applied to it, so that editing a policy redoes the cases it
/// applied to and no other.
fn case_fingerprint(documents: &str, policy_sha256: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(documents.as_bytes());
    h.update([0]);
    h.update(policy_sha256.as_bytes());
    format!("{:x}", h.finalize())
}

/// What every claim trace of a run records about the run.
struct TraceStamp {
    run_id: String,
    settings_hash: String,
    lexicon_version: String,
}

/// First 12 hex digits of the sha256 of `text`.
fn sha12(text: &str) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(text.as_bytes());
    format!("{:x}", h.finalize())[..12].to_string()
}

/// `<version key>@<sha256 of the text, 12 hex>` of the lexicon.
fn lexicon_version(text: &str) -> String {
    let version = text
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .unwrap_or("?")
        .trim();
    format!("{version}@{}", sha12(text))
}

/// Stamp the claims' traces with the run, its settings hash, the lexicon
/// version and the policy applied to the case (`<policy id>@<sha256, 12 hex>`,
/// or `none`).
fn stamp_traces(claims: &mut [pa_types::Claim], stamp: &TraceStamp, criteria_version: &str) {
    for t in claims.iter_mut().filter_map(|c| c.trace.as_mut()) {
        t.run_id = stamp.run_id.clone();
        t.settings_hash = stamp.settings_hash.clone();
        t.lexicon_version = stamp.lexicon_version.clone();
        t.criteria_version = criteria_version.to_string();
    }
}

/// sha256 over the pipeline version, the settings hash (criteria aside), the
/// policy routing, every document's name, hash and size, and the digest of the
/// case's reviewer verdicts (when it has any): what decides, with the policy
/// applied (`case_fingerprint`), whether a case must be redone. A new verdict
/// redoes its case, so the case page shows it.
fn fingerprint(
    case: &pa_ingest::StagedCase,
    pipeline_sha256: &str,
    routing: &str,
    reviews: &str,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update([0]);
    h.update(pipeline_sha256.as_bytes());
    h.update([0]);
    h.update(routing.as_bytes());
    let mut docs: Vec<_> = case
        .docs
        .iter()
        .map(|d| (&d.file_name, &d.sha256, d.size))
        .collect();
    docs.sort();
    for (name, sha, size) in docs {
        h.update([0]);
        h.update(name.as_bytes());
        h.update([0]);
        h.update(sha.as_bytes());
        h.update(size.to_le_bytes());
    }
    if !reviews.is_empty() {
        h.update(b"\0reviews\0");
        h.update(reviews.as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// The shard (0-based, of `n`) a case belongs to: a stable hash of its id, the
/// same on every machine and every run.
pub fn shard_of(case_id: &str, n: u32) -> u32 {
    use sha2::{Digest, Sha256};
    let h = Sha256::digest(case_id.as_bytes());
    (u64::from_be_bytes(h[..8].try_into().expect("8 bytes")) % u64::from(n.max(1))) as u32
}

/// Called with (cases done so far, cases in the run) as a run goes; a case is
/// done once it is extracted or found unchanged.
pub type Progress = dyn Fn(usize, usize) + Sync;

/// A new run id that sorts in time order: `YYYYMMDDTHHMMSSZ-xxxx`.
pub fn new_run() -> RunInfo {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let tod = secs.rem_euclid(86_400);
    // Milliseconds first, so runs within one second still sort in time order;
    // a hex digit of process id and nanoseconds keeps same-millisecond runs apart.
    let millis = now.subsec_millis();
    let salt = (now.subsec_nanos() ^ std::process::id()) & 0xf;
    RunInfo {
        run_id: format!(
            "{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z-{millis:03}{salt:x}",
            tod / 3600,
            tod % 3600 / 60,
            tod % 60
        ),
        run_date: format!("{y:04}-{m:02}-{d:02}"),
        started_at_us: now.as_micros() as i64,
        shard: None,
    }
}

/// Run the pipeline over `drop`, writing into `out`. With `opts.worker_exe`
/// (the running `priorauth`, which has the `extract-worker` subcommand) and
/// `extract.isolate`, PDFs are parsed in worker processes; else in-process.
///
/// A case whose documents and settings did not change since its latest
/// finished run is skipped (its earlier rows stay the latest), unless `force`.
pub fn run(
    drop: &Path,
    out: &Path,
    settings: &Settings,
    opts: &RunOptions<'_>,
) -> Result<RunReport, DriverError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(settings.run.threads)
        .build()
        .map_err(|e| DriverError::Threads(e.to_string()))?;
    pool.install(|| run_in_pool(drop, out, settings, opts))
}

/// What the run did with one case, for the audit log.
#[derive(serde::Serialize)]
struct CaseAction<'a> {
    case_id: &'a str,
    action: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    documents: Option<Vec<DocAction<'a>>>,
}

#[derive(serde::Serialize)]
struct DocAction<'a> {
    doc_id: &'a str,
    sha256: &'a str,
}

impl CaseAction<'_> {
    fn spool_to(&self, spool: &mut pa_store::Spool) -> Result<(), DriverError> {
        spool
            .push(self)
            .map_err(|e| DriverError::Audit(e.to_string()))
    }
}

/// Cases not yet in a batch: still to stage, or extracted beyond the last cut.
#[derive(Default)]
struct Feed {
    pending: std::collections::VecDeque<pa_ingest::CaseDir>,
    ready: Vec<Extracted>,
}

/// One batch's extracted cases, and the cases found unchanged on the way.
struct Batch {
    cases: Vec<Extracted>,
    skipped: Vec<String>,
    /// Case folders that could not be listed, with the error.
    failed: Vec<(String, String)>,
    staging: Duration,
    extracting: Duration,
}

/// A case extracted and waiting for its batch.
struct Extracted {
    case_id: String,
    fingerprint: String,
    docs: Vec<pa_types::ExtractedDoc>,
}

/// How to run, beyond the settings.
#[derive(Default)]
pub struct RunOptions<'a> {
    /// A binary with the `extract-worker` subcommand; `None` parses in-process.
    pub worker_exe: Option<&'a Path>,
    /// Redo unchanged cases too.
    pub force: bool,
    /// Process only shard k of n.
    pub shard: Option<(u32, u32)>,
    /// Progress callback.
    pub progress: Option<&'a Progress>,
    /// Return every case's full result in [`RunReport::cases`] (for `eval`);
    /// otherwise a case is only passed to [`RunOptions::on_case`], so memory
    /// stays per batch.
    pub keep_cases: bool,
    /// Called after each batch, once its memory is freed, on every thread of
    /// the run (the binary returns the allocator's free pages to the system there).
    pub after_batch: Option<&'a (dyn Fn() + Sync)>,
    /// Called with each case as its batch is written (the terminal's table).
    pub on_case: Option<&'a (dyn Fn(&CaseBrief) + Sync)>,
}

fn run_in_pool(
    drop: &Path,
    out: &Path,
    settings: &Settings,
    opts: &RunOptions<'_>,
) -> Result<RunReport, DriverError> {
    let RunOptions {
        worker_exe,
        force,
        shard,
        progress,
        keep_cases: _,
        after_batch,
        on_case,
    } = *opts;
    std::fs::create_dir_all(out).map_err(|source| DriverError::Output {
        path: out.to_path_buf(),
        source,
    })?;
    let mut run = new_run();
    run.shard = shard;
    let suffix = pa_store::layout::run_suffix(&run);
    let _lock = ops::OutputLock::acquire_named(out, &suffix).map_err(DriverError::Busy)?;
    // What runs killed before they finished left behind (a run killed after its
    // audit entry is named in a cleanup entry first).
    ops::clean_up(out, &suffix)?;
    let debug_file = PathBuf::from(&settings.llm.debug_file);
    let extra: Vec<&Path> = if settings.llm.debug_file.is_empty() {
        Vec::new()
    } else {
        vec![debug_file.as_path()]
    };
    ops::tighten_modes(out, settings.output.group_readable, &extra);
    let uncommitted = ops::Uncommitted::new(out, &suffix);
    let mut times = StageTimes::default();
    let lex = pa_config::lexicon()?;
    let checker = new_checker(settings)?;
    let criteria = load_criteria(settings, &checker)?;
    // A case's fingerprint covers the policy routing and, once checked, the
    // policy applied to it (see `case_fingerprint`).
    let routing = criteria.routing_sha256();
    let policy_hashes: Vec<&str> = criteria
        .policies()
        .iter()
        .map(|p| p.sha256.as_str())
        .chain([NO_POLICY])
        .collect();
    let red_flag_rules = RedFlagRules::from_toml(pa_config::DEFAULT_RED_FLAGS)
        .map_err(pa_evidence::EvidenceError::RedFlags)?;
    let _span = tracing::info_span!("run", run_id = %run.run_id).entered();
    let reviews = pa_store::reviews::ReviewIndex::new(pa_store::reviews::read_reviews(out)?);
    let stamp = TraceStamp {
        run_id: run.run_id.clone(),
        settings_hash: settings.config_sha256.clone(),
        lexicon_version: lexicon_version(pa_config::DEFAULT_LEXICON),
    };

    // Ingest lists the case folders only; each case is staged (its documents
    // listed and hashed) just before it is extracted, so nothing held grows
    // with the drop folder.
    let t = Instant::now();
    let iopts = IngestOptions {
        extensions: settings.ingest.extensions.clone(),
        max_file_bytes: settings.ingest.max_file_bytes,
        follow_symlinks_outside_drop: settings.ingest.follow_symlinks_outside_drop,
    };
    let case_dirs: Vec<pa_ingest::CaseDir> = pa_ingest::list_cases(drop, &iopts)?
        .into_iter()
        .filter(|case| shard.is_none_or(|(k, n)| shard_of(&case.case_id, n) == k))
        .collect();
    // Change detection: hashes only, no document content read. Only the
    // fingerprints of this drop folder's cases are kept (`case_dirs` is sorted).
    let previous = if force {
        Default::default()
    } else {
        pa_store::read::latest_fingerprints_of(out, &|id| {
            case_dirs
                .binary_search_by(|c| c.case_id.as_str().cmp(id))
                .is_ok()
        })?
    };
    times.ingest = t.elapsed();
    tracing::info!(cases = case_dirs.len(), "case folders found");
    let total_cases = case_dirs.len();
    let mut skipped = 0;

    let xopts = ExtractOptions {
        min_chars_per_page: settings.extract.min_chars_per_page,
        max_pages: settings.extract.max_pages,
        max_page_chars: settings.extract.max_page_chars,
        max_decompressed_bytes: settings.extract.max_decompressed_bytes,
        isolation: match (settings.extract.isolate, worker_exe) {
            (true, Some(exe)) => Some(pa_extract::Isolation::new(
                exe.to_path_buf(),
                Duration::from_secs(settings.extract.worker_timeout_secs),
                settings.extract.worker_memory_mib << 20,
                settings.extract.worker_cpu_secs,
            )),
            _ => None,
        },
        ocr: pa_extract::OcrOptions {
            enabled: settings.ocr.enabled,
            dpi: settings.ocr.dpi,
            language: settings.ocr.language.clone(),
            timeout_per_page: Duration::from_secs(settings.ocr.timeout_per_page_secs),
            max_memory_bytes: settings.extract.worker_memory_mib << 20,
        },
    };
    if xopts.ocr.enabled && !pa_extract::ocr::available() {
        tracing::warn!("tesseract or pdftoppm not found: pages without a text layer will be quarantined as ocr_unavailable");
    }
    let done = std::sync::atomic::AtomicUsize::new(0);
    let tick = || {
        if let Some(p) = progress {
            p(
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                total_cases,
            );
        }
    };
    // Extraction threads mostly wait on a worker process (or tesseract): twice
    // as many as cores keeps the cores busy across process start-ups.
    let cores = if settings.run.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        settings.run.threads
    };
    let extract_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cores * 2)
        .build()
        .map_err(|e| DriverError::Threads(e.to_string()))?;
    let llm = if settings.llm.enabled {
        Some(llm_client(settings)?)
    } else {
        None
    };
    let sopts = SummarizeOptions {
        word_budget: settings.summarize.word_budget,
        max_per_section: settings.summarize.max_per_section,
    };
    let summarize_ns = std::sync::atomic::AtomicU64::new(0);
    let evidence_ns = std::sync::atomic::AtomicU64::new(0);
    let facts_ns = std::sync::atomic::AtomicU64::new(0);
    let index_dir = pa_store::layout::index_dir(out, &run, 0);
    let batch_cases = settings.run.batch_cases.max(1);
    let batch_pages = settings.run.batch_pages.max(1);
    // Cases are extracted a few at a time (enough to keep every extraction
    // thread busy) until the batch is full; what is extracted beyond the cut
    // starts the next batch. The cut depends on the cases' order and pages
    // only, so the batches of a run are the same however the threads ran.
    let chunk_cases = (4 * cores).max(16);
    let extract_cases = |cases: Vec<(pa_ingest::StagedCase, String)>| -> Vec<Extracted> {
        extract_pool.install(|| {
            cases
                .into_par_iter()
                .map(|(case, fingerprint)| {
                    if case.docs.is_empty() {
                        tracing::warn!(case_id = %case.case_id, "case folder has no documents");
                    }
                    let mut docs: Vec<pa_types::ExtractedDoc> = case
                        .docs
                        .into_par_iter()
                        .map(|d| {
                            let _s = tracing::debug_span!("extract", case_id = %d.case_id, doc_id = %d.doc_id)
                                .entered();
                            pa_extract::extract(d, &xopts)
                        })
                        .collect();
                    pa_extract::mark_near_duplicates(
                        &mut docs,
                        settings.extract.near_duplicate_similarity,
                    );
                    tick();
                    Extracted {
                        case_id: case.case_id,
                        fingerprint,
                        docs,
                    }
                })
                .collect()
        })
    };
    // Stage cases (list and hash their documents) and set aside the unchanged.
    let stage_cases = |cases: Vec<pa_ingest::CaseDir>| -> Vec<(pa_ingest::StagedCase, String)> {
        extract_pool.install(|| {
            cases
                .into_par_iter()
                .map(|case| {
                    let case = pa_ingest::stage(case, &iopts);
                    let fp = fingerprint(
                        &case,
                        &settings.pipeline_sha256,
                        &routing,
                        reviews.case_digest(&case.case_id),
                    );
                    (case, fp)
                })
                .collect()
        })
    };
    // Where the batch in `ready` ends, if it is full.
    let cut = |ready: &[Extracted]| {
        let mut pages = 0;
        ready.iter().enumerate().find_map(|(i, case)| {
            pages += case.docs.iter().map(|d| d.pages.len()).sum::<usize>();
            (i + 1 >= batch_cases || pages >= batch_pages).then_some(i + 1)
        })
    };
    let mut totals = pa_types::RunTotals::default();
    let mut kept: Vec<CaseResult> = Vec::new();
    let mut files = Vec::new();
    let mut review_case_pages = 0;
    let mut case_errors: Vec<(String, String)> = Vec::new();
    let mut nothing_written = false;
    // The review index's rows, spooled: the index is rewritten once, at the end.
    let mut review_rows = if settings.output.review_html {
        Some(pa_store::Spool::new(out)?)
    } else {
        None
    };
    // What the run did with each case, for the audit log: spooled to a
    // temporary file, not held.
    let mut actions = pa_store::Spool::new(out)?;
    // The next batch: cases staged and extracted until the batch is full.
    let next_batch = |mut feed: Feed| -> (Feed, Batch) {
        let t = Instant::now();
        let mut staging = Duration::ZERO;
        let mut skipped = Vec::new();
        let mut failed = Vec::new();
        let end = loop {
            if let Some(end) = cut(&feed.ready) {
                break end;
            }
            if feed.pending.is_empty() {
                break feed.ready.len();
            }
            let n = chunk_cases.min(feed.pending.len());
            let t = Instant::now();
            let staged = stage_cases(feed.pending.drain(..n).collect());
            let mut changed = Vec::with_capacity(staged.len());
            for (case, fp) in staged {
                if let Some(e) = case.error {
                    // Not processed: an empty result must not replace its latest.
                    tick();
                    failed.push((case.case_id, e));
                    continue;
                }
                let unchanged = previous.get(&case.case_id).is_some_and(|(_, old)| {
                    policy_hashes
                        .iter()
                        .any(|p| *old == case_fingerprint(&fp, p))
                });
                if unchanged {
                    tick();
                    skipped.push(case.case_id);
                } else {
                    changed.push((case, fp));
                }
            }
            staging += t.elapsed();
            feed.ready.extend(extract_cases(changed));
        };
        let rest = feed.ready.split_off(end);
        let batch = Batch {
            cases: std::mem::replace(&mut feed.ready, rest),
            skipped,
            failed,
            staging,
            extracting: t.elapsed() - staging,
        };
        (feed, batch)
    };
    let next_batch = &next_batch;
    let mut batch_no = 0;
    // Cases go through in batches: memory holds one batch's documents, not the
    // drop folder's. Each batch's rows are written before the next starts; the
    // run becomes visible only with its `runs` row, after the last batch.
    // At least one batch, so a first run that finds no case still writes (empty) tables.
    std::thread::scope(|scope| -> Result<(), DriverError> {
        let (mut feed, mut batch) = next_batch(Feed {
            pending: case_dirs.into(),
            ready: Vec::new(),
        });
        loop {
            // The next batch is extracted (in worker processes) while this one is
            // indexed, checked and written, which use this process's threads.
            let prefetch = if feed.pending.is_empty() && feed.ready.is_empty() {
                None
            } else {
                let feed = std::mem::take(&mut feed);
                Some(scope.spawn(move || next_batch(feed)))
            };
            times.ingest += batch.staging;
            times.extract += batch.extracting;
            for case_id in &batch.skipped {
                skipped += 1;
                CaseAction {
                    case_id,
                    action: "skipped_unchanged",
                    fingerprint: None,
                    documents: None,
                }
                .spool_to(&mut actions)?;
            }
            for (case_id, _) in &batch.failed {
                CaseAction {
                    case_id,
                    action: "unreadable_case_folder",
                    fingerprint: None,
                    documents: None,
                }
                .spool_to(&mut actions)?;
            }
            case_errors.append(&mut batch.failed);
            let n = batch.cases.len();
            let mut case_ids = Vec::with_capacity(n);
            let mut fingerprints = Vec::with_capacity(n);
            let mut extracted = Vec::with_capacity(n);
            for case in std::mem::take(&mut batch.cases) {
                case_ids.push(case.case_id);
                fingerprints.push(case.fingerprint);
                extracted.push(case.docs);
            }

            let t = Instant::now();
            let sentences: Vec<Vec<Sentence>> = extracted
                .par_iter()
                .map(|docs| {
                    docs.iter()
                        .filter(|d| d.status == DocStatus::Ok)
                        .flat_map(pa_index::chunk::sentences)
                        .collect()
                })
                .collect();
            times.chunk += t.elapsed();

            // One index per batch (`index/<run_id>[-b<NNNN>]`): a claim is searched
            // within its own case, so a batch never needs another batch's index, and
            // memory does not grow with the run.
            let t = Instant::now();
            let dir = pa_store::layout::index_dir(out, &run, batch_no);
            let index = RunIndex::build(
                &dir,
                case_ids
                    .iter()
                    .map(String::as_str)
                    .zip(sentences.iter().map(Vec::as_slice)),
            )?;
            times.index += t.elapsed();

            let t = Instant::now();
            let mut cases: Vec<CaseResult> = extracted
                .into_par_iter()
                .zip(sentences.par_iter())
                .zip(case_ids.par_iter())
                .zip(fingerprints.into_par_iter())
                .map(|(((docs, sents), case_id), fingerprint)| {
                    let _s = tracing::debug_span!("case", case_id = %case_id).entered();
                    let t0 = Instant::now();
                    let (service_code, _, _) = pa_summarize::service(sents);
                    let drug = pa_summarize::requested_drug(sents).map(|d| d.0);
                    let (choice, criteria) =
                        criteria.check(&checker, service_code.as_deref(), drug, sents);
                    let fingerprint = case_fingerprint(
                        &fingerprint,
                        choice.policy.map_or(NO_POLICY, |p| p.sha256.as_str()),
                    );
                    let policy = choice.to_policy_choice();
                    let policy_note = choice.note.clone();
                    let criteria_version = choice
                        .policy
                        .map_or_else(|| "none".to_string(), |p| format!("{}@{}", p.id, &p.sha256[..12]));
                    let mut claims = checker.check_case(case_id, sents, &index);
                    stamp_traces(&mut claims, &stamp, &criteria_version);
                    let t1 = Instant::now();
                    let facts = checker.facts(sents);
                    let red_flags = red_flag_rules.find(checker.context(), sents);
                    let priority = priority::assess(&red_flags, &docs, &settings.priority);
                    let t2 = Instant::now();
                    let summary = pa_summarize::summarize(
                        &pa_summarize::CaseInput {
                            case_id,
                            sentences: sents,
                            claims: &claims,
                            criteria: &criteria,
                            searcher: Some(&index),
                        },
                        &lex,
                        &sopts,
                    );
                    let add = |a: &std::sync::atomic::AtomicU64, d: Duration| {
                        a.fetch_add(d.as_nanos() as u64, std::sync::atomic::Ordering::Relaxed)
                    };
                    add(&evidence_ns, t1 - t0);
                    add(&facts_ns, t2 - t1);
                    add(&summarize_ns, t2.elapsed());
                    CaseResult {
                        case_id: case_id.clone(),
                        docs,
                        summary,
                        claims,
                        criteria,
                        policy,
                        policy_note,
                        facts,
                        red_flags,
                        priority,
                        fingerprint,
                    }
                })
                .collect();
            times.analyze += t.elapsed();

            let t = Instant::now();
            if let Some(llm) = &llm {
                llm_summaries(llm, &mut cases, &sentences, settings);
            }
            times.llm += t.elapsed();
            // The sentences and the index are done with: free them before the
            // write stage builds its column buffers.
            std::mem::drop((case_ids, sentences, index));

            let t = Instant::now();
            if let Some(rows) = &mut review_rows {
                review_case_pages +=
                    pa_store::html::write_case_pages(out, &run, &cases, rows, &reviews)?;
            }
            pa_types::crash_point("after:review");
            // A run with no case to write (all unchanged) adds no empty files
            // to tables that already have some; a first run writes them all,
            // so the tables can be read.
            if !cases.is_empty() || batch_no > 0 || !pa_store::layout::tables_exist(out) {
                files.extend(pa_store::write_case_tables(out, &run, batch_no, &cases)?);
            } else {
                nothing_written = true;
            }
            totals.add(&cases);
            for c in &cases {
                CaseAction {
                    case_id: &c.case_id,
                    action: "processed",
                    fingerprint: Some(&c.fingerprint),
                    documents: Some(
                        c.docs
                            .iter()
                            .map(|d| DocAction {
                                doc_id: &d.staged.doc_id,
                                sha256: &d.staged.sha256,
                            })
                            .collect(),
                    ),
                }
                .spool_to(&mut actions)?;
                if let Some(f) = on_case {
                    f(&CaseBrief::of(c));
                }
            }
            if opts.keep_cases {
                kept.extend(cases);
            }
            times.write += t.elapsed();
            if let Some(f) = after_batch {
                // Each thread's allocator heap, not only this one's.
                rayon::broadcast(|_| f());
                extract_pool.broadcast(|_| f());
                f();
            }
            batch_no += 1;
            match prefetch {
                Some(h) => {
                    (feed, batch) = h
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                }
                None => break,
            }
        }
        Ok(())
    })?;
    if nothing_written {
        // Its index holds nothing: no empty folder either.
        let _ = std::fs::remove_dir_all(&index_dir);
    }
    let ns = |a: std::sync::atomic::AtomicU64| Duration::from_nanos(a.into_inner());
    times.summarize_cpu = ns(summarize_ns);
    times.evidence_cpu = ns(evidence_ns);
    times.facts_cpu = ns(facts_ns);

    let t = Instant::now();
    let finished = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let record = pa_store::RunRecord {
        finished_at_us: finished.as_micros() as i64,
        version: env!("CARGO_PKG_VERSION").to_string(),
        config_sha256: settings.config_sha256.clone(),
        n_skipped: skipped as i64,
        exit_status: if totals.quarantined > 0 || !case_errors.is_empty() {
            2
        } else {
            0
        },
    };
    // The runs table is written last: a run whose row is there is complete.
    let (review_index, open_cases) = match review_rows
        .map(|rows| pa_store::html::update_index(out, &run, rows))
        .transpose()?
    {
        Some((path, flagged, all)) => (Some(path), Some((flagged, all))),
        None => (None, None),
    };
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string();
    // The audit entry is written after the manifest and before the runs row:
    // every visible run has exactly one, which `audit verify` checks.
    pa_store::commit_run(out, &run, &record, &totals, &mut files, |manifest_sha256| {
        pa_store::audit::append_with_cases(
            out,
            serde_json::json!({
                "action": "run",
                "run_id": run.run_id,
                "shard": suffix,
                "manifest_sha256": manifest_sha256,
                "finished_at_us": record.finished_at_us,
                "version": record.version,
                "config_sha256": record.config_sha256,
                "user": std::env::var("USER").or_else(|_| std::env::var("LOGNAME")).unwrap_or_else(|_| format!("uid {}", unsafe { libc::getuid() })),
                "host": host,
                "drop": drop.display().to_string(),
                "counts": {"processed": totals.cases, "skipped": skipped,
                           "quarantined": totals.quarantined,
                           "needs_review": totals.needs_review,
                           "unreadable_case_folders": case_errors.len()},
                "exit_status": record.exit_status,
            }),
            actions,
        )
    })?;
    uncommitted.commit();
    times.write += t.elapsed();
    tracing::info!(
        cases = totals.cases,
        skipped,
        documents = totals.documents,
        pages = totals.pages,
        quarantined = totals.quarantined,
        needs_review = totals.needs_review,
        "run finished"
    );
    Ok(RunReport {
        run,
        cases: kept,
        totals,
        files,
        review_index,
        open_cases,
        review_case_pages,
        index_dir,
        times,
        skipped,
        case_errors,
    })
}

/// Let the LLM write each case's summary; keep the extractive one where it fails.
/// The gaps section (`what_is_missing`) always comes from the evidence checker.
/// The LLM client and the runtime it lives on, for the whole run (pooled
/// connections belong to the runtime that opened them).
struct Llm {
    rt: tokio::runtime::Runtime,
    client: std::sync::Arc<pa_llm::LlmClient>,
}

fn llm_client(settings: &Settings) -> Result<Llm, DriverError> {
    let l = &settings.llm;
    let api_key = if l.api_key_env.is_empty() {
        None
    } else {
        Some(std::env::var(&l.api_key_env).map_err(|_| {
            pa_llm::LlmError::Config(format!(
                "llm.api_key_env names {}, which is not set",
                l.api_key_env
            ))
        })?)
    };
    let client = std::sync::Arc::new(pa_llm::LlmClient::new(pa_llm::LlmOptions {
        endpoint: l.endpoint.clone(),
        model: l.model.clone(),
        api_key,
        timeout: Duration::from_secs(l.timeout_secs),
        max_retries: l.max_retries,
        backoff: Duration::from_millis(l.backoff_ms),
        concurrency: l.concurrency,
        max_response_bytes: l.max_response_bytes,
        max_tokens: l.max_tokens,
        allow_insecure_http: l.allow_insecure_http,
        debug_file: (!l.debug_file.is_empty()).then(|| PathBuf::from(&l.debug_file)),
    })?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| DriverError::Threads(e.to_string()))?;
    Ok(Llm { rt, client })
}

/// Let the LLM write each case's summary; keep the extractive one where it fails.
/// The gaps section (`what_is_missing`) always comes from the evidence checker.
fn llm_summaries(
    llm: &Llm,
    cases: &mut [CaseResult],
    sentences: &[Vec<Sentence>],
    settings: &Settings,
) {
    let l = &settings.llm;
    let client = &llm.client;
    let word_budget = settings.summarize.word_budget;
    let results = llm.rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (i, (case, sents)) in cases.iter().zip(sentences).enumerate() {
            if sents.is_empty() {
                continue;
            }
            let preferred: Vec<pa_types::Citation> = case
                .summary
                .statements
                .iter()
                .flat_map(|s| s.citations.iter().cloned())
                .collect();
            let chunks = pa_llm::chunks(sents, &preferred, l.max_chunks);
            let client = client.clone();
            let case_id = case.case_id.clone();
            set.spawn(async move {
                (
                    i,
                    client.summarize_case(&case_id, &chunks, word_budget).await,
                )
            });
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(r) = r {
                out.push(r);
            }
        }
        out
    });
    for (i, result) in results {
        let case = &mut cases[i];
        let report = match result {
            Ok(answer) => {
                let v = answer.verified;
                let dropped: u32 = v.dropped.values().sum();
                let reasons = v.dropped.clone();
                let published = v.statements.len() as u32;
                let fallback = if v.statements.is_empty() {
                    Some("no statement survived verification".to_string())
                } else {
                    let gaps: Vec<pa_types::Statement> = case
                        .summary
                        .statements
                        .drain(..)
                        .filter(|s| s.section == pa_types::SummarySection::WhatIsMissing)
                        .collect();
                    case.summary.statements = v.statements;
                    case.summary.statements.extend(gaps);
                    None
                };
                pa_types::LlmReport {
                    attempts: answer.attempts,
                    dropped,
                    drop_reasons: reasons,
                    published,
                    fallback,
                }
            }
            Err(f) => pa_types::LlmReport {
                attempts: f.attempts,
                fallback: Some(f.error.class().to_string()),
                ..Default::default()
            },
        };
        tracing::info!(
            case_id = %case.case_id,
            attempts = report.attempts,
            published = report.published,
            dropped = report.dropped,
            fallback = report.fallback.as_deref().unwrap_or(""),
            "llm summary"
        );
        case.summary.llm = Some(report);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_criteria_file_is_embedded_and_valid() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../pipelines/criteria");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| {
                e.unwrap()
                    .path()
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = pa_config::DEFAULT_CRITERIA
            .iter()
            .map(|c| c.0.to_string())
            .collect();
        assert_eq!(
            on_disk, embedded,
            "add new criteria files to pa_config::DEFAULT_CRITERIA"
        );
        let (_, set) = default_checker_and_criteria();
        assert!(set.len() >= 6);
    }

    /// The embedded lexicon, context rules and criteria.
    fn default_checker_and_criteria() -> (Checker, pa_evidence::criteria::CriteriaSet) {
        let checker = Checker::new(
            pa_config::lexicon().unwrap(),
            pa_config::DEFAULT_CONTEXT,
            EvidenceOptions {
                candidates: 8,
                max_evidence: 3,
                support_coverage: 0.5,
            },
        )
        .unwrap();
        let set = load_criteria(&Settings::embedded(), &checker).unwrap();
        (checker, set)
    }

    #[test]
    fn a_live_lock_blocks_and_a_stale_one_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let first = ops::OutputLock::acquire(tmp.path()).unwrap();
        let err = ops::OutputLock::acquire(tmp.path()).unwrap_err();
        assert!(err.contains(&std::process::id().to_string()), "{err}");
        drop(first);
        // A lock file naming a process that does not exist is stale.
        std::fs::write(tmp.path().join(".priorauth.lock"), "999999999\n").unwrap();
        let again = ops::OutputLock::acquire(tmp.path()).unwrap();
        drop(again);
        assert!(!tmp.path().join(".priorauth.lock").exists());
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_784), (2026, 11, 27));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn run_ids_sort_in_time_order() {
        let a = new_run();
        std::thread::sleep(Duration::from_millis(5));
        let b = new_run();
        assert!(a.run_id < b.run_id, "{} < {}", a.run_id, b.run_id);
        assert_eq!(a.run_id.len(), 21);
    }
}
