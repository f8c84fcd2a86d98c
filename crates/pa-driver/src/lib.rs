//! The driver: the only crate that knows every stage. It runs ingest ->
//! extract -> chunk -> index -> summarize + evidence -> store over a drop
//! folder, in parallel where the work is CPU-bound (rayon), and reports what
//! happened per case and per stage.
//!
//! | module | owns |
//! |---|---|
//! | `run` | [`run`]: the batch loop and the commit that makes a run visible |
//! | `plan` | the stage plan (every stage's options, built once); [`new_checker`], [`load_criteria`] |
//! | `batches` | feeding, cutting and extracting batches |
//! | `analyze` | one case: request, criteria, claims, facts, red flags, summary |
//! | `fingerprint` | case fingerprints (what redoes a case), [`shard_of`] |
//! | `audit` | the run's audit log entry |
//! | `run_id` | [`new_run`], the user and host of a run |
//! | `report` | [`RunReport`], [`CaseBrief`], [`StageTimes`] |
//! | `queries` | the read side: [`show`], [`search`], [`export_fhir`], [`purge`], [`audit_verify`] |
//! | `review` | reviewer verdicts |
//! | `priority` | a case's priority from its red flags |
//! | `ops` | the output folder's locks, cleanup and purge |
//!
//! The optional LLM summarizer lives in `pa-llm` (`pa_llm::Summarizer`).
#![warn(missing_docs)]

use std::path::{Path, PathBuf};

mod analyze;
mod audit;
mod batches;
#[cfg(test)]
mod criteria_tests;
mod fingerprint;
pub mod ops;
mod plan;
mod priority;
mod queries;
mod report;
pub mod review;
mod run;
mod run_id;
mod semantic;

/// Payer criteria: policies, the language, errors.
pub use pa_evidence::criteria;
pub use pa_index::TextHit;
pub use pa_store::read::{StoredCase, StoredClaim};

pub use fingerprint::shard_of;
pub use plan::{check_criteria_files, load_criteria, new_checker};
pub use queries::{audit_verify, export_fhir, purge, search, show, Purged};
pub use report::{CaseBrief, RunReport, StageTimes};
pub use run::run;
pub use run_id::new_run;

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
    /// The evidence checker's rules (lexicon, ConText, red flags).
    #[error(transparent)]
    Evidence(#[from] pa_evidence::EvidenceError),
    /// Payer criteria files that cannot be used (each error names its file and line).
    #[error("invalid payer criteria: {}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("; "))]
    Criteria(Vec<criteria::CriteriaError>),
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
    /// The worker pool.
    #[error("cannot start worker threads: {0}")]
    Threads(String),
    /// The LLM backend's settings (endpoint refused, key missing).
    #[error(transparent)]
    Llm(#[from] pa_llm::LlmError),
    /// The sentence embedding model (`[evidence] semantic = true`).
    #[error(transparent)]
    Embed(#[from] pa_embed::EmbedError),
    /// The audit log entry of the run.
    #[error("cannot spool the audit entry: {0}")]
    Audit(String),
}

/// Called with (cases done so far, cases in the run) as a run goes; a case is
/// done once it is extracted or found unchanged.
pub type Progress = dyn Fn(usize, usize) + Sync;

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

#[cfg(test)]
mod tests {
    #[test]
    fn a_live_lock_blocks_and_a_stale_one_is_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let first = crate::ops::OutputLock::acquire(tmp.path()).unwrap();
        let err = crate::ops::OutputLock::acquire(tmp.path()).unwrap_err();
        match &err {
            pa_store::StoreError::Busy {
                holder: Some(holder),
                ..
            } => {
                assert!(holder.contains(&std::process::id().to_string()), "{err}")
            }
            other => panic!("expected Busy, got {other:?}"),
        }
        assert!(err.to_string().starts_with("another run (pid "), "{err}");
        drop(first);
        // A lock file naming a process that does not exist is stale.
        std::fs::write(tmp.path().join(".priorauth.lock"), "999999999\n").unwrap();
        let again = crate::ops::OutputLock::acquire(tmp.path()).unwrap();
        drop(again);
        assert!(!tmp.path().join(".priorauth.lock").exists());
    }
}
