//! The review pages in a real headless browser (Debian chromium, driven by
//! playwright's Python driver): one click from a claim to its highlighted
//! source, and hostile document text rendered inert.

use std::process::Command;

use crate::common::{root, run};

pub(crate) fn browser_available() -> bool {
    let chromium = std::path::Path::new("/usr/bin/chromium").exists();
    let playwright = Command::new("python3")
        .args(["-c", "import playwright"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !(chromium && playwright) {
        eprintln!("skipping: needs /usr/bin/chromium and the playwright Python package (make test installs both)");
    }
    chromium && playwright
}

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
