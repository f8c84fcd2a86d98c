//! The analyst's view: every DuckDB query in the README runs against the output
//! of `sample_docs/` (two runs into one folder) and gives the expected answers.

use std::process::Command;

use crate::common::{ocr_available, root, run};

#[test]
fn readme_queries_answer_correctly() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let drop = root().join("sample_docs");
    let (c1, _, e1) = run(&drop, &out);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (c2, stdout2, e2) = run(&drop, &out);
    assert!(c1 == 0 || c1 == 2, "{e1}");
    assert!(c2 == 0 || c2 == 2, "{e2}");
    let second_run = stdout2
        .lines()
        .find_map(|l| l.strip_prefix("run "))
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();

    let o = Command::new("python3")
        .arg(root().join("tests/py/readme_queries.py"))
        .arg(root().join("README.md"))
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let results: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).unwrap();
    assert!(results.len() >= 5, "the README shows at least five queries");
    let find = |needle: &str| {
        results
            .iter()
            .find(|r| r["sql"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no query with {needle}"))
    };
    let rows = |r: &serde_json::Value| r["rows"].as_array().unwrap().clone();
    let col = |r: &serde_json::Value, name: &str| {
        r["columns"]
            .as_array()
            .unwrap()
            .iter()
            .position(|c| c == name)
            .unwrap()
    };

    // Cases needing review with their open flags: only flags, from the latest run.
    let flags = find("c.needs_review and k.status <> 'supported'");
    let st = col(flags, "status");
    assert!(!rows(flags).is_empty());
    assert!(rows(flags).iter().all(|r| r[st] != "supported"));
    assert!(rows(flags)
        .iter()
        .any(|r| r[0] == "mri-lumbar-001" && r[st] == "contradicted"));
    // No duplicates from the earlier run.
    let n_flag_rows = rows(flags).len();
    let total_flags: usize = results
        .iter()
        .find(|r| r["sql"].as_str().unwrap().contains("group by claim_type"))
        .map(|r| {
            rows(r)
                .iter()
                .map(|x| x[1].as_u64().unwrap() as usize)
                .sum()
        })
        .unwrap();
    assert_eq!(
        n_flag_rows, total_flags,
        "flags in the latest run, counted two ways"
    );

    // Flag rate by service: one row per service, rates within 0..1.
    let rate = find("flag_rate");
    assert_eq!(rows(rate).len(), 10);
    assert!(rows(rate)
        .iter()
        .all(|r| (0.0..=1.0).contains(&r[2].as_f64().unwrap())));

    // Quarantined documents by reason.
    let q = find("status = 'quarantined'");
    if ocr_available() {
        assert!(rows(q).is_empty(), "{:?}", rows(q));
    } else {
        assert_eq!(rows(q)[0][0], "ocr_unavailable");
    }

    // The latest result per case: ten cases, all from the first run, since the
    // second found nothing changed and skipped them.
    let latest = find("c.needs_review, c.n_unsupported");
    assert_eq!(rows(latest).len(), 10);
    assert!(
        rows(latest).iter().all(|r| r[1] != second_run.as_str()),
        "{:?}",
        rows(latest)
    );

    // Runs: two, newest first; the second processed nothing and skipped ten.
    let runs = find("from read_parquet('output/runs/");
    assert_eq!(rows(runs).len(), 2);
    assert_eq!(rows(runs)[0][0], second_run.as_str());
    let (n_cases, n_skipped) = (col(runs, "n_cases"), col(runs, "n_skipped"));
    assert_eq!(
        (
            rows(runs)[0][n_cases].as_u64(),
            rows(runs)[0][n_skipped].as_u64()
        ),
        (Some(0), Some(10))
    );

    // Criteria most often not met: the 6-month program of the bariatric case.
    let crit = find("from read_parquet('output/criteria/");
    assert!(
        rows(crit)
            .iter()
            .any(|r| r[1] == "supervised_program" && r[3].as_u64() == Some(1)),
        "{:?}",
        rows(crit)
    );

    // Evidence of contradicted claims: every span has a quote.
    let ev = find("unnest(k.evidence)");
    let quote = col(ev, "quote");
    assert!(!rows(ev).is_empty());
    assert!(rows(ev)
        .iter()
        .all(|r| !r[quote].as_str().unwrap().is_empty()));
}
