//! Fonts as the content interpreter needs them: decoding shown strings,
//! glyph widths (standard 14 metrics, `/Widths`, CID `/W`), and which glyphs
//! of a symbol font are boxes or check marks.

use super::*;

#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Symbol {
    None,
    Wingdings,
    Wingdings2,
    Zapf,
}

#[derive(Clone, Copy, PartialEq)]
pub(super) enum StdWidths {
    None,
    Helvetica,
    Courier,
}

pub(super) struct Font<'a> {
    pub(super) enc: Option<Encoding<'a>>,
    pub(super) two_byte: bool,
    pub(super) first: u32,
    pub(super) widths: Vec<f32>,
    pub(super) cid_widths: HashMap<u32, f32>,
    pub(super) default_width: f32,
    /// Glyph space -> text space: 1/1000, or a Type 3 font's matrix.
    pub(super) scale: f32,
    pub(super) std: StdWidths,
    pub(super) symbol: Symbol,
}

/// Helvetica's widths for ASCII 32..=126 (AFM), the stand-in for a standard
/// font that comes without `/Widths`.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
    556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
    611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
    667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
    222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

impl<'a> Font<'a> {
    pub(super) fn load(doc: &'a Document, d: &'a Dictionary) -> Font<'a> {
        let subtype = get_name(doc, d, b"Subtype").unwrap_or(b"");
        let base: String = get_name(doc, d, b"BaseFont")
            .map(|b| String::from_utf8_lossy(b).to_lowercase())
            .unwrap_or_default()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '+')
            .collect();
        let base = base.rsplit('+').next().unwrap_or("").to_string();
        let symbol = if base.contains("wingdings2") {
            Symbol::Wingdings2
        } else if base.contains("wingdings") {
            Symbol::Wingdings
        } else if base.contains("dingbats") {
            Symbol::Zapf
        } else {
            Symbol::None
        };
        let enc = d.get_font_encoding_with_limit(doc, MAX_STREAM_BYTES).ok();
        let mut font = Font {
            enc,
            two_byte: subtype == b"Type0",
            first: 0,
            widths: Vec::new(),
            cid_widths: HashMap::new(),
            default_width: 500.0,
            scale: 0.001,
            std: StdWidths::None,
            symbol,
        };
        if font.two_byte {
            let desc = get_array(doc, d, b"DescendantFonts")
                .and_then(|a| a.first())
                .and_then(|o| deref(doc, o))
                .and_then(|o| o.as_dict().ok());
            if let Some(desc) = desc {
                font.default_width = dict_get(doc, desc, b"DW")
                    .and_then(|o| o.as_float().ok())
                    .unwrap_or(1000.0);
                if let Some(w) = get_array(doc, desc, b"W") {
                    font.cid_widths = cid_widths(doc, w);
                }
            } else {
                font.default_width = 1000.0;
            }
            return font;
        }
        if subtype == b"Type3" {
            if let Some(m) = get_array(doc, d, b"FontMatrix").map(|a| nums(doc, a)) {
                if let Some(&a) = m.first() {
                    font.scale = a.abs();
                }
            }
        }
        font.first = dict_get(doc, d, b"FirstChar")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0)
            .clamp(0, 65_535) as u32;
        font.widths = get_array(doc, d, b"Widths")
            .map(|a| {
                a.iter()
                    .take(65_536)
                    .map(|o| num(doc, o).unwrap_or(0.0))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(mw) = get_dict(doc, d, b"FontDescriptor")
            .and_then(|fd| dict_get(doc, fd, b"MissingWidth"))
            .and_then(|o| o.as_float().ok())
            .filter(|w| *w > 0.0)
        {
            font.default_width = mw;
        }
        if font.widths.is_empty() {
            font.std = if base.contains("courier") {
                StdWidths::Courier
            } else {
                StdWidths::Helvetica
            };
        }
        font
    }

    pub(super) fn decode(&self, code: &[u8]) -> String {
        match &self.enc {
            Some(e) => e
                .bytes_to_string(code)
                .unwrap_or_else(|_| "\u{fffd}".to_string()),
            None => code.iter().map(|&b| b as char).collect(),
        }
    }

    /// Advance of a glyph in text space per unit of font size.
    pub(super) fn width(&self, code: u32, text: &str) -> f32 {
        let w = if self.two_byte {
            self.cid_widths
                .get(&code)
                .copied()
                .unwrap_or(self.default_width)
        } else if !self.widths.is_empty() {
            code.checked_sub(self.first)
                .and_then(|i| self.widths.get(i as usize).copied())
                .unwrap_or(self.default_width)
        } else {
            match self.std {
                StdWidths::Courier => 600.0,
                _ => text
                    .chars()
                    .next()
                    .filter(|c| (' '..='~').contains(c))
                    .map(|c| f32::from(HELVETICA[c as usize - 32]))
                    .unwrap_or(556.0),
            }
        };
        w * self.scale
    }
}

fn cid_widths(doc: &Document, w: &[Object]) -> HashMap<u32, f32> {
    let mut out = HashMap::new();
    let mut i = 0;
    while i < w.len() && out.len() < 65_536 {
        let Some(first) = num(doc, &w[i]) else { break };
        let first = first.max(0.0) as u32;
        match w.get(i + 1).and_then(|o| deref(doc, o)) {
            Some(Object::Array(ws)) => {
                for (k, x) in ws.iter().take(65_536).enumerate() {
                    if let Some(x) = num(doc, x) {
                        out.insert(first.saturating_add(k as u32), x);
                    }
                }
                i += 2;
            }
            Some(_) => {
                let (Some(last), Some(x)) = (
                    w.get(i + 1).and_then(|o| num(doc, o)),
                    w.get(i + 2).and_then(|o| num(doc, o)),
                ) else {
                    break;
                };
                let last = (last.max(0.0) as u32).min(first.saturating_add(65_535));
                for c in first..=last {
                    out.insert(c, x);
                }
                i += 3;
            }
            None => break,
        }
    }
    out
}

pub(super) fn glyph_kind(symbol: Symbol, code: u32, text: &str) -> Kind {
    let mut chars = text.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return Kind::Text;
    };
    match c {
        '❑' | '❒' | '❏' | '❐' | '☐' | '□' | '◻' | '▢' | '⬜' | '◽' => {
            return Kind::EmptyBox
        }
        '☒' | '☑' | '⊠' | '🗹' | '🗷' | '⮽' => return Kind::CheckedBox,
        '✓' | '✔' | '✗' | '✘' | '√' | '✕' | '✖' => return Kind::Check,
        _ => {}
    }
    if symbol == Symbol::None {
        return Kind::Text;
    }
    let code = match c as u32 {
        u @ 0xF000..=0xF0FF => u - 0xF000,
        u if u < 0x100 => code,
        _ => return Kind::Other,
    };
    match (symbol, code) {
        (Symbol::Wingdings, 0x6F..=0x72 | 0xA8) => Kind::EmptyBox,
        (Symbol::Wingdings, 0xFD | 0xFE) => Kind::CheckedBox,
        (Symbol::Wingdings, 0xFB | 0xFC) => Kind::Check,
        (Symbol::Wingdings2, 0xA3) => Kind::EmptyBox,
        (Symbol::Wingdings2, 0x52..=0x54) => Kind::CheckedBox,
        (Symbol::Wingdings2, 0x4F | 0x50) => Kind::Check,
        (Symbol::Zapf, 0x6F..=0x72) => Kind::EmptyBox,
        (Symbol::Zapf, 0x33..=0x38) => Kind::Check,
        (_, 0x20) => Kind::Text,
        _ => Kind::Other,
    }
}
