//! Process isolation: a PDF that kills its parser, hangs it or eats memory
//! costs one document (a quarantine row with a reason code), never the run.

use std::path::Path;
use std::process::Command;

use crate::common::{check_output, root};

/// Settings with short worker limits, so the tests finish quickly.
fn fast_limits(dir: &Path, ocr: bool) -> std::path::PathBuf {
    let text = std::fs::read_to_string(root().join("pipelines/nightly.toml"))
        .unwrap()
        .replace("worker_timeout_secs = 60", "worker_timeout_secs = 10")
        .replace("worker_cpu_secs = 60", "worker_cpu_secs = 5")
        .replace("worker_memory_mib = 2048", "worker_memory_mib = 1024")
        .replace(
            "enabled = true",
            if ocr {
                "enabled = true"
            } else {
                "enabled = false"
            },
        );
    let p = dir.join("limits.toml");
    std::fs::write(&p, text).unwrap();
    p
}

fn run_with(drop: &Path, out: &Path, config: &Path, env: &[(&str, &str)]) -> (i32, String) {
    if env.iter().any(|(k, _)| k.starts_with("PRIORAUTH_TEST_")) {
        crate::crash::require_failpoints();
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_priorauth"));
    cmd.args(["run", "--drop"])
        .arg(drop)
        .arg("--out")
        .arg(out)
        .arg("--config")
        .arg(config);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A run with the worker fault `fault` injected: it must finish with exit
/// code 2 (quarantined documents) and a valid output; returns its documents.
fn faulted_run(drop: &Path, out: &Path, config: &Path, fault: &str) -> Vec<serde_json::Value> {
    let (code, stderr) = run_with(drop, out, config, &[("PRIORAUTH_TEST_WORKER_FAULT", fault)]);
    assert_eq!(code, 2, "{fault}: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("overflowed"),
        "worker stderr leaked: {stderr}"
    );
    check_output(out)["documents"].as_array().unwrap().clone()
}

#[test]
fn worker_deaths_are_contained_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    std::fs::create_dir_all(drop.join("c")).unwrap();
    std::fs::copy(
        root().join("sample_docs/mri-lumbar-001/scan_0007.pdf"),
        drop.join("c/note.pdf"),
    )
    .unwrap();
    std::fs::write(
        drop.join("c/other.txt"),
        "CLINIC NOTE\nSeen for knee pain, improving with rest.",
    )
    .unwrap();
    let config = fast_limits(tmp.path(), false);
    for (fault, reason, detail) in [
        ("abort", "crash", "signal"),
        ("overflow", "crash", "overflowed its stack"),
        ("spin", "timeout", ""),
        ("oom", "memory", "memory limit"),
    ] {
        let docs = faulted_run(
            &drop,
            &tmp.path().join(format!("out-{fault}")),
            &config,
            fault,
        );
        let note = docs.iter().find(|d| d["doc_id"] == "note").unwrap();
        assert_eq!(note["status"], "quarantined", "{fault}: {note}");
        assert_eq!(note["status_reason"], reason, "{fault}: {note}");
        let other = docs.iter().find(|d| d["doc_id"] == "other").unwrap();
        assert_eq!(other["status"], "ok", "the run went on after {fault}");
        let _ = detail;
    }
}

#[test]
fn hostile_pdfs_are_quarantined_with_bounded_resources() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("drop/hostile");
    let st = Command::new("python3")
        .arg(root().join("tests/py/hostile_pdfs.py"))
        .arg(&case)
        .status()
        .unwrap();
    assert!(st.success());
    let out = tmp.path().join("out");
    let (code, stderr) = run_with(
        &tmp.path().join("drop"),
        &out,
        &fast_limits(tmp.path(), true),
        &[],
    );
    assert_eq!(code, 2, "{stderr}");
    let report = check_output(&out);
    let docs = report["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 5);
    let reason = |id: &str| {
        docs.iter().find(|d| d["doc_id"] == id).unwrap()["status_reason"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    // Inflating 1 GiB under a 1 GiB address-space limit fails in the worker.
    assert!(
        ["memory", "too_large"].contains(&reason("flate_bomb").as_str()),
        "{}",
        reason("flate_bomb")
    );
    assert_eq!(reason("page_cycle"), "malformed");
    for d in docs {
        assert_eq!(d["status"], "quarantined", "{d}");
        assert!(!d["status_reason"].as_str().unwrap_or("").is_empty(), "{d}");
    }
}

/// Workers are reused across documents: one that dies costs its own document
/// only, and the documents after it get a fresh worker.
#[test]
fn a_dead_worker_costs_one_document() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("drop/c");
    std::fs::create_dir_all(&case).unwrap();
    for (pdf, name) in text_pdfs(6).iter().zip(["a", "b", "note", "d", "e", "f"]) {
        std::fs::copy(pdf, case.join(format!("{name}.pdf"))).unwrap();
    }
    let config = fast_limits(tmp.path(), false);
    for fault in ["abort@note", "overflow@note", "oom@note"] {
        let docs = faulted_run(
            &tmp.path().join("drop"),
            &tmp.path().join(format!("out-{fault}")),
            &config,
            fault,
        );
        assert_eq!(docs.len(), 6, "{fault}");
        for d in docs {
            let id = d["doc_id"].as_str().unwrap();
            if id == "note" {
                assert_eq!(d["status"], "quarantined", "{fault}: {d}");
            } else {
                assert_eq!(d["status"], "ok", "{fault}: {d}");
            }
        }
    }
}

/// The CPU-time limit is per document, not per worker: a worker that has
/// served many documents is not stopped for the time the earlier ones took.
#[test]
fn the_cpu_limit_counts_per_document() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("drop/c");
    std::fs::create_dir_all(&case).unwrap();
    for (i, pdf) in text_pdfs(8).iter().enumerate() {
        std::fs::copy(pdf, case.join(format!("d{i}.pdf"))).unwrap();
    }
    // One CPU second per document, two extraction threads (so two workers),
    // 0.7 s of CPU burnt per document: about 2.8 s per worker in all.
    let config = tmp.path().join("cpu.toml");
    let text = std::fs::read_to_string(fast_limits(tmp.path(), false))
        .unwrap()
        .replace("worker_cpu_secs = 5", "worker_cpu_secs = 1")
        .replace("threads = 0", "threads = 1");
    assert!(text.contains("worker_cpu_secs = 1") && text.contains("threads = 1"));
    std::fs::write(&config, text).unwrap();
    let out = tmp.path().join("out");
    let (code, stderr) = run_with(
        &tmp.path().join("drop"),
        &out,
        &config,
        &[("PRIORAUTH_TEST_WORKER_FAULT", "cpu700")],
    );
    assert_eq!(code, 0, "{stderr}");
    let report = check_output(&out);
    let docs = report["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 8);
    for d in docs {
        assert_eq!(d["status"], "ok", "{d}");
    }
}

/// `n` different text-layer PDFs from sample_docs (identical files would be
/// skipped as duplicates before any worker sees them).
fn text_pdfs(n: usize) -> Vec<std::path::PathBuf> {
    let mut pdfs: Vec<_> = std::fs::read_dir(root().join("sample_docs"))
        .unwrap()
        .flat_map(|case| std::fs::read_dir(case.unwrap().path()).unwrap())
        .map(|f| f.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.ends_with(".pdf") && !name.contains("scan")
        })
        .collect();
    pdfs.sort();
    assert!(pdfs.len() >= n);
    pdfs.truncate(n);
    pdfs
}
