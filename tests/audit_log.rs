//! The audit log checked against the dataset (issue 17, item 7): cutting lines
//! from its end, emptying it, or a visible run without an entry fails
//! `audit verify`; with `PRIORAUTH_AUDIT_KEY`, so does a chain rewritten with
//! freshly computed hashes.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::root;

fn run_with_key(drop: &Path, out: &Path, key: Option<&str>, force: bool) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_priorauth"));
    c.args(["run", "-q", "--drop"])
        .arg(drop)
        .arg("--out")
        .arg(out);
    if force {
        c.arg("--force");
    }
    c.env_remove("PRIORAUTH_LOG")
        .env_remove("PRIORAUTH_AUDIT_KEY");
    if let Some(k) = key {
        c.env("PRIORAUTH_AUDIT_KEY", k);
    }
    let o = c.output().unwrap();
    assert!(
        matches!(o.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn verify(out: &Path, key: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_priorauth"));
    c.args(["audit", "verify", "--out"]).arg(out);
    c.env_remove("PRIORAUTH_AUDIT_KEY");
    if let Some(k) = key {
        c.env("PRIORAUTH_AUDIT_KEY", k);
    }
    c.output().unwrap()
}

fn said(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

#[test]
fn a_cut_or_emptied_log_fails_verification() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let drop = root().join("tests/fixtures/evidence");
    for force in [false, true, true] {
        run_with_key(&drop, &out, None, force);
        // Run ids have one-second resolution.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    let o = verify(&out, None);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    assert!(said(&o).contains("3 entries"), "{}", said(&o));
    let log = out.join("audit.log");
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();

    // The last line cut: the chain is whole, but a visible run has no entry.
    std::fs::write(&log, format!("{}\n{}\n", lines[0], lines[1])).unwrap();
    let o = verify(&out, None);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("0 audit entries"), "{}", said(&o));

    // Emptied, and removed.
    std::fs::write(&log, "").unwrap();
    let o = verify(&out, None);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    std::fs::remove_file(&log).unwrap();
    let o = verify(&out, None);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));

    // Whole again; then a manifest edited after the fact.
    std::fs::write(&log, &text).unwrap();
    assert_eq!(verify(&out, None).status.code(), Some(0));
    let manifest = std::fs::read_dir(out.join("manifests"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let m = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, m.replacen("\"rows\": ", "\"rows\": 1", 1)).unwrap();
    let o = verify(&out, None);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("manifest"), "{}", said(&o));
}

/// Rewrite the whole chain as someone who knows the format but not the key
/// would: change a field of the first entry and recompute every hash.
const REWRITE: &str = r#"
import hashlib, json, sys
path = sys.argv[1]
prev = "0" * 64
out = []
for i, line in enumerate(open(path, encoding="utf-8").read().splitlines()):
    v = json.loads(line)
    v.pop("hash", None)
    v.pop("mac", None)
    if i == 0:
        v["user"] = "mallory"
    v["prev"] = prev
    body = json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    h = hashlib.sha256((prev + "\n" + body).encode()).hexdigest()
    v["hash"] = h
    out.append(json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False))
    prev = h
open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
"#;

#[test]
fn with_a_key_a_rewritten_chain_fails_verification() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let drop = root().join("tests/fixtures/evidence");
    let key = Some("test-key-not-a-secret");
    run_with_key(&drop, &out, key, false);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    run_with_key(&drop, &out, key, true);
    let o = verify(&out, key);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    // The wrong key fails.
    let o = verify(&out, Some("another key"));
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("MAC"), "{}", said(&o));

    let log = out.join("audit.log");
    let rw = Command::new("python3")
        .arg("-c")
        .arg(REWRITE)
        .arg(&log)
        .output()
        .unwrap();
    assert!(rw.status.success(), "{}", said(&rw));
    assert!(std::fs::read_to_string(&log).unwrap().contains("mallory"));
    // Without the key the rewritten chain holds together (that is what the key is for) ...
    let o = verify(&out, None);
    assert_eq!(o.status.code(), Some(0), "{}", said(&o));
    // ... with it, it does not.
    let o = verify(&out, key);
    assert_eq!(o.status.code(), Some(1), "{}", said(&o));
    assert!(said(&o).contains("line 1: its MAC"), "{}", said(&o));
}
