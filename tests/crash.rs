//! Crash safety: SIGKILL the run at random points, rerun, and the dataset is
//! the same as a clean run's, row for row, with no partial or temporary file.
//! `make soak` runs the same with hundreds of kills (`PRIORAUTH_KILLS`).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::root;

fn run_to_end(drop: &std::path::Path, out: &std::path::Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(["run", "-q", "--drop"])
        .arg(drop)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(
        matches!(o.status.code(), Some(0) | Some(2)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Wait until no process holds the output folder's lock. A run killed while
/// it was starting an extraction worker leaves, for the moment between the
/// worker's fork and its exec, a copy of the lock's descriptor in the
/// worker (closed on exec): a rerun in that moment is refused as a second
/// run, rightly. The test waits that moment out (at most 10 s) rather than
/// fail on it.
fn wait_for_the_lock(out: &std::path::Path) {
    let lock = out.join(".priorauth.lock");
    let deadline = Instant::now() + Duration::from_secs(10);
    while lock.exists() && Instant::now() < deadline {
        let Ok(file) = std::fs::File::open(&lock) else {
            return;
        };
        // SAFETY: flock on a descriptor this function owns.
        let free = unsafe {
            use std::os::fd::AsRawFd;
            libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) == 0
        };
        if free {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Fail, saying why, when this build has no fault hooks: without the
/// `failpoints` feature the binary ignores `PRIORAUTH_TEST_*` variables, and a
/// test that sets them would pass without testing anything.
// (The assertion is constant in each build: that is the point.)
#[allow(clippy::assertions_on_constants)]
pub(crate) fn require_failpoints() {
    assert!(
        cfg!(feature = "failpoints"),
        "this test injects faults through PRIORAUTH_TEST_* variables, which only a build \
         with the `failpoints` feature reads: run `make test`, or cargo test with \
         `--features failpoints`"
    );
}

/// The process dies (abort, like SIGKILL) right after each commit step in turn.
#[test]
fn a_crash_at_every_commit_step_is_recovered() {
    require_failpoints();
    let drop = root().join("tests/fixtures/evidence");
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    run_to_end(&drop, &clean);
    let reference = crate::common::latest_view(&clean);
    for step in pa_types::CRASH_POINTS {
        let out = tmp.path().join(step.replace(':', "-"));
        let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
            .args(["run", "-q", "--drop"])
            .arg(&drop)
            .arg("--out")
            .arg(&out)
            .env("PRIORAUTH_TEST_CRASH_AT", step)
            .output()
            .unwrap();
        assert!(
            o.status.code().is_none(),
            "{step}: the run should have died by a signal"
        );
        run_to_end(&drop, &out);
        assert!(
            crate::common::latest_view(&out) == reference,
            "crash {step}: the dataset differs from a clean run's"
        );
        // The log agrees with the dataset: the killed run is named in a cleanup
        // entry when it had written its entry, and absent otherwise.
        let v = crate::common::priorauth(&["audit", "verify", "--out", out.to_str().unwrap()]);
        assert!(
            v.status.success(),
            "crash {step}: {}",
            String::from_utf8_lossy(&v.stdout)
        );
    }
}

#[test]
fn killed_runs_leave_no_trace_after_a_rerun() {
    let drop = root().join("tests/fixtures/evidence");
    let tmp = tempfile::tempdir().unwrap();
    let clean = tmp.path().join("clean");
    let t = Instant::now();
    run_to_end(&drop, &clean);
    let took = t.elapsed();
    let reference = crate::common::latest_view(&clean);
    assert!(reference.lines().count() > 50);

    let kills: u64 = std::env::var("PRIORAUTH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    // Deterministic spread of kill points over the whole run, from the very start to past its end.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for k in 0..kills {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let frac = (seed % 1000) as f64 / 1000.0;
        let delay = Duration::from_secs_f64(took.as_secs_f64() * 1.1 * frac);
        let out = tmp.path().join(format!("kill-{k}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_priorauth"))
            .args(["run", "-q", "--drop"])
            .arg(&drop)
            .arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        wait_for_the_lock(&out);
        run_to_end(&drop, &out);
        let got = crate::common::latest_view(&out);
        assert!(
            got == reference,
            "kill {k} after {delay:?}: the dataset differs from a clean run's"
        );
        let v = crate::common::priorauth(&["audit", "verify", "--out", out.to_str().unwrap()]);
        assert!(
            v.status.success(),
            "kill {k} after {delay:?}: {}",
            String::from_utf8_lossy(&v.stdout)
        );
    }
}
