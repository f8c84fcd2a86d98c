//! Bad input never kills the run: every document gets a row with a reason, the
//! run exits 2, and no document text reaches the log.

use crate::common::{check_output, ocr_available, priorauth, root, run, shared_corpus};

const SECRET: &str = "ZEBRAQUARTZ Whitfield 04/12/1971";

#[test]
fn bad_documents_are_quarantined_with_reasons_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    let bad = drop.join("bad-case");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::create_dir_all(drop.join("empty-case")).unwrap();
    let sample = std::fs::read(root().join("sample_docs/mri-lumbar-001/scan_0007.pdf")).unwrap();
    std::fs::write(bad.join("empty.pdf"), b"").unwrap();
    std::fs::write(bad.join("not_a_pdf.pdf"), b"hello, this is not a PDF").unwrap();
    std::fs::write(
        bad.join("garbage.pdf"),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\n%%EOF garbage \xff\xfe",
    )
    .unwrap();
    std::fs::write(bad.join("truncated.pdf"), &sample[..sample.len() / 3]).unwrap();
    std::fs::copy(
        root().join("sample_docs/knee-tka-002/xr_knee_scan.pdf"),
        bad.join("xr_scan.pdf"),
    )
    .unwrap();
    std::fs::write(
        bad.join("note.txt"),
        format!("PROGRESS NOTE\nPatient {SECRET} reports knee pain for 3 years.\n"),
    )
    .unwrap();
    std::fs::write(
        bad.join("note_copy.txt"),
        format!("PROGRESS NOTE\nPatient {SECRET} reports knee pain for 3 years.\n"),
    )
    .unwrap();
    // The same note faxed again with a different banner: a near-duplicate.
    let long_note = "CLINIC NOTE\nHPI: 61 y/o with right knee pain for three years, worse with stairs, \
        no relief from meloxicam 15 mg daily for six months or from two corticosteroid injections. \
        Exam: varus deformity, medial joint line tenderness, crepitus, range of motion 5 to 100 degrees. \
        Plan: weight-bearing radiographs and orthopaedic referral for arthroplasty evaluation.";
    std::fs::write(
        bad.join("knee_note.txt"),
        format!("FAX 10/01/2026 09:00 P.1\n{long_note}"),
    )
    .unwrap();
    std::fs::write(
        bad.join("knee_note_refax.txt"),
        format!("FAX 10/02/2026 14:30 P.1\n{long_note}"),
    )
    .unwrap();
    std::fs::write(bad.join("gold.json"), b"{ not even json").unwrap();
    std::fs::write(bad.join(".hidden.pdf"), b"x").unwrap();
    if let Some(rw) = shared_corpus("realworld") {
        std::fs::copy(
            rw.join("pdfrs_password_protected_passwords_aes_256.pdf"),
            bad.join("encrypted.pdf"),
        )
        .unwrap();
    }

    let out = tmp.path().join("out");
    let (code, stdout, stderr) = run(&drop, &out);
    assert_eq!(code, 2, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        !stderr.contains("ZEBRAQUARTZ") && !stderr.contains("Whitfield"),
        "document text in the log:\n{stderr}"
    );
    assert!(
        !stdout.contains("ZEBRAQUARTZ"),
        "document text on stdout:\n{stdout}"
    );
    assert!(
        stderr.contains("quarantined"),
        "quarantines are logged: {stderr}"
    );

    let report = check_output(&out);
    let docs = report["documents"].as_array().unwrap();
    let row = |id: &str| {
        docs.iter()
            .find(|d| d["doc_id"] == id)
            .unwrap_or_else(|| panic!("no row for {id}: {docs:?}"))
            .clone()
    };
    let expect = |id: &str, status: &str, reason: Option<&str>| {
        let r = row(id);
        assert_eq!(r["status"], status, "{id}: {r}");
        if let Some(reason) = reason {
            assert_eq!(r["status_reason"], reason, "{id}: {r}");
        }
    };
    expect("empty", "quarantined", Some("empty"));
    expect("not_a_pdf", "quarantined", Some("malformed"));
    expect("garbage", "quarantined", None);
    expect("truncated", "quarantined", None);
    if ocr_available() {
        expect("xr_scan", "ok", None);
    } else {
        expect("xr_scan", "quarantined", Some("ocr_unavailable"));
    }
    expect("note", "ok", None);
    expect("note_copy", "duplicate", Some("duplicate"));
    expect("knee_note", "ok", None);
    expect("knee_note_refax", "duplicate", Some("duplicate"));
    if docs.iter().any(|d| d["doc_id"] == "encrypted") {
        expect("encrypted", "quarantined", Some("encrypted"));
    }
    // Nothing lost, nothing extra: every document file has exactly one row.
    assert_eq!(
        docs.len(),
        9 + usize::from(docs.iter().any(|d| d["doc_id"] == "encrypted"))
    );
    // The empty case folder is still a case.
    assert!(stdout.contains("empty-case"), "{stdout}");
    assert_eq!(report["rows"]["cases"], 2);
}

#[test]
fn a_bad_config_is_a_fatal_error_with_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("bad.toml");
    let text = std::fs::read_to_string(root().join("pipelines/nightly.toml"))
        .unwrap()
        .replace("[run]", "[run]\nthreds = 4");
    std::fs::write(&cfg, text).unwrap();
    let drop = root().join("sample_docs");
    let o = priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        tmp.path().join("o").to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("threds"), "names the unknown key: {err}");

    let o = priorauth(&[
        "run",
        "--drop",
        "/nonexistent/drop",
        "--out",
        tmp.path().join("o2").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_shipped_config_is_the_embedded_default() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    std::fs::create_dir_all(drop.join("c")).unwrap();
    std::fs::write(
        drop.join("c/n.txt"),
        "CLINIC NOTE\nSeen today for follow-up of knee pain.",
    )
    .unwrap();
    let cfg = root().join("pipelines/nightly.toml");
    let o = priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        tmp.path().join("o").to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
