//! The offsets check of the page text pipeline, shared by the property test
//! (`tests/offsets.rs`) and the fuzz target (`fuzz/fuzz_targets/page_text.rs`):
//! raw text read as a text file is (pages split on form feeds, each
//! normalized), chunked into sentences, and split into the clauses claim
//! detection checks; every span must be valid, in order, and quote exactly
//! `page.text[start..end]` (in chars).

use pa_types::{Citation, DocKind, DocStatus, ExtractedDoc, Page, StagedDoc, TextSource};

/// A document of `raw` read as a text file: pages split on form feeds, each normalized.
pub fn document(raw: &str) -> ExtractedDoc {
    let pages: Vec<Page> = raw
        .split('\x0c')
        .enumerate()
        .map(|(i, p)| Page::plain(i as u32 + 1, pa_extract::normalize(p)))
        .collect();
    ExtractedDoc {
        staged: StagedDoc {
            case_id: "c".into(),
            doc_id: "lmn".into(),
            file_name: "lmn.txt".into(),
            path: Default::default(),
            sha256: String::new(),
            size: raw.len() as u64,
            status: DocStatus::Ok,
            reason: None,
        },
        kind: DocKind::Lmn,
        status: DocStatus::Ok,
        reason: None,
        text_source: TextSource::Text,
        n_pages: pages.len() as u32,
        pages,
        parts: Vec::new(),
    }
}

/// Check every sentence and claim span of `raw`; the first broken one, if any.
pub fn broken_span(raw: &str) -> Option<String> {
    let doc = document(raw);
    let mut last: Option<(u32, u32)> = None;
    for s in pa_index::chunk::sentences(&doc) {
        let page = &doc.page(s.span.page)?.text;
        let at = (s.span.page, s.span.start);
        if s.span.start >= s.span.end || last.is_some_and(|l| at < l) || !s.span.verify(page) {
            return Some(format!("sentence {:?}", s.span));
        }
        last = Some((s.span.page, s.span.end));
        // Claims are the sentence's clauses, at the sentence's offset.
        for (cs, ce) in pa_evidence::claims::clauses(&s.span.quote) {
            let quote = pa_types::text::char_slice(&s.span.quote, cs, ce);
            let claim = Citation {
                start: s.span.start + cs as u32,
                end: s.span.start + ce as u32,
                quote: quote.unwrap_or_default().to_string(),
                ..s.span.clone()
            };
            if quote.is_none() || cs >= ce || !claim.verify(page) {
                return Some(format!("clause {cs}..{ce} of {:?}", s.span));
            }
        }
    }
    None
}
