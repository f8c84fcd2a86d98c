//! Locks on the output folder, all taken with `flock` on a lock file: the
//! kernel releases a lock when its holder dies, however it dies, so a lock is
//! never stale and taking it over needs no liveness check.
//!
//! - `<out>/.priorauth[-shard<k>of<n>].lock` ([`OutputLock`]): one run (of a
//!   shard) at a time per output folder; a second one fails at once.
//! - `<out>/.audit.lock` and `<out>/review/.index.lock` ([`with_file_lock`]):
//!   shards that run side by side take turns at the read-modify-write of a
//!   shared file, waiting up to [`LOCK_WAIT`] for each other.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::StoreError;

/// How long [`with_file_lock`] waits for another process to release a lock.
pub const LOCK_WAIT: Duration = Duration::from_secs(30);

/// The lock file of the runs of shard `suffix` (empty: no shard).
pub fn output_lock_path(out: &Path, suffix: &str) -> PathBuf {
    out.join(format!(".priorauth{suffix}.lock"))
}

/// Holds an exclusive `flock` on `<out>/.priorauth.lock` until dropped.
///
/// Two runs can never both hold it. The pid and host written into the file are
/// information for a person, never read back to decide anything (after a
/// container restart a new run may get the pid of the dead one).
#[derive(Debug)]
pub struct OutputLock {
    held: Held,
}

impl OutputLock {
    /// Take the lock, or fail at once if another live run holds it.
    pub fn acquire(out: &Path) -> Result<Self, StoreError> {
        Self::acquire_named(out, "")
    }

    /// Take the lock of one shard (`suffix` from [`super::shard_suffix`]):
    /// shards run side by side, each shard once.
    pub fn acquire_named(out: &Path, suffix: &str) -> Result<Self, StoreError> {
        let path = output_lock_path(out, suffix);
        let cannot = |source| StoreError::Io {
            path: path.clone(),
            source,
        };
        match Held::take(&path, None).map_err(cannot)? {
            Taken::Held(mut held) => {
                let file = &mut held.file;
                let _ = file.set_len(0);
                let _ = file.rewind();
                let _ = writeln!(file, "pid {} on host {}", std::process::id(), hostname());
                let _ = file.sync_all();
                Ok(OutputLock { held })
            }
            Taken::Busy(mut file) => {
                let mut info = String::new();
                let _ = file.read_to_string(&mut info);
                let info = info.trim();
                Err(StoreError::Busy {
                    out: out.to_path_buf(),
                    holder: (!info.is_empty()).then(|| info.chars().take(200).collect()),
                })
            }
            Taken::Moving => Err(StoreError::LockMoving { path }),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.held.path
    }
}

/// Run `f` while holding the lock `lock` (waiting up to [`LOCK_WAIT`] for
/// another process to release it). Keeps concurrent shards from interleaving
/// read-modify-write of shared files. When the lock stays taken,
/// [`StoreError::Locked`] and `f` does not run.
pub fn with_file_lock<T>(
    lock: &Path,
    f: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    let io = |source| StoreError::Io {
        path: lock.to_path_buf(),
        source,
    };
    match Held::take(lock, Some(LOCK_WAIT)).map_err(io)? {
        Taken::Held(held) => {
            let out = f();
            drop(held);
            out
        }
        Taken::Busy(_) | Taken::Moving => Err(StoreError::Locked {
            path: lock.to_path_buf(),
            waited: LOCK_WAIT,
        }),
    }
}

/// An exclusive `flock` on a lock file; the file is unlinked when dropped.
#[derive(Debug)]
struct Held {
    path: PathBuf,
    file: File,
}

/// What trying to take a lock came to.
enum Taken {
    /// Ours.
    Held(Held),
    /// Another live process holds it (the open lock file).
    Busy(File),
    /// The lock file kept being replaced under us.
    Moving,
}

impl Held {
    /// Take the lock at `path`: at once or never (`wait` `None`), or retrying
    /// until `wait` has passed.
    fn take(path: &Path, wait: Option<Duration>) -> std::io::Result<Taken> {
        let deadline = wait.map(|w| Instant::now() + w);
        // The holder unlinks the file when it is done: a lock taken on a file that
        // has since been unlinked (or replaced) protects nothing, so check that the
        // path still names the locked file, and start again when it does not.
        let mut moves = 0;
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
                .open(path)?;
            if !try_flock(&file)? {
                match deadline {
                    Some(d) if Instant::now() < d => {
                        std::thread::sleep(Duration::from_millis(10));
                        continue;
                    }
                    _ => return Ok(Taken::Busy(file)),
                }
            }
            let same = match (file.metadata(), std::fs::symlink_metadata(path)) {
                (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
                _ => false,
            };
            if same {
                return Ok(Taken::Held(Held {
                    path: path.to_path_buf(),
                    file,
                }));
            }
            moves += 1;
            if moves >= 100 {
                return Ok(Taken::Moving);
            }
        }
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        // Unlink while still holding the lock; the lock goes with the descriptor.
        let _ = std::fs::remove_file(&self.path);
        let _ = &self.file;
    }
}

/// `flock(LOCK_EX | LOCK_NB)`: `Ok(false)` when another open file holds it.
fn try_flock(file: &File) -> std::io::Result<bool> {
    use std::os::fd::AsRawFd;
    loop {
        // SAFETY: flock on a descriptor we own; no memory is passed.
        let r = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if r == 0 {
            return Ok(true);
        }
        let e = std::io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EWOULDBLOCK) => return Ok(false),
            Some(libc::EINTR) => continue,
            _ => return Err(e),
        }
    }
}

fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates or truncates.
    let r = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) };
    if r != 0 {
        return "unknown".into();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Barrier};

    #[test]
    fn a_lock_file_left_with_our_own_pid_does_not_block() {
        // After a container restart the new run often has the dead run's pid
        // (here: ours); a lock file is information, not the lock.
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".priorauth.lock");
        for stale in [format!("{}\n", std::process::id()), "1\n".to_string()] {
            std::fs::write(&path, stale).unwrap();
            let lock = OutputLock::acquire(tmp.path()).expect("a lock nobody holds is free");
            let info = std::fs::read_to_string(&path).unwrap();
            assert!(
                info.starts_with(&format!("pid {} on host ", std::process::id())),
                "{info}"
            );
            drop(lock);
            assert!(!path.exists());
        }
    }

    #[test]
    fn a_held_lock_blocks_and_names_its_holder() {
        let tmp = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(tmp.path()).unwrap();
        let err = OutputLock::acquire(tmp.path()).unwrap_err();
        assert!(
            matches!(&err, StoreError::Busy { out, holder: Some(h) }
                if out == tmp.path() && h.contains(&format!("pid {}", std::process::id()))),
            "{err:?}"
        );
        assert!(err.to_string().contains("another run (pid "), "{err}");
        // Another shard's lock is another file.
        let shard = OutputLock::acquire_named(tmp.path(), "-shard1of2").unwrap();
        drop(first);
        OutputLock::acquire(tmp.path()).unwrap();
        drop(shard);
    }

    #[test]
    fn a_file_lock_left_by_a_dead_process_is_free_and_a_held_one_is_an_error() {
        let tmp = tempfile::tempdir().unwrap();
        let lock = tmp.path().join(".audit.lock");
        std::fs::write(&lock, "").unwrap();
        assert_eq!(with_file_lock(&lock, || Ok(1)).unwrap(), 1);
        assert!(!lock.exists());
        let held = Held::take(&lock, None).unwrap();
        assert!(matches!(held, Taken::Held(_)));
        let err = match Held::take(&lock, Some(Duration::from_millis(50))).unwrap() {
            Taken::Busy(_) => "busy",
            _ => "taken",
        };
        assert_eq!(err, "busy");
    }

    /// In a child process started by the test below (`PA_LOCK_CHILD` names the
    /// folder): wait for the start signal, then take turns with the other
    /// children at the output lock (which fails at once when held) and at a
    /// shared file lock (which waits), logging each turn.
    #[test]
    fn lock_child_process() {
        let Ok(dir) = std::env::var("PA_LOCK_CHILD") else {
            return;
        };
        let dir = PathBuf::from(dir);
        while !dir.join("go").exists() {
            std::thread::sleep(Duration::from_millis(1));
        }
        let log = || {
            OpenOptions::new()
                .append(true)
                .open(dir.join("log"))
                .unwrap()
        };
        let pid = std::process::id();
        for _ in 0..30 {
            if let Ok(lock) = OutputLock::acquire(&dir) {
                writeln!(log(), "enter {pid}").unwrap();
                std::thread::sleep(Duration::from_millis(1));
                writeln!(log(), "leave {pid}").unwrap();
                drop(lock);
            }
            // A read-modify-write under the waiting lock: no update is lost.
            with_file_lock(&dir.join(".count.lock"), || {
                let path = dir.join("count");
                let n: u32 = std::fs::read_to_string(&path)
                    .unwrap_or_default()
                    .trim()
                    .parse()
                    .unwrap_or(0);
                std::fs::write(&path, (n + 1).to_string()).unwrap();
                Ok(())
            })
            .unwrap();
        }
    }

    #[test]
    fn processes_starting_together_never_hold_the_lock_together() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("log"), "").unwrap();
        let n = 4;
        let children: Vec<_> = (0..n)
            .map(|_| {
                std::process::Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", "layout::lock::tests::lock_child_process"])
                    .env("PA_LOCK_CHILD", tmp.path())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        // Every child is waiting for the signal: they start at the same moment.
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(tmp.path().join("go"), "").unwrap();
        for mut c in children {
            assert!(c.wait().unwrap().success());
        }
        let log = std::fs::read_to_string(tmp.path().join("log")).unwrap();
        let lines: Vec<&str> = log.lines().collect();
        assert!(!lines.is_empty(), "no process ever held the output lock");
        for pair in lines.chunks(2) {
            let [enter, leave] = pair else {
                panic!("a turn did not end: {log}")
            };
            assert_eq!(
                enter.replace("enter", "leave"),
                *leave,
                "two processes held the lock at once:\n{log}"
            );
        }
        let count = std::fs::read_to_string(tmp.path().join("count")).unwrap();
        assert_eq!(count, (n * 30).to_string(), "an update was lost");
        // Nothing is left that would block the next run.
        assert!(!output_lock_path(tmp.path(), "").exists());
        assert!(!tmp.path().join(".count.lock").exists());
        OutputLock::acquire(tmp.path()).unwrap();
    }

    #[test]
    fn concurrent_takers_never_hold_the_lock_together() {
        // Many takers at once, on a folder whose lock file a dead run left, each
        // holding the lock a while and then releasing it (which unlinks the file
        // while others may have it open): at most one holds it at any time.
        let tmp = Arc::new(tempfile::tempdir().unwrap());
        std::fs::write(tmp.path().join(".priorauth.lock"), "999999999\n").unwrap();
        let holders = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let wins = Arc::new(AtomicUsize::new(0));
        let n = 8;
        let start = Arc::new(Barrier::new(n));
        let threads: Vec<_> = (0..n)
            .map(|_| {
                let (tmp, holders, most, wins, start) = (
                    tmp.clone(),
                    holders.clone(),
                    most.clone(),
                    wins.clone(),
                    start.clone(),
                );
                std::thread::spawn(move || {
                    start.wait();
                    for _ in 0..20 {
                        if let Ok(lock) = OutputLock::acquire(tmp.path()) {
                            let now = holders.fetch_add(1, Ordering::SeqCst) + 1;
                            most.fetch_max(now, Ordering::SeqCst);
                            wins.fetch_add(1, Ordering::SeqCst);
                            std::thread::sleep(std::time::Duration::from_millis(2));
                            holders.fetch_sub(1, Ordering::SeqCst);
                            drop(lock);
                        }
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            most.load(Ordering::SeqCst),
            1,
            "two runs held the lock at once"
        );
        assert!(wins.load(Ordering::SeqCst) >= 1);
    }
}
