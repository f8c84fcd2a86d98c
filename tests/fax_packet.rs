//! A file that holds several documents: a fax of a cover sheet, a two-page
//! letter and the consultation note behind it. Each page range gets its own
//! kind (`documents.parts`), the cover sheet and the note's lines are no
//! claims, and the review page names the parts.

use std::process::Command;

use crate::common::run;

const COVER: &str = "NORTHFIELD SURGERY\nFACSIMILE COVER SHEET\nDate: 02/18/2027\n\
To: Acme Health Plan - Utilization Management\nFax: 555-0162\nFrom: J. Lee, surgical scheduler\n\
Phone: 555-0109\nNumber of pages including cover: 4\n\
Re: Prior authorization - panniculectomy (CPT 15830)\n\
This transmission may contain confidential health information. If you are not the intended \
recipient, notify the sender and destroy this document.\n";

const LETTER_1: &str = "NORTHFIELD SURGERY\n12 Mill Road, Springvale\n\nFebruary 18, 2027\n\n\
RE: Jane Roe, DOB 01/02/1980, Member ID AC-123\nRequested procedure: panniculectomy, CPT 15830\n\n\
Dear Medical Director:\n\nI am writing to request authorization for a panniculectomy for my \
patient, Ms. Roe.\n\nShe has had recurrent candidal intertrigo beneath the pannus for more than \
three months despite nystatin powder.\n";

const LETTER_2: &str = "Jane Roe - letter of medical necessity, page 2\n\n\
Her weight has been stable for more than 12 months.\n\nLast fall she developed cellulitis of the \
abdominal wall requiring IV antibiotics.\n\nSincerely,\n\nA. Surgeon, MD\n";

const CONSULT: &str = "NORTHFIELD SURGERY - NEW PATIENT CONSULTATION\nDate: 01/21/2027\n\
Patient: Roe, Jane\nHPI: 47 yo F s/p sleeve gastrectomy 2023 with a symptomatic pannus.\n\
Exam: Wt 176 lb. Erythema and maceration in the infrapannicular fold.\n\
A/P: Symptomatic pannus after massive weight loss. Will request authorization.\n";

const DERM: &str = "RIVERSIDE DERMATOLOGY - OFFICE VISIT\nDate of service: 01/05/2027\n\
Patient: Jane Roe\nAssessment: candidal intertrigo under the pannus, recurrent since 09/2026 \
despite nystatin powder.\nWeight stable within 3 lb since 2025.\n";

#[test]
fn a_fax_of_several_documents_is_read_as_its_parts() {
    let tmp = tempfile::tempdir().unwrap();
    let case = tmp.path().join("drop/packet");
    std::fs::create_dir_all(&case).unwrap();
    // Pages of a text file are split on form feeds.
    std::fs::write(
        case.join("fax_20270218.txt"),
        [COVER, LETTER_1, LETTER_2, CONSULT].join("\u{c}"),
    )
    .unwrap();
    std::fs::write(case.join("derm_note.txt"), DERM).unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&tmp.path().join("drop"), &out);
    assert_eq!(code, 0, "{stderr}");
    let q = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import duckdb, json; o = '{}'\n\
             d = duckdb.sql(f\"select doc_id, kind, parts from read_parquet('{{o}}/documents/**/*.parquet') order by doc_id\").fetchall()\n\
             c = duckdb.sql(f\"select doc_id, page, status from read_parquet('{{o}}/claims/**/*.parquet') order by all\").fetchall()\n\
             print(json.dumps({{'docs': d, 'claims': c}}))",
            out.display()
        ))
        .output()
        .expect("python3 runs (make test installs duckdb)");
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    let v: serde_json::Value = serde_json::from_slice(&q.stdout).unwrap();
    let docs = v["docs"].as_array().unwrap();
    assert_eq!(
        docs[0],
        serde_json::json!(["derm_note", "clinical_note", null])
    );
    assert_eq!(
        docs[1],
        serde_json::json!(["fax_20270218", "lmn", "1:other 2-3:lmn 4:clinical_note"])
    );
    let claims = v["claims"].as_array().unwrap();
    let pages: Vec<i64> = claims
        .iter()
        .filter(|c| c[0] == "fax_20270218")
        .map(|c| c[1].as_i64().unwrap())
        .collect();
    // Claims come from the letter's pages only: not from the cover sheet's
    // "Re:" line, nor from the consultation note faxed behind the letter.
    assert!(!pages.is_empty(), "{claims:?}");
    assert!(pages.iter().all(|p| (2..=3).contains(p)), "{claims:?}");
    // The intertrigo claim is borne out by the other file's note.
    assert!(
        claims
            .iter()
            .any(|c| c[0] == "fax_20270218" && c[1] == 2 && c[2] == "supported"),
        "{claims:?}"
    );
    // The review page names each part.
    let page = walkdir_html(&out.join("review"));
    assert!(
        page.contains("pages 1:other 2-3:lmn 4:clinical_note"),
        "no parts on the review page"
    );
}

/// Every review page under `dir`, concatenated.
fn walkdir_html(dir: &std::path::Path) -> String {
    let mut all = String::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                all.push_str(&std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    all
}
