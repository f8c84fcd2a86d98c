//! The analyzer of the text field: tantivy's `en_stem` (simple tokenizer,
//! words over 40 bytes dropped, lower case, the Snowball English stemmer),
//! with each word's stem remembered.
//!
//! The stemmer was the largest cost of indexing a run and of analysing its
//! queries, and a run's notes use a few thousand words over and over. The
//! tokens are the same as `en_stem` gives (a test compares them), so an
//! index written with either is read with the other.

use std::cell::RefCell;

use rustc_hash::FxHashMap;
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, SimpleTokenizer, TextAnalyzer, Token, TokenFilter, TokenStream,
    Tokenizer,
};

/// The name the text field's analyzer is registered under (tantivy's own).
pub(crate) const TOKENIZER: &str = "en_stem";

/// Stems remembered per thread before the memory is given back.
const MAX_REMEMBERED: usize = 200_000;

/// `en_stem`, with remembered stems.
pub(crate) fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(RememberedStems)
        .build()
}

struct Stems {
    stemmer: frostem::Stemmer,
    known: FxHashMap<String, String>,
}

thread_local! {
    static STEMS: RefCell<Stems> = RefCell::new(Stems {
        stemmer: frostem::Stemmer::new(frostem::Algorithm::English),
        known: FxHashMap::default(),
    });
}

/// The English stemmer, remembering the stem of each word it has seen on this
/// thread.
#[derive(Clone, Copy)]
struct RememberedStems;

impl TokenFilter for RememberedStems {
    type Tokenizer<T: Tokenizer> = RememberedStemsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RememberedStemsFilter<T> {
        RememberedStemsFilter { inner: tokenizer }
    }
}

#[derive(Clone)]
struct RememberedStemsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for RememberedStemsFilter<T> {
    type TokenStream<'a> = RememberedStemsStream<T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RememberedStemsStream {
            tail: self.inner.token_stream(text),
        }
    }
}

struct RememberedStemsStream<T> {
    tail: T,
}

impl<T: TokenStream> TokenStream for RememberedStemsStream<T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        STEMS.with_borrow_mut(|stems| {
            if let Some(stem) = stems.known.get(token.text.as_str()) {
                token.text.clear();
                token.text.push_str(stem);
                return;
            }
            // (The checker's shared stems first: irregular verbs, one word
            // for one meaning; the English stemmer does not know "fallen"
            // is "fall".)
            let base = pa_types::text::same_stem(&token.text).unwrap_or(&token.text);
            let stem = stems.stemmer.stem(base).into_owned();
            if stems.known.len() >= MAX_REMEMBERED {
                stems.known.clear();
            }
            let word = std::mem::replace(&mut token.text, stem.clone());
            stems.known.insert(word, stem);
        });
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(mut analyzer: TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.offset_from, t.offset_to, t.position));
        }
        out
    }

    #[test]
    fn the_tokens_are_those_of_tantivys_en_stem() {
        let manager = tantivy::tokenizer::TokenizerManager::default();
        let text =
            "Patient REPORTS worsening dyspnea; dyspnea worsened after 3 flights of stairs. \
                    Médicaments: naïve to biologics, running/ran/runs, generously, \
                    pneumonoultramicroscopicsilicovolcanoconiosisplus words, İstanbul ǅ ß.";
        // The words of the checker's shared stems ("ran" is "run") are
        // stemmed from that word.
        let expected: Vec<_> = tokens(manager.get("en_stem").unwrap(), text)
            .into_iter()
            .map(|(t, from, to, pos)| {
                let word = text[from..to].to_lowercase();
                match pa_types::text::same_stem(&word) {
                    Some(base) => {
                        let stem = tokens(manager.get("en_stem").unwrap(), base);
                        (stem[0].0.clone(), from, to, pos)
                    }
                    None => (t, from, to, pos),
                }
            })
            .collect();
        assert!(expected
            .iter()
            .any(|t| t.0 == "run" && &text[t.1..t.2] == "ran"));
        // Twice: the second time from the remembered stems.
        for _ in 0..2 {
            assert_eq!(tokens(analyzer(), text), expected);
        }
    }

    #[test]
    fn irregular_forms_share_the_index_term_of_their_verb() {
        let terms = |text: &str| -> Vec<String> {
            tokens(analyzer(), text).into_iter().map(|t| t.0).collect()
        };
        assert_eq!(terms("fallen fell falls"), ["fall", "fall", "fall"]);
        assert_eq!(terms("underwent undergoes"), ["undergo", "undergo"]);
        assert_eq!(terms("discontinued stopped"), ["stop", "stop"]);
    }
}
