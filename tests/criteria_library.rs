//! The library of built-in payer policies (`pipelines/criteria/`): every file
//! passes `criteria check`, and each policy of the library, run on a case that
//! meets it and a case that misses one named criterion
//! (`tests/fixtures/criteria-library/<policy>/{meets,fails}`), is the policy
//! applied, with nothing open on `meets` and exactly the named criterion open on
//! `fails`. Routing cases show the same drug for another indication getting
//! another policy.

use std::path::{Path, PathBuf};

use crate::common::{check_output, priorauth, root, run};

/// (policy id, the criterion its `fails` case misses).
const LIBRARY: &[(&str, &str)] = &[
    ("aba-therapy", "treatment_plan"),
    ("adalimumab-ra", "dmard_trial"),
    ("adhd-stimulant", "no_substance_use"),
    ("bariatric", "psych_clearance"),
    ("biologic-asthma", "exacerbations"),
    ("biologic-psoriasis", "prior_therapy"),
    ("biologic-uc", "tb_screening"),
    ("blepharoplasty", "visual_field"),
    ("breast-reduction", "conservative_care"),
    ("cgm", "insulin_or_hypoglycemia"),
    ("cgrp-migraine", "two_preventives"),
    ("cpap-osa", "ahi_threshold"),
    ("dupilumab-ad", "topical_failure"),
    ("epidural-steroid-injection", "conservative_care"),
    ("glp1-weight-management", "bmi"),
    ("glp1-t2dm", "a1c_above_goal"),
    ("growth-hormone-pediatric", "stimulation_test"),
    ("home-oxygen", "qualifying_blood_gas"),
    ("home-sleep-test", "no_unreliable_condition"),
    ("hospital-bed", "qualifying_condition"),
    ("insulin-pump", "mdi"),
    ("jak-inhibitor-uc", "prior_tnf_inhibitor"),
    ("ivig-cidp", "electrodiagnostic"),
    ("knee-arthroplasty", "functional_limitation"),
    ("lumbar-fusion", "no_nicotine"),
    ("lumbar-mri", "neurological_findings"),
    ("ms-dmt", "hepatitis_b_screen"),
    ("pcsk9-hyperlipidemia", "ldl"),
    ("pet-staging", "tissue_diagnosis"),
    ("septoplasty", "medical_therapy"),
    ("testosterone-hypogonadism", "low_testosterone"),
    ("varicose-vein-ablation", "compression"),
];

/// The built-in policies tested on the AutoAuth packets instead
/// (`criteria::autoauth_packets_surface_their_deny_reasons`).
const ON_AUTOAUTH: &[&str] = &["adalimumab-crohns", "blinatumomab-ball", "cannabidiol-lgs"];

/// (routing case, the policy it must get): a drug that other policies also
/// cover, requested for another indication.
const ROUTING: &[(&str, &str)] = &[
    ("adalimumab-psoriasis", "biologic-psoriasis"),
    ("dupilumab-asthma", "biologic-asthma"),
    ("semaglutide-t2dm", "glp1-t2dm"),
    ("semaglutide-t2dm-and-obesity", "glp1-t2dm"),
];

fn fixtures() -> PathBuf {
    root().join("tests/fixtures/criteria-library")
}

/// Copy the fixture folder `from` to `drop/<name>`.
fn copy_case(from: &Path, drop: &Path, name: &str) {
    let dst = drop.join(name);
    std::fs::create_dir_all(&dst).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
    }
}

/// Run the built-in policies (no `--criteria`) on every library and routing case.
fn run_library() -> serde_json::Value {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    for (policy, _) in LIBRARY {
        for variant in ["meets", "fails"] {
            let from = fixtures().join(policy).join(variant);
            copy_case(&from, &drop, &format!("{policy}--{variant}"));
        }
    }
    for (case, _) in ROUTING {
        let from = fixtures().join("routing").join(case);
        copy_case(&from, &drop, &format!("routing--{case}"));
    }
    let out = tmp.path().join("out");
    let (code, _, err) = run(&drop, &out);
    assert_eq!(code, 0, "{err}");
    check_output(&out)
}

/// The policy applied to `case` (the `cases` table read back with DuckDB).
fn policy_of<'a>(report: &'a serde_json::Value, case: &str) -> &'a serde_json::Value {
    &report["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["case_id"] == case)
        .unwrap_or_else(|| panic!("no case {case}"))["policy_id"]
}

/// (criterion id, status, reason) of every criterion of `case`.
fn criteria_of(report: &serde_json::Value, case: &str) -> Vec<(String, String, String)> {
    let text = |c: &serde_json::Value, k: &str| c[k].as_str().unwrap().to_string();
    report["criteria"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["case_id"] == case)
        .map(|c| {
            (
                text(c, "criterion_id"),
                text(c, "status"),
                text(c, "reason"),
            )
        })
        .collect()
}

#[test]
fn every_library_policy_is_applied_and_shows_its_missing_criterion() {
    let report = run_library();
    for (policy, missed) in LIBRARY {
        for variant in ["meets", "fails"] {
            let case = format!("{policy}--{variant}");
            assert_eq!(policy_of(&report, &case), *policy, "{case}");
            let rows = criteria_of(&report, &case);
            assert!(!rows.is_empty(), "{case}: no criteria");
            for (id, status, reason) in &rows {
                let expect_open = variant == "fails" && id == missed;
                if expect_open {
                    assert!(
                        status == "not_met" || status == "missing_evidence",
                        "{case}: {id} should be open but is {status}: {reason}"
                    );
                } else {
                    assert_eq!(status, "met", "{case}: {id}: {reason}");
                }
            }
            if variant == "fails" {
                assert!(rows.iter().any(|r| r.0 == *missed), "{case}: no {missed}");
            }
        }
    }
    for (case, policy) in ROUTING {
        let case = format!("routing--{case}");
        assert_eq!(policy_of(&report, &case), *policy, "{case}");
    }
}

#[test]
fn every_built_in_policy_passes_criteria_check_and_cites_a_source() {
    let dir = root().join("pipelines/criteria");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 25, "{} policies", files.len());
    let args: Vec<&str> = ["criteria", "check"]
        .into_iter()
        .chain(files.iter().map(|p| p.to_str().unwrap()))
        .collect();
    let o = priorauth(&args);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        assert!(stdout.contains(&format!("{name}: ok")), "{name}: {stdout}");
        let text = std::fs::read_to_string(f).unwrap();
        assert!(text.contains("\ncitation = \""), "{name} cites no source");
        let id = f.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(
            LIBRARY.iter().any(|(p, _)| *p == id) || ON_AUTOAUTH.contains(&id.as_str()),
            "{id} has no fixture case: add it to tests/fixtures/criteria-library"
        );
    }
    // Every library policy is a built-in file, and docs/criteria.md lists every built-in.
    for (policy, _) in LIBRARY {
        assert!(dir.join(format!("{policy}.toml")).exists(), "{policy}");
    }
    let doc = std::fs::read_to_string(root().join("docs/criteria.md")).unwrap();
    for f in &files {
        let id = f.file_stem().unwrap().to_string_lossy();
        assert!(
            doc.contains(&format!("| `{id}` |")),
            "docs/criteria.md lacks {id}"
        );
    }
}
