//! Process isolation for PDF parsing. The PDF crates panic, abort, overflow the
//! stack or loop on hostile files; a stack overflow or an abort cannot be caught
//! in-process. So each PDF is parsed by a child process (the same binary, hidden
//! subcommand `extract-worker`) under an address-space and CPU-time limit and a
//! wall-clock deadline. The child prints one JSON [`WorkerOutput`] on stdout;
//! its stderr is read only to classify a death and is never logged.

use std::io::Read;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pa_types::QuarantineReason;
use serde::{Deserialize, Serialize};

use crate::{ExtractOptions, Failure};

/// How to run the worker.
#[derive(Debug, Clone)]
pub struct Isolation {
    /// The `priorauth` binary (it has the `extract-worker` subcommand).
    pub exe: PathBuf,
    /// Wall-clock deadline per document.
    pub timeout: Duration,
    /// Address-space limit of the worker, bytes.
    pub max_memory_bytes: u64,
    /// CPU-time limit of the worker, seconds.
    pub max_cpu_seconds: u64,
}

/// What the worker reports.
#[derive(Debug, Serialize, Deserialize)]
pub struct WorkerOutput {
    /// Raw text per page, in page order.
    pub pages: Vec<String>,
    /// Failure, when the file could not be read.
    pub failure: Option<(QuarantineReason, String)>,
}

/// The worker's side: parse `path` in this process and print the result as JSON.
pub fn worker_main(path: &Path, opts: &ExtractOptions) -> WorkerOutput {
    let out = match std::fs::read(path) {
        Ok(bytes) => crate::pdf_pages(&bytes, opts),
        Err(e) => Err((
            QuarantineReason::Unreadable,
            format!("cannot read file: {e}"),
        )),
    };
    match out {
        Ok(pages) => WorkerOutput {
            pages,
            failure: None,
        },
        Err(f) => WorkerOutput {
            pages: Vec::new(),
            failure: Some(f),
        },
    }
}

/// The arguments the worker subcommand takes, after `extract-worker`.
pub fn worker_args(path: &Path, opts: &ExtractOptions) -> Vec<String> {
    vec![
        path.display().to_string(),
        "--max-pages".into(),
        opts.max_pages.to_string(),
        "--max-decompressed-bytes".into(),
        opts.max_decompressed_bytes.to_string(),
    ]
}

/// The parent's side: run the worker on `path` and classify how it ended.
pub(crate) fn pdf_pages_isolated(
    path: &Path,
    opts: &ExtractOptions,
    iso: &Isolation,
) -> Result<Vec<String>, Failure> {
    let mem = iso.max_memory_bytes;
    let cpu = iso.max_cpu_seconds;
    let mut cmd = Command::new(&iso.exe);
    cmd.arg("extract-worker")
        .args(worker_args(path, opts))
        .env("PRIORAUTH_LOG", "off")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            let set = |res, soft: u64, hard: u64| {
                let lim = libc::rlimit {
                    rlim_cur: soft as libc::rlim_t,
                    rlim_max: hard as libc::rlim_t,
                };
                libc::setrlimit(res, &lim);
            };
            set(libc::RLIMIT_AS, mem, mem);
            set(libc::RLIMIT_CPU, cpu, cpu + 1);
            set(libc::RLIMIT_CORE, 0, 0);
            Ok(())
        });
    }
    let mut child = cmd.spawn().map_err(|e| {
        (
            QuarantineReason::Crash,
            format!("cannot start the extraction worker: {e}"),
        )
    })?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let deadline = Instant::now() + iso.timeout;
    let mut killed = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                killed = true;
                break child
                    .wait()
                    .map_err(|e| (QuarantineReason::Crash, format!("lost the worker: {e}")))?;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err((QuarantineReason::Crash, format!("lost the worker: {e}"))),
        }
    };
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned();
    if killed {
        return Err((
            QuarantineReason::Timeout,
            format!(
                "extraction took longer than {} s and was stopped",
                iso.timeout.as_secs()
            ),
        ));
    }
    if status.success() {
        let out: WorkerOutput = serde_json::from_slice(&stdout).map_err(|_| {
            (
                QuarantineReason::Crash,
                "the extraction worker returned no result".to_string(),
            )
        })?;
        return match out.failure {
            Some(f) => Err(f),
            None => Ok(out.pages),
        };
    }
    Err(classify_death(status.signal(), status.code(), &stderr, iso))
}

/// Name how a worker died from its signal and (never logged) stderr.
fn classify_death(
    signal: Option<i32>,
    code: Option<i32>,
    stderr: &str,
    iso: &Isolation,
) -> Failure {
    let oom = stderr.contains("memory allocation of")
        || stderr.contains("out of memory")
        || stderr.contains("capacity overflow");
    if oom {
        return (
            QuarantineReason::Memory,
            format!(
                "extraction needed more than the {} MiB memory limit",
                iso.max_memory_bytes >> 20
            ),
        );
    }
    match signal {
        Some(libc::SIGXCPU) | Some(libc::SIGKILL) => (
            QuarantineReason::Timeout,
            format!(
                "extraction used more than {} s of CPU time",
                iso.max_cpu_seconds
            ),
        ),
        Some(sig) if stderr.contains("has overflowed its stack") => (
            QuarantineReason::Crash,
            format!("the PDF parser overflowed its stack (signal {sig})"),
        ),
        Some(sig) => (
            QuarantineReason::Crash,
            format!("the extraction worker died with signal {sig}"),
        ),
        None => (
            QuarantineReason::Crash,
            format!(
                "the extraction worker failed with exit code {}",
                code.unwrap_or(-1)
            ),
        ),
    }
}
