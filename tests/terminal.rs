//! `priorauth show` and `priorauth search` on the output of a run.

use std::process::Command;

use crate::common::{priorauth, root, run};

#[test]
fn show_and_search_read_the_latest_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&root().join("sample_docs"), &out);
    assert!(code == 0 || code == 2, "{stderr}");
    let o = priorauth(&["show", "mri-lumbar-001", "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.lines().all(|l| l.chars().count() <= 80),
        "80 columns:\n{text}"
    );
    assert!(
        text.contains("[CONTRADICTED]") && text.contains("letter: 8/10; scan_0007 p.1: 7/10"),
        "{text}"
    );
    assert!(text.contains("72148"));
    let o = priorauth(&["show", "no-such-case", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));

    let o = priorauth(&[
        "search",
        "naproxen",
        "--out",
        out.to_str().unwrap(),
        "--case",
        "mri-lumbar-001",
    ]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    // "<case> / <doc> p.<page> chars a-b (score s; matches at x-y, ...)"
    let mut checked = 0;
    for line in text.lines().filter(|l| l.contains(" chars ")) {
        let doc = line
            .split(" / ")
            .nth(1)
            .unwrap()
            .split(" p.")
            .next()
            .unwrap();
        let page: i32 = line
            .split(" p.")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let spans = line
            .split("matches at ")
            .nth(1)
            .unwrap()
            .trim_end_matches(')');
        for span in spans.split(", ") {
            let (a, b) = span.split_once('-').unwrap();
            let (a, b): (i32, i32) = (a.parse().unwrap(), b.parse().unwrap());
            let q = format!(
                "import duckdb; print(duckdb.sql(\"select substring(text, {} , {}) from read_parquet('{}/pages/**/*.parquet') where doc_id = '{doc}' and page = {page}\").fetchall()[0][0])",
                a + 1,
                b - a,
                out.display()
            );
            let o = Command::new("python3").arg("-c").arg(q).output().unwrap();
            assert_eq!(
                String::from_utf8_lossy(&o.stdout).trim().to_lowercase(),
                "naproxen",
                "{line}"
            );
            checked += 1;
        }
    }
    assert!(checked >= 2, "{text}");
}

#[test]
fn audit_log_chain_detects_edits_and_json_logs_parse() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let drop = root().join("tests/fixtures/evidence");
    for _ in 0..2 {
        let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
            .args(["run", "--log-format", "json", "--drop"])
            .arg(&drop)
            .arg("--out")
            .arg(&out)
            .env("PRIORAUTH_LOG", "info")
            .output()
            .unwrap();
        assert!(o.status.success());
        let stderr = String::from_utf8_lossy(&o.stderr);
        let mut summary = false;
        for line in stderr.lines() {
            let v: serde_json::Value =
                serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"));
            summary |= v["fields"]["message"] == "run summary";
        }
        assert!(summary, "{stderr}");
        assert!(String::from_utf8_lossy(&o.stdout)
            .lines()
            .last()
            .unwrap()
            .starts_with("summary: "));
    }
    let o = priorauth(&["audit", "verify", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("2 entries"));
    // Retention: nothing is younger than 0 days, so both runs go, and the purge is
    // audited. (Run ids have one-second resolution: let a second pass.)
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let o = priorauth(&[
        "purge",
        "--out",
        out.to_str().unwrap(),
        "--older-than",
        "0d",
    ]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("removed 2 run(s)"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        crate::common::priorauth(&["show", "dated-after", "--out", out.to_str().unwrap()])
            .status
            .code()
            == Some(1)
    );
    let o = priorauth(&["audit", "verify", "--out", out.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("3 entries"));
    let log = out.join("audit.log");
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.lines().nth(1).unwrap().contains("skipped_unchanged"));
    std::fs::write(
        &log,
        text.lines()
            .skip(1)
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    )
    .unwrap();
    let o = priorauth(&["audit", "verify", "--out", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("line 1"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Document text with terminal escape sequences and bidi controls is printed
/// escaped by `show` and `search`, and logs carry no colours when stderr is not
/// a terminal.
#[test]
fn document_text_cannot_drive_the_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    let case = drop.join("esc-case");
    std::fs::create_dir_all(&case).unwrap();
    std::fs::write(
        case.join("letter.txt"),
        "LETTER OF MEDICAL NECESSITY\nDate: 11/02/2026\nTo Whom It May Concern:\n\
         She failed twelve weeks of physical therapy \u{1b}[2J\u{1b}[31mwithout\u{202E} improvement.\n",
    )
    .unwrap();
    std::fs::write(
        case.join("note.txt"),
        "CLINIC NOTE\nDate of service: 10/20/2026\nKnee pain \u{1b}]0;owned\u{7} for two years.\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args([
            "run",
            "--drop",
            drop.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ])
        .env("PRIORAUTH_LOG", "info")
        .output()
        .unwrap();
    assert!(matches!(o.status.code(), Some(0) | Some(2)), "{o:?}");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        !stderr.contains('\u{1b}'),
        "colours in a log that is not a terminal:\n{stderr}"
    );
    for args in [
        vec!["show", "esc-case"],
        vec!["search", "knee pain", "--case", "esc-case"],
    ] {
        let mut a = args.clone();
        a.extend(["--out", out.to_str().unwrap()]);
        let o = priorauth(&a);
        assert!(o.status.success(), "{o:?}");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{202E}'),
            "{args:?} printed control characters raw:\n{text:?}"
        );
    }
}
