//! Operations around a run: one run at a time per output folder (a lock file
//! held with `flock`), and cleanup of what a killed run left behind.
//!
//! A run becomes visible when its `runs` row is written, which happens after
//! every other file of the run. A run killed before that leaves complete
//! files (every file is written under a temporary name and renamed) but no
//! `runs` row; the next run deletes those files, so the dataset only ever holds
//! finished runs.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Holds an exclusive `flock` on `<out>/.priorauth.lock` until dropped.
///
/// The kernel releases the lock when its holder dies, however it dies, so a
/// lock is never stale and taking it over needs no liveness check: there is
/// nothing to take over, and two runs can never both hold it. The pid and host
/// written into the file are information for a person, never read back to
/// decide anything (after a container restart a new run may get the pid of the
/// dead one).
#[derive(Debug)]
pub struct OutputLock {
    path: PathBuf,
    file: File,
}

impl OutputLock {
    /// Take the lock, or fail at once if another live run holds it.
    pub fn acquire(out: &Path) -> Result<Self, String> {
        Self::acquire_named(out, "")
    }

    /// Take the lock of one shard (`suffix` from [`pa_types::RunInfo::shard_suffix`]):
    /// shards run side by side, each shard once.
    pub fn acquire_named(out: &Path, suffix: &str) -> Result<Self, String> {
        let path = out.join(format!(".priorauth{suffix}.lock"));
        // The holder unlinks the file when it is done: a lock taken on a file that
        // has since been unlinked (or replaced) protects nothing, so check that the
        // path still names the locked file, and start again when it does not.
        for _ in 0..100 {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(&path)
                .map_err(|e| format!("cannot open the lock file {}: {e}", path.display()))?;
            if !try_flock(&file).map_err(|e| format!("cannot lock {}: {e}", path.display()))? {
                let mut info = String::new();
                let _ = file.read_to_string(&mut info);
                let info = info.trim();
                let holder = if info.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", info.chars().take(200).collect::<String>())
                };
                return Err(format!(
                    "another run{holder} is using {}; the lock is released when it ends",
                    out.display()
                ));
            }
            let same = match (file.metadata(), std::fs::symlink_metadata(&path)) {
                (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
                _ => false,
            };
            if !same {
                continue;
            }
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = writeln!(file, "pid {} on host {}", std::process::id(), hostname());
            let _ = file.sync_all();
            return Ok(OutputLock { path, file });
        }
        Err(format!("cannot take the lock {}", path.display()))
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Unlink while still holding the lock; the lock goes with the descriptor.
        let _ = std::fs::remove_file(&self.path);
        let _ = &self.file;
    }
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when another open file holds it.
fn try_flock(file: &File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor we own; no memory is passed.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(e),
        }
    }
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates or truncates.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return "unknown".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// The file a temporary file stands for: `.<name>.<random>.tmp` (and the older
/// `.<name>.tmp`) -> `<name>`; `None` for a name that is not a temporary file.
fn tmp_target(name: &str) -> Option<&str> {
    let s = name.strip_suffix(".tmp")?;
    let s = s.strip_prefix('.').unwrap_or(s);
    Some(match s.rsplit_once('.') {
        Some((target, rand)) if rand != "parquet" && rand != "json" && rand != "html" => target,
        _ => s,
    })
}

/// Run ids that finished (have a `runs` file).
pub fn finished_runs(out: &Path) -> Vec<String> {
    pa_store::read::table_files(out, "runs")
        .into_iter()
        .map(|(run, _)| run)
        .collect()
}

/// Remove what runs of this shard that did not finish left behind (see
/// [`remove_unfinished`]); a run that had written its audit entry is named in a
/// `cleanup` entry first, so the log keeps agreeing with the dataset.
pub fn clean_up(out: &Path, suffix: &str) -> Result<usize, pa_store::StoreError> {
    let killed = pa_store::audit::unfinished_runs(out, suffix);
    if !killed.is_empty() {
        pa_store::audit::append(
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
    for dir in [out, &out.join("review")] {
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

/// Does a file or folder name belong to this process's shard (`suffix`, or no
/// shard at all when empty)? Shards only ever clean up their own leftovers.
fn ours(name: &str, suffix: &str) -> bool {
    let name = tmp_target(name).unwrap_or(name);
    let stem = name.trim_end_matches(".parquet").trim_end_matches(".json");
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
        let stem = tmp_target(&name).unwrap_or(&name).trim_end_matches(".json");
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
    // Temporary files of review pages and of the review index (random names: a
    // killed run's are never overwritten). A page's name does not say which
    // shard wrote it, so a shard removes only those older than an hour; a
    // run without shards, all of them.
    for f in std::fs::read_dir(out.join("review"))
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

/// The runs that started before `cutoff_run_id` (a run id or any string that
/// sorts like one, e.g. `20260801T000000Z`) and left anything in `out`: table
/// files, search indexes or manifests.
pub fn runs_before(out: &Path, cutoff_run_id: &str) -> Vec<String> {
    let mut runs: Vec<String> = Vec::new();
    let mut tables: Vec<&str> = pa_store::TABLES.to_vec();
    tables.push("runs");
    for table in tables {
        runs.extend(
            pa_store::read::table_files(out, table)
                .into_iter()
                .map(|(run, _)| run),
        );
    }
    for dir in ["index", "manifests"] {
        for d in std::fs::read_dir(out.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = d.file_name().to_string_lossy().into_owned();
            let stem = tmp_target(&name).unwrap_or(&name).trim_end_matches(".json");
            runs.push(pa_types::run_id_of(stem).to_string());
        }
    }
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
pub fn purge_runs(out: &Path, runs: &[String]) -> Result<(), pa_store::StoreError> {
    let gone = |name: &str| runs.iter().any(|r| r == pa_types::run_id_of(name));
    let mut tables: Vec<&str> = pa_store::TABLES.to_vec();
    tables.push("runs");
    for table in tables {
        for (run, path) in pa_store::read::table_files(out, table) {
            if runs.contains(&run) {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
    for dir in ["index", "manifests"] {
        for d in std::fs::read_dir(out.join(dir))
            .into_iter()
            .flatten()
            .flatten()
        {
            let name = d.file_name().to_string_lossy().into_owned();
            let stem = tmp_target(&name).unwrap_or(&name).trim_end_matches(".json");
            if gone(stem) {
                let p = d.path();
                let _ = if p.is_dir() {
                    std::fs::remove_dir_all(&p)
                } else {
                    std::fs::remove_file(&p)
                };
            }
        }
    }
    purge_review(out, runs)
}

/// Drop the review index rows of `runs` from every `review/cases*.json`,
/// delete the pages of the cases that leaves without a row, and rewrite
/// `review/index.html` (or delete it when no case is left).
fn purge_review(out: &Path, runs: &[String]) -> Result<(), pa_store::StoreError> {
    let dir = out.join("review");
    if !dir.is_dir() {
        return Ok(());
    }
    let mut removed_cases: Vec<String> = Vec::new();
    let mut kept_cases: Vec<String> = Vec::new();
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if !(name.starts_with("cases") && name.ends_with(".json")) {
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
        pa_store::write_atomic(&e.path(), &serde_json::to_vec(&kept).unwrap_or_default())?;
    }
    for case in removed_cases.iter().filter(|c| !kept_cases.contains(c)) {
        let _ = std::fs::remove_file(dir.join(pa_store::html::page_name(case)));
    }
    // Leftover temporary files may hold page text too.
    for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        if tmp_target(&name).is_some() {
            let _ = std::fs::remove_file(e.path());
        }
    }
    if kept_cases.is_empty() {
        let _ = std::fs::remove_file(dir.join("index.html"));
        return Ok(());
    }
    let latest = finished_runs(out).into_iter().max().unwrap_or_default();
    let run = pa_types::RunInfo {
        run_id: latest,
        run_date: String::new(),
        started_at_us: 0,
        shard: None,
    };
    pa_store::html::update_index(out, &run, pa_store::Spool::new(out)?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    #[test]
    fn a_lock_file_left_with_our_own_pid_does_not_block() {
        // After a container restart the new run often has the dead run's pid
        // (here: ours); a lock file is information, not the lock.
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".priorauth.lock");
        for stale in [format!("{}\n", std::process::id()), "1\n".to_string()] {
            std::fs::write(&path, stale).unwrap();
            let lock = OutputLock::acquire(tmp.path()).expect("a lock nobody holds is free");
            let info = std::fs::read_to_string(&path).unwrap();
            assert!(
                info.starts_with(&format!("pid {} on host ", std::process::id())),
                "{info}"
            );
            drop(lock);
            assert!(!path.exists());
        }
    }

    #[test]
    fn a_held_lock_blocks_and_names_its_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(tmp.path()).unwrap();
        let err = OutputLock::acquire(tmp.path()).unwrap_err();
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        // Another shard's lock is another file.
        let shard = OutputLock::acquire_named(tmp.path(), "-shard1of2").unwrap();
        drop(first);
        OutputLock::acquire(tmp.path()).unwrap();
        drop(shard);
    }

    #[test]
    fn concurrent_takers_never_hold_the_lock_together() {
        // Many takers at once, on a folder whose lock file a dead run left, each
        // holding the lock a while and then releasing it (which unlinks the file
        // while others may have it open): at most one holds it at any time.
        let tmp = Arc::new(tempfile::tempdir().unwrap());
        std::fs::write(tmp.path().join(".priorauth.lock"), "999999999\n").unwrap();
        let holders = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let wins = Arc::new(AtomicUsize::new(0));
        let n = 8;
        let start = Arc::new(Barrier::new(n));
        let threads: Vec<_> = (0..n)
            .map(|_| {
                let (tmp, holders, most, wins, start) = (
                    tmp.clone(),
                    holders.clone(),
                    most.clone(),
                    wins.clone(),
                    start.clone(),
                );
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..20 {
                        if let Ok(lock) = OutputLock::acquire(tmp.path()) {
                            let now = holders.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            wins.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(2));
                            holders.fetch_sub(1, Ordering::SeqCst);
                            drop(lock);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            most.load(Ordering::SeqCst),
            1,
            "two runs held the lock at once"
        );
        assert!(wins.load(Ordering::SeqCst) >= 1);
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

    #[test]
    fn temporary_names_map_to_their_targets() {
        assert_eq!(
            tmp_target(".part-20261127T023352Z-a711.parquet.Ab3dEf9hIj.tmp"),
            Some("part-20261127T023352Z-a711.parquet")
        );
        assert_eq!(
            tmp_target(".part-r1-shard1of2.parquet.tmp"),
            Some("part-r1-shard1of2.parquet")
        );
        assert_eq!(tmp_target(".r1.json.XyZ0123456.tmp"), Some("r1.json"));
        assert_eq!(tmp_target("part-r1.parquet"), None);
        assert!(ours(
            ".part-r1-shard1of2.parquet.Ab3dEf9hIj.tmp",
            "-shard1of2"
        ));
        assert!(!ours(".part-r1-shard1of2.parquet.Ab3dEf9hIj.tmp", ""));
    }
}
