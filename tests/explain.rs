//! `priorauth explain` on `sample_docs/`: the decision trace of every claim of
//! a case, compared with the reviewed snapshot `tests/fixtures/explain.snap`
//! (run ids, hashes and versions redacted: they change with every run and
//! every edit of the settings, lexicon or criteria, and stay in the output).
//! `UPDATE_SNAPSHOTS=1` accepts a deliberate change. The trace column itself
//! is read with DuckDB's json functions.

use crate::common::{priorauth, root, run};

const CASE: &str = "ra-adalimumab-003";

/// Run ids, 64-hex hashes and `@<12 hex>` versions replaced by placeholders.
fn redact(s: &str) -> String {
    let run = regex::Regex::new(r"\d{8}T\d{6}Z-[0-9a-f]+").unwrap();
    let hash = regex::Regex::new(r"\b[0-9a-f]{64}\b").unwrap();
    let version = regex::Regex::new(r"@[0-9a-f]{12}\b").unwrap();
    let s = run.replace_all(s, "<run-id>");
    let s = hash.replace_all(&s, "<sha256>");
    version.replace_all(&s, "@<sha12>").into_owned()
}

#[test]
fn explain_matches_the_reviewed_snapshot_and_the_trace_column_is_queryable() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    crate::common::copy_cases(&root().join("sample_docs"), &[CASE], &drop);
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert_eq!(code, 0, "{stderr}");
    let o = out.to_str().unwrap();

    let r = crate::common::py_report("reviews_check.py", &out);
    let claims = r["latest_claims"].as_array().unwrap();
    let t = &r["trace"];
    let n = t["claims"].as_u64().unwrap();
    assert!(n >= 3, "{r}");
    assert_eq!(t["valid_json"], n, "{t}");
    assert_eq!(t["run_id_matches"], n, "{t}");
    assert_eq!(t["settings_hash_matches"], n, "{t}");
    assert_eq!(t["evidence_in_candidates"], true, "{t}");
    assert!(t["with_candidates"].as_u64().unwrap() >= 1, "{t}");
    // The deciding rule names the status it gave.
    for row in t["rules"].as_array().unwrap() {
        let (status, rule) = (row[0].as_str().unwrap(), row[1].as_str().unwrap());
        assert!(rule.starts_with(status), "{status} decided by {rule}");
    }

    let mut text = String::new();
    for c in claims {
        text.push_str(&priorauth_explain(c["claim_id"].as_str().unwrap(), o));
        text.push_str("\n----\n");
    }
    // The run id, settings hash and versions are printed, then redacted here.
    assert!(text.contains(claims[0]["run_id"].as_str().unwrap()));
    let actual = redact(&text);
    assert!(actual.contains("settings hash: <sha256>") && actual.contains("lexicon: 1@<sha12>"));
    let missing = priorauth(&["explain", CASE, "lmn#999", "--out", o]);
    assert_eq!(missing.status.code(), Some(1));

    crate::common::assert_snapshot("explain.snap", &actual);
}

fn priorauth_explain(claim_id: &str, out: &str) -> String {
    let o = priorauth(&["explain", CASE, claim_id, "--out", out]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}
