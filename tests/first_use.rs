//! What a first-time user trips on (issue 17, items 18 and 19): usage errors
//! have their own exit code, a missing drop folder is one clear error, JSON
//! logs say something, and a rerun with nothing new neither writes empty files
//! nor hides the cases still open.

use std::path::Path;

use crate::common::{priorauth, run};

fn code(o: &std::process::Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

#[test]
fn usage_errors_exit_64_not_2() {
    // `make run OUT=` passes `--out` with no value.
    let o = priorauth(&["run", "--drop", "sample_docs", "--out"]);
    assert_eq!(code(&o), 64, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--out"));
    assert_eq!(code(&priorauth(&["no-such-command"])), 64);
    assert_eq!(code(&priorauth(&["run", "--drop", "x"])), 64);
    assert_eq!(code(&priorauth(&[])), 64);
    // Help and version are answers.
    assert_eq!(code(&priorauth(&["--version"])), 0);
    assert_eq!(code(&priorauth(&["run", "--help"])), 0);
}

#[test]
fn a_missing_drop_folder_is_one_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (c, stdout, stderr) = run(Path::new("/nonexistent/drop"), &out);
    assert_eq!(c, 1, "{stderr}");
    assert!(stdout.is_empty(), "no table header: {stdout}");
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "the OS error once: {stderr}"
    );
    assert!(stderr.contains("/nonexistent/drop"), "{stderr}");
    assert!(!out.exists(), "no empty output folder");
}

#[test]
fn json_logs_carry_the_run_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    std::fs::create_dir_all(drop.join("c1")).unwrap();
    std::fs::write(
        drop.join("c1/note.txt"),
        "PROGRESS NOTE\nPatient seen for knee pain.",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--log-format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let stderr = String::from_utf8_lossy(&o.stderr);
    let summary = stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["fields"]["message"] == "run summary")
        .unwrap_or_else(|| panic!("no JSON run summary line: {stderr}"));
    assert_eq!(summary["fields"]["processed"], 1, "{summary}");
}

/// Files under `dir`, recursively.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).into_iter().flatten().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
            out.push(e.path().strip_prefix(dir).unwrap().display().to_string());
        }
    }
    out.sort();
    out
}

#[test]
fn a_rerun_with_nothing_new_writes_no_empty_files_and_counts_open_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    for (case, text) in [
        ("c1", "PROGRESS NOTE\nPatient seen for knee pain."),
        ("c2", "PROGRESS NOTE\nPatient seen for back pain."),
    ] {
        std::fs::create_dir_all(drop.join(case)).unwrap();
        std::fs::write(drop.join(case).join("note.txt"), text).unwrap();
    }
    let out = tmp.path().join("out");
    let (c, stdout, stderr) = run(&drop, &out);
    assert_eq!(c, 0, "{stderr}");
    // Notes without a letter have no claims: both cases need review.
    assert!(
        stdout.contains("2 of 2 case(s) open for review"),
        "{stdout}"
    );
    let before = files(&out);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let (c, stdout, stderr) = run(&drop, &out);
    assert_eq!(c, 0, "{stderr}");
    assert!(stdout.contains("2 skipped"), "{stdout}");
    assert!(
        stdout.contains("2 of 2 case(s) open for review"),
        "{stdout}"
    );
    let after = files(&out);
    let new: Vec<&String> = after
        .iter()
        .filter(|f| !before.contains(f) && f.ends_with(".parquet"))
        .collect();
    assert_eq!(new.len(), 1, "only the runs row: {new:?}");
    assert!(new[0].starts_with("runs/"), "{new:?}");
    let indexes = |fs: &[String]| {
        fs.iter()
            .filter(|f| f.matches('/').count() == 1 && f.starts_with("index/"))
            .count()
    };
    assert_eq!(indexes(&after), indexes(&before), "no empty index folder");
}
