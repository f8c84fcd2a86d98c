//! Payer criteria at run time: `--criteria` folders, `criteria check` and
//! `criteria list`, policy choice and its reasons in the `cases` table, every
//! construct of the language on fixture cases, incremental runs that redo
//! exactly the cases whose policy changed, the examples of docs/criteria.md,
//! and the external AutoAuth packets with criteria written from their policies.

use std::path::{Path, PathBuf};

use crate::common::{check_output, config_without_ocr, priorauth, root, shared_corpus};

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/criteria")
}

/// Copy `tests/fixtures/criteria/drop/<case>` folders into `drop`.
fn copy_cases(drop: &Path, cases: &[&str]) {
    for case in cases {
        let dst = drop.join(case);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(fixtures().join("drop").join(case)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// `priorauth run` with extra arguments: (exit code, stdout, stderr).
fn run_with(drop: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut args = vec![
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = priorauth(&args);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// (status, reason) of a case's criterion in the latest run that has it.
fn criterion<'a>(report: &'a serde_json::Value, case: &str, id: &str) -> (&'a str, &'a str) {
    let rows = report["criteria"].as_array().unwrap();
    let row = rows
        .iter()
        .filter(|c| c["case_id"] == case && c["criterion_id"] == id)
        .max_by_key(|c| c["run_id"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no criterion {id} for {case}: {rows:?}"));
    (
        row["status"].as_str().unwrap(),
        row["reason"].as_str().unwrap(),
    )
}

/// The case's row of `cases` in its latest run.
fn policy<'a>(report: &'a serde_json::Value, case: &str) -> &'a serde_json::Value {
    report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["case_id"] == case)
        .max_by_key(|c| c["run_id"].as_str().unwrap().to_string())
        .unwrap_or_else(|| panic!("no case {case}"))
}

#[test]
fn every_construct_on_fixture_cases_from_a_criteria_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    copy_cases(&drop, &["cgrp-meets", "cgrp-fails", "cgrp-no-policy"]);
    let out = tmp.path().join("out");
    let policies = fixtures().join("policies");
    let (code, _, err) = run_with(&drop, &out, &["--criteria", policies.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let report = check_output(&out);

    let p = policy(&report, "cgrp-meets");
    assert_eq!(p["policy_id"], "fixture-cgrp");
    assert_eq!(
        p["policy_source"],
        policies.join("fixture-cgrp.toml").display().to_string()
    );
    assert_eq!(p["policy_why"], "fixture-cgrp: drug erenumab");
    assert!(p["policy_note"].is_null());
    let none = policy(&report, "cgrp-no-policy");
    assert!(none["policy_id"].is_null());
    assert_eq!(none["policy_note"], "no policy matches fremanezumab");

    let ids = [
        "age",
        "two_triptans",
        "two_of_three",
        "chronic",
        "no_other_cgrp",
        "neurologist",
        "dose",
        "cardiac",
        "no_substance_use",
        "all_of_example",
    ];
    for id in ids {
        let (status, reason) = criterion(&report, "cgrp-meets", id);
        assert_eq!(status, "met", "cgrp-meets {id}: {reason}");
    }
    let expect = |id: &str, want: &str, needle: &str| {
        let (status, reason) = criterion(&report, "cgrp-fails", id);
        assert_eq!(status, want, "cgrp-fails {id}: {reason}");
        assert!(
            reason.contains(needle),
            "cgrp-fails {id}: {reason:?} lacks {needle:?}"
        );
    };
    // Born 2010-06-01, letter dated 2026-11-02.
    expect("age", "not_met", "age 16");
    expect(
        "two_triptans",
        "not_met",
        "only 1 distinct triptans documented (sumatriptan)",
    );
    // "no evidence of chronic migraine" is negated and the mother's is family: neither counts.
    expect(
        "chronic",
        "missing_evidence",
        "nothing in the clinical documents",
    );
    expect("no_other_cgrp", "not_met", "galcanezumab");
    expect("neurologist", "not_met", "\"Family Medicine\"");
    expect("dose", "not_met", "280 mg is above the 140 mg cap");
    expect("cardiac", "missing_evidence", "cardiovascular disease");
    expect("no_substance_use", "not_met", "substance use");
    expect("all_of_example", "missing_evidence", "headache diary");
    // The met case's reasons say where the form counted and what the count found.
    let (_, reason) = criterion(&report, "cgrp-meets", "two_triptans");
    assert!(reason.starts_with("2 distinct triptans"), "{reason}");
    let (_, reason) = criterion(&report, "cgrp-meets", "cardiac");
    assert!(reason.starts_with("does not apply"), "{reason}");
}

#[test]
fn criteria_check_names_file_line_and_key_and_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        r#"version = 1
id = "ra-example"
title = "An example with mistakes"
drugs = ["adalimumab"]

[[criterion]]
id = "dmard_trial"
description = "A conventional DMARD"
concepts = ["csdmards"]

[[criterion]]
id = "age"
description = "Adult"
age_min = 18
measure = "bmi"
min = 30
"#,
    )
    .unwrap();
    let o = priorauth(&["criteria", "check", bad.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "{}, line 9: criterion `dmard_trial`, key `concepts`: unknown concept `csdmards`; did you mean `csdmard`?",
            bad.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("criterion `age`: one table mixes"),
        "{stdout}"
    );

    let typo = tmp.path().join("typo.toml");
    std::fs::write(&typo, "version = 1\nid = \"x\"\ntitle = \"x\"\ndrugs = [\"adalimumab\"]\n\n[[criterion]]\nid = \"a\"\ndescription = \"a\"\nconcept = [\"csdmard\"]\n").unwrap();
    let o = priorauth(&["criteria", "check", typo.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout.contains("line 9: unknown key `concept`; did you mean `concepts`?"),
        "{stdout}"
    );

    // Every shipped policy and the fixture pass.
    let mut files: Vec<String> = std::fs::read_dir(root().join("pipelines/criteria"))
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .collect();
    files.push(
        fixtures()
            .join("policies/fixture-cgrp.toml")
            .display()
            .to_string(),
    );
    let args: Vec<&str> = ["criteria", "check"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let o = priorauth(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));

    // A run with an invalid criteria folder stops with a criteria error.
    let folder = tmp.path().join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::copy(&bad, folder.join("bad.toml")).unwrap();
    let drop = tmp.path().join("drop");
    copy_cases(&drop, &["cgrp-meets"]);
    let (code, _, err) = run_with(
        &drop,
        &tmp.path().join("out"),
        &["--criteria", folder.to_str().unwrap()],
    );
    assert_ne!(code, 0);
    assert!(err.contains("invalid payer criteria"), "{err}");
    assert!(err.contains("unknown concept `csdmards`"), "{err}");
}

#[test]
fn criteria_list_shows_sources_and_a_user_file_replaces_a_built_in_one() {
    let tmp = tempfile::tempdir().unwrap();
    let o = priorauth(&["criteria", "list"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    let n = std::fs::read_dir(root().join("pipelines/criteria"))
        .unwrap()
        .count();
    assert!(stdout.contains(&format!("{n} policies")), "{stdout}");
    assert!(
        stdout.contains("adalimumab-crohns  Adalimumab for Crohn's disease"),
        "{stdout}"
    );
    assert!(stdout.contains("    source: built-in"), "{stdout}");
    assert!(stdout.contains("    indications: K50"), "{stdout}");

    // Same id as a built-in: the user's file wins, and the count stays.
    let text = std::fs::read_to_string(root().join("pipelines/criteria/cgm.toml"))
        .unwrap()
        .replace(
            "title = \"Continuous glucose monitor\"",
            "title = \"Plan X CGM\"",
        );
    std::fs::write(tmp.path().join("cgm.toml"), text).unwrap();
    let o = priorauth(&[
        "criteria",
        "list",
        "--criteria",
        tmp.path().to_str().unwrap(),
    ]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("cgm  Plan X CGM"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "    source: {}",
            tmp.path().join("cgm.toml").display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains(&format!("{n} policies")), "{stdout}");
}

#[test]
fn a_changed_policy_redoes_exactly_the_cases_it_applied_to() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    copy_cases(&drop, &["cgrp-meets", "cgrp-fails", "cgrp-no-policy"]);
    let folder = tmp.path().join("policies");
    std::fs::create_dir_all(&folder).unwrap();
    let file = folder.join("fixture-cgrp.toml");
    std::fs::copy(fixtures().join("policies/fixture-cgrp.toml"), &file).unwrap();
    let out = tmp.path().join("out");
    let args = ["--criteria", folder.to_str().unwrap()];
    let (c1, _, e1) = run_with(&drop, &out, &args);
    assert_eq!(c1, 0, "{e1}");
    let (_, s2, _) = run_with(&drop, &out, &args);
    assert!(s2.contains("3 case(s) unchanged"), "{s2}");

    // A criterion of the policy changes: the two cases it applies to are
    // redone, the case no policy matches is not.
    let edited = std::fs::read_to_string(&file)
        .unwrap()
        .replace("age_min = 18", "age_min = 12");
    std::fs::write(&file, edited).unwrap();
    let (c3, s3, e3) = run_with(&drop, &out, &args);
    assert_eq!(c3, 0, "{e3}");
    assert!(s3.contains("1 case(s) unchanged"), "{s3}");
    assert!(s3.contains("2 case(s) processed, 1 skipped"), "{s3}");
    let report = check_output(&out);
    let (status, reason) = criterion(&report, "cgrp-fails", "age");
    assert_eq!(status, "met", "16 is at least 12 now: {reason}");

    // A new policy file may match any case: every case is redone.
    let other = std::fs::read_to_string(&file)
        .unwrap()
        .replace("id = \"fixture-cgrp\"", "id = \"fixture-fremanezumab\"")
        .replace("drugs = [\"erenumab\"]", "drugs = [\"fremanezumab\"]");
    std::fs::write(folder.join("fixture-fremanezumab.toml"), other).unwrap();
    let (_, s4, _) = run_with(&drop, &out, &args);
    assert!(s4.contains("3 case(s) processed, 0 skipped"), "{s4}");
    let report = check_output(&out);
    assert_eq!(
        policy(&report, "cgrp-no-policy")["policy_id"],
        "fixture-fremanezumab"
    );
}

/// Every TOML block of docs/criteria.md is a valid policy (a block that is
/// not a whole file is checked inside a minimal one).
#[test]
fn every_example_in_docs_criteria_md_passes_criteria_check() {
    let doc = std::fs::read_to_string(root().join("docs/criteria.md")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, block) in doc.split("```toml\n").skip(1).enumerate() {
        let body = block.split("```").next().unwrap();
        let text = if body.contains("version = 1") {
            body.to_string()
        } else {
            format!("version = 1\nid = \"doc-example-{i}\"\ntitle = \"example\"\ndrugs = [\"adalimumab\"]\n\n{body}")
        };
        let p = tmp.path().join(format!("example-{i}.toml"));
        std::fs::write(&p, text).unwrap();
        files.push(p.display().to_string());
    }
    assert!(files.len() >= 14, "{} examples", files.len());
    let args: Vec<&str> = ["criteria", "check"]
        .into_iter()
        .chain(files.iter().map(String::as_str))
        .collect();
    let o = priorauth(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

/// The AutoAuth packets (public synthetic data) against the built-in
/// policies written from their payers' policies: each deny packet shows the
/// reason it must be denied as `not_met` or `missing_evidence`; no approve
/// packet shows anything missing.
#[test]
fn autoauth_packets_surface_their_deny_reasons() {
    let Some(corpus) = shared_corpus("external/autoauth/drop") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let config = config_without_ocr(tmp.path());
    let (code, _, err) = run_with(&corpus, &out, &["--config", config.to_str().unwrap()]);
    assert!(code == 0 || code == 2, "{err}");
    let report = check_output(&out);
    let expected = [
        ("aa-001-a", "adalimumab-crohns", None),
        (
            "aa-001-b",
            "adalimumab-crohns",
            Some(["conventional_therapy", "specialist"].as_slice()),
        ),
        ("aa-002-a", "cannabidiol-lgs", None),
        (
            "aa-002-b",
            "cannabidiol-lgs",
            Some(["two_other_antiseizure"].as_slice()),
        ),
        ("aa-003-a", "blinatumomab-ball", None),
        (
            "aa-003-b",
            "blinatumomab-ball",
            Some(["ph_positive_tki"].as_slice()),
        ),
    ];
    for (case, policy_id, deny) in expected {
        let p = policy(&report, case);
        assert_eq!(p["policy_id"], policy_id, "{case}: {p}");
        let rows: Vec<&serde_json::Value> = report["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["case_id"] == case)
            .collect();
        assert!(!rows.is_empty(), "{case}: no criteria");
        match deny {
            None => {
                let open: Vec<_> = rows.iter().filter(|c| c["status"] != "met").collect();
                assert!(
                    open.is_empty(),
                    "{case} (approve) shows open criteria: {open:?}"
                );
            }
            Some(reasons) => {
                for id in reasons {
                    let (status, reason) = criterion(&report, case, id);
                    assert!(
                        status == "not_met" || status == "missing_evidence",
                        "{case} (deny): {id} is {status}: {reason}"
                    );
                }
            }
        }
    }
}
