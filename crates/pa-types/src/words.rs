//! A sentence's tokens and their stems, taken apart once per sentence for the
//! stages of a case that each read them (facts, red flags, the summary): each
//! had tokenized and stemmed every sentence again.

use crate::text::{stem, tokenize, Token};

/// The tokens of a text ([`tokenize`]) and the [`stem`] of each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentenceWords {
    /// The text's tokens.
    pub tokens: Vec<Token>,
    /// The stem of each token's `norm`, by token index.
    pub stems: Vec<String>,
}

impl SentenceWords {
    /// Tokenize and stem `text`.
    pub fn of(text: &str) -> Self {
        let tokens = tokenize(text);
        let stems = tokens.iter().map(|t| stem(&t.norm)).collect();
        SentenceWords { tokens, stems }
    }
}
