//! Offsets hold for any input (issue 17, Also): raw text of any kind (multi-byte
//! and combining characters, form feeds, control and bidi characters, CR LF,
//! ligatures) goes through the page text pipeline as a text file does (pages
//! split on form feeds, each normalized), then chunking and the clause split of
//! claim detection. Every sentence and every claim span is valid, in order, and
//! its quote is exactly `page.text[start..end]` in chars. The same pipeline is
//! the `cargo fuzz` target in `fuzz/` (optional, see the README).

use proptest::prelude::*;

// The check, shared with the fuzz target (`fuzz/fuzz_targets/page_text.rs`).
#[path = "offsets_check.rs"]
mod check;
use check::{broken_span, document};

/// Raw text: arbitrary strings, and pieces of letters mixed with what breaks
/// offsets (form feeds, CR LF, combining marks, ligatures, wide characters,
/// emoji, bidi and other controls, no-break spaces, hyphenation).
fn raw_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9 .,;:()%/-]{0,40}",
        Just("The patient failed naproxen; she has tried physical therapy for 6 weeks. ".into()),
        Just("Diagnosis: M54.16, and she has completed PT. ".into()),
        Just("HbA1c 9.1% on 10/02/2026.\n".into()),
        Just("\x0c".into()),
        Just("\r\n".into()),
        Just("\n\n".into()),
        Just("e\u{301}".into()),
        Just("\u{fb01}rst ".into()),
        Just("患者は腰痛。".into()),
        Just("😀 ".into()),
        Just("\u{202e}abc\u{202c}".into()),
        Just("\u{0}\u{7}\u{1b}[0m\t".into()),
        Just("\u{a0}\u{2028}\u{85}".into()),
        Just("physi-\ncal ".into()),
        Just("b) ".into()),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_span_is_its_page_text_at_its_offsets(raw in raw_text()) {
        let broken = broken_span(&raw);
        prop_assert!(broken.is_none(), "{}", broken.unwrap_or_default());
    }
}

#[test]
fn known_hard_inputs_keep_their_offsets() {
    for raw in [
        "",
        "\x0c\x0c\x0c",
        "a\u{301}b. c\x0cd; and she has e.",
        "\u{fb01}\u{fb02}. \u{202e}x. \r\n\r\n\u{0}.",
        "Patient has pain; and she has tried PT, and has taken naproxen.",
    ] {
        assert_eq!(broken_span(raw), None, "{raw:?}");
    }
    // The check sees sentences and clauses at all.
    let doc = document("The patient failed naproxen; she has tried physical therapy for 6 weeks.");
    let s = pa_index::chunk::sentences(&doc);
    assert_eq!(s.len(), 1);
    assert_eq!(pa_evidence::claims::clauses(&s[0].span.quote).len(), 2);
}
