//! Arrow array builders: plain columns (`s`, `so`, `i32s`...) and the nested
//! ones (lists of strings, lists of spans). The tables in [`crate::tables`] are
//! built from these; nothing here knows a table.

use std::sync::Arc;

use arrow::array::{ArrayRef, Float32Array, Int32Array, ListArray, StringArray, StructArray};
use arrow::buffer::OffsetBuffer;
use arrow::datatypes::{DataType, Field, Fields};
use arrow::error::ArrowError;
use pa_types::Citation;

/// A non-null string column.
pub(crate) fn s<I: IntoIterator<Item = T>, T: Into<String>>(it: I) -> ArrayRef {
    Arc::new(StringArray::from(
        it.into_iter().map(Into::into).collect::<Vec<String>>(),
    ))
}

/// A nullable string column.
pub(crate) fn so<I: IntoIterator<Item = Option<String>>>(it: I) -> ArrayRef {
    Arc::new(StringArray::from(it.into_iter().collect::<Vec<_>>()))
}

/// An int32 column (values are counts and offsets that fit).
pub(crate) fn i32s<I: IntoIterator<Item = i64>>(it: I) -> ArrayRef {
    Arc::new(Int32Array::from(
        it.into_iter().map(|v| v as i32).collect::<Vec<_>>(),
    ))
}

/// A nullable int32 column.
pub(crate) fn opt_i32<I: IntoIterator<Item = Option<u32>>>(it: I) -> ArrayRef {
    Arc::new(Int32Array::from(
        it.into_iter()
            .map(|v| v.map(|v| v as i32))
            .collect::<Vec<_>>(),
    ))
}

/// A nullable timestamp[us, UTC] column.
pub(crate) fn stamps<I: IntoIterator<Item = Option<i64>>>(it: I) -> ArrayRef {
    Arc::new(
        arrow::array::TimestampMicrosecondArray::from(it.into_iter().collect::<Vec<_>>())
            .with_timezone("UTC"),
    )
}

/// The type of a timestamp[us, UTC] column.
pub(crate) fn utc_micros() -> DataType {
    DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into()))
}

/// A field.
pub(crate) fn f(name: &str, dt: DataType, nullable: bool) -> Field {
    Field::new(name, dt, nullable)
}

/// The fields of a span struct: `doc_id`, `page`, `start`, `end`, `quote`, and
/// `score`, `relation` when `with_score`.
fn span_fields(with_score: bool) -> Fields {
    use crate::tables::col;
    let mut v = vec![
        f(col::DOC_ID, DataType::Utf8, false),
        f(col::PAGE, DataType::Int32, false),
        f(col::START, DataType::Int32, false),
        f(col::END, DataType::Int32, false),
        f(col::QUOTE, DataType::Utf8, false),
    ];
    if with_score {
        v.push(f("score", DataType::Float32, false));
        v.push(f(col::RELATION, DataType::Utf8, false));
    }
    Fields::from(v)
}

/// The span columns `doc_id`, `page`, `start`, `end`, `quote` of `spans`.
pub(crate) fn flat_span_cols<'a>(spans: impl Iterator<Item = &'a Citation>) -> Vec<ArrayRef> {
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
pub(crate) type SpanRow<'a> = Vec<(&'a Citation, Option<(f32, &'a str)>)>;

/// A list<struct> column of spans; `extra` gives (score, relation) per span when set.
pub(crate) fn span_list(rows: &[SpanRow<'_>], with_score: bool) -> Result<ArrayRef, ArrowError> {
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

/// The type of a list<string> column.
pub(crate) fn string_list_type() -> DataType {
    DataType::List(Arc::new(f("item", DataType::Utf8, false)))
}

/// A list<string> column.
pub(crate) fn string_list<'a>(
    rows: impl Iterator<Item = &'a [String]>,
) -> Result<ArrayRef, ArrowError> {
    let rows: Vec<&[String]> = rows.collect();
    let values = s(rows.iter().flat_map(|r| r.iter().cloned()));
    let offsets = OffsetBuffer::from_lengths(rows.iter().map(|r| r.len()));
    let item = Arc::new(f("item", DataType::Utf8, false));
    Ok(Arc::new(ListArray::try_new(item, offsets, values, None)?))
}

/// The `evidence` column: a list<struct> of spans with score and relation per row.
pub(crate) fn evidence_list<'a>(
    rows: impl Iterator<Item = &'a [pa_types::Evidence]>,
) -> Result<ArrayRef, ArrowError> {
    let rows: Vec<SpanRow<'_>> = rows
        .map(|ev| {
            ev.iter()
                .map(|e| (&e.citation, Some((e.score, e.relation.as_str()))))
                .collect()
        })
        .collect();
    span_list(&rows, true)
}

/// The type of a list<struct> column of spans (with score and relation when
/// `with_score`).
pub(crate) fn list_type(with_score: bool) -> DataType {
    DataType::List(Arc::new(f(
        "item",
        DataType::Struct(span_fields(with_score)),
        false,
    )))
}

/// A record batch of `fields` and `cols`, with `schema_version` put first.
pub(crate) fn with_schema_version(
    mut fields: Vec<Field>,
    mut cols: Vec<ArrayRef>,
) -> Result<arrow::array::RecordBatch, ArrowError> {
    let n = cols.first().map(|c| c.len()).unwrap_or(0);
    fields.insert(
        0,
        f(crate::tables::col::SCHEMA_VERSION, DataType::Int32, false),
    );
    cols.insert(
        0,
        Arc::new(Int32Array::from(vec![crate::SCHEMA_VERSION; n])),
    );
    arrow::array::RecordBatch::try_new(Arc::new(arrow::datatypes::Schema::new(fields)), cols)
}
