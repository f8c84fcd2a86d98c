//! Process isolation for PDF parsing. The PDF crates panic, abort, overflow the
//! stack or loop on hostile files; a stack overflow or an abort cannot be caught
//! in-process. So PDFs are parsed by child processes (the same binary, hidden
//! subcommand `extract-worker`) under an address-space limit, a CPU-time limit
//! per document and a wall-clock deadline per document.
//!
//! Workers are kept and reused: starting a process per PDF cost more CPU than
//! parsing a typical PDF (exec, relocation, fresh heap pages). A worker serves
//! requests on stdin (a length-prefixed path) and answers on stdout (a
//! length-prefixed JSON [`WorkerOutput`]). One that dies, overruns its deadline
//! or returns garbage is discarded (killed and reaped) and only its current
//! document is quarantined; the next document gets a fresh worker. Workers are
//! retired after [`MAX_DOCS_PER_WORKER`] documents so that no heap grows across
//! a whole run. Their stderr is read only to classify a death and never logged.

use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use pa_types::QuarantineReason;
use serde::{Deserialize, Serialize};

use crate::{ExtractOptions, Failure};

/// A worker is retired (and a fresh one started) after this many documents.
pub const MAX_DOCS_PER_WORKER: u32 = 256;

/// Largest answer accepted from a worker: 256 MiB of JSON.
const MAX_ANSWER_BYTES: usize = 256 << 20;

/// How to run the workers, and the workers kept between documents (shared by
/// clones).
#[derive(Clone)]
pub struct Isolation {
    /// The `priorauth` binary (it has the `extract-worker` subcommand).
    pub exe: PathBuf,
    /// Wall-clock deadline per document.
    pub timeout: Duration,
    /// Address-space limit of a worker, bytes.
    pub max_memory_bytes: u64,
    /// CPU-time limit per document, seconds.
    pub max_cpu_seconds: u64,
    idle: Arc<Mutex<Vec<Worker>>>,
}

impl std::fmt::Debug for Isolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Isolation")
            .field("exe", &self.exe)
            .field("timeout", &self.timeout)
            .field("max_memory_bytes", &self.max_memory_bytes)
            .field("max_cpu_seconds", &self.max_cpu_seconds)
            .finish_non_exhaustive()
    }
}

impl Isolation {
    /// Workers from `exe` with these limits; none is started until needed.
    pub fn new(
        exe: PathBuf,
        timeout: Duration,
        max_memory_bytes: u64,
        max_cpu_seconds: u64,
    ) -> Self {
        Isolation {
            exe,
            timeout,
            max_memory_bytes,
            max_cpu_seconds,
            idle: Arc::default(),
        }
    }

    fn take(&self) -> Option<Worker> {
        self.idle.lock().ok()?.pop()
    }

    fn put(&self, w: Worker) {
        if w.served < MAX_DOCS_PER_WORKER {
            if let Ok(mut idle) = self.idle.lock() {
                idle.push(w);
            }
        }
    }
}

/// What the worker reports.
#[derive(Debug, Serialize, Deserialize)]
pub struct WorkerOutput {
    /// Raw text per page, in page order.
    pub pages: Vec<crate::RawPage>,
    /// Failure, when the file could not be read.
    pub failure: Option<(QuarantineReason, String)>,
}

/// The worker's side for one document: parse `path` in this process.
pub fn worker_main(path: &Path, opts: &ExtractOptions) -> WorkerOutput {
    // Opened as every drop-folder document is: a FIFO, device or symlink
    // swapped in since the folder was listed is refused, never read.
    let out = crate::read_regular(path).and_then(|bytes| crate::pdf::pdf_pages(&bytes, opts));
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

/// The worker's limits, as `extract-worker` arguments.
pub fn worker_args(opts: &ExtractOptions, iso: &Isolation) -> Vec<String> {
    vec![
        "--max-pages".into(),
        opts.max_pages.to_string(),
        "--max-decompressed-bytes".into(),
        opts.max_decompressed_bytes.to_string(),
        "--max-memory-bytes".into(),
        iso.max_memory_bytes.to_string(),
        "--max-cpu-seconds".into(),
        iso.max_cpu_seconds.to_string(),
    ]
}

/// The worker's side of the protocol: set the process limits, then answer
/// requests from stdin until it closes. `before_each` runs before each
/// document (the binary's test hook for simulated deaths).
// `rlim_t` is not `u64` on every target.
#[allow(clippy::unnecessary_cast)]
pub fn serve(
    opts: &ExtractOptions,
    max_memory_bytes: u64,
    max_cpu_seconds: u64,
    before_each: impl Fn(&Path),
) -> std::io::Result<()> {
    // Also set by the parent before exec (see `Worker::start`); again here for
    // a worker started by hand.
    set_limit(libc::RLIMIT_AS, max_memory_bytes, max_memory_bytes);
    set_limit(libc::RLIMIT_CORE, 0, 0);
    let mut input = std::io::stdin().lock();
    let mut output = std::io::stdout().lock();
    loop {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let mut path = vec![0u8; u32::from_le_bytes(len) as usize];
        input.read_exact(&mut path)?;
        let path = Path::new(std::ffi::OsStr::from_bytes(&path));
        // The CPU limit counts from here: the process's CPU time so far plus
        // the per-document allowance (SIGXCPU ends the worker past it).
        set_limit(
            libc::RLIMIT_CPU,
            cpu_seconds_used().ceil() as u64 + max_cpu_seconds,
            libc::RLIM_INFINITY as u64,
        );
        before_each(path);
        let answer = serde_json::to_vec(&worker_main(path, opts)).map_err(std::io::Error::other)?;
        output.write_all(&(answer.len() as u32).to_le_bytes())?;
        output.write_all(&answer)?;
        output.flush()?;
    }
}

/// Set a resource limit, never above the hard limit this process inherited.
// `rlim_t` is not `u64` on every target.
#[allow(clippy::unnecessary_cast)]
fn set_limit(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) {
    // SAFETY: getrlimit/setrlimit only read and write the struct passed.
    unsafe {
        let mut cur = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        let inherited = if libc::getrlimit(resource, &mut cur) == 0 {
            cur.rlim_max as u64
        } else {
            libc::RLIM_INFINITY as u64
        };
        let hard = hard.min(inherited);
        let lim = libc::rlimit {
            rlim_cur: soft.min(hard) as libc::rlim_t,
            rlim_max: hard as libc::rlim_t,
        };
        libc::setrlimit(resource, &lim);
    }
}

fn cpu_seconds_used() -> f64 {
    // SAFETY: getrusage only writes the struct passed.
    let ru = unsafe {
        let mut ru: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut ru);
        ru
    };
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(ru.ru_utime) + secs(ru.ru_stime)
}

/// A running worker and its pipes.
struct Worker {
    child: Child,
    stdin: ChildStdin,
    stdout: ChildStdout,
    stderr: Option<ChildStderr>,
    /// The tail of its stderr (a death message, if any).
    err: Vec<u8>,
    served: u32,
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How an exchange with a worker ended, when it did not answer.
enum Ended {
    /// Past the deadline.
    Late,
    /// Its stdout closed: it died (or exited).
    Died,
    /// It answered more than [`MAX_ANSWER_BYTES`].
    Oversized,
}

impl Worker {
    fn start(opts: &ExtractOptions, iso: &Isolation) -> Result<Worker, Failure> {
        let mem = iso.max_memory_bytes;
        let mut cmd = Command::new(&iso.exe);
        cmd.arg("extract-worker")
            .args(worker_args(opts, iso))
            .env("PRIORAUTH_LOG", "off")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // The address-space limit is set before exec: set later, the allocator's
        // arena reserved at start-up would hold a whole bomb without a new mapping.
        // SAFETY: only async-signal-safe calls (setrlimit) between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                for (res, lim) in [(libc::RLIMIT_AS, mem), (libc::RLIMIT_CORE, 0)] {
                    let lim = libc::rlimit {
                        rlim_cur: lim as libc::rlim_t,
                        rlim_max: lim as libc::rlim_t,
                    };
                    libc::setrlimit(res, &lim);
                }
                Ok(())
            });
        }
        let mut child = cmd.spawn().map_err(|e| {
            (
                QuarantineReason::Crash,
                format!("cannot start the extraction worker: {e}"),
            )
        })?;
        Ok(Worker {
            stdin: child.stdin.take().expect("piped"),
            stdout: child.stdout.take().expect("piped"),
            stderr: child.stderr.take(),
            err: Vec::new(),
            served: 0,
            child,
        })
    }

    fn send(&mut self, path: &Path) -> std::io::Result<()> {
        let bytes = path.as_os_str().as_bytes();
        let mut msg = Vec::with_capacity(4 + bytes.len());
        msg.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        msg.extend_from_slice(bytes);
        self.stdin.write_all(&msg)?;
        self.stdin.flush()
    }

    /// Wait for one answer until `deadline`, keeping the stderr tail.
    fn receive(&mut self, deadline: Instant) -> Result<Vec<u8>, Ended> {
        let mut buf: Vec<u8> = Vec::new();
        let mut chunk = vec![0u8; 64 << 10];
        loop {
            if buf.len() >= 4 {
                let need = u32::from_le_bytes(buf[..4].try_into().expect("4 bytes")) as usize;
                if need > MAX_ANSWER_BYTES {
                    return Err(Ended::Oversized);
                }
                if buf.len() >= 4 + need {
                    buf.drain(..4);
                    return Ok(buf);
                }
            }
            let now = Instant::now();
            if now >= deadline {
                return Err(Ended::Late);
            }
            let wait_ms = (deadline - now).as_millis().clamp(1, i32::MAX as u128) as i32;
            let mut fds = [
                libc::pollfd {
                    fd: self.stdout.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.stderr.as_ref().map_or(-1, |e| e.as_raw_fd()),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // SAFETY: `fds` is a valid array of two pollfd for the whole call.
            let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, wait_ms) };
            if r < 0 {
                if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(Ended::Died);
            }
            if fds[1].revents != 0 {
                self.drain_stderr_once(&mut chunk);
            }
            if fds[0].revents != 0 {
                match self.stdout.read(&mut chunk) {
                    Ok(0) | Err(_) => return Err(Ended::Died),
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
        }
    }

    /// Read what stderr has now; keep the last 64 KiB.
    fn drain_stderr_once(&mut self, chunk: &mut [u8]) {
        let Some(e) = self.stderr.as_mut() else {
            return;
        };
        match e.read(chunk) {
            Ok(0) | Err(_) => self.stderr = None,
            Ok(n) => {
                self.err.extend_from_slice(&chunk[..n]);
                let keep = 64 << 10;
                if self.err.len() > keep {
                    self.err.drain(..self.err.len() - keep);
                }
            }
        }
    }

    /// After its stdout closed: reap it (killing it if it lingers past
    /// `deadline`) and read the rest of its stderr.
    fn reap(mut self, deadline: Instant) -> (ExitStatus, String) {
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2))
                }
                _ => {
                    let _ = self.child.kill();
                    break self.child.wait().ok();
                }
            }
        };
        if let Some(mut e) = self.stderr.take() {
            let mut rest = Vec::new();
            let _ = e.read_to_end(&mut rest);
            self.err.extend_from_slice(&rest);
        }
        let stderr = String::from_utf8_lossy(&self.err).into_owned();
        (
            status.unwrap_or_else(|| ExitStatus::from_raw(libc::SIGKILL)),
            stderr,
        )
    }
}

/// The parent's side: have a worker parse `path` and classify how it ended.
pub(crate) fn pdf_pages_isolated(
    path: &Path,
    opts: &ExtractOptions,
    iso: &Isolation,
) -> Result<Vec<crate::RawPage>, Failure> {
    let mut worker = match iso.take() {
        Some(w) => w,
        None => Worker::start(opts, iso)?,
    };
    if worker.send(path).is_err() {
        // A kept worker that is gone (killed from outside): one fresh try.
        worker = Worker::start(opts, iso)?;
        worker.send(path).map_err(|e| {
            (
                QuarantineReason::Crash,
                format!("cannot reach the extraction worker: {e}"),
            )
        })?;
    }
    let deadline = Instant::now() + iso.timeout;
    match worker.receive(deadline) {
        Ok(answer) => {
            worker.served += 1;
            let out: Result<WorkerOutput, _> = serde_json::from_slice(&answer);
            let Ok(out) = out else {
                return Err((
                    QuarantineReason::Crash,
                    "the extraction worker returned no result".to_string(),
                ));
            };
            iso.put(worker);
            match out.failure {
                Some(f) => Err(f),
                None => Ok(out.pages),
            }
        }
        Err(Ended::Late) => Err((
            QuarantineReason::Timeout,
            format!(
                "extraction took longer than {} s and was stopped",
                iso.timeout.as_secs()
            ),
        )),
        Err(Ended::Oversized) => Err((
            QuarantineReason::TooLarge,
            format!("the extracted text is over {} MiB", MAX_ANSWER_BYTES >> 20),
        )),
        Err(Ended::Died) => {
            let (status, stderr) = worker.reap(Instant::now() + Duration::from_secs(5));
            Err(classify_death(status.signal(), status.code(), &stderr, iso))
        }
    }
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
