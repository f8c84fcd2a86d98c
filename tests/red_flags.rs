//! Red flags, priority and due dates end to end: the binary on small cases
//! written here (not taken from any labelled set), its parquet read back with
//! DuckDB and pyarrow, its review pages in Chromium.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use crate::common::{check_output, root, run};

const HOUR_US: i64 = 3_600_000_000;

/// Write a case folder of text documents, each file's time set to `mtime`
/// (seconds since 1970).
fn case(drop: &Path, name: &str, docs: &[(&str, &str)], mtime: u64) {
    let dir = drop.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for (file, text) in docs {
        let p = dir.join(file);
        std::fs::write(&p, text).unwrap();
        let f = std::fs::File::options().write(true).open(&p).unwrap();
        f.set_modified(UNIX_EPOCH + Duration::from_secs(mtime))
            .unwrap();
    }
}

const LETTER: &str =
    "LETTER OF MEDICAL NECESSITY\nRe: MRI lumbar spine without contrast (CPT 72148)\n\
The patient has low back pain for 8 weeks despite physical therapy.\n\
The patient failed naproxen 500 mg twice daily for 6 weeks.\n";

/// Every flag mentioned only negated, by a family member, as advice, or as a
/// resolved past event.
const CALM_NOTE: &str = "CLINIC NOTE\nHPI: Low back pain for 8 weeks.\n\
Denies saddle anesthesia, bowel or bladder incontinence.\nNo progressive weakness.\n\
Mother with breast cancer and new back pain.\nDenies unexplained weight loss.\nDenies fever or chills.\n\
Denies SI, plan or intent.\nFather with acute limb ischemia after an embolus.\n\
Return if the lump grows rapidly.\nHistory of cauda equina syndrome, decompressed in 2015.\n";

const URGENT_NOTE: &str = "CLINIC NOTE\nHPI: Low back pain for 8 weeks.\n\
She developed saddle anesthesia and new urinary retention two days ago.\nHer sister has a fever.\n";

/// 2026-10-06 00:00 UTC and 2026-10-01 00:00 UTC, in seconds.
const OCT_6: u64 = 1_791_244_800;
const OCT_1: u64 = OCT_6 - 5 * 86_400;

fn micros(secs: u64) -> i64 {
    secs as i64 * 1_000_000
}

#[test]
fn negated_and_family_mentions_never_escalate_and_dates_are_stable() {
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    case(
        &drop,
        "calm",
        &[("letter.txt", LETTER), ("note.txt", CALM_NOTE)],
        OCT_1,
    );
    // Faxed: the banner's time (10/05/2026 14:30) is the receipt, not the file's.
    let faxed = format!("10/05/2026 14:30 FROM: VALLEY CLINIC P.001/001\n{URGENT_NOTE}");
    case(
        &drop,
        "urgent",
        &[("letter.txt", LETTER), ("note.txt", &faxed)],
        OCT_6,
    );
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    let report = check_output(&out);

    let flags = report["red_flags"].as_array().unwrap();
    let calm: Vec<_> = flags.iter().filter(|f| f["case_id"] == "calm").collect();
    assert!(
        calm.len() >= 8,
        "every calm mention is recorded for audit: {calm:?}"
    );
    for f in &calm {
        assert_eq!(f["escalates"], false, "{f}");
        assert_ne!(f["assertion"], "affirmed", "{f}");
    }
    let assertions: Vec<&str> = calm
        .iter()
        .map(|f| f["assertion"].as_str().unwrap())
        .collect();
    for a in ["negated", "family", "hypothetical", "historical"] {
        assert!(assertions.contains(&a), "a {a} mention in {assertions:?}");
    }
    let urgent: Vec<_> = flags
        .iter()
        .filter(|f| f["case_id"] == "urgent" && f["escalates"] == true)
        .map(|f| (f["flag"].as_str().unwrap(), f["quote"].as_str().unwrap()))
        .collect();
    assert!(
        urgent.contains(&("cauda_equina", "saddle anesthesia")),
        "{urgent:?}"
    );
    assert!(
        urgent.contains(&("cauda_equina", "urinary retention")),
        "{urgent:?}"
    );
    assert!(
        !urgent.iter().any(|f| f.0 == "spinal_infection_risk"),
        "the sister's fever: {urgent:?}"
    );

    let p = &report["priority"];
    assert_eq!(p["calm"]["priority"], "standard");
    assert_eq!(p["urgent"]["priority"], "expedited");
    assert_eq!(p["urgent"]["reason"], "red flag: cauda_equina");
    // Standard: the files' time plus 7 days; expedited: the banner plus 72 hours.
    assert_eq!(p["calm"]["received_at"], micros(OCT_1));
    assert_eq!(p["calm"]["due_by"], micros(OCT_1) + 168 * HOUR_US);
    let banner = micros(OCT_6) - 86_400_000_000 + 14 * HOUR_US + 30 * 60_000_000;
    assert_eq!(p["urgent"]["received_at"], banner);
    assert_eq!(p["urgent"]["due_by"], banner + 72 * HOUR_US);

    // A second run over the same files gives the same dates.
    let again = tmp.path().join("again");
    let (code, _, stderr) = run(&drop, &again);
    assert!(code == 0 || code == 2, "{stderr}");
    assert_eq!(check_output(&again)["priority"], report["priority"]);
}

#[test]
fn the_index_is_soonest_due_first_and_red_flags_head_the_case_page() {
    if !crate::common::browser_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let drop = tmp.path().join("drop");
    // Standard, received Oct 1: due Oct 8. Expedited, received Oct 6: due Oct 9.
    // Expedited, received Oct 2: due Oct 5. So: early, standard, late.
    case(
        &drop,
        "a-standard",
        &[("letter.txt", LETTER), ("note.txt", CALM_NOTE)],
        OCT_1,
    );
    case(
        &drop,
        "b-late",
        &[("letter.txt", LETTER), ("note.txt", URGENT_NOTE)],
        OCT_6,
    );
    case(
        &drop,
        "c-early",
        &[("letter.txt", LETTER), ("note.txt", URGENT_NOTE)],
        OCT_1 + 86_400,
    );
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&drop, &out);
    assert!(code == 0 || code == 2, "{stderr}");
    let o = Command::new("python3")
        .arg(root().join("tests/py/red_flags_check.py"))
        .arg(&out)
        .arg("c-early")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let order: Vec<&str> = r["index"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["case"].as_str().unwrap())
        .collect();
    assert_eq!(order, ["c-early", "a-standard", "b-late"], "{r}");
    assert_eq!(r["index"][0]["due_by"], "2026-10-05 00:00 UTC", "{r}");
    assert_eq!(r["index"][0]["priority"], "expedited", "{r}");
    assert_eq!(r["first_after_title"], "red-flags", "{r}");
    assert!(
        r["red_flags_top"].as_f64() < r["claims_top"].as_f64(),
        "{r}"
    );
    assert_eq!(r["heading"], "Priority: expedited");
    assert_eq!(
        r["escalating"],
        serde_json::json!(["cauda_equina", "cauda_equina"])
    );
    assert_eq!(
        r["not_escalating"],
        serde_json::json!([["spinal_infection_risk", "family"]])
    );
    assert_eq!(
        r["not_escalating_visible_before_open"], false,
        "folded for audit"
    );
    assert_eq!(r["flag_highlight_equals_quote"], true, "{r}");
}
