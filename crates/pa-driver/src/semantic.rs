//! Candidates by meaning: one case's clinical sentences embedded once (with
//! all-MiniLM-L6-v2, in-process), searched by cosine similarity beside the
//! index's word search. Only with `[evidence] semantic = true`.

use std::sync::OnceLock;

use pa_embed::{cosine, Embedder};
use pa_types::{CaseSearcher, SearchHit, Sentence};

/// The run's searcher for one case: the index for words, the case's sentence
/// embeddings for meaning.
pub(crate) struct SemanticSearcher<'a> {
    /// The batch's index.
    pub index: &'a dyn CaseSearcher,
    /// The model.
    pub embedder: &'a Embedder,
    /// The case's clinical sentences (a letter's or form's are never
    /// evidence, so they are not embedded).
    pub sentences: Vec<&'a Sentence>,
    /// Their embeddings, made at the first query (`None`: the model failed,
    /// and the case goes on with words only).
    pub vectors: OnceLock<Option<Vec<Vec<f32>>>>,
}

impl<'a> SemanticSearcher<'a> {
    pub fn new(
        index: &'a dyn CaseSearcher,
        embedder: &'a Embedder,
        sentences: &'a [Sentence],
    ) -> Self {
        SemanticSearcher {
            index,
            embedder,
            sentences: sentences
                .iter()
                .filter(|s| !s.kind.is_assertion())
                .collect(),
            vectors: OnceLock::new(),
        }
    }

    fn vectors(&self) -> Option<&Vec<Vec<f32>>> {
        self.vectors
            .get_or_init(|| {
                let texts: Vec<&str> = self.sentences.iter().map(|s| s.span.quote.as_str()).collect();
                self.embedder
                    .embed(&texts)
                    .map_err(|e| tracing::warn!(error = %e, "sentence embeddings failed; words only for this case"))
                    .ok()
            })
            .as_ref()
    }
}

impl CaseSearcher for SemanticSearcher<'_> {
    fn search(
        &self,
        case_id: &str,
        terms: &[String],
        exclude_docs: &[String],
        limit: usize,
    ) -> Vec<SearchHit> {
        self.index.search(case_id, terms, exclude_docs, limit)
    }

    fn similar(
        &self,
        _case_id: &str,
        text: &str,
        exclude_docs: &[String],
        limit: usize,
    ) -> Vec<SearchHit> {
        let Some(vectors) = self.vectors() else {
            return Vec::new();
        };
        let Ok(query) = self.embedder.embed(&[text]) else {
            return Vec::new();
        };
        let Some(query) = query.first() else {
            return Vec::new();
        };
        let mut scored: Vec<(f32, &Sentence)> = self
            .sentences
            .iter()
            .zip(vectors)
            .filter(|(s, _)| !exclude_docs.contains(&s.span.doc_id))
            .map(|(&s, v)| (cosine(query, v), s))
            .collect();
        // Best first; ties in document order, so a run is deterministic.
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored
            .into_iter()
            .take(limit)
            .map(|(score, s)| SearchHit {
                doc_id: s.span.doc_id.clone(),
                page: s.span.page,
                start: s.span.start,
                end: s.span.end,
                score,
                by_meaning: true,
            })
            .collect()
    }
}
