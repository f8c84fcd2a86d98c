//! Retention (issue 17, item 17): `purge` removes everything derived from the
//! runs it purges (tables, indexes, manifests, review pages, the review index
//! and its state), so no file in the output folder holds their text, and the
//! audit log still verifies. (That rows and pages of runs it keeps stay is
//! `pa_store::layout::cleanup::tests::purging_a_run_removes_its_review_rows_and_pages_only`.)

use std::path::Path;

use crate::common::{priorauth, run};

const CANARY: &str = "Quenthalia Brorsky";

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).into_iter().flatten().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

fn holding(out: &Path, needle: &str) -> Vec<String> {
    walk(out)
        .into_iter()
        .filter(|p| {
            let bytes = std::fs::read(p).unwrap_or_default();
            String::from_utf8_lossy(&bytes).contains(needle)
        })
        .map(|p| p.display().to_string())
        .collect()
}

#[test]
fn purge_leaves_no_trace_of_a_purged_run() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    std::fs::create_dir_all(drop.join("canary-case")).unwrap();
    std::fs::write(
        drop.join("canary-case/letter.txt"),
        format!(
            "LETTER OF MEDICAL NECESSITY\nDate: 10/20/2026\nRe: {CANARY}\nRequest: MRI lumbar spine (CPT 72148).\n\
             {CANARY} failed 6 weeks of physical therapy and has lumbar radiculopathy.\n"
        ),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    assert!(
        holding(&out, CANARY)
            .iter()
            .any(|p| p.ends_with("canary-case.html")),
        "the review page quotes the letter: {:?}",
        holding(&out, CANARY)
    );
    assert!(out.join("review/index.html").is_file());
    assert!(std::fs::read_dir(out.join("manifests")).unwrap().count() > 0);

    // Run ids have one-second resolution: let the run be older than now.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let o = priorauth(&[
        "purge",
        "--out",
        out.to_str().unwrap(),
        "--older-than",
        "0d",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let left = holding(&out, CANARY);
    assert!(left.is_empty(), "the canary is still in {left:?}");
    assert!(!out.join("review/canary-case.html").exists());
    assert!(
        holding(&out, "canary-case")
            .iter()
            .all(|p| p.ends_with("audit.log")),
        "the case is still listed in {:?}",
        holding(&out, "canary-case")
    );
    assert_eq!(
        std::fs::read_dir(out.join("manifests")).unwrap().count(),
        0,
        "manifests of purged runs"
    );
    let v = priorauth(&["audit", "verify", "--out", out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
}

#[test]
fn after_a_purge_the_review_index_lists_only_what_is_left() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    let letter = |name: &str| {
        format!(
            "LETTER OF MEDICAL NECESSITY\nDate: 10/20/2026\nRe: {name}\nRequest: MRI lumbar spine (CPT 72148).\n\
             {name} failed 6 weeks of physical therapy and has lumbar radiculopathy.\n"
        )
    };
    std::fs::create_dir_all(drop.join("old-case")).unwrap();
    std::fs::write(drop.join("old-case/letter.txt"), letter(CANARY)).unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    // Remove the first case from the drop, add another, and run again later.
    std::fs::remove_dir_all(drop.join("old-case")).unwrap();
    std::fs::create_dir_all(drop.join("new-case")).unwrap();
    std::fs::write(drop.join("new-case/letter.txt"), letter("Ximena Keepwell")).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    let index = std::fs::read_to_string(out.join("review/index.html")).unwrap();
    assert!(index.contains("old-case") && index.contains("new-case"));
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let o = priorauth(&[
        "purge",
        "--out",
        out.to_str().unwrap(),
        "--older-than",
        "0d",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(holding(&out, CANARY).is_empty());
    assert!(holding(&out, "Ximena").is_empty());
    assert!(!out.join("review/index.html").exists());
    // A run after the purge lists only what it sees.
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    let index = std::fs::read_to_string(out.join("review/index.html")).unwrap();
    assert!(
        index.contains("new-case") && !index.contains("old-case"),
        "{index}"
    );
    let v = priorauth(&["audit", "verify", "--out", out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
}
