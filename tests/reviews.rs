//! Reviewer verdicts end to end: `priorauth review` records a verdict on a
//! claim; it stays attached to that claim (by its fingerprint) through a rerun
//! and after a new fax arrives in the case folder; the case page shows it
//! beside the claim in Chromium; every verdict is in the audit log, which
//! still verifies; a CSV import with a bad row imports nothing and names the
//! line; `eval --from-reviews` reports agreement per run.

use std::path::Path;
use std::process::Command;

use crate::common::{priorauth, root, run};

fn check(out: &Path) -> serde_json::Value {
    crate::common::py_report("reviews_check.py", out)
}

/// The latest claim of the case whose text contains `words`.
fn claim<'a>(report: &'a serde_json::Value, words: &str) -> &'a serde_json::Value {
    report["latest_claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["text"].as_str().unwrap().contains(words))
        .unwrap_or_else(|| panic!("no claim with {words:?}: {report}"))
}

fn review_files(out: &Path) -> usize {
    walk(&out.join("reviews"))
}

fn walk(p: &Path) -> usize {
    std::fs::read_dir(p).map_or(0, |rd| {
        rd.flatten()
            .map(|e| {
                let p = e.path();
                if p.is_dir() {
                    walk(&p)
                } else {
                    usize::from(p.extension().is_some_and(|x| x == "parquet"))
                }
            })
            .sum()
    })
}

fn ok(args: &[&str]) -> String {
    let o = priorauth(args);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The verdict cell of a claim's row on the case page, as Chromium shows it
/// (`None` when the browser is not installed).
fn verdict_cell(out: &Path, claim_id: &str) -> Option<serde_json::Value> {
    if !crate::common::browser_available() {
        return None;
    }
    let o = Command::new("python3")
        .arg(root().join("tests/py/verdict_browser.py"))
        .args([out.to_str().unwrap(), "knee-rev.html", claim_id])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    Some(serde_json::from_slice(&o.stdout).unwrap())
}

#[test]
fn a_verdict_stays_attached_through_a_rerun_and_a_new_fax() {
    let fixture = root().join("tests/fixtures/reviews");
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    crate::common::copy_cases(&fixture, &["knee-rev"], &drop);
    let case = drop.join("knee-rev");
    let out = tmp.path().join("out");
    let o = out.to_str().unwrap();
    let (code, _, stderr) = run(&drop, &out);
    assert_eq!(code, 0, "{stderr}");

    let first = check(&out);
    let pt = claim(&first, "physical therapy").clone();
    let pt_id = pt["claim_id"].as_str().unwrap().to_string();
    let fp = pt["fingerprint"].as_str().unwrap().to_string();
    assert_eq!(fp.len(), 64);
    // No physical therapy record yet: the checker cannot support it.
    assert_eq!(pt["status"], "unsupported", "{pt}");

    let note = "PT records faxed 03/05, seen by phone";
    let said = ok(&[
        "review",
        "knee-rev",
        "--claim",
        &pt_id,
        "--verdict",
        "disagree",
        "--status",
        "supported",
        "--note",
        note,
        "--reviewer",
        "rn-117",
        "--out",
        o,
    ]);
    assert!(said.contains("recorded 1 verdict(s)"), "{said}");
    assert_eq!(review_files(&out), 1);
    // The verdict is an audit entry (ids, never the note) and the log verifies.
    let log = std::fs::read_to_string(out.join("audit.log")).unwrap();
    let last: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(last["action"], "review", "{last}");
    assert_eq!(last["verdicts"][0]["claim_fingerprint"], fp.as_str());
    assert!(
        !log.contains("seen by phone"),
        "the note reached the audit log"
    );
    assert!(ok(&["audit", "verify", "--out", o]).contains("intact"));

    // A verdict on a claim the latest run does not have is refused.
    let bad = priorauth(&[
        "review",
        "knee-rev",
        "--claim",
        "letter#999",
        "--verdict",
        "agree",
        "--reviewer",
        "rn-117",
        "--out",
        o,
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("no claim `letter#999`"));
    assert_eq!(review_files(&out), 1);

    // Rerun: nothing changed but the verdict, which redoes the case so its page shows it.
    let (code, stdout, stderr) = run(&drop, &out);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("skipped (--force"), "{stdout}");
    let second = check(&out);
    let again = claim(&second, "physical therapy");
    assert_ne!(again["run_id"], pt["run_id"]);
    assert_eq!(again["fingerprint"], fp.as_str());
    assert_eq!(again["verdicts"][0]["note"], note, "{again}");
    if let Some(cell) = verdict_cell(&out, again["claim_id"].as_str().unwrap()) {
        assert_eq!(cell["rows"], 1, "{cell}");
        assert!(
            cell["header"].as_str().unwrap().contains("Review"),
            "{cell}"
        );
        assert_eq!(cell["visible"], true, "{cell}");
        assert_eq!(cell["verdicts"], serde_json::json!(["disagree"]), "{cell}");
        let text = cell["text"].as_str().unwrap();
        assert!(
            text.contains("supported") && text.contains("rn-117") && text.contains(note),
            "{cell}"
        );
        assert_eq!(cell["other_rows_with_verdicts"], 0, "{cell}");
    }

    // A new fax arrives: the case is redone; the letter and so the verdict's claim are unchanged.
    std::fs::copy(
        fixture.join("pt-discharge.txt"),
        case.join("pt-discharge.txt"),
    )
    .unwrap();
    let (code, _, stderr) = run(&drop, &out);
    assert_eq!(code, 0, "{stderr}");
    let third = check(&out);
    let after = claim(&third, "physical therapy");
    assert_ne!(after["run_id"], again["run_id"]);
    assert_eq!(after["fingerprint"], fp.as_str());
    assert_eq!(after["verdicts"].as_array().unwrap().len(), 1, "{after}");
    assert_eq!(after["verdicts"][0]["reviewer"], "rn-117");
    // Only that claim carries it.
    let carrying = third["latest_claims"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["verdicts"].as_array().unwrap().is_empty())
        .count();
    assert_eq!(carrying, 1, "{third}");
    assert_eq!(third["modes"], serde_json::json!(["0o600"]), "{third}");

    // A CSV import with one bad row imports nothing and names the line.
    let other = claim(&third, "naproxen");
    let other_id = other["claim_id"].as_str().unwrap();
    let csv = tmp.path().join("verdicts.csv");
    std::fs::write(
        &csv,
        format!(
            "case_id,claim_id,verdict,status,reviewer,note\n\
             knee-rev,{other_id},agree,,rn-9,\"dose and dates match, see note\"\n\
             knee-rev,{other_id},maybe,,rn-9,\n"
        ),
    )
    .unwrap();
    let bad = priorauth(&["review", "--import", csv.to_str().unwrap(), "--out", o]);
    assert_eq!(bad.status.code(), Some(1));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("verdicts.csv:3: verdict `maybe`"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    assert_eq!(review_files(&out), 1);
    std::fs::write(
        &csv,
        format!(
            "case_id,claim_id,verdict,status,reviewer,note\n\
             knee-rev,{other_id},agree,,rn-9,\"dose and dates match, see note\"\n"
        ),
    )
    .unwrap();
    ok(&["review", "--import", csv.to_str().unwrap(), "--out", o]);
    assert_eq!(review_files(&out), 2);
    assert!(ok(&["audit", "verify", "--out", o]).contains("intact"));
    let fourth = check(&out);
    let imported = fourth["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["reviewer"] == "rn-9")
        .unwrap();
    assert_eq!(imported["source"], "import:verdicts.csv:2", "{imported}");

    // Verdicts as labels: each run is scored on the claims reviewers labelled.
    let e: serde_json::Value =
        serde_json::from_str(&ok(&["eval", "--from-reviews", "--out", o, "--json"])).unwrap();
    assert_eq!(e["verdicts"], 2, "{e}");
    assert_eq!(e["labelled_claims"], 2, "{e}");
    let runs = e["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 3, "{e}");
    // The first two runs said `unsupported` where the reviewer holds `supported`.
    for r in &runs[..2] {
        assert_eq!(r["disagreements"]["supported -> unsupported"], 1, "{e}");
    }
    let last_run = &runs[2];
    // In the last run the naproxen claim has the status rn-9 agreed with; the
    // physical therapy claim agrees when the discharge summary now supports it.
    let want = 1 + usize::from(after["status"] == "supported");
    assert_eq!(last_run["agree"], want, "{e}");

    // An edited reviews file breaks the audit log's verification.
    let file = std::fs::read_dir(out.join("reviews"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    let mut bytes = std::fs::read(&file).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 0xff;
    std::fs::write(&file, bytes).unwrap();
    let v = priorauth(&["audit", "verify", "--out", o]);
    assert_eq!(v.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&v.stdout).contains("differs from the one the log recorded"));
}
