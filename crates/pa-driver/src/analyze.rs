//! Analysing one case: its request (the service and drug asked for, decided
//! once), then the payer criteria, the claims, the facts, red flags and
//! priority, and the summary. A batch's cases are analysed in parallel.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use pa_index::RunIndex;
use pa_types::{CaseResult, ExtractedDoc, Sentence};
use rayon::prelude::*;

use crate::fingerprint::{case_fingerprint, NO_POLICY};
use crate::plan::StagePlan;
use crate::report::StageTimes;

/// What every claim trace of a run records about the run.
pub(crate) struct TraceStamp {
    run_id: String,
    settings_hash: String,
    lexicon_version: String,
}

impl TraceStamp {
    /// The stamp of run `run_id` under settings of hash `settings_hash`, with
    /// the embedded lexicon.
    pub fn new(run_id: &str, settings_hash: &str) -> Self {
        TraceStamp {
            run_id: run_id.to_string(),
            settings_hash: settings_hash.to_string(),
            lexicon_version: lexicon_version(pa_config::DEFAULT_LEXICON),
        }
    }

    /// Stamp the claims' traces with the run, its settings hash, the lexicon
    /// version and the policy applied to the case (`<policy id>@<sha256, 12
    /// hex>`, or `none`).
    fn stamp(&self, claims: &mut [pa_types::Claim], criteria_version: &str) {
        for t in claims.iter_mut().filter_map(|c| c.trace.as_mut()) {
            t.run_id = self.run_id.clone();
            t.settings_hash = self.settings_hash.clone();
            t.lexicon_version = self.lexicon_version.clone();
            t.criteria_version = criteria_version.to_string();
        }
    }
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

/// Thread time per analysis step, summed over the cases of a run.
#[derive(Default)]
pub(crate) struct CpuTimes {
    evidence: AtomicU64,
    facts: AtomicU64,
    summarize: AtomicU64,
}

impl CpuTimes {
    fn add(a: &AtomicU64, d: Duration) {
        a.fetch_add(d.as_nanos() as u64, Ordering::Relaxed);
    }

    /// Record the sums in the run's stage times.
    pub fn store_into(self, times: &mut StageTimes) {
        let ns = |a: AtomicU64| Duration::from_nanos(a.into_inner());
        times.summarize_cpu = ns(self.summarize);
        times.evidence_cpu = ns(self.evidence);
        times.facts_cpu = ns(self.facts);
    }
}

/// One case to analyse.
pub(crate) struct CaseWork<'a> {
    /// Case id.
    pub case_id: &'a str,
    /// Its documents.
    pub docs: Vec<ExtractedDoc>,
    /// The sentences of its readable documents.
    pub sentences: &'a [Sentence],
    /// Its documents' fingerprint.
    pub fingerprint: String,
}

/// Everything an analysis reads besides the case.
pub(crate) struct Analyzer<'a> {
    /// The run's stage options.
    pub plan: &'a StagePlan,
    /// The run, for the claims' traces.
    pub stamp: &'a TraceStamp,
    /// The batch's index.
    pub index: &'a RunIndex,
    /// Thread time per step.
    pub cpu: &'a CpuTimes,
}

impl Analyzer<'_> {
    /// Analyse a batch's cases in parallel, in order.
    pub fn batch(&self, work: Vec<CaseWork<'_>>) -> Vec<CaseResult> {
        work.into_par_iter().map(|w| self.case(w)).collect()
    }

    /// Analyse one case: request, criteria, claims, facts, red flags and
    /// priority, summary.
    pub fn case(&self, w: CaseWork<'_>) -> CaseResult {
        let plan = self.plan;
        let sents = w.sentences;
        let _s = tracing::debug_span!("case", case_id = %w.case_id).entered();
        let t0 = Instant::now();
        // Decided once: the criteria check and the summary both take it.
        let request = pa_summarize::Request::of(sents);
        // Each sentence is analysed once, for the policy choice, the criteria
        // and the claims.
        let case = plan.checker.case(sents);
        let (choice, criteria) =
            plan.criteria
                .check(&case, request.service_code.as_deref(), request.drug);
        let fingerprint = case_fingerprint(
            &w.fingerprint,
            choice.policy.map_or(NO_POLICY, |p| p.sha256.as_str()),
        );
        let criteria_version = choice.policy.map_or_else(
            || "none".to_string(),
            |p| format!("{}@{}", p.id, &p.sha256[..12]),
        );
        let mut claims = match &plan.embedder {
            Some(embedder) => {
                let searcher = crate::semantic::SemanticSearcher::new(self.index, embedder, sents);
                plan.checker.check_case(w.case_id, &case, &searcher)
            }
            None => plan.checker.check_case(w.case_id, &case, self.index),
        };
        self.stamp.stamp(&mut claims, &criteria_version);
        let t1 = Instant::now();
        // Tokens and stems once per sentence, for the facts, the red flags and
        // the summary (the checker's, for the sentences it analysed).
        let words: Vec<pa_types::SentenceWords> = (0..sents.len()).map(|i| case.words(i)).collect();
        let facts = plan.checker.facts_with(sents, &words);
        let red_flags = plan
            .red_flags
            .find_with(plan.checker.context(), sents, &words);
        let priority = crate::priority::assess(&red_flags, &w.docs, &plan.priority);
        let t2 = Instant::now();
        let summary = pa_summarize::summarize_with(
            &pa_summarize::CaseInput {
                case_id: w.case_id,
                sentences: sents,
                request: &request,
                claims: &claims,
                criteria: &criteria,
                searcher: Some(self.index),
            },
            &words,
            &plan.lexicon,
            &plan.summarize,
        );
        CpuTimes::add(&self.cpu.evidence, t1 - t0);
        CpuTimes::add(&self.cpu.facts, t2 - t1);
        CpuTimes::add(&self.cpu.summarize, t2.elapsed());
        CaseResult {
            case_id: w.case_id.to_string(),
            docs: w.docs,
            summary,
            claims,
            criteria,
            policy: choice.to_policy_choice(),
            policy_note: choice.note.clone(),
            facts,
            red_flags,
            priority,
            fingerprint,
        }
    }
}
