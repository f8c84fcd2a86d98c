//! The real-world PDF corpus (`../shared/corpus/realworld`, copied into a drop
//! folder): hostile and malformed files never stop the run, every file gets
//! exactly one `documents` row, and every citation still verifies.

use std::process::Command;

use crate::common::{check_output, config_without_ocr, ocr_available, shared_corpus};

fn run_with_config(
    drop: &std::path::Path,
    out: &std::path::Path,
    config: &std::path::Path,
) -> (i32, String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(["run", "--drop"])
        .arg(drop)
        .arg("--out")
        .arg(out)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every real-world PDF and every real PA form, OCR off (the scans among them
/// would take minutes, and some are huge bitmaps that must never be rendered
/// at 300 dpi in CI): each ends `ok` or `quarantined` with a reason.
#[test]
fn realworld_corpus_never_kills_the_run() {
    let Some(corpus) = shared_corpus("realworld") else {
        return;
    };
    let forms = shared_corpus("forms");
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("drop/realworld");
    std::fs::create_dir_all(&case).unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(&corpus).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "pdf") {
            std::fs::copy(&p, case.join(p.file_name().unwrap())).unwrap();
            n += 1;
        }
    }
    if let Some(forms) = forms {
        let fcase = tmp.path().join("drop/forms");
        std::fs::create_dir_all(&fcase).unwrap();
        for e in std::fs::read_dir(&forms).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "pdf") {
                std::fs::copy(&p, fcase.join(p.file_name().unwrap())).unwrap();
                n += 1;
            }
        }
    }
    let out = tmp.path().join("out");
    let config = config_without_ocr(tmp.path());
    let (code, _stdout, stderr) = run_with_config(&tmp.path().join("drop"), &out, &config);
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

/// A real fax (CCITT G4, 204x196 dpi, 3 pages) goes through OCR.
#[test]
fn a_real_fax_is_read_by_ocr() {
    let Some(corpus) = shared_corpus("realworld") else {
        return;
    };
    if !ocr_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("drop/fax");
    std::fs::create_dir_all(&case).unwrap();
    let name = "derived_fax-g4-204x196dpi_3pages_ocrmypdf-images.pdf";
    std::fs::copy(corpus.join(name), case.join(name)).unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = crate::common::run(&tmp.path().join("drop"), &out);
    assert_eq!(code, 0, "{stderr}");
    let o = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import duckdb; print(duckdb.sql(\"select count(*), min(ocr_confidence), sum(n_chars), min(text_source), max(text_source) from read_parquet('{}/pages/**/*.parquet')\").fetchall()[0])",
            out.display()
        ))
        .output()
        .unwrap();
    let row = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(row.starts_with("(3, "), "{row}");
    assert!(row.contains("'ocr', 'ocr'"), "{row}");
}

/// A filled PA request form: its field values become page text that claims and
/// citations can point at.
#[test]
fn filled_form_fields_become_page_text() {
    let Some(forms) = shared_corpus("forms") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("drop/form");
    std::fs::create_dir_all(&case).unwrap();
    let name = "texas_TDI_NOFR001_standard_PA_request_FILLED_synthetic_demo.pdf";
    std::fs::copy(forms.join(name), case.join(name)).unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run_with_config(
        &tmp.path().join("drop"),
        &out,
        &config_without_ocr(tmp.path()),
    );
    assert_eq!(code, 0, "{stderr}");
    let report = check_output(&out);
    assert_eq!(report["documents"][0]["kind"], "request_form");
    let claims = report["claims"].as_array().unwrap();
    let from_fields = claims
        .iter()
        .find(|c| c["text"].as_str().unwrap().contains("naproxen 500mg BID"));
    assert!(
        from_fields.is_some(),
        "a claim from the clinical-documentation field: {claims:?}"
    );
    let o = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import duckdb; print(duckdb.sql(\"select string_agg(text, ' ') from read_parquet('{}/pages/**/*.parquet')\").fetchall()[0][0])",
            out.display()
        ))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("FORM FIELDS"), "{text}");
    assert!(
        text.contains("Planned Service or Procedure Code Row 1: 72148"),
        "{text}"
    );
}
