//! The append-only audit log, `<out>/audit.log`: one JSON line per run (who ran
//! it, where, which cases it processed or skipped with their fingerprints, the
//! counts), each line carrying the sha256 of the previous line, so an edited,
//! reordered or removed line is detected by [`verify`].

use std::io::Write;
use std::path::Path;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::StoreError;

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn hash_line(prev: &str, body: &str) -> String {
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(body.as_bytes());
    format!("{:x}", h.finalize())
}

/// Append one entry; `entry` must be a JSON object (it gets `seq`, `prev` and `hash`).
pub fn append(out: &Path, mut entry: Value) -> Result<(), StoreError> {
    // Shards append concurrently: one writer at a time keeps the chain whole.
    crate::with_file_lock(&out.join(".audit.lock"), || append_locked(out, &mut entry))
}

fn append_locked(out: &Path, entry: &mut Value) -> Result<(), StoreError> {
    let path = out.join("audit.log");
    let io = |source| StoreError::Io {
        path: path.clone(),
        source,
    };
    let existing = std::fs::read_to_string(&path).unwrap_or_default();
    let (seq, prev) = match existing
        .lines()
        .last()
        .and_then(|l| serde_json::from_str::<Value>(l).ok())
    {
        Some(last) => (
            last["seq"].as_u64().unwrap_or(0) + 1,
            last["hash"].as_str().unwrap_or(GENESIS).to_string(),
        ),
        None => (1, GENESIS.to_string()),
    };
    entry["seq"] = json!(seq);
    entry["prev"] = json!(prev);
    let body = serde_json::to_string(&*entry).expect("a JSON value serializes");
    entry["hash"] = json!(hash_line(&prev, &body));
    let line = serde_json::to_string(&*entry).expect("a JSON value serializes");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(io)?;
    writeln!(f, "{line}").map_err(io)?;
    f.sync_all().map_err(io)
}

/// Check the chain. `Ok(n)` with the number of entries, or `Err` naming the first bad line.
pub fn verify(out: &Path) -> Result<usize, String> {
    let path = out.join("audit.log");
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut prev = GENESIS.to_string();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let mut v: Value = serde_json::from_str(line).map_err(|_| format!("line {n}: not JSON"))?;
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
        v.as_object_mut().expect("an object").remove("hash");
        let body = serde_json::to_string(&v).expect("a JSON value serializes");
        if hash_line(&prev, &body) != hash {
            return Err(format!("line {n}: its content was changed"));
        }
        prev = hash;
    }
    Ok(text.lines().count())
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
        assert_eq!(verify(tmp.path()), Ok(3));
        let log = tmp.path().join("audit.log");
        let text = std::fs::read_to_string(&log).unwrap();
        std::fs::write(&log, text.replacen("\"cases\":1", "\"cases\":7", 1)).unwrap();
        assert!(verify(tmp.path())
            .unwrap_err()
            .contains("line 2: its content was changed"));
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&log, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        assert!(verify(tmp.path())
            .unwrap_err()
            .contains("line 2: does not follow"));
    }
}
