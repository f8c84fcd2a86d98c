//! `priorauth export-fhir`: a valid FHIR R4 Bundle whose answers carry exact source spans.

use std::process::Command;

use crate::common::{priorauth, root, run};

#[test]
fn fhir_export_is_valid_and_its_spans_verify() {
    let ok = Command::new("python3")
        .args(["-c", "import fhir.resources"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("skipping: the fhir.resources Python package is missing (make test installs it)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    let case = "ra-adalimumab-003";
    std::fs::create_dir_all(drop.join(case)).unwrap();
    for e in std::fs::read_dir(root().join("sample_docs").join(case)).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, drop.join(case).join(p.file_name().unwrap())).unwrap();
    }
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert_eq!(code, 0, "{stderr}");
    let file = tmp.path().join("bundle.json");
    let o = priorauth(&[
        "export-fhir",
        case,
        "--out",
        out.to_str().unwrap(),
        "--to",
        file.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = Command::new("python3")
        .arg(root().join("tests/py/fhir_check.py"))
        .arg(&file)
        .arg(&out)
        .arg(case)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["resources"]["QuestionnaireResponse"], 1, "{r}");
    assert_eq!(r["resources"]["Provenance"], 1, "{r}");
    assert_eq!(r["broken_rejected"], true, "{r}");
    assert!(r["spans"].as_u64().unwrap() >= 10, "{r}");
    assert_eq!(r["bad_spans"], 0, "{r}");
}
