//! What a run reports: its cases, counts, files and stage timings, and the
//! brief of each case the terminal shows.

use std::path::PathBuf;
use std::time::Duration;

use pa_types::{CaseResult, RunInfo};

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
    /// Per-case results, only with [`keep_cases`](crate::RunOptions::keep_cases) (memory grows with them).
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
    pub(crate) fn of(c: &CaseResult) -> Self {
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
