//! The read side of an output folder: show, search and export a case's
//! latest result, verify the audit log, and purge old runs.

use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use pa_index::RunIndex;

use crate::{ops, DriverError};

/// The latest rows of one case in an output folder, for `priorauth show`.
pub fn show(out: &Path, case_id: &str) -> Result<Option<pa_store::read::StoredCase>, DriverError> {
    Ok(pa_store::read::latest_case(out, case_id)?)
}

/// What [`purge`] removed.
#[derive(Debug)]
pub struct Purged {
    /// The runs removed.
    pub runs: Vec<String>,
    /// Each LLM debug file that held the purged runs' exchanges (named by their
    /// audit entries, or by the settings given), and what was removed from it
    /// (`None`: there was no such file).
    pub debug_files: Vec<(PathBuf, Option<ops::DebugFilePurge>)>,
}

/// Delete the outputs of runs older than `days` days (under the output lock),
/// and their lines in the LLM debug files they wrote to (as their audit
/// entries record, plus `debug_file`, the settings' `llm.debug_file` when
/// given), and record it in the audit log.
pub fn purge(out: &Path, days: u64, debug_file: Option<&Path>) -> Result<Purged, DriverError> {
    let _lock = ops::OutputLock::acquire(out)?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs() as i64;
    let cutoff = now - (days as i64) * 86_400;
    let cutoff_id = format!("{}Z", crate::run_id::timestamp(cutoff));
    let removed = ops::runs_before(out, &cutoff_id);
    let mut debug_files = pa_store::audit::llm_debug_files(out, &removed);
    if let Some(given) = debug_file {
        let given = std::path::absolute(given).unwrap_or_else(|_| given.to_path_buf());
        if !debug_files.contains(&given) {
            debug_files.push(given);
        }
    }
    // Logged first: a purge killed half-way is still on record.
    pa_store::audit::append(
        out,
        serde_json::json!({"action": "purge", "older_than_days": days, "cutoff": cutoff_id, "runs_removed": removed, "llm_debug_files": debug_files}),
    )?;
    ops::purge_runs(out, &removed)?;
    let mut purged_files = Vec::new();
    if !removed.is_empty() {
        for path in debug_files {
            let done = ops::purge_debug_file(&path, &removed)?;
            purged_files.push((path, done));
        }
    }
    Ok(Purged {
        runs: removed,
        debug_files: purged_files,
    })
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
