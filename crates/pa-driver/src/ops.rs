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
        let path = out.join(".priorauth.lock");
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

/// Delete files of runs that never finished, and leftover temporary files.
/// Returns how many files were removed.
pub fn remove_unfinished(out: &Path) -> usize {
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
                let run = name
                    .strip_prefix("part-")
                    .and_then(|n| n.strip_suffix(".parquet"))
                    .map(|r| r.split('~').next().unwrap_or(r));
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
                if f.file_name().to_string_lossy().ends_with(".tmp")
                    && std::fs::remove_file(f.path()).is_ok()
                {
                    removed += 1;
                }
            }
        }
    }
    if let Ok(idx) = std::fs::read_dir(out.join("index")) {
        for d in idx.flatten() {
            let run = d.file_name().to_string_lossy().into_owned();
            if !done.contains(&run) && std::fs::remove_dir_all(d.path()).is_ok() {
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
            let run = d.file_name().to_string_lossy().into_owned();
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
