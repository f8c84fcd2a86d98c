//! The output folder's layout: every path, file and folder name, and the lock
//! and cleanup rules, in one place.
//!
//! ```text
//! <out>/<table>/run_date=YYYY-MM-DD/part-<run_id>[-b<NNNN>][-shard<k>of<n>].parquet
//! <out>/runs/run_date=YYYY-MM-DD/part-<run_id>[-shard<k>of<n>].parquet
//! <out>/manifests/<run_id>[-shard<k>of<n>].json
//! <out>/index/<run_id>[-b<NNNN>][-shard<k>of<n>]/      search index of one batch
//! <out>/review/index.html, <case>.html, cases[-shard<k>of<n>].json
//! <out>/reviews/...                                     (see `reviews`)
//! <out>/audit.log
//! <out>/.priorauth[-shard<k>of<n>].lock, .audit.lock, review/.index.lock
//! ```
//!
//! A run id sorts in time order (`YYYYMMDDTHHMMSSZ-<hex>`). `-b<NNNN>` numbers
//! the batches of a large run after the first; `-shard<k>of<n>` ends every name
//! a shard writes, so shards never write or clean up each other's files. Every
//! file is written under a temporary name `.<name>.<random>.tmp` beside it and
//! renamed ([`crate::commit`]). Locks are in [`lock`]; what a killed run leaves
//! behind, and purging old runs, in [`cleanup`].

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use pa_types::RunInfo;

use crate::tables::{Table, RUNS};

pub mod cleanup;
pub mod lock;

pub use cleanup::{
    clean_up, finished_runs, purge_debug_file, purge_runs, remove_unfinished, runs_before,
    tighten_modes, DebugFilePurge, Uncommitted,
};
pub use lock::{with_file_lock, OutputLock};

/// The folder of the manifests, one per run (and shard).
pub const MANIFESTS: &str = "manifests";
/// The folder of the search indexes, one per batch of a run.
pub const INDEX: &str = "index";
/// The folder of the review pages.
pub const REVIEW: &str = "review";
/// The audit log's file name.
pub const AUDIT_LOG: &str = "audit.log";

/// `-shard<k>of<n>` for shard k of n, empty without shards: the suffix of
/// every file name of a run, so shards never write or clean up each other's files.
pub fn shard_suffix(shard: Option<(u32, u32)>) -> String {
    shard
        .map(|(k, n)| format!("-shard{k}of{n}"))
        .unwrap_or_default()
}

/// The shard suffix of `run` (see [`shard_suffix`]).
pub fn run_suffix(run: &RunInfo) -> String {
    shard_suffix(run.shard)
}

/// `-b<NNNN>` for batch `batch` of a run, empty for the first batch (0).
pub fn batch_suffix(batch: usize) -> String {
    if batch == 0 {
        String::new()
    } else {
        format!("-b{batch:04}")
    }
}

/// The run id in a file or folder name `<run_id>[-b<NNNN>][-shard<k>of<n>]`
/// (`-b<NNNN>` numbers the batches of a large run).
pub fn run_id_of(name: &str) -> &str {
    let base = name.split("-shard").next().unwrap_or(name);
    match base.rsplit_once("-b") {
        Some((run, n)) if n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()) => run,
        _ => base,
    }
}

/// The folder of a table (partitioned by run date inside).
pub fn table_dir(out: &Path, table: &str) -> PathBuf {
    out.join(table)
}

/// Where a table's file for this run goes (its first batch).
pub fn table_path(out: &Path, table: &str, run: &RunInfo) -> PathBuf {
    batch_path(out, table, run, 0)
}

/// The file of one batch of a run's table: batch 0 is `part-<run_id>.parquet`,
/// later batches `part-<run_id>-b<NNNN>.parquet` (then the shard suffix).
pub fn batch_path(out: &Path, table: &str, run: &RunInfo, batch: usize) -> PathBuf {
    table_dir(out, table)
        .join(format!("run_date={}", run.run_date))
        .join(format!(
            "part-{}{}{}.parquet",
            run.run_id,
            batch_suffix(batch),
            run_suffix(run)
        ))
}

/// The manifest of run `run_id` of shard `suffix`.
pub fn manifest_path(out: &Path, run_id: &str, suffix: &str) -> PathBuf {
    out.join(MANIFESTS).join(format!("{run_id}{suffix}.json"))
}

/// The search index of one batch of a run: `index/<run_id>[-b<NNNN>][-shard<k>of<n>]`.
pub fn index_dir(out: &Path, run: &RunInfo, batch: usize) -> PathBuf {
    out.join(INDEX).join(format!(
        "{}{}{}",
        run.run_id,
        batch_suffix(batch),
        run_suffix(run)
    ))
}

/// The search indexes in `out`: (run id, folder), in no particular order.
pub fn index_dirs(out: &Path) -> Vec<(String, PathBuf)> {
    std::fs::read_dir(out.join(INDEX))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            (
                run_id_of(&e.file_name().to_string_lossy()).to_string(),
                e.path(),
            )
        })
        .collect()
}

/// Where the file of review `review_id` goes: `reviews/run_date=<date>/part-<review_id>.parquet`.
pub fn review_path(out: &Path, review_id: &str, date: &str) -> PathBuf {
    table_dir(out, crate::reviews::TABLE)
        .join(format!("run_date={date}"))
        .join(format!("part-{review_id}.parquet"))
}

/// The folder of the review pages.
pub fn review_dir(out: &Path) -> PathBuf {
    out.join(REVIEW)
}

/// The review index state of shard `suffix`: `review/cases<suffix>.json`.
pub fn review_state(out: &Path, suffix: &str) -> PathBuf {
    review_dir(out).join(format!("cases{suffix}.json"))
}

/// Is `name` (a file in `review/`) the review index state of some shard?
pub fn is_review_state(name: &str) -> bool {
    name.starts_with("cases") && name.ends_with(".json")
}

/// The review page of a case: a file name safe for any case id, and
/// injective: ASCII letters, digits, `-`, `_` and `.` stay (a leading `.` does
/// not), every other byte is `~XX`, so `c17 a` and `c17_a` get pages of their
/// own; and a case named `index` is `index~.html`, never the review index.
pub fn page_name(case_id: &str) -> String {
    let mut safe = String::with_capacity(case_id.len());
    for (i, b) in case_id.bytes().enumerate() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || (b == b'.' && i > 0) {
            safe.push(b as char);
        } else {
            let _ = write!(safe, "~{b:02X}");
        }
    }
    if safe == "index" {
        safe.push('~');
    }
    format!("{safe}.html")
}

/// The lock shards take turns at to update the review index.
pub fn review_index_lock(out: &Path) -> PathBuf {
    review_dir(out).join(".index.lock")
}

/// The lock shards take turns at to append to the audit log.
pub fn audit_lock(out: &Path) -> PathBuf {
    out.join(".audit.lock")
}

/// The audit log.
pub fn audit_log(out: &Path) -> PathBuf {
    out.join(AUDIT_LOG)
}

/// Parquet files of a table, newest run first: (run id, path).
pub fn table_files(out: &Path, table: &str) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let Ok(parts) = std::fs::read_dir(table_dir(out, table)) else {
        return files;
    };
    for part in parts.flatten() {
        let Ok(rd) = std::fs::read_dir(part.path()) else {
            continue;
        };
        for f in rd.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if let Some(run) = name
                .strip_prefix("part-")
                .and_then(|n| n.strip_suffix(".parquet"))
            {
                files.push((run_id_of(run).to_string(), f.path()));
            }
        }
    }
    files.sort_by(|a, b| b.0.cmp(&a.0));
    files
}

/// The shard suffix in the name of a table file of run `run`
/// (`part-<run>[-b<NNNN>][-shard<k>of<n>].parquet`), `None` when the name is not one.
pub fn shard_of_file(name: &str, run: &str) -> Option<String> {
    let stem = name.strip_prefix("part-")?.strip_suffix(".parquet")?;
    let shard = stem.strip_prefix(run)?;
    Some(shard.find("-shard").map_or("", |i| &shard[i..]).to_string())
}

/// Every table, the per-case ones and then `runs`.
fn all_tables() -> impl Iterator<Item = &'static str> {
    Table::ALL.iter().map(|t| t.name()).chain([RUNS])
}

/// Does every per-case table already hold a file?
pub fn tables_exist(out: &Path) -> bool {
    Table::ALL
        .iter()
        .all(|t| std::fs::read_dir(table_dir(out, t.name())).is_ok_and(|mut d| d.next().is_some()))
}

/// The file a temporary file stands for: `.<name>.<random>.tmp` (and the older
/// `.<name>.tmp`) -> `<name>`; `None` for a name that is not a temporary file.
pub(crate) fn tmp_target(name: &str) -> Option<&str> {
    let s = name.strip_suffix(".tmp")?;
    let s = s.strip_prefix('.').unwrap_or(s);
    Some(match s.rsplit_once('.') {
        Some((target, rand)) if rand != "parquet" && rand != "json" && rand != "html" => target,
        _ => s,
    })
}

/// Does a file or folder name belong to this process's shard (`suffix`, or no
/// shard at all when empty)? Shards only ever clean up their own leftovers.
pub(crate) fn ours(name: &str, suffix: &str) -> bool {
    let name = tmp_target(name).unwrap_or(name);
    let stem = name.trim_end_matches(".parquet").trim_end_matches(".json");
    if suffix.is_empty() {
        !stem.contains("-shard")
    } else {
        stem.ends_with(suffix)
    }
}

/// The run id named by an entry of `manifests/` or `index/` (temporary files
/// included).
pub(crate) fn run_of_entry(name: &str) -> &str {
    run_id_of(tmp_target(name).unwrap_or(name).trim_end_matches(".json"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_batch_and_shard() {
        let run = RunInfo {
            run_id: "20260101T000000Z-ab12".into(),
            run_date: "2026-01-01".into(),
            started_at_us: 0,
            shard: Some((1, 2)),
        };
        let p = batch_path(Path::new("o"), "claims", &run, 3);
        assert_eq!(
            p,
            Path::new(
                "o/claims/run_date=2026-01-01/part-20260101T000000Z-ab12-b0003-shard1of2.parquet"
            )
        );
        let i = index_dir(Path::new("o"), &run, 0);
        assert_eq!(i, Path::new("o/index/20260101T000000Z-ab12-shard1of2"));
        assert_eq!(
            run_id_of("20260101T000000Z-ab12-b0003-shard1of2"),
            run.run_id
        );
        assert_eq!(run_id_of("20260101T000000Z-ab12"), run.run_id);
        assert_eq!(
            shard_of_file("part-r1-b0002-shard0of2.parquet", "r1").as_deref(),
            Some("-shard0of2")
        );
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
