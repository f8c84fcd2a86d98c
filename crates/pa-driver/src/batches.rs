//! Feeding, cutting and extracting batches. Case folders are staged (their
//! documents listed and hashed) just before they are extracted, so nothing
//! held grows with the drop folder; cases found unchanged or unreadable are
//! set aside on the way. Cases are extracted a few at a time (enough to keep
//! every extraction thread busy) until the batch is full; what is extracted
//! beyond the cut starts the next batch. The cut depends on the cases' order
//! and pages only, so the batches of a run are the same however the threads ran.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::fingerprint::{case_fingerprint, fingerprint};
use crate::plan::StagePlan;
use crate::Progress;

/// Cases not yet in a batch: still to stage, or extracted beyond the last cut.
#[derive(Default)]
pub(crate) struct Feed {
    pending: VecDeque<pa_ingest::CaseDir>,
    ready: Vec<Extracted>,
}

impl Feed {
    /// Every case folder of the run, none staged yet.
    pub fn new(case_dirs: Vec<pa_ingest::CaseDir>) -> Self {
        Feed {
            pending: case_dirs.into(),
            ready: Vec::new(),
        }
    }

    /// No case left to batch.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty() && self.ready.is_empty()
    }
}

/// One batch's extracted cases, and the cases found unchanged on the way.
pub(crate) struct Batch {
    /// Extracted cases, in drop-folder order.
    pub cases: Vec<Extracted>,
    /// Cases found unchanged since their latest finished run.
    pub skipped: Vec<String>,
    /// Case folders that could not be listed, with the error.
    pub failed: Vec<(String, String)>,
    /// Time spent staging (listing and hashing).
    pub staging: Duration,
    /// Time spent extracting.
    pub extracting: Duration,
}

/// A case extracted and waiting for its batch.
pub(crate) struct Extracted {
    /// Case id.
    pub case_id: String,
    /// Its documents' fingerprint (the policy applied is added after the check).
    pub fingerprint: String,
    /// Its documents, extracted.
    pub docs: Vec<pa_types::ExtractedDoc>,
}

/// Makes the batches of a run, on its extraction pool.
pub(crate) struct Batcher<'a> {
    /// The run's stage options.
    pub plan: &'a StagePlan,
    /// `Settings::pipeline_sha256`.
    pub pipeline_sha256: &'a str,
    /// The latest stored (run, fingerprint) of each case; empty with `force`.
    pub previous: &'a HashMap<String, (String, String)>,
    /// Reviewer verdicts, whose digest is part of a case's fingerprint.
    pub reviews: &'a pa_store::reviews::ReviewIndex,
    /// The extraction pool.
    pub pool: &'a rayon::ThreadPool,
    /// Called as each case is extracted or set aside.
    pub progress: Option<&'a Progress>,
    /// Cases in the run.
    pub total: usize,
    /// Cases done so far.
    pub done: AtomicUsize,
}

impl Batcher<'_> {
    /// One more case done.
    fn tick(&self) {
        if let Some(p) = self.progress {
            p(self.done.fetch_add(1, Ordering::Relaxed) + 1, self.total);
        }
    }

    /// Stage cases (list and hash their documents) and fingerprint them.
    fn stage_cases(&self, cases: Vec<pa_ingest::CaseDir>) -> Vec<(pa_ingest::StagedCase, String)> {
        self.pool.install(|| {
            cases
                .into_par_iter()
                .map(|case| {
                    let case = pa_ingest::stage(case, &self.plan.ingest);
                    let fp = fingerprint(
                        &case,
                        self.pipeline_sha256,
                        &self.plan.routing,
                        self.reviews.case_digest(&case.case_id),
                    );
                    (case, fp)
                })
                .collect()
        })
    }

    /// Extract staged cases, their documents in parallel.
    fn extract_cases(&self, cases: Vec<(pa_ingest::StagedCase, String)>) -> Vec<Extracted> {
        self.pool.install(|| {
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
                            pa_extract::extract(d, &self.plan.extract)
                        })
                        .collect();
                    pa_extract::mark_near_duplicates(
                        &mut docs,
                        self.plan.near_duplicate_similarity,
                    );
                    self.tick();
                    Extracted {
                        case_id: case.case_id,
                        fingerprint,
                        docs,
                    }
                })
                .collect()
        })
    }

    /// Where the batch in `ready` ends, if it is full.
    fn cut(&self, ready: &[Extracted]) -> Option<usize> {
        let mut pages = 0;
        ready.iter().enumerate().find_map(|(i, case)| {
            pages += case.docs.iter().map(|d| d.pages.len()).sum::<usize>();
            (i + 1 >= self.plan.batch_cases || pages >= self.plan.batch_pages).then_some(i + 1)
        })
    }

    /// Is a staged case unchanged since its latest finished run, under any
    /// policy it may have had?
    fn unchanged(&self, case_id: &str, fp: &str) -> bool {
        self.previous.get(case_id).is_some_and(|(_, old)| {
            self.plan
                .policy_hashes
                .iter()
                .any(|p| *old == case_fingerprint(fp, p))
        })
    }

    /// The next batch: cases staged and extracted until the batch is full.
    pub fn next(&self, mut feed: Feed) -> (Feed, Batch) {
        let t = Instant::now();
        let mut staging = Duration::ZERO;
        let mut skipped = Vec::new();
        let mut failed = Vec::new();
        let end = loop {
            if let Some(end) = self.cut(&feed.ready) {
                break end;
            }
            if feed.pending.is_empty() {
                break feed.ready.len();
            }
            let n = self.plan.chunk_cases.min(feed.pending.len());
            let t = Instant::now();
            let staged = self.stage_cases(feed.pending.drain(..n).collect());
            let mut changed = Vec::with_capacity(staged.len());
            for (case, fp) in staged {
                if let Some(e) = case.error {
                    // Not processed: an empty result must not replace its latest.
                    self.tick();
                    failed.push((case.case_id, e));
                } else if self.unchanged(&case.case_id, &fp) {
                    self.tick();
                    skipped.push(case.case_id);
                } else {
                    changed.push((case, fp));
                }
            }
            staging += t.elapsed();
            feed.ready.extend(self.extract_cases(changed));
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
    }
}
