//! Ingest: list the case folders of a drop folder (`<drop>/<case_id>/<files>`);
//! staging a case hashes every document and marks exact duplicates within it and
//! files that cannot be read.
//! Nothing is lost: every document file becomes a [`StagedDoc`], whatever its state.
#![warn(missing_docs)]

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use pa_types::{DocStatus, QuarantineReason, StagedDoc};
use sha2::{Digest, Sha256};

/// Errors that stop ingest as a whole (a bad document never does).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IngestError {
    /// The drop folder itself cannot be listed.
    #[error("cannot read drop folder {path}: {source}")]
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
    /// The folder name.
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
}

/// True for names the drop layout ignores: hidden files, `gold.json`, editor leftovers.
fn ignored(name: &str) -> bool {
    name.starts_with('.') || name.starts_with('~') || name == "gold.json"
}

/// A case folder found in the drop folder, not yet staged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct CaseDir {
    /// The folder name.
    pub case_id: String,
    /// The folder.
    pub dir: PathBuf,
}

/// List the case folders of a drop folder, sorted by case id. Nothing inside
/// them is read: a run stages its cases a few at a time ([`stage`]), so memory
/// does not grow with the drop folder.
pub fn list_cases(drop: &Path) -> Result<Vec<CaseDir>, IngestError> {
    let err = |source| IngestError::DropFolder {
        path: drop.to_path_buf(),
        source,
    };
    let mut cases = Vec::new();
    for entry in std::fs::read_dir(drop).map_err(err)? {
        let entry = entry.map_err(err)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if ignored(&name) || !entry.path().is_dir() {
            continue;
        }
        cases.push(CaseDir {
            case_id: name,
            dir: entry.path(),
        });
    }
    cases.sort();
    Ok(cases)
}

/// Stage one case: list its documents in file-name order, hash each, and mark
/// duplicates and files that cannot be read.
pub fn stage(case: CaseDir, opts: &IngestOptions) -> StagedCase {
    let CaseDir { case_id, dir } = case;
    let mut files = Vec::new();
    let listing = std::fs::read_dir(&dir).and_then(|it| {
        for entry in it {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let ext = Path::new(&name)
                .extension()
                .map(|e| e.to_string_lossy().to_lowercase())
                .unwrap_or_default();
            if ignored(&name) || !opts.extensions.contains(&ext) || entry.path().is_dir() {
                continue;
            }
            files.push((name, entry.path()));
        }
        Ok(())
    });
    if let Err(e) = listing {
        tracing::warn!(case_id = %case_id, error = %e, "cannot list case folder");
        return StagedCase {
            case_id,
            docs: Vec::new(),
            error: Some(e.to_string()),
        };
    }
    files.sort();

    // doc_id is the file stem; when two files share a stem (`a.pdf`, `a.txt`), the
    // whole file name keeps them apart.
    let mut stem_count: HashMap<String, usize> = HashMap::new();
    for (name, _) in &files {
        *stem_count.entry(stem_of(name)).or_default() += 1;
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    let docs = files
        .into_iter()
        .map(|(file_name, path)| {
            let stem = stem_of(&file_name);
            let doc_id = if stem_count[&stem] > 1 { file_name.clone() } else { stem };
            let mut doc = StagedDoc {
                case_id: case_id.clone(),
                doc_id,
                file_name,
                path,
                sha256: String::new(),
                size: 0,
                status: DocStatus::Ok,
                reason: None,
            };
            match hash_file(&doc.path, opts.max_file_bytes) {
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
                            format!("file is {size} bytes, over the {} byte limit", opts.max_file_bytes),
                        ));
                    } else if let Some(first) = seen.get(&doc.sha256) {
                        doc.status = DocStatus::Duplicate;
                        doc.reason = Some((QuarantineReason::Duplicate, format!("same bytes as {first}")));
                    } else {
                        seen.insert(doc.sha256.clone(), doc.doc_id.clone());
                    }
                }
                Err(e) => {
                    tracing::warn!(case_id = %doc.case_id, doc_id = %doc.doc_id, error = %e, "cannot read document");
                    doc.status = DocStatus::Quarantined;
                    doc.reason = Some((QuarantineReason::Unreadable, format!("cannot read file: {e}")));
                }
            }
            doc
        })
        .collect();
    StagedCase {
        case_id,
        docs,
        error: None,
    }
}

fn stem_of(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// sha256 and size of a file, streamed; files over `limit` are hashed anyway so
/// that reruns can still recognise them.
fn hash_file(path: &Path, _limit: u64) -> std::io::Result<(String, u64)> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = f.read(&mut buf)?;
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
        Ok(list_cases(drop)?
            .into_iter()
            .map(|case| stage(case, opts))
            .collect())
    }

    fn opts() -> IngestOptions {
        IngestOptions {
            extensions: vec!["pdf".into(), "txt".into()],
            max_file_bytes: 1 << 20,
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
        std::fs::write(case.join("image.png"), "x").unwrap();
        std::fs::create_dir_all(tmp.path().join("empty-case")).unwrap();

        let cases = ingest(tmp.path(), &opts()).unwrap();
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].case_id, "case-a");
        let docs = &cases[0].docs;
        let names: Vec<_> = docs.iter().map(|d| d.file_name.as_str()).collect();
        assert_eq!(names, ["copy.txt", "empty.pdf", "note.txt"]);
        assert_eq!(docs[0].status, DocStatus::Ok);
        assert_eq!(docs[1].status, DocStatus::Quarantined);
        assert_eq!(docs[2].status, DocStatus::Duplicate);
        assert_eq!(docs[0].sha256, docs[2].sha256);
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
}
