//! Incremental runs: an unchanged case is skipped, a case that received a new
//! fax is redone as a whole, and the latest result per case stays right.

use crate::common::{check_output, root, run};

#[test]
fn only_changed_cases_are_redone() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    for case in ["negated-support", "paraphrase", "number-mismatch"] {
        let dst = drop.join(case);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(root().join("tests/fixtures/evidence").join(case)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
        }
    }
    let out = tmp.path().join("out");
    let (c1, s1, _) = run(&drop, &out);
    assert_eq!(c1, 0);
    assert!(s1.contains("number-mismatch"));

    // Nothing changed: nothing redone.
    let (c2, s2, _) = run(&drop, &out);
    assert_eq!(c2, 0);
    assert!(
        s2.contains("3 case(s) unchanged since their latest run, skipped"),
        "{s2}"
    );

    // A new fax for one case: that case, and only it, is redone as a whole.
    std::fs::write(
        drop.join("number-mismatch/lab_repeat.txt"),
        "LABORATORY REPORT\nCollected: 10/15/2026\nLDL cholesterol 190 mg/dL <100 H\n",
    )
    .unwrap();
    let (c3, s3, _) = run(&drop, &out);
    assert_eq!(c3, 0);
    assert!(s3.contains("2 case(s) unchanged"), "{s3}");
    assert!(s3.lines().any(|l| l.starts_with("number-mismatch")), "{s3}");

    let report = check_output(&out);
    // Three runs; four case rows: three from the first run, one newer one that
    // supersedes the first run's row of the redone case.
    assert_eq!(report["rows"]["runs"], 3);
    assert_eq!(report["rows"]["cases"], 4);
    let claims = report["claims"].as_array().unwrap();
    let ldl: Vec<_> = claims
        .iter()
        .filter(|c| c["case_id"] == "number-mismatch")
        .map(|c| c["status"].as_str().unwrap())
        .collect();
    // The first run's result and the redone one: the new lab agrees with the
    // letter but the old lab still does not, so it stays contradicted (and the
    // reason now names the disagreement between the two labs).
    assert_eq!(ldl.len(), 2, "{ldl:?}");
    assert!(ldl.contains(&"contradicted"), "{ldl:?}");

    // Another drop folder into the same output: only its own cases are looked
    // up; the one it shares with the first drop folder is still unchanged.
    let drop2 = tmp.path().join("drop2");
    std::fs::create_dir_all(drop2.join("paraphrase")).unwrap();
    for e in std::fs::read_dir(drop.join("paraphrase")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, drop2.join("paraphrase").join(p.file_name().unwrap())).unwrap();
    }
    let (c4, s4, _) = run(&drop2, &out);
    assert_eq!(c4, 0);
    assert!(s4.contains("1 case(s) unchanged"), "{s4}");
    assert!(s4.contains("0 case(s) processed, 1 skipped"), "{s4}");

    // --force redoes everything.
    let o = crate::common::priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--force",
    ]);
    assert!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.contains("-") && !l.contains("skipped"))
            .count()
            >= 3
    );
    assert!(!String::from_utf8_lossy(&o.stdout).contains("unchanged"));
}
