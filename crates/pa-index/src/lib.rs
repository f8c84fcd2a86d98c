//! Chunk and index: sentences with absolute offsets ([`chunk`]), and one tantivy
//! index per run ([`RunIndex`]) over every sentence of every case. This is the
//! only crate that imports tantivy. Search results carry our own absolute
//! offsets (stored fields), never tantivy's fragment-relative snippet ranges.
#![warn(missing_docs)]

mod stem;

use std::path::Path;

use pa_types::{CaseSearcher, SearchHit, Sentence};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, STORED, STRING,
};
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument, Term};

pub mod chunk;

/// Index errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    /// tantivy failed.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index folder could not be created.
    #[error("cannot create index folder: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Clone)]
struct Fields {
    case_id: Field,
    doc_id: Field,
    kind: Field,
    section: Field,
    page: Field,
    start: Field,
    end: Field,
    text: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text_opts = TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(stem::TOKENIZER)
                // No phrase queries: BM25 needs the frequencies, not the positions.
                .set_index_option(IndexRecordOption::WithFreqs),
        )
        .set_stored();
    let fields = Fields {
        case_id: b.add_text_field("case_id", STRING | STORED),
        doc_id: b.add_text_field("doc_id", STRING | STORED),
        // Never searched by: stored, not indexed.
        kind: b.add_text_field("kind", STORED),
        section: b.add_text_field("section", STORED),
        page: b.add_u64_field("page", STORED),
        start: b.add_u64_field("start", STORED),
        end: b.add_u64_field("end", STORED),
        text: b.add_text_field("text", text_opts),
    };
    (b.build(), fields)
}

/// Builds a run's index batch by batch: add a batch of cases, commit, search
/// them, and go on; memory stays bounded by the batch.
pub struct RunIndexWriter {
    index: Index,
    writer: IndexWriter,
    fields: Fields,
}

impl RunIndexWriter {
    /// A new, empty index in `dir` (created).
    pub fn create(dir: &Path) -> Result<Self, IndexError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let index = Index::create_in_dir(dir, schema)?;
        index
            .tokenizers()
            .register(stem::TOKENIZER, stem::analyzer());
        let writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000)?;
        // No background merges: a run's index is written once, in batches, and
        // merging ever larger segments would make memory grow with the run.
        writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        Ok(RunIndexWriter {
            index,
            writer,
            fields,
        })
    }

    /// Add one case's sentences (visible after [`RunIndexWriter::commit`]).
    ///
    /// The case's sentences go to the indexing thread as one message: one
    /// message per sentence made this thread wait on the full channel and wake
    /// again for every sentence the indexing thread took.
    pub fn add(&mut self, case_id: &str, sentences: &[Sentence]) -> Result<(), IndexError> {
        let fields = &self.fields;
        let docs = sentences.iter().map(|s| {
            let mut d = TantivyDocument::default();
            d.add_text(fields.case_id, case_id);
            d.add_text(fields.doc_id, &s.span.doc_id);
            d.add_text(fields.kind, s.kind.as_str());
            d.add_text(fields.section, &s.section);
            d.add_u64(fields.page, s.span.page as u64);
            d.add_u64(fields.start, s.span.start as u64);
            d.add_u64(fields.end, s.span.end as u64);
            d.add_text(fields.text, &s.span.quote);
            tantivy::indexer::UserOperation::Add(d)
        });
        self.writer.run(docs)?;
        Ok(())
    }

    /// Commit what was added; the returned index searches everything committed so far.
    pub fn commit(&mut self) -> Result<RunIndex, IndexError> {
        self.writer.commit()?;
        // Manual reload: the default policy starts a watcher thread per reader
        // that keeps the index (and its memory maps) alive after the batch.
        let reader = self
            .index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        Ok(RunIndex {
            index: self.index.clone(),
            reader,
            fields: self.fields.clone(),
        })
    }

    /// Wait for background merges.
    pub fn finish(self) -> Result<(), IndexError> {
        self.writer.wait_merging_threads()?;
        Ok(())
    }
}

/// The search index of one run.
pub struct RunIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
}

impl RunIndex {
    /// Build an index in `dir` (created) over `(case_id, sentences)`: one writer, one commit.
    pub fn build<'a>(
        dir: &Path,
        cases: impl IntoIterator<Item = (&'a str, &'a [Sentence])>,
    ) -> Result<Self, IndexError> {
        let mut w = RunIndexWriter::create(dir)?;
        for (case_id, sentences) in cases {
            w.add(case_id, sentences)?;
        }
        let index = w.commit()?;
        w.finish()?;
        Ok(index)
    }

    /// Open an existing run index.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        let index = Index::open_in_dir(dir)?;
        index
            .tokenizers()
            .register(stem::TOKENIZER, stem::analyzer());
        let (_, fields) = schema();
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()?;
        Ok(RunIndex {
            index,
            reader,
            fields,
        })
    }

    fn analyze(&self, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(mut analyzer) = self.index.tokenizer_for_field(self.fields.text) {
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                out.push(stream.token().text.clone());
            }
        }
        out
    }

    /// A query matching any of the (already analyzed) words in the text field.
    fn any_word(&self, words: &[String]) -> Box<dyn Query> {
        let any: Vec<(Occur, Box<dyn Query>)> = words
            .iter()
            .map(|w| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.text, w),
                    IndexRecordOption::WithFreqs,
                ));
                (Occur::Should, q)
            })
            .collect();
        Box::new(BooleanQuery::new(any))
    }

    fn run(&self, query: &dyn Query, limit: usize) -> Vec<SearchHit> {
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(query, &TopDocs::with_limit(limit).order_by_score()) else {
            return Vec::new();
        };
        top.into_iter()
            .filter_map(|(score, addr)| {
                let d: TantivyDocument = searcher.doc(addr).ok()?;
                let u = |f| d.get_first(f).and_then(|v| v.as_u64());
                Some(SearchHit {
                    doc_id: d.get_first(self.fields.doc_id)?.as_str()?.to_string(),
                    page: u(self.fields.page)? as u32,
                    start: u(self.fields.start)? as u32,
                    end: u(self.fields.end)? as u32,
                    score,
                    by_meaning: false,
                })
            })
            .collect()
    }
}

/// A hit of a free-text search, with absolute offsets.
#[derive(Debug, Clone)]
pub struct TextHit {
    /// Case.
    pub case_id: String,
    /// Document.
    pub doc_id: String,
    /// 1-based page.
    pub page: u32,
    /// Sentence start in the page text (chars).
    pub start: u32,
    /// Sentence end.
    pub end: u32,
    /// The sentence.
    pub text: String,
    /// Absolute char ranges in the page text of the words that matched.
    pub matches: Vec<(u32, u32)>,
    /// BM25 score.
    pub score: f32,
}

impl RunIndex {
    /// Free-text search over every case (or one), best first. Match ranges are
    /// computed from our stored absolute offsets, not from tantivy's snippet
    /// ranges (those are relative to the snippet fragment).
    pub fn search_text(&self, query: &str, case_id: Option<&str>, limit: usize) -> Vec<TextHit> {
        let words = self.analyze(query);
        if words.is_empty() {
            return Vec::new();
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, self.any_word(&words))];
        if let Some(c) = case_id {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.case_id, c),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let searcher = self.reader.searcher();
        let Ok(top) = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(limit).order_by_score(),
        ) else {
            return Vec::new();
        };
        top.into_iter()
            .filter_map(|(score, addr)| {
                let d: TantivyDocument = searcher.doc(addr).ok()?;
                let text_of = |f| d.get_first(f).and_then(|v| v.as_str()).map(str::to_string);
                let u = |f| d.get_first(f).and_then(|v| v.as_u64());
                let text = text_of(self.fields.text)?;
                let start = u(self.fields.start)? as u32;
                // Words of the sentence whose stem matches a query stem.
                let mut matches = Vec::new();
                for t in pa_types::text::tokenize(&text) {
                    if self.analyze(&t.norm).iter().any(|a| words.contains(a)) {
                        matches.push((start + t.start as u32, start + t.end as u32));
                    }
                }
                Some(TextHit {
                    case_id: text_of(self.fields.case_id)?,
                    doc_id: text_of(self.fields.doc_id)?,
                    page: u(self.fields.page)? as u32,
                    start,
                    end: u(self.fields.end)? as u32,
                    text,
                    matches,
                    score,
                })
            })
            .collect()
    }
}

impl CaseSearcher for RunIndex {
    fn search(
        &self,
        case_id: &str,
        terms: &[String],
        exclude_docs: &[String],
        limit: usize,
    ) -> Vec<SearchHit> {
        let mut words: Vec<String> = terms.iter().flat_map(|t| self.analyze(t)).collect();
        words.sort();
        words.dedup();
        if words.is_empty() {
            return Vec::new();
        }
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.case_id, case_id),
                    IndexRecordOption::Basic,
                )),
            ),
            (Occur::Must, self.any_word(&words)),
        ];
        for d in exclude_docs {
            clauses.push((
                Occur::MustNot,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.doc_id, d),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        self.run(&BooleanQuery::new(clauses), limit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pa_types::{Citation, DocKind};

    fn sentence(doc: &str, quote: &str) -> Sentence {
        Sentence {
            span: Citation {
                doc_id: doc.into(),
                page: 1,
                start: 3,
                end: 3 + quote.chars().count() as u32,
                quote: quote.into(),
            },
            kind: DocKind::ClinicalNote,
            section: String::new(),
            ordinal: 0,
        }
    }

    #[test]
    fn search_is_per_case_excludes_docs_and_keeps_offsets() {
        let tmp = tempfile::tempdir().unwrap();
        let a = vec![
            sentence("note", "Completed physical therapy for 6 weeks"),
            sentence("lmn", "failed physical therapy"),
        ];
        let b = vec![sentence("note", "physical therapy in another case")];
        let idx = RunIndex::build(tmp.path(), [("a", a.as_slice()), ("b", b.as_slice())]).unwrap();
        let hits = idx.search("a", &["therapies".into()], &["lmn".into()], 10);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].doc_id, "note");
        assert_eq!((hits[0].start, hits[0].end), (3, 41));
        assert!(idx.search("a", &["unrelated".into()], &[], 10).is_empty());

        let hits = idx.search_text("Therapy", Some("a"), 10);
        assert_eq!(hits.len(), 2);
        let h = hits.iter().find(|h| h.doc_id == "note").unwrap();
        // "Completed physical therapy": "therapy" at chars 19..26 of the sentence, which starts at 3.
        assert_eq!(h.matches, [(22, 29)]);
        assert_eq!(idx.search_text("therapy", None, 10).len(), 3);
    }
}
