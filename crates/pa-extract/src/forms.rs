//! AcroForm field values. A filled PA request form carries its answers in
//! field values, which text extraction drops; we read them with lopdf and
//! append them to the page they sit on as `Name: value` lines under a
//! `FORM FIELDS` heading, after the page's own text, so the offsets of the
//! page text never move and claims and citations can point at the answers.

use std::collections::HashMap;

use lopdf::{Dictionary, Document, Object, ObjectId};

/// Field lines per 1-based page number, in form order.
pub(crate) fn field_lines(doc: &Document) -> HashMap<u32, Vec<String>> {
    let mut out: HashMap<u32, Vec<String>> = HashMap::new();
    let Ok(catalog) = doc.catalog() else {
        return out;
    };
    let Some(fields) = catalog
        .get(b"AcroForm")
        .ok()
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_dict().ok())
        .and_then(|af| af.get(b"Fields").ok())
        .and_then(|o| doc.dereference(o).ok())
        .and_then(|(_, o)| o.as_array().ok())
    else {
        return out;
    };
    // Widget annotation id -> page number.
    let mut widget_page: HashMap<ObjectId, u32> = HashMap::new();
    for (number, page_id) in doc.get_pages() {
        let annots = doc
            .get_dictionary(page_id)
            .ok()
            .and_then(|p| p.get(b"Annots").ok())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_array().ok());
        for a in annots.into_iter().flatten() {
            if let Ok(id) = a.as_reference() {
                widget_page.insert(id, number);
            }
        }
    }
    let mut budget = 10_000; // fields visited at most: a hostile form cannot loop us
    for f in fields {
        walk(doc, f, "", None, &widget_page, &mut out, &mut budget, 0);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn walk(
    doc: &Document,
    obj: &Object,
    parent: &str,
    inherited: Option<&Object>,
    widget_page: &HashMap<ObjectId, u32>,
    out: &mut HashMap<u32, Vec<String>>,
    budget: &mut usize,
    depth: usize,
) {
    if *budget == 0 || depth > 32 {
        return;
    }
    *budget -= 1;
    let Ok((id, obj)) = doc.dereference(obj) else {
        return;
    };
    let Ok(dict) = obj.as_dict() else { return };
    let partial = dict
        .get(b"T")
        .ok()
        .and_then(|t| t.as_str().ok())
        .map(text_string);
    let name = match (&partial, parent.is_empty()) {
        (Some(p), true) => p.clone(),
        (Some(p), false) => format!("{parent}.{p}"),
        (None, _) => parent.to_string(),
    };
    let value = dict.get(b"V").ok().or(inherited);
    let kids = dict
        .get(b"Kids")
        .ok()
        .and_then(|k| doc.dereference(k).ok())
        .and_then(|(_, k)| k.as_array().ok());
    // A kid with its own /T is a sub-field; kids without are this field's widgets.
    let subfields: Vec<&Object> = kids
        .map(|ks| {
            ks.iter()
                .filter(|k| {
                    doc.dereference(k)
                        .ok()
                        .and_then(|(_, o)| o.as_dict().ok())
                        .is_some_and(|d: &Dictionary| d.has(b"T"))
                })
                .collect()
        })
        .unwrap_or_default();
    if !subfields.is_empty() {
        for k in subfields {
            walk(doc, k, &name, value, widget_page, out, budget, depth + 1);
        }
        return;
    }
    let Some(text) = value.and_then(|v| value_text(doc, v)) else {
        return;
    };
    let page = id
        .and_then(|i| widget_page.get(&i).copied())
        .or_else(|| {
            kids.into_iter()
                .flatten()
                .filter_map(|k| k.as_reference().ok())
                .find_map(|i| widget_page.get(&i).copied())
        })
        .or_else(|| {
            dict.get(b"P")
                .ok()
                .and_then(|p| p.as_reference().ok())
                .and_then(|pid| {
                    doc.get_pages()
                        .into_iter()
                        .find(|(_, id)| *id == pid)
                        .map(|(n, _)| n)
                })
        })
        .unwrap_or(1);
    let label = if name.is_empty() {
        "field".to_string()
    } else {
        name
    };
    out.entry(page)
        .or_default()
        .push(format!("{}: {}", label.trim(), text));
}

/// The shown value of a field, or `None` for empty and unchecked fields.
fn value_text(doc: &Document, v: &Object) -> Option<String> {
    let (_, v) = doc.dereference(v).ok()?;
    let s = match v {
        Object::String(bytes, _) => text_string(bytes),
        Object::Name(n) => {
            let n = String::from_utf8_lossy(n).into_owned();
            if n == "Off" {
                return None;
            }
            n
        }
        Object::Array(items) => items
            .iter()
            .filter_map(|i| value_text(doc, i))
            .collect::<Vec<_>>()
            .join("; "),
        Object::Integer(i) => i.to_string(),
        Object::Real(r) => r.to_string(),
        _ => return None,
    };
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    (!s.is_empty()).then_some(s)
}

/// A PDF text string: UTF-16BE with a byte-order mark, else PDFDocEncoding
/// (taken as Latin-1, which agrees on every printable ASCII and most accents).
fn text_string(bytes: &[u8]) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_strings_decode() {
        assert_eq!(text_string(&[0xFE, 0xFF, 0, b'M', 0, b'5', 0, b'4']), "M54");
        assert_eq!(text_string(b"caf\xe9"), "caf\u{e9}");
    }
}
