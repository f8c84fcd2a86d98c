//! Scale-out: N processes with `--shard K/N`, side by side on one output
//! folder, write exactly the union of one run.

use std::process::Command;

use crate::common::{priorauth, root};

#[test]
fn three_shards_make_one_run() {
    let drop = root().join("tests/fixtures/evidence");
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    let o = priorauth(&[
        "run",
        "-q",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        clean.to_str().unwrap(),
    ]);
    assert!(o.status.success());

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
    assert_eq!(bad.status.code(), Some(2), "clap rejects K >= N");
}

#[test]
fn a_run_in_small_batches_equals_one_batch() {
    let drop = root().join("tests/fixtures/evidence");
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    let o = priorauth(&[
        "run",
        "-q",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        clean.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    // Batches of 5 cases: several files per table, one run, the same rows.
    let cfg = tmp.path().join("batched.toml");
    let text = std::fs::read_to_string(root().join("pipelines/nightly.toml"))
        .unwrap()
        .replace("batch_cases = 200", "batch_cases = 5");
    std::fs::write(&cfg, text).unwrap();
    let batched = tmp.path().join("batched");
    let o = priorauth(&[
        "run",
        "-q",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        batched.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let parts = std::fs::read_dir(batched.join("claims"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .count();
    assert!(parts >= 3, "{parts} claims files");
    // The fingerprints differ (they hash the settings, and batch_cases changed).
    let fp = regex::Regex::new(r"(?m)^(cases .*)'[0-9a-f]{64}'").unwrap();
    let view = |p: &std::path::Path| {
        fp.replace_all(&crate::common::latest_view(p), "$1'fp'")
            .into_owned()
    };
    assert_eq!(view(&batched), view(&clean), "batching changed the results");
    // The next run keeps every batch's files (they belong to a finished run) and skips all cases.
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
    let after = std::fs::read_dir(batched.join("claims"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .count();
    assert_eq!(
        after,
        parts + 1,
        "the rerun adds one empty file and removes none"
    );
}
