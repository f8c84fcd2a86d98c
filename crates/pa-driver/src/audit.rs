//! The run's audit log entry: what the run did with each case (spooled as the
//! run goes) and the entry written when the run commits.

use std::path::Path;

use pa_types::{CaseResult, RunInfo, RunTotals};

use crate::DriverError;

/// What the run did with one case, for the audit log.
#[derive(serde::Serialize)]
pub(crate) struct CaseAction<'a> {
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

impl<'a> CaseAction<'a> {
    /// A case left alone: `skipped_unchanged` or `unreadable_case_folder`.
    pub fn untouched(case_id: &'a str, action: &'static str) -> Self {
        CaseAction {
            case_id,
            action,
            fingerprint: None,
            documents: None,
        }
    }

    /// A case processed: its fingerprint and documents.
    pub fn processed(c: &'a CaseResult) -> Self {
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
    }

    /// Add it to the run's spool of case actions.
    pub fn spool_to(&self, spool: &mut pa_store::Spool) -> Result<(), DriverError> {
        spool
            .push(self)
            .map_err(|e| DriverError::Audit(e.to_string()))
    }
}

/// The counts of a run's audit entry.
pub(crate) struct RunCounts<'a> {
    pub totals: &'a RunTotals,
    pub skipped: usize,
    pub unreadable_case_folders: usize,
}

/// The audit entry of a finished run (its case actions are added by
/// `pa_store::audit::append_with_cases`).
pub(crate) fn run_entry(
    run: &RunInfo,
    record: &pa_store::RunRecord,
    manifest_sha256: &str,
    drop: &Path,
    llm_debug_file: Option<&Path>,
    counts: &RunCounts<'_>,
) -> serde_json::Value {
    serde_json::json!({
        "action": "run",
        "run_id": run.run_id,
        "shard": pa_store::layout::run_suffix(run),
        "manifest_sha256": manifest_sha256,
        "finished_at_us": record.finished_at_us,
        "version": record.version,
        "config_sha256": record.config_sha256,
        "user": crate::run_id::user(),
        "host": crate::run_id::hostname(),
        "drop": drop.display().to_string(),
        // Where the run's LLM exchanges went, so that `purge` finds the file
        // without being given the settings again.
        "llm_debug_file": llm_debug_file.map(|p| {
            std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf()).display().to_string()
        }),
        "counts": {"processed": counts.totals.cases, "skipped": counts.skipped,
                   "quarantined": counts.totals.quarantined,
                   "needs_review": counts.totals.needs_review,
                   "unreadable_case_folders": counts.unreadable_case_folders},
        "exit_status": record.exit_status,
    })
}
