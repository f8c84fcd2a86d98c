//! Reading our own dataset back, for `priorauth show`: the rows of one case
//! from the latest run that holds it.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::Int32Type;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::StoreError;

/// A summary statement as stored.
#[derive(Debug, Clone)]
pub struct StoredStatement {
    /// Section.
    pub section: String,
    /// Text.
    pub text: String,
    /// (doc_id, page, start, end) per citation.
    pub citations: Vec<(String, i32, i32, i32)>,
}

/// A span as stored: (doc_id, page, start, end, quote).
pub type StoredSpan = (String, i32, i32, i32, String);

/// A claim as stored.
#[derive(Debug, Clone)]
pub struct StoredClaim {
    /// Claim id.
    pub claim_id: String,
    /// The claim's own span.
    pub span: StoredSpan,
    /// Evidence spans with their relation.
    pub evidence: Vec<(StoredSpan, String)>,
    /// Status.
    pub status: String,
    /// Claim type.
    pub claim_type: String,
    /// The claim sentence.
    pub text: String,
    /// The reason.
    pub reason: String,
    /// The claim fingerprint reviews are keyed by (absent in runs before the column existed).
    pub fingerprint: Option<String>,
    /// The decision trace, JSON (absent in runs before the column existed).
    pub trace: Option<String>,
}

/// One case of one run.
#[derive(Debug, Clone)]
pub struct StoredCase {
    /// The run.
    pub run_id: String,
    /// Service code.
    pub service_code: Option<String>,
    /// Service description.
    pub service_description: Option<String>,
    /// The requested drug's generic name (absent in runs before the column existed).
    pub service_drug: Option<String>,
    /// Needs review.
    pub needs_review: bool,
    /// The payer policy applied: (id, source, why), in runs that record it.
    pub policy: Option<(String, String, String)>,
    /// Why no policy applies, when none does.
    pub policy_note: Option<String>,
    /// Documents: (file, kind, status, reason).
    pub documents: Vec<(String, String, String, Option<String>)>,
    /// Summary.
    pub statements: Vec<StoredStatement>,
    /// Claims.
    pub claims: Vec<StoredClaim>,
    /// Criteria: (criterion id, description, status, reason).
    pub criteria: Vec<(String, String, String, String)>,
    /// Evidence spans per criterion, in the order of `criteria`.
    pub criteria_evidence: Vec<Vec<(StoredSpan, String)>>,
}

/// The spans of row `i` of a list<struct{doc_id, page, start, end, quote[, relation]}> column.
fn spans_at(b: &RecordBatch, col: &str, i: usize) -> Vec<(StoredSpan, String)> {
    let list = b
        .column_by_name(col)
        .expect("column exists")
        .as_list::<i32>()
        .value(i);
    let st = list.as_struct();
    let text = |n: &str| st.column_by_name(n).map(|c| c.as_string::<i32>().clone());
    let num = |n: &str| {
        st.column_by_name(n)
            .unwrap()
            .as_primitive::<Int32Type>()
            .clone()
    };
    let (doc, quote, rel) = (
        text("doc_id").unwrap(),
        text("quote").unwrap(),
        text("relation"),
    );
    let (page, start, end) = (num("page"), num("start"), num("end"));
    (0..st.len())
        .map(|j| {
            (
                (
                    doc.value(j).to_string(),
                    page.value(j),
                    start.value(j),
                    end.value(j),
                    quote.value(j).to_string(),
                ),
                rel.as_ref()
                    .map(|r| r.value(j).to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

/// Parquet files of a table, newest run first.
pub fn table_files(out: &Path, table: &str) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    let Ok(parts) = std::fs::read_dir(out.join(table)) else {
        return files;
    };
    for part in parts.flatten() {
        let Ok(rd) = std::fs::read_dir(part.path()) else {
            continue;
        };
        for f in rd.flatten() {
            let name = f.file_name().to_string_lossy().into_owned();
            if let Some(run) = name
                .strip_prefix("part-")
                .and_then(|n| n.strip_suffix(".parquet"))
            {
                files.push((pa_types::run_id_of(run).to_string(), f.path()));
            }
        }
    }
    files.sort_by(|a, b| b.0.cmp(&a.0));
    files
}

pub(crate) fn read_all(path: &Path) -> Result<Vec<RecordBatch>, StoreError> {
    let io = |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    };
    let pq = |source| StoreError::Parquet {
        table: "read",
        source,
    };
    let file = File::open(path).map_err(io)?;
    let reader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(pq)?
        .build()
        .map_err(pq)?;
    reader
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| StoreError::Arrow {
            table: "read",
            source: e,
        })
}

pub(crate) fn strings<'a>(b: &'a RecordBatch, col: &str) -> Vec<Option<&'a str>> {
    let a = b
        .column_by_name(col)
        .expect("column exists")
        .as_string::<i32>();
    (0..a.len())
        .map(|i| (!a.is_null(i)).then(|| a.value(i)))
        .collect()
}

/// A string column that older files may lack (then all `None`).
fn optional_strings<'a>(b: &'a RecordBatch, col: &str) -> Vec<Option<&'a str>> {
    if b.column_by_name(col).is_some() {
        strings(b, col)
    } else {
        vec![None; b.num_rows()]
    }
}

/// Every claim of every finished run: (run id, case id, claim fingerprint,
/// status); claims of runs before the fingerprint column are left out.
pub fn claim_statuses(out: &Path) -> Result<Vec<(String, String, String, String)>, StoreError> {
    let finished: std::collections::HashSet<String> = table_files(out, "runs")
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    let mut rows = Vec::new();
    for (run, path) in table_files(out, "claims") {
        if !finished.contains(&run) {
            continue;
        }
        for b in read_all(&path)? {
            let (cases, fps, st) = (
                strings(&b, "case_id"),
                optional_strings(&b, "claim_fingerprint"),
                strings(&b, "status"),
            );
            for i in 0..b.num_rows() {
                if let Some(fp) = fps[i] {
                    rows.push((
                        run.clone(),
                        cases[i].unwrap_or("").to_string(),
                        fp.to_string(),
                        st[i].unwrap_or("").to_string(),
                    ));
                }
            }
        }
    }
    Ok(rows)
}

/// Rows of `table` for `case_id` in run `run_id`.
fn rows(
    out: &Path,
    table: &str,
    run_id: &str,
    case_id: &str,
) -> Result<Vec<(RecordBatch, Vec<usize>)>, StoreError> {
    let mut found = Vec::new();
    for (run, path) in table_files(out, table) {
        if run != run_id {
            continue;
        }
        for b in read_all(&path)? {
            let idx: Vec<usize> = strings(&b, "case_id")
                .iter()
                .enumerate()
                .filter(|(_, c)| **c == Some(case_id))
                .map(|(i, _)| i)
                .collect();
            if !idx.is_empty() {
                found.push((b, idx));
            }
        }
    }
    Ok(found)
}

/// The case from the latest run that holds it.
pub fn latest_case(out: &Path, case_id: &str) -> Result<Option<StoredCase>, StoreError> {
    for (run_id, path) in table_files(out, "cases") {
        for b in read_all(&path)? {
            let ids = strings(&b, "case_id");
            let Some(i) = ids.iter().position(|c| *c == Some(case_id)) else {
                continue;
            };
            let mut case = StoredCase {
                run_id: run_id.clone(),
                service_code: strings(&b, "service_code")[i].map(str::to_string),
                service_description: strings(&b, "service_description")[i].map(str::to_string),
                service_drug: b
                    .column_by_name("service_drug")
                    .and_then(|_| strings(&b, "service_drug")[i].map(str::to_string)),
                needs_review: b
                    .column_by_name("needs_review")
                    .unwrap()
                    .as_boolean()
                    .value(i),
                policy: {
                    let col = |n: &str| {
                        b.column_by_name(n)
                            .and_then(|_| strings(&b, n)[i].map(str::to_string))
                    };
                    col("policy_id").map(|id| {
                        (
                            id,
                            col("policy_source").unwrap_or_default(),
                            col("policy_why").unwrap_or_default(),
                        )
                    })
                },
                policy_note: b
                    .column_by_name("policy_note")
                    .and_then(|_| strings(&b, "policy_note")[i].map(str::to_string)),
                documents: Vec::new(),
                statements: Vec::new(),
                claims: Vec::new(),
                criteria: Vec::new(),
                criteria_evidence: Vec::new(),
            };
            for (b, idx) in rows(out, "documents", &run_id, case_id)? {
                let (f, k, s, r) = (
                    strings(&b, "file_name"),
                    strings(&b, "kind"),
                    strings(&b, "status"),
                    strings(&b, "status_detail"),
                );
                for i in idx {
                    case.documents.push((
                        f[i].unwrap_or("").into(),
                        k[i].unwrap_or("").into(),
                        s[i].unwrap_or("").into(),
                        r[i].map(str::to_string),
                    ));
                }
            }
            for (b, idx) in rows(out, "summaries", &run_id, case_id)? {
                let (sec, text) = (strings(&b, "section"), strings(&b, "text"));
                let cites = b.column_by_name("citations").unwrap().as_list::<i32>();
                for i in idx {
                    let list = cites.value(i);
                    let st = list.as_struct();
                    let doc = st.column_by_name("doc_id").unwrap().as_string::<i32>();
                    let num = |n: &str| {
                        st.column_by_name(n)
                            .unwrap()
                            .as_primitive::<Int32Type>()
                            .clone()
                    };
                    let (page, start, end) = (num("page"), num("start"), num("end"));
                    case.statements.push(StoredStatement {
                        section: sec[i].unwrap_or("").into(),
                        text: text[i].unwrap_or("").into(),
                        citations: (0..st.len())
                            .map(|j| {
                                (
                                    doc.value(j).to_string(),
                                    page.value(j),
                                    start.value(j),
                                    end.value(j),
                                )
                            })
                            .collect(),
                    });
                }
            }
            for (b, idx) in rows(out, "claims", &run_id, case_id)? {
                let (st, ty, text, reason) = (
                    strings(&b, "status"),
                    strings(&b, "claim_type"),
                    strings(&b, "text"),
                    strings(&b, "reason"),
                );
                let (ids, docs) = (strings(&b, "claim_id"), strings(&b, "doc_id"));
                let (fps, traces) = (
                    optional_strings(&b, "claim_fingerprint"),
                    optional_strings(&b, "trace"),
                );
                let num = |n: &str| {
                    b.column_by_name(n)
                        .unwrap()
                        .as_primitive::<Int32Type>()
                        .clone()
                };
                let (page, start, end) = (num("page"), num("start"), num("end"));
                for i in idx {
                    case.claims.push(StoredClaim {
                        claim_id: ids[i].unwrap_or("").into(),
                        span: (
                            docs[i].unwrap_or("").into(),
                            page.value(i),
                            start.value(i),
                            end.value(i),
                            text[i].unwrap_or("").into(),
                        ),
                        evidence: spans_at(&b, "evidence", i),
                        status: st[i].unwrap_or("").into(),
                        claim_type: ty[i].unwrap_or("").into(),
                        text: text[i].unwrap_or("").into(),
                        reason: reason[i].unwrap_or("").into(),
                        fingerprint: fps[i].map(str::to_string),
                        trace: traces[i].map(str::to_string),
                    });
                }
            }
            for (b, idx) in rows(out, "criteria", &run_id, case_id)? {
                let (id, d, st, r) = (
                    strings(&b, "criterion_id"),
                    strings(&b, "description"),
                    strings(&b, "status"),
                    strings(&b, "reason"),
                );
                for i in idx {
                    let get = |v: &Vec<Option<&str>>| v[i].unwrap_or("").to_string();
                    case.criteria.push((get(&id), get(&d), get(&st), get(&r)));
                    case.criteria_evidence.push(spans_at(&b, "evidence", i));
                }
            }
            return Ok(Some(case));
        }
    }
    Ok(None)
}

/// For every case in a finished run: (latest run id, fingerprint of that run's result).
pub fn latest_fingerprints(
    out: &Path,
) -> Result<std::collections::HashMap<String, (String, String)>, StoreError> {
    latest_fingerprints_of(out, &|_| true)
}

/// [`latest_fingerprints`] of the cases `wanted` accepts only: a run needs those
/// of its drop folder, not of every case the output folder has ever seen.
pub fn latest_fingerprints_of(
    out: &Path,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<std::collections::HashMap<String, (String, String)>, StoreError> {
    let finished: std::collections::HashSet<String> = table_files(out, "runs")
        .into_iter()
        .map(|(r, _)| r)
        .collect();
    let mut latest: std::collections::HashMap<String, (String, String)> =
        std::collections::HashMap::new();
    // Newest first: the first row seen for a case is its latest.
    for (run, path) in table_files(out, "cases") {
        if !finished.contains(&run) {
            continue;
        }
        for b in read_all(&path)? {
            let ids = strings(&b, "case_id");
            let fps = if b.column_by_name("fingerprint").is_some() {
                strings(&b, "fingerprint")
            } else {
                vec![None; ids.len()]
            };
            for (id, fp) in ids.into_iter().zip(fps) {
                if let Some(id) = id.filter(|id| wanted(id)) {
                    latest
                        .entry(id.to_string())
                        .or_insert_with(|| (run.clone(), fp.unwrap_or("").to_string()));
                }
            }
        }
    }
    Ok(latest)
}
