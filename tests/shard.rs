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
