//! One definition per table: its name, its columns, and for each column the
//! field beside the extraction of its values, so the two can never drift
//! apart. The writer builds record batches from these definitions; `read.rs`
//! reads columns back by the names in [`col`].
//!
//! Every table starts with `schema_version` and `run_id`, which [`Columns`]
//! adds itself. Column meanings are in `docs/schema.md`.

use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::array::{ArrayRef, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::error::ArrowError;
use pa_types::{
    CaseResult, Citation, Claim, ClaimStatus, CriterionResult, ExtractedDoc, Fact, Page, RedFlag,
    RunInfo, RunTotals, Statement,
};

use crate::columns::{
    evidence_list, f, i32s, list_type, opt_i32, s, so, span_list, stamps, string_list,
    string_list_type, utc_micros, SpanRow,
};
use crate::{reviews, RunRecord, StoreError, SCHEMA_VERSION};

/// Names of the columns that are read back (by `read.rs`, the audit check and
/// the review pages) as well as written.
pub mod col {
    #![allow(missing_docs)]
    pub const SCHEMA_VERSION: &str = "schema_version";
    pub const RUN_ID: &str = "run_id";
    pub const CASE_ID: &str = "case_id";
    pub const DOC_ID: &str = "doc_id";
    pub const PAGE: &str = "page";
    pub const START: &str = "start";
    pub const END: &str = "end";
    pub const QUOTE: &str = "quote";
    pub const RELATION: &str = "relation";
    pub const FILE_NAME: &str = "file_name";
    pub const KIND: &str = "kind";
    pub const STATUS: &str = "status";
    pub const STATUS_DETAIL: &str = "status_detail";
    pub const SECTION: &str = "section";
    pub const TEXT: &str = "text";
    pub const CITATIONS: &str = "citations";
    pub const CLAIM_ID: &str = "claim_id";
    pub const CLAIM_TYPE: &str = "claim_type";
    pub const REASON: &str = "reason";
    pub const EVIDENCE: &str = "evidence";
    pub const CLAIM_FINGERPRINT: &str = "claim_fingerprint";
    pub const TRACE: &str = "trace";
    pub const CRITERION_ID: &str = "criterion_id";
    pub const DESCRIPTION: &str = "description";
    pub const SERVICE_CODE: &str = "service_code";
    pub const SERVICE_DESCRIPTION: &str = "service_description";
    pub const SERVICE_DRUG: &str = "service_drug";
    pub const NEEDS_REVIEW: &str = "needs_review";
    pub const FINGERPRINT: &str = "fingerprint";
    pub const POLICY_ID: &str = "policy_id";
    pub const POLICY_SOURCE: &str = "policy_source";
    pub const POLICY_WHY: &str = "policy_why";
    pub const POLICY_NOTE: &str = "policy_note";
}

/// The per-case tables, in the order they are written; `runs` ([`RUNS`])
/// comes after them and makes the run visible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// One row per document.
    Documents,
    /// One row per page.
    Pages,
    /// One row per summary statement.
    Summaries,
    /// One row per claim of the letter.
    Claims,
    /// One row per criterion of the checklist.
    Criteria,
    /// One row per extracted fact.
    Facts,
    /// One row per red flag.
    RedFlags,
    /// One row per case.
    Cases,
}

/// The name of the `runs` table: one row per finished run.
pub const RUNS: &str = "runs";

impl Table {
    /// Every per-case table, in the order they are written.
    pub const ALL: [Table; 8] = [
        Table::Documents,
        Table::Pages,
        Table::Summaries,
        Table::Claims,
        Table::Criteria,
        Table::Facts,
        Table::RedFlags,
        Table::Cases,
    ];

    /// The table's name: its folder in the output and its section in `docs/schema.md`.
    pub const fn name(self) -> &'static str {
        match self {
            Table::Documents => "documents",
            Table::Pages => "pages",
            Table::Summaries => "summaries",
            Table::Claims => "claims",
            Table::Criteria => "criteria",
            Table::Facts => "facts",
            Table::RedFlags => "red_flags",
            Table::Cases => "cases",
        }
    }

    /// The table's schema.
    pub fn schema(self) -> SchemaRef {
        match self {
            Table::Documents => documents().schema(),
            Table::Pages => pages().schema(),
            Table::Summaries => summaries().schema(),
            Table::Claims => claims().schema(),
            Table::Criteria => criteria().schema(),
            Table::Facts => facts().schema(),
            Table::RedFlags => red_flags().schema(),
            Table::Cases => cases_table().schema(),
        }
    }

    /// The table's record batch for `cases` of `run`.
    pub fn batch(self, run: &RunInfo, cases: &[CaseResult]) -> Result<RecordBatch, StoreError> {
        let id = run.run_id.as_str();
        match self {
            Table::Documents => {
                let rows: Vec<&ExtractedDoc> = cases.iter().flat_map(|c| c.docs.iter()).collect();
                documents().batch(id, &rows)
            }
            Table::Pages => {
                let rows: Vec<PageRow<'_>> = cases
                    .iter()
                    .flat_map(|c| {
                        c.docs
                            .iter()
                            .flat_map(move |d| d.pages.iter().map(move |p| (c, d, p)))
                    })
                    .collect();
                pages().batch(id, &rows)
            }
            Table::Summaries => {
                summaries().batch(id, &per_case(cases, |c| c.summary.statements.as_slice()))
            }
            Table::Claims => claims().batch(id, &per_case(cases, |c| c.claims.as_slice())),
            Table::Criteria => criteria().batch(id, &per_case(cases, |c| c.criteria.as_slice())),
            Table::Facts => facts().batch(id, &per_case(cases, |c| c.facts.as_slice())),
            Table::RedFlags => red_flags().batch(id, &per_case(cases, |c| c.red_flags.as_slice())),
            Table::Cases => cases_table().batch(id, &cases.iter().collect::<Vec<_>>()),
        }
        .map_err(|source| StoreError::Arrow {
            table: self.name(),
            source,
        })
    }
}

/// The one-row `runs` batch.
pub fn runs_batch(
    run: &RunInfo,
    rec: &RunRecord,
    totals: &RunTotals,
) -> Result<RecordBatch, StoreError> {
    runs()
        .batch(&run.run_id, &[(run, rec, totals)])
        .map_err(|source| StoreError::Arrow {
            table: RUNS,
            source,
        })
}

/// The rows of a table with one row per item of a case.
fn per_case<'a, T>(
    cases: &'a [CaseResult],
    items: impl Fn(&'a CaseResult) -> &'a [T],
) -> Vec<(&'a CaseResult, &'a T)> {
    cases
        .iter()
        .flat_map(|c| items(c).iter().map(move |k| (c, k)))
        .collect()
}

/// A row of `pages`.
type PageRow<'a> = (&'a CaseResult, &'a ExtractedDoc, &'a Page);
/// A row of a table with one row per item of a case.
type ItemRow<'a, T> = (&'a CaseResult, &'a T);
/// The row of `runs`.
type RunRow<'a> = (&'a RunInfo, &'a RunRecord, &'a RunTotals);

/// How a column's values come out of a table's rows.
type Extract<'r, R> = Box<dyn Fn(&[R]) -> Result<ArrayRef, ArrowError> + 'r>;

/// A table's columns: each field with the extraction of its values from the
/// table's rows (of type `R`).
struct Columns<'r, R> {
    cols: Vec<(Field, Extract<'r, R>)>,
}

impl<'r, R: 'r> Columns<'r, R> {
    fn new() -> Self {
        Columns { cols: Vec::new() }
    }

    /// A column of any type.
    fn col(
        mut self,
        field: Field,
        values: impl Fn(&[R]) -> Result<ArrayRef, ArrowError> + 'r,
    ) -> Self {
        self.cols.push((field, Box::new(values)));
        self
    }

    /// A non-null string column.
    fn utf8<S: Into<String>>(self, name: &str, get: impl Fn(&R) -> S + 'r) -> Self {
        self.col(f(name, DataType::Utf8, false), move |rows| {
            Ok(s(rows.iter().map(&get)))
        })
    }

    /// A nullable string column.
    fn utf8_opt(self, name: &str, get: impl Fn(&R) -> Option<String> + 'r) -> Self {
        self.col(f(name, DataType::Utf8, true), move |rows| {
            Ok(so(rows.iter().map(&get)))
        })
    }

    /// A non-null int32 column.
    fn int(self, name: &str, get: impl Fn(&R) -> i64 + 'r) -> Self {
        self.col(f(name, DataType::Int32, false), move |rows| {
            Ok(i32s(rows.iter().map(&get)))
        })
    }

    /// A nullable int32 column.
    fn int_opt(self, name: &str, get: impl Fn(&R) -> Option<u32> + 'r) -> Self {
        self.col(f(name, DataType::Int32, true), move |rows| {
            Ok(opt_i32(rows.iter().map(&get)))
        })
    }

    /// A non-null int64 column.
    fn int64(self, name: &str, get: impl Fn(&R) -> i64 + 'r) -> Self {
        self.col(f(name, DataType::Int64, false), move |rows| {
            Ok(Arc::new(Int64Array::from(
                rows.iter().map(&get).collect::<Vec<_>>(),
            )))
        })
    }

    /// A non-null boolean column.
    fn boolean(self, name: &str, get: impl Fn(&R) -> bool + 'r) -> Self {
        self.col(f(name, DataType::Boolean, false), move |rows| {
            Ok(Arc::new(BooleanArray::from(
                rows.iter().map(&get).collect::<Vec<_>>(),
            )))
        })
    }

    /// A nullable timestamp[us, UTC] column.
    fn stamp_opt(self, name: &str, get: impl Fn(&R) -> Option<i64> + 'r) -> Self {
        self.col(f(name, utc_micros(), true), move |rows| {
            Ok(stamps(rows.iter().map(&get)))
        })
    }

    /// The five span columns (`doc_id`, `page`, `start`, `end`, `quote`) of a
    /// table whose rows are spans.
    fn spans(self, get: impl Fn(&R) -> &Citation + Copy + 'r) -> Self {
        self.utf8(col::DOC_ID, move |r| get(r).doc_id.clone())
            .int(col::PAGE, move |r| get(r).page as i64)
            .int(col::START, move |r| get(r).start as i64)
            .int(col::END, move |r| get(r).end as i64)
            .utf8(col::QUOTE, move |r| get(r).quote.clone())
    }

    /// The fields, after `schema_version` and `run_id`.
    fn fields(&self) -> Vec<Field> {
        [
            f(col::SCHEMA_VERSION, DataType::Int32, false),
            f(col::RUN_ID, DataType::Utf8, false),
        ]
        .into_iter()
        .chain(self.cols.iter().map(|(field, _)| field.clone()))
        .collect()
    }

    fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(self.fields()))
    }

    /// The record batch of `rows`, every row of run `run_id`.
    fn batch(&self, run_id: &str, rows: &[R]) -> Result<RecordBatch, ArrowError> {
        let mut values: Vec<ArrayRef> = vec![
            Arc::new(Int32Array::from(vec![SCHEMA_VERSION; rows.len()])),
            s(rows.iter().map(|_| run_id)),
        ];
        for (_, extract) in &self.cols {
            values.push(extract(rows)?);
        }
        RecordBatch::try_new(self.schema(), values)
    }
}

fn documents<'r>() -> Columns<'r, &'r ExtractedDoc> {
    Columns::<&'r ExtractedDoc>::new()
        .utf8(col::CASE_ID, |x| x.staged.case_id.clone())
        .utf8(col::DOC_ID, |x| x.staged.doc_id.clone())
        .utf8(col::FILE_NAME, |x| x.staged.file_name.clone())
        .utf8("sha256", |x| x.staged.sha256.clone())
        .int64("size_bytes", |x| x.staged.size as i64)
        .utf8(col::KIND, |x| x.kind.as_str())
        .int("n_pages", |x| x.n_pages as i64)
        .utf8(col::STATUS, |x| x.status.as_str())
        .utf8_opt("status_reason", |x| {
            x.reason.as_ref().map(|r| r.0.as_str().to_string())
        })
        .utf8_opt(col::STATUS_DETAIL, |x| {
            x.reason.as_ref().map(|r| r.1.clone())
        })
        .utf8("text_source", |x| x.text_source.as_str())
        .int64("hidden_chars", |x| x.hidden_chars() as i64)
        .utf8_opt("parts", |x| (!x.parts.is_empty()).then(|| x.parts_label()))
}

fn pages<'r>() -> Columns<'r, PageRow<'r>> {
    Columns::<PageRow<'r>>::new()
        .utf8(col::CASE_ID, |x| x.0.case_id.clone())
        .utf8(col::DOC_ID, |x| x.1.staged.doc_id.clone())
        .int(col::PAGE, |x| x.2.number as i64)
        .utf8(col::TEXT, |x| x.2.text.clone())
        .utf8("text_source", |x| x.2.source.as_str())
        .int("n_chars", |x| x.2.text.chars().count() as i64)
        .col(f("ocr_confidence", DataType::Float32, true), |rows| {
            Ok(Arc::new(Float32Array::from(
                rows.iter().map(|x| x.2.ocr_confidence).collect::<Vec<_>>(),
            )))
        })
        .col(
            f("low_confidence_words", string_list_type(), false),
            |rows| string_list(rows.iter().map(|x| x.2.low_confidence_words.as_slice())),
        )
        .utf8("extractor", |x| x.2.extractor.as_str())
        .boolean("partial_text", |x| x.2.partial_text)
        .int("hidden_chars", |x| x.2.hidden_chars as i64)
}

fn summaries<'r>() -> Columns<'r, ItemRow<'r, Statement>> {
    Columns::<ItemRow<'r, Statement>>::new()
        .utf8(col::CASE_ID, |x| x.0.case_id.clone())
        .utf8(col::SECTION, |x| x.1.section.as_str())
        .int("ordinal", |x| x.1.ordinal as i64)
        .utf8(col::TEXT, |x| x.1.text.clone())
        .utf8("backend", |x| x.1.backend.name())
        .col(f(col::CITATIONS, list_type(false), false), |rows| {
            let cites: Vec<SpanRow<'_>> = rows
                .iter()
                .map(|x| x.1.citations.iter().map(|c| (c, None)).collect())
                .collect();
            span_list(&cites, false)
        })
}

fn claims<'r>() -> Columns<'r, ItemRow<'r, Claim>> {
    Columns::<ItemRow<'r, Claim>>::new()
        .utf8(col::CASE_ID, |x| x.0.case_id.clone())
        .utf8(col::CLAIM_ID, |x| x.1.claim_id.clone())
        .utf8(col::DOC_ID, |x| x.1.span.doc_id.clone())
        .int(col::PAGE, |x| x.1.span.page as i64)
        .int(col::START, |x| x.1.span.start as i64)
        .int(col::END, |x| x.1.span.end as i64)
        .utf8(col::TEXT, |x| x.1.span.quote.clone())
        .utf8(col::CLAIM_TYPE, |x| x.1.claim_type.as_str())
        .utf8(col::STATUS, |x| x.1.status.as_str())
        .utf8(col::REASON, |x| x.1.reason.clone())
        .col(f(col::EVIDENCE, list_type(true), false), |rows| {
            evidence_list(rows.iter().map(|x| x.1.evidence.as_slice()))
        })
        .utf8(col::CLAIM_FINGERPRINT, |x| {
            reviews::claim_fingerprint_of(x.0, x.1)
        })
        .utf8_opt(col::TRACE, |x| {
            x.1.trace
                .as_ref()
                .and_then(|t| serde_json::to_string(t).ok())
        })
}

fn criteria<'r>() -> Columns<'r, ItemRow<'r, CriterionResult>> {
    Columns::<ItemRow<'r, CriterionResult>>::new()
        .utf8(col::CASE_ID, |x| x.0.case_id.clone())
        .utf8("service", |x| x.1.service.clone())
        .utf8(col::CRITERION_ID, |x| x.1.criterion_id.clone())
        .utf8(col::DESCRIPTION, |x| x.1.description.clone())
        .utf8(col::STATUS, |x| x.1.status.as_str())
        .utf8(col::REASON, |x| x.1.reason.clone())
        .col(f(col::EVIDENCE, list_type(true), false), |rows| {
            evidence_list(rows.iter().map(|x| x.1.evidence.as_slice()))
        })
}

fn facts<'r>() -> Columns<'r, ItemRow<'r, Fact>> {
    Columns::<ItemRow<'r, Fact>>::new()
        .utf8(col::CASE_ID, |x| x.0.case_id.clone())
        .utf8(col::KIND, |x| x.1.kind.as_str())
        .utf8("value", |x| x.1.value.clone())
        .utf8_opt("label", |x| x.1.label.clone())
        .col(f("number", DataType::Float64, true), |rows| {
            Ok(Arc::new(Float64Array::from(
                rows.iter().map(|x| x.1.number).collect::<Vec<_>>(),
            )))
        })
        .utf8_opt("unit", |x| x.1.unit.clone())
        .boolean("valid", |x| x.1.valid)
        .utf8("assertion", |x| x.1.assertion.as_str())
        .utf8("doc_kind", |x| x.1.doc_kind.as_str())
        .utf8(col::SECTION, |x| x.1.section.clone())
        .spans(|x| &x.1.span)
}

fn red_flags<'r>() -> Columns<'r, ItemRow<'r, RedFlag>> {
    Columns::<ItemRow<'r, RedFlag>>::new()
        .utf8(col::CASE_ID, |x| x.0.case_id.clone())
        .utf8("flag", |x| x.1.flag.clone())
        .utf8("label", |x| x.1.label.clone())
        .utf8("assertion", |x| x.1.assertion.as_str())
        .boolean("escalates", |x| x.1.escalates)
        .spans(|x| &x.1.span)
}

fn cases_table<'r>() -> Columns<'r, &'r CaseResult> {
    fn n(status: ClaimStatus) -> impl Fn(&&CaseResult) -> i64 {
        move |c| c.n_claims(status) as i64
    }
    fn llm<'a>(c: &&'a CaseResult) -> Option<&'a pa_types::LlmReport> {
        c.summary.llm.as_ref()
    }
    fn policy<'a>(c: &&'a CaseResult) -> Option<&'a pa_types::PolicyChoice> {
        c.policy.as_ref()
    }
    Columns::<&'r CaseResult>::new()
        .utf8(col::CASE_ID, |c| c.case_id.clone())
        .utf8_opt(col::SERVICE_CODE, |c| c.summary.service_code.clone())
        .utf8_opt(col::SERVICE_DESCRIPTION, |c| {
            c.summary.service_description.clone()
        })
        .utf8_opt(col::SERVICE_DRUG, |c| c.summary.service_drug.clone())
        .int("n_documents", |c| c.docs.len() as i64)
        .int("n_quarantined", |c| c.n_quarantined() as i64)
        .int("n_pages", |c| {
            c.docs.iter().map(|d| d.pages.len()).sum::<usize>() as i64
        })
        .int("n_claims", |c| c.claims.len() as i64)
        .int("n_supported", n(ClaimStatus::Supported))
        .int("n_unsupported", n(ClaimStatus::Unsupported))
        .int("n_contradicted", n(ClaimStatus::Contradicted))
        .boolean(col::NEEDS_REVIEW, |c| c.needs_review())
        .utf8(col::FINGERPRINT, |c| c.fingerprint.clone())
        .utf8("summary_backend", |c| {
            c.summary
                .statements
                .iter()
                .find(|s| s.section != pa_types::SummarySection::WhatIsMissing)
                .map_or("extractive".to_string(), |s| s.backend.name())
        })
        .int_opt("llm_attempts", |c| llm(c).map(|l| l.attempts))
        .int_opt("llm_published", |c| llm(c).map(|l| l.published))
        .int_opt("llm_dropped", |c| llm(c).map(|l| l.dropped))
        .utf8_opt("llm_drop_reasons", move |c| {
            llm(c).map(|l| l.drop_reasons_column())
        })
        .utf8_opt("llm_fallback", |c| llm(c).and_then(|l| l.fallback.clone()))
        .utf8_opt(col::POLICY_ID, |c| policy(c).map(|p| p.id.clone()))
        .utf8_opt(col::POLICY_SOURCE, |c| policy(c).map(|p| p.source.clone()))
        .utf8_opt(col::POLICY_WHY, |c| policy(c).map(|p| p.why.clone()))
        .utf8_opt(col::POLICY_NOTE, |c| c.policy_note.clone())
        .utf8("priority", |c| {
            if c.priority.expedited {
                "expedited"
            } else {
                "standard"
            }
        })
        .utf8("priority_reason", |c| c.priority.reason.clone())
        .stamp_opt("received_at", |c| c.priority.received_at_us)
        .stamp_opt("due_by", |c| c.priority.due_by_us)
}

fn runs<'r>() -> Columns<'r, RunRow<'r>> {
    let stamp = |name: &str| f(name, utc_micros(), false);
    let stamps_of = |get: fn(&RunRow<'_>) -> i64| {
        move |rows: &[RunRow<'_>]| -> Result<ArrayRef, ArrowError> {
            Ok(Arc::new(
                arrow::array::TimestampMicrosecondArray::from(
                    rows.iter().map(get).collect::<Vec<_>>(),
                )
                .with_timezone("UTC"),
            ))
        }
    };
    Columns::<RunRow<'r>>::new()
        .col(stamp("started_at"), stamps_of(|x| x.0.started_at_us))
        .col(stamp("finished_at"), stamps_of(|x| x.1.finished_at_us))
        .utf8("version", |x| x.1.version.clone())
        .utf8("config_sha256", |x| x.1.config_sha256.clone())
        .int("n_cases", |x| x.2.cases as i64)
        .int("n_documents", |x| x.2.documents as i64)
        .int("n_pages", |x| x.2.pages as i64)
        .int("n_quarantined", |x| x.2.quarantined as i64)
        .int("n_claims", |x| x.2.claims as i64)
        .int("n_supported", |x| x.2.supported as i64)
        .int("n_unsupported", |x| x.2.unsupported as i64)
        .int("n_contradicted", |x| x.2.contradicted as i64)
        .int("n_needs_review", |x| x.2.needs_review as i64)
        .int("n_skipped", |x| x.1.n_skipped)
        .utf8("shard", |x| {
            x.0.shard
                .map(|(k, n)| format!("{k}/{n}"))
                .unwrap_or_default()
        })
        .int("exit_status", |x| x.1.exit_status as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_batch_has_the_schema() {
        let run = RunInfo {
            run_id: "r".into(),
            run_date: "2026-01-01".into(),
            started_at_us: 0,
            shard: None,
        };
        for t in Table::ALL {
            let b = t.batch(&run, &[]).unwrap();
            assert_eq!(b.schema(), t.schema(), "{}", t.name());
            assert_eq!(b.num_rows(), 0);
        }
    }
}
