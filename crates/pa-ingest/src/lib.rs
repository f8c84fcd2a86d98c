//! Ingest: list the case folders of a drop folder (`<drop>/<case_id>/<files>`);
//! staging a case hashes every document and marks exact duplicates within it and
//! files that cannot be read.
//!
//! Nothing is lost: every file the run sees becomes a [`StagedDoc`], whatever
//! its state. Only regular files are opened (never a FIFO or a device, which
//! would block or read forever); a symlink whose target leaves the drop folder
//! is not followed unless the settings allow it; a file of a type no stage
//! reads is quarantined as `unsupported_type`; and files lying directly in the
//! drop folder are reported under the case id [`ROOT_CASE_ID`].
//!
//! Names are kept injective: case and document ids are the folder and file
//! names with `%`, control characters and bytes that are not UTF-8 written as
//! `%XX` ([`escape_name`]), so two folders never share an id.
#![warn(missing_docs)]

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use pa_types::{DocStatus, QuarantineReason, StagedDoc};
use sha2::{Digest, Sha256};

/// The case id under which files lying directly in the drop folder (not in a
/// case folder) are reported. No folder name escapes to it: a literal `%` is
/// always written `%25`.
pub const ROOT_CASE_ID: &str = "%root";

/// Errors that stop ingest as a whole (a bad document never does).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The drop folder itself cannot be listed.
    #[error("cannot read drop folder {path}")]
    DropFolder {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
}

/// One case folder and its documents, in file-name order.
#[derive(Debug, Clone)]
pub struct StagedCase {
    /// The folder name, escaped ([`escape_name`]).
    pub case_id: String,
    /// Its documents.
    pub docs: Vec<StagedDoc>,
    /// Set when the case folder itself could not be listed.
    pub error: Option<String>,
}

/// Ingest options.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// Document extensions, lowercase, without the dot.
    pub extensions: Vec<String>,
    /// Larger files are quarantined.
    pub max_file_bytes: u64,
    /// Follow symlinks whose target lies outside the drop folder.
    pub follow_symlinks_outside_drop: bool,
}

/// True for names the drop layout ignores: hidden files, `gold.json`, editor leftovers.
fn ignored(name: &OsStr) -> bool {
    let b = name.as_bytes();
    b.starts_with(b".") || b.starts_with(b"~") || b == b"gold.json"
}

/// A folder or file name as an id: lossless and injective. Valid UTF-8 stays as
/// it is, except `%` (`%25`) and control characters; every byte that is not
/// part of valid UTF-8 becomes `%XX` (uppercase hex).
pub fn escape_name(name: &OsStr) -> String {
    let mut out = String::with_capacity(name.len());
    for chunk in name.as_bytes().utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '%' || c.is_control() {
                let mut buf = [0u8; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            } else {
                out.push(c);
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A case found in the drop folder, not yet staged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseDir {
    /// The folder name, escaped.
    pub case_id: String,
    /// The folder (`None` for [`ROOT_CASE_ID`], whose entries are all rejected).
    pub dir: Option<PathBuf>,
    /// The drop folder, canonical: symlink targets must stay inside it.
    drop: PathBuf,
    /// Entries of the drop folder itself that are not case folders.
    rejected: Vec<(String, QuarantineKey)>,
}

/// A quarantine reason with its message, orderable.
#[derive(Debug, Clone, PartialEq, Eq)]
struct QuarantineKey(QuarantineReason, String);

impl PartialOrd for QuarantineKey {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for QuarantineKey {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.0.as_str(), &self.1).cmp(&(other.0.as_str(), &other.1))
    }
}

/// What a directory entry is to ingest.
enum Entry {
    /// Not looked at (hidden, `gold.json`).
    Ignored,
    /// A regular file: the path to open (a symlink's target, resolved).
    File(PathBuf),
    /// A folder (listed as a case in the drop folder, refused inside a case).
    Dir,
    /// Anything else, or a symlink that may not be followed.
    Rejected(QuarantineReason, String),
}

/// Look at an entry without opening it: never follow a symlink out of the drop
/// folder (unless allowed), never open a FIFO or a device.
fn look(path: &Path, name: &OsStr, drop: &Path, opts: &IngestOptions) -> Entry {
    if ignored(name) {
        return Entry::Ignored;
    }
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => {
            return Entry::Rejected(
                QuarantineReason::Unreadable,
                format!("cannot read file: {e}"),
            )
        }
    };
    let (meta, target) = if meta.file_type().is_symlink() {
        let target = match std::fs::canonicalize(path) {
            Ok(t) => t,
            Err(e) => {
                return Entry::Rejected(
                    QuarantineReason::Unreadable,
                    format!("symbolic link that cannot be resolved: {e}"),
                )
            }
        };
        if !target.starts_with(drop) && !opts.follow_symlinks_outside_drop {
            return Entry::Rejected(
                QuarantineReason::SymlinkOutsideDrop,
                "symbolic link to a path outside the drop folder, not followed \
                 (ingest.follow_symlinks_outside_drop allows it)"
                    .into(),
            );
        }
        match std::fs::metadata(&target) {
            Ok(m) => (m, target),
            Err(e) => {
                return Entry::Rejected(
                    QuarantineReason::Unreadable,
                    format!("cannot read file: {e}"),
                )
            }
        }
    } else {
        (meta, path.to_path_buf())
    };
    let ft = meta.file_type();
    if ft.is_dir() {
        Entry::Dir
    } else if ft.is_file() {
        Entry::File(target)
    } else {
        Entry::Rejected(QuarantineReason::NotARegularFile, not_regular(&ft))
    }
}

fn not_regular(ft: &std::fs::FileType) -> String {
    pa_types::docfile::OpenError::NotRegular(pa_types::docfile::file_kind(ft)).to_string()
}

/// List the cases of a drop folder, sorted by case id. Nothing inside the case
/// folders is read: a run stages its cases a few at a time ([`stage`]), so
/// memory does not grow with the drop folder. Entries of the drop folder that
/// are not case folders (files, FIFOs, symlinks leaving the drop) become the
/// quarantined documents of the case [`ROOT_CASE_ID`].
pub fn list_cases(drop: &Path, opts: &IngestOptions) -> Result<Vec<CaseDir>, IngestError> {
    let err = |source| IngestError::DropFolder {
        path: drop.to_path_buf(),
        source,
    };
    let canon = std::fs::canonicalize(drop).map_err(err)?;
    let mut cases = Vec::new();
    let mut rejected = Vec::new();
    for entry in std::fs::read_dir(drop).map_err(err)? {
        let entry = entry.map_err(err)?;
        let raw = entry.file_name();
        let name = escape_name(&raw);
        match look(&entry.path(), &raw, &canon, opts) {
            Entry::Ignored => {}
            Entry::Dir => cases.push(CaseDir {
                case_id: name,
                dir: Some(entry.path()),
                drop: canon.clone(),
                rejected: Vec::new(),
            }),
            Entry::File(_) => rejected.push((
                name,
                QuarantineKey(
                    QuarantineReason::NotInCaseFolder,
                    "a file directly in the drop folder, not in a case folder: not read".into(),
                ),
            )),
            Entry::Rejected(reason, message) => {
                rejected.push((name, QuarantineKey(reason, message)))
            }
        }
    }
    if !rejected.is_empty() {
        rejected.sort();
        tracing::warn!(
            entries = rejected.len(),
            case_id = ROOT_CASE_ID,
            "drop folder entries that are not case folders"
        );
        cases.push(CaseDir {
            case_id: ROOT_CASE_ID.into(),
            dir: None,
            drop: canon,
            rejected,
        });
    }
    cases.sort();
    Ok(cases)
}

/// Stage one case: list its documents in file-name order, hash each, and mark
/// duplicates and files that cannot be read.
pub fn stage(case: CaseDir, opts: &IngestOptions) -> StagedCase {
    let CaseDir {
        case_id,
        dir,
        drop,
        rejected,
    } = case;
    // (escaped file name, path as found, what it is)
    let mut files: Vec<(String, PathBuf, Entry)> = Vec::new();
    for (name, QuarantineKey(reason, message)) in rejected {
        files.push((name, PathBuf::new(), Entry::Rejected(reason, message)));
    }
    if let Some(dir) = &dir {
        if let Err(e) = list_case_folder(dir, &drop, opts, &mut files) {
            tracing::error!(case_id = %case_id, error = %e, "cannot list case folder");
            return StagedCase {
                case_id,
                docs: Vec::new(),
                error: Some(e.to_string()),
            };
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let ids = doc_ids(files.iter().map(|f| f.0.as_str()));

    // sha256 -> doc_id of the first document with those bytes.
    let mut seen: HashMap<String, String> = HashMap::new();
    let docs = files
        .into_iter()
        .zip(ids)
        .map(|((file_name, path, what), doc_id)| {
            let doc = StagedDoc {
                case_id: case_id.clone(),
                doc_id,
                file_name,
                path,
                sha256: String::new(),
                size: 0,
                status: DocStatus::Ok,
                reason: None,
            };
            stage_doc(doc, what, &mut seen, opts)
        })
        .collect();
    StagedCase {
        case_id,
        docs,
        error: None,
    }
}

/// List a case folder into `files` as (escaped file name, path, what it is):
/// folders inside it and files of a type the pipeline does not read become
/// rejected entries; ignored entries are left out.
fn list_case_folder(
    dir: &Path,
    drop: &Path,
    opts: &IngestOptions,
    files: &mut Vec<(String, PathBuf, Entry)>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let raw = entry.file_name();
        let path = entry.path();
        let what = match look(&path, &raw, drop, opts) {
            Entry::Ignored => continue,
            Entry::Dir => Entry::Rejected(
                QuarantineReason::NotARegularFile,
                "a folder inside a case folder: its files are not read".into(),
            ),
            Entry::File(target) => by_extension(&raw, target, opts),
            rejected => rejected,
        };
        files.push((escape_name(&raw), path, what));
    }
    Ok(())
}

/// A regular file in a case folder, kept if its extension is one the pipeline
/// reads (`ingest.extensions`), else rejected as an unsupported type.
fn by_extension(raw: &OsStr, target: PathBuf, opts: &IngestOptions) -> Entry {
    let ext = Path::new(raw)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if opts.extensions.contains(&ext) {
        return Entry::File(target);
    }
    Entry::Rejected(
        QuarantineReason::UnsupportedType,
        if ext.is_empty() {
            "no file extension: not a type the pipeline reads".into()
        } else {
            format!(
                "extension .{} is not a type the pipeline reads (ingest.extensions)",
                escape_name(OsStr::new(&ext))
            )
        },
    )
}

/// Stage one listed document: a rejected entry is quarantined with its reason;
/// a file is hashed and quarantined when empty, too large or unreadable, or
/// marked a duplicate of the first document in `seen` with the same bytes.
fn stage_doc(
    mut doc: StagedDoc,
    what: Entry,
    seen: &mut HashMap<String, String>,
    opts: &IngestOptions,
) -> StagedDoc {
    let target = match what {
        Entry::File(target) => target,
        Entry::Rejected(reason, message) => {
            tracing::warn!(case_id = %doc.case_id, doc_id = %doc.doc_id, reason = reason.as_str(), "document quarantined");
            doc.status = DocStatus::Quarantined;
            doc.reason = Some((reason, message));
            return doc;
        }
        Entry::Ignored | Entry::Dir => unreachable!("filtered above"),
    };
    // The resolved path: what was checked is what extraction opens.
    doc.path = target;
    match hash_file(&doc.path) {
        Ok((sha, size)) => {
            doc.sha256 = sha;
            doc.size = size;
            if size == 0 {
                doc.status = DocStatus::Quarantined;
                doc.reason = Some((QuarantineReason::Empty, "empty file (0 bytes)".into()));
            } else if size > opts.max_file_bytes {
                doc.status = DocStatus::Quarantined;
                doc.reason = Some((
                    QuarantineReason::TooLarge,
                    format!(
                        "file is {size} bytes, over the {} byte limit",
                        opts.max_file_bytes
                    ),
                ));
            } else if let Some(first) = seen.get(&doc.sha256) {
                doc.status = DocStatus::Duplicate;
                doc.reason = Some((
                    QuarantineReason::Duplicate,
                    format!("same bytes as {first}"),
                ));
            } else {
                seen.insert(doc.sha256.clone(), doc.doc_id.clone());
            }
        }
        Err(HashError::Open(e)) => {
            let (reason, message) = e.quarantine();
            tracing::warn!(case_id = %doc.case_id, doc_id = %doc.doc_id, reason = reason.as_str(), "document quarantined");
            doc.status = DocStatus::Quarantined;
            doc.reason = Some((reason, message));
        }
        Err(HashError::Read(e)) => {
            tracing::warn!(case_id = %doc.case_id, doc_id = %doc.doc_id, error = %e, "cannot read document");
            doc.status = DocStatus::Quarantined;
            doc.reason = Some((
                QuarantineReason::Unreadable,
                format!("cannot read file: {e}"),
            ));
        }
    }
    doc
}

/// doc_id per (sorted, escaped) file name: the file stem; where stems collide
/// (`a.pdf`, `a.txt`), or a stem equals another's id (`a.txt.pdf`), the whole
/// file name, which is unique in its folder.
fn doc_ids<'a>(names: impl Iterator<Item = &'a str>) -> Vec<String> {
    let names: Vec<&str> = names.collect();
    let mut ids: Vec<String> = names.iter().map(|n| stem_of(n)).collect();
    let mut whole = vec![false; names.len()];
    loop {
        let mut count: HashMap<&str, usize> = HashMap::new();
        for id in &ids {
            *count.entry(id.as_str()).or_default() += 1;
        }
        // Whole names are unique in a folder: every clash has a stem in it.
        let clash: Vec<usize> = (0..ids.len())
            .filter(|&i| !whole[i] && count[ids[i].as_str()] > 1)
            .collect();
        if clash.is_empty() {
            return ids;
        }
        for i in clash {
            ids[i] = names[i].to_string();
            whole[i] = true;
        }
    }
}

fn stem_of(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

enum HashError {
    Open(pa_types::docfile::OpenError),
    Read(std::io::Error),
}

/// sha256 and size of a regular file, streamed; files over the size limit are
/// hashed anyway so that reruns can still recognise them. The file is opened
/// through [`pa_types::docfile::open_document`], as extraction opens it.
fn hash_file(path: &Path) -> Result<(String, u64), HashError> {
    let mut f = pa_types::docfile::open_document(path).map_err(HashError::Open)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf).map_err(HashError::Read)?;
        if n == 0 {
            break;
        }
        size += n as u64;
        h.update(&buf[..n]);
    }
    Ok((format!("{:x}", h.finalize()), size))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every case of a drop folder, staged.
    fn ingest(drop: &Path, opts: &IngestOptions) -> Result<Vec<StagedCase>, IngestError> {
        Ok(list_cases(drop, opts)?
            .into_iter()
            .map(|case| stage(case, opts))
            .collect())
    }

    fn opts() -> IngestOptions {
        IngestOptions {
            extensions: vec!["pdf".into(), "txt".into()],
            max_file_bytes: 1 << 20,
            follow_symlinks_outside_drop: false,
        }
    }

    #[test]
    fn stages_cases_marks_duplicates_and_ignores_non_documents() {
        let tmp = tempfile::tempdir().unwrap();
        let case = tmp.path().join("case-a");
        std::fs::create_dir_all(&case).unwrap();
        std::fs::write(case.join("note.txt"), "Patient seen.").unwrap();
        std::fs::write(case.join("copy.txt"), "Patient seen.").unwrap();
        std::fs::write(case.join("empty.pdf"), "").unwrap();
        std::fs::write(case.join("gold.json"), "{}").unwrap();
        std::fs::write(case.join(".hidden.txt"), "x").unwrap();
        std::fs::write(case.join("image.docx"), "x").unwrap();
        std::fs::create_dir_all(tmp.path().join("empty-case")).unwrap();

        let cases = ingest(tmp.path(), &opts()).unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].case_id, "case-a");
        let docs = &cases[0].docs;
        let names: Vec<_> = docs.iter().map(|d| d.file_name.as_str()).collect();
        assert_eq!(names, ["copy.txt", "empty.pdf", "image.docx", "note.txt"]);
        assert_eq!(docs[0].status, DocStatus::Ok);
        assert_eq!(docs[1].status, DocStatus::Quarantined);
        let unsupported = docs[2].reason.as_ref().unwrap().0;
        assert_eq!(unsupported, QuarantineReason::UnsupportedType);
        assert_eq!(docs[3].status, DocStatus::Duplicate);
        assert_eq!(docs[0].sha256, docs[3].sha256);
        assert!(cases[1].docs.is_empty());
    }

    #[test]
    fn colliding_stems_keep_distinct_ids() {
        let tmp = tempfile::tempdir().unwrap();
        let case = tmp.path().join("c");
        std::fs::create_dir_all(&case).unwrap();
        std::fs::write(case.join("a.txt"), "one").unwrap();
        std::fs::write(case.join("a.pdf"), "two").unwrap();
        let cases = ingest(tmp.path(), &opts()).unwrap();
        let ids: Vec<_> = cases[0].docs.iter().map(|d| d.doc_id.as_str()).collect();
        assert_eq!(ids, ["a.pdf", "a.txt"]);
    }

    #[test]
    fn colliding_stems_and_whole_names_keep_distinct_ids() {
        let ids = doc_ids(["a.pdf", "a.txt", "a.txt.pdf", "b.txt"].into_iter());
        assert_eq!(ids, ["a.pdf", "a.txt", "a.txt.pdf", "b"]);
    }

    #[test]
    fn names_escape_losslessly_and_injectively() {
        use std::os::unix::ffi::OsStrExt;
        let e = |b: &[u8]| escape_name(OsStr::from_bytes(b));
        assert_eq!(e(b"c09-caf\xe9"), "c09-caf%E9");
        assert_eq!(e(b"c09-caf\xe8"), "c09-caf%E8");
        assert_eq!(e("café".as_bytes()), "café");
        assert_eq!(e(b"50%"), "50%25");
        assert_eq!(e(b"a\x1b[31m"), "a%1B[31m");
        assert_ne!(e(b"%E9"), e(b"\xe9"));
        assert_ne!(e(b"root"), ROOT_CASE_ID);
        assert_ne!(e(b"%root"), ROOT_CASE_ID);
    }

    #[test]
    fn fifos_symlinks_out_of_the_drop_and_root_files_get_rows() {
        let tmp = tempfile::tempdir().unwrap();
        let drop = tmp.path().join("drop");
        let case = drop.join("c");
        std::fs::create_dir_all(&case).unwrap();
        let outside = tmp.path().join("secret.txt");
        std::fs::write(&outside, "outside the drop").unwrap();
        std::fs::write(case.join("note.txt"), "Patient seen.").unwrap();
        std::os::unix::fs::symlink(&outside, case.join("passwd.txt")).unwrap();
        std::os::unix::fs::symlink(case.join("note.txt"), case.join("inside.txt")).unwrap();
        let fifo = std::ffi::CString::new(case.join("x.pdf").as_os_str().as_bytes()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
        std::fs::write(drop.join("stray.txt"), "x").unwrap();
        std::os::unix::fs::symlink(tmp.path(), drop.join("linked-case")).unwrap();

        let cases = ingest(&drop, &opts()).unwrap();
        let ids: Vec<_> = cases.iter().map(|c| c.case_id.as_str()).collect();
        assert_eq!(ids, [ROOT_CASE_ID, "c"]);
        let reason = |c: &StagedCase, name: &str| {
            let d = c.docs.iter().find(|d| d.file_name == name).unwrap();
            d.reason.as_ref().map(|r| r.0.as_str())
        };
        assert_eq!(reason(&cases[0], "stray.txt"), Some("not_in_case_folder"));
        assert_eq!(
            reason(&cases[0], "linked-case"),
            Some("symlink_outside_drop")
        );
        // The link inside the drop is read: same bytes as the note it points to.
        assert_eq!(reason(&cases[1], "inside.txt"), None);
        assert_eq!(reason(&cases[1], "note.txt"), Some("duplicate"));
        assert_eq!(
            reason(&cases[1], "passwd.txt"),
            Some("symlink_outside_drop")
        );
        assert_eq!(reason(&cases[1], "x.pdf"), Some("not_a_regular_file"));

        // Allowed by the setting, the link outside is read.
        let cases = ingest(
            &drop,
            &IngestOptions {
                follow_symlinks_outside_drop: true,
                ..opts()
            },
        )
        .unwrap();
        let c = cases.iter().find(|c| c.case_id == "c").unwrap();
        assert_eq!(reason(c, "passwd.txt"), None);
    }
}
