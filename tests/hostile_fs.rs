//! A hostile or restarted host (issue 17, items 5, 12 and 13): the run lock is
//! an `flock` the kernel releases when its holder dies, so a lock file left
//! behind never blocks (even naming a live pid, as after a container restart)
//! and a live holder always does; temporary files are created exclusively under
//! random names, so a symlink planted at the old predictable name redirects
//! nothing.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::run;

fn one_case_drop(root: &Path) -> std::path::PathBuf {
    let drop = root.join("drop");
    std::fs::create_dir_all(drop.join("c1")).unwrap();
    std::fs::write(
        drop.join("c1/letter.txt"),
        "LETTER OF MEDICAL NECESSITY\nDate: 10/20/2026\nRe: MRI lumbar spine (CPT 72148)\n\
         The patient failed 6 weeks of physical therapy and has lumbar radiculopathy.\n",
    )
    .unwrap();
    drop
}

#[test]
fn a_lock_file_left_by_a_dead_run_does_not_block_even_with_a_live_pid() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = one_case_drop(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // pid 1 is alive: what a run restarted in a fresh pid namespace finds.
    std::fs::write(out.join(".priorauth.lock"), "1\n").unwrap();
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    assert!(!stderr.contains("another run"), "{stderr}");
    assert!(!out.join(".priorauth.lock").exists(), "released at the end");
}

#[test]
fn a_live_holder_blocks_a_second_run() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = one_case_drop(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let lock = out.join(".priorauth.lock");
    // Another process holds the lock (util-linux flock(1) takes the same flock).
    // `-o`: the lock stays with flock(1), not with `sleep`, so killing it frees the lock.
    let mut holder = Command::new("flock")
        .args(["-x", "-o"])
        .arg(&lock)
        .args(["sleep", "60"])
        .stdout(Stdio::null())
        .spawn()
        .expect("flock(1) is installed");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let held = loop {
        let probe = Command::new("flock")
            .args(["-n", "-x"])
            .arg(&lock)
            .arg("true")
            .status()
            .unwrap();
        if !probe.success() {
            break true;
        }
        if std::time::Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let result = run(&drop, &out);
    let _ = holder.kill();
    let _ = holder.wait();
    assert!(held, "flock(1) did not take the lock");
    let (code, stdout, stderr) = result;
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("another run"), "{stderr}");
    assert!(
        !out.join("runs").exists(),
        "the blocked run wrote nothing: {stdout}"
    );
    // Once the holder is gone, the lock is free.
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
}

#[test]
fn a_symlink_planted_at_a_temporary_name_redirects_no_write() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = one_case_drop(tmp.path());
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    assert!(
        out.join("review/c1.html").is_file(),
        "the case needs review"
    );
    // An insider plants symlinks at every name the old code wrote through.
    let victim = tmp.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    for name in [
        "review/.c1.html.tmp",
        "review/.index.html.tmp",
        "review/.cases.json.tmp",
    ] {
        std::os::unix::fs::symlink(&victim, out.join(name)).unwrap();
    }
    let o = crate::common::priorauth(&[
        "run",
        "--force",
        "--drop",
        drop.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(
        matches!(o.status.code(), Some(0 | 2)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    let page = std::fs::read_to_string(out.join("review/c1.html")).unwrap();
    assert!(page.contains("Content-Security-Policy"));
    // No temporary file is left behind, under any name.
    for e in std::fs::read_dir(out.join("review")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            !name.ends_with(".tmp")
                || name.starts_with(".c1.html.tmp")
                || name.starts_with(".index.html.tmp")
                || name.starts_with(".cases.json.tmp"),
            "leftover {name}"
        );
    }
}

fn parquet_files(out: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![out.to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).into_iter().flatten().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else if e.path().extension().is_some_and(|x| x == "parquet") {
                found.push(e.path());
            }
        }
    }
    found
}

#[test]
fn a_failed_run_takes_its_rows_away_at_once() {
    // Issue 17, item 14: the run fails after writing its case tables (the review
    // index cannot be written: a folder sits at its name). Its rows must not be
    // readable until some next run cleans up.
    let tmp = tempfile::tempdir().unwrap();
    let drop = one_case_drop(tmp.path());
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("review/index.html/x")).unwrap();
    let (code, stdout, stderr) = run(&drop, &out);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let left = parquet_files(&out);
    assert!(left.is_empty(), "a failed run left {left:?}");
    assert!(
        std::fs::read_dir(out.join("manifests"))
            .map(|d| d.count())
            .unwrap_or(0)
            == 0
    );
    let v = crate::common::priorauth(&["audit", "verify", "--out", out.to_str().unwrap()]);
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stdout));
}

#[test]
fn lax_modes_of_an_existing_output_are_tightened() {
    // Issue 17, item 15.
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let drop = one_case_drop(tmp.path());
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    let set =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    set(&out, 0o755);
    set(&out.join("review"), 0o755);
    set(&out.join("review/c1.html"), 0o644);
    set(&out.join("audit.log"), 0o644);
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&out), 0o700);
    assert_eq!(mode(&out.join("review")), 0o700);
    assert_eq!(mode(&out.join("review/c1.html")), 0o600);
    assert_eq!(mode(&out.join("audit.log")), 0o600);
    assert!(stderr.contains("tightened the permissions"), "{stderr}");
}
