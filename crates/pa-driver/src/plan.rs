//! The stage plan: every stage's options, built once from the settings and
//! the run options before the first case is read (as ripgrep's `HiArgs` is
//! built from its low-level arguments). Also the checker and criteria loading
//! that `priorauth criteria` shares with the run.

use std::path::PathBuf;
use std::time::Duration;

use pa_config::Settings;
use pa_evidence::criteria::{CriteriaError, CriteriaSet};
use pa_evidence::red_flags::RedFlagRules;
use pa_evidence::{Checker, EvidenceOptions};
use pa_extract::ExtractOptions;
use pa_ingest::IngestOptions;
use pa_summarize::SummarizeOptions;
use pa_types::Lexicon;

use crate::fingerprint::NO_POLICY;
use crate::{DriverError, RunOptions};

/// What every stage of a run needs, decided once.
pub(crate) struct StagePlan {
    /// Listing and staging case folders.
    pub ingest: IngestOptions,
    /// Text extraction (and its worker processes).
    pub extract: ExtractOptions,
    /// Near-duplicate threshold between a case's documents.
    pub near_duplicate_similarity: f64,
    /// The summarizer's lexicon.
    pub lexicon: Lexicon,
    /// The summarizer's options.
    pub summarize: SummarizeOptions,
    /// The evidence checker (lexicon, ConText rules, options).
    pub checker: Checker,
    /// The payer criteria.
    pub criteria: CriteriaSet,
    /// The sha256 of the policy routing, part of every case fingerprint.
    pub routing: String,
    /// The sha256 of every policy, and [`NO_POLICY`]: a case is unchanged when
    /// its stored fingerprint matches with any of them.
    pub policy_hashes: Vec<String>,
    /// Red flag rules.
    pub red_flags: RedFlagRules,
    /// How red flags and dates set a case's priority.
    pub priority: pa_config::PrioritySettings,
    /// The optional LLM summarizer, with its chunk cap.
    pub llm: Option<(pa_llm::Summarizer, usize)>,
    /// The optional sentence embedding model (candidates by meaning).
    pub embedder: Option<pa_embed::Embedder>,
    /// Cores for the run's CPU work.
    pub cores: usize,
    /// A batch is cut at this many cases...
    pub batch_cases: usize,
    /// ... or at this many pages.
    pub batch_pages: usize,
    /// Cases staged and extracted at a time while a batch fills.
    pub chunk_cases: usize,
}

impl StagePlan {
    /// Build every stage's options from the settings and the run options.
    /// `run_id` tags the LLM debug file's lines.
    pub fn from_settings(
        settings: &Settings,
        opts: &RunOptions<'_>,
        run_id: &str,
    ) -> Result<Self, DriverError> {
        let checker = new_checker(settings)?;
        let criteria = load_criteria(settings, &checker)?;
        // A case's fingerprint covers the policy routing and, once checked, the
        // policy applied to it (see `fingerprint::case_fingerprint`).
        let routing = criteria.routing_sha256();
        let policy_hashes = criteria
            .policies()
            .iter()
            .map(|p| p.sha256.clone())
            .chain([NO_POLICY.to_string()])
            .collect();
        let red_flags = RedFlagRules::from_toml(pa_config::DEFAULT_RED_FLAGS)
            .map_err(pa_evidence::EvidenceError::RedFlags)?;
        // Extraction threads mostly wait on a worker process (or tesseract):
        // the extraction pool has twice as many threads as cores.
        let cores = if settings.run.threads == 0 {
            std::thread::available_parallelism().map_or(2, |n| n.get())
        } else {
            settings.run.threads
        };
        let extract = extract_options(settings, opts);
        if extract.ocr.enabled && !pa_extract::ocr::available() {
            tracing::warn!("tesseract or pdftoppm not found: pages without a text layer will be quarantined as ocr_unavailable");
        }
        let llm = if settings.llm.enabled {
            Some((llm_summarizer(settings, run_id)?, settings.llm.max_chunks))
        } else {
            None
        };
        Ok(StagePlan {
            ingest: IngestOptions {
                extensions: settings.ingest.extensions.clone(),
                max_file_bytes: settings.ingest.max_file_bytes,
                follow_symlinks_outside_drop: settings.ingest.follow_symlinks_outside_drop,
            },
            extract,
            near_duplicate_similarity: settings.extract.near_duplicate_similarity,
            lexicon: pa_config::lexicon()?,
            summarize: SummarizeOptions {
                word_budget: settings.summarize.word_budget,
                max_per_section: settings.summarize.max_per_section,
            },
            checker,
            criteria,
            routing,
            policy_hashes,
            red_flags,
            priority: settings.priority.clone(),
            llm,
            embedder: embedder(settings)?,
            cores,
            batch_cases: settings.run.batch_cases.max(1),
            batch_pages: settings.run.batch_pages.max(1),
            // Enough to keep every extraction thread busy.
            chunk_cases: (4 * cores).max(16),
        })
    }
}

/// Extraction options; PDFs are parsed in worker processes with
/// `extract.isolate` and a worker binary, else in-process.
fn extract_options(settings: &Settings, opts: &RunOptions<'_>) -> ExtractOptions {
    let x = &settings.extract;
    ExtractOptions {
        min_chars_per_page: x.min_chars_per_page,
        max_pages: x.max_pages,
        max_page_chars: x.max_page_chars,
        max_decompressed_bytes: x.max_decompressed_bytes,
        isolation: match (x.isolate, opts.worker_exe) {
            (true, Some(exe)) => Some(pa_extract::Isolation::new(
                exe.to_path_buf(),
                Duration::from_secs(x.worker_timeout_secs),
                x.worker_memory_mib << 20,
                x.worker_cpu_secs,
            )),
            _ => None,
        },
        ocr: pa_extract::OcrOptions {
            enabled: settings.ocr.enabled,
            dpi: settings.ocr.dpi,
            language: settings.ocr.language.clone(),
            timeout_per_page: Duration::from_secs(settings.ocr.timeout_per_page_secs),
            max_memory_bytes: x.worker_memory_mib << 20,
        },
    }
}

/// The LLM client of `[llm]`, on its runtime.
fn llm_summarizer(settings: &Settings, run_id: &str) -> Result<pa_llm::Summarizer, DriverError> {
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
    let client = pa_llm::LlmClient::new(pa_llm::LlmOptions {
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
        run_id: run_id.to_string(),
    })?;
    pa_llm::Summarizer::new(client).map_err(|e| DriverError::Threads(e.to_string()))
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
            semantic_candidates: if settings.evidence.semantic {
                settings.evidence.semantic_candidates
            } else {
                0
            },
        },
    )?)
}

/// The sentence embedding model, with `[evidence] semantic = true`: a missing
/// or broken model stops the run before it starts, with the folder it looked in.
fn embedder(settings: &Settings) -> Result<Option<pa_embed::Embedder>, DriverError> {
    if !settings.evidence.semantic {
        return Ok(None);
    }
    let dir = if settings.evidence.model_dir.is_empty() {
        pa_embed::Embedder::default_dir()
    } else {
        PathBuf::from(&settings.evidence.model_dir)
    };
    // Claims and clinical sentences are short: 128 word pieces hold them.
    Ok(Some(pa_embed::Embedder::load(&dir)?.with_max_tokens(128)))
}

/// The built-in criteria and those of the settings' folders, validated.
pub fn load_criteria(settings: &Settings, checker: &Checker) -> Result<CriteriaSet, DriverError> {
    CriteriaSet::load(
        settings
            .criteria_files
            .iter()
            .map(|f| (f.source.as_str(), f.text.as_str())),
        checker,
    )
    .map_err(DriverError::Criteria)
}

/// `priorauth criteria check FILE...`: each file's errors (empty when valid).
/// A file is checked alone, as `--criteria` would read it.
pub fn check_criteria_files(
    settings: &Settings,
    files: &[PathBuf],
) -> Result<Vec<(PathBuf, Vec<CriteriaError>)>, DriverError> {
    let checker = new_checker(settings)?;
    Ok(files
        .iter()
        .map(|path| {
            let source = path.display().to_string();
            let errors = match std::fs::read_to_string(path) {
                Err(e) => vec![CriteriaError {
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
        let checker = Checker::new(
            pa_config::lexicon().unwrap(),
            pa_config::DEFAULT_CONTEXT,
            EvidenceOptions {
                candidates: 8,
                max_evidence: 3,
                support_coverage: 0.5,
                semantic_candidates: 0,
            },
        )
        .unwrap();
        let set = load_criteria(&Settings::embedded(), &checker).unwrap();
        assert!(set.len() >= 6);
    }

    #[test]
    fn a_bad_criteria_file_is_reported_as_criteria() {
        let mut settings = Settings::embedded();
        let mut bad = settings.criteria_files[0].clone();
        bad.source = "bad.toml".into();
        bad.text = "this is not a policy".into();
        settings.criteria_files.push(bad);
        let checker = new_checker(&settings).unwrap();
        let err = load_criteria(&settings, &checker).unwrap_err();
        assert!(matches!(err, DriverError::Criteria(_)), "{err:?}");
        assert!(
            err.to_string().starts_with("invalid payer criteria: "),
            "{err}"
        );
    }
}
