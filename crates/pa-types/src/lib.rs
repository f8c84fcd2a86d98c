//! The shared vocabulary of the prior-authorization pipeline: data, no I/O
//! but one routine, [`docfile::open_document`], through which every stage opens
//! a drop-folder document.
//!
//! Batches flow through the stages in this order:
//! [`StagedDoc`] (ingest) -> [`ExtractedDoc`] (extract) -> [`Sentence`]s (chunk)
//! -> [`CaseSummary`] (summarize) and [`Claim`]s (evidence) -> parquet and HTML (store).
//!
//! Every position in the pipeline is a [`Citation`]: a document, a 1-based page and
//! a 0-based, end-exclusive range counted in Unicode scalar values (`char`s) of that
//! page's normalized text, together with the verbatim quote. The invariant
//! `quote == page.text[start..end]` (in chars) holds for every citation we emit;
//! [`Citation::verify`] checks it.
#![warn(missing_docs)]

use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub mod abbrev;
pub mod conditions;
pub mod docfile;
pub mod drugs;
mod lexicon;
pub mod text;
pub mod time;
mod vocab;
mod words;

pub use lexicon::{ConceptHit, Lexicon, LexiconEntry};
pub use vocab::{
    Backend, ClaimType, ConceptKind, DropReason, FactAssertion, FlagAssertion, Relation,
    SummarySection, UnknownName,
};
pub use words::SentenceWords;

/// What a document is, as far as a reviewer cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DocKind {
    /// Letter of medical necessity.
    Lmn,
    /// A prior-authorization request form.
    RequestForm,
    /// Progress note, consultation, office visit.
    ClinicalNote,
    /// Radiology report.
    ImagingReport,
    /// Laboratory or pathology report.
    LabReport,
    /// Polysomnography or home sleep test.
    SleepStudy,
    /// Physical therapy note.
    PtNote,
    /// Medication list.
    MedicationList,
    /// Anything else.
    Other,
}

impl DocKind {
    /// The stable name used in outputs and in `gold.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            DocKind::Lmn => "lmn",
            DocKind::RequestForm => "request_form",
            DocKind::ClinicalNote => "clinical_note",
            DocKind::ImagingReport => "imaging_report",
            DocKind::LabReport => "lab_report",
            DocKind::SleepStudy => "sleep_study",
            DocKind::PtNote => "pt_note",
            DocKind::MedicationList => "medication_list",
            DocKind::Other => "other",
        }
    }

    /// Documents that *assert* medical necessity (letters, request forms), as
    /// opposed to the clinical record that must prove it.
    pub fn is_assertion(self) -> bool {
        matches!(self, DocKind::Lmn | DocKind::RequestForm)
    }
}

impl fmt::Display for DocKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of ingest and extraction for one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocStatus {
    /// Text extracted; the document takes part in the case.
    Ok,
    /// Could not be read; `status_reason` says why.
    Quarantined,
    /// Byte-identical to an earlier document of the same case.
    Duplicate,
}

impl DocStatus {
    /// The stable name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            DocStatus::Ok => "ok",
            DocStatus::Quarantined => "quarantined",
            DocStatus::Duplicate => "duplicate",
        }
    }
}

/// Where a page's (or document's) text came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextSource {
    /// The PDF text layer or a plain-text file.
    Text,
    /// Optical character recognition.
    Ocr,
    /// Some pages from each (documents only).
    Mixed,
    /// No text.
    None,
}

impl TextSource {
    /// The stable name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            TextSource::Text => "text",
            TextSource::Ocr => "ocr",
            TextSource::Mixed => "mixed",
            TextSource::None => "none",
        }
    }
}

/// Which reader produced a page's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Extractor {
    /// No text was read.
    #[default]
    None,
    /// pdf-extract's content-stream walker with our glyph-position layout.
    PdfExtract,
    /// lopdf's text extraction (the fallback).
    Lopdf,
    /// tesseract, on the rendered page.
    Tesseract,
    /// A plain-text file.
    Plain,
    /// The invisible text layer that OCR software laid over a scanned page image
    /// (OCRmyPDF, scanners, fax servers): read from the content stream.
    OcrLayer,
}

impl Extractor {
    /// The stable name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Extractor::None => "none",
            Extractor::PdfExtract => "pdf_extract",
            Extractor::Lopdf => "lopdf",
            Extractor::Tesseract => "tesseract",
            Extractor::Plain => "plain",
            Extractor::OcrLayer => "ocr_layer",
        }
    }
}

/// Machine-readable reasons for quarantine; the human text goes in `status_reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum QuarantineReason {
    /// The file could not be read from disk.
    Unreadable,
    /// Zero bytes, or a PDF without pages.
    Empty,
    /// Encrypted with a password we do not have.
    Encrypted,
    /// Not a parseable PDF.
    Malformed,
    /// A PDF whose pages carry no text layer (a scan or fax) and no OCR ran.
    NoTextLayer,
    /// Over a configured size or page limit.
    TooLarge,
    /// The PDF library panicked on this file.
    Panic,
    /// Byte-identical to an earlier document of the same case (not a failure).
    Duplicate,
    /// The extraction worker died (abort, segfault, stack overflow).
    Crash,
    /// The extraction worker ran past its wall-clock or CPU-time limit and was killed.
    Timeout,
    /// The extraction worker ran out of its memory limit.
    Memory,
    /// Pages need OCR but tesseract or pdftoppm is not installed.
    OcrUnavailable,
    /// A page's text layer holds markedly more text than could be read from it,
    /// and OCR did not recover it.
    PartialText,
    /// A FIFO, socket, device or folder where a document file was expected.
    NotARegularFile,
    /// A symlink whose target lies outside the drop folder (not followed).
    SymlinkOutsideDrop,
    /// A file type the pipeline has no reader for.
    UnsupportedType,
    /// A file directly in the drop folder rather than in a case folder.
    NotInCaseFolder,
    /// A `.txt` file whose bytes are binary, not text.
    NotText,
}

impl QuarantineReason {
    /// The stable code used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            QuarantineReason::Unreadable => "unreadable",
            QuarantineReason::Empty => "empty",
            QuarantineReason::Encrypted => "encrypted",
            QuarantineReason::Malformed => "malformed",
            QuarantineReason::NoTextLayer => "no_text_layer",
            QuarantineReason::TooLarge => "too_large",
            QuarantineReason::Panic => "panic",
            QuarantineReason::Duplicate => "duplicate",
            QuarantineReason::Crash => "crash",
            QuarantineReason::Timeout => "timeout",
            QuarantineReason::Memory => "memory",
            QuarantineReason::OcrUnavailable => "ocr_unavailable",
            QuarantineReason::PartialText => "partial_text",
            QuarantineReason::NotARegularFile => "not_a_regular_file",
            QuarantineReason::SymlinkOutsideDrop => "symlink_outside_drop",
            QuarantineReason::UnsupportedType => "unsupported_type",
            QuarantineReason::NotInCaseFolder => "not_in_case_folder",
            QuarantineReason::NotText => "not_text",
        }
    }
}

/// A document found in the drop folder, hashed, not yet read.
#[derive(Debug, Clone)]
pub struct StagedDoc {
    /// The case folder name.
    pub case_id: String,
    /// Unique within the case: the file stem, or the file name when stems collide.
    pub doc_id: String,
    /// The file name inside the case folder.
    pub file_name: String,
    /// Absolute or drop-relative path to the file.
    pub path: PathBuf,
    /// Lowercase hex sha256 of the file's bytes (empty when unreadable).
    pub sha256: String,
    /// File size in bytes.
    pub size: u64,
    /// `Duplicate` when an earlier document of the case has the same hash,
    /// `Quarantined` when the file could not be read.
    pub status: DocStatus,
    /// Set with a non-`Ok` status.
    pub reason: Option<(QuarantineReason, String)>,
}

/// One page of normalized text.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Normalized text: the one reference for every offset.
    pub text: String,
    /// Where the text came from.
    pub source: TextSource,
    /// Mean tesseract word confidence (0-100) for OCR'd pages.
    pub ocr_confidence: Option<f32>,
    /// OCR'd words tesseract was unsure of (confidence below 60), in reading order.
    pub low_confidence_words: Vec<String>,
    /// Char ranges of repeated headers, footers and fax banners: kept in `text`
    /// so offsets stay true, but left out of chunks and summaries.
    pub boilerplate: Vec<(u32, u32)>,
    /// The reader whose text this is.
    pub extractor: Extractor,
    /// The text layer held markedly more text than any reader got from it and
    /// OCR did not make up for it (reason code `partial_text`).
    pub partial_text: bool,
    /// Characters on the page that nobody can see (invisible with no image under
    /// them, background-coloured, tiny, off the page or clipped away): left out
    /// of `text`, so out of claims, evidence and summaries.
    pub hidden_chars: u32,
}

impl Page {
    /// A page of plain text, read as it is: no OCR, no boilerplate, nothing
    /// hidden (a text file's page, and the page tests build).
    pub fn plain(number: u32, text: impl Into<String>) -> Self {
        Page {
            number,
            text: text.into(),
            source: TextSource::Text,
            ocr_confidence: None,
            low_confidence_words: Vec::new(),
            boilerplate: Vec::new(),
            extractor: Extractor::Plain,
            partial_text: false,
            hidden_chars: 0,
        }
    }
}

/// A document after extraction.
#[derive(Debug, Clone)]
pub struct ExtractedDoc {
    /// The ingest record.
    pub staged: StagedDoc,
    /// Classified kind.
    pub kind: DocKind,
    /// Final status after extraction.
    pub status: DocStatus,
    /// Why it is not `Ok`.
    pub reason: Option<(QuarantineReason, String)>,
    /// Text source over all pages.
    pub text_source: TextSource,
    /// Number of pages in the file (also for quarantined PDFs when known).
    pub n_pages: u32,
    /// Page texts; empty for quarantined or duplicate documents.
    pub pages: Vec<Page>,
    /// The documents one file holds, by page range, when it holds more than
    /// one (a fax of a cover sheet, a letter and the notes behind it); empty
    /// when the whole file is one document of `kind`.
    pub parts: Vec<DocPart>,
}

/// One document of several in a file: its pages and its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocPart {
    /// First page, 1-based.
    pub first_page: u32,
    /// Last page, inclusive.
    pub last_page: u32,
    /// What this part is.
    pub kind: DocKind,
}

impl ExtractedDoc {
    /// The page with this 1-based number.
    pub fn page(&self, number: u32) -> Option<&Page> {
        self.pages.iter().find(|p| p.number == number)
    }

    /// The kind of the document page `number` belongs to: its part's, or the
    /// file's.
    pub fn kind_of_page(&self, number: u32) -> DocKind {
        self.parts
            .iter()
            .find(|p| p.first_page <= number && number <= p.last_page)
            .map_or(self.kind, |p| p.kind)
    }

    /// The parts as `pages:kind` items ("1:other 2-3:lmn 4-5:clinical_note"),
    /// or empty for a file that is one document.
    pub fn parts_label(&self) -> String {
        self.parts
            .iter()
            .map(|p| {
                if p.first_page == p.last_page {
                    format!("{}:{}", p.first_page, p.kind.as_str())
                } else {
                    format!("{}-{}:{}", p.first_page, p.last_page, p.kind.as_str())
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Characters left out of the page texts because nobody can see them.
    pub fn hidden_chars(&self) -> u64 {
        self.pages.iter().map(|p| p.hidden_chars as u64).sum()
    }
}

/// A span of page text with its verbatim quote.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Citation {
    /// Document id within the case.
    pub doc_id: String,
    /// 1-based page.
    pub page: u32,
    /// Start, in chars of the page text, 0-based.
    pub start: u32,
    /// End, exclusive.
    pub end: u32,
    /// `page.text[start..end]`.
    pub quote: String,
}

impl Citation {
    /// True when the quote is exactly the page text at the offsets.
    pub fn verify(&self, page_text: &str) -> bool {
        text::char_slice(page_text, self.start as usize, self.end as usize)
            .is_some_and(|s| s == self.quote)
    }
}

/// A sentence (or list item, or table row) of a page: the unit of chunking,
/// indexing, summarizing and claim detection.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    /// Where it is, with its text as the quote.
    pub span: Citation,
    /// Kind of the document it comes from.
    pub kind: DocKind,
    /// Lowercase section label (`hpi`, `assessment`, `findings`, ...), or empty.
    pub section: String,
    /// Ordinal of the sentence within its document.
    pub ordinal: u32,
}

/// One statement of a case summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Summary section.
    pub section: SummarySection,
    /// Order within the section, from 0.
    pub ordinal: u32,
    /// The statement as shown to a reviewer.
    pub text: String,
    /// At least one citation.
    pub citations: Vec<Citation>,
    /// Which summarizer produced it.
    pub backend: Backend,
}

/// A case summary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CaseSummary {
    /// Requested service code (CPT, HCPCS or NDC), when one was found.
    pub service_code: Option<String>,
    /// Description of the requested service, when found.
    pub service_description: Option<String>,
    /// The requested drug's generic name (from the drug vocabulary), when the
    /// request names one, with or without a code.
    pub service_drug: Option<String>,
    /// Statements in section order.
    pub statements: Vec<Statement>,
    /// What the LLM backend did for this case, when it was asked.
    pub llm: Option<LlmReport>,
}

/// The LLM backend's account of one case.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LlmReport {
    /// Requests sent (1 + retries).
    pub attempts: u32,
    /// Statements the model returned that verification dropped.
    pub dropped: u32,
    /// Why they were dropped, with counts (see [`LlmReport::drop_reasons_column`]).
    pub drop_reasons: std::collections::BTreeMap<DropReason, u32>,
    /// Statements published from the model.
    pub published: u32,
    /// Why the case fell back to the extractive summary, if it did.
    pub fallback: Option<String>,
}

impl LlmReport {
    /// The `llm_drop_reasons` column: `reason=count`, comma-separated, by reason name.
    pub fn drop_reasons_column(&self) -> String {
        self.drop_reasons
            .iter()
            .map(|(k, n)| format!("{k}={n}"))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// The verdict on a medical-necessity claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimStatus {
    /// Another document supports it.
    Supported,
    /// Nothing in the other documents supports it.
    Unsupported,
    /// Another document says otherwise.
    Contradicted,
}

impl ClaimStatus {
    /// The stable name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            ClaimStatus::Supported => "supported",
            ClaimStatus::Unsupported => "unsupported",
            ClaimStatus::Contradicted => "contradicted",
        }
    }

    /// Needs a reviewer's eye.
    pub fn is_flag(self) -> bool {
        !matches!(self, ClaimStatus::Supported)
    }
}

/// A span from another document that bears on a claim.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// Where it is.
    pub citation: Citation,
    /// Match strength in 0..=1.
    pub score: f32,
    /// How it bears on the claim or criterion.
    pub relation: Relation,
}

/// A medical-necessity claim found in a letter or request form, with its verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// Stable within the case: `<doc_id>#<sentence ordinal>`.
    pub claim_id: String,
    /// The claim sentence.
    pub span: Citation,
    /// What the claim is about.
    pub claim_type: ClaimType,
    /// Verdict.
    pub status: ClaimStatus,
    /// One line a nurse reviewer understands.
    pub reason: String,
    /// Best evidence, strongest first; never from the claim's own document.
    pub evidence: Vec<Evidence>,
    /// How the checker came to its verdict (stored as JSON in `claims.trace`;
    /// holds document text, so it is never logged).
    pub trace: Option<ClaimTrace>,
}

/// The decision trace of a claim: what the checker read in the claim, which
/// candidate sentences it weighed and what each said, and the rule that decided.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ClaimTrace {
    /// The part of the claim's text that was checked, when the claim is shown
    /// with clauses of its sentence that assert nothing of their own (a
    /// finding's meaning to the writer, a plan): those were not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    /// Lexicon concepts found in the claim.
    pub concepts: Vec<TraceConcept>,
    /// Numbers in the claim, by kind.
    pub numbers: Vec<TraceNumber>,
    /// Calendar dates in the claim (`YYYY-MM-DD`, `YYYY-MM` or `YYYY`).
    pub dates: Vec<String>,
    /// Content words (stems) outside the concepts, matched by coverage.
    pub words: Vec<String>,
    /// Candidate sentences from the search index, strongest (coverage) first, then by position.
    pub candidates: Vec<TraceCandidate>,
    /// The rule of the decision that set the status (see `docs/schema.md`).
    pub rule: String,
    /// The run's settings hash (`runs.config_sha256`).
    pub settings_hash: String,
    /// The lexicon's version: its `version` and the sha256 of its text (12 hex).
    pub lexicon_version: String,
    /// The payer criteria set applied to the case, `<service>@<sha256 12 hex>`, or `none`.
    pub criteria_version: String,
    /// The run that decided.
    pub run_id: String,
}

/// A concept of a claim and its clinical context.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceConcept {
    /// Lexicon id (`naproxen`, `ahi`).
    pub id: String,
    /// Lexicon kind (`drug`, `measure`, ...).
    pub kind: String,
    /// The words as written in the claim.
    pub text: String,
    /// ConText for the mention: `negated`, `declined`, `hypothetical`,
    /// `uncertain`, `historical`, `family`; empty when affirmed.
    pub context: Vec<String>,
}

/// A number of a claim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceNumber {
    /// What it measures: `measure:<id>`, `unit:<unit>`, `duration_days`, `per_day`, `pain`, `score_of:<max>`, `count:<noun>`.
    pub kind: String,
    /// The value (durations in days).
    pub value: f64,
    /// `eq`, `at_least` or `at_most`.
    pub cmp: String,
    /// The text as written.
    pub surface: String,
}

/// A candidate sentence and what it said about the claim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TraceCandidate {
    /// Its span.
    pub doc_id: String,
    /// 1-based page.
    pub page: u32,
    /// Char start in the page text.
    pub start: u32,
    /// Char end.
    pub end: u32,
    /// The sentence.
    pub quote: String,
    /// BM25 score from the search index, or the cosine similarity when found
    /// by meaning.
    pub search_score: f32,
    /// Found by meaning (sentence embeddings, `[evidence] semantic`), not by words.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub by_meaning: bool,
    /// Share of the claim's key terms it matched (0-1; the evidence `score`).
    pub coverage: f32,
    /// `supports`, `contradicts`, `value_differs`, `after_request`, `family`,
    /// `hypothetical`, `missing_number` or `weak`.
    pub verdict: String,
    /// The check in the verifier that gave the verdict.
    pub rule: String,
}

/// A hit from the per-run search index.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// Document id within the case.
    pub doc_id: String,
    /// 1-based page.
    pub page: u32,
    /// Char start in the page text.
    pub start: u32,
    /// Char end, exclusive.
    pub end: u32,
    /// BM25 score, or the cosine similarity for a hit by meaning.
    pub score: f32,
    /// Found by meaning (sentence embeddings), not by words.
    pub by_meaning: bool,
}

/// Search over one case's sentences; implemented by the index stage and handed
/// to the evidence stage by the driver, so the two never depend on each other.
pub trait CaseSearcher: Sync {
    /// Best sentences of `case_id` for the OR of `terms`, skipping `exclude_docs`.
    fn search(
        &self,
        case_id: &str,
        terms: &[String],
        exclude_docs: &[String],
        limit: usize,
    ) -> Vec<SearchHit>;

    /// The sentences of `case_id` closest in meaning to `text` (sentence
    /// embeddings), skipping `exclude_docs`, best first; `score` is their
    /// cosine similarity. Empty when no embedding model is configured. These
    /// are candidates only: what they support is for the checker to decide.
    fn similar(
        &self,
        _case_id: &str,
        _text: &str,
        _exclude_docs: &[String],
        _limit: usize,
    ) -> Vec<SearchHit> {
        Vec::new()
    }
}

/// Whether a payer criterion is satisfied by the clinical documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CriterionStatus {
    /// A clinical document shows it.
    Met,
    /// A clinical document shows it is not (a value below threshold, declined, negated).
    NotMet,
    /// Nothing in the clinical documents speaks to it.
    MissingEvidence,
}

impl CriterionStatus {
    /// The stable name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            CriterionStatus::Met => "met",
            CriterionStatus::NotMet => "not_met",
            CriterionStatus::MissingEvidence => "missing_evidence",
        }
    }
}

/// One payer criterion checked against a case.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionResult {
    /// The criteria set (`pipelines/criteria/<service>.toml`).
    pub service: String,
    /// Criterion id within the set.
    pub criterion_id: String,
    /// What the payer requires.
    pub description: String,
    /// Verdict.
    pub status: CriterionStatus,
    /// One line for a reviewer.
    pub reason: String,
    /// Spans from clinical documents.
    pub evidence: Vec<Evidence>,
}

/// Summary sections in display order; the last, `what_is_missing`, is written
/// from the evidence checker's verdicts, never by a model.
pub const SUMMARY_SECTIONS: &[&str] = &[
    "requested_service",
    "diagnoses",
    "relevant_history",
    "prior_treatments",
    "key_findings",
    "functional_impact",
    "medical_necessity_rationale",
    "what_is_missing",
];

/// What a [`Fact`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FactKind {
    /// An ICD-10-CM diagnosis code.
    Icd10Cm,
    /// A CPT procedure code (Category I, II or III).
    Cpt,
    /// A HCPCS Level II code (devices, drugs, supplies).
    Hcpcs,
    /// A drug, with its class and dose when stated.
    Medication,
    /// A drug class named as such ("NSAIDs").
    DrugClass,
    /// A non-drug therapy (physical therapy, CPAP, ...).
    Therapy,
    /// A duration, normalized to days.
    Duration,
    /// A calendar date, normalized to `YYYY-MM-DD`.
    Date,
    /// A laboratory or physiological value with its unit.
    LabValue,
    /// A clinical score or index (AHI, BMI, DAS28, pain 0-10, ...).
    Score,
}

impl FactKind {
    /// The stable name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::Icd10Cm => "icd10cm",
            FactKind::Cpt => "cpt",
            FactKind::Hcpcs => "hcpcs",
            FactKind::Medication => "medication",
            FactKind::DrugClass => "drug_class",
            FactKind::Therapy => "therapy",
            FactKind::Duration => "duration",
            FactKind::Date => "date",
            FactKind::LabValue => "lab_value",
            FactKind::Score => "score",
        }
    }
}

/// One piece of structured data found in a case, with its exact span.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// What it is.
    pub kind: FactKind,
    /// Normalized value: the code, the lexicon concept id, the ISO date, or the
    /// number as written.
    pub value: String,
    /// A description: the code's text as the document gives it, the drug class,
    /// the measure's name.
    pub label: Option<String>,
    /// The number, for durations (days), lab values, scores and doses.
    pub number: Option<f64>,
    /// The unit of `number`.
    pub unit: Option<String>,
    /// For codes: whether the code has a valid shape. Always true otherwise.
    pub valid: bool,
    /// How the text asserts it.
    pub assertion: FactAssertion,
    /// The kind of document it was found in.
    pub doc_kind: DocKind,
    /// The section of the document.
    pub section: String,
    /// Where it is; the quote is the mention itself.
    pub span: Citation,
}

/// A red-flag mention (`pipelines/red_flags.toml`): a finding that makes a
/// request urgent, with how the text asserts it.
#[derive(Debug, Clone, PartialEq)]
pub struct RedFlag {
    /// The flag's id (`cauda_equina`).
    pub flag: String,
    /// The flag's label for a reviewer.
    pub label: String,
    /// How the text asserts it.
    pub assertion: FlagAssertion,
    /// Whether it makes the request expedited.
    pub escalates: bool,
    /// The mention, verbatim.
    pub span: Citation,
}

/// How fast a request must be decided, and why.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Priority {
    /// Expedited (a red flag) rather than standard.
    pub expedited: bool,
    /// Why: the escalating flags' ids, or that there is none.
    pub reason: String,
    /// When the request arrived, microseconds since 1970 UTC: the earliest
    /// document's fax banner time, else its file's modification time.
    pub received_at_us: Option<i64>,
    /// `received_at` plus the settings' hours for the priority.
    pub due_by_us: Option<i64>,
}

/// Everything a run produced for one case: what the store writes.
#[derive(Debug, Clone, Default)]
pub struct CaseResult {
    /// The case folder name.
    pub case_id: String,
    /// All documents, in file-name order, whatever their status.
    pub docs: Vec<ExtractedDoc>,
    /// The summary.
    pub summary: CaseSummary,
    /// Claims with verdicts.
    pub claims: Vec<Claim>,
    /// Payer criteria for the requested service, when a criteria set matches it.
    pub criteria: Vec<CriterionResult>,
    /// The payer policy applied to the case, and why it was chosen.
    pub policy: Option<PolicyChoice>,
    /// Set when a service was found but no policy matches it:
    /// "no policy matches <service>".
    pub policy_note: Option<String>,
    /// Structured facts (codes, drugs, values, dates) with their spans.
    pub facts: Vec<Fact>,
    /// Red-flag mentions, escalating or not, in sentence order.
    pub red_flags: Vec<RedFlag>,
    /// Expedited or standard, with the dates.
    pub priority: Priority,
    /// sha256 over the pipeline version, the settings and every document's
    /// name and hash: a case whose fingerprint did not change is not redone.
    pub fingerprint: String,
}

impl CaseResult {
    /// Documents that could not be read.
    pub fn n_quarantined(&self) -> usize {
        self.docs
            .iter()
            .filter(|d| d.status == DocStatus::Quarantined)
            .count()
    }

    /// Claims with this status.
    pub fn n_claims(&self, status: ClaimStatus) -> usize {
        self.claims.iter().filter(|c| c.status == status).count()
    }

    /// The requested service as people name it: the applied policy's title,
    /// else the request line's description, else the drug, else the code.
    pub fn service_name(&self) -> String {
        let s = &self.summary;
        let name = self
            .policy
            .as_ref()
            .map(|p| p.title.clone())
            .or_else(|| {
                s.service_description
                    .clone()
                    .filter(|d| !d.trim().is_empty())
            })
            .or_else(|| s.service_drug.clone());
        match (name, &s.service_code) {
            (Some(n), Some(code)) if !n.contains(code.as_str()) => format!("{n} ({code})"),
            (Some(n), _) => n,
            (None, Some(code)) => code.clone(),
            (None, None) => "service not found".to_string(),
        }
    }

    /// Criteria counts: (met, not met, missing evidence).
    pub fn criteria_counts(&self) -> (usize, usize, usize) {
        let n = |st: CriterionStatus| self.criteria.iter().filter(|k| k.status == st).count();
        (
            n(CriterionStatus::Met),
            n(CriterionStatus::NotMet),
            n(CriterionStatus::MissingEvidence),
        )
    }

    /// The overall criteria picture in one line ("2 of 5 criteria missing
    /// evidence, 1 not met"), or `None` without criteria.
    pub fn criteria_overall(&self) -> Option<String> {
        let total = self.criteria.len();
        if total == 0 {
            return None;
        }
        let (met, not_met, missing) = self.criteria_counts();
        if met == total {
            return Some(if total == 1 {
                "The one criterion is met.".to_string()
            } else {
                format!("All {total} criteria met.")
            });
        }
        let mut parts = Vec::new();
        if not_met > 0 {
            parts.push(format!("{not_met} of {total} criteria not met"));
        }
        if missing > 0 {
            let lead = if parts.is_empty() {
                format!("{missing} of {total} criteria")
            } else {
                missing.to_string()
            };
            parts.push(format!("{lead} missing evidence"));
        }
        Some(format!("{}; {met} met.", parts.join(", ")))
    }

    /// The most serious open finding and its reason, for choosing which case
    /// to open first: a contradicted claim, an unmet criterion, an unsupported
    /// claim, a criterion without evidence, an unreadable document, hidden
    /// text, or no claim at all.
    pub fn top_finding(&self) -> Option<String> {
        let claim = |st: ClaimStatus| self.claims.iter().find(|c| c.status == st);
        let criterion = |st: CriterionStatus| self.criteria.iter().find(|k| k.status == st);
        if let Some(c) = claim(ClaimStatus::Contradicted) {
            return Some(format!(
                "Contradicted claim \"{}\": {}",
                text::shorten(&c.span.quote, 10),
                text::shorten(&c.reason, 16)
            ));
        }
        if let Some(k) = criterion(CriterionStatus::NotMet) {
            return Some(format!(
                "Criterion not met: {} ({})",
                text::shorten(&k.description, 14),
                text::shorten(&k.reason, 16)
            ));
        }
        if let Some(c) = claim(ClaimStatus::Unsupported) {
            return Some(format!(
                "Unsupported claim: \"{}\"",
                text::shorten(&c.span.quote, 16)
            ));
        }
        if let Some(k) = criterion(CriterionStatus::MissingEvidence) {
            return Some(format!(
                "No evidence for criterion: {}",
                text::shorten(&k.description, 16)
            ));
        }
        if let Some(d) = self
            .docs
            .iter()
            .find(|d| d.status == DocStatus::Quarantined)
        {
            let why = d.reason.as_ref().map_or("unreadable", |r| r.0.as_str());
            return Some(format!("Document not read: {} ({why})", d.staged.file_name));
        }
        if let Some(d) = self.docs.iter().find(|d| d.hidden_chars() > 0) {
            return Some(format!("Hidden text in {}", d.staged.file_name));
        }
        if self.claims.is_empty() {
            return Some("No claims found: no readable letter or request form".to_string());
        }
        None
    }

    /// A reviewer must look: a claim is flagged, a payer criterion is not met or
    /// lacks evidence, a document could not be read, a document carries text
    /// nobody can see, the case has nothing to decide on, or a red flag makes
    /// it expedited.
    pub fn needs_review(&self) -> bool {
        self.priority.expedited
            || self.claims.iter().any(|c| c.status.is_flag())
            || self
                .criteria
                .iter()
                .any(|k| k.status != CriterionStatus::Met)
            || self.n_quarantined() > 0
            || self.docs.iter().any(|d| d.hidden_chars() > 0)
            || self.claims.is_empty()
    }

    /// The page text for a citation.
    pub fn page_text(&self, doc_id: &str, page: u32) -> Option<&str> {
        self.docs
            .iter()
            .find(|d| d.staged.doc_id == doc_id)?
            .page(page)
            .map(|p| p.text.as_str())
    }
}

/// The payer policy applied to a case, and why it was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyChoice {
    /// The policy's id (`id` in its criteria file).
    pub id: String,
    /// The policy's title.
    pub title: String,
    /// "built-in", or the path of the user's criteria file.
    pub source: String,
    /// Why it was chosen: "adalimumab-crohns: drug adalimumab + diagnosis K50.x".
    pub why: String,
}

/// Identity of a run.
#[derive(Debug, Clone)]
pub struct RunInfo {
    /// Sorts in time order: `YYYYMMDDTHHMMSSZ-<hex>`.
    pub run_id: String,
    /// `YYYY-MM-DD` (UTC), the partition value.
    pub run_date: String,
    /// Start, microseconds since the Unix epoch, UTC.
    pub started_at_us: i64,
    /// `Some((k, n))` when this process handles shard k of n (0-based); the
    /// names it gives the run's files are `pa_store::layout`'s.
    pub shard: Option<(u32, u32)>,
}

/// Named points between the commit steps of a run. In a build with the
/// `failpoints` feature (the tests' build), `PRIORAUTH_TEST_CRASH_AT=<step>`
/// makes the process abort there, like a SIGKILL: the crash-safety test walks
/// every step. Without the feature this does nothing and reads no variable.
#[cfg(feature = "failpoints")]
pub fn crash_point(step: &str) {
    if std::env::var("PRIORAUTH_TEST_CRASH_AT").is_ok_and(|s| s == step) {
        std::process::abort();
    }
}

/// Named points between the commit steps of a run: nothing in a build without
/// the `failpoints` feature (see the tests' build).
#[cfg(not(feature = "failpoints"))]
#[inline(always)]
pub fn crash_point(_step: &str) {}

/// The commit steps [`crash_point`] knows, in order.
pub const CRASH_POINTS: &[&str] = &[
    "after:review",
    "after:documents",
    "after:pages",
    "after:summaries",
    "after:claims",
    "after:criteria",
    "after:facts",
    "after:cases",
    "after:manifest",
    "after:audit",
    "after:runs",
];

/// Counts over every case of a run, for the `runs` table.
#[derive(Debug, Clone, Default)]
pub struct RunTotals {
    /// Cases processed.
    pub cases: usize,
    /// Documents.
    pub documents: usize,
    /// Pages.
    pub pages: usize,
    /// Pages read by OCR.
    pub ocr_pages: usize,
    /// Quarantined documents.
    pub quarantined: usize,
    /// Claims.
    pub claims: usize,
    /// Claims supported.
    pub supported: usize,
    /// Claims unsupported.
    pub unsupported: usize,
    /// Claims contradicted.
    pub contradicted: usize,
    /// Cases that need review.
    pub needs_review: usize,
}

impl RunTotals {
    /// Add a batch of cases.
    pub fn add(&mut self, cases: &[CaseResult]) {
        for c in cases {
            self.cases += 1;
            self.documents += c.docs.len();
            self.pages += c.docs.iter().map(|d| d.pages.len()).sum::<usize>();
            self.ocr_pages += c
                .docs
                .iter()
                .flat_map(|d| &d.pages)
                .filter(|p| p.source == TextSource::Ocr)
                .count();
            self.quarantined += c.n_quarantined();
            self.claims += c.claims.len();
            self.supported += c.n_claims(ClaimStatus::Supported);
            self.unsupported += c.n_claims(ClaimStatus::Unsupported);
            self.contradicted += c.n_claims(ClaimStatus::Contradicted);
            self.needs_review += usize::from(c.needs_review());
        }
    }
}
