//! The append-only audit log, `<out>/audit.log`: one JSON line per run (who ran
//! it, where, which cases it processed or skipped with their fingerprints, the
//! counts, the sha256 of its manifest), each line carrying the sha256 of the
//! previous line, so an edited, reordered or removed line is detected by
//! [`verify`].
//!
//! A chain alone cannot show that lines were cut from its end, or that the
//! whole log was emptied or rewritten. So [`verify`] also checks the log
//! against the dataset: every visible run (a `runs` row) has exactly one `run`
//! entry and its manifest, and every `run` entry is a visible run, or one that
//! a later `purge` or `cleanup` entry removed. With a key in
//! `PRIORAUTH_AUDIT_KEY`, each line also carries an HMAC-SHA256 of its hash
//! (`mac`), so a chain rewritten without the key fails too.

use std::io::{BufRead, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::{Spool, StoreError};

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The environment variable holding the optional HMAC key of the log.
pub const KEY_ENV: &str = "PRIORAUTH_AUDIT_KEY";

fn audit_key() -> Option<Vec<u8>> {
    use std::os::unix::ffi::OsStringExt;
    std::env::var_os(KEY_ENV)
        .filter(|k| !k.is_empty())
        .map(|k| k.into_vec())
}

/// HMAC-SHA256 (RFC 2104) of `msg` under `key`, lowercase hex.
fn hmac_sha256(key: &[u8], msg: &[u8]) -> String {
    let mut k = [0u8; 64];
    if key.len() > 64 {
        k[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        k[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(k.map(|b| b ^ 0x36));
    inner.update(msg);
    let mut outer = Sha256::new();
    outer.update(k.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    format!("{:x}", outer.finalize())
}

/// A line's hash covers the previous line's hash, a newline, and the line
/// without its own `hash` key; the body is written into the returned hasher.
fn line_hasher(prev: &str) -> HashWriter {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    HashWriter(h)
}

fn hash_line(prev: &str, body: &str) -> String {
    let mut h = line_hasher(prev);
    h.0.update(body.as_bytes());
    h.hex()
}

/// Append one entry; `entry` must be a JSON object (it gets `seq`, `prev` and `hash`).
pub fn append(out: &Path, entry: Value) -> Result<(), StoreError> {
    append_inner(out, entry, None)
}

/// Append one entry whose `cases` list comes from `cases`: a run's entry lists
/// every case it processed or skipped, which for a large drop folder is more
/// than is worth holding in memory. The list is streamed from the spool twice
/// (once to hash, once to write).
pub fn append_with_cases(out: &Path, entry: Value, cases: Spool) -> Result<(), StoreError> {
    append_inner(out, entry, Some(cases))
}

fn append_inner(out: &Path, mut entry: Value, mut cases: Option<Spool>) -> Result<(), StoreError> {
    // Shards append concurrently: one writer at a time keeps the chain whole.
    crate::layout::with_file_lock(&crate::layout::audit_lock(out), || {
        append_locked(out, &mut entry, cases.as_mut())
    })
}

/// Writes into a sha256 state.
struct HashWriter(Sha256);

impl HashWriter {
    fn hex(self) -> String {
        format!("{:x}", self.0.finalize())
    }
}

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `entry` serialized, with the spooled cases as its `cases` array.
fn write_entry(
    entry: &mut Value,
    cases: Option<&mut Spool>,
    w: &mut impl Write,
) -> std::io::Result<()> {
    let Some(cases) = cases else {
        return serde_json::to_writer(w, &*entry).map_err(std::io::Error::other);
    };
    entry["cases"] = json!([]);
    let text = serde_json::to_string(&*entry).map_err(std::io::Error::other)?;
    // Within a JSON string every quote is escaped, so the first match is the key.
    let key = "\"cases\":[";
    let at = text.find(key).expect("the entry has a cases key") + key.len();
    w.write_all(&text.as_bytes()[..at])?;
    for (i, case) in cases.lines()?.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(case?.as_bytes())?;
    }
    w.write_all(&text.as_bytes()[at..])
}

/// The sequence number and hash of the log's last line, read from its end
/// (the log grows by one long line per run; it is never read whole here).
fn last_entry(path: &Path) -> Option<(u64, String)> {
    #[derive(serde::Deserialize)]
    struct Tail {
        seq: u64,
        hash: String,
    }
    let mut f = std::fs::File::open(path).ok()?;
    let mut end = f.metadata().ok()?.len();
    let mut start = 0;
    let mut pos = end;
    let mut buf = vec![0u8; 64 << 10];
    'search: while pos > 0 {
        let n = pos.min(buf.len() as u64) as usize;
        pos -= n as u64;
        f.seek(SeekFrom::Start(pos)).ok()?;
        f.read_exact(&mut buf[..n]).ok()?;
        for i in (0..n).rev() {
            if buf[i] == b'\n' {
                let at = pos + i as u64;
                if at + 1 < end {
                    start = at + 1;
                    break 'search;
                }
                // A newline ending the file (or a run of them): the last line ends here.
                end = at;
            }
        }
    }
    f.seek(SeekFrom::Start(start)).ok()?;
    let tail: Tail = serde_json::from_reader(BufReader::new(f.take(end - start))).ok()?;
    Some((tail.seq, tail.hash))
}

fn append_locked(
    out: &Path,
    entry: &mut Value,
    mut cases: Option<&mut Spool>,
) -> Result<(), StoreError> {
    let path = crate::layout::audit_log(out);
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    let (seq, prev) = match last_entry(&path) {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS.to_string()),
    };
    entry["seq"] = json!(seq);
    entry["prev"] = json!(prev);
    let mut h = line_hasher(&prev);
    write_entry(entry, cases.as_deref_mut(), &mut h).map_err(io)?;
    let hash = h.hex();
    if let Some(key) = audit_key() {
        entry["mac"] = json!(hmac_sha256(&key, hash.as_bytes()));
    }
    entry["hash"] = json!(hash);
    // Never append through a symlink planted at the log's name.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(io(std::io::Error::other(
            "the audit log is a symbolic link; refusing to write through it",
        )));
    }
    let f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io)?;
    let mut w = BufWriter::new(f);
    write_entry(entry, cases, &mut w).map_err(io)?;
    w.write_all(b"\n").map_err(io)?;
    w.into_inner()
        .map_err(|e| io(e.into_error()))?
        .sync_all()
        .map_err(io)
}

/// What [`verify`] keeps of each entry to check it against the dataset.
#[derive(Debug, Default, serde::Deserialize)]
struct Entry {
    #[serde(default)]
    action: String,
    #[serde(default)]
    run_id: Option<String>,
    #[serde(default)]
    shard: Option<String>,
    #[serde(default)]
    manifest_sha256: Option<String>,
    #[serde(default)]
    runs_removed: Vec<String>,
    /// A `review` entry's file, relative to the output folder.
    #[serde(default)]
    file: Option<String>,
    /// A `review` entry's file's sha256.
    #[serde(default)]
    sha256: Option<String>,
    /// A `run` entry's LLM debug file (absolute), when its settings named one.
    #[serde(default)]
    llm_debug_file: Option<String>,
}

/// The log's entries (parsed loosely: a damaged line is left to [`verify`]).
fn entries(out: &Path) -> Vec<Entry> {
    let Ok(file) = std::fs::File::open(crate::layout::audit_log(out)) else {
        return Vec::new();
    };
    BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok())
        .collect()
}

/// The runs in the dataset: (run id, shard suffix) of every `runs` file.
/// Shards started together share a run id, so the pair is the key.
fn visible_runs(out: &Path) -> Vec<(String, String)> {
    let mut runs: Vec<(String, String)> = crate::layout::table_files(out, crate::tables::RUNS)
        .into_iter()
        .filter_map(|(run, path)| {
            let name = path.file_name()?.to_string_lossy().into_owned();
            let shard = crate::layout::shard_of_file(&name, &run)?;
            Some((run, shard))
        })
        .collect();
    runs.sort();
    runs.dedup();
    runs
}

/// Was run `run` of shard `shard` removed by a later entry: a `purge` (every
/// shard of the run) or a `cleanup` of that shard?
fn removed(entries: &[Entry], run: &str, shard: &str) -> bool {
    entries.iter().any(|e| {
        e.runs_removed.iter().any(|r| r == run)
            && (e.action == "purge" || e.shard.as_deref().unwrap_or("") == shard)
    })
}

/// Runs of this shard (`suffix`) that wrote their audit entry but not their
/// runs row (killed in between), and that no `cleanup` or `purge` entry names yet.
pub fn unfinished_runs(out: &Path, suffix: &str) -> Vec<String> {
    let entries = entries(out);
    let visible = visible_runs(out);
    entries
        .iter()
        .filter(|e| e.action == "run" && e.shard.as_deref() == Some(suffix))
        .filter_map(|e| e.run_id.clone())
        .filter(|r| {
            !visible.iter().any(|(v, s)| v == r && s == suffix) && !removed(&entries, r, suffix)
        })
        .collect()
}

/// The LLM debug files that the `run` entries of `runs` name, each once, in
/// the order first named.
pub fn llm_debug_files(out: &Path, runs: &[String]) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for e in entries(out) {
        let named = e.action == "run" && e.run_id.as_ref().is_some_and(|r| runs.contains(r));
        if let Some(f) = e.llm_debug_file.filter(|_| named).map(PathBuf::from) {
            if !files.contains(&f) {
                files.push(f);
            }
        }
    }
    files
}

/// Check the chain, and the log against the dataset (see the module docs).
/// `Ok(n)` with the number of entries, or `Err` naming the first problem.
pub fn verify(out: &Path) -> Result<usize, String> {
    let count = verify_chain(out)?;
    verify_against_dataset(out)?;
    Ok(count)
}

/// Every file of the `reviews` table has exactly one `review` entry with its
/// sha256, and every `review` entry's file is there, unchanged: verdicts are
/// never rewritten or removed.
fn verify_reviews(out: &Path, entries: &[Entry]) -> Result<(), String> {
    let reviews: Vec<&Entry> = entries.iter().filter(|e| e.action == "review").collect();
    let files = crate::read::table_files(out, crate::reviews::TABLE);
    for (_, path) in &files {
        let rel = path.strip_prefix(out).unwrap_or(path).display().to_string();
        let n = reviews
            .iter()
            .filter(|e| e.file.as_deref() == Some(rel.as_str()))
            .count();
        if n != 1 {
            return Err(format!(
                "reviews file {rel} has {n} audit entries instead of one"
            ));
        }
    }
    for e in reviews {
        let rel = e.file.as_deref().unwrap_or("");
        let bytes = std::fs::read(out.join(rel))
            .map_err(|err| format!("the log has review file {rel}, which cannot be read: {err}"))?;
        if Some(format!("{:x}", Sha256::digest(&bytes))) != e.sha256 {
            return Err(format!(
                "reviews file {rel} differs from the one the log recorded"
            ));
        }
    }
    Ok(())
}

fn verify_against_dataset(out: &Path) -> Result<(), String> {
    let entries = entries(out);
    verify_reviews(out, &entries)?;
    let visible = visible_runs(out);
    let runs: Vec<&Entry> = entries.iter().filter(|e| e.action == "run").collect();
    for (r, shard) in &visible {
        let n = runs
            .iter()
            .filter(|e| {
                e.run_id.as_deref() == Some(r.as_str()) && e.shard.as_deref().unwrap_or("") == shard
            })
            .count();
        if n != 1 {
            return Err(format!(
                "run {r}{shard} is in the dataset (runs table) but has {n} audit entries instead of one: lines were removed from the log, or it was emptied or replaced"
            ));
        }
    }
    for e in &runs {
        let Some(r) = e.run_id.as_deref() else {
            return Err("a run entry without a run_id".into());
        };
        let shard = e.shard.as_deref().unwrap_or("");
        let manifest = crate::layout::manifest_path(out, r, shard);
        let is_visible = visible.iter().any(|(v, s)| v == r && s == shard);
        let was_removed = removed(&entries, r, shard);
        if !is_visible && !was_removed {
            // Killed between its audit entry and its runs row: the next run
            // removes its files and says so (a `cleanup` entry).
            if e.manifest_sha256.is_some() && manifest.is_file() {
                continue;
            }
            return Err(format!(
                "the log has run {r}, which is not in the dataset and no purge or cleanup removed it"
            ));
        }
        if let (true, Some(want)) = (is_visible, e.manifest_sha256.as_deref()) {
            let bytes = std::fs::read(&manifest).map_err(|err| {
                format!(
                    "run {r}: cannot read its manifest {}: {err}",
                    manifest.display()
                )
            })?;
            if format!("{:x}", Sha256::digest(&bytes)) != want {
                return Err(format!(
                    "run {r}: its manifest {} differs from the one the log recorded",
                    manifest.display()
                ));
            }
        }
    }
    Ok(())
}

fn verify_chain(out: &Path) -> Result<usize, String> {
    let path = crate::layout::audit_log(out);
    if !path.exists() {
        // No log: fine only for a dataset without runs (checked next).
        return Ok(0);
    }
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let file = std::fs::File::open(&path).map_err(cannot)?;
    let key = audit_key();
    let mut prev = GENESIS.to_string();
    let mut count = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.map_err(cannot)?;
        let n = i + 1;
        count = n;
        let mut v: Value =
            serde_json::from_str(&line).map_err(|_| format!("line {n}: not JSON"))?;
        let hash = v["hash"]
            .as_str()
            .ok_or(format!("line {n}: no hash"))?
            .to_string();
        if v["prev"].as_str() != Some(prev.as_str()) {
            return Err(format!(
                "line {n}: does not follow line {} (a line was removed, added or reordered)",
                n - 1
            ));
        }
        if v["seq"].as_u64() != Some(n as u64) {
            return Err(format!(
                "line {n}: sequence number {} out of order",
                v["seq"]
            ));
        }
        let obj = v
            .as_object_mut()
            .ok_or(format!("line {n}: not a JSON object"))?;
        obj.remove("hash");
        let mac = obj.remove("mac");
        let body = serde_json::to_string(&v).expect("a JSON value serializes");
        if hash_line(&prev, &body) != hash {
            return Err(format!("line {n}: its content was changed"));
        }
        if let Some(key) = &key {
            if mac.as_ref().and_then(Value::as_str)
                != Some(hmac_sha256(key, hash.as_bytes()).as_str())
            {
                return Err(format!(
                    "line {n}: its MAC does not match the key in {KEY_ENV} (the log was rewritten, or written without that key)"
                ));
            }
        }
        prev = hash;
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_and_removals_are_detected() {
        let tmp = tempfile::tempdir().unwrap();
        for i in 0..3 {
            append(
                tmp.path(),
                json!({"action": "run", "run_id": format!("r{i}"), "cases": i}),
            )
            .unwrap();
        }
        assert_eq!(verify_chain(tmp.path()), Ok(3));
        let log = tmp.path().join("audit.log");
        let text = std::fs::read_to_string(&log).unwrap();
        std::fs::write(&log, text.replacen("\"cases\":1", "\"cases\":7", 1)).unwrap();
        assert!(verify_chain(tmp.path())
            .unwrap_err()
            .contains("line 2: its content was changed"));
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&log, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        assert!(verify_chain(tmp.path())
            .unwrap_err()
            .contains("line 2: does not follow"));
    }

    #[test]
    fn spooled_cases_are_written_and_chained() {
        let tmp = tempfile::tempdir().unwrap();
        append(tmp.path(), json!({"action": "run", "run_id": "r0"})).unwrap();
        let mut spool = Spool::new(tmp.path()).unwrap();
        #[derive(serde::Serialize)]
        struct Action<'a> {
            case_id: &'a str,
            action: &'a str,
        }
        for i in 0..5000 {
            let id = format!("case-\"{i}\"");
            spool
                .push(&Action {
                    case_id: &id,
                    action: "processed",
                })
                .unwrap();
        }
        assert_eq!(spool.len(), 5000);
        append_with_cases(
            tmp.path(),
            json!({"action": "run", "run_id": "r1", "drop": "/d/\"cases\":[x"}),
            spool,
        )
        .unwrap();
        append_with_cases(
            tmp.path(),
            json!({"action": "run", "run_id": "r2"}),
            Spool::new(tmp.path()).unwrap(),
        )
        .unwrap();
        assert_eq!(verify_chain(tmp.path()), Ok(3));
        let text = std::fs::read_to_string(tmp.path().join("audit.log")).unwrap();
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let cases = lines[1]["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 5000);
        assert_eq!(
            cases[4999],
            json!({"action": "processed", "case_id": "case-\"4999\""})
        );
        assert_eq!(lines[1]["drop"], "/d/\"cases\":[x");
        assert_eq!(lines[2]["cases"], json!([]));
        assert_eq!(lines[2]["seq"], 3);
        assert_eq!(lines[2]["prev"], lines[1]["hash"]);
        // The spool is an unnamed file: nothing is left in the folder.
        let names: Vec<_> = std::fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert!(
            names.iter().all(|n| n == "audit.log" || n == ".audit.lock"),
            "{names:?}"
        );
    }

    #[test]
    fn a_log_planted_as_a_symlink_is_not_written_through() {
        let tmp = tempfile::tempdir().unwrap();
        let victim = tmp.path().join("victim");
        std::fs::write(&victim, "precious\n").unwrap();
        std::os::unix::fs::symlink(&victim, tmp.path().join("audit.log")).unwrap();
        assert!(append(tmp.path(), json!({"action": "note"})).is_err());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    }

    #[test]
    fn the_last_entry_is_read_from_the_end() {
        let tmp = tempfile::tempdir().unwrap();
        let log = tmp.path().join("audit.log");
        assert_eq!(last_entry(&log), None);
        let long = "x".repeat(200_000);
        std::fs::write(
            &log,
            format!("{{\"seq\":1,\"hash\":\"a\",\"pad\":\"{long}\"}}\n{{\"pad\":\"{long}\",\"seq\":2,\"hash\":\"b\"}}\n\n"),
        )
        .unwrap();
        assert_eq!(last_entry(&log), Some((2, "b".to_string())));
        std::fs::write(&log, "{\"seq\":7,\"hash\":\"c\"}").unwrap();
        assert_eq!(last_entry(&log), Some((7, "c".to_string())));
    }
}
