//! PHI hygiene: canary strings planted in documents (names, an MRN, a
//! diagnosis sentence) never reach the logs, even at the most verbose level
//! and through failures and quarantines, nor any file outside the output folder.

use std::process::Command;

use crate::common::root;

const CANARIES: &[&str] = &[
    "Quenthalia",
    "Brorsky",
    "MRN-77Q4219",
    "zebrafish-pox encephalitis",
];

#[test]
fn canaries_stay_out_of_logs_and_foreign_files() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    let case = drop.join("canary-case");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(
        case.join("letter.txt"),
        format!(
            "LETTER OF MEDICAL NECESSITY\nDate: 10/20/2026\nRe: {} {}, {}\nShe has {} and failed 6 weeks of physical therapy.\n",
            CANARIES[0], CANARIES[1], CANARIES[2], CANARIES[3]
        ),
    )
    .unwrap();
    std::fs::write(
        case.join("note.txt"),
        format!(
            "CLINIC NOTE\nDate: 10/01/2026\nPatient {} {} seen. Denies {}.\n",
            CANARIES[0], CANARIES[1], CANARIES[3]
        ),
    )
    .unwrap();
    // Failures and quarantines too: a broken PDF, a scan, an empty file.
    std::fs::write(
        case.join("broken.pdf"),
        format!("%PDF-1.7\n1 0 obj ({}) endobj", CANARIES[2]),
    )
    .unwrap();
    std::fs::copy(
        root().join("sample_docs/knee-tka-002/xr_knee_scan.pdf"),
        case.join("scan.pdf"),
    )
    .unwrap();
    std::fs::write(case.join("empty.pdf"), "").unwrap();

    let out = tmp.path().join("out");
    let before: Vec<_> = walk(tmp.path());
    let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(["run", "--drop"])
        .arg(&drop)
        .arg("--out")
        .arg(&out)
        .env("PRIORAUTH_LOG", "trace")
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.len() > 1000,
        "the trace log is verbose: {} bytes",
        stderr.len()
    );
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    for c in CANARIES {
        assert!(!stderr.contains(c), "canary {c} in the log");
    }
    // Files created outside the output folder (and the drop folder, which is never modified).
    for p in walk(tmp.path()) {
        if p.starts_with(&out) || before.contains(&p) {
            continue;
        }
        let bytes = std::fs::read(&p).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for c in CANARIES {
            assert!(!text.contains(c), "canary {c} in {}", p.display());
        }
    }
    // Inputs untouched.
    assert_eq!(walk(&drop).len(), 5);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}
