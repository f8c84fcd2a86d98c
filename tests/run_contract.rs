//! `priorauth run` on `sample_docs/`: the output contract, read back by DuckDB and pyarrow.

use std::path::Path;

use crate::common::{check_output, ocr_available, root, run};

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect()
}

#[test]
fn sample_docs_meet_the_output_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, stderr) = run(&root().join("sample_docs"), &out);
    // Three documents are image-only scans: read by OCR, or quarantined as
    // `ocr_unavailable` (exit 2) on a machine without tesseract.
    let ocr = ocr_available();
    assert_eq!(
        code,
        if ocr { 0 } else { 2 },
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("mri-lumbar-001"),
        "per-case table printed: {stdout}"
    );

    let report = check_output(&out);
    let rows = &report["rows"];
    assert_eq!(rows["cases"], 10);
    assert!(rows["claims"].as_u64().unwrap() >= 60, "{rows}");
    assert!(report["citations_checked"].as_u64().unwrap() > 100);

    // Scans are read by OCR (or quarantined with a reason), everything else reads.
    let docs = report["documents"].as_array().unwrap();
    for d in docs {
        let scan = d["doc_id"].as_str().unwrap().ends_with("_scan");
        let expected = if scan && !ocr { "quarantined" } else { "ok" };
        assert_eq!(d["status"], expected, "{d}");
        if scan && !ocr {
            assert_eq!(d["status_reason"], "ocr_unavailable");
        }
    }
    if ocr {
        // The knee X-ray exists only as a scan: OCR must make its claim supported,
        // with a citation into the OCR'd page.
        let claims = report["claims"].as_array().unwrap();
        let kl = claims
            .iter()
            .find(|c| {
                c["case_id"] == "knee-tka-002"
                    && c["text"].as_str().unwrap().contains("Kellgren-Lawrence")
            })
            .unwrap();
        assert_eq!(kl["status"], "supported", "{kl}");
    }
    // Kinds were recognised from the documents themselves.
    let kind = |doc: &str| docs.iter().find(|d| d["doc_id"] == doc).unwrap()["kind"].clone();
    assert_eq!(kind("fax_20261103_0912"), "lmn");
    assert_eq!(kind("pa_request_27447"), "request_form");
    assert_eq!(kind("lab_20260929"), "lab_report");

    // Gold-labelled unsupported claims come out flagged; contradicted ones mostly too.
    let claims = report["claims"].as_array().unwrap();
    let (mut unsupported, mut contradicted, mut contradicted_flagged) = (0, 0, 0);
    for entry in std::fs::read_dir(root().join("sample_docs")).unwrap() {
        let gold_path = entry.unwrap().path().join("gold.json");
        let gold: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&gold_path).unwrap()).unwrap();
        let case = gold["case_id"].as_str().unwrap();
        for g in gold["claims"].as_array().unwrap() {
            let anchor = words(g["anchor"].as_str().unwrap());
            let found = claims.iter().find(|c| {
                c["case_id"] == case && c["doc_id"] == g["source_file"] && {
                    let w = words(c["text"].as_str().unwrap());
                    w.windows(anchor.len()).any(|x| x == anchor.as_slice())
                }
            });
            let status = found.map(|c| c["status"].as_str().unwrap().to_string());
            match g["expected"].as_str().unwrap() {
                "unsupported" => {
                    unsupported += 1;
                    assert!(
                        matches!(
                            status.as_deref(),
                            Some("unsupported") | Some("contradicted")
                        ),
                        "{case} {}: expected a flag, got {status:?}",
                        g["id"]
                    );
                }
                "contradicted" => {
                    contradicted += 1;
                    contradicted_flagged += usize::from(matches!(
                        status.as_deref(),
                        Some("unsupported") | Some("contradicted")
                    ));
                }
                "not_a_claim" => {
                    assert_ne!(status.as_deref(), Some("supported"), "{case} {}", g["id"])
                }
                _ => {}
            }
        }
    }
    assert!(unsupported >= 5 && contradicted >= 10);
    assert!(
        contradicted_flagged * 10 >= contradicted * 9,
        "only {contradicted_flagged} of {contradicted} contradicted claims flagged"
    );

    // Payer criteria: checked against the clinical documents, per service.
    let crit = report["criteria"].as_array().unwrap();
    let status = |case: &str, id: &str| {
        crit.iter()
            .find(|c| c["case_id"] == case && c["criterion_id"] == id)
            .unwrap_or_else(|| panic!("{case} {id}"))["status"]
            .clone()
    };
    assert_eq!(status("mri-lumbar-001", "conservative_care"), "met");
    assert_eq!(
        status("bariatric-006", "supervised_program"),
        "not_met",
        "3 months, not 6"
    );
    assert_eq!(
        status("ra-adalimumab-003", "tb_screening"),
        "met",
        "a negative TB screen meets it"
    );
    let services: std::collections::BTreeSet<&str> = crit
        .iter()
        .map(|c| c["case_id"].as_str().unwrap())
        .collect();
    assert!(services.len() >= 6, "{services:?}");

    // Facts: codes with valid shapes and their text, drugs with class and dose,
    // values with units; every span was checked against the page text above.
    let facts = report["facts"].as_array().unwrap();
    let has = |case: &str, kind: &str, value: &str| {
        facts
            .iter()
            .any(|f| f["case_id"] == case && f["kind"] == kind && f["value"] == value)
    };
    assert!(has("mri-lumbar-001", "cpt", "72148"));
    assert!(has("mri-lumbar-001", "icd10cm", "M54.16"));
    assert!(has("cpap-osa-005", "hcpcs", "E0601"));
    assert!(has("glp1-semaglutide-004", "lab_value", "hba1c"));
    assert!(has("cpap-osa-005", "score", "ahi"));
    assert!(has("ra-adalimumab-003", "medication", "methotrexate"));
    assert!(
        facts.iter().all(|f| f["valid"] == true),
        "sample codes are well formed"
    );
    let hba1c: Vec<f64> = facts
        .iter()
        .filter(|f| f["case_id"] == "glp1-semaglutide-004" && f["value"] == "hba1c")
        .map(|f| f["number"].as_f64().unwrap())
        .collect();
    assert!(hba1c.contains(&9.1), "{hba1c:?}");
    // OCR'd pages yield facts like any other page.
    if ocr_available() {
        assert!(facts.iter().any(|f| f["case_id"] == "cgm-008"
            && f["doc_id"] == "med_list_scan"
            && f["kind"] == "medication"));
    }

    // The run's manifest lists every file with its size, sha256 and rows.
    let manifests: Vec<_> = std::fs::read_dir(out.join("manifests"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(manifests.len(), 1);
    let m: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifests[0]).unwrap()).unwrap();
    let files = m["files"].as_array().unwrap();
    assert_eq!(
        files.len(),
        8,
        "the eight case tables, red_flags among them (the runs row comes after): {m}"
    );
    for f in files {
        let bytes = std::fs::read(out.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["bytes"].as_u64().unwrap() as usize, bytes.len());
    }

    // Every summary mentions its service code, and review pages exist and escape text.
    let index = std::fs::read_to_string(out.join("review/index.html")).unwrap();
    assert!(index.contains("Content-Security-Policy"));
    assert!(index.contains("mri-lumbar-001.html"));
    assert!(Path::new(&out.join("review/mri-lumbar-001.html")).is_file());
}

#[test]
fn outputs_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let drop = tmp.path().join("drop");
    std::fs::create_dir_all(drop.join("c1")).unwrap();
    std::fs::write(
        drop.join("c1/note.txt"),
        "PROGRESS NOTE\nPatient seen for knee pain.",
    )
    .unwrap();
    let (code, _, stderr) = run(&drop, &out);
    assert_eq!(code, 0, "{stderr}");
    let mut checked = 0;
    let mut stack = vec![out.clone()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap() {
            let e = e.unwrap();
            let mode = e.metadata().unwrap().permissions().mode();
            assert_eq!(
                mode & 0o077,
                0,
                "{} is readable by others ({mode:o})",
                e.path().display()
            );
            checked += 1;
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    assert!(checked > 10);

    // Group mode, when configured.
    let cfg = tmp.path().join("group.toml");
    let text = std::fs::read_to_string(root().join("pipelines/nightly.toml"))
        .unwrap()
        .replace("group_readable = false", "group_readable = true");
    std::fs::write(&cfg, text).unwrap();
    let out2 = tmp.path().join("out-group");
    let o = crate::common::priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out2.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let cases = std::fs::read_dir(out2.join("cases"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let file = std::fs::read_dir(&cases)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_eq!(
        std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        std::fs::metadata(&cases).unwrap().permissions().mode() & 0o777,
        0o750
    );
}
