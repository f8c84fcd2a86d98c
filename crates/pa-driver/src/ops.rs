//! Operations around a run: one run at a time per output folder (a lock file
//! with stale-lock detection), and cleanup of what a killed run left behind.
//!
//! A run becomes visible when its `runs` row is written, which happens after
//! every other file of the run. A run killed before that leaves complete
//! files (every file is written under a temporary name and renamed) but no
//! `runs` row; the next run deletes those files, so the dataset only ever holds
//! finished runs.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Holds `<out>/.priorauth.lock` until dropped.
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
}

impl OutputLock {
    /// Take the lock, replacing a stale one left by a dead process.
    pub fn acquire(out: &Path) -> Result<Self, String> {
        Self::acquire_named(out, "")
    }

    /// Take the lock of one shard (`suffix` from [`pa_types::RunInfo::shard_suffix`]):
    /// shards run side by side, each shard once.
    pub fn acquire_named(out: &Path, suffix: &str) -> Result<Self, String> {
        let path = out.join(format!(".priorauth{suffix}.lock"));
        for _ in 0..2 {
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut f) => {
                    let _ = writeln!(f, "{}", std::process::id());
                    let _ = f.sync_all();
                    return Ok(OutputLock { path });
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    let holder = std::fs::read_to_string(&path)
                        .ok()
                        .and_then(|s| s.trim().parse::<i32>().ok());
                    match holder {
                        Some(pid) if alive(pid) => {
                            return Err(format!(
                                "another run (pid {pid}) is using {}; if it is gone, remove {}",
                                out.display(),
                                path.display()
                            ))
                        }
                        _ => {
                            tracing::warn!(lock = %path.display(), "removing a stale lock left by a dead run");
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                Err(e) => return Err(format!("cannot create {}: {e}", path.display())),
            }
        }
        Err(format!("cannot take the lock {}", path.display()))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

fn alive(pid: i32) -> bool {
    // SAFETY: kill with signal 0 only checks whether the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

/// Run ids that finished (have a `runs` file).
pub fn finished_runs(out: &Path) -> Vec<String> {
    pa_store::read::table_files(out, "runs")
        .into_iter()
        .map(|(run, _)| run)
        .collect()
}

/// Does a file or folder name belong to this process's shard (`suffix`, or no
/// shard at all when empty)? Shards only ever clean up their own leftovers.
fn ours(name: &str, suffix: &str) -> bool {
    let stem = name.trim_end_matches(".tmp").trim_end_matches(".parquet");
    if suffix.is_empty() {
        !stem.contains("-shard")
    } else {
        stem.ends_with(suffix)
    }
}

/// Delete files of runs that never finished, and leftover temporary files, of
/// this process's shard. Returns how many files were removed.
pub fn remove_unfinished(out: &Path, suffix: &str) -> usize {
    let done = finished_runs(out);
    let mut removed = 0;
    for table in pa_store::TABLES {
        let Ok(parts) = std::fs::read_dir(out.join(table)) else {
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
                    .map(pa_types::run_id_of);
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
    if let Ok(parts) = std::fs::read_dir(out.join("runs")) {
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
    for m in std::fs::read_dir(out.join("manifests"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = m.file_name().to_string_lossy().into_owned();
        let stem = name
            .trim_end_matches(".tmp")
            .trim_end_matches(".json")
            .trim_start_matches('.');
        if ours(stem, suffix)
            && !done.iter().any(|r| r == pa_types::run_id_of(stem))
            && std::fs::remove_file(m.path()).is_ok()
        {
            removed += 1;
        }
    }
    if let Ok(idx) = std::fs::read_dir(out.join("index")) {
        for d in idx.flatten() {
            let name = d.file_name().to_string_lossy().into_owned();
            if ours(&name, suffix)
                && !done.iter().any(|r| r == pa_types::run_id_of(&name))
                && std::fs::remove_dir_all(d.path()).is_ok()
            {
                removed += 1;
            }
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

/// Delete every file of the runs that started before `cutoff_run_id` (a run id
/// or any string that sorts like one, e.g. `20260801T000000Z`): parquet files,
/// search indexes. Returns the run ids removed. Retention for PHI.
pub fn purge_before(out: &Path, cutoff_run_id: &str) -> Vec<String> {
    let mut removed_runs: Vec<String> = Vec::new();
    let mut tables: Vec<&str> = pa_store::TABLES.to_vec();
    tables.push("runs");
    for table in tables {
        for (run, path) in pa_store::read::table_files(out, table) {
            if run.as_str() < cutoff_run_id
                && std::fs::remove_file(&path).is_ok()
                && !removed_runs.contains(&run)
            {
                removed_runs.push(run);
            }
        }
    }
    if let Ok(idx) = std::fs::read_dir(out.join("index")) {
        for d in idx.flatten() {
            let name = d.file_name().to_string_lossy().into_owned();
            let run = pa_types::run_id_of(&name).to_string();
            if run.as_str() < cutoff_run_id
                && std::fs::remove_dir_all(d.path()).is_ok()
                && !removed_runs.contains(&run)
            {
                removed_runs.push(run);
            }
        }
    }
    removed_runs.sort();
    removed_runs
}
