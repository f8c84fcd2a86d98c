//! Helpers shared by the end-to-end tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/corpus/<sub>` when present (it is in CI and on developer machines).
pub fn shared_corpus(sub: &str) -> Option<PathBuf> {
    let p = root().join("..").join("shared").join("corpus").join(sub);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "skipping: {} is absent (a clone outside the workplace)",
            p.display()
        );
        None
    }
}

/// Run the binary.
pub fn priorauth(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(args)
        .env_remove("PRIORAUTH_LOG")
        .output()
        .expect("run priorauth")
}

/// `run --drop DROP --out OUT`, returning (exit code, stdout, stderr).
pub fn run(drop: &Path, out: &Path) -> (i32, String, String) {
    let o = priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Check an output folder with `tests/py/check_output.py` (DuckDB + pyarrow) and
/// return its JSON report.
pub fn check_output(out: &Path) -> serde_json::Value {
    let o = Command::new("python3")
        .arg(root().join("tests/py/check_output.py"))
        .arg(out)
        .output()
        .expect("python3 runs (make test installs duckdb and pyarrow)");
    assert!(
        o.status.success(),
        "output contract check failed:\n{}\n{}",
        String::from_utf8_lossy(&o.stderr),
        String::from_utf8_lossy(&o.stdout)
    );
    serde_json::from_slice(&o.stdout).expect("checker prints JSON")
}

/// The evidence findings of an output folder, one line per claim, as the
/// reviewed snapshot `tests/fixtures/evidence.snap` has them (`tests/py/findings.py`).
pub fn findings(out: &Path) -> String {
    let o = Command::new("python3")
        .arg(root().join("tests/py/findings.py"))
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Are tesseract and pdftoppm installed (`make test` installs them)?
pub fn ocr_available() -> bool {
    let ok = |prog: &str, arg: &str| {
        Command::new(prog)
            .arg(arg)
            .output()
            .is_ok_and(|o| o.status.success())
    };
    let available = ok("tesseract", "--version") && ok("pdftoppm", "-v");
    if !available {
        eprintln!("tesseract or pdftoppm missing: expecting `ocr_unavailable` instead of OCR text");
    }
    available
}

/// A copy of the shipped settings with OCR switched off.
pub fn config_without_ocr(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(root().join("pipelines/nightly.toml"))
        .unwrap()
        .replace(
            "[ocr]\n# Read pages",
            "[ocr]\n# (switched off by the test) Read pages",
        )
        .replace("enabled = true", "enabled = false");
    let p = dir.join("no-ocr.toml");
    std::fs::write(&p, text).unwrap();
    p
}

/// The latest finished result of every case, table by table, as text (see
/// `tests/py/latest_view.py`): two output folders compare row for row.
pub fn latest_view(out: &Path) -> String {
    let o = Command::new("python3")
        .arg(root().join("tests/py/latest_view.py"))
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Run `tests/py/<script> OUT` and parse the JSON report it prints.
pub fn py_report(script: &str, out: &Path) -> serde_json::Value {
    let o = Command::new("python3")
        .arg(root().join("tests/py").join(script))
        .arg(out)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{script}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Are Debian's chromium and playwright's Python driver installed (`make
/// test` installs both)? Browser tests skip with a message when not.
pub fn browser_available() -> bool {
    let chromium = Path::new("/usr/bin/chromium").exists();
    let playwright = Command::new("python3")
        .args(["-c", "import playwright"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !(chromium && playwright) {
        eprintln!("skipping: needs /usr/bin/chromium and the playwright Python package (make test installs both)");
    }
    chromium && playwright
}

/// Copy the case folders `cases` of `src` into `drop` (created).
pub fn copy_cases(src: &Path, cases: &[&str], drop: &Path) {
    for case in cases {
        let dst = drop.join(case);
        std::fs::create_dir_all(&dst).unwrap();
        for e in std::fs::read_dir(src.join(case)).unwrap() {
            let p = e.unwrap().path();
            std::fs::copy(&p, dst.join(p.file_name().unwrap())).unwrap();
        }
    }
}

/// Compare `actual` with the reviewed snapshot `tests/fixtures/<name>`, or
/// write it there with `UPDATE_SNAPSHOTS=1` (review the diff, then commit it).
pub fn assert_snapshot(name: &str, actual: &str) {
    let snap = root().join("tests/fixtures").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&snap, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&snap).unwrap_or_default();
    if actual != expected {
        let diff: Vec<String> = expected
            .lines()
            .filter(|l| !actual.lines().any(|a| a == *l))
            .map(|l| format!("- {l}"))
            .chain(
                actual
                    .lines()
                    .filter(|l| !expected.lines().any(|e| e == *l))
                    .map(|l| format!("+ {l}")),
            )
            .collect();
        panic!(
            "output differs from tests/fixtures/{name} (UPDATE_SNAPSHOTS=1 to accept):\n{}",
            diff.join("\n")
        );
    }
}
