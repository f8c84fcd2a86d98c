//! Cleanup around a run: what a killed run left behind, leftovers of a failed
//! run, modes that are too open, and purging old runs.
//!
//! A run becomes visible when its `runs` row is written, which happens after
//! every other file of the run. A run killed before that leaves complete
//! files (every file is written under a temporary name and renamed) but no
//! `runs` row; the next run deletes those files, so the dataset only ever holds
//! finished runs.

use std::path::{Path, PathBuf};

use super::{
    all_tables, is_review_state, ours, review_dir, run_id_of, run_of_entry, table_dir, table_files,
    tmp_target, INDEX, MANIFESTS,
};
use crate::tables::{Table, RUNS};
use crate::StoreError;

/// Run ids that finished (have a `runs` file).
pub fn finished_runs(out: &Path) -> Vec<String> {
    table_files(out, RUNS)
        .into_iter()
        .map(|(run, _)| run)
        .collect()
}

/// Remove what runs of this shard that did not finish left behind (see
/// [`remove_unfinished`]); a run that had written its audit entry is named in a
/// `cleanup` entry first, so the log keeps agreeing with the dataset.
pub fn clean_up(out: &Path, suffix: &str) -> Result<usize, StoreError> {
    let killed = crate::audit::unfinished_runs(out, suffix);
    if !killed.is_empty() {
        crate::audit::append(
            out,
            serde_json::json!({"action": "cleanup", "shard": suffix, "runs_removed": killed}),
        )?;
    }
    Ok(remove_unfinished(out, suffix))
}

/// Removes the files of the current run when dropped before [`Self::commit`]:
/// a run that fails (an error or a panic) takes its files away at once, rather
/// than leaving them readable until the next run cleans up. Declared after the
/// lock, so it is dropped while the lock is still held.
#[derive(Debug)]
pub struct Uncommitted<'a> {
    out: &'a Path,
    suffix: String,
    committed: bool,
}

impl<'a> Uncommitted<'a> {
    /// Guard the run writing into `out` under the lock of shard `suffix`.
    pub fn new(out: &'a Path, suffix: &str) -> Self {
        Uncommitted {
            out,
            suffix: suffix.to_string(),
            committed: false,
        }
    }

    /// The run is visible: keep its files.
    pub fn commit(mut self) {
        self.committed = true;
    }
}

impl Drop for Uncommitted<'_> {
    fn drop(&mut self) {
        if !self.committed {
            match clean_up(self.out, &self.suffix) {
                Ok(n) => tracing::warn!(files = n, "the run failed: its files were removed"),
                Err(e) => {
                    tracing::error!(error = %e, "the run failed and its files could not all be removed")
                }
            }
        }
    }
}

/// Take group and other permissions away from what an earlier version, another
/// tool or a person left too open: the output folder, its direct entries, the
/// review pages, and the LLM debug file (`extra`). Files end up 0600 and folders
/// 0700, or 0640 and 0750 when the group may read (`group_readable`). Returns
/// the paths changed (each is logged as a warning).
pub fn tighten_modes(out: &Path, group_readable: bool, extra: &[&Path]) -> Vec<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let allowed = if group_readable { 0o750 } else { 0o700 };
    let mut paths: Vec<PathBuf> = vec![out.to_path_buf()];
    for dir in [out, &review_dir(out)] {
        paths.extend(
            std::fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.path()),
        );
    }
    paths.extend(extra.iter().map(|p| p.to_path_buf()));
    let mut changed = Vec::new();
    for p in paths {
        // Never through a symlink: its target is not ours to change.
        let Ok(meta) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if meta.file_type().is_symlink() {
            continue;
        }
        let mode = meta.permissions().mode() & 0o7777;
        let want = if meta.is_dir() {
            mode & allowed
        } else {
            // Files are never executable, so group gets read at most.
            mode & allowed & !0o111
        };
        if want == mode {
            continue;
        }
        match std::fs::set_permissions(&p, std::fs::Permissions::from_mode(want)) {
            Ok(()) => {
                tracing::warn!(path = %p.display(), from = format!("{mode:o}"), to = format!("{want:o}"), "tightened the permissions of an output path");
                changed.push(p);
            }
            Err(e) => {
                tracing::warn!(path = %p.display(), mode = format!("{mode:o}"), error = %e, "an output path is readable by others and its mode cannot be changed")
            }
        }
    }
    changed
}

/// Delete files of runs that never finished, and leftover temporary files, of
/// this process's shard. Returns how many files were removed.
pub fn remove_unfinished(out: &Path, suffix: &str) -> usize {
    let done = finished_runs(out);
    let mut removed = 0;
    for table in Table::ALL {
        let Ok(parts) = std::fs::read_dir(table_dir(out, table.name())) else {
            continue;
        };
        for part in parts.flatten() {
            let Ok(files) = std::fs::read_dir(part.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if !ours(&name, suffix) {
                    continue;
                }
                let run = name
                    .strip_prefix("part-")
                    .and_then(|n| n.strip_suffix(".parquet"))
                    .map(run_id_of);
                let orphan = match run {
                    Some(r) => !done.iter().any(|d| d == r),
                    None => name.ends_with(".tmp"),
                };
                if orphan && std::fs::remove_file(f.path()).is_ok() {
                    removed += 1;
                }
            }
        }
    }
    // Temporary files of the runs table itself, and indexes of unfinished runs.
    if let Ok(parts) = std::fs::read_dir(table_dir(out, RUNS)) {
        for part in parts.flatten() {
            for f in std::fs::read_dir(part.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                let name = f.file_name().to_string_lossy().into_owned();
                if name.ends_with(".tmp")
                    && ours(&name, suffix)
                    && std::fs::remove_file(f.path()).is_ok()
                {
                    removed += 1;
                }
            }
        }
    }
    // Manifests of runs that never wrote their runs row.
    for m in std::fs::read_dir(out.join(MANIFESTS))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = m.file_name().to_string_lossy().into_owned();
        let stem = tmp_target(&name).unwrap_or(&name).trim_end_matches(".json");
        if ours(stem, suffix)
            && !done.iter().any(|r| r == run_id_of(stem))
            && std::fs::remove_file(m.path()).is_ok()
        {
            removed += 1;
        }
    }
    if let Ok(idx) = std::fs::read_dir(out.join(INDEX)) {
        for d in idx.flatten() {
            let name = d.file_name().to_string_lossy().into_owned();
            if ours(&name, suffix)
                && !done.iter().any(|r| r == run_id_of(&name))
                && std::fs::remove_dir_all(d.path()).is_ok()
            {
                removed += 1;
            }
        }
    }
    // Temporary files of review pages and of the review index (random names: a
    // killed run's are never overwritten). A page's name does not say which
    // shard wrote it, so a shard removes only those older than an hour; a
    // run without shards, all of them.
    for f in std::fs::read_dir(review_dir(out))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = f.file_name().to_string_lossy().into_owned();
        if tmp_target(&name).is_none() {
            continue;
        }
        let stale = f
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(3600));
        if (suffix.is_empty() || stale) && std::fs::remove_file(f.path()).is_ok() {
            removed += 1;
        }
    }
    if removed > 0 {
        tracing::warn!(
            files = removed,
            "removed the files of runs that did not finish"
        );
    }
    removed
}

/// The entries of `index/` and `manifests/` (temporary files included), each
/// with the run it belongs to.
fn run_entries(out: &Path) -> Vec<(String, PathBuf)> {
    [INDEX, MANIFESTS]
        .into_iter()
        .flat_map(|dir| {
            std::fs::read_dir(out.join(dir))
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|d| {
            let name = d.file_name().to_string_lossy().into_owned();
            (run_of_entry(&name).to_string(), d.path())
        })
        .collect()
}

/// The runs that started before `cutoff_run_id` (a run id or any string that
/// sorts like one, e.g. `20260801T000000Z`) and left anything in `out`: table
/// files, search indexes or manifests.
pub fn runs_before(out: &Path, cutoff_run_id: &str) -> Vec<String> {
    let mut runs: Vec<String> = Vec::new();
    for table in all_tables() {
        runs.extend(table_files(out, table).into_iter().map(|(run, _)| run));
    }
    runs.extend(run_entries(out).into_iter().map(|(run, _)| run));
    runs.retain(|r| r.as_str() < cutoff_run_id && !r.is_empty());
    runs.sort();
    runs.dedup();
    runs
}

/// Delete everything derived from `runs`: their parquet files, search indexes
/// and manifests, and on the review side the index rows and case pages whose
/// latest result came from one of them; `review/index.html` is then rewritten
/// from what is left. Retention for PHI: after this, no file in `out` holds
/// text from those runs (the audit log holds ids and hashes only).
pub fn purge_runs(out: &Path, runs: &[String]) -> Result<(), StoreError> {
    let gone = |run: &str| runs.iter().any(|r| r == run);
    for table in all_tables() {
        for (run, path) in table_files(out, table) {
            if runs.contains(&run) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    for (run, p) in run_entries(out) {
        if gone(&run) {
            let _ = if p.is_dir() {
                std::fs::remove_dir_all(&p)
            } else {
                std::fs::remove_file(&p)
            };
        }
    }
    purge_review(out, runs)
}

/// Drop the review index rows of `runs` from every `review/cases*.json`,
/// delete the pages of the cases that leaves without a row, and rewrite
/// `review/index.html` (or delete it when no case is left).
fn purge_review(out: &Path, runs: &[String]) -> Result<(), StoreError> {
    let dir = review_dir(out);
    if !dir.is_dir() {
        return Ok(());
    }
    let mut removed_cases: Vec<String> = Vec::new();
    let mut kept_cases: Vec<String> = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !is_review_state(&name) {
            continue;
        }
        let Ok(rows) = std::fs::read(e.path())
            .map_err(|_| ())
            .and_then(|b| serde_json::from_slice::<Vec<serde_json::Value>>(&b).map_err(|_| ()))
        else {
            continue;
        };
        let (gone, kept): (Vec<_>, Vec<_>) = rows.into_iter().partition(|r| {
            r["run_id"]
                .as_str()
                .is_some_and(|id| runs.iter().any(|x| x == id))
        });
        let case_of = |r: &serde_json::Value| r["case_id"].as_str().unwrap_or("").to_string();
        removed_cases.extend(gone.iter().map(case_of));
        kept_cases.extend(kept.iter().map(case_of));
        crate::commit::write_atomic(&e.path(), &serde_json::to_vec(&kept).unwrap_or_default())?;
    }
    for case in removed_cases.iter().filter(|c| !kept_cases.contains(c)) {
        let _ = std::fs::remove_file(dir.join(crate::html::page_name(case)));
    }
    // Leftover temporary files may hold page text too.
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if tmp_target(&name).is_some() {
            let _ = std::fs::remove_file(e.path());
        }
    }
    if kept_cases.is_empty() {
        let _ = std::fs::remove_file(dir.join(crate::html::INDEX_PAGE));
        return Ok(());
    }
    let latest = finished_runs(out).into_iter().max().unwrap_or_default();
    let run = pa_types::RunInfo {
        run_id: latest,
        run_date: String::new(),
        started_at_us: 0,
        shard: None,
    };
    crate::html::update_index(out, &run, crate::Spool::new(out)?)?;
    Ok(())
}

/// What purging did to the LLM debug file (`llm.debug_file`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebugFilePurge {
    /// Lines removed: those of the purged runs, and lines that name no run
    /// (written before lines carried their run id), whose run cannot be told.
    pub removed: usize,
    /// Lines of runs that are kept.
    pub kept: usize,
}

/// Remove from the LLM debug file at `path` (prompts and responses: patient
/// text) every line of `runs`, and every line that names no run. The file is
/// rewritten owner-only through a temporary file and a rename; it is never
/// opened through a symlink. `None` when there is no such file.
pub fn purge_debug_file(
    path: &Path,
    runs: &[String],
) -> Result<Option<DebugFilePurge>, StoreError> {
    use std::io::Read;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut f = match std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(path)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io(e)),
    };
    if !f.metadata().map_err(io)?.is_file() {
        return Err(io(std::io::Error::other("not a regular file")));
    }
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(io)?;
    // Lines are JSON; a line that is not is removed with those that name no run.
    let text = String::from_utf8_lossy(&bytes);
    let (mut removed, mut kept) = (0, String::new());
    let mut n_kept = 0;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let run = serde_json::from_str::<serde_json::Value>(line)
            .ok()
            .and_then(|v| v["run_id"].as_str().map(str::to_string));
        match run {
            Some(r) if !runs.contains(&r) => {
                kept.push_str(line);
                kept.push('\n');
                n_kept += 1;
            }
            _ => removed += 1,
        }
    }
    if removed > 0 {
        crate::commit::commit_file(path, crate::commit::SyncDir::No, |f| {
            use std::io::Write;
            f.set_permissions(std::fs::Permissions::from_mode(0o600))
                .and_then(|()| f.write_all(kept.as_bytes()))
                .map_err(io)
        })?;
    }
    Ok(Some(DebugFilePurge {
        removed,
        kept: n_kept,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purging_removes_the_purged_runs_lines_from_the_llm_debug_file() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("llm-debug.jsonl");
        assert_eq!(purge_debug_file(&path, &["r1".into()]).unwrap(), None);
        std::fs::write(
            &path,
            "{\"run_id\":\"r1\",\"case_id\":\"c1\",\"request\":\"CANARY-OLD patient text\"}\n\
             {\"case_id\":\"c0\",\"request\":\"CANARY-UNTAGGED from an older version\"}\n\
             not json CANARY-GARBLED\n\
             {\"run_id\":\"r2\",\"case_id\":\"c2\",\"response\":\"kept text\"}\n",
        )
        .unwrap();
        let done = purge_debug_file(&path, &["r1".into()]).unwrap();
        assert_eq!(
            done,
            Some(DebugFilePurge {
                removed: 3,
                kept: 1
            })
        );
        let left = std::fs::read_to_string(&path).unwrap();
        assert!(!left.contains("CANARY"), "{left}");
        assert!(left.contains("kept text"), "{left}");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Never through a symlink.
        let link = tmp.path().join("link.jsonl");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        assert!(purge_debug_file(&link, &["r2".into()]).is_err());
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .contains("kept text"));
    }

    #[test]
    fn purging_a_run_removes_its_review_rows_and_pages_only() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path();
        let review = out.join("review");
        std::fs::create_dir_all(&review).unwrap();
        let row = |case: &str, run: &str| {
            serde_json::json!({"case_id": case, "run_id": run, "service": "72148",
                "contradicted": 0, "unsupported": 1, "supported": 0, "criteria_open": 0,
                "quarantined": 0, "needs_review": true})
        };
        std::fs::write(
            review.join("cases.json"),
            serde_json::to_vec(&vec![row("a", "r1"), row("b", "r2")]).unwrap(),
        )
        .unwrap();
        std::fs::write(review.join("a.html"), "old text").unwrap();
        std::fs::write(review.join("b.html"), "new text").unwrap();
        std::fs::write(review.join(".a.html.Xy12345678.tmp"), "old text").unwrap();
        std::fs::create_dir_all(out.join("manifests")).unwrap();
        std::fs::write(out.join("manifests/r1.json"), "{}").unwrap();
        std::fs::write(out.join("manifests/r2.json"), "{}").unwrap();
        purge_runs(out, &["r1".to_string()]).unwrap();
        assert!(!review.join("a.html").exists());
        assert!(!review.join(".a.html.Xy12345678.tmp").exists());
        assert!(review.join("b.html").exists());
        assert!(!out.join("manifests/r1.json").exists());
        assert!(out.join("manifests/r2.json").exists());
        let index = std::fs::read_to_string(review.join("index.html")).unwrap();
        assert!(
            index.contains("b.html") && !index.contains("a.html"),
            "{index}"
        );
        let state = std::fs::read_to_string(review.join("cases.json")).unwrap();
        assert!(!state.contains("\"a\""), "{state}");
    }

    #[test]
    fn a_killed_runs_review_temporaries_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let review = tmp.path().join("review");
        std::fs::create_dir_all(&review).unwrap();
        let t = review.join(".c1.html.Ab3dEf9hIj.tmp");
        std::fs::write(&t, "page text").unwrap();
        std::fs::write(review.join("c1.html"), "page").unwrap();
        // A shard leaves a fresh one alone: another shard may be writing it.
        assert_eq!(remove_unfinished(tmp.path(), "-shard0of2"), 0);
        assert!(t.exists());
        assert_eq!(remove_unfinished(tmp.path(), ""), 1);
        assert!(!t.exists());
        assert!(review.join("c1.html").exists());
    }
}
