//! Opening a drop-folder document: the one routine every stage (ingest's
//! hashing, extraction, the PDF worker, OCR) opens a document through. It is
//! the only I/O in this crate, kept here so that no stage opens a document
//! any other way.
//!
//! Ingest lists a case folder and checks each entry's type, but the file can be
//! swapped before it is opened (a FIFO that would block the open or the read
//! forever, a device that never ends, a symlink leading out of the drop
//! folder). So the open itself refuses them: `O_NOFOLLOW` (a symlink in the
//! last component fails), `O_NONBLOCK` (opening a FIFO never waits for a
//! writer), `O_NOCTTY` (a terminal device never becomes ours), and then
//! `fstat` on the open descriptor: only a regular file is returned.

use std::fs::File;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

use crate::QuarantineReason;

/// Why a document could not be opened.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// Not a regular file when opened: a FIFO, device, socket, folder, or a
    /// symlink put where the listed file was.
    #[error("{0}, not a regular file: not opened")]
    NotRegular(&'static str),
    /// The open or the `fstat` failed.
    #[error("cannot read file: {0}")]
    Io(#[from] std::io::Error),
}

impl OpenError {
    /// The quarantine reason and message of a document that cannot be opened.
    pub fn quarantine(&self) -> (QuarantineReason, String) {
        let reason = match self {
            OpenError::NotRegular(_) => QuarantineReason::NotARegularFile,
            OpenError::Io(_) => QuarantineReason::Unreadable,
        };
        (reason, self.to_string())
    }
}

/// Open the document at `path` for reading, only if it is a regular file (see
/// the module documentation). `path` is what ingest resolved: a symlink the
/// run follows was already replaced by its target.
pub fn open_document(path: &Path) -> Result<File, OpenError> {
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(path)
        .map_err(|e| match e.raw_os_error() {
            // What O_NOFOLLOW answers for a symlink.
            Some(libc::ELOOP) => OpenError::NotRegular("a symbolic link"),
            _ => OpenError::Io(e),
        })?;
    let ft = f.metadata()?.file_type();
    if ft.is_file() {
        Ok(f)
    } else {
        Err(OpenError::NotRegular(file_kind(&ft)))
    }
}

/// What a file that is not a regular file is, for a quarantine message.
pub fn file_kind(ft: &std::fs::FileType) -> &'static str {
    if ft.is_fifo() {
        "a FIFO (named pipe)"
    } else if ft.is_socket() {
        "a socket"
    } else if ft.is_block_device() || ft.is_char_device() {
        "a device"
    } else if ft.is_dir() {
        "a folder"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else {
        "something"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::{Duration, Instant};

    fn reason(r: Result<File, OpenError>) -> (QuarantineReason, String) {
        r.expect_err("refused").quarantine()
    }

    #[test]
    fn only_regular_files_are_opened_and_nothing_blocks() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("a.pdf");
        std::fs::write(&file, b"%PDF-1.7").unwrap();
        let mut s = String::new();
        open_document(&file)
            .unwrap()
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "%PDF-1.7");

        // A FIFO with no writer: opening it for reading would block without O_NONBLOCK.
        let fifo = tmp.path().join("x.pdf");
        let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let t = Instant::now();
        let (r, m) = reason(open_document(&fifo));
        assert!(t.elapsed() < Duration::from_secs(5));
        assert_eq!(r, QuarantineReason::NotARegularFile);
        assert!(m.contains("FIFO"), "{m}");

        // A symlink swapped in for the file, even to a regular file.
        let link = tmp.path().join("l.pdf");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        let (r, m) = reason(open_document(&link));
        assert_eq!(r, QuarantineReason::NotARegularFile);
        assert!(m.contains("symbolic link"), "{m}");

        // A device, and a folder.
        let (r, m) = reason(open_document(Path::new("/dev/zero")));
        assert_eq!(r, QuarantineReason::NotARegularFile);
        assert!(m.contains("device"), "{m}");
        assert_eq!(
            reason(open_document(tmp.path())).0,
            QuarantineReason::NotARegularFile
        );

        // A file that is not there is unreadable, not something else.
        let (r, m) = reason(open_document(&tmp.path().join("gone.pdf")));
        assert_eq!(r, QuarantineReason::Unreadable);
        assert!(m.starts_with("cannot read file"), "{m}");
    }
}
