//! An independent count of the text a page shows, to catch extraction that
//! silently loses text.
//!
//! pdf-extract reports one glyph per character code it shows. This module counts
//! the character codes in the string operands of every text-showing operator of
//! the page's own content stream (`Tj`, `TJ`, `'`, `"`), reading the stream with
//! lopdf's parser rather than pdf-extract's walker. A walker that skips an
//! operator (as pdf-extract did with `'`, losing all but the first line of
//! every Ghostscript page) then shows far fewer glyphs than the stream holds.
//! Text in form XObjects is not counted here, so the count is a lower bound: a
//! page can only be judged short of text, never long.

use lopdf::{content::Content, Dictionary, Document, Object, ObjectId};

/// Extracted text below this share of the codes shown is partial.
pub(crate) const MIN_SHARE: f64 = 0.9;

/// Pages showing fewer codes than this are too small to judge.
pub(crate) const MIN_CODES: u64 = 40;

/// Character codes shown by the page's content streams (`content`), or `None`
/// when they cannot be parsed.
pub(crate) fn shown_codes(doc: &Document, page_id: ObjectId, content: &[u8]) -> Option<u64> {
    let content = Content::decode(content).ok()?;
    let fonts = doc.get_page_fonts(page_id).unwrap_or_default();
    let mut two_byte = false;
    let mut codes = 0u64;
    let count = |s: &[u8], two_byte: bool| -> u64 {
        if two_byte {
            // Composite fonts: two bytes per code under Identity-H and the usual
            // CMaps; CMaps with one-byte codes only make this a lower bound.
            s.len() as u64 / 2
        } else {
            s.len() as u64
        }
    };
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => {
                two_byte = op
                    .operands
                    .first()
                    .and_then(|n| n.as_name().ok())
                    .and_then(|n| fonts.get(n))
                    .is_some_and(|f| is_composite(f));
            }
            "Tj" | "'" => {
                if let Some(Object::String(s, _)) = op.operands.first() {
                    codes += count(s, two_byte);
                }
            }
            "\"" => {
                if let Some(Object::String(s, _)) = op.operands.get(2) {
                    codes += count(s, two_byte);
                }
            }
            "TJ" => {
                if let Some(Object::Array(items)) = op.operands.first() {
                    for item in items {
                        if let Object::String(s, _) = item {
                            codes += count(s, two_byte);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(codes)
}

fn is_composite(font: &Dictionary) -> bool {
    font.get(b"Subtype")
        .and_then(Object::as_name)
        .is_ok_and(|s| s == b"Type0")
}

/// Whether `shown` glyphs out of `codes` in the stream is partial text.
pub(crate) fn is_partial(shown: u64, codes: Option<u64>) -> bool {
    match codes {
        Some(c) if c >= MIN_CODES => (shown as f64) < MIN_SHARE * c as f64,
        _ => false,
    }
}
