//! Run settings: `pipelines/*.toml` parsed strictly (versioned, unknown keys
//! rejected) into [`Settings`], plus the data files the stages read (the
//! clinical lexicon and the ConText trigger lists). Defaults are embedded in the
//! binary, so a run needs no file on disk.
#![warn(missing_docs)]

use std::path::Path;

use pa_types::Lexicon;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The shipped `pipelines/nightly.toml`, embedded.
pub const DEFAULT_NIGHTLY: &str = include_str!("../../../pipelines/nightly.toml");
/// The shipped `pipelines/lexicon.toml`, embedded.
pub const DEFAULT_LEXICON: &str = include_str!("../../../pipelines/lexicon.toml");
/// The shipped `pipelines/context.toml`, embedded.
pub const DEFAULT_CONTEXT: &str = include_str!("../../../pipelines/context.toml");

/// The shipped `pipelines/red_flags.toml`, embedded.
pub const DEFAULT_RED_FLAGS: &str = include_str!("../../../pipelines/red_flags.toml");

/// The shipped payer criteria, `pipelines/criteria/*.toml`, embedded as (name, text).
pub const DEFAULT_CRITERIA: &[(&str, &str)] = &[
    (
        "aba-therapy",
        include_str!("../../../pipelines/criteria/aba-therapy.toml"),
    ),
    (
        "adalimumab-crohns",
        include_str!("../../../pipelines/criteria/adalimumab-crohns.toml"),
    ),
    (
        "adalimumab-ra",
        include_str!("../../../pipelines/criteria/adalimumab-ra.toml"),
    ),
    (
        "adhd-stimulant",
        include_str!("../../../pipelines/criteria/adhd-stimulant.toml"),
    ),
    (
        "bariatric",
        include_str!("../../../pipelines/criteria/bariatric.toml"),
    ),
    (
        "biologic-asthma",
        include_str!("../../../pipelines/criteria/biologic-asthma.toml"),
    ),
    (
        "biologic-psoriasis",
        include_str!("../../../pipelines/criteria/biologic-psoriasis.toml"),
    ),
    (
        "biologic-uc",
        include_str!("../../../pipelines/criteria/biologic-uc.toml"),
    ),
    (
        "blepharoplasty",
        include_str!("../../../pipelines/criteria/blepharoplasty.toml"),
    ),
    (
        "blinatumomab-ball",
        include_str!("../../../pipelines/criteria/blinatumomab-ball.toml"),
    ),
    (
        "breast-reduction",
        include_str!("../../../pipelines/criteria/breast-reduction.toml"),
    ),
    (
        "cannabidiol-lgs",
        include_str!("../../../pipelines/criteria/cannabidiol-lgs.toml"),
    ),
    ("cgm", include_str!("../../../pipelines/criteria/cgm.toml")),
    (
        "cgrp-migraine",
        include_str!("../../../pipelines/criteria/cgrp-migraine.toml"),
    ),
    (
        "cpap-osa",
        include_str!("../../../pipelines/criteria/cpap-osa.toml"),
    ),
    (
        "dupilumab-ad",
        include_str!("../../../pipelines/criteria/dupilumab-ad.toml"),
    ),
    (
        "epidural-steroid-injection",
        include_str!("../../../pipelines/criteria/epidural-steroid-injection.toml"),
    ),
    (
        "glp1-t2dm",
        include_str!("../../../pipelines/criteria/glp1-t2dm.toml"),
    ),
    (
        "glp1-weight-management",
        include_str!("../../../pipelines/criteria/glp1-weight-management.toml"),
    ),
    (
        "growth-hormone-pediatric",
        include_str!("../../../pipelines/criteria/growth-hormone-pediatric.toml"),
    ),
    (
        "home-oxygen",
        include_str!("../../../pipelines/criteria/home-oxygen.toml"),
    ),
    (
        "home-sleep-test",
        include_str!("../../../pipelines/criteria/home-sleep-test.toml"),
    ),
    (
        "hospital-bed",
        include_str!("../../../pipelines/criteria/hospital-bed.toml"),
    ),
    (
        "insulin-pump",
        include_str!("../../../pipelines/criteria/insulin-pump.toml"),
    ),
    (
        "ivig-cidp",
        include_str!("../../../pipelines/criteria/ivig-cidp.toml"),
    ),
    (
        "jak-inhibitor-uc",
        include_str!("../../../pipelines/criteria/jak-inhibitor-uc.toml"),
    ),
    (
        "knee-arthroplasty",
        include_str!("../../../pipelines/criteria/knee-arthroplasty.toml"),
    ),
    (
        "lumbar-fusion",
        include_str!("../../../pipelines/criteria/lumbar-fusion.toml"),
    ),
    (
        "lumbar-mri",
        include_str!("../../../pipelines/criteria/lumbar-mri.toml"),
    ),
    (
        "ms-dmt",
        include_str!("../../../pipelines/criteria/ms-dmt.toml"),
    ),
    (
        "pcsk9-hyperlipidemia",
        include_str!("../../../pipelines/criteria/pcsk9-hyperlipidemia.toml"),
    ),
    (
        "pet-staging",
        include_str!("../../../pipelines/criteria/pet-staging.toml"),
    ),
    (
        "septoplasty",
        include_str!("../../../pipelines/criteria/septoplasty.toml"),
    ),
    (
        "testosterone-hypogonadism",
        include_str!("../../../pipelines/criteria/testosterone-hypogonadism.toml"),
    ),
    (
        "varicose-vein-ablation",
        include_str!("../../../pipelines/criteria/varicose-vein-ablation.toml"),
    ),
];

/// Errors reading settings.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// Not valid TOML, a wrong type, an unknown key or an unsupported version.
    #[error("invalid settings in {origin}: {message}")]
    Invalid {
        /// File name or `embedded default`.
        origin: String,
        /// What is wrong.
        message: String,
    },
}

/// `[run]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSettings {
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Most cases processed (and held in memory) at a time.
    pub batch_cases: usize,
    /// A batch also closes once its cases hold this many pages.
    pub batch_pages: usize,
}

/// `[ingest]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IngestSettings {
    /// Larger files are quarantined.
    pub max_file_bytes: u64,
    /// Document extensions, lowercase; other files are quarantined as `unsupported_type`.
    pub extensions: Vec<String>,
    /// Follow symlinks whose target lies outside the drop folder (quarantined
    /// as `symlink_outside_drop` when false).
    #[serde(default)]
    pub follow_symlinks_outside_drop: bool,
}

/// `[extract]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtractSettings {
    /// Below this many alphanumerics a page has no usable text layer.
    pub min_chars_per_page: usize,
    /// Page cap, for PDFs and text files alike.
    pub max_pages: u32,
    /// Characters per page at most (a longer page makes its document `too_large`).
    #[serde(default = "default_max_page_chars")]
    pub max_page_chars: usize,
    /// lopdf decompression limit per stream.
    pub max_decompressed_bytes: usize,
    /// Parse PDFs in worker processes.
    pub isolate: bool,
    /// Wall-clock deadline per PDF.
    pub worker_timeout_secs: u64,
    /// Address-space limit per worker.
    pub worker_memory_mib: u64,
    /// CPU-time limit per document in a worker.
    pub worker_cpu_secs: u64,
    /// Word 3-gram Jaccard similarity at which a document is a near-duplicate.
    pub near_duplicate_similarity: f64,
}

fn default_max_page_chars() -> usize {
    200_000
}

/// The file extensions a stage can read.
pub const READABLE_EXTENSIONS: &[&str] = &["pdf", "txt", "tif", "tiff", "png", "jpg", "jpeg"];

/// `[ocr]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OcrSettings {
    /// Run OCR on pages without text.
    pub enabled: bool,
    /// Render resolution.
    pub dpi: u32,
    /// tesseract languages.
    pub language: String,
    /// Deadline per page.
    pub timeout_per_page_secs: u64,
}

/// `[summarize]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummarizeSettings {
    /// Word budget per case.
    pub word_budget: usize,
    /// Statements per section at most.
    pub max_per_section: usize,
}

/// `[evidence]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceSettings {
    /// Candidates per claim from the index.
    pub candidates: usize,
    /// Evidence spans kept per claim.
    pub max_evidence: usize,
    /// Key-term coverage needed for support.
    pub support_coverage: f32,
    /// Also take candidates by meaning, from sentence embeddings
    /// (all-MiniLM-L6-v2, run in-process; `make model` fetches it).
    #[serde(default)]
    pub semantic: bool,
    /// Candidates per claim by meaning, when `semantic` is on.
    #[serde(default = "default_semantic_candidates")]
    pub semantic_candidates: usize,
    /// The model's folder; empty: `$PRIORAUTH_MODEL_DIR`, else
    /// `~/.cache/priorauth/models/all-MiniLM-L6-v2`.
    #[serde(default)]
    pub model_dir: String,
}

fn default_semantic_candidates() -> usize {
    3
}

/// `[output]`
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSettings {
    /// Write HTML review pages.
    pub review_html: bool,
    /// Group may read the outputs (umask 027 instead of 077).
    pub group_readable: bool,
}

/// `[priority]`: how long a decision may take once a request is received
/// (CMS-0057-F: 72 hours for an expedited request, 7 calendar days for a
/// standard one).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrioritySettings {
    /// Hours to decide an expedited request (a red flag).
    pub expedited_hours: u32,
    /// Hours to decide a standard request.
    pub standard_hours: u32,
}

impl Default for PrioritySettings {
    fn default() -> Self {
        PrioritySettings {
            expedited_hours: 72,
            standard_hours: 168,
        }
    }
}

/// `[llm]`: the optional LLM summarizer. Off by default; nothing leaves the
/// machine unless `enabled` is true and `endpoint` is set.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmSettings {
    /// Use the LLM for case summaries (the evidence checker never uses it).
    pub enabled: bool,
    /// Base URL of an OpenAI-compatible API, e.g. `http://127.0.0.1:8080/v1`.
    pub endpoint: String,
    /// Model name sent in the request.
    pub model: String,
    /// Environment variable holding the API key; empty for none.
    pub api_key_env: String,
    /// Deadline per request, seconds (connect, send and the whole response).
    pub timeout_secs: u64,
    /// Retries after a 429, a 5xx, a timeout, invalid JSON or a schema violation.
    pub max_retries: u32,
    /// First backoff, milliseconds; doubles per retry (a `Retry-After` header wins, capped at 30 s).
    pub backoff_ms: u64,
    /// Requests in flight at most.
    pub concurrency: usize,
    /// Responses larger than this are refused, bytes.
    pub max_response_bytes: usize,
    /// Chunks (sentences) sent per case at most.
    pub max_chunks: usize,
    /// `max_tokens` of the request.
    pub max_tokens: u32,
    /// Allow plain `http://` to a host other than loopback (PHI in clear text).
    pub allow_insecure_http: bool,
    /// Write prompts and responses to this file (created owner-only), for
    /// debugging; empty for never. They are never written to the log.
    pub debug_file: String,
}

/// `[criteria]`: payer criteria files beyond the built-in ones.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriteriaSettings {
    /// Folders whose `*.toml` files are read as payer criteria, in order; a
    /// file whose `id` is a built-in policy's (or an earlier folder's) replaces it.
    /// Relative paths are taken from the working directory.
    #[serde(default)]
    pub dirs: Vec<std::path::PathBuf>,
}

/// One criteria file, built-in or read from a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriteriaFile {
    /// "built-in", or the file's path.
    pub source: String,
    /// The file's text.
    pub text: String,
}

impl CriteriaFile {
    /// The origin of built-in files.
    pub const BUILT_IN: &'static str = "built-in";
}

/// The built-in criteria files.
pub fn builtin_criteria() -> Vec<CriteriaFile> {
    DEFAULT_CRITERIA
        .iter()
        .map(|(_, text)| CriteriaFile {
            source: CriteriaFile::BUILT_IN.to_string(),
            text: text.to_string(),
        })
        .collect()
}

/// The `*.toml` files of `dir`, by file name.
pub fn criteria_files_in(dir: &Path) -> Result<Vec<CriteriaFile>, ConfigError> {
    let read_err = |source| ConfigError::Read {
        path: dir.display().to_string(),
        source,
    };
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(read_err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    paths.retain(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file());
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|source| ConfigError::Read {
                path: p.display().to_string(),
                source,
            })?;
            Ok(CriteriaFile {
                source: p.display().to_string(),
                text,
            })
        })
        .collect()
}

/// The resolved settings of a run.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Schema version of the file; only 1 exists.
    pub version: u32,
    /// `[run]`
    pub run: RunSettings,
    /// `[ingest]`
    pub ingest: IngestSettings,
    /// `[extract]`
    pub extract: ExtractSettings,
    /// `[ocr]`
    pub ocr: OcrSettings,
    /// `[summarize]`
    pub summarize: SummarizeSettings,
    /// `[evidence]`
    pub evidence: EvidenceSettings,
    /// `[output]`
    pub output: OutputSettings,
    /// `[llm]`
    pub llm: LlmSettings,
    /// `[criteria]` (optional).
    #[serde(default)]
    pub criteria: CriteriaSettings,
    /// `[priority]` (defaults when absent, for settings written before it)
    #[serde(default)]
    pub priority: PrioritySettings,
    /// sha256 of the settings text and the data files, criteria included, for
    /// the run record.
    #[serde(skip)]
    pub config_sha256: String,
    /// sha256 of the settings text, the lexicon and the ConText rules: the
    /// part of a case's fingerprint every case shares (the criteria count
    /// only through the policy applied to the case).
    #[serde(skip)]
    pub pipeline_sha256: String,
    /// The criteria files: built-in first, then each folder of
    /// `criteria.dirs` and of [`Settings::add_criteria_dirs`], in order.
    #[serde(skip)]
    pub criteria_files: Vec<CriteriaFile>,
}

impl Settings {
    /// Parse and validate settings text.
    pub fn parse(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let invalid = |message: String| ConfigError::Invalid {
            origin: origin.to_string(),
            message,
        };
        let mut s: Settings = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        if s.version != 1 {
            return Err(invalid(format!(
                "unsupported version {} (this build reads version 1)",
                s.version
            )));
        }
        if s.ingest.extensions.is_empty() {
            return Err(invalid("ingest.extensions must not be empty".into()));
        }
        if let Some(e) = s
            .ingest
            .extensions
            .iter()
            .find(|e| !READABLE_EXTENSIONS.contains(&e.as_str()))
        {
            return Err(invalid(format!(
                "ingest.extensions: no reader for {e:?} (readable: {})",
                READABLE_EXTENSIONS.join(", ")
            )));
        }
        if !(0.0..=1.0).contains(&s.evidence.support_coverage) {
            return Err(invalid(
                "evidence.support_coverage must be within 0..=1".into(),
            ));
        }
        if s.summarize.word_budget < 20 {
            return Err(invalid("summarize.word_budget must be at least 20".into()));
        }
        if s.extract.worker_timeout_secs == 0
            || s.extract.worker_memory_mib < 64
            || s.extract.worker_cpu_secs == 0
        {
            return Err(invalid(
                "extract worker limits must be positive (memory at least 64 MiB)".into(),
            ));
        }
        if !(72..=1200).contains(&s.ocr.dpi) || s.ocr.language.is_empty() {
            return Err(invalid(
                "ocr.dpi must be within 72..=1200 and ocr.language set".into(),
            ));
        }
        if s.extract.max_pages == 0 || s.extract.max_page_chars == 0 || s.evidence.candidates == 0 {
            return Err(invalid(
                "extract.max_pages, extract.max_page_chars and evidence.candidates must be positive"
                    .into(),
            ));
        }
        if s.llm.enabled && (s.llm.endpoint.is_empty() || s.llm.model.is_empty()) {
            return Err(invalid(
                "llm.enabled needs llm.endpoint and llm.model".into(),
            ));
        }
        if s.llm.concurrency == 0 || s.llm.timeout_secs == 0 || s.llm.max_chunks == 0 {
            return Err(invalid(
                "llm.concurrency, llm.timeout_secs and llm.max_chunks must be positive".into(),
            ));
        }
        let p = &s.priority;
        if p.expedited_hours == 0 || p.expedited_hours > p.standard_hours {
            return Err(invalid(
                "priority.expedited_hours must be positive and at most priority.standard_hours"
                    .into(),
            ));
        }
        let mut h = Sha256::new();
        for part in [text, DEFAULT_LEXICON, DEFAULT_CONTEXT, DEFAULT_RED_FLAGS] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        s.pipeline_sha256 = format!("{:x}", h.finalize());
        s.criteria_files = builtin_criteria();
        let dirs = std::mem::take(&mut s.criteria.dirs);
        s.add_criteria_dirs(&dirs)?;
        Ok(s)
    }

    /// Read the criteria files of more folders (`--criteria DIR`), after
    /// those already read, and update the settings hash.
    pub fn add_criteria_dirs(&mut self, dirs: &[std::path::PathBuf]) -> Result<(), ConfigError> {
        for dir in dirs {
            let files = criteria_files_in(dir)?;
            self.criteria_files.extend(files);
            self.criteria.dirs.push(dir.clone());
        }
        let mut h = Sha256::new();
        h.update(self.pipeline_sha256.as_bytes());
        for f in &self.criteria_files {
            h.update([0]);
            h.update(f.source.as_bytes());
            h.update([0]);
            h.update(f.text.as_bytes());
        }
        self.config_sha256 = format!("{:x}", h.finalize());
        Ok(())
    }

    /// The embedded defaults.
    pub fn embedded() -> Self {
        Self::parse(DEFAULT_NIGHTLY, "embedded default")
            .expect("the embedded nightly.toml is valid")
    }

    /// Read a settings file.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(&text, &path.display().to_string())
    }
}

/// The embedded lexicon.
pub fn lexicon() -> Result<Lexicon, ConfigError> {
    Lexicon::from_toml(DEFAULT_LEXICON).map_err(|message| ConfigError::Invalid {
        origin: "pipelines/lexicon.toml".into(),
        message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_files_parse() {
        let s = Settings::embedded();
        assert_eq!(s.version, 1);
        assert_eq!(s.config_sha256.len(), 64);
        let lex = lexicon().unwrap();
        assert!(lex.index_of("nsaid").is_some());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let text = DEFAULT_NIGHTLY.replace("[run]", "[run]\nthreds = 2");
        let err = Settings::parse(&text, "test").unwrap_err().to_string();
        assert!(err.contains("threds"), "{err}");
    }

    #[test]
    fn extensions_need_a_reader_and_new_keys_have_defaults() {
        let text = DEFAULT_NIGHTLY.replace("\"pdf\", \"txt\",", "\"pdf\", \"docx\",");
        let err = Settings::parse(&text, "test").unwrap_err().to_string();
        assert!(err.contains("no reader for \"docx\""), "{err}");
        // Settings written before these keys existed still parse.
        let old = DEFAULT_NIGHTLY
            .replace("follow_symlinks_outside_drop = false", "")
            .replace("max_page_chars = 200000", "");
        let s = Settings::parse(&old, "test").unwrap();
        assert!(!s.ingest.follow_symlinks_outside_drop);
        assert_eq!(s.extract.max_page_chars, 200_000);
    }

    #[test]
    fn criteria_folders_are_read_and_hashed() {
        let dir = std::env::temp_dir().join(format!("pa-config-criteria-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("b.toml"), "id = \"b\"").unwrap();
        std::fs::write(dir.join("a.toml"), "id = \"a\"").unwrap();
        std::fs::write(dir.join("notes.txt"), "not criteria").unwrap();
        let plain = Settings::embedded();
        assert_eq!(plain.criteria_files.len(), DEFAULT_CRITERIA.len());
        let mut s = Settings::embedded();
        s.add_criteria_dirs(std::slice::from_ref(&dir)).unwrap();
        let added: Vec<&str> = s.criteria_files[DEFAULT_CRITERIA.len()..]
            .iter()
            .map(|f| f.text.as_str())
            .collect();
        assert_eq!(added, ["id = \"a\"", "id = \"b\""]);
        assert_ne!(s.config_sha256, plain.config_sha256);
        assert_eq!(s.pipeline_sha256, plain.pipeline_sha256);
        // The same folder named in the settings file reads the same files.
        let with_dirs =
            |dirs: &str| DEFAULT_NIGHTLY.replace("dirs = []", &format!("dirs = [{dirs}]"));
        let text = with_dirs(&format!("{:?}", dir.display().to_string()));
        let from_file = Settings::parse(&text, "test").unwrap();
        assert_eq!(from_file.criteria_files, s.criteria_files);
        std::fs::write(dir.join("a.toml"), "id = \"a\" # edited").unwrap();
        let edited = Settings::parse(&text, "test").unwrap();
        assert_ne!(edited.config_sha256, from_file.config_sha256);
        let missing = with_dirs("\"/nonexistent/criteria\"");
        let err = Settings::parse(&missing, "test").unwrap_err().to_string();
        assert!(err.contains("/nonexistent/criteria"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn priority_hours_are_validated_and_default_to_cms_0057_f() {
        let s = Settings::embedded();
        assert_eq!(
            (s.priority.expedited_hours, s.priority.standard_hours),
            (72, 168)
        );
        // Settings written before `[priority]` existed get the defaults.
        let (a, b) = (
            DEFAULT_NIGHTLY.find("[priority]").unwrap(),
            DEFAULT_NIGHTLY.find("[output]").unwrap(),
        );
        let old = format!("{}{}", &DEFAULT_NIGHTLY[..a], &DEFAULT_NIGHTLY[b..]);
        assert_eq!(
            Settings::parse(&old, "test")
                .unwrap()
                .priority
                .standard_hours,
            168
        );
        let swapped = DEFAULT_NIGHTLY.replace("expedited_hours = 72", "expedited_hours = 200");
        let err = Settings::parse(&swapped, "test").unwrap_err().to_string();
        assert!(err.contains("priority.expedited_hours"), "{err}");
        let faster = DEFAULT_NIGHTLY.replace("standard_hours = 168", "standard_hours = 120");
        assert_ne!(
            Settings::parse(&faster, "test").unwrap().config_sha256,
            s.config_sha256
        );
    }

    #[test]
    fn wrong_version_is_rejected() {
        let text = DEFAULT_NIGHTLY.replace("version = 1", "version = 7");
        let err = Settings::parse(&text, "test").unwrap_err().to_string();
        assert!(err.contains("unsupported version 7"), "{err}");
    }

    #[test]
    fn class_members_satisfy_the_class() {
        let lex = lexicon().unwrap();
        let nsaid = lex.index_of("nsaid").unwrap();
        let naproxen = lex.index_of("naproxen").unwrap();
        assert!(lex.satisfies(nsaid, naproxen));
        assert!(!lex.satisfies(naproxen, nsaid));
    }
}

#[cfg(test)]
mod lexicon_tests {
    use super::lexicon;

    /// Every member of every curated drug class is a drug the checker can find:
    /// a lexicon drug, or a generic name of the public drug vocabulary.
    #[test]
    fn lexicon_classes_resolve_in_the_vocabulary() {
        let lex = lexicon().unwrap();
        for e in lex
            .entries
            .iter()
            .filter(|e| e.kind == pa_types::ConceptKind::DrugClass)
        {
            for m in &e.members {
                let in_lexicon = lex
                    .index_of(m)
                    .is_some_and(|i| matches!(lex.entries[i].kind.as_str(), "drug" | "drug_class"));
                let in_vocabulary = pa_types::drugs::generic_of(m).is_some_and(|g| g == m);
                assert!(
                    in_lexicon || in_vocabulary,
                    "class `{}`: member `{m}` is neither a lexicon drug nor a vocabulary generic",
                    e.id
                );
            }
        }
    }

    /// A class claim is satisfied by a member the vocabulary alone knows.
    #[test]
    fn a_vocabulary_drug_satisfies_its_class() {
        let lex = lexicon().unwrap().with_drug_vocabulary();
        let class = lex.index_of("jak_inhibitor").unwrap();
        let member = lex.index_of("upadacitinib").unwrap();
        assert!(lex.satisfies(class, member));
        let tki = lex.index_of("tki").unwrap();
        assert!(lex.satisfies(tki, lex.index_of("nilotinib").unwrap()));
    }
}
