//! Store: the run's results as a parquet dataset for analysts and HTML review
//! pages for nurses. The only crate that imports arrow and parquet.
//!
//! Each table is a folder, Hive-partitioned by run date:
//! `<out>/<table>/run_date=YYYY-MM-DD/part-<run_id>.parquet`. A file is written
//! under a temporary name, fsynced and renamed, so readers never see a partial
//! file. Column meanings are in `docs/schema.md`.
#![warn(missing_docs)]

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanArray, Float32Array, Int32Array, ListArray, RecordBatch, StringArray,
    StructArray,
};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Fields, Schema};
use pa_types::{CaseResult, Citation, ClaimStatus, RunInfo};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

pub mod audit;
pub mod fhir;
pub mod html;
pub mod read;
pub mod reviews;
mod spool;

pub use spool::Spool;

/// Store errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// File system.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Arrow.
    #[error("building table {table}: {source}")]
    Arrow {
        /// The table.
        table: &'static str,
        /// The cause.
        source: arrow::error::ArrowError,
    },
    /// Parquet.
    #[error("writing table {table}: {source}")]
    Parquet {
        /// The table.
        table: &'static str,
        /// The cause.
        source: parquet::errors::ParquetError,
    },
}

/// The per-case tables, in the order they are written; `runs` comes last and
/// makes the run visible.
pub const TABLES: &[&str] = &[
    "documents",
    "pages",
    "summaries",
    "claims",
    "criteria",
    "facts",
    "red_flags",
    "cases",
];

/// Version of the table layouts; every row carries it as `schema_version`.
pub const SCHEMA_VERSION: i32 = 1;

/// What the `runs` table records beyond the case results.
#[derive(Debug, Clone)]
pub struct RunRecord {
    /// End of the run, microseconds since the Unix epoch, UTC.
    pub finished_at_us: i64,
    /// `priorauth` version.
    pub version: String,
    /// sha256 of the settings and data files.
    pub config_sha256: String,
    /// The process exit status the run ends with (0 or 2).
    pub exit_status: i32,
    /// Cases left alone because nothing about them changed.
    pub n_skipped: i64,
}

fn s<I: IntoIterator<Item = T>, T: Into<String>>(it: I) -> ArrayRef {
    Arc::new(StringArray::from(
        it.into_iter().map(Into::into).collect::<Vec<String>>(),
    ))
}
fn so<I: IntoIterator<Item = Option<String>>>(it: I) -> ArrayRef {
    Arc::new(StringArray::from(it.into_iter().collect::<Vec<_>>()))
}
fn i32s<I: IntoIterator<Item = i64>>(it: I) -> ArrayRef {
    Arc::new(Int32Array::from(
        it.into_iter().map(|v| v as i32).collect::<Vec<_>>(),
    ))
}
fn opt_i32<I: IntoIterator<Item = Option<u32>>>(it: I) -> ArrayRef {
    Arc::new(Int32Array::from(
        it.into_iter()
            .map(|v| v.map(|v| v as i32))
            .collect::<Vec<_>>(),
    ))
}
/// A nullable timestamp[us, UTC] column.
fn stamps<I: IntoIterator<Item = Option<i64>>>(it: I) -> ArrayRef {
    Arc::new(
        arrow::array::TimestampMicrosecondArray::from(it.into_iter().collect::<Vec<_>>())
            .with_timezone("UTC"),
    )
}
fn utc_micros() -> DataType {
    DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into()))
}
fn f(name: &str, dt: DataType, nullable: bool) -> Field {
    Field::new(name, dt, nullable)
}

fn span_fields(with_score: bool) -> Fields {
    let mut v = vec![
        f("doc_id", DataType::Utf8, false),
        f("page", DataType::Int32, false),
        f("start", DataType::Int32, false),
        f("end", DataType::Int32, false),
        f("quote", DataType::Utf8, false),
    ];
    if with_score {
        v.push(f("score", DataType::Float32, false));
        v.push(f("relation", DataType::Utf8, false));
    }
    Fields::from(v)
}

/// The span columns of a table whose rows are spans: `doc_id`, `page`,
/// `start`, `end`, `quote`.
fn flat_span_fields() -> Vec<Field> {
    span_fields(false).iter().map(|f| f.as_ref().clone()).collect()
}

/// The values of [`flat_span_fields`].
fn flat_span_cols<'a>(spans: impl Iterator<Item = &'a Citation>) -> Vec<ArrayRef> {
    let spans: Vec<&Citation> = spans.collect();
    vec![
        s(spans.iter().map(|c| c.doc_id.clone())),
        i32s(spans.iter().map(|c| c.page as i64)),
        i32s(spans.iter().map(|c| c.start as i64)),
        i32s(spans.iter().map(|c| c.end as i64)),
        s(spans.iter().map(|c| c.quote.clone())),
    ]
}

/// One row's spans, each with its (score, relation) when the table has them.
type SpanRow<'a> = Vec<(&'a Citation, Option<(f32, &'a str)>)>;

/// A list<struct> column of spans; `extra` gives (score, relation) per span when set.
fn span_list(rows: &[SpanRow<'_>], with_score: bool) -> Result<ArrayRef, arrow::error::ArrowError> {
    let flat: Vec<&(&Citation, Option<(f32, &str)>)> = rows.iter().flatten().collect();
    let mut cols = flat_span_cols(flat.iter().map(|c| c.0));
    if with_score {
        cols.push(Arc::new(Float32Array::from(
            flat.iter()
                .map(|c| c.1.map(|x| x.0).unwrap_or(0.0))
                .collect::<Vec<_>>(),
        )));
        cols.push(s(flat
            .iter()
            .map(|c| c.1.map(|x| x.1).unwrap_or("").to_string())));
    }
    let fields = span_fields(with_score);
    let structs = StructArray::try_new(fields.clone(), cols, None)?;
    let offsets = OffsetBuffer::from_lengths(rows.iter().map(|r| r.len()));
    let item = Arc::new(f("item", DataType::Struct(fields), false));
    Ok(Arc::new(ListArray::try_new(
        item,
        offsets,
        Arc::new(structs),
        None,
    )?))
}

/// A list<string> column.
fn string_list<'a>(
    rows: impl Iterator<Item = &'a [String]>,
) -> Result<ArrayRef, arrow::error::ArrowError> {
    let rows: Vec<&[String]> = rows.collect();
    let values = s(rows.iter().flat_map(|r| r.iter().cloned()));
    let offsets = OffsetBuffer::from_lengths(rows.iter().map(|r| r.len()));
    let item = Arc::new(f("item", DataType::Utf8, false));
    Ok(Arc::new(ListArray::try_new(item, offsets, values, None)?))
}

/// The `evidence` column: a list<struct> of spans with score and relation per row.
fn evidence_list<'a>(
    rows: impl Iterator<Item = &'a [pa_types::Evidence]>,
) -> Result<ArrayRef, arrow::error::ArrowError> {
    let rows: Vec<SpanRow<'_>> = rows
        .map(|ev| {
            ev.iter()
                .map(|e| (&e.citation, Some((e.score, e.relation.as_str()))))
                .collect()
        })
        .collect();
    span_list(&rows, true)
}

fn list_type(with_score: bool) -> DataType {
    DataType::List(Arc::new(f(
        "item",
        DataType::Struct(span_fields(with_score)),
        false,
    )))
}

/// Build the record batch of one table.
pub fn table_batch(
    table: &'static str,
    run: &RunInfo,
    cases: &[CaseResult],
) -> Result<RecordBatch, StoreError> {
    let arrow_err = |source| StoreError::Arrow { table, source };
    let utf8 = |n: &str| f(n, DataType::Utf8, false);
    let int = |n: &str| f(n, DataType::Int32, false);
    let (fields, cols): (Vec<Field>, Vec<ArrayRef>) = match table {
        "documents" => {
            let d: Vec<_> = cases.iter().flat_map(|c| c.docs.iter()).collect();
            (
                vec![
                    utf8("run_id"),
                    utf8("case_id"),
                    utf8("doc_id"),
                    utf8("file_name"),
                    utf8("sha256"),
                    f("size_bytes", DataType::Int64, false),
                    utf8("kind"),
                    int("n_pages"),
                    utf8("status"),
                    f("status_reason", DataType::Utf8, true),
                    f("status_detail", DataType::Utf8, true),
                    utf8("text_source"),
                    f("hidden_chars", DataType::Int64, false),
                ],
                vec![
                    s(d.iter().map(|_| run.run_id.clone())),
                    s(d.iter().map(|x| x.staged.case_id.clone())),
                    s(d.iter().map(|x| x.staged.doc_id.clone())),
                    s(d.iter().map(|x| x.staged.file_name.clone())),
                    s(d.iter().map(|x| x.staged.sha256.clone())),
                    Arc::new(arrow::array::Int64Array::from(
                        d.iter().map(|x| x.staged.size as i64).collect::<Vec<_>>(),
                    )),
                    s(d.iter().map(|x| x.kind.as_str())),
                    i32s(d.iter().map(|x| x.n_pages as i64)),
                    s(d.iter().map(|x| x.status.as_str())),
                    so(d.iter()
                        .map(|x| x.reason.as_ref().map(|r| r.0.as_str().to_string()))),
                    so(d.iter().map(|x| x.reason.as_ref().map(|r| r.1.clone()))),
                    s(d.iter().map(|x| x.text_source.as_str())),
                    Arc::new(arrow::array::Int64Array::from(
                        d.iter()
                            .map(|x| x.hidden_chars() as i64)
                            .collect::<Vec<_>>(),
                    )),
                ],
            )
        }
        "pages" => {
            let p: Vec<_> = cases
                .iter()
                .flat_map(|c| {
                    c.docs
                        .iter()
                        .flat_map(move |d| d.pages.iter().map(move |p| (c, d, p)))
                })
                .collect();
            (
                vec![
                    utf8("run_id"),
                    utf8("case_id"),
                    utf8("doc_id"),
                    int("page"),
                    utf8("text"),
                    utf8("text_source"),
                    int("n_chars"),
                    f("ocr_confidence", DataType::Float32, true),
                    f(
                        "low_confidence_words",
                        DataType::List(Arc::new(f("item", DataType::Utf8, false))),
                        false,
                    ),
                    utf8("extractor"),
                    f("partial_text", DataType::Boolean, false),
                    int("hidden_chars"),
                ],
                vec![
                    s(p.iter().map(|_| run.run_id.clone())),
                    s(p.iter().map(|x| x.0.case_id.clone())),
                    s(p.iter().map(|x| x.1.staged.doc_id.clone())),
                    i32s(p.iter().map(|x| x.2.number as i64)),
                    s(p.iter().map(|x| x.2.text.clone())),
                    s(p.iter().map(|x| x.2.source.as_str())),
                    i32s(p.iter().map(|x| x.2.text.chars().count() as i64)),
                    Arc::new(Float32Array::from(
                        p.iter().map(|x| x.2.ocr_confidence).collect::<Vec<_>>(),
                    )),
                    string_list(p.iter().map(|x| x.2.low_confidence_words.as_slice()))
                        .map_err(arrow_err)?,
                    s(p.iter().map(|x| x.2.extractor.as_str())),
                    Arc::new(BooleanArray::from(
                        p.iter().map(|x| x.2.partial_text).collect::<Vec<_>>(),
                    )),
                    i32s(p.iter().map(|x| x.2.hidden_chars as i64)),
                ],
            )
        }
        "summaries" => {
            let st: Vec<_> = cases
                .iter()
                .flat_map(|c| c.summary.statements.iter().map(move |s| (c, s)))
                .collect();
            let cites: Vec<SpanRow<'_>> = st
                .iter()
                .map(|x| x.1.citations.iter().map(|c| (c, None)).collect())
                .collect();
            (
                vec![
                    utf8("run_id"),
                    utf8("case_id"),
                    utf8("section"),
                    int("ordinal"),
                    utf8("text"),
                    utf8("backend"),
                    f("citations", list_type(false), false),
                ],
                vec![
                    s(st.iter().map(|_| run.run_id.clone())),
                    s(st.iter().map(|x| x.0.case_id.clone())),
                    s(st.iter().map(|x| x.1.section.as_str())),
                    i32s(st.iter().map(|x| x.1.ordinal as i64)),
                    s(st.iter().map(|x| x.1.text.clone())),
                    s(st.iter().map(|x| x.1.backend.name())),
                    span_list(&cites, false).map_err(arrow_err)?,
                ],
            )
        }
        "claims" => {
            let cl: Vec<_> = cases
                .iter()
                .flat_map(|c| c.claims.iter().map(move |k| (c, k)))
                .collect();
            (
                vec![
                    utf8("run_id"),
                    utf8("case_id"),
                    utf8("claim_id"),
                    utf8("doc_id"),
                    int("page"),
                    int("start"),
                    int("end"),
                    utf8("text"),
                    utf8("claim_type"),
                    utf8("status"),
                    utf8("reason"),
                    f("evidence", list_type(true), false),
                    utf8("claim_fingerprint"),
                    f("trace", DataType::Utf8, true),
                ],
                vec![
                    s(cl.iter().map(|_| run.run_id.clone())),
                    s(cl.iter().map(|x| x.0.case_id.clone())),
                    s(cl.iter().map(|x| x.1.claim_id.clone())),
                    s(cl.iter().map(|x| x.1.span.doc_id.clone())),
                    i32s(cl.iter().map(|x| x.1.span.page as i64)),
                    i32s(cl.iter().map(|x| x.1.span.start as i64)),
                    i32s(cl.iter().map(|x| x.1.span.end as i64)),
                    s(cl.iter().map(|x| x.1.span.quote.clone())),
                    s(cl.iter().map(|x| x.1.claim_type.as_str())),
                    s(cl.iter().map(|x| x.1.status.as_str())),
                    s(cl.iter().map(|x| x.1.reason.clone())),
                    evidence_list(cl.iter().map(|x| x.1.evidence.as_slice())).map_err(arrow_err)?,
                    s(cl.iter().map(|x| reviews::claim_fingerprint_of(x.0, x.1))),
                    so(cl.iter().map(|x| {
                        x.1.trace
                            .as_ref()
                            .and_then(|t| serde_json::to_string(t).ok())
                    })),
                ],
            )
        }
        "criteria" => {
            let cr: Vec<_> = cases
                .iter()
                .flat_map(|c| c.criteria.iter().map(move |k| (c, k)))
                .collect();
            (
                vec![
                    utf8("run_id"),
                    utf8("case_id"),
                    utf8("service"),
                    utf8("criterion_id"),
                    utf8("description"),
                    utf8("status"),
                    utf8("reason"),
                    f("evidence", list_type(true), false),
                ],
                vec![
                    s(cr.iter().map(|_| run.run_id.clone())),
                    s(cr.iter().map(|x| x.0.case_id.clone())),
                    s(cr.iter().map(|x| x.1.service.clone())),
                    s(cr.iter().map(|x| x.1.criterion_id.clone())),
                    s(cr.iter().map(|x| x.1.description.clone())),
                    s(cr.iter().map(|x| x.1.status.as_str())),
                    s(cr.iter().map(|x| x.1.reason.clone())),
                    evidence_list(cr.iter().map(|x| x.1.evidence.as_slice())).map_err(arrow_err)?,
                ],
            )
        }
        "facts" => {
            let fa: Vec<_> = cases
                .iter()
                .flat_map(|c| c.facts.iter().map(move |k| (c, k)))
                .collect();
            (
                vec![
                    utf8("run_id"),
                    utf8("case_id"),
                    utf8("kind"),
                    utf8("value"),
                    f("label", DataType::Utf8, true),
                    f("number", DataType::Float64, true),
                    f("unit", DataType::Utf8, true),
                    f("valid", DataType::Boolean, false),
                    utf8("assertion"),
                    utf8("doc_kind"),
                    utf8("section"),
                ]
                .into_iter()
                .chain(flat_span_fields())
                .collect(),
                vec![
                    s(fa.iter().map(|_| run.run_id.clone())),
                    s(fa.iter().map(|x| x.0.case_id.clone())),
                    s(fa.iter().map(|x| x.1.kind.as_str())),
                    s(fa.iter().map(|x| x.1.value.clone())),
                    so(fa.iter().map(|x| x.1.label.clone())),
                    Arc::new(arrow::array::Float64Array::from(
                        fa.iter().map(|x| x.1.number).collect::<Vec<_>>(),
                    )),
                    so(fa.iter().map(|x| x.1.unit.clone())),
                    Arc::new(BooleanArray::from(
                        fa.iter().map(|x| x.1.valid).collect::<Vec<_>>(),
                    )),
                    s(fa.iter().map(|x| x.1.assertion.as_str())),
                    s(fa.iter().map(|x| x.1.doc_kind.as_str())),
                    s(fa.iter().map(|x| x.1.section.clone())),
                ]
                .into_iter()
                .chain(flat_span_cols(fa.iter().map(|x| &x.1.span)))
                .collect(),
            )
        }
        "red_flags" => {
            let rf: Vec<_> = cases
                .iter()
                .flat_map(|c| c.red_flags.iter().map(move |k| (c, k)))
                .collect();
            (
                vec![
                    utf8("run_id"),
                    utf8("case_id"),
                    utf8("flag"),
                    utf8("label"),
                    utf8("assertion"),
                    f("escalates", DataType::Boolean, false),
                ]
                .into_iter()
                .chain(flat_span_fields())
                .collect(),
                vec![
                    s(rf.iter().map(|_| run.run_id.clone())),
                    s(rf.iter().map(|x| x.0.case_id.clone())),
                    s(rf.iter().map(|x| x.1.flag.clone())),
                    s(rf.iter().map(|x| x.1.label.clone())),
                    s(rf.iter().map(|x| x.1.assertion.as_str())),
                    Arc::new(BooleanArray::from(
                        rf.iter().map(|x| x.1.escalates).collect::<Vec<_>>(),
                    )),
                ]
                .into_iter()
                .chain(flat_span_cols(rf.iter().map(|x| &x.1.span)))
                .collect(),
            )
        }
        "cases" => (
            vec![
                utf8("run_id"),
                utf8("case_id"),
                f("service_code", DataType::Utf8, true),
                f("service_description", DataType::Utf8, true),
                f("service_drug", DataType::Utf8, true),
                int("n_documents"),
                int("n_quarantined"),
                int("n_pages"),
                int("n_claims"),
                int("n_supported"),
                int("n_unsupported"),
                int("n_contradicted"),
                f("needs_review", DataType::Boolean, false),
                utf8("fingerprint"),
                utf8("summary_backend"),
                f("llm_attempts", DataType::Int32, true),
                f("llm_published", DataType::Int32, true),
                f("llm_dropped", DataType::Int32, true),
                f("llm_drop_reasons", DataType::Utf8, true),
                f("llm_fallback", DataType::Utf8, true),
                f("policy_id", DataType::Utf8, true),
                f("policy_source", DataType::Utf8, true),
                f("policy_why", DataType::Utf8, true),
                f("policy_note", DataType::Utf8, true),
                utf8("priority"),
                utf8("priority_reason"),
                f("received_at", utc_micros(), true),
                f("due_by", utc_micros(), true),
            ],
            vec![
                s(cases.iter().map(|_| run.run_id.clone())),
                s(cases.iter().map(|c| c.case_id.clone())),
                so(cases.iter().map(|c| c.summary.service_code.clone())),
                so(cases.iter().map(|c| c.summary.service_description.clone())),
                so(cases.iter().map(|c| c.summary.service_drug.clone())),
                i32s(cases.iter().map(|c| c.docs.len() as i64)),
                i32s(cases.iter().map(|c| c.n_quarantined() as i64)),
                i32s(
                    cases
                        .iter()
                        .map(|c| c.docs.iter().map(|d| d.pages.len()).sum::<usize>() as i64),
                ),
                i32s(cases.iter().map(|c| c.claims.len() as i64)),
                i32s(
                    cases
                        .iter()
                        .map(|c| c.n_claims(ClaimStatus::Supported) as i64),
                ),
                i32s(
                    cases
                        .iter()
                        .map(|c| c.n_claims(ClaimStatus::Unsupported) as i64),
                ),
                i32s(
                    cases
                        .iter()
                        .map(|c| c.n_claims(ClaimStatus::Contradicted) as i64),
                ),
                Arc::new(BooleanArray::from(
                    cases.iter().map(|c| c.needs_review()).collect::<Vec<_>>(),
                )),
                s(cases.iter().map(|c| c.fingerprint.clone())),
                s(cases.iter().map(|c| {
                    c.summary
                        .statements
                        .iter()
                        .find(|s| s.section != pa_types::SummarySection::WhatIsMissing)
                        .map_or("extractive".to_string(), |s| s.backend.name())
                })),
                opt_i32(
                    cases
                        .iter()
                        .map(|c| c.summary.llm.as_ref().map(|l| l.attempts)),
                ),
                opt_i32(
                    cases
                        .iter()
                        .map(|c| c.summary.llm.as_ref().map(|l| l.published)),
                ),
                opt_i32(
                    cases
                        .iter()
                        .map(|c| c.summary.llm.as_ref().map(|l| l.dropped)),
                ),
                so(cases
                    .iter()
                    .map(|c| c.summary.llm.as_ref().map(|l| l.drop_reasons_column()))),
                so(cases
                    .iter()
                    .map(|c| c.summary.llm.as_ref().and_then(|l| l.fallback.clone()))),
                so(cases
                    .iter()
                    .map(|c| c.policy.as_ref().map(|p| p.id.clone()))),
                so(cases
                    .iter()
                    .map(|c| c.policy.as_ref().map(|p| p.source.clone()))),
                so(cases
                    .iter()
                    .map(|c| c.policy.as_ref().map(|p| p.why.clone()))),
                so(cases.iter().map(|c| c.policy_note.clone())),
                s(cases.iter().map(|c| {
                    if c.priority.expedited {
                        "expedited"
                    } else {
                        "standard"
                    }
                })),
                s(cases.iter().map(|c| c.priority.reason.clone())),
                stamps(cases.iter().map(|c| c.priority.received_at_us)),
                stamps(cases.iter().map(|c| c.priority.due_by_us)),
            ],
        ),
        _ => unreachable!("unknown table {table}"),
    };
    with_schema_version(fields, cols).map_err(arrow_err)
}

fn with_schema_version(
    mut fields: Vec<Field>,
    mut cols: Vec<ArrayRef>,
) -> Result<RecordBatch, arrow::error::ArrowError> {
    let n = cols.first().map(|c| c.len()).unwrap_or(0);
    fields.insert(0, f("schema_version", DataType::Int32, false));
    cols.insert(0, Arc::new(Int32Array::from(vec![SCHEMA_VERSION; n])));
    RecordBatch::try_new(Arc::new(Schema::new(fields)), cols)
}

/// The one-row `runs` batch.
pub fn runs_batch(
    run: &RunInfo,
    rec: &RunRecord,
    totals: &pa_types::RunTotals,
) -> Result<RecordBatch, StoreError> {
    let arrow_err = |source| StoreError::Arrow {
        table: "runs",
        source,
    };
    let ts = utc_micros;
    let stamp = |us: i64| -> ArrayRef {
        Arc::new(arrow::array::TimestampMicrosecondArray::from(vec![us]).with_timezone("UTC"))
    };
    let int = |n: &str| f(n, DataType::Int32, false);
    let fields = vec![
        f("run_id", DataType::Utf8, false),
        f("started_at", ts(), false),
        f("finished_at", ts(), false),
        f("version", DataType::Utf8, false),
        f("config_sha256", DataType::Utf8, false),
        int("n_cases"),
        int("n_documents"),
        int("n_pages"),
        int("n_quarantined"),
        int("n_claims"),
        int("n_supported"),
        int("n_unsupported"),
        int("n_contradicted"),
        int("n_needs_review"),
        int("n_skipped"),
        f("shard", DataType::Utf8, false),
        int("exit_status"),
    ];
    let cols = vec![
        s([run.run_id.clone()]),
        stamp(run.started_at_us),
        stamp(rec.finished_at_us),
        s([rec.version.clone()]),
        s([rec.config_sha256.clone()]),
        i32s([totals.cases as i64]),
        i32s([totals.documents as i64]),
        i32s([totals.pages as i64]),
        i32s([totals.quarantined as i64]),
        i32s([totals.claims as i64]),
        i32s([totals.supported as i64]),
        i32s([totals.unsupported as i64]),
        i32s([totals.contradicted as i64]),
        i32s([totals.needs_review as i64]),
        i32s([rec.n_skipped]),
        s([run
            .shard
            .map(|(k, n)| format!("{k}/{n}"))
            .unwrap_or_default()]),
        i32s([rec.exit_status as i64]),
    ];
    with_schema_version(fields, cols).map_err(arrow_err)
}

/// Where a table's file for this run goes.
pub fn table_path(out: &Path, table: &str, run: &RunInfo) -> PathBuf {
    batch_path(out, table, run, 0)
}

/// The file of one batch of a run's table: batch 0 is `part-<run_id>.parquet`,
/// later batches `part-<run_id>-b<NNNN>.parquet`.
fn batch_path(out: &Path, table: &str, run: &RunInfo, batch: usize) -> PathBuf {
    let b = if batch == 0 {
        String::new()
    } else {
        format!("-b{batch:04}")
    };
    out.join(table)
        .join(format!("run_date={}", run.run_date))
        .join(format!(
            "part-{}{b}{}.parquet",
            run.run_id,
            run.shard_suffix()
        ))
}

/// Write every table of the run at once (one batch); returns the files written
/// with their row counts.
pub fn write_tables(
    out: &Path,
    run: &RunInfo,
    rec: &RunRecord,
    cases: &[CaseResult],
) -> Result<Vec<(PathBuf, usize)>, StoreError> {
    let mut written = write_case_tables(out, run, 0, cases)?;
    let mut totals = pa_types::RunTotals::default();
    totals.add(cases);
    commit_run(out, run, rec, &totals, &mut written, |_| Ok(()))?;
    Ok(written)
}

/// Write the case tables of one batch of cases (not yet visible: the run is
/// committed by [`commit_run`]).
pub fn write_case_tables(
    out: &Path,
    run: &RunInfo,
    batch: usize,
    cases: &[CaseResult],
) -> Result<Vec<(PathBuf, usize)>, StoreError> {
    let mut written = Vec::new();
    for &table in TABLES {
        let rb = table_batch(table, run, cases)?;
        let path = batch_path(out, table, run, batch);
        write_parquet(&path, table, &rb)?;
        written.push((path, rb.num_rows()));
        pa_types::crash_point(&format!("after:{table}"));
    }
    Ok(written)
}

/// Make a run visible: the manifest of every file written, then `audit` (given
/// the manifest's sha256: the run's audit entry goes here, so that every visible
/// run has one), then the `runs` row. Appends the runs file to `written`.
pub fn commit_run(
    out: &Path,
    run: &RunInfo,
    rec: &RunRecord,
    totals: &pa_types::RunTotals,
    written: &mut Vec<(PathBuf, usize)>,
    audit: impl FnOnce(&str) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    // The manifest (every file with its size, sha256 and rows), then the runs
    // row: once that row exists the run is complete and visible.
    let manifest = out
        .join("manifests")
        .join(format!("{}{}.json", run.run_id, run.shard_suffix()));
    let mut files = Vec::new();
    for (path, rows) in written.iter() {
        let bytes = std::fs::read(path).map_err(io_err(path))?;
        files.push(serde_json::json!({
            "path": path.strip_prefix(out).unwrap_or(path).display().to_string(),
            "bytes": bytes.len(),
            "sha256": format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            "rows": rows,
        }));
    }
    let doc = serde_json::json!({"run_id": run.run_id, "shard": run.shard.map(|(k, n)| format!("{k}/{n}")), "files": files});
    let manifest_bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    write_atomic(&manifest, &manifest_bytes)?;
    pa_types::crash_point("after:manifest");
    audit(&format!(
        "{:x}",
        <sha2::Sha256 as sha2::Digest>::digest(&manifest_bytes)
    ))?;
    pa_types::crash_point("after:audit");
    let batch = runs_batch(run, rec, totals)?;
    let path = table_path(out, "runs", run);
    write_parquet(&path, "runs", &batch)?;
    written.push((path, 1));
    pa_types::crash_point("after:runs");
    Ok(())
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn write_parquet(path: &Path, table: &'static str, batch: &RecordBatch) -> Result<(), StoreError> {
    let dir = path.parent().expect("table paths have a parent");
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let (file, tmp) = temp_beside(path)?.into_parts();
    let props = WriterProperties::builder()
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(3).expect("valid level"),
        ))
        .set_max_row_group_row_count(Some(64 * 1024))
        .build();
    let pq = |source| StoreError::Parquet { table, source };
    let mut w = ArrowWriter::try_new(file, batch.schema(), Some(props)).map_err(pq)?;
    w.write(batch).map_err(pq)?;
    let file = w.into_inner().map_err(pq)?;
    file.sync_all().map_err(io_err(&tmp))?;
    tmp.persist(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_err(dir))?;
    Ok(())
}

/// Run `f` while holding `lock` (a file created exclusively; waits up to 30 s
/// for another process to release it, then goes ahead). Keeps concurrent shards
/// from interleaving read-modify-write of shared files.
pub fn with_file_lock<T>(lock: &Path, f: impl FnOnce() -> T) -> T {
    let mut tries = 0;
    while std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(lock)
        .is_err()
        && tries < 3000
    {
        std::thread::sleep(std::time::Duration::from_millis(10));
        tries += 1;
    }
    let out = f();
    let _ = std::fs::remove_file(lock);
    out
}

/// A new temporary file beside `path`, named `.<file name>.<random>.tmp`:
/// created with `O_CREAT|O_EXCL` (so never through a symlink planted at its
/// name, and never a file that already exists), and removed if dropped before
/// it is persisted.
pub fn temp_beside(path: &Path) -> Result<tempfile::NamedTempFile, StoreError> {
    let dir = path.parent().expect("paths have a parent");
    tempfile::Builder::new()
        .prefix(&format!(
            ".{}.",
            path.file_name().unwrap_or_default().to_string_lossy()
        ))
        .suffix(".tmp")
        .rand_bytes(10)
        // Modes as for any new file: the process umask decides (077 by default,
        // 027 when `group_readable`).
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666))
        .tempfile_in(dir)
        .map_err(io_err(dir))
}

/// Write a file atomically (a fresh temporary file, fsync, rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path.parent().expect("paths have a parent");
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let mut f = temp_beside(path)?;
    f.write_all(bytes).map_err(io_err(f.path()))?;
    f.as_file().sync_all().map_err(io_err(f.path()))?;
    f.persist(path).map_err(|e| StoreError::Io {
        path: path.to_path_buf(),
        source: e.error,
    })?;
    Ok(())
}

#[cfg(test)]
mod schema_doc_tests {
    use super::*;
    use std::collections::BTreeSet;

    /// Columns per table as `docs/schema.md` documents them.
    fn documented() -> Vec<(String, BTreeSet<String>)> {
        let doc = include_str!("../../../docs/schema.md");
        let mut out: Vec<(String, BTreeSet<String>)> = Vec::new();
        for line in doc.lines() {
            if let Some(t) = line.strip_prefix("## ") {
                out.push((t.trim().to_string(), BTreeSet::new()));
            } else if let (Some(last), Some(row)) = (out.last_mut(), line.strip_prefix("| ")) {
                let col = row.split('|').next().unwrap_or("").trim();
                if !col.is_empty() && col != "column" && !col.starts_with("---") {
                    last.1.insert(col.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn schema_doc_matches_the_code() {
        let run = RunInfo {
            run_id: "r".into(),
            run_date: "2026-01-01".into(),
            started_at_us: 0,
            shard: None,
        };
        let rec = RunRecord {
            finished_at_us: 0,
            version: "v".into(),
            config_sha256: "h".into(),
            exit_status: 0,
            n_skipped: 0,
        };
        let mut code: Vec<(String, BTreeSet<String>)> = TABLES
            .iter()
            .map(|t| {
                let b = table_batch(t, &run, &[]).unwrap();
                (
                    t.to_string(),
                    b.schema()
                        .fields()
                        .iter()
                        .map(|f| f.name().clone())
                        .collect(),
                )
            })
            .collect();
        let b = reviews::reviews_batch(&[]).unwrap();
        code.push((
            reviews::TABLE.into(),
            b.schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
        ));
        let b = runs_batch(&run, &rec, &Default::default()).unwrap();
        code.push((
            "runs".into(),
            b.schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect(),
        ));
        let doc = documented();
        for (table, cols) in &code {
            let Some((_, documented)) = doc.iter().find(|(t, _)| t == table) else {
                panic!("docs/schema.md has no section for table {table}");
            };
            assert_eq!(
                cols, documented,
                "table {table}: code columns vs docs/schema.md"
            );
        }
        for (table, _) in &doc {
            assert!(
                code.iter().any(|(t, _)| t == table),
                "docs/schema.md documents unknown table {table}"
            );
        }
    }
}
