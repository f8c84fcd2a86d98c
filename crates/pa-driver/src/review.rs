//! Reviewer verdicts: recording them (`priorauth review`, one verdict or a CSV
//! import), and the claims and labels `eval --from-reviews` compares.
//!
//! A verdict names a claim by case and claim id as the latest run shows it;
//! it is stored under the claim's fingerprint (see [`pa_store::reviews`]) so it
//! stays attached through reruns and new faxes. Verdicts are written under the
//! output lock, as a new file of the `reviews` table, then an audit entry with
//! the file's sha256 and every verdict's ids (never the note: it may hold PHI).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use pa_store::read::StoredCase;
use pa_store::reviews::{Review, STATUSES, VERDICTS};

use crate::DriverError;

/// One verdict as a reviewer gives it.
#[derive(Debug, Clone, Default)]
pub struct VerdictInput {
    /// Line of the CSV file it comes from (0 on the command line).
    pub line: usize,
    /// The case.
    pub case_id: String,
    /// The claim id in the case's latest run.
    pub claim_id: String,
    /// `agree` or `disagree`.
    pub verdict: String,
    /// The status the reviewer sets (optional).
    pub status: Option<String>,
    /// Free text.
    pub note: String,
    /// The reviewer's id.
    pub reviewer: String,
}

/// Verdicts written by one call.
#[derive(Debug)]
pub struct Recorded {
    /// The id of this batch of verdicts.
    pub review_id: String,
    /// The `reviews` file written.
    pub file: PathBuf,
    /// The verdicts.
    pub rows: Vec<Review>,
}

/// The columns of an import file, in any order: the first four are required,
/// `status` and `note` may be left out or empty.
pub const CSV_COLUMNS: &[&str] = &[
    "case_id", "claim_id", "verdict", "reviewer", "status", "note",
];

/// Verdicts from CSV text (a header line naming [`CSV_COLUMNS`], then one
/// verdict a line), or every problem with its line number.
pub fn inputs_from_csv(text: &str) -> Result<Vec<VerdictInput>, Vec<(usize, String)>> {
    let records = pa_store::reviews::parse_csv(text).map_err(|e| vec![e])?;
    let Some(((_, header), rows)) = records.split_first() else {
        return Err(vec![(
            1,
            "the file is empty: expected a header line".into(),
        )]);
    };
    let header: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let mut problems = Vec::new();
    for h in &header {
        if !CSV_COLUMNS.contains(&h.as_str()) {
            problems.push((
                1,
                format!("unknown column `{h}` (columns: {})", CSV_COLUMNS.join(", ")),
            ));
        }
    }
    for need in &CSV_COLUMNS[..4] {
        if !header.iter().any(|h| h == need) {
            problems.push((1, format!("missing column `{need}`")));
        }
    }
    if rows.is_empty() {
        problems.push((1, "no verdict below the header".into()));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut inputs = Vec::new();
    for (line, fields) in rows {
        if fields.len() != header.len() {
            problems.push((
                *line,
                format!("{} field(s), the header has {}", fields.len(), header.len()),
            ));
            continue;
        }
        let get = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .map(|i| fields[i].trim().to_string())
                .unwrap_or_default()
        };
        let status = get("status");
        inputs.push(VerdictInput {
            line: *line,
            case_id: get("case_id"),
            claim_id: get("claim_id"),
            verdict: get("verdict").to_lowercase(),
            status: (!status.is_empty()).then(|| status.to_lowercase()),
            note: get("note"),
            reviewer: get("reviewer"),
        });
    }
    if problems.is_empty() {
        Ok(inputs)
    } else {
        Err(problems)
    }
}

/// What is wrong with a verdict on its own (before looking the claim up).
fn field_problem(v: &VerdictInput) -> Option<String> {
    if v.case_id.is_empty() || v.claim_id.is_empty() || v.reviewer.is_empty() {
        return Some("case_id, claim_id and reviewer must not be empty".into());
    }
    if !VERDICTS.contains(&v.verdict.as_str()) {
        return Some(format!("verdict `{}` is not agree or disagree", v.verdict));
    }
    match v.status.as_deref() {
        Some(s) if !STATUSES.contains(&s) => Some(format!(
            "status `{s}` is not one of {}",
            STATUSES.join(", ")
        )),
        _ => None,
    }
}

/// Record verdicts: all of them, or none when any is wrong (`Ok(Err(..))`
/// lists every problem with its line). `source` says where they came from
/// (`cli`, `import:<file name>`).
pub fn record(
    out: &Path,
    inputs: &[VerdictInput],
    source: &str,
) -> Result<Result<Recorded, Vec<(usize, String)>>, DriverError> {
    let _lock = crate::ops::OutputLock::acquire(out)?;
    let batch = crate::new_run();
    let mut cases: HashMap<String, Option<StoredCase>> = HashMap::new();
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for v in inputs {
        if let Some(p) = field_problem(v) {
            problems.push((v.line, p));
            continue;
        }
        if !cases.contains_key(&v.case_id) {
            let case = pa_store::read::latest_case(out, &v.case_id)?;
            cases.insert(v.case_id.clone(), case);
        }
        let Some(case) = &cases[&v.case_id] else {
            problems.push((
                v.line,
                format!("no case `{}` in {}", v.case_id, out.display()),
            ));
            continue;
        };
        let Some(claim) = case.claims.iter().find(|c| c.claim_id == v.claim_id) else {
            problems.push((
                v.line,
                format!(
                    "case `{}` has no claim `{}` in run {}",
                    v.case_id, v.claim_id, case.run_id
                ),
            ));
            continue;
        };
        let Some(fp) = claim.fingerprint.clone() else {
            problems.push((
                v.line,
                format!(
                    "run {} predates claim fingerprints: rerun the case first",
                    case.run_id
                ),
            ));
            continue;
        };
        match (v.verdict.as_str(), v.status.as_deref()) {
            ("agree", Some(s)) if s != claim.status => {
                problems.push((
                    v.line,
                    format!(
                        "agree with status `{s}`, but the checker said `{}`",
                        claim.status
                    ),
                ));
                continue;
            }
            ("disagree", Some(s)) if s == claim.status => {
                problems.push((
                    v.line,
                    format!("disagree, but status `{s}` is what the checker said"),
                ));
                continue;
            }
            _ => {}
        }
        rows.push(Review {
            review_id: batch.run_id.clone(),
            reviewed_at_us: batch.started_at_us,
            case_id: v.case_id.clone(),
            claim_fingerprint: fp,
            claim_id: v.claim_id.clone(),
            run_id: case.run_id.clone(),
            checker_status: claim.status.clone(),
            verdict: v.verdict.clone(),
            status: v.status.clone(),
            note: v.note.clone(),
            reviewer: v.reviewer.clone(),
            source: if v.line > 0 {
                format!("{source}:{}", v.line)
            } else {
                source.to_string()
            },
        });
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let (file, sha256) =
        pa_store::reviews::write_reviews(out, &batch.run_id, &batch.run_date, &rows)?;
    let verdicts: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            serde_json::json!({"case_id": r.case_id, "claim_id": r.claim_id,
                "claim_fingerprint": r.claim_fingerprint, "verdict": r.verdict,
                "status": r.status, "reviewer": r.reviewer})
        })
        .collect();
    let rel = file
        .strip_prefix(out)
        .unwrap_or(&file)
        .display()
        .to_string();
    pa_store::audit::append(
        out,
        serde_json::json!({"action": "review", "review_id": batch.run_id, "source": source,
            "file": rel, "sha256": sha256, "rows": rows.len(), "verdicts": verdicts}),
    )?;
    tracing::info!(review_id = %batch.run_id, verdicts = rows.len(), "verdicts recorded");
    Ok(Ok(Recorded {
        review_id: batch.run_id,
        file,
        rows,
    }))
}

/// A claim of a finished run: run id, case id, fingerprint, status.
pub type ClaimStatusRow = (String, String, String, String);

/// What `eval --from-reviews` compares: every claim of every finished run
/// (run id, case id, fingerprint, status) and every verdict.
pub fn review_labels(out: &Path) -> Result<(Vec<ClaimStatusRow>, Vec<Review>), DriverError> {
    Ok((
        pa_store::read::claim_statuses(out)?,
        pa_store::reviews::read_reviews(out)?,
    ))
}

/// A claim of the latest run that holds the case, with its run id, for `priorauth explain`.
pub fn explain(
    out: &Path,
    case_id: &str,
    claim_id: &str,
) -> Result<Option<(String, pa_store::read::StoredClaim)>, DriverError> {
    let Some(case) = pa_store::read::latest_case(out, case_id)? else {
        return Ok(None);
    };
    Ok(case
        .claims
        .into_iter()
        .find(|c| c.claim_id == claim_id)
        .map(|c| (case.run_id, c)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_problems_are_reported_with_their_lines() {
        let err = inputs_from_csv("case_id,claim_id,verdict\nc1,lmn#1,agree\n").unwrap_err();
        assert_eq!(err, vec![(1, "missing column `reviewer`".to_string())]);
        let text = "case_id,claim_id,verdict,reviewer,note\nc1,lmn#1,agree,rn1,\"ok, seen\"\nc1,lmn#2,agree\n";
        let err = inputs_from_csv(text).unwrap_err();
        assert_eq!(err, vec![(3, "3 field(s), the header has 5".to_string())]);
        let ok = inputs_from_csv(
            "Verdict,case_id,claim_id,reviewer,status\nDISAGREE,c1,lmn#1,rn1,Supported\n",
        )
        .unwrap();
        assert_eq!(ok[0].verdict, "disagree");
        assert_eq!(ok[0].status.as_deref(), Some("supported"));
        assert_eq!(ok[0].line, 2);
        let bad = VerdictInput {
            verdict: "maybe".into(),
            case_id: "c".into(),
            claim_id: "k".into(),
            reviewer: "r".into(),
            ..Default::default()
        };
        assert!(field_problem(&bad).unwrap().contains("maybe"));
    }
}
