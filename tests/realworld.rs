//! The real-world PDF corpus (`../shared/corpus/realworld`, read in place through
//! symlinks): hostile and malformed files never stop the run, every file gets
//! exactly one `documents` row, and every citation still verifies.

use crate::common::{check_output, run, shared_corpus};

#[test]
fn realworld_corpus_never_kills_the_run() {
    let Some(corpus) = shared_corpus("realworld") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("drop/realworld");
    std::fs::create_dir_all(&case).unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(&corpus).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "pdf") {
            std::os::unix::fs::symlink(&p, case.join(p.file_name().unwrap())).unwrap();
            n += 1;
        }
    }
    let out = tmp.path().join("out");
    let (code, _stdout, stderr) = run(&tmp.path().join("drop"), &out);
    assert_eq!(code, 2, "{stderr}");
    let report = check_output(&out);
    let docs = report["documents"].as_array().unwrap();
    assert_eq!(docs.len(), n, "one row per file");
    let ok = docs.iter().filter(|d| d["status"] == "ok").count();
    // pdftotext reads text from 203 of these files (notes/extraction-facts.md).
    assert!(ok >= 140, "only {ok} of {n} files gave text");
    for d in docs.iter().filter(|d| d["status"] == "quarantined") {
        assert!(d["status_reason"].is_string(), "{d}");
    }
}
