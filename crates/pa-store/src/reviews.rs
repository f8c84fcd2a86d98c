//! Reviewer verdicts: the append-only `reviews` table.
//!
//! A verdict is keyed by a *claim fingerprint*: sha256 over the case id, the
//! sha256 of the claim's letter or form, and the claim text normalized
//! (lowercase, whitespace collapsed). Offsets, claim ids and run ids are left
//! out on purpose: a rerun, or a new fax that shifts the case's other
//! documents, leaves the fingerprint as it was, while a new letter (other
//! bytes) starts afresh. Every `priorauth review` call or CSV import writes one
//! new file, `reviews/run_date=<date>/part-<review_id>.parquet`; no file is
//! ever rewritten, so no earlier verdict can be lost.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, StringArray, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Field, TimeUnit};
use pa_types::{CaseResult, Claim};
use sha2::{Digest, Sha256};

use crate::StoreError;

/// The table's folder under the output folder.
pub const TABLE: &str = "reviews";

/// The verdicts a reviewer can give on the checker's status.
pub const VERDICTS: &[&str] = &["agree", "disagree"];

/// The statuses a reviewer can set.
pub const STATUSES: &[&str] = &["supported", "unsupported", "contradicted"];

/// The fingerprint of a claim (see the module docs).
pub fn claim_fingerprint(case_id: &str, letter_sha256: &str, text: &str) -> String {
    let normalized = text
        .split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ");
    let mut h = Sha256::new();
    for part in [case_id, letter_sha256, normalized.as_str()] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    format!("{:x}", h.finalize())
}

/// The fingerprint of a claim of `case`, from its document's sha256.
pub fn claim_fingerprint_of(case: &CaseResult, claim: &Claim) -> String {
    let sha = case
        .docs
        .iter()
        .find(|d| d.staged.doc_id == claim.span.doc_id)
        .map_or("", |d| d.staged.sha256.as_str());
    claim_fingerprint(&case.case_id, sha, &claim.span.quote)
}

/// One verdict, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Review {
    /// The `review` call or import that recorded it (sorts in time order).
    pub review_id: String,
    /// When, microseconds since the Unix epoch, UTC.
    pub reviewed_at_us: i64,
    /// The case.
    pub case_id: String,
    /// The claim's fingerprint: what the verdict stays attached to.
    pub claim_fingerprint: String,
    /// The claim's id in the run that was reviewed.
    pub claim_id: String,
    /// The run whose result was reviewed.
    pub run_id: String,
    /// The checker's status in that run.
    pub checker_status: String,
    /// `agree` or `disagree`.
    pub verdict: String,
    /// The status the reviewer sets, when given.
    pub status: Option<String>,
    /// Free text (may hold PHI: never logged).
    pub note: String,
    /// The reviewer's id.
    pub reviewer: String,
    /// `cli`, or `import:<file name>:<line>`.
    pub source: String,
}

impl Review {
    /// The status the reviewer holds right: theirs, else the checker's when
    /// they agree; `None` for a disagreement that names no status.
    pub fn label(&self) -> Option<&str> {
        match (&self.status, self.verdict.as_str()) {
            (Some(s), _) => Some(s),
            (None, "agree") => Some(&self.checker_status),
            _ => None,
        }
    }
}

const COLUMNS: &[&str] = &[
    "review_id",
    "reviewed_at",
    "case_id",
    "claim_fingerprint",
    "claim_id",
    "run_id",
    "checker_status",
    "verdict",
    "status",
    "note",
    "reviewer",
    "source",
];

fn ts() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

/// The record batch of `rows`.
pub fn reviews_batch(rows: &[Review]) -> Result<RecordBatch, StoreError> {
    let text = |f: &dyn Fn(&Review) -> String| -> ArrayRef {
        Arc::new(StringArray::from(rows.iter().map(f).collect::<Vec<_>>()))
    };
    let fields: Vec<Field> = COLUMNS
        .iter()
        .map(|&c| match c {
            "reviewed_at" => Field::new(c, ts(), false),
            "status" => Field::new(c, DataType::Utf8, true),
            _ => Field::new(c, DataType::Utf8, false),
        })
        .collect();
    let cols: Vec<ArrayRef> = vec![
        text(&|r| r.review_id.clone()),
        Arc::new(
            TimestampMicrosecondArray::from(
                rows.iter().map(|r| r.reviewed_at_us).collect::<Vec<_>>(),
            )
            .with_timezone("UTC"),
        ),
        text(&|r| r.case_id.clone()),
        text(&|r| r.claim_fingerprint.clone()),
        text(&|r| r.claim_id.clone()),
        text(&|r| r.run_id.clone()),
        text(&|r| r.checker_status.clone()),
        text(&|r| r.verdict.clone()),
        Arc::new(StringArray::from(
            rows.iter().map(|r| r.status.clone()).collect::<Vec<_>>(),
        )),
        text(&|r| r.note.clone()),
        text(&|r| r.reviewer.clone()),
        text(&|r| r.source.clone()),
    ];
    crate::columns::with_schema_version(fields, cols).map_err(|source| StoreError::Arrow {
        table: TABLE,
        source,
    })
}

pub use crate::layout::review_path;

/// Write `rows` as a new file (never over an existing one); returns its path and sha256.
pub fn write_reviews(
    out: &Path,
    review_id: &str,
    date: &str,
    rows: &[Review],
) -> Result<(PathBuf, String), StoreError> {
    let path = review_path(out, review_id, date);
    if path.exists() {
        return Err(StoreError::Io {
            path,
            source: std::io::Error::from(std::io::ErrorKind::AlreadyExists),
        });
    }
    crate::commit::write_parquet(&path, TABLE, &reviews_batch(rows)?)?;
    let bytes = std::fs::read(&path).map_err(|source| StoreError::Io {
        path: path.clone(),
        source,
    })?;
    Ok((path, format!("{:x}", Sha256::digest(&bytes))))
}

/// Every verdict in the output folder, oldest first.
pub fn read_reviews(out: &Path) -> Result<Vec<Review>, StoreError> {
    let mut all = Vec::new();
    for (_, path) in crate::layout::table_files(out, TABLE) {
        for b in crate::read::read_all(&path)? {
            all.extend(rows_of(&b));
        }
    }
    all.sort_by(|a, b| (&a.review_id, a.reviewed_at_us).cmp(&(&b.review_id, b.reviewed_at_us)));
    Ok(all)
}

fn rows_of(b: &RecordBatch) -> Vec<Review> {
    let col = |n: &str| crate::read::strings(b, n);
    let c: HashMap<&str, Vec<Option<&str>>> = COLUMNS
        .iter()
        .filter(|&&n| n != "reviewed_at")
        .map(|&n| (n, col(n)))
        .collect();
    let at = b
        .column_by_name("reviewed_at")
        .expect("column exists")
        .as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
    let get = |n: &str, i: usize| c[n][i].unwrap_or("").to_string();
    (0..b.num_rows())
        .map(|i| Review {
            review_id: get("review_id", i),
            reviewed_at_us: if at.is_null(i) { 0 } else { at.value(i) },
            case_id: get("case_id", i),
            claim_fingerprint: get("claim_fingerprint", i),
            claim_id: get("claim_id", i),
            run_id: get("run_id", i),
            checker_status: get("checker_status", i),
            verdict: get("verdict", i),
            status: c["status"][i].map(str::to_string),
            note: get("note", i),
            reviewer: get("reviewer", i),
            source: get("source", i),
        })
        .collect()
}

/// Verdicts by claim fingerprint, oldest first.
#[derive(Debug, Default)]
pub struct ReviewIndex {
    by_claim: HashMap<String, Vec<Review>>,
    digests: HashMap<String, String>,
}

impl ReviewIndex {
    /// Index `reviews`.
    pub fn new(reviews: Vec<Review>) -> Self {
        let mut by_case: HashMap<&str, Vec<&Review>> = HashMap::new();
        for r in &reviews {
            by_case.entry(r.case_id.as_str()).or_default().push(r);
        }
        let digests = by_case
            .into_iter()
            .map(|(case, rs)| (case.to_string(), digest(rs)))
            .collect();
        let mut by_claim: HashMap<String, Vec<Review>> = HashMap::new();
        for r in reviews {
            by_claim
                .entry(r.claim_fingerprint.clone())
                .or_default()
                .push(r);
        }
        ReviewIndex { by_claim, digests }
    }

    /// The verdicts on a claim, oldest first.
    pub fn of(&self, fingerprint: &str) -> &[Review] {
        self.by_claim.get(fingerprint).map_or(&[], Vec::as_slice)
    }

    /// A digest of every verdict on the claims of `case_id` (empty when there
    /// is none): part of the case fingerprint, so a case whose verdicts changed
    /// is redone and its page shows them.
    pub fn case_digest(&self, case_id: &str) -> &str {
        self.digests.get(case_id).map_or("", String::as_str)
    }
}

/// sha256 over the verdicts' ids, claims and times, in a stable order.
fn digest(reviews: Vec<&Review>) -> String {
    let mut ids: Vec<(&str, &str, i64)> = reviews
        .iter()
        .map(|r| {
            (
                r.review_id.as_str(),
                r.claim_fingerprint.as_str(),
                r.reviewed_at_us,
            )
        })
        .collect();
    ids.sort();
    let mut h = Sha256::new();
    for (id, fp, at) in ids {
        h.update(format!("{id}\0{fp}\0{at}\n").as_bytes());
    }
    format!("{:x}", h.finalize())
}

/// CSV records, each with the line number it starts on.
pub type CsvRecords = Vec<(usize, Vec<String>)>;

/// Read CSV text (RFC 4180: comma-separated, fields optionally in double
/// quotes, `""` for a quote inside one, quoted fields may span lines) into
/// records, each with the line number it starts on.
pub fn parse_csv(text: &str) -> Result<CsvRecords, (usize, String)> {
    let mut records = Vec::new();
    let mut record: Vec<String> = Vec::new();
    let mut field = String::new();
    let (mut line, mut start_line) = (1usize, 1usize);
    let mut quoted = false;
    let mut was_quoted = false;
    let mut chars = text.trim_start_matches('\u{feff}').chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            '"' => return Err((line, "a quote inside an unquoted field".into())),
            ',' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                was_quoted = false;
                if !(record.len() == 1 && record[0].is_empty()) {
                    records.push((start_line, std::mem::take(&mut record)));
                }
                record.clear();
                line += 1;
                start_line = line;
            }
            _ if was_quoted => return Err((line, "text after a closing quote".into())),
            _ => field.push(c),
        }
    }
    if quoted {
        return Err((start_line, "a quoted field is not closed".into()));
    }
    if !field.is_empty() || was_quoted || !record.is_empty() {
        record.push(field);
        records.push((start_line, record));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_ignores_case_and_spacing_but_not_the_letter() {
        let a = claim_fingerprint("c1", "aa", "Failed  naproxen\nfor 8 weeks.");
        assert_eq!(
            a,
            claim_fingerprint("c1", "aa", "failed naproxen for 8 WEEKS.")
        );
        assert_ne!(
            a,
            claim_fingerprint("c1", "bb", "failed naproxen for 8 weeks.")
        );
        assert_ne!(
            a,
            claim_fingerprint("c2", "aa", "failed naproxen for 8 weeks.")
        );
    }

    #[test]
    fn csv_quotes_commas_and_line_breaks() {
        let text = "case_id,note\r\nc1,\"says \"\"no\"\", twice\"\n\nc2,\"two\nlines\"\nc3,plain";
        let r = parse_csv(text).unwrap();
        assert_eq!(r[0], (1, vec!["case_id".to_string(), "note".into()]));
        assert_eq!(
            r[1],
            (2, vec!["c1".to_string(), "says \"no\", twice".into()])
        );
        assert_eq!(r[2], (4, vec!["c2".to_string(), "two\nlines".into()]));
        assert_eq!(r[3], (6, vec!["c3".to_string(), "plain".into()]));
        assert_eq!(parse_csv("a,b\nc,\"open").unwrap_err().0, 2);
        assert_eq!(parse_csv("a,b\nc,d\"e").unwrap_err().0, 2);
    }

    #[test]
    fn reviews_round_trip_and_are_never_overwritten() {
        let tmp = tempfile::tempdir().unwrap();
        let r = Review {
            review_id: "20261202T000000Z-ab12".into(),
            reviewed_at_us: 1_764_633_600_000_000,
            case_id: "c1".into(),
            claim_fingerprint: "fp".into(),
            claim_id: "lmn#3".into(),
            run_id: "20261201T000000Z-0000".into(),
            checker_status: "unsupported".into(),
            verdict: "disagree".into(),
            status: Some("supported".into()),
            note: "PT notes, p.2".into(),
            reviewer: "rn-7".into(),
            source: "cli".into(),
        };
        write_reviews(
            tmp.path(),
            &r.review_id,
            "2026-12-02",
            std::slice::from_ref(&r),
        )
        .unwrap();
        assert!(write_reviews(tmp.path(), &r.review_id, "2026-12-02", &[]).is_err());
        let back = read_reviews(tmp.path()).unwrap();
        assert_eq!(back, vec![r.clone()]);
        let idx = ReviewIndex::new(back);
        assert_eq!(idx.of("fp")[0].label(), Some("supported"));
        assert!(!idx.case_digest("c1").is_empty());
        assert!(idx.case_digest("c2").is_empty());
    }
}
