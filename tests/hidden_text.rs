//! Text nobody can see is not evidence (issue 17, item 4). Our fixtures
//! (`tests/fixtures/hidden/`, made by the script beside them): a clinic note
//! hiding one supporting sentence by each trick (invisible render mode, white
//! on white, 0.5 pt, off the media box, outside the crop box, clipped away),
//! and a searchable scan (tesseract's image plus invisible text layer), whose
//! invisible text is the page's content and is kept.

use std::path::Path;
use std::process::Command;

use crate::common::{config_without_ocr, root};

const HIDDEN: &[&str] = &[
    "ZEBRAONE",
    "ZEBRATWO",
    "ZEBRATHREE",
    "ZEBRAFOUR",
    "ZEBRAFIVE",
    "ZEBRASIX",
];

const LETTER: &str = "LETTER OF MEDICAL NECESSITY\nDate: 10/20/2026\nRe: MRI lumbar spine (CPT 72148)\n\
The patient has lumbar radiculopathy confirmed on EMG. She completed 12 weeks of physical therapy \
without relief and failed naproxen and gabapentin. She has a severe neurological deficit with foot drop. \
Conservative treatment was exhausted over six months, and symptoms have persisted for more than six months.\n";

/// Run on `files` (case, name, source) with OCR off; return the output folder's parent.
fn run_on(files: &[(&str, &str, &Path)], letter: bool) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    for (case, name, src) in files {
        std::fs::create_dir_all(drop.join(case)).unwrap();
        std::fs::copy(src, drop.join(case).join(name)).unwrap();
        if letter {
            std::fs::write(drop.join(case).join("letter.txt"), LETTER).unwrap();
        }
    }
    let config = config_without_ocr(tmp.path());
    let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(["run", "--drop"])
        .arg(&drop)
        .arg("--out")
        .arg(tmp.path().join("out"))
        .arg("--config")
        .arg(&config)
        .env_remove("PRIORAUTH_LOG")
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    tmp
}

/// Every row of every table of `out`, as JSON text, by table.
fn all_rows(out: &Path) -> serde_json::Value {
    let q = Command::new("python3")
        .arg("-c")
        .arg(
            "import duckdb, json, sys, glob\n\
             out = sys.argv[1]\n\
             res = {}\n\
             for t in ['documents', 'pages', 'summaries', 'claims', 'criteria', 'facts', 'cases']:\n\
             \x20   if glob.glob(f'{out}/{t}/**/*.parquet', recursive=True):\n\
             \x20       r = duckdb.sql(f\"select * from read_parquet('{out}/{t}/**/*.parquet')\")\n\
             \x20       res[t] = [dict(zip(r.columns, row)) for row in r.fetchall()]\n\
             print(json.dumps(res, default=str))",
        )
        .arg(out)
        .output()
        .expect("python3 runs (make test installs duckdb)");
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    serde_json::from_slice(&q.stdout).unwrap()
}

#[test]
fn hidden_text_reaches_no_claim_evidence_summary_or_page() {
    let note = root().join("tests/fixtures/hidden/hidden_tricks.pdf");
    let tmp = run_on(&[("hidden-001", "note.pdf", &note)], true);
    let out = tmp.path().join("out");
    let rows = all_rows(&out);
    for (table, rows) in rows.as_object().unwrap() {
        let text = serde_json::to_string(rows).unwrap();
        for w in HIDDEN {
            assert!(!text.contains(w), "hidden word {w} in the {table} table");
        }
    }
    let pages = &rows["pages"];
    let note_page = pages
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["doc_id"] == "note")
        .expect("the note's page");
    let text = note_page["text"].as_str().unwrap();
    assert!(text.contains("low back pain"), "{text}");
    assert!(
        text.contains("BANNERKEEP"),
        "white text on a black box is visible: {text}"
    );
    assert!(note_page["hidden_chars"].as_i64().unwrap() > 0);
    let doc = rows["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["doc_id"] == "note")
        .unwrap();
    let hidden = doc["hidden_chars"].as_i64().unwrap();
    // Six sentences of 40-70 letters each.
    assert!(hidden > 250, "hidden_chars {hidden}");
    assert_eq!(doc["status"], "ok");
    // The reviewer is told, on the case page (a case with hidden text needs review).
    let page = std::fs::read_to_string(out.join("review/hidden-001.html")).unwrap();
    assert!(page.contains("id=\"hidden-text\""), "no hidden-text notice");
    for w in HIDDEN {
        assert!(!page.contains(w), "hidden word {w} on the review page");
    }
    let letter = rows["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["doc_id"] == "letter")
        .unwrap();
    assert_eq!(letter["hidden_chars"].as_i64(), Some(0));
}

#[test]
fn a_searchable_scan_keeps_its_invisible_text_as_ocr_layer() {
    let scan = root().join("tests/fixtures/hidden/searchable_scan.pdf");
    let tmp = run_on(&[("scan-001", "pt_note.pdf", &scan)], true);
    let rows = all_rows(&tmp.path().join("out"));
    let page = rows["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["doc_id"] == "pt_note")
        .expect("the scan's page");
    let text = page["text"].as_str().unwrap();
    assert!(
        text.contains("physical therapy") && text.contains("naproxen"),
        "{text}"
    );
    assert_eq!(page["extractor"], "ocr_layer");
    assert_eq!(page["text_source"], "text", "read without OCR (OCR is off)");
    assert_eq!(page["hidden_chars"].as_i64(), Some(0));
    let doc = rows["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["doc_id"] == "pt_note")
        .unwrap();
    assert_eq!(doc["status"], "ok");
    assert_eq!(doc["hidden_chars"].as_i64(), Some(0));
}
