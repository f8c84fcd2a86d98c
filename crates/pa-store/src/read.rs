//! Reading our own dataset back, for `priorauth show`: the rows of one case
//! from the latest run that holds it.

use std::fs::File;
use std::path::Path;

use arrow::array::{Array, AsArray, RecordBatch};
use arrow::datatypes::Int32Type;
use pa_types::{ClaimType, SummarySection, UnknownName};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::tables::{col, Table, RUNS};
use crate::StoreError;

/// A summary statement as stored.
#[derive(Debug, Clone)]
pub struct StoredStatement {
    /// Section, read back through [`SummarySection`]; a name this build does
    /// not know (a file of another version) is kept as written, in the error.
    pub section: Result<SummarySection, UnknownName>,
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
    /// Claim type, read back through [`ClaimType`]; a name this build does
    /// not know (a file of another version) is kept as written, in the error.
    pub claim_type: Result<ClaimType, UnknownName>,
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
#[derive(Debug, Clone, Default)]
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
        text(col::DOC_ID).unwrap(),
        text(col::QUOTE).unwrap(),
        text(col::RELATION),
    );
    let (page, start, end) = (num(col::PAGE), num(col::START), num(col::END));
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

pub use crate::layout::table_files;

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
    let finished: std::collections::HashSet<String> =
        table_files(out, RUNS).into_iter().map(|(r, _)| r).collect();
    let mut rows = Vec::new();
    for (run, path) in table_files(out, Table::Claims.name()) {
        if !finished.contains(&run) {
            continue;
        }
        for b in read_all(&path)? {
            let (cases, fps, st) = (
                strings(&b, col::CASE_ID),
                optional_strings(&b, col::CLAIM_FINGERPRINT),
                strings(&b, col::STATUS),
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
            let idx: Vec<usize> = strings(&b, col::CASE_ID)
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
    for (run_id, path) in table_files(out, Table::Cases.name()) {
        for b in read_all(&path)? {
            let ids = strings(&b, col::CASE_ID);
            let Some(i) = ids.iter().position(|c| *c == Some(case_id)) else {
                continue;
            };
            let mut case = case_row(&b, i, &run_id);
            let rows = |table: Table| rows(out, table.name(), &run_id, case_id);
            read_documents(&mut case, rows(Table::Documents)?);
            read_statements(&mut case, rows(Table::Summaries)?);
            read_claims(&mut case, rows(Table::Claims)?);
            read_criteria(&mut case, rows(Table::Criteria)?);
            return Ok(Some(case));
        }
    }
    Ok(None)
}

/// Row `i` of a `cases` batch, without its documents, statements, claims and criteria.
fn case_row(b: &RecordBatch, i: usize, run_id: &str) -> StoredCase {
    // Columns that older files may lack.
    let opt = |n: &str| {
        b.column_by_name(n)
            .and_then(|_| strings(b, n)[i].map(str::to_string))
    };
    StoredCase {
        run_id: run_id.to_string(),
        service_code: strings(b, col::SERVICE_CODE)[i].map(str::to_string),
        service_description: strings(b, col::SERVICE_DESCRIPTION)[i].map(str::to_string),
        service_drug: opt(col::SERVICE_DRUG),
        needs_review: b
            .column_by_name(col::NEEDS_REVIEW)
            .unwrap()
            .as_boolean()
            .value(i),
        policy: opt(col::POLICY_ID).map(|id| {
            (
                id,
                opt(col::POLICY_SOURCE).unwrap_or_default(),
                opt(col::POLICY_WHY).unwrap_or_default(),
            )
        }),
        policy_note: opt(col::POLICY_NOTE),
        documents: Vec::new(),
        statements: Vec::new(),
        claims: Vec::new(),
        criteria: Vec::new(),
        criteria_evidence: Vec::new(),
    }
}

/// The case's rows of `documents`.
fn read_documents(case: &mut StoredCase, found: Vec<(RecordBatch, Vec<usize>)>) {
    for (b, idx) in found {
        let (f, k, s, r) = (
            strings(&b, col::FILE_NAME),
            strings(&b, col::KIND),
            strings(&b, col::STATUS),
            strings(&b, col::STATUS_DETAIL),
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
}

/// The case's rows of `summaries`.
fn read_statements(case: &mut StoredCase, found: Vec<(RecordBatch, Vec<usize>)>) {
    for (b, idx) in found {
        let (sec, text) = (strings(&b, col::SECTION), strings(&b, col::TEXT));
        for i in idx {
            case.statements.push(StoredStatement {
                section: sec[i].unwrap_or("").parse(),
                text: text[i].unwrap_or("").into(),
                citations: spans_at(&b, col::CITATIONS, i)
                    .into_iter()
                    .map(|((doc, page, start, end, _), _)| (doc, page, start, end))
                    .collect(),
            });
        }
    }
}

/// The case's rows of `claims`.
fn read_claims(case: &mut StoredCase, found: Vec<(RecordBatch, Vec<usize>)>) {
    for (b, idx) in found {
        let (st, ty, text, reason) = (
            strings(&b, col::STATUS),
            strings(&b, col::CLAIM_TYPE),
            strings(&b, col::TEXT),
            strings(&b, col::REASON),
        );
        let (ids, docs) = (strings(&b, col::CLAIM_ID), strings(&b, col::DOC_ID));
        let (fps, traces) = (
            optional_strings(&b, col::CLAIM_FINGERPRINT),
            optional_strings(&b, col::TRACE),
        );
        let num = |n: &str| {
            b.column_by_name(n)
                .unwrap()
                .as_primitive::<Int32Type>()
                .clone()
        };
        let (page, start, end) = (num(col::PAGE), num(col::START), num(col::END));
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
                evidence: spans_at(&b, col::EVIDENCE, i),
                status: st[i].unwrap_or("").into(),
                claim_type: ty[i].unwrap_or("").parse(),
                text: text[i].unwrap_or("").into(),
                reason: reason[i].unwrap_or("").into(),
                fingerprint: fps[i].map(str::to_string),
                trace: traces[i].map(str::to_string),
            });
        }
    }
}

/// The case's rows of `criteria`.
fn read_criteria(case: &mut StoredCase, found: Vec<(RecordBatch, Vec<usize>)>) {
    for (b, idx) in found {
        let (id, d, st, r) = (
            strings(&b, col::CRITERION_ID),
            strings(&b, col::DESCRIPTION),
            strings(&b, col::STATUS),
            strings(&b, col::REASON),
        );
        for i in idx {
            let get = |v: &Vec<Option<&str>>| v[i].unwrap_or("").to_string();
            case.criteria.push((get(&id), get(&d), get(&st), get(&r)));
            case.criteria_evidence.push(spans_at(&b, col::EVIDENCE, i));
        }
    }
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
    let finished: std::collections::HashSet<String> =
        table_files(out, RUNS).into_iter().map(|(r, _)| r).collect();
    let mut latest: std::collections::HashMap<String, (String, String)> =
        std::collections::HashMap::new();
    // Newest first: the first row seen for a case is its latest.
    for (run, path) in table_files(out, Table::Cases.name()) {
        if !finished.contains(&run) {
            continue;
        }
        for b in read_all(&path)? {
            let ids = strings(&b, col::CASE_ID);
            let fps = optional_strings(&b, col::FINGERPRINT);
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

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::StringArray;
    use pa_types::{
        Backend, CaseResult, CaseSummary, Citation, Claim, ClaimStatus, RunInfo, Statement,
    };

    use super::*;

    /// `table`'s batch of `case`, with the strings of column `name` replaced
    /// by `names`: what a file of another version may hold.
    fn written_as(table: Table, case: &CaseResult, name: &str, names: &[&str]) -> RecordBatch {
        let run = RunInfo {
            run_id: "r1".into(),
            run_date: "2026-11-27".into(),
            started_at_us: 0,
            shard: None,
        };
        let b = table.batch(&run, std::slice::from_ref(case)).unwrap();
        let mut cols = b.columns().to_vec();
        cols[b.schema().index_of(name).unwrap()] = Arc::new(StringArray::from(names.to_vec()));
        RecordBatch::try_new(b.schema(), cols).unwrap()
    }

    #[test]
    fn names_this_build_does_not_know_read_back_as_written() {
        let span = Citation {
            doc_id: "lmn".into(),
            page: 1,
            start: 0,
            end: 4,
            quote: "Text".into(),
        };
        let claim = Claim {
            claim_id: "lmn#1".into(),
            span: span.clone(),
            claim_type: ClaimType::Score,
            status: ClaimStatus::Supported,
            reason: String::new(),
            evidence: Vec::new(),
            trace: None,
        };
        let statement = Statement {
            section: SummarySection::Diagnoses,
            ordinal: 0,
            text: "Text".into(),
            citations: vec![span],
            backend: Backend::Extractive,
        };
        let case = CaseResult {
            case_id: "c".into(),
            summary: CaseSummary {
                statements: vec![statement.clone(), statement],
                ..Default::default()
            },
            claims: vec![claim.clone(), claim],
            ..Default::default()
        };
        let mut stored = StoredCase::default();
        let rows = |table, column, names: &[&str]| {
            vec![(written_as(table, &case, column, names), vec![0, 1])]
        };
        read_claims(
            &mut stored,
            rows(Table::Claims, col::CLAIM_TYPE, &["score", "duration"]),
        );
        read_statements(
            &mut stored,
            rows(Table::Summaries, col::SECTION, &["diagnoses", "outlook"]),
        );
        assert_eq!(stored.claims[0].claim_type, Ok(ClaimType::Score));
        let unknown = stored.claims[1].claim_type.as_ref().unwrap_err();
        assert_eq!(unknown.name, "duration");
        assert_eq!(stored.statements[0].section, Ok(SummarySection::Diagnoses));
        let unknown = stored.statements[1].section.as_ref().unwrap_err();
        assert_eq!(unknown.name, "outlook");
    }
}
