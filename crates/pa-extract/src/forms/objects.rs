//! Reading lopdf objects: references followed, typed lookups in
//! dictionaries, rectangles and matrices, a page's resources and
//! annotations, and PDF text strings (rich text stripped to plain text).

use super::*;

pub(super) fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

pub(super) fn dict_get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().and_then(|o| deref(doc, o))
}

pub(super) fn get_dict<'a>(
    doc: &'a Document,
    d: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Dictionary> {
    dict_get(doc, d, key).and_then(|o| o.as_dict().ok())
}

pub(super) fn get_array<'a>(
    doc: &'a Document,
    d: &'a Dictionary,
    key: &[u8],
) -> Option<&'a Vec<Object>> {
    dict_get(doc, d, key).and_then(|o| o.as_array().ok())
}

pub(super) fn get_name<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    dict_get(doc, d, key).and_then(|o| o.as_name().ok())
}

pub(super) fn num(doc: &Document, o: &Object) -> Option<f32> {
    deref(doc, o)
        .and_then(|o| o.as_float().ok())
        .filter(|v| v.is_finite())
}

pub(super) fn nums(doc: &Document, items: &[Object]) -> Vec<f32> {
    items.iter().filter_map(|o| num(doc, o)).collect()
}

pub(super) fn rect_of(doc: &Document, d: &Dictionary) -> Option<Rect> {
    let v = nums(doc, get_array(doc, d, b"Rect")?);
    if v.len() != 4 {
        return None;
    }
    Rect::from_points(&[(v[0], v[1]), (v[2], v[3])])
}

pub(super) fn matrix_of(doc: &Document, d: &Dictionary) -> Matrix {
    get_array(doc, d, b"Matrix")
        .map(|a| nums(doc, a))
        .filter(|v| v.len() == 6)
        .map(|v| [v[0], v[1], v[2], v[3], v[4], v[5]])
        .unwrap_or(IDENTITY)
}

/// A page's resource dictionaries, its own first, then inherited ones.
pub(super) fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
    match doc.get_page_resources(page_id) {
        Ok((own, inherited)) => own
            .into_iter()
            .chain(
                inherited
                    .iter()
                    .filter_map(|&id| doc.get_dictionary(id).ok()),
            )
            .collect(),
        Err(_) => Vec::new(),
    }
}

pub(super) fn annots(doc: &Document, page_id: ObjectId) -> Vec<&Object> {
    doc.get_dictionary(page_id)
        .ok()
        .and_then(|p| get_array(doc, p, b"Annots"))
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

pub(super) fn obj_text(doc: &Document, o: &Object) -> Option<String> {
    let s = match deref(doc, o)? {
        Object::String(bytes, _) => text_string(bytes),
        _ => return None,
    };
    let s = collapse(&s);
    (!s.is_empty()).then_some(s)
}

pub(super) fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A PDF text string: UTF-16BE with a byte-order mark, else PDFDocEncoding
/// (taken as Latin-1, which agrees on every printable ASCII and most accents).
pub(super) fn text_string(bytes: &[u8]) -> String {
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(&bytes[3..]).into_owned()
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

/// Rich text (`/RC`, XHTML) as plain text: tags dropped (block tags become
/// spaces), entities decoded.
pub(super) fn strip_rich_text(rc: &str) -> String {
    let mut out = String::new();
    let mut tag: Option<String> = None;
    for c in rc.chars() {
        match &mut tag {
            Some(t) if c == '>' => {
                let name: String = t
                    .trim_start_matches('/')
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric())
                    .collect::<String>()
                    .to_ascii_lowercase();
                if matches!(name.as_str(), "p" | "br" | "div" | "li" | "tr" | "td") {
                    out.push(' ');
                }
                tag = None;
            }
            Some(t) => t.push(c),
            None if c == '<' => tag = Some(String::new()),
            None => out.push(c),
        }
    }
    let mut text = String::new();
    let mut rest = out.as_str();
    while let Some(i) = rest.find('&') {
        text.push_str(&rest[..i]);
        rest = &rest[i..];
        let end = rest[..rest.len().min(12)].find(';');
        let decoded = end.and_then(|e| {
            let ent = &rest[1..e];
            let c = match ent {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ if ent.starts_with("#x") || ent.starts_with("#X") => {
                    u32::from_str_radix(&ent[2..], 16)
                        .ok()
                        .and_then(char::from_u32)
                }
                _ if ent.starts_with('#') => ent[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                text.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                text.push('&');
                rest = &rest[1..];
            }
        }
    }
    text.push_str(rest);
    collapse(&text)
}
