//! `priorauth eval` on the labelled sample cases.

use crate::common::{priorauth, root};

#[test]
fn eval_reports_the_gold_metrics_as_json_and_table() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = root().join("sample_docs");
    let out = tmp.path().join("out");
    let o = priorauth(&[
        "eval",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ratio = |k: &str| m[k]["hit"].as_f64().unwrap() / m[k]["of"].as_f64().unwrap();
    assert_eq!(m["cases"], 10);
    assert_eq!(ratio("citation_validity"), 1.0, "every citation verifies");
    assert_eq!(m["not_a_claim_supported"], 0);
    // Regression floors, below the figures in the README.
    assert!(ratio("claim_detection_recall") >= 0.9, "{m}");
    assert!(ratio("flag_recall") >= 0.9, "{m}");
    assert!(ratio("summary_fact_recall") >= 0.9, "{m}");
    assert!(ratio("false_flag_rate") <= 0.15, "{m}");

    let o = priorauth(&[
        "eval",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let table = String::from_utf8_lossy(&o.stdout);
    for row in [
        "claim detection recall",
        "flag recall",
        "contradiction recall",
        "false-flag rate",
        "evidence precision",
        "citation validity",
        "summary fact recall",
    ] {
        assert!(table.contains(row), "{row} missing from:\n{table}");
    }
}
