//! The producer matrix (`tests/producers`, made by its `make.sh`): three
//! clinical source texts rendered to PDF by eleven real producers (Ghostscript
//! by three routes, Chromium, LibreOffice, reportlab, fpdf2, Cairo, WeasyPrint,
//! wkhtmltopdf, pdfTeX) and scanned at 150, 200 and 300 dpi, mono and gray. The
//! page text we write must hold the source's words (bag-of-words recall, by
//! `tests/producers/recall.py`), whoever made the PDF.

use std::collections::BTreeMap;
use std::process::Command;

use crate::common::{ocr_available, root, run};

/// Text-layer files: nearly every word back.
const TEXT_FLOOR: f64 = 0.98;
/// Scans go through tesseract.
const SCAN_FLOOR: f64 = 0.90;
/// A document whose text lost this much is not `ok`.
const OK_FLOOR: f64 = 0.90;

#[test]
fn every_producer_keeps_the_words() {
    let dir = root().join("tests/producers");
    let tsv = std::fs::read_to_string(dir.join("producers.tsv")).unwrap();
    let kinds: BTreeMap<String, String> = tsv
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f[0].to_string(), f[3].to_string())
        })
        .collect();
    let ocr = ocr_available();
    if !ocr {
        eprintln!("producer matrix: skipping the scans (tesseract or pdftoppm missing)");
    }

    // One case per producer, holding its three sources.
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    let mut n = 0;
    for (file, kind) in &kinds {
        if kind == "scan" && !ocr {
            continue;
        }
        let (producer, _) = file.split_once("__").expect("<producer>__<source>.pdf");
        let case = drop.join(producer);
        std::fs::create_dir_all(&case).unwrap();
        std::fs::copy(dir.join("pdf").join(file), case.join(file)).unwrap();
        n += 1;
    }
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "exit {code}: {stderr}");

    let o = Command::new("python3")
        .arg(dir.join("recall.py"))
        .arg("score")
        .arg(&out)
        .arg("--table")
        .output()
        .expect("python3 runs (make test installs duckdb)");
    eprintln!("{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "recall.py failed");
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let docs = report["documents"].as_array().unwrap();
    assert_eq!(docs.len(), n, "one documents row per file");

    let mut failures = Vec::new();
    for d in docs {
        let recall = d["recall"].as_f64().unwrap();
        let floor = if d["kind"] == "scan" {
            SCAN_FLOOR
        } else {
            TEXT_FLOOR
        };
        let line = format!(
            "{}: recall {recall:.4}, status {} {}, missing {}",
            d["file_name"].as_str().unwrap(),
            d["status"],
            d["status_reason"],
            d["missing"]
        );
        if recall < floor {
            failures.push(format!("below {floor}: {line}"));
        }
        if recall < OK_FLOOR && d["status"] == "ok" {
            failures.push(format!("`ok` with text lost: {line}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
