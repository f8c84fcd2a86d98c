//! Scale-out: N processes with `--shard K/N`, side by side on one output
//! folder, write exactly the union of one run.

use std::process::Command;

use crate::common::{priorauth, root};

#[test]
fn three_shards_make_one_run() {
    let drop = root().join("tests/fixtures/evidence");
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    let (code, _, stderr) = crate::common::run(&drop, &clean);
    assert_eq!(code, 0, "{stderr}");

    let sharded = tmp.path().join("sharded");
    let children: Vec<_> = (0..3)
        .map(|k| {
            Command::new(env!("CARGO_BIN_EXE_priorauth"))
                .args(["run", "-q", "--drop"])
                .arg(&drop)
                .arg("--out")
                .arg(&sharded)
                .arg("--shard")
                .arg(format!("{k}/3"))
                .spawn()
                .unwrap()
        })
        .collect();
    for mut c in children {
        assert!(c.wait().unwrap().success());
    }
    assert_eq!(
        crate::common::latest_view(&sharded),
        crate::common::latest_view(&clean),
        "the shards' union differs from one run"
    );
    let o = priorauth(&["audit", "verify", "--out", sharded.to_str().unwrap()]);
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("3 entries"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let rows = |p: &std::path::Path| {
        std::fs::read_to_string(p.join("review/index.html"))
            .unwrap()
            .matches("<tr><td><a")
            .count()
    };
    assert_eq!(rows(&sharded), rows(&clean));
    // Every shard wrote shard-suffixed files; a rerun of one shard skips its unchanged cases.
    let o = priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        sharded.to_str().unwrap(),
        "--shard",
        "1/3",
    ]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("unchanged since their latest run"));
    let bad = priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        sharded.to_str().unwrap(),
        "--shard",
        "3/3",
    ]);
    assert_eq!(
        bad.status.code(),
        Some(64),
        "clap rejects K >= N: a usage error"
    );
}

/// A run of the evidence fixtures with `nightly.toml` edited by `edit`, into
/// `out`; returns how many claims files it wrote.
fn run_edited(drop: &std::path::Path, out: &std::path::Path, edit: (&str, &str)) -> usize {
    let cfg = out.with_extension("toml");
    let text = std::fs::read_to_string(root().join("pipelines/nightly.toml")).unwrap();
    assert!(text.contains(edit.0), "nightly.toml has no {}", edit.0);
    std::fs::write(&cfg, text.replace(edit.0, edit.1)).unwrap();
    let o = priorauth(&[
        "run",
        "-q",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    claims_files(out)
}

/// How many claims parquet files an output folder holds.
fn claims_files(out: &std::path::Path) -> usize {
    std::fs::read_dir(out.join("claims"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .count()
}

/// The latest view with the case fingerprints blanked (they hash the
/// settings, and the batch settings differ).
fn view(p: &std::path::Path) -> String {
    let fp = regex::Regex::new(r"(?m)^(cases .*)'[0-9a-f]{64}'").unwrap();
    fp.replace_all(&crate::common::latest_view(p), "$1'fp'")
        .into_owned()
}

#[test]
fn a_run_in_small_batches_equals_one_batch() {
    let drop = root().join("tests/fixtures/evidence");
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    let (code, _, stderr) = crate::common::run(&drop, &clean);
    assert_eq!(code, 0, "{stderr}");
    // Batches of 5 cases: several files per table, one run, the same rows.
    let batched = tmp.path().join("batched");
    let batched_parts = run_edited(&drop, &batched, ("batch_cases = 200", "batch_cases = 5"));
    assert!(batched_parts >= 3, "{batched_parts} claims files");
    assert_eq!(view(&batched), view(&clean), "batching changed the results");
    // A batch also closes at `batch_pages`: at one page, every case that has
    // a page is a batch of its own.
    let by_pages = tmp.path().join("by-pages");
    let parts = run_edited(&drop, &by_pages, ("batch_pages = 1000", "batch_pages = 1"));
    let cases = std::fs::read_dir(&drop)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(parts, cases, "one claims file per case");
    assert_eq!(
        view(&by_pages),
        view(&clean),
        "batching by pages changed the results"
    );
    // The next run keeps every batch's files (they belong to a finished run), skips all
    // cases and adds no empty file (only its `runs` row).
    let cfg = batched.with_extension("toml");
    let o = priorauth(&[
        "run",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        batched.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    let after = claims_files(&batched);
    assert_eq!(
        after, batched_parts,
        "the rerun adds no empty file and removes none"
    );
}
