//! Forms as filled: the answers of PA request forms become page text under
//! `FORM FIELDS`, however the form was filled. Our own fixture
//! (`tests/fixtures/forms/filled_request.pdf`, made by the script beside it)
//! has a radio group, a checked and an unchecked check box, FreeText
//! annotations (one rich text only), a sticky note and an Ink tick on a printed
//! box. The real forms of the AutoAuth packets (`../shared/corpus/external/
//! autoauth/drop`) are filled with FreeText annotations and Stamp/Line ticks
//! (Cigna adalimumab), or flattened by Preview: ticks drawn into the page
//! content, some rubbed out with a white stroke (OptumRx Epidiolex, Cigna
//! Blincyto). Every expected answer here was read off the rendered page.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use crate::common::{config_without_ocr, root, shared_corpus};

type Answers = BTreeMap<(String, String, i64), String>;

/// Put each `(case, file)` in a drop folder (copied: symlinks out of the drop folder are not followed), run on it with OCR
/// off, and return the `FORM FIELDS` part of every page, keyed by (case,
/// document, page).
fn form_answers(files: &[(&str, PathBuf)]) -> Answers {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    for (case, file) in files {
        std::fs::create_dir_all(drop.join(case)).unwrap();
        std::fs::copy(file, drop.join(case).join(file.file_name().unwrap())).unwrap();
    }
    let out = tmp.path().join("out");
    let config = config_without_ocr(tmp.path());
    let o = Command::new(env!("CARGO_BIN_EXE_priorauth"))
        .args(["run", "--drop"])
        .arg(&drop)
        .arg("--out")
        .arg(&out)
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
    let q = Command::new("python3")
        .arg("-c")
        .arg(format!(
            "import duckdb, json; print(json.dumps(duckdb.sql(\"select case_id, doc_id, page, text \
             from read_parquet('{}/pages/**/*.parquet') order by all\").fetchall()))",
            out.display()
        ))
        .output()
        .expect("python3 runs (make test installs duckdb)");
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    let rows: Vec<(String, String, i64, String)> = serde_json::from_slice(&q.stdout).unwrap();
    rows.into_iter()
        .filter_map(|(case, doc, page, text)| {
            let (_, answers) = text.split_once("FORM FIELDS\n")?;
            Some(((case, doc, page), answers.to_string()))
        })
        .collect()
}

fn answers_of<'a>(all: &'a Answers, case: &str, doc: &str, page: i64) -> Vec<&'a str> {
    all.get(&(case.to_string(), doc.to_string(), page))
        .map(|t| t.lines().collect())
        .unwrap_or_default()
}

fn assert_answers(
    all: &Answers,
    (case, doc, page): (&str, &str, i64),
    present: &[&str],
    absent: &[&str],
) {
    let lines = answers_of(all, case, doc, page);
    for p in present {
        assert!(
            lines.iter().any(|l| l.contains(p)),
            "{case}/{doc} p.{page}: no answer line with {p:?} in {lines:#?}"
        );
    }
    for a in absent {
        assert!(
            !lines.iter().any(|l| l.contains(a)),
            "{case}/{doc} p.{page}: a line with {a:?} in {lines:#?}"
        );
    }
}

#[test]
fn our_filled_fixture_form_is_read_as_filled() {
    let all = form_answers(&[(
        "fixture",
        root().join("tests/fixtures/forms/filled_request.pdf"),
    )]);
    let lines = answers_of(&all, "fixture", "filled_request", 1);
    assert_eq!(
        lines,
        vec![
            // AcroForm: the radio group by its tooltip, the checked box by the
            // question and the label printed beside it.
            "Methotrexate tried: Yes",
            "Prior therapies (check all that apply): NSAIDs (naproxen 500 mg twice daily)",
            // Annotations and the tick, top to bottom.
            "Patient name: Jordan Example",
            "Comment: Labs from 2026-01-10 attached",
            "Diagnosis: Rheumatoid arthritis (M05.79)",
            "Is this request urgent? No",
            "Prescriber: Dr. Casey Sample, rheumatology",
        ],
        "the unchecked box (Physical therapy) writes nothing"
    );
}

#[test]
fn real_forms_filled_with_annotations_and_flattened_ticks_are_read() {
    let Some(corpus) = shared_corpus("external/autoauth/drop") else {
        return;
    };
    let forms: Vec<(&str, PathBuf)> = [
        ("aa-001-a", "01_a_form.pdf"),
        ("aa-001-b", "01_b_form.pdf"),
        ("aa-002-a", "002_a_form.pdf"),
        ("aa-003-a", "003_a_form.pdf"),
        ("aa-003-b", "003_b_form.pdf"),
    ]
    .into_iter()
    .map(|(case, file)| (case, corpus.join(case).join(file)))
    .collect();
    let all = form_answers(&forms);
    // (case, document, page), lines that must be there, text no line may hold.
    type Expected<'a> = ((&'a str, &'a str, i64), &'a [&'a str], &'a [&'a str]);
    let expected: &[Expected] = &[
        // Cigna adalimumab: FreeText values beside their printed labels; ticks
        // are Stamp and Line annotations (an image and a drawn stroke) on drawn
        // boxes.
        (
            ("aa-001-a", "01_a_form", 1),
            &[
                "* Physician Name: Shiva Pedram, MD",
                "Specialty: Pediatric Gastroenterology",
                "Diagnosis related to use: Crohn",
                "Urgency: Urgent",
                "[For pain medications only]: Does the patient have a terminal illness? No",
                "Has your patient ever received the generic alternative of the requested medication? No",
                "Has your patient ever received any other alternative treatments for this diagnosis? Yes",
                "Patient continued to have bloody stools and abdominal pain with no improvement",
            ],
            &["Urgency: Standard", "terminal illness? Yes", "for this diagnosis? No"],
        ),
        (
            ("aa-001-a", "01_a_form", 2),
            &["Additional pertinent information: (please include other clinical reasons for drug, relevant lab values, etc.): Please see attached clinical notes"],
            &[],
        ),
        (
            ("aa-001-b", "01_b_form", 1),
            &[
                "Specialty: Pediatrics",
                "Has your patient ever received any other alternative treatments for this diagnosis? No",
                "(if no to any question above) Is your patient able to use any other alternatives for this diagnosis? No",
            ],
            &["for this diagnosis? Yes"],
        ),
        (
            ("aa-001-b", "01_b_form", 2),
            &["Please provide the reason(s) why your patient is unable to use the available alternative(s): Severity of disease requires stronger therapy"],
            &[],
        ),
        // OptumRx Epidiolex, flattened: ticks drawn into the content on
        // Wingdings boxes; one question left blank.
        (
            ("aa-002-a", "002_a_form", 1),
            &[
                "Is this request for continuation of therapy? No",
                "Will medical records be submitted documenting any of the information below? Yes",
                "Has the member been on the requested medication in the last 180 days or is currently stabilized? No",
                "Has the member tried another prescription drug in the same pharmacological class or same mechanism of action? No",
                "Were prior medications discontinued due to a lack of efficacy or effectiveness, diminished effect, or an adverse event? Yes",
                "verify the accuracy of the information provided? Yes",
            ],
            &["safe and effective"],
        ),
        // Cigna Blincyto, flattened, with ticks taken back by a white stroke.
        (
            ("aa-003-a", "003_a_form", 1),
            &[
                "Urgency: Urgent",
                "Medication requested: Other (please specify): Blincyto",
                "Where will this medication be obtained? Home Health / Home Infusion vendor",
                "Where will this medication be obtained? Hospital Outpatient",
                "Is the patient a candidate for home infusion? Yes",
                "for the life of the patient? No",
            ],
            &["Retail pharmacy", "Accredo"],
        ),
        (
            ("aa-003-a", "003_a_form", 2),
            &[
                "Does your patient have a diagnosis of B-cell acute lymphoblastic leukemia (ALL)? Yes",
                "Is your patient in either their first or second complete remission? Yes",
                "(if yes) Does your patient have minimal residual disease (MRD)? Yes",
                "Does your patient have Philadelphia chromosome -positive or -negative ALL: Ph- (negative)",
                // Yes ticked, then painted over in white; No ticked.
                "Does your patient have relapsed or refractory disease? No",
                "Is the total number of treatment cycles the patient will receive more than 9? No",
            ],
            &["refractory disease? Yes", "Ph+ (positive)"],
        ),
        (
            ("aa-003-b", "003_b_form", 2),
            &[
                "Does your patient have Philadelphia chromosome -positive or -negative ALL: Ph+ (positive)",
                // Yes rubbed out in white, No ticked.
                "Is your patient in either their first or second complete remission? No",
                "dasatinib [Sprycel], nilotinib [Tasigna])? Yes",
                "Does your patient have relapsed or refractory disease? Yes",
            ],
            &["complete remission? Yes", "Ph- (negative)", "[Tasigna])? No"],
        ),
    ];
    for &(page, present, absent) in expected {
        assert_answers(&all, page, present, absent);
    }
}
