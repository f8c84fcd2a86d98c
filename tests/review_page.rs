//! The review pages in a real headless browser (Debian chromium, driven by
//! playwright's Python driver): one click from a claim to its highlighted
//! source, and hostile document text rendered inert.

use std::process::Command;

use crate::common::{browser_available, root, run};

#[test]
fn review_pages_work_in_a_real_browser() {
    if !browser_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    // Two sample cases and a hostile one.
    for case in ["mri-lumbar-001", "ra-adalimumab-003"] {
        let dst = drop.join(case);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(root().join("sample_docs").join(case)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
        }
    }
    let hostile = drop.join("hostile-case");
    std::fs::create_dir_all(&hostile).unwrap();
    std::fs::write(
        hostile.join("letter.txt"),
        "LETTER OF MEDICAL NECESSITY\nThe patient failed naproxen <script>alert(1)</script> for 6 weeks.\n\
         She has had <img src=x onerror=alert(2)> knee pain since 2024, see javascript:alert(3).\n",
    )
    .unwrap();
    std::fs::write(
        hostile.join("note.txt"),
        "CLINIC NOTE\nKnee pain <b>worse</b> on stairs. Plan: rest.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");

    let shot = root().join("target").join("review-page.png");
    let o = Command::new("python3")
        .arg(root().join("tests/py/browser_check.py"))
        .arg(&out)
        .arg(&shot)
        .arg("hostile-case")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    eprintln!("browser report: {r}\nscreenshot: {}", shot.display());
    assert_eq!(r["citation_visible"], true, "{r}");
    assert_eq!(r["highlight_equals_quote"], true, "{r}");
    assert_eq!(r["highlight_colored"], true, "{r}");
    assert_eq!(r["other_sources_hidden"], true, "{r}");
    assert!(r["page_heading"].as_str().unwrap().contains("page"), "{r}");
    assert_eq!(r["hostile_text_literal"], true, "{r}");
    assert_eq!(r["hostile_img_literal"], true, "{r}");
    assert_eq!(r["script_elements"], 0, "{r}");
    assert_eq!(r["javascript_links"], 0, "{r}");
    assert!(r["dialogs"].as_array().unwrap().is_empty(), "{r}");
    assert!(r["external_requests"].as_array().unwrap().is_empty(), "{r}");
    // Worst first: the index lists every case needing review.
    assert!(r["index_cases"].as_array().unwrap().len() >= 3, "{r}");
    assert!(shot.is_file());
}

/// What a reviewer sees first (issue 16 item 5), on every sample case: the
/// policy and its criteria before the claims, on the first screen; links back
/// from a cited page; OCR confidence; evidence once with its quote; no header
/// line and no flagged letter sentence stated as a fact in the summary; the
/// index names the service and the most serious open finding.
#[test]
fn a_reviewer_sees_the_policy_and_criteria_first() {
    if !browser_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&root().join("sample_docs"), &out);
    assert!(code == 0 || code == 2, "{stderr}");
    let o = Command::new("python3")
        .arg(root().join("tests/py/review_first.py"))
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    eprintln!("browser report: {r:#}");

    let headers = r["index_headers"].as_array().unwrap();
    assert!(!headers.iter().any(|h| h == "Run"), "{headers:?}");
    assert!(
        headers.iter().any(|h| h == "Most serious open finding"),
        "{headers:?}"
    );
    let rows = r["index_rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "{r}");
    for row in rows {
        // A name, not only a bare code such as E1390.
        let service = row["service"].as_str().unwrap();
        assert!(
            service.chars().filter(|c| c.is_alphabetic()).count() > 6,
            "{row}"
        );
        assert!(!row["finding"].as_str().unwrap().is_empty(), "{row}");
    }

    let cases = r["cases"].as_object().unwrap();
    let mut with_criteria = 0;
    let mut ocr_marked = 0;
    for (case, c) in cases {
        assert_eq!(c["decision_first"], true, "{case}: {c}");
        assert!(c["policy_text"].is_string(), "{case}: {c}");
        if c["has_criteria"] == true {
            with_criteria += 1;
            assert_eq!(c["overall_on_first_screen"], true, "{case}: {c}");
            if c["open_criteria"].as_u64().unwrap() > 0 {
                assert_eq!(c["first_open_on_first_screen"], true, "{case}: {c}");
                assert!(
                    c["overall_text"].as_str().unwrap().contains("of"),
                    "{case}: {c}"
                );
            }
        }
        assert_eq!(c["duplicate_evidence"], 0, "{case}: {c}");
        assert_eq!(c["evidence_without_quote"], 0, "{case}: {c}");
        if c.get("back_link_visible").is_some() {
            assert_eq!(c["back_link_visible"], true, "{case}: {c}");
            assert_eq!(c["back_link_lands"], true, "{case}: {c}");
        }
        assert!(
            c["ident_in_summary"].as_array().unwrap().is_empty(),
            "{case}: {c}"
        );
        assert!(
            c["flagged_claim_as_fact"].as_array().unwrap().is_empty(),
            "{case}: {c}"
        );
        if !c["ocr_docs"].as_array().unwrap().is_empty() {
            ocr_marked += 1;
            assert!(
                c["ocr_docs"][0].as_str().unwrap().contains("confidence"),
                "{case}: {c}"
            );
        }
    }
    // The sample cases include criteria sets and scanned documents.
    assert!(with_criteria >= 3, "{r}");
    assert!(ocr_marked >= 1, "{r}");
}
