//! Form answers as filled. A PA request form carries its answers in ways that
//! text extraction does not read, and we read them all with lopdf:
//!
//! - AcroForm fields: text and choice values, and check boxes and radio
//!   buttons, whose state is a widget's appearance state `/AS` (and the
//!   field's `/V`) naming its `/AP /N` on-state (any state but `Off`);
//! - annotations that carry text: FreeText boxes typed onto a form that has no
//!   fields (how portals and PDF editors fill flat forms; `/Contents`, else the
//!   rich text `/RC` stripped to plain text, never `/DS`), and comments;
//! - check marks that are annotations (a Stamp, Ink, Line, Square... drawn on
//!   a printed box) or that were flattened into the page content (a small
//!   drawn path, an opaque picture or a glyph `✓`/`X` on a printed box, and
//!   printed `☒` boxes).
//!
//! The answers are appended to the page they sit on, under a `FORM FIELDS`
//! heading after the page's own text, so the offsets of the page text never
//! move and claims and citations can point at them. One line per answer:
//!
//! - `Name: value` for a text or choice field (its `/T` name; the tooltip
//!   `/TU` or the printed label next to it when the name is generic, e.g.
//!   `Text12`);
//! - `Group: Option` for a radio group (the chosen button's `/Opt` entry or
//!   export value, else its printed label);
//! - a checked box: `Question? Option` when the page shows the question (the
//!   text left of the boxes on their row, or the heading over a column of
//!   boxes), else `[X] Option`, the option being the printed label beside the
//!   box (for a field, else its tooltip or name);
//! - `Printed label: text` for a FreeText annotation (the label left of it on
//!   its first line, else the one just above it), or the bare text;
//! - `Comment: text` for another markup annotation with `/Contents`.
//!
//! What is never written, because it would be read wrong:
//! - unchecked boxes: an empty box is not a "no" (the question may be
//!   unanswered), and a `[ ] Methotrexate` line would put the drug's name in
//!   the form's answers, where claim detection would read it as asserted;
//! - a Yes/No question with both Yes and No marked (a correction we cannot
//!   resolve), and a bare `Yes`/`No` whose question is not found;
//! - a mark that lies on two boxes alike, or on no printed box, and a mark
//!   covered by a white mark painted after it (an erasure) is no mark;
//! - faint marks (drop shadows, highlighter tints) and pictures we cannot
//!   decode (only 8-bit Flate or raw pictures and 1-bit stencils are read).
//!
//! A page's content is interpreted (glyph positions, boxes, rules, marks) only
//! when it has something to place: text or mark annotations, button or
//! unnamed fields, or, in a document of at most 12 pages, a small form
//! XObject or picture (how Preview and other tools flatten a drawn tick). So
//! not read: ticks drawn straight into the content of a page with none of
//! these (a printed `☒` there is in the page text already), boxes drawn as
//! four separate bars, circled options (a Circle round `Yes`, no box under
//! it), inline images, XFA-only forms. A FreeText laid over the same printed
//! words adds no line.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId, Stream};

/// Largest decoded stream looked at (content, fonts, pictures).
const MAX_STREAM_BYTES: usize = 16 << 20;
/// Content operators interpreted per page (its content, forms and appearances).
const MAX_OPS_PER_PAGE: usize = 400_000;
/// Glyphs kept per page.
const MAX_GLYPHS_PER_PAGE: usize = 40_000;
/// Form XObject nesting.
const MAX_FORM_DEPTH: usize = 8;
/// Largest side of a check mark, in points.
const MARK_MAX: f32 = 48.0;
/// Flattened marks (page content) are looked for in documents of at most
/// this many pages: forms are short, and reading every page's content of a
/// long record would slow extraction down for nothing.
const MAX_FLAT_FORM_PAGES: usize = 12;
/// Fields visited at most: a hostile form cannot loop us.
const MAX_FIELDS: usize = 10_000;
/// A printed label longer than this is running text, not a label.
const MAX_LABEL_CHARS: usize = 160;

/// Answer lines per 1-based page number: fields in form order, then the
/// annotations' texts and the check marks in reading order.
pub(crate) fn field_lines(doc: &Document) -> HashMap<u32, Vec<String>> {
    let mut out: HashMap<u32, Vec<String>> = HashMap::new();
    let pages = doc.get_pages();
    let page_of_id: HashMap<ObjectId, u32> = pages.iter().map(|(&n, &id)| (id, n)).collect();
    // Annotation id -> page number.
    let mut annot_page: HashMap<ObjectId, u32> = HashMap::new();
    for (&number, &page_id) in &pages {
        for a in annots(doc, page_id) {
            if let Ok(id) = a.as_reference() {
                annot_page.insert(id, number);
            }
        }
    }
    let fields = collect_fields(doc);
    let mut widgets_on: HashMap<u32, Vec<WidgetBox>> = HashMap::new();
    for (fi, f) in fields.iter().enumerate() {
        for (wi, w) in f.widgets.iter().enumerate() {
            let page =
                w.id.and_then(|i| annot_page.get(&i).copied())
                    .or_else(|| {
                        w.dict
                            .get(b"P")
                            .ok()
                            .and_then(|p| p.as_reference().ok())
                            .and_then(|pid| page_of_id.get(&pid).copied())
                    })
                    .unwrap_or(1);
            widgets_on.entry(page).or_default().push(WidgetBox {
                field: fi,
                widget: wi,
                rect: rect_of(doc, w.dict),
                button: f.is_toggle(),
            });
        }
    }

    // One interpreter for the document: fonts are loaded once.
    let mut interp = Interp::new(doc, false);
    for (&number, &page_id) in &pages {
        let rot = rotation(doc, page_id);
        let items = page_annotations(doc, page_id, &rot);
        let widgets = widgets_on.remove(&number).unwrap_or_default();
        let needs_layout = !items.texts.is_empty()
            || !items.marks.is_empty()
            || widgets
                .iter()
                .any(|w| w.button || fields[w.field].display_name().is_none() && w.rect.is_some())
            || pages.len() <= MAX_FLAT_FORM_PAGES && has_small_xobjects(doc, page_id);
        let layout = needs_layout.then(|| {
            let mut scan = scan_page(&mut interp, page_id, &rot);
            let base = scan.seq;
            for (i, m) in items.marks.iter().enumerate() {
                let mut m = *m;
                m.seq = base + 1 + i as u32;
                scan.inks.push(m);
            }
            let wboxes: Vec<(Rect, usize)> = widgets
                .iter()
                .enumerate()
                .filter(|(_, w)| w.button)
                .filter_map(|(i, w)| w.rect.map(|r| (rot.rect(&r), i)))
                .collect();
            Layout::build(scan, &wboxes)
        });
        let mut lines: Vec<String> = Vec::new();
        let mut placed: Vec<(Rect, String)> = Vec::new();
        let mut answered_boxes: Vec<usize> = Vec::new();
        // Fields in form order.
        let mut by_field: Vec<(usize, Vec<usize>)> = Vec::new();
        for (i, w) in widgets.iter().enumerate() {
            match by_field.iter_mut().find(|(f, _)| *f == w.field) {
                Some((_, ws)) => ws.push(i),
                None => by_field.push((w.field, vec![i])),
            }
        }
        by_field.sort_by_key(|(f, _)| *f);
        for (fi, ws) in &by_field {
            let f = &fields[*fi];
            let boxes: Vec<(usize, Option<Rect>)> = ws
                .iter()
                .map(|&i| (widgets[i].widget, widgets[i].rect.map(|r| rot.rect(&r))))
                .collect();
            let page = OnPage {
                boxes: &boxes,
                layout: layout.as_ref(),
            };
            for line in f.lines(doc, &page, &mut answered_boxes) {
                lines.push(line);
            }
        }
        if let Some(layout) = &layout {
            for t in &items.texts {
                // A FreeText laid over the same printed words adds nothing.
                let printed = layout.printed_in(&t.rect).to_lowercase();
                if !t.comment && !printed.is_empty() && printed.contains(&t.text.to_lowercase()) {
                    continue;
                }
                let label = if t.comment {
                    Some("Comment".to_string())
                } else {
                    layout
                        .label_for(&t.rect)
                        .filter(|l| l.to_lowercase() != t.text.to_lowercase())
                };
                placed.push((t.rect, join_label(label.as_deref(), &t.text)));
            }
            for (r, line) in layout.mark_answers(&answered_boxes) {
                placed.push((r, line));
            }
        }
        placed.sort_by(|a, b| reading_order(&a.0, &b.0));
        lines.extend(placed.into_iter().map(|(_, l)| l));
        if !lines.is_empty() {
            out.insert(number, lines);
        }
    }
    out
}

/// `label: text`, or `label text` when the label ends in `:` or `?`.
fn join_label(label: Option<&str>, text: &str) -> String {
    match label {
        Some(l) if l.ends_with(':') || l.ends_with('?') => format!("{l} {text}"),
        Some(l) => format!("{l}: {text}"),
        None => text.to_string(),
    }
}

fn reading_order(a: &Rect, b: &Rect) -> std::cmp::Ordering {
    // Same row when their vertical spans overlap by half the smaller one.
    let overlap = a.y1.min(b.y1) - a.y0.max(b.y0);
    let same_row = overlap > 0.5 * a.h().min(b.h()).max(1.0);
    if same_row {
        a.x0.total_cmp(&b.x0)
    } else {
        b.y1.total_cmp(&a.y1).then(a.x0.total_cmp(&b.x0))
    }
}

// ---------------------------------------------------------------- geometry

#[derive(Clone, Copy, Debug, PartialEq)]
struct Rect {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

impl Rect {
    fn from_points(pts: &[(f32, f32)]) -> Option<Rect> {
        let mut r = Rect {
            x0: f32::INFINITY,
            y0: f32::INFINITY,
            x1: f32::NEG_INFINITY,
            y1: f32::NEG_INFINITY,
        };
        for &(x, y) in pts {
            if !x.is_finite() || !y.is_finite() {
                return None;
            }
            r.x0 = r.x0.min(x);
            r.y0 = r.y0.min(y);
            r.x1 = r.x1.max(x);
            r.y1 = r.y1.max(y);
        }
        (r.x0 <= r.x1 && r.y0 <= r.y1).then_some(r)
    }
    fn w(&self) -> f32 {
        self.x1 - self.x0
    }
    fn h(&self) -> f32 {
        self.y1 - self.y0
    }
    fn area(&self) -> f32 {
        self.w() * self.h()
    }
    fn cx(&self) -> f32 {
        (self.x0 + self.x1) / 2.0
    }
    fn cy(&self) -> f32 {
        (self.y0 + self.y1) / 2.0
    }
    fn inter(&self, o: &Rect) -> f32 {
        let w = self.x1.min(o.x1) - self.x0.max(o.x0);
        let h = self.y1.min(o.y1) - self.y0.max(o.y0);
        if w > 0.0 && h > 0.0 {
            w * h
        } else {
            0.0
        }
    }
    fn union(&self, o: &Rect) -> Rect {
        Rect {
            x0: self.x0.min(o.x0),
            y0: self.y0.min(o.y0),
            x1: self.x1.max(o.x1),
            y1: self.y1.max(o.y1),
        }
    }
}

type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b` (PDF row-vector convention: p' = p x a x b).
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f32, y: f32) -> (f32, f32) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn map_rect(m: &Matrix, r: &Rect) -> Option<Rect> {
    Rect::from_points(&[
        apply(m, r.x0, r.y0),
        apply(m, r.x1, r.y0),
        apply(m, r.x0, r.y1),
        apply(m, r.x1, r.y1),
    ])
}

/// The page's `/Rotate` as a matrix into display space (y up), so that
/// "above" and "left of" mean what a reader sees.
struct Rotation(Matrix);

impl Rotation {
    fn rect(&self, r: &Rect) -> Rect {
        map_rect(&self.0, r).unwrap_or(*r)
    }
}

fn rotation(doc: &Document, page_id: ObjectId) -> Rotation {
    let mut node = doc.get_dictionary(page_id).ok();
    let mut rotate = 0;
    for _ in 0..32 {
        let Some(d) = node else { break };
        if let Ok(r) = d.get(b"Rotate").and_then(Object::as_i64) {
            rotate = r;
            break;
        }
        node = d
            .get(b"Parent")
            .ok()
            .and_then(|p| p.as_reference().ok())
            .and_then(|id| doc.get_dictionary(id).ok());
    }
    Rotation(match rotate.rem_euclid(360) {
        90 => [0.0, -1.0, 1.0, 0.0, 0.0, 0.0],
        180 => [-1.0, 0.0, 0.0, -1.0, 0.0, 0.0],
        270 => [0.0, 1.0, -1.0, 0.0, 0.0, 0.0],
        _ => IDENTITY,
    })
}

// ---------------------------------------------------------------- objects

fn deref<'a>(doc: &'a Document, o: &'a Object) -> Option<&'a Object> {
    doc.dereference(o).ok().map(|(_, o)| o)
}

fn dict_get<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().and_then(|o| deref(doc, o))
}

fn get_dict<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    dict_get(doc, d, key).and_then(|o| o.as_dict().ok())
}

fn get_array<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a Vec<Object>> {
    dict_get(doc, d, key).and_then(|o| o.as_array().ok())
}

fn get_name<'a>(doc: &'a Document, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    dict_get(doc, d, key).and_then(|o| o.as_name().ok())
}

fn num(doc: &Document, o: &Object) -> Option<f32> {
    deref(doc, o)
        .and_then(|o| o.as_float().ok())
        .filter(|v| v.is_finite())
}

fn nums(doc: &Document, items: &[Object]) -> Vec<f32> {
    items.iter().filter_map(|o| num(doc, o)).collect()
}

fn rect_of(doc: &Document, d: &Dictionary) -> Option<Rect> {
    let v = nums(doc, get_array(doc, d, b"Rect")?);
    if v.len() != 4 {
        return None;
    }
    Rect::from_points(&[(v[0], v[1]), (v[2], v[3])])
}

fn matrix_of(doc: &Document, d: &Dictionary) -> Matrix {
    get_array(doc, d, b"Matrix")
        .map(|a| nums(doc, a))
        .filter(|v| v.len() == 6)
        .map(|v| [v[0], v[1], v[2], v[3], v[4], v[5]])
        .unwrap_or(IDENTITY)
}

/// A page's resource dictionaries, its own first, then inherited ones.
fn page_resources(doc: &Document, page_id: ObjectId) -> Vec<&Dictionary> {
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

fn annots(doc: &Document, page_id: ObjectId) -> Vec<&Object> {
    doc.get_dictionary(page_id)
        .ok()
        .and_then(|p| get_array(doc, p, b"Annots"))
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

fn obj_text(doc: &Document, o: &Object) -> Option<String> {
    let s = match deref(doc, o)? {
        Object::String(bytes, _) => text_string(bytes),
        _ => return None,
    };
    let s = collapse(&s);
    (!s.is_empty()).then_some(s)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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

/// Rich text (`/RC`, XHTML) as plain text: tags dropped (block tags become
/// spaces), entities decoded.
fn strip_rich_text(rc: &str) -> String {
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

// ---------------------------------------------------------------- fields

struct Widget<'a> {
    id: Option<ObjectId>,
    dict: &'a Dictionary,
}

struct WidgetBox {
    field: usize,
    widget: usize,
    rect: Option<Rect>,
    button: bool,
}

/// A field's widgets on one page (index among the field's widgets, rectangle
/// in display space), and the page's layout when it was read.
struct OnPage<'p> {
    boxes: &'p [(usize, Option<Rect>)],
    layout: Option<&'p Layout>,
}

struct Field<'a> {
    /// Full dotted `/T` name.
    name: String,
    tooltip: Option<String>,
    ft: Option<&'a [u8]>,
    flags: i64,
    value: Option<&'a Object>,
    opt: Option<&'a Vec<Object>>,
    widgets: Vec<Widget<'a>>,
}

fn collect_fields(doc: &Document) -> Vec<Field<'_>> {
    let mut out = Vec::new();
    let Some(fields) = doc
        .catalog()
        .ok()
        .and_then(|c| get_dict(doc, c, b"AcroForm"))
        .and_then(|af| get_array(doc, af, b"Fields"))
    else {
        return out;
    };
    let mut budget = MAX_FIELDS;
    for f in fields {
        walk(doc, f, &Inherited::default(), &mut out, &mut budget, 0);
    }
    out
}

#[derive(Default, Clone)]
struct Inherited<'a> {
    name: String,
    ft: Option<&'a [u8]>,
    flags: Option<i64>,
    value: Option<&'a Object>,
}

fn walk<'a>(
    doc: &'a Document,
    obj: &'a Object,
    parent: &Inherited<'a>,
    out: &mut Vec<Field<'a>>,
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
    let partial = dict_get(doc, dict, b"T")
        .and_then(|t| t.as_str().ok())
        .map(text_string);
    let name = match (&partial, parent.name.is_empty()) {
        (Some(p), true) => p.clone(),
        (Some(p), false) => format!("{}.{p}", parent.name),
        (None, _) => parent.name.clone(),
    };
    let here = Inherited {
        name,
        ft: get_name(doc, dict, b"FT").or(parent.ft),
        flags: dict_get(doc, dict, b"Ff")
            .and_then(|o| o.as_i64().ok())
            .or(parent.flags),
        value: dict.get(b"V").ok().or(parent.value),
    };
    let kids = get_array(doc, dict, b"Kids");
    // A kid with its own /T is a sub-field; kids without are this field's widgets.
    let subfields: Vec<&Object> = kids
        .map(|ks| {
            ks.iter()
                .filter(|k| {
                    deref(doc, k)
                        .and_then(|o| o.as_dict().ok())
                        .is_some_and(|d| d.has(b"T"))
                })
                .collect()
        })
        .unwrap_or_default();
    if !subfields.is_empty() {
        for k in subfields {
            walk(doc, k, &here, out, budget, depth + 1);
        }
        return;
    }
    let mut widgets: Vec<Widget> = kids
        .into_iter()
        .flatten()
        .take(1000)
        .filter_map(|k| {
            let (kid, kd) = doc.dereference(k).ok()?;
            Some(Widget {
                id: kid,
                dict: kd.as_dict().ok()?,
            })
        })
        .collect();
    if widgets.is_empty() {
        // The field and its only widget are one dictionary.
        widgets.push(Widget { id, dict });
    }
    out.push(Field {
        name: here.name,
        tooltip: dict_get(doc, dict, b"TU").and_then(|o| obj_text(doc, o)),
        ft: here.ft,
        flags: here.flags.unwrap_or(0),
        value: here.value,
        opt: get_array(doc, dict, b"Opt"),
        widgets,
    });
}

/// The letters of `s`, lowercased: `Check Box 3` -> `checkbox`.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphabetic())
        .collect::<String>()
        .to_lowercase()
}

/// A name a form tool made up (`Text12`, `Check Box 3`, `undefined_2`), which
/// tells a reader nothing.
fn generic_name(name: &str) -> bool {
    let core = letters(name);
    core.chars().count() <= 2
        || matches!(
            core.as_str(),
            "" | "text"
                | "textfield"
                | "textbox"
                | "field"
                | "fill"
                | "undefined"
                | "untitled"
                | "checkbox"
                | "check"
                | "box"
                | "cb"
                | "chk"
                | "button"
                | "radio"
                | "radiobutton"
                | "group"
                | "choice"
                | "dropdown"
                | "combobox"
                | "listbox"
                | "list"
                | "tx"
                | "topmostsubform"
                | "subform"
                | "formsubform"
                | "form"
        )
}

/// The last part of an XFA-style name (`form1[0].#subform[0].Name[0]`).
fn readable_name(full: &str) -> String {
    if full.contains("[0]") || full.contains("#subform") {
        let last = full.rsplit('.').next().unwrap_or(full);
        last.split('[').next().unwrap_or(last).trim().to_string()
    } else {
        full.trim().to_string()
    }
}

/// `Yes`-like (true), `No`-like (false).
fn yes_no(s: &str) -> Option<bool> {
    let t: String = s
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    match t.as_str() {
        "yes" | "y" => Some(true),
        "no" | "n" => Some(false),
        _ => None,
    }
}

/// An answer that means nothing without its question.
fn bare_answer(s: &str) -> bool {
    let t: String = s
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase();
    yes_no(s).is_some()
        || matches!(
            t.as_str(),
            "n/a" | "na" | "unknown" | "unsure" | "not applicable" | "unavailable" | "other"
        )
}

/// A question and an option as one line.
fn answer_line(question: Option<&str>, option: &str) -> Option<String> {
    match question {
        Some(q) => Some(join_label(Some(q), option)),
        None if bare_answer(option) => None,
        None => Some(format!("[X] {option}")),
    }
}

impl<'a> Field<'a> {
    fn is_toggle(&self) -> bool {
        self.ft == Some(b"Btn") && self.flags & (1 << 16) == 0
    }

    /// The name to show for a text or choice field, `None` when it is generic.
    fn display_name(&self) -> Option<String> {
        let last = self.name.rsplit('.').next().unwrap_or(&self.name);
        if generic_name(last) {
            return None;
        }
        let n = readable_name(&self.name);
        (!n.is_empty()).then_some(n)
    }

    /// The answer lines of this field on a page.
    fn lines(&self, doc: &Document, page: &OnPage, answered: &mut Vec<usize>) -> Vec<String> {
        if self.ft == Some(b"Sig") || self.ft == Some(b"Btn") && !self.is_toggle() {
            return Vec::new();
        }
        if self.is_toggle() {
            return self.button_lines(doc, page, answered);
        }
        let (boxes, layout) = (page.boxes, page.layout);
        // Text and choice fields: one line for the field, on its first widget's page.
        if boxes.first().map(|b| b.0) != Some(0) {
            return Vec::new();
        }
        let Some(value) = self.value.and_then(|v| self.value_text(doc, v)) else {
            return Vec::new();
        };
        let label = self
            .display_name()
            .or_else(|| self.tooltip.clone().filter(|t| t.chars().count() <= 120))
            .or_else(|| {
                let r = boxes.first().and_then(|b| b.1)?;
                layout?.label_for(&r)
            })
            .unwrap_or_else(|| {
                let n = readable_name(&self.name);
                if n.is_empty() {
                    "field".to_string()
                } else {
                    n
                }
            });
        vec![format!("{}: {}", label.trim().trim_end_matches(':'), value)]
    }

    /// The shown value of a text or choice field, `None` for empty ones.
    fn value_text(&self, doc: &Document, v: &Object) -> Option<String> {
        let v = deref(doc, v)?;
        let s = match v {
            Object::String(bytes, _) => self.choice_display(doc, &text_string(bytes)),
            Object::Name(n) => {
                let n = String::from_utf8_lossy(n).into_owned();
                if n == "Off" {
                    return None;
                }
                n
            }
            Object::Array(items) => items
                .iter()
                .take(100)
                .filter_map(|i| self.value_text(doc, i))
                .collect::<Vec<_>>()
                .join("; "),
            Object::Integer(i) => i.to_string(),
            Object::Real(r) => r.to_string(),
            _ => return None,
        };
        let s = collapse(&s);
        (!s.is_empty()).then_some(s)
    }

    /// A choice field's value is an export value; `/Opt` pairs map it to the
    /// text the form shows.
    fn choice_display(&self, doc: &Document, value: &str) -> String {
        if self.ft == Some(b"Ch") {
            for o in self.opt.into_iter().flatten() {
                if let Some(pair) = deref(doc, o).and_then(|o| o.as_array().ok()) {
                    if pair.len() == 2 && obj_text(doc, &pair[0]).as_deref() == Some(value) {
                        if let Some(shown) = obj_text(doc, &pair[1]) {
                            return shown;
                        }
                    }
                }
            }
        }
        value.to_string()
    }

    /// Check boxes and radio buttons: the chosen widgets.
    fn button_lines(
        &self,
        doc: &Document,
        page: &OnPage,
        answered: &mut Vec<usize>,
    ) -> Vec<String> {
        let (boxes, layout) = (page.boxes, page.layout);
        let value = self
            .value
            .and_then(|v| deref(doc, v))
            .and_then(|v| match v {
                Object::Name(n) => Some(n.clone()),
                Object::String(s, _) => Some(text_string(s).into_bytes()),
                _ => None,
            });
        let states: Vec<Option<Vec<u8>>> =
            self.widgets.iter().map(|w| on_state(doc, w.dict)).collect();
        let no_states = states.iter().all(Option::is_none);
        let mut distinct: Vec<&Vec<u8>> = states.iter().flatten().collect();
        distinct.sort();
        distinct.dedup();
        let group = self.flags & (1 << 15) != 0 || distinct.len() > 1;
        let mut out = Vec::new();
        for &(wi, rect) in boxes {
            let Some(w) = self.widgets.get(wi) else {
                continue;
            };
            let on = states[wi].as_ref();
            let by_as = get_name(doc, w.dict, b"AS").map(|s| s != b"Off");
            let by_v = value.as_ref().map(|v| Some(v) == on);
            let checked = match (by_as, by_v) {
                (Some(a), Some(v)) if a != v => {
                    tracing::debug!("a button whose /AS and /V disagree: left out");
                    false
                }
                (Some(a), _) => a,
                (None, Some(v)) => v,
                (None, None) => false,
            };
            // A button drawn without appearance states: its value is all we have.
            let checked = checked
                || no_states && wi == 0 && value.as_ref().is_some_and(|v| v.as_slice() != b"Off");
            if !checked {
                continue;
            }
            let export = on
                .or(value.as_ref())
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .filter(|s| meaningful_export(s));
            let from_opt = self
                .opt
                .and_then(|o| o.get(wi))
                .and_then(|o| obj_text(doc, o));
            let printed = rect.and_then(|r| Some((layout?, r))).and_then(|(l, r)| {
                let bi = l.widget_box(&r)?;
                answered.push(bi);
                l.box_answer(bi)
            });
            let (question, option) = if group {
                let option = from_opt
                    .or(export)
                    .or_else(|| printed.as_ref().map(|p| p.1.clone()));
                let question = self
                    .tooltip
                    .clone()
                    .filter(|t| t.chars().count() <= 120)
                    .or_else(|| self.display_name())
                    .filter(|l| !bare_answer(l))
                    .or_else(|| printed.as_ref().and_then(|p| p.0.clone()));
                (question, option)
            } else {
                match printed {
                    Some((q, o)) => (q, Some(o)),
                    None => {
                        let own = self
                            .tooltip
                            .clone()
                            .filter(|t| t.chars().count() <= 120)
                            .or_else(|| self.display_name())
                            .or(export);
                        (None, own)
                    }
                }
            };
            let Some(option) = option else { continue };
            if let Some(line) = answer_line(question.as_deref(), &option) {
                out.push(line);
            }
        }
        out
    }
}

/// A widget's on-state: the name of its `/AP /N` (or `/D`) state that is not `Off`.
fn on_state(doc: &Document, w: &Dictionary) -> Option<Vec<u8>> {
    let ap = get_dict(doc, w, b"AP")?;
    for key in [&b"N"[..], b"D"] {
        if let Some(states) = get_dict(doc, ap, key) {
            if let Some((k, _)) = states.iter().find(|(k, _)| k.as_slice() != b"Off") {
                return Some(k.clone());
            }
        }
    }
    None
}

/// An export value that says something (`Methotrexate`, `Yes`), not a
/// tool's placeholder (`On`, `1`, `Choice2`).
fn meaningful_export(s: &str) -> bool {
    !matches!(
        letters(s).as_str(),
        "" | "on"
            | "off"
            | "true"
            | "false"
            | "x"
            | "checked"
            | "choice"
            | "option"
            | "opt"
            | "value"
            | "radio"
            | "button"
            | "btn"
            | "selected"
            | "kids"
            | "item"
    )
}

// ---------------------------------------------------------------- annotations

struct TextItem {
    rect: Rect,
    text: String,
    comment: bool,
}

#[derive(Default)]
struct PageAnnots {
    texts: Vec<TextItem>,
    /// Marks from annotations, in /Annots order (sequence numbers set later).
    marks: Vec<Ink>,
}

fn is_check_text(s: &str) -> bool {
    matches!(
        s,
        "X" | "x" | "✓" | "✔" | "✗" | "✘" | "√" | "✕" | "✖" | "☒" | "☑"
    )
}

fn page_annotations(doc: &Document, page_id: ObjectId, rot: &Rotation) -> PageAnnots {
    let mut out = PageAnnots::default();
    for a in annots(doc, page_id).into_iter().take(5_000) {
        let Some(d) = deref(doc, a).and_then(|o| o.as_dict().ok()) else {
            continue;
        };
        let flags = dict_get(doc, d, b"F")
            .and_then(|o| o.as_i64().ok())
            .unwrap_or(0);
        if flags & (2 | 32) != 0 {
            continue; // hidden, or not shown
        }
        let Some(subtype) = get_name(doc, d, b"Subtype") else {
            continue;
        };
        let Some(rect) = rect_of(doc, d) else {
            continue;
        };
        let shown = rot.rect(&rect);
        let contents = dict_get(doc, d, b"Contents").and_then(|o| obj_text(doc, o));
        let text = contents.clone().or_else(|| {
            dict_get(doc, d, b"RC")
                .and_then(|o| match o {
                    Object::String(b, _) => Some(strip_rich_text(&text_string(b))),
                    Object::Stream(s) => s
                        .get_plain_content_with_limit(1 << 20)
                        .ok()
                        .map(|b| strip_rich_text(&String::from_utf8_lossy(&b))),
                    _ => None,
                })
                .filter(|s| !s.is_empty())
        });
        let small = shown.w().max(shown.h()) <= MARK_MAX;
        match subtype {
            b"Widget" | b"Popup" | b"Link" => {}
            b"FreeText" => {
                let Some(text) = text else { continue };
                if small && is_check_text(&text) {
                    let light = da_light(doc, d);
                    if let Some(light) = light {
                        out.marks.push(Ink {
                            rect: shown,
                            seq: 0,
                            light,
                            solid: false,
                        });
                    }
                } else {
                    out.texts.push(TextItem {
                        rect: shown,
                        text,
                        comment: false,
                    });
                }
            }
            b"Stamp" | b"Ink" | b"Line" | b"Square" | b"Circle" | b"Polygon" | b"PolyLine"
            | b"Text" | b"Caret" | b"Highlight" | b"Underline" | b"StrikeOut" | b"Squiggly" => {
                let drawn = !matches!(
                    subtype,
                    b"Text" | b"Caret" | b"Highlight" | b"Underline" | b"StrikeOut" | b"Squiggly"
                );
                if drawn && small {
                    if let Some(m) = annotation_mark(doc, d, &rect, rot) {
                        out.marks.push(m);
                    }
                }
                // A comment, unless it only records a review state.
                if let Some(text) = contents.filter(|_| !d.has(b"StateModel")) {
                    out.texts.push(TextItem {
                        rect: shown,
                        text,
                        comment: true,
                    });
                }
            }
            _ => {}
        }
    }
    out
}

/// Whether a FreeText's default appearance paints light text (`Some(true)`),
/// dark text (`Some(false)`, also when it names no colour: black), or a colour
/// we cannot judge (`None`).
fn da_light(doc: &Document, d: &Dictionary) -> Option<bool> {
    let Some(da) = dict_get(doc, d, b"DA").and_then(|o| o.as_str().ok()) else {
        return Some(false);
    };
    let da = String::from_utf8_lossy(da);
    let toks: Vec<&str> = da.split_whitespace().collect();
    let mut lum = Some(0.0);
    for (i, t) in toks.iter().enumerate() {
        let before = |n: usize| -> Option<Vec<f32>> {
            (i >= n).then(|| {
                toks[i - n..i]
                    .iter()
                    .filter_map(|x| x.parse().ok())
                    .collect()
            })
        };
        lum = match *t {
            "g" => before(1).and_then(|v| color_lum(&v)),
            "rg" => before(3).and_then(|v| color_lum(&v)),
            "k" => before(4).and_then(|v| color_lum(&v)),
            _ => continue,
        };
    }
    classify(lum, 1.0)
}

/// The mark an annotation draws: what its normal appearance paints, in page
/// space; without an appearance, its `/C` colour over its rectangle.
fn annotation_mark(doc: &Document, d: &Dictionary, rect: &Rect, rot: &Rotation) -> Option<Ink> {
    let ap = get_dict(doc, d, b"AP");
    let normal = ap.and_then(|ap| dict_get(doc, ap, b"N"));
    let stream = match normal {
        Some(Object::Stream(s)) => Some(s),
        Some(Object::Dictionary(states)) => get_name(doc, d, b"AS")
            .and_then(|s| dict_get(doc, states, s))
            .and_then(|o| o.as_stream().ok()),
        _ => None,
    };
    let Some(stream) = stream else {
        let c = get_array(doc, d, b"C").map(|a| nums(doc, a))?;
        let light = classify(color_lum(&c), 1.0)?;
        return (!light).then_some(Ink {
            rect: rot.rect(rect),
            seq: 0,
            light,
            solid: false,
        });
    };
    // Appearance space -> page space (PDF 32000-1, 12.5.5).
    let m = matrix_of(doc, &stream.dict);
    let bbox = get_array(doc, &stream.dict, b"BBox")
        .map(|a| nums(doc, a))
        .filter(|v| v.len() == 4)
        .and_then(|v| Rect::from_points(&[(v[0], v[1]), (v[2], v[3])]))?;
    let tb = map_rect(&m, &bbox)?;
    if tb.w() <= 0.0 || tb.h() <= 0.0 {
        return None;
    }
    let sx = rect.w() / tb.w();
    let sy = rect.h() / tb.h();
    let fit: Matrix = [sx, 0.0, 0.0, sy, rect.x0 - tb.x0 * sx, rect.y0 - tb.y0 * sy];
    let ctm = mul(&mul(&m, &fit), &rot.0);
    let mut it = Interp::new(doc, true);
    let res: Vec<&Dictionary> = get_dict(doc, &stream.dict, b"Resources")
        .into_iter()
        .collect();
    let data = stream.get_plain_content_with_limit(MAX_STREAM_BYTES).ok()?;
    it.run(&data, &res, GState::new(ctm), 0, &mut Vec::new());
    let clip = rot.rect(rect);
    let mut dark: Option<Rect> = None;
    let mut light: Option<Rect> = None;
    for ink in &it.out.inks {
        let slot = if ink.light { &mut light } else { &mut dark };
        *slot = Some(slot.map_or(ink.rect, |r| r.union(&ink.rect)));
    }
    let (r, is_light) = match (dark, light) {
        (Some(r), _) => (r, false),
        (None, Some(r)) => (r, true),
        (None, None) => return None,
    };
    let r = Rect {
        x0: r.x0.max(clip.x0),
        y0: r.y0.max(clip.y0),
        x1: r.x1.min(clip.x1),
        y1: r.y1.min(clip.y1),
    };
    (r.w() > 0.0 && r.h() > 0.0).then_some(Ink {
        rect: r,
        seq: 0,
        light: is_light,
        solid: false,
    })
}

/// Does the page draw small XObjects (a flattened check mark: a drawn stroke
/// in a form of at most [`MARK_MAX`] points, or a picture of at most 64x64
/// pixels)? Only then is the content of a page without annotations or fields
/// read for marks.
fn has_small_xobjects(doc: &Document, page_id: ObjectId) -> bool {
    for res in page_resources(doc, page_id) {
        let Some(xobjects) = get_dict(doc, res, b"XObject") else {
            continue;
        };
        for (_, x) in xobjects.iter().take(2_000) {
            let Some(s) = deref(doc, x).and_then(|o| o.as_stream().ok()) else {
                continue;
            };
            match get_name(doc, &s.dict, b"Subtype") {
                Some(b"Form") => {
                    let small = get_array(doc, &s.dict, b"BBox")
                        .map(|a| nums(doc, a))
                        .filter(|v| v.len() == 4)
                        .is_some_and(|v| (v[2] - v[0]).abs().max((v[3] - v[1]).abs()) <= MARK_MAX);
                    if small {
                        return true;
                    }
                }
                Some(b"Image") => {
                    let dim = |k: &[u8]| {
                        dict_get(doc, &s.dict, k)
                            .and_then(|o| o.as_i64().ok())
                            .unwrap_or(i64::MAX)
                    };
                    if dim(b"Width") <= 64 && dim(b"Height") <= 64 {
                        return true;
                    }
                }
                _ => {}
            }
        }
    }
    false
}

// ---------------------------------------------------------------- content

/// Something painted that may be a check mark (dark) or rub one out (light).
#[derive(Clone, Copy, Debug)]
struct Ink {
    rect: Rect,
    /// Painting order on the page: content first, then annotations.
    seq: u32,
    light: bool,
    /// A filled rectangle: a mark only inside a box, not across one.
    solid: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Text,
    EmptyBox,
    CheckedBox,
    Check,
    /// A dingbat that is neither: left out of the words.
    Other,
}

#[derive(Debug)]
struct Glyph {
    rect: Rect,
    text: String,
    size: f32,
    kind: Kind,
    seq: u32,
}

#[derive(Default)]
struct Scan {
    glyphs: Vec<Glyph>,
    boxes: Vec<Rect>,
    vrules: Vec<Rect>,
    hrules: Vec<Rect>,
    inks: Vec<Ink>,
    seq: u32,
}

fn scan_page<'a>(it: &mut Interp<'a>, page_id: ObjectId, rot: &Rotation) -> Scan {
    let doc = it.doc;
    it.out = Scan::default();
    it.seq = 0;
    it.ops_left = MAX_OPS_PER_PAGE;
    let Ok(data) = doc.get_page_content_with_limit(page_id, MAX_STREAM_BYTES) else {
        return Scan::default();
    };
    let res = page_resources(doc, page_id);
    it.run(&data, &res, GState::new(rot.0), 0, &mut Vec::new());
    it.out.seq = it.seq;
    std::mem::take(&mut it.out)
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Symbol {
    None,
    Wingdings,
    Wingdings2,
    Zapf,
}

#[derive(Clone, Copy, PartialEq)]
enum StdWidths {
    None,
    Helvetica,
    Courier,
}

struct Font<'a> {
    enc: Option<Encoding<'a>>,
    two_byte: bool,
    first: u32,
    widths: Vec<f32>,
    cid_widths: HashMap<u32, f32>,
    default_width: f32,
    /// Glyph space -> text space: 1/1000, or a Type 3 font's matrix.
    scale: f32,
    std: StdWidths,
    symbol: Symbol,
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
    fn load(doc: &'a Document, d: &'a Dictionary) -> Font<'a> {
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

    fn decode(&self, code: &[u8]) -> String {
        match &self.enc {
            Some(e) => e
                .bytes_to_string(code)
                .unwrap_or_else(|_| "\u{fffd}".to_string()),
            None => code.iter().map(|&b| b as char).collect(),
        }
    }

    /// Advance of a glyph in text space per unit of font size.
    fn width(&self, code: u32, text: &str) -> f32 {
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

fn glyph_kind(symbol: Symbol, code: u32, text: &str) -> Kind {
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

#[derive(Clone, Copy, PartialEq)]
enum Cs {
    Gray,
    Rgb,
    Cmyk,
    Other,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    fill: Option<f32>,
    stroke: Option<f32>,
    fill_cs: Cs,
    stroke_cs: Cs,
    fill_alpha: f32,
    stroke_alpha: f32,
    font: Option<usize>,
    size: f32,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    rise: f32,
}

impl GState {
    fn new(ctm: Matrix) -> GState {
        GState {
            ctm,
            fill: Some(0.0),
            stroke: Some(0.0),
            fill_cs: Cs::Gray,
            stroke_cs: Cs::Gray,
            fill_alpha: 1.0,
            stroke_alpha: 1.0,
            font: None,
            size: 0.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            rise: 0.0,
        }
    }
}

/// Luminance 0 (black) ..= 1 (white) of a gray, RGB or CMYK colour.
fn color_lum(c: &[f32]) -> Option<f32> {
    let c: Vec<f32> = c.iter().map(|v| v.clamp(0.0, 1.0)).collect();
    match c.len() {
        1 => Some(c[0]),
        3 => Some(0.3 * c[0] + 0.59 * c[1] + 0.11 * c[2]),
        4 => {
            let k = 1.0 - c[3];
            Some(0.3 * (1.0 - c[0]) * k + 0.59 * (1.0 - c[1]) * k + 0.11 * (1.0 - c[2]) * k)
        }
        _ => None,
    }
}

/// Ink (`Some(false)`), white-out (`Some(true)`), or neither: faint, tinted
/// or of a colour we cannot judge.
fn classify(lum: Option<f32>, alpha: f32) -> Option<bool> {
    let lum = lum?;
    if alpha < 0.5 {
        None
    } else if lum <= 0.6 {
        Some(false)
    } else if lum >= 0.95 {
        Some(true)
    } else {
        None
    }
}

#[derive(Default)]
struct Path {
    bbox: Option<Rect>,
    rects: Vec<Rect>,
    /// A curve or a slanted line: drawn by hand, not a printed box.
    curvy: bool,
    /// Axis-parallel line segments (for rules).
    segments: Vec<Rect>,
    cur: (f32, f32),
    start: (f32, f32),
    n: usize,
}

impl Path {
    fn add_point(&mut self, p: (f32, f32)) {
        if let Some(r) = Rect::from_points(&[p]) {
            self.bbox = Some(self.bbox.map_or(r, |b| b.union(&r)));
        }
    }
    fn line_to(&mut self, p: (f32, f32)) {
        let (dx, dy) = (p.0 - self.cur.0, p.1 - self.cur.1);
        if dx.abs() > 0.5 && dy.abs() > 0.5 {
            self.curvy = true;
        } else if let Some(r) = Rect::from_points(&[self.cur, p]) {
            if self.segments.len() < 64 {
                self.segments.push(r);
            }
        }
        self.add_point(p);
        self.cur = p;
        self.n += 1;
    }
}

struct Interp<'a> {
    doc: &'a Document,
    /// Painting an annotation's appearance: everything painted is ink.
    all_ink: bool,
    ops_left: usize,
    seq: u32,
    fonts: HashMap<usize, usize>,
    font_list: Vec<Font<'a>>,
    out: Scan,
}

fn lookup<'a>(
    doc: &'a Document,
    res: &[&'a Dictionary],
    category: &[u8],
    name: &[u8],
) -> Option<(Option<ObjectId>, &'a Object)> {
    for d in res {
        if let Some(cat) = get_dict(doc, d, category) {
            if let Ok(o) = cat.get(name) {
                if let Ok((id, o)) = doc.dereference(o) {
                    return Some((id, o));
                }
            }
        }
    }
    None
}

/// What one content stream's interpretation carries from operator to
/// operator: the graphics state and its saved copies, the text matrices and
/// the path under construction.
struct RunState {
    gs: GState,
    saved: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    path: Path,
}

/// Operand `i` as a number (0 when missing or not a number).
fn operand(ops: &[Object], i: usize) -> f32 {
    ops.get(i).and_then(|o| o.as_float().ok()).unwrap_or(0.0)
}

/// The operands that are numbers.
fn operand_nums(ops: &[Object]) -> Vec<f32> {
    ops.iter().filter_map(|o| o.as_float().ok()).collect()
}

/// `re`: a rectangle appended to the path. A skewed one is drawn, not printed
/// (it makes the path curvy); at most 64 rectangles are kept per path.
fn path_rect(path: &mut Path, ctm: &Matrix, x: f32, y: f32, w: f32, h: f32) {
    let corners = [
        apply(ctm, x, y),
        apply(ctm, x + w, y),
        apply(ctm, x + w, y + h),
        apply(ctm, x, y + h),
    ];
    if let Some(r) = Rect::from_points(&corners) {
        let skewed = ctm[1].abs() > 1e-3 * ctm[0].abs().max(1e-3)
            && ctm[2].abs() > 1e-3 * ctm[3].abs().max(1e-3)
            && ctm[0].abs() > 1e-3;
        if skewed {
            path.curvy = true;
        } else if path.rects.len() < 64 {
            path.rects.push(r);
        }
        path.bbox = Some(path.bbox.map_or(r, |b| b.union(&r)));
    }
    path.cur = apply(ctm, x, y);
    path.start = path.cur;
    path.n += 4;
}

impl<'a> Interp<'a> {
    fn new(doc: &'a Document, all_ink: bool) -> Interp<'a> {
        Interp {
            doc,
            all_ink,
            ops_left: MAX_OPS_PER_PAGE,
            seq: 0,
            fonts: HashMap::new(),
            font_list: Vec::new(),
            out: Scan::default(),
        }
    }

    fn next_seq(&mut self) -> u32 {
        self.seq += 1;
        self.seq
    }

    fn color_space(&self, res: &[&'a Dictionary], name: &[u8]) -> Cs {
        match name {
            b"DeviceGray" | b"CalGray" | b"G" => return Cs::Gray,
            b"DeviceRGB" | b"CalRGB" | b"RGB" => return Cs::Rgb,
            b"DeviceCMYK" | b"CMYK" => return Cs::Cmyk,
            b"Pattern" => return Cs::Other,
            _ => {}
        }
        let Some((_, o)) = lookup(self.doc, res, b"ColorSpace", name) else {
            return Cs::Other;
        };
        cs_of(self.doc, o)
    }

    /// Interpret a content stream (a page's, a form XObject's or an
    /// appearance's) under `gs`, one operator at a time, within the page's
    /// operator budget: graphics state, paths and text; `Do` draws an XObject.
    fn run(
        &mut self,
        data: &[u8],
        res: &[&'a Dictionary],
        gs: GState,
        depth: usize,
        stack: &mut Vec<ObjectId>,
    ) {
        let mut st = RunState {
            gs,
            saved: Vec::new(),
            tm: IDENTITY,
            tlm: IDENTITY,
            path: Path::default(),
        };
        for op in Content::decode_iter(data) {
            let Ok(op) = op else { break };
            if self.ops_left == 0 {
                return;
            }
            self.ops_left -= 1;
            let (name, ops) = (op.operator.as_str(), op.operands.as_slice());
            if self.state_op(&mut st, name, ops, res)
                || self.path_op(&mut st, name, ops)
                || self.text_op(&mut st, name, ops, res)
            {
                continue;
            }
            if name == "Do" {
                if let Some(name) = ops.first().and_then(|o| o.as_name().ok()) {
                    self.xobject(res, name, &st.gs, depth, stack);
                }
            }
        }
    }

    /// A graphics-state operator: save and restore, the matrix, transparency
    /// and colours. False when `name` is not one.
    fn state_op(
        &self,
        st: &mut RunState,
        name: &str,
        ops: &[Object],
        res: &[&'a Dictionary],
    ) -> bool {
        let doc = self.doc;
        let gs = &mut st.gs;
        match name {
            "q" if st.saved.len() < 64 => st.saved.push(gs.clone()),
            "Q" => {
                if let Some(g) = st.saved.pop() {
                    *gs = g;
                }
            }
            "cm" => {
                let v = operand_nums(ops);
                if v.len() == 6 && v.iter().all(|x| x.is_finite()) {
                    gs.ctm = mul(&[v[0], v[1], v[2], v[3], v[4], v[5]], &gs.ctm);
                }
            }
            "gs" => {
                if let Some(name) = ops.first().and_then(|o| o.as_name().ok()) {
                    if let Some(d) =
                        lookup(doc, res, b"ExtGState", name).and_then(|(_, o)| o.as_dict().ok())
                    {
                        if let Some(a) = dict_get(doc, d, b"ca").and_then(|o| o.as_float().ok()) {
                            gs.fill_alpha = a;
                        }
                        if let Some(a) = dict_get(doc, d, b"CA").and_then(|o| o.as_float().ok()) {
                            gs.stroke_alpha = a;
                        }
                    }
                }
            }
            "g" | "G" | "rg" | "RG" | "k" | "K" => {
                let cs = match name.to_ascii_lowercase().as_str() {
                    "g" => Cs::Gray,
                    "rg" => Cs::Rgb,
                    _ => Cs::Cmyk,
                };
                let lum = color_lum(&operand_nums(ops));
                if name.starts_with(|c: char| c.is_ascii_lowercase()) {
                    (gs.fill_cs, gs.fill) = (cs, lum);
                } else {
                    (gs.stroke_cs, gs.stroke) = (cs, lum);
                }
            }
            "cs" | "CS" => {
                let cs = ops
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .map(|n| self.color_space(res, n))
                    .unwrap_or(Cs::Other);
                let initial = match cs {
                    Cs::Gray | Cs::Rgb => Some(0.0),
                    Cs::Cmyk => Some(0.0),
                    Cs::Other => None,
                };
                if name == "cs" {
                    gs.fill_cs = cs;
                    gs.fill = initial;
                } else {
                    gs.stroke_cs = cs;
                    gs.stroke = initial;
                }
            }
            "sc" | "scn" | "SC" | "SCN" => {
                let fill = name.starts_with('s');
                let cs = if fill { gs.fill_cs } else { gs.stroke_cs };
                let v = operand_nums(ops);
                let lum = if v.len() != ops.len() || cs == Cs::Other {
                    None
                } else {
                    color_lum(&v)
                };
                if fill {
                    gs.fill = lum;
                } else {
                    gs.stroke = lum;
                }
            }
            _ => return false,
        }
        true
    }

    /// A path operator: construction (in device space), then painting, which
    /// records boxes, rules and marks. False when `name` is not one.
    fn path_op(&mut self, st: &mut RunState, name: &str, ops: &[Object]) -> bool {
        let f = |i: usize| operand(ops, i);
        let (gs, path) = (&st.gs, &mut st.path);
        match name {
            "m" => {
                let p = apply(&gs.ctm, f(0), f(1));
                path.cur = p;
                path.start = p;
                path.add_point(p);
            }
            "l" => path.line_to(apply(&gs.ctm, f(0), f(1))),
            "c" | "v" | "y" => {
                let v = operand_nums(ops);
                for pair in v.chunks_exact(2) {
                    path.add_point(apply(&gs.ctm, pair[0], pair[1]));
                }
                if let Some(pair) = v.chunks_exact(2).last() {
                    path.cur = apply(&gs.ctm, pair[0], pair[1]);
                }
                path.curvy = true;
                path.n += 1;
            }
            "h" => {
                let start = path.start;
                if path.cur != start {
                    path.line_to(start);
                }
            }
            "re" => path_rect(path, &gs.ctm, f(0), f(1), f(2), f(3)),
            "S" | "s" => {
                if name == "s" {
                    let start = path.start;
                    path.line_to(start);
                }
                self.paint(path, gs, true, false);
            }
            "f" | "F" | "f*" => self.paint(path, gs, false, true),
            "B" | "B*" | "b" | "b*" => self.paint(path, gs, true, true),
            "n" => *path = Path::default(),
            _ => return false,
        }
        true
    }

    /// A text operator: text objects, the text state, positioning and showing
    /// strings (which places glyphs). False when `name` is not one.
    fn text_op(
        &mut self,
        st: &mut RunState,
        name: &str,
        ops: &[Object],
        res: &[&'a Dictionary],
    ) -> bool {
        let f = |i: usize| operand(ops, i);
        let RunState { gs, tm, tlm, .. } = st;
        match name {
            "BT" => {
                *tm = IDENTITY;
                *tlm = IDENTITY;
            }
            "Tf" => {
                gs.size = f(1);
                gs.font = ops
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| self.font(res, n));
            }
            "Tc" => gs.tc = f(0),
            "Tw" => gs.tw = f(0),
            "Tz" => gs.th = f(0) / 100.0,
            "TL" => gs.tl = f(0),
            "Ts" => gs.rise = f(0),
            "Td" | "TD" => {
                if name == "TD" {
                    gs.tl = -f(1);
                }
                *tlm = mul(&[1.0, 0.0, 0.0, 1.0, f(0), f(1)], tlm);
                *tm = *tlm;
            }
            "Tm" => {
                let v = operand_nums(ops);
                if v.len() == 6 {
                    *tlm = [v[0], v[1], v[2], v[3], v[4], v[5]];
                    *tm = *tlm;
                }
            }
            "T*" => {
                *tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], tlm);
                *tm = *tlm;
            }
            "Tj" | "'" | "\"" => {
                if name != "Tj" {
                    if name == "\"" {
                        gs.tw = f(0);
                        gs.tc = f(1);
                    }
                    *tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.tl], tlm);
                    *tm = *tlm;
                }
                if let Some(s) = ops.last().and_then(|o| o.as_str().ok()) {
                    self.show(s, gs, tm);
                }
            }
            "TJ" => {
                for item in ops
                    .first()
                    .and_then(|o| o.as_array().ok())
                    .into_iter()
                    .flatten()
                {
                    match item {
                        Object::String(s, _) => self.show(s, gs, tm),
                        other => {
                            if let Ok(n) = other.as_float() {
                                let tx = -n / 1000.0 * gs.size * gs.th;
                                *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
                            }
                        }
                    }
                }
            }
            _ => return false,
        }
        true
    }

    fn font(&mut self, res: &[&'a Dictionary], name: &[u8]) -> Option<usize> {
        let (_, o) = lookup(self.doc, res, b"Font", name)?;
        let d = o.as_dict().ok()?;
        let key = d as *const Dictionary as usize;
        if let Some(&i) = self.fonts.get(&key) {
            return Some(i);
        }
        if self.font_list.len() >= 1_000 {
            return None;
        }
        self.font_list.push(Font::load(self.doc, d));
        let i = self.font_list.len() - 1;
        self.fonts.insert(key, i);
        Some(i)
    }

    fn show(&mut self, bytes: &[u8], gs: &GState, tm: &mut Matrix) {
        let Some(fi) = gs.font else { return };
        let seq = self.next_seq();
        let font = &self.font_list[fi];
        let step = if font.two_byte { 2 } else { 1 };
        for chunk in bytes.chunks(step) {
            let code = chunk.iter().fold(0u32, |a, &b| a << 8 | u32::from(b));
            let text = font.decode(chunk);
            let w0 = font.width(code, &text);
            if !self.all_ink && self.out.glyphs.len() < MAX_GLYPHS_PER_PAGE {
                let trm = mul(
                    &[gs.size * gs.th, 0.0, 0.0, gs.size, 0.0, gs.rise],
                    &mul(tm, &gs.ctm),
                );
                let r = map_rect(
                    &trm,
                    &Rect {
                        x0: 0.0,
                        y0: -0.2,
                        x1: w0.max(0.05),
                        y1: 0.8,
                    },
                );
                if let Some(rect) = r {
                    let size = trm[2].hypot(trm[3]);
                    let kind = glyph_kind(font.symbol, code, &text);
                    if size > 0.5 && size < 500.0 {
                        self.out.glyphs.push(Glyph {
                            rect,
                            text,
                            size,
                            kind,
                            seq,
                        });
                    }
                }
            }
            let space = if step == 1 && code == 32 { gs.tw } else { 0.0 };
            let tx = (w0 * gs.size + gs.tc + space) * gs.th;
            *tm = mul(&[1.0, 0.0, 0.0, 1.0, tx, 0.0], tm);
        }
    }

    fn paint(&mut self, path: &mut Path, gs: &GState, stroke: bool, fill: bool) {
        let p = std::mem::take(path);
        let Some(bbox) = p.bbox else { return };
        // Dark when either painted colour is dark, light when all are light.
        let verdicts: Vec<Option<bool>> = [
            fill.then(|| classify(gs.fill, gs.fill_alpha)),
            stroke.then(|| classify(gs.stroke, gs.stroke_alpha)),
        ]
        .into_iter()
        .flatten()
        .collect();
        let verdict = if verdicts.contains(&Some(false)) {
            Some(false)
        } else if !verdicts.is_empty() && verdicts.iter().all(|v| *v == Some(true)) {
            Some(true)
        } else {
            None
        };
        let seq = self.next_seq();
        if self.all_ink {
            if let Some(light) = verdict {
                self.out.inks.push(Ink {
                    rect: bbox,
                    seq,
                    light,
                    solid: false,
                });
            }
            return;
        }
        for r in &p.rects {
            let (w, h) = (r.w(), r.h());
            if stroke && (4.0..=20.0).contains(&w) && (4.0..=20.0).contains(&h) && {
                let ratio = w / h;
                (0.75..=1.33).contains(&ratio)
            } {
                self.out.boxes.push(*r);
            } else if w <= 2.5 && h >= 6.0 {
                self.out.vrules.push(*r);
            } else if h <= 2.5 && w >= 6.0 {
                self.out.hrules.push(*r);
            }
        }
        if stroke {
            // A box drawn as four lines is a box, not four rules.
            let (w, h) = (bbox.w(), bbox.h());
            let drawn_box = !p.curvy
                && p.rects.is_empty()
                && p.n >= 4
                && (4.0..=20.0).contains(&w)
                && (4.0..=20.0).contains(&h)
                && (0.75..=1.33).contains(&(w / h));
            if drawn_box {
                self.out.boxes.push(bbox);
            } else {
                for s in &p.segments {
                    if s.w() <= 1.0 && s.h() >= 6.0 {
                        self.out.vrules.push(*s);
                    } else if s.h() <= 1.0 && s.w() >= 6.0 {
                        self.out.hrules.push(*s);
                    }
                }
            }
        }
        let side = bbox.w().max(bbox.h());
        if !(3.0..=MARK_MAX).contains(&side) {
            return;
        }
        let Some(light) = verdict else { return };
        if p.curvy {
            self.out.inks.push(Ink {
                rect: bbox,
                seq,
                light,
                solid: false,
            });
        } else if fill && !p.rects.is_empty() && bbox.w().min(bbox.h()) >= 2.0 {
            self.out.inks.push(Ink {
                rect: bbox,
                seq,
                light,
                solid: true,
            });
        }
    }

    fn xobject(
        &mut self,
        res: &[&'a Dictionary],
        name: &[u8],
        gs: &GState,
        depth: usize,
        stack: &mut Vec<ObjectId>,
    ) {
        let doc = self.doc;
        let Some((id, o)) = lookup(doc, res, b"XObject", name) else {
            return;
        };
        let Ok(s) = o.as_stream() else { return };
        match get_name(doc, &s.dict, b"Subtype") {
            Some(b"Form") => {
                if depth >= MAX_FORM_DEPTH || id.is_some_and(|i| stack.contains(&i)) {
                    return;
                }
                let Ok(data) = s.get_plain_content_with_limit(MAX_STREAM_BYTES) else {
                    return;
                };
                let mut inner = gs.clone();
                inner.ctm = mul(&matrix_of(doc, &s.dict), &gs.ctm);
                let own: Vec<&Dictionary> =
                    get_dict(doc, &s.dict, b"Resources").into_iter().collect();
                let res: Vec<&Dictionary> = if own.is_empty() { res.to_vec() } else { own };
                if let Some(i) = id {
                    stack.push(i);
                }
                self.run(&data, &res, inner, depth + 1, stack);
                if id.is_some() {
                    stack.pop();
                }
            }
            Some(b"Image") => {
                let unit = Rect {
                    x0: 0.0,
                    y0: 0.0,
                    x1: 1.0,
                    y1: 1.0,
                };
                let Some(r) = map_rect(&gs.ctm, &unit) else {
                    return;
                };
                let seq = self.next_seq();
                let side = r.w().max(r.h());
                if !(3.0..=MARK_MAX).contains(&side) {
                    return;
                }
                if let Some(light) = image_ink(doc, s, gs) {
                    self.out.inks.push(Ink {
                        rect: r,
                        seq,
                        light,
                        solid: false,
                    });
                }
            }
            _ => {}
        }
    }
}

fn cs_of(doc: &Document, o: &Object) -> Cs {
    match o {
        Object::Name(n) => match n.as_slice() {
            b"DeviceGray" | b"CalGray" => Cs::Gray,
            b"DeviceRGB" | b"CalRGB" => Cs::Rgb,
            b"DeviceCMYK" => Cs::Cmyk,
            _ => Cs::Other,
        },
        Object::Array(a) => {
            let family = a.first().and_then(|o| o.as_name().ok()).unwrap_or(b"");
            match family {
                b"CalGray" => Cs::Gray,
                b"CalRGB" | b"Lab" => Cs::Rgb,
                b"ICCBased" => {
                    let n = a
                        .get(1)
                        .and_then(|o| deref(doc, o))
                        .and_then(|o| o.as_stream().ok())
                        .and_then(|s| dict_get(doc, &s.dict, b"N"))
                        .and_then(|o| o.as_i64().ok());
                    match n {
                        Some(1) => Cs::Gray,
                        Some(3) => Cs::Rgb,
                        Some(4) => Cs::Cmyk,
                        _ => Cs::Other,
                    }
                }
                _ => Cs::Other,
            }
        }
        _ => Cs::Other,
    }
}

/// A small picture as ink (`Some(false)`: dark opaque pixels on at least 3% of
/// it), white-out (`Some(true)`: mostly opaque light pixels) or neither (a
/// faint shadow, or a picture we cannot decode).
fn image_ink(doc: &Document, s: &Stream, gs: &GState) -> Option<bool> {
    if gs.fill_alpha < 0.5 {
        return None;
    }
    let w = dict_get(doc, &s.dict, b"Width")?.as_i64().ok()?;
    let h = dict_get(doc, &s.dict, b"Height")?.as_i64().ok()?;
    if w <= 0 || h <= 0 || w.checked_mul(h).is_none_or(|n| n > 1 << 20) {
        return None;
    }
    let (w, h) = (w as usize, h as usize);
    let plain = |st: &Stream| -> Option<Vec<u8>> {
        let filters_ok = match dict_get(doc, &st.dict, b"Filter") {
            None => true,
            Some(Object::Name(n)) => n.as_slice() == b"FlateDecode",
            Some(Object::Array(a)) => a
                .iter()
                .all(|f| f.as_name().ok() == Some(&b"FlateDecode"[..])),
            Some(_) => false,
        };
        if !filters_ok {
            return None;
        }
        st.get_plain_content_with_limit(MAX_STREAM_BYTES).ok()
    };
    let mask = dict_get(doc, &s.dict, b"ImageMask")
        .and_then(|o| o.as_bool().ok())
        .unwrap_or(false);
    if mask {
        // A stencil painted in the fill colour where a bit is 0 (unless /Decode [1 0]).
        let data = plain(s)?;
        let row = w.div_ceil(8);
        if data.len() < row * h {
            return None;
        }
        let inverted = get_array(doc, &s.dict, b"Decode")
            .map(|a| nums(doc, a))
            .is_some_and(|v| v.first() == Some(&1.0));
        let mut painted = 0usize;
        for y in 0..h {
            for x in 0..w {
                let bit = data[y * row + x / 8] >> (7 - x % 8) & 1;
                if (bit == 0) != inverted {
                    painted += 1;
                }
            }
        }
        let share = painted as f32 / (w * h) as f32;
        let light = classify(gs.fill, gs.fill_alpha)?;
        return if !light && share >= 0.03 {
            Some(false)
        } else if light && share >= 0.6 {
            Some(true)
        } else {
            None
        };
    }
    let bpc = dict_get(doc, &s.dict, b"BitsPerComponent")
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(8);
    if bpc != 8 {
        return None;
    }
    let n = match cs_of(doc, dict_get(doc, &s.dict, b"ColorSpace")?) {
        Cs::Gray => 1,
        Cs::Rgb => 3,
        Cs::Cmyk => 4,
        Cs::Other => return None,
    };
    let data = plain(s)?;
    if data.len() < w * h * n {
        return None;
    }
    let alpha = match dict_get(doc, &s.dict, b"SMask").and_then(|o| o.as_stream().ok()) {
        Some(m) => {
            let mw = dict_get(doc, &m.dict, b"Width").and_then(|o| o.as_i64().ok());
            let mh = dict_get(doc, &m.dict, b"Height").and_then(|o| o.as_i64().ok());
            let mb = dict_get(doc, &m.dict, b"BitsPerComponent").and_then(|o| o.as_i64().ok());
            if mw != Some(w as i64) || mh != Some(h as i64) || mb != Some(8) {
                return None;
            }
            let a = plain(m)?;
            if a.len() < w * h {
                return None;
            }
            Some(a)
        }
        None => None,
    };
    let (mut dark, mut light) = (0usize, 0usize);
    for i in 0..w * h {
        if alpha.as_ref().is_some_and(|a| a[i] < 128) {
            continue;
        }
        let px: Vec<f32> = data[i * n..(i + 1) * n]
            .iter()
            .map(|&b| f32::from(b) / 255.0)
            .collect();
        let lum = color_lum(&px).unwrap_or(0.5);
        if lum <= 0.5 {
            dark += 1;
        } else if lum >= 0.9 {
            light += 1;
        }
    }
    let total = (w * h) as f32;
    if dark as f32 >= 0.03 * total {
        Some(false)
    } else if light as f32 >= 0.6 * total {
        Some(true)
    } else {
        None
    }
}

// ---------------------------------------------------------------- layout

#[derive(Debug, Clone)]
struct Word {
    rect: Rect,
    text: String,
    size: f32,
    /// The show operation of its last glyph.
    seq: u32,
}

#[derive(Debug)]
struct Line {
    rect: Rect,
    words: Vec<Word>,
    size: f32,
}

#[derive(Debug, Clone, Copy)]
struct PBox {
    rect: Rect,
    /// A printed `☒`.
    checked: bool,
    /// An AcroForm button widget (its field answers for it).
    widget: bool,
}

struct Layout {
    lines: Vec<Line>,
    boxes: Vec<PBox>,
    vrules: Vec<Rect>,
    hrules: Vec<Rect>,
    inks: Vec<Ink>,
    /// The page's text does not decode to words (a font without a usable
    /// encoding): no printed label is trusted.
    garbage: bool,
}

/// Which side of its box an option's label is printed on.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Side {
    Left,
    Right,
}

impl Layout {
    fn build(scan: Scan, widget_boxes: &[(Rect, usize)]) -> Layout {
        let mut boxes: Vec<PBox> = Vec::new();
        let mut inks = scan.inks;
        let mut text: Vec<&Glyph> = Vec::new();
        for g in &scan.glyphs {
            match g.kind {
                Kind::Text => text.push(g),
                Kind::EmptyBox | Kind::CheckedBox => boxes.push(PBox {
                    rect: glyph_box(&g.rect),
                    checked: g.kind == Kind::CheckedBox,
                    widget: false,
                }),
                Kind::Check => inks.push(Ink {
                    rect: g.rect,
                    seq: g.seq,
                    light: false,
                    solid: false,
                }),
                Kind::Other => {}
            }
        }
        for r in &scan.boxes {
            boxes.push(PBox {
                rect: *r,
                checked: false,
                widget: false,
            });
        }
        // One box per place: a widget over a printed box is the widget.
        let mut merged: Vec<PBox> = widget_boxes
            .iter()
            .map(|(r, _)| PBox {
                rect: *r,
                checked: false,
                widget: true,
            })
            .collect();
        for b in boxes {
            let dup = merged.iter_mut().find(|m| {
                let i = m.rect.inter(&b.rect);
                i >= 0.3 * b.rect.area().min(m.rect.area())
            });
            match dup {
                Some(m) => m.checked |= b.checked,
                None => merged.push(b),
            }
        }
        let garbage = {
            let n = text.len();
            let bad = text
                .iter()
                .filter(|g| {
                    g.text.chars().any(|c| {
                        c == '\u{fffd}' || ('\u{e000}'..='\u{f8ff}').contains(&c) || c.is_control()
                    })
                })
                .count();
            n > 0 && bad * 10 > n
        };
        let lines = build_lines(&text);
        let mut layout = Layout {
            lines,
            boxes: merged,
            vrules: scan.vrules,
            hrules: scan.hrules,
            inks,
            garbage,
        };
        layout.take_typed_checks(scan.seq);
        layout
    }

    /// A standalone `X` typed on a box is a mark, not a word.
    fn take_typed_checks(&mut self, seq: u32) {
        for li in 0..self.lines.len() {
            let mut keep = Vec::new();
            for w in std::mem::take(&mut self.lines[li].words) {
                let on_box = (w.text == "X" || w.text == "x")
                    && self
                        .boxes
                        .iter()
                        .any(|b| w.rect.inter(&b.rect) >= 0.3 * b.rect.area());
                if on_box {
                    self.inks.push(Ink {
                        rect: w.rect,
                        seq,
                        light: false,
                        solid: false,
                    });
                } else {
                    keep.push(w);
                }
            }
            self.lines[li].words = keep;
        }
        self.lines.retain(|l| !l.words.is_empty());
    }

    fn words_in_band(&self, lo: f32, hi: f32) -> Vec<&Word> {
        let mut out: Vec<&Word> = self
            .lines
            .iter()
            .filter(|l| l.rect.y1 >= lo && l.rect.y0 <= hi)
            .flat_map(|l| l.words.iter())
            .filter(|w| w.rect.cy() >= lo && w.rect.cy() <= hi)
            .collect();
        out.sort_by(|a, b| a.rect.x0.total_cmp(&b.rect.x0));
        out
    }

    /// Is there a box or a vertical rule between x `a` and x `b` in this band?
    fn blocked(&self, a: f32, b: f32, lo: f32, hi: f32) -> bool {
        let (a, b) = (a.min(b), a.max(b));
        let hi_x = b;
        let boxes = self
            .boxes
            .iter()
            .any(|b| b.rect.cx() > a && b.rect.cx() < hi_x && (lo..=hi).contains(&b.rect.cy()));
        boxes
            || self
                .vrules
                .iter()
                .any(|r| r.cx() > a && r.cx() < b && r.y1 >= lo && r.y0 <= hi)
    }

    /// A horizontal rule between y `lo` and `hi` across x `a..b`?
    fn rule_between(&self, lo: f32, hi: f32, a: f32, b: f32) -> bool {
        self.hrules.iter().any(|r| {
            r.cy() > lo && r.cy() < hi && r.x1.min(b) - r.x0.max(a) > 0.5 * (b - a).min(r.w())
        })
    }

    /// The phrase starting next to `x` on the side `side` in a band: words
    /// spaced as words are, up to a wide gap, a box or a rule.
    fn phrase(&self, x: f32, lo: f32, hi: f32, side: Side, reach: f32) -> Option<(String, Rect)> {
        let words = self.words_in_band(lo, hi);
        // The words in walking order; their near and far edges, seen from `x`.
        let ordered: Vec<&Word> = match side {
            Side::Right => words.into_iter().filter(|w| w.rect.x0 >= x - 1.0).collect(),
            Side::Left => words
                .into_iter()
                .rev()
                .filter(|w| w.rect.x1 <= x + 1.0)
                .collect(),
        };
        let near = |w: &Word| match side {
            Side::Right => w.rect.x0,
            Side::Left => w.rect.x1,
        };
        let far = |w: &Word| match side {
            Side::Right => w.rect.x1,
            Side::Left => w.rect.x0,
        };
        let dist = |from: f32, w: &Word| match side {
            Side::Right => w.rect.x0 - from,
            Side::Left => from - w.rect.x1,
        };
        let first = *ordered.first()?;
        if dist(x, first) > reach.max(1.3 * first.size) || self.blocked(x, near(first), lo, hi) {
            return None;
        }
        let mut picked = vec![first];
        for w in ordered.into_iter().skip(1) {
            let last = picked[picked.len() - 1];
            if dist(far(last), w) > last.size.max(w.size)
                || self.blocked(far(last), near(w), lo, hi)
            {
                break;
            }
            picked.push(w);
        }
        if side == Side::Left {
            picked.reverse();
        }
        joined(&picked)
    }

    /// All the words left of `x` in a band, back to a box, a rule or the
    /// line's start, whatever the gaps (a question before its answers).
    fn text_left(&self, x: f32, lo: f32, hi: f32) -> Option<(String, Rect)> {
        let words = self.words_in_band(lo, hi);
        let mut picked: Vec<&Word> = Vec::new();
        let mut edge = x;
        for w in words.iter().rev().filter(|w| w.rect.x1 <= x + 1.0) {
            if self.blocked(w.rect.x1, edge, lo, hi) {
                break;
            }
            picked.push(w);
            edge = w.rect.x0;
        }
        picked.reverse();
        joined(&picked)
    }

    /// The line just above `r` (display space), not crossing a rule, and its
    /// phrase that lies over `x0..x1` (or starts left of `x0` when `left_ok`).
    fn line_above(&self, r: &Rect, x0: f32, x1: f32, max_gap: f32) -> Option<&Line> {
        self.lines
            .iter()
            .filter(|l| l.rect.cy() > r.y1 && l.rect.y0 >= r.y1 - 0.4 * l.size)
            .filter(|l| l.rect.y0 - r.y1 <= max_gap.max(1.2 * l.size))
            .filter(|l| {
                l.words
                    .iter()
                    .any(|w| w.rect.x1 >= x0 - 2.0 && w.rect.x0 <= x1)
            })
            .filter(|l| !self.rule_between(r.y1 - 1.0, l.rect.y0 + 0.5, x0, x1.max(x0 + 1.0)))
            .min_by(|a, b| a.rect.y0.total_cmp(&b.rect.y0))
    }

    /// A multi-line question: prepend the lines it continues (same start,
    /// right above, not ending a sentence, no boxes on them).
    fn with_lines_above(&self, text: String, rect: Rect) -> String {
        let mut text = text;
        let mut rect = rect;
        for _ in 0..2 {
            let above = self.lines.iter().filter(|l| {
                l.rect.cy() > rect.y1
                    && l.rect.y0 - rect.y1 <= 0.8 * l.size
                    && l.rect.y0 >= rect.y1 - 0.4 * l.size
            });
            let Some(l) = above.min_by(|a, b| a.rect.y0.total_cmp(&b.rect.y0)) else {
                break;
            };
            let first = &l.words[0];
            let starts_same = (first.rect.x0 - rect.x0).abs() <= 8.0;
            let ends = l.words.last().map(|w| w.text.as_str()).unwrap_or("");
            let open = !ends.ends_with(['.', '?', ':', '!']);
            let has_box = self
                .boxes
                .iter()
                .any(|b| b.rect.cy() >= l.rect.y0 && b.rect.cy() <= l.rect.y1);
            let ruled = self.rule_between(rect.y1 - 0.5, l.rect.y0 + 0.5, rect.x0, rect.x1);
            if !starts_same || !open || has_box || ruled {
                break;
            }
            let line: Vec<&str> = l.words.iter().map(|w| w.text.as_str()).collect();
            text = format!("{} {text}", line.join(" "));
            rect = rect.union(&l.rect);
        }
        text
    }

    /// The printed label for a value written at `r` (a FreeText or a text
    /// field): the phrase left of its first line, else the one just above it.
    fn label_for(&self, r: &Rect) -> Option<String> {
        if self.garbage {
            return None;
        }
        let hi = r.y1 + 2.0;
        let lo = (r.y1 - 16.0).max(r.y0) - 2.0;
        let label = self
            .phrase(r.x0 + 2.0, lo, hi, Side::Left, 150.0)
            .map(|(t, _)| t)
            .or_else(|| {
                let l = self.line_above(r, r.x0, r.x1, 10.0)?;
                // A row of options is not a label.
                if self
                    .boxes
                    .iter()
                    .any(|b| b.rect.cy() >= l.rect.y0 && b.rect.cy() <= l.rect.y1)
                {
                    return None;
                }
                // The phrase of that line over the value.
                let over: Vec<&Word> = l
                    .words
                    .iter()
                    .filter(|w| w.rect.x1 >= r.x0 - 2.0 && w.rect.x0 <= r.x1)
                    .collect();
                let first = over.first()?;
                let (t, rr) =
                    self.phrase(first.rect.x0 - 0.5, l.rect.y0, l.rect.y1, Side::Right, 1.0)?;
                let start = self
                    .phrase(first.rect.x1 + 0.5, l.rect.y0, l.rect.y1, Side::Left, 1.0)
                    .map(|(_, r)| r.x0)
                    .unwrap_or(rr.x0);
                let (t, rr) = if start < rr.x0 {
                    self.phrase(start - 0.5, l.rect.y0, l.rect.y1, Side::Right, 1.0)
                        .unwrap_or((t, rr))
                } else {
                    (t, rr)
                };
                Some(self.with_lines_above(t, rr))
            })?;
        // Leaders and pointers printed after a label (`Address ▶`, `amount $`).
        let label = collapse(&label)
            .trim_end_matches(|c: char| {
                !c.is_alphanumeric() && !matches!(c, ':' | '?' | ')' | ']' | '*' | '.')
            })
            .to_string();
        (!label.is_empty() && label.chars().count() <= MAX_LABEL_CHARS).then_some(label)
    }

    /// The printed words inside `r`, in reading order.
    fn printed_in(&self, r: &Rect) -> String {
        let words: Vec<&str> = self
            .lines
            .iter()
            .flat_map(|l| l.words.iter())
            .filter(|w| {
                w.rect.cx() >= r.x0
                    && w.rect.cx() <= r.x1
                    && w.rect.cy() >= r.y0
                    && w.rect.cy() <= r.y1
            })
            .map(|w| w.text.as_str())
            .collect();
        words.join(" ")
    }

    fn widget_box(&self, r: &Rect) -> Option<usize> {
        self.boxes
            .iter()
            .position(|b| b.widget && b.rect.inter(r) >= 0.5 * r.area().min(b.rect.area()))
    }

    /// Boxes on the row of box `bi`, left to right.
    fn row(&self, bi: usize) -> Vec<usize> {
        let b = self.boxes[bi].rect;
        let (lo, hi) = (b.y0 - 0.5 * b.h(), b.y1 + 0.5 * b.h());
        let mut row: Vec<usize> = (0..self.boxes.len())
            .filter(|&i| {
                let c = self.boxes[i].rect.cy();
                c >= lo && c <= hi
            })
            .collect();
        row.sort_by(|&a, &b| self.boxes[a].rect.x0.total_cmp(&self.boxes[b].rect.x0));
        row
    }

    fn band(&self, bi: usize) -> (f32, f32) {
        let b = self.boxes[bi].rect;
        (b.y0 - 0.5 * b.h(), b.y1 + 0.5 * b.h())
    }

    fn option_label(&self, bi: usize, side: Side) -> Option<(String, Rect)> {
        let b = self.boxes[bi].rect;
        let (lo, hi) = self.band(bi);
        let x = match side {
            Side::Right => b.x1,
            Side::Left => b.x0,
        };
        self.phrase(x, lo, hi, side, 12.0)
    }

    /// For a box: the question it answers (if the page shows it) and the
    /// option it stands for.
    fn box_answer(&self, bi: usize) -> Option<(Option<String>, String)> {
        if self.garbage {
            return None;
        }
        let row = self.row(bi);
        let last = *row.last()?;
        let side = if self.option_label(last, Side::Right).is_some() {
            Side::Right
        } else {
            Side::Left
        };
        let (option, orect) = self.option_label(bi, side)?;
        let mut option = tidy_option(&option);
        if weak_label(&option) {
            return None;
        }
        // `Other (please specify):` and what was written after it.
        if side == Side::Right && option.ends_with(':') {
            let (lo, hi) = self.band(bi);
            if let Some((more, mr)) = self.phrase(orect.x1, lo, hi, Side::Right, 150.0) {
                // Only a one-line entry: a written block that spans more
                // lines than the option's would be cut.
                let stacked = self.lines.iter().any(|l| {
                    let dy = (l.rect.cy() - mr.cy()).abs();
                    dy > 0.5 * l.size
                        && dy < 1.6 * l.size.max(mr.h())
                        && l.words.iter().any(|w| (w.rect.x0 - mr.x0).abs() <= 3.0)
                });
                if !stacked {
                    option = format!("{option} {more}");
                }
            }
        }
        if option.is_empty() || option.chars().count() > MAX_LABEL_CHARS {
            return None;
        }
        // The run of boxes this one answers with: back through Yes/No options
        // for a Yes/No answer, back through all the row's boxes otherwise.
        let pos = row.iter().position(|&i| i == bi)?;
        let mut start = pos;
        let yn = bare_answer(&option);
        while start > 0 {
            let prev = row[start - 1];
            let prev_label = self.option_label(prev, side).map(|(t, _)| t);
            let prev_yn = prev_label.as_deref().is_some_and(bare_answer);
            if yn && !prev_yn {
                break;
            }
            start -= 1;
        }
        let first = row[start];
        let edge = match side {
            Side::Right => self.boxes[first].rect.x0,
            Side::Left => self
                .option_label(first, side)
                .map(|(_, r)| r.x0)
                .unwrap_or(self.boxes[first].rect.x0),
        };
        let (lo, hi) = self.band(bi);
        let question = self
            .text_left(edge, lo, hi)
            .map(|(t, r)| self.with_lines_above(t, r))
            .or_else(|| self.heading(first, yn));
        let question = question
            .map(|q| tidy_question(&q))
            .filter(|q| !q.is_empty() && q.chars().count() <= 2 * MAX_LABEL_CHARS);
        Some((question, option))
    }

    /// The heading over a column of boxes (or over a row of Yes/No boxes):
    /// the line right above the column's first box, starting left of it.
    fn heading(&self, bi: usize, yes_no: bool) -> Option<String> {
        // Up the column: boxes at the same x, one under the other.
        let mut top = bi;
        loop {
            let t = self.boxes[top].rect;
            let next = (0..self.boxes.len())
                .filter(|&i| {
                    let r = self.boxes[i].rect;
                    (r.x0 - t.x0).abs() <= 3.0 && r.cy() > t.y1 && r.y0 - t.y1 <= 2.5 * t.h()
                })
                .min_by(|&a, &b| self.boxes[a].rect.y0.total_cmp(&self.boxes[b].rect.y0));
            match next {
                Some(n) if n != top => top = n,
                _ => break,
            }
        }
        let t = self.boxes[top].rect;
        let line = self
            .lines
            .iter()
            .filter(|l| l.rect.cy() > t.y1 && l.rect.y0 >= t.cy())
            .filter(|l| l.rect.y0 - t.y1 <= 1.6 * l.size)
            .min_by(|a, b| a.rect.y0.total_cmp(&b.rect.y0))?;
        if self
            .boxes
            .iter()
            .any(|b| b.rect.cy() >= line.rect.y0 && b.rect.cy() <= line.rect.y1)
        {
            return None;
        }
        // Its phrase that starts at or left of the box.
        let first = line.words.iter().rev().find(|w| w.rect.x0 <= t.x0 + 6.0)?;
        if self.rule_between(t.y1 - 0.5, line.rect.y0 + 0.5, first.rect.x0, t.x1) {
            return None;
        }
        let start = self
            .phrase(
                first.rect.x1 + 0.5,
                line.rect.y0,
                line.rect.y1,
                Side::Left,
                1.0,
            )
            .map(|(_, r)| r.x0)
            .unwrap_or(first.rect.x0);
        let (text, rect) =
            self.phrase(start - 0.5, line.rect.y0, line.rect.y1, Side::Right, 1.0)?;
        if yes_no && !text.ends_with(['?', ':']) {
            return None;
        }
        Some(self.with_lines_above(text, rect))
    }

    /// The boxes that carry a mark: a printed `☒`, or dark ink lying on one
    /// box (and not on two alike), not rubbed out by white ink painted after.
    fn marked_boxes(&self) -> Vec<usize> {
        let mut marked: Vec<usize> = (0..self.boxes.len())
            .filter(|&i| self.boxes[i].checked)
            .collect();
        for ink in self.inks.iter().filter(|i| !i.light) {
            let erased = self.inks.iter().any(|e| {
                e.light && e.seq > ink.seq && ink.rect.inter(&e.rect) >= 0.6 * ink.rect.area()
            });
            if erased {
                tracing::debug!("a check mark painted over in white: left out");
                continue;
            }
            let mut scores: Vec<(f32, usize)> = self
                .boxes
                .iter()
                .enumerate()
                .filter_map(|(i, b)| {
                    let inter = ink.rect.inter(&b.rect);
                    if ink.solid {
                        (inter >= 0.9 * ink.rect.area() && ink.rect.area() <= 0.8 * b.rect.area())
                            .then_some((1.0, i))
                    } else {
                        let s = inter / b.rect.area().max(0.01);
                        (s >= 0.2).then_some((s, i))
                    }
                })
                .collect();
            scores.sort_by(|a, b| b.0.total_cmp(&a.0));
            match scores.as_slice() {
                [] => {}
                [(_, i)] => marked.push(*i),
                [(s1, i), (s2, _), ..] => {
                    if *s2 < 0.7 * s1 {
                        marked.push(*i);
                    } else {
                        tracing::debug!("a mark across two boxes: left out");
                    }
                }
            }
        }
        marked.sort_unstable();
        marked.dedup();
        marked
    }

    /// Answer lines for the marked boxes (those a field does not already
    /// answer for), with where they are, Yes-and-No contradictions left out.
    fn mark_answers(&self, answered: &[usize]) -> Vec<(Rect, String)> {
        let mut answers: Vec<(Rect, Option<String>, String)> = Vec::new();
        for bi in self.marked_boxes() {
            if answered.contains(&bi) {
                continue;
            }
            if let Some((q, o)) = self.box_answer(bi) {
                answers.push((self.boxes[bi].rect, q, o));
            }
        }
        let contradicted = |q: &Option<String>| {
            let of_q: Vec<Option<bool>> = answers
                .iter()
                .filter(|a| a.1 == *q)
                .map(|a| yes_no(&a.2))
                .collect();
            q.is_some() && of_q.contains(&Some(true)) && of_q.contains(&Some(false))
        };
        let mut out = Vec::new();
        for (r, q, o) in &answers {
            if yes_no(o).is_some() && contradicted(q) {
                tracing::debug!("a question answered both Yes and No: left out");
                continue;
            }
            if let Some(line) = answer_line(q.as_deref(), o) {
                out.push((*r, line));
            }
        }
        out
    }
}

/// Words as one phrase: their text and the rectangle around them.
fn joined(words: &[&Word]) -> Option<(String, Rect)> {
    let first = words.first()?;
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let rect = words.iter().fold(first.rect, |r, w| r.union(&w.rect));
    Some((text, rect))
}

/// A box glyph's em box is taller than the square it draws.
fn glyph_box(r: &Rect) -> Rect {
    let side = r.w().min(r.h());
    Rect {
        x0: r.cx() - side / 2.0,
        y0: r.cy() - side / 2.0,
        x1: r.cx() + side / 2.0,
        y1: r.cy() + side / 2.0,
    }
}

/// An option's printed label without a dangling bracket (`No)`) or an
/// unclosed aside (`Urgent (In checking this box, I attest...`).
fn tidy_option(s: &str) -> String {
    let mut s = collapse(s);
    if let Some(i) = s.find('(') {
        if !s[i..].contains(')') && i > 0 {
            s.truncate(i);
        }
    }
    let opens = s.matches('(').count();
    let closes = s.matches(')').count();
    let mut s = s.trim().to_string();
    if closes > opens && s.ends_with(')') {
        s.pop();
    }
    if opens > closes && s.starts_with('(') {
        s.remove(0);
    }
    s.trim().to_string()
}

/// A label of function words only (`if`, `or`): part of a sentence the box
/// sits in, not the option's name.
fn weak_label(s: &str) -> bool {
    s.split_whitespace().all(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        matches!(
            w.as_str(),
            "" | "if"
                | "and"
                | "or"
                | "the"
                | "of"
                | "to"
                | "a"
                | "an"
                | "in"
                | "on"
                | "for"
                | "with"
                | "by"
                | "at"
                | "as"
                | "is"
                | "are"
                | "be"
        )
    })
}

fn tidy_question(s: &str) -> String {
    collapse(s)
}

/// Glyphs -> lines of words (display space), top to bottom.
fn build_lines(glyphs: &[&Glyph]) -> Vec<Line> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| b.rect.cy().total_cmp(&a.rect.cy()));
    let mut groups: Vec<(f32, f32, Vec<&Glyph>)> = Vec::new();
    for g in sorted {
        match groups.last_mut() {
            Some((cy, size, gs)) if (g.rect.cy() - *cy).abs() <= 0.35 * size.max(g.size) => {
                gs.push(g);
            }
            _ => groups.push((g.rect.cy(), g.size, vec![g])),
        }
    }
    let mut lines = Vec::new();
    for (_, _, mut gs) in groups {
        gs.sort_by(|a, b| a.rect.x0.total_cmp(&b.rect.x0));
        let mut words: Vec<Word> = Vec::new();
        let mut cur: Option<Word> = None;
        for g in gs {
            // A space splits the word it was shown with, not the words of
            // another text that it happens to overlap (trailing blanks of a
            // printed line under a value written over them).
            let blank = g.text.chars().all(char::is_whitespace);
            let split = cur.as_ref().is_some_and(|w| {
                blank && g.seq.abs_diff(w.seq) <= 2
                    || !blank && g.rect.x0 - w.rect.x1 > 0.25 * w.size.max(g.size)
            });
            if split {
                words.extend(cur.take());
            }
            if blank {
                continue;
            }
            match &mut cur {
                Some(w) => {
                    w.text.push_str(&g.text);
                    w.rect = w.rect.union(&g.rect);
                    w.size = w.size.max(g.size);
                    w.seq = g.seq;
                }
                None => {
                    cur = Some(Word {
                        rect: g.rect,
                        text: g.text.clone(),
                        size: g.size,
                        seq: g.seq,
                    })
                }
            }
        }
        words.extend(cur);
        // Blanks to fill in (`_____`, `.....`) are not words.
        words.retain(|w| !w.text.chars().all(|c| c == '_' || c == '.' || c == '…'));
        let words: Vec<Word> = words
            .into_iter()
            .map(|mut w| {
                w.text = w.text.trim_matches('_').to_string();
                w
            })
            .filter(|w| !w.text.is_empty())
            .collect();
        if words.is_empty() {
            continue;
        }
        let rect = words
            .iter()
            .skip(1)
            .fold(words[0].rect, |r, w| r.union(&w.rect));
        let size = words.iter().map(|w| w.size).fold(0.0, f32::max);
        lines.push(Line { rect, words, size });
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    #[test]
    fn text_strings_decode() {
        assert_eq!(text_string(&[0xFE, 0xFF, 0, b'M', 0, b'5', 0, b'4']), "M54");
        assert_eq!(text_string(b"caf\xe9"), "caf\u{e9}");
    }

    #[test]
    fn rich_text_becomes_plain_text() {
        let rc = "<?xml version=\"1.0\"?><body xmlns=\"http://www.w3.org/1999/xhtml\"><p dir=\"ltr\">Tried <span style=\"font-weight:bold\">methotrexate</span> &amp; NSAIDs</p><p>6&#32;weeks</p></body>";
        assert_eq!(strip_rich_text(rc), "Tried methotrexate & NSAIDs 6 weeks");
    }

    /// A one-page PDF built in code: Helvetica as `/F1`, ZapfDingbats as
    /// `/F2`, annotations and AcroForm fields added before `finish`.
    struct Build {
        doc: Document,
        page: ObjectId,
        annots: Vec<Object>,
        fields: Vec<Object>,
        xobjects: Dictionary,
    }

    impl Build {
        fn new() -> Build {
            let mut doc = Document::with_version("1.7");
            let page = doc.new_object_id();
            Build {
                doc,
                page,
                annots: Vec::new(),
                fields: Vec::new(),
                xobjects: Dictionary::new(),
            }
        }

        fn stream(&mut self, dict: Dictionary, content: &str) -> ObjectId {
            self.doc
                .add_object(Stream::new(dict, content.as_bytes().to_vec()))
        }

        /// An appearance (form XObject) of `w` x `h` points.
        fn appearance(&mut self, w: f32, h: f32, content: &str) -> ObjectId {
            let bbox: Vec<Object> = vec![0.into(), 0.into(), w.into(), h.into()];
            self.stream(
                dictionary! { "Type" => "XObject", "Subtype" => "Form", "BBox" => bbox },
                content,
            )
        }

        fn annot(&mut self, mut d: Dictionary) -> ObjectId {
            d.set("Type", "Annot");
            d.set("P", self.page);
            let id = self.doc.add_object(d);
            self.annots.push(id.into());
            id
        }

        fn field(&mut self, id: ObjectId) {
            self.fields.push(id.into());
        }

        fn xobject(&mut self, name: &str, id: ObjectId) {
            self.xobjects.set(name, id);
        }

        fn finish(mut self, content: &str) -> Document {
            let contents = self.stream(Dictionary::new(), content);
            let f1 = self.doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            });
            let f2 = self.doc.add_object(dictionary! {
                "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "ZapfDingbats",
            });
            let pages = self.doc.new_object_id();
            let mediabox: Vec<Object> = vec![0.into(), 0.into(), 612.into(), 792.into()];
            let page = dictionary! {
                "Type" => "Page",
                "Parent" => pages,
                "MediaBox" => mediabox,
                "Contents" => contents,
                "Resources" => dictionary! {
                    "Font" => dictionary! { "F1" => f1, "F2" => f2 },
                    "XObject" => self.xobjects.clone(),
                },
                "Annots" => self.annots.clone(),
            };
            self.doc.objects.insert(self.page, page.into());
            self.doc.objects.insert(
                pages,
                dictionary! { "Type" => "Pages", "Kids" => vec![self.page.into()], "Count" => 1 }
                    .into(),
            );
            let acroform = self
                .doc
                .add_object(dictionary! { "Fields" => self.fields.clone() });
            let catalog = self.doc.add_object(dictionary! {
                "Type" => "Catalog", "Pages" => pages, "AcroForm" => acroform,
            });
            self.doc.trailer.set("Root", catalog);
            self.doc
        }
    }

    fn rect(v: [f32; 4]) -> Object {
        Object::Array(v.iter().map(|&x| x.into()).collect())
    }

    fn text(s: &str) -> Object {
        Object::string_literal(s)
    }

    fn lines_of(doc: &Document) -> Vec<String> {
        field_lines(doc).remove(&1).unwrap_or_default()
    }

    /// A check box widget at `r` whose appearance states are `on` and `Off`.
    fn check_box(b: &mut Build, name: &str, r: [f32; 4], on: &str, state: &str) -> ObjectId {
        let on_ap = b.appearance(8.0, 8.0, "0 g 1 1 6 6 re f");
        let off_ap = b.appearance(8.0, 8.0, "");
        let mut n = Dictionary::new();
        n.set(on, on_ap);
        n.set("Off", off_ap);
        let id = b.annot(dictionary! {
            "Subtype" => "Widget", "FT" => "Btn", "T" => text(name), "Rect" => rect(r),
            "AP" => dictionary! { "N" => n }, "AS" => Object::Name(state.as_bytes().to_vec()),
            "V" => Object::Name(state.as_bytes().to_vec()),
        });
        b.field(id);
        id
    }

    #[test]
    fn check_boxes_read_as_their_printed_option() {
        let mut b = Build::new();
        check_box(
            &mut b,
            "Check Box1",
            [72.0, 648.0, 80.0, 656.0],
            "Yes",
            "Yes",
        );
        check_box(
            &mut b,
            "Check Box2",
            [72.0, 628.0, 80.0, 636.0],
            "Yes",
            "Off",
        );
        // Named for what it is, drawn with no printed label: its name.
        check_box(
            &mut b,
            "Infliximab",
            [300.0, 500.0, 308.0, 508.0],
            "On",
            "On",
        );
        let doc = b.finish(
            "BT /F1 10 Tf 72 670 Td (Medications tried:) Tj ET \
             BT /F1 10 Tf 84 649 Td (Methotrexate) Tj ET \
             BT /F1 10 Tf 84 629 Td (Adalimumab) Tj ET",
        );
        let lines = lines_of(&doc);
        assert_eq!(
            lines,
            vec!["Medications tried: Methotrexate", "[X] Infliximab"],
            "an unchecked box writes nothing"
        );
    }

    /// A radio group at height `y`: one button per (appearance state, on
    /// state), the group's own entries in `group`.
    fn radio(b: &mut Build, y: f32, buttons: &[(&str, &str)], mut group: Dictionary) {
        let id = b.doc.new_object_id();
        let mut kids = Vec::new();
        for (i, (state, on)) in buttons.iter().enumerate() {
            let on_ap = b.appearance(8.0, 8.0, "0 g 2 2 4 4 re f");
            let off_ap = b.appearance(8.0, 8.0, "");
            let x = 200.0 + 40.0 * i as f32;
            kids.push(Object::Reference(b.annot(dictionary! {
                "Subtype" => "Widget", "Parent" => id, "Rect" => rect([x, y, x + 8.0, y + 8.0]),
                "AP" => dictionary! { "N" => dictionary! { *on => on_ap, "Off" => off_ap } },
                "AS" => Object::Name(state.as_bytes().to_vec()),
            })));
        }
        group.set("FT", "Btn");
        group.set("Ff", 1 << 15);
        group.set("Kids", kids);
        b.doc.objects.insert(id, group.into());
        b.field(id);
    }

    #[test]
    fn radio_groups_give_the_chosen_option() {
        let mut b = Build::new();
        radio(
            &mut b,
            700.0,
            &[("Off", "Yes"), ("No", "No")],
            dictionary! {
                "T" => text("PriorTherapy"), "TU" => text("Prior therapy tried"), "V" => "No",
            },
        );
        // Export values that are indexes: /Opt says what they stand for.
        radio(
            &mut b,
            600.0,
            &[("Off", "0"), ("1", "1")],
            dictionary! {
                "T" => text("Route"), "V" => "1",
                "Opt" => vec![text("Oral"), text("Subcutaneous")],
            },
        );
        let doc = b.finish("");
        assert_eq!(
            lines_of(&doc),
            vec!["Prior therapy tried: No", "Route: Subcutaneous"]
        );
    }

    #[test]
    fn text_and_choice_fields_read_with_a_readable_label() {
        let mut b = Build::new();
        let t = b.annot(dictionary! {
            "Subtype" => "Widget", "FT" => "Tx", "T" => text("Text7"), "TU" => text("Diagnosis"),
            "V" => text("M05.79"), "Rect" => rect([150.0, 700.0, 300.0, 714.0]),
        });
        b.field(t);
        // No tooltip either: the printed label left of it.
        let t = b.annot(dictionary! {
            "Subtype" => "Widget", "FT" => "Tx", "T" => text("undefined_2"),
            "V" => text("Dr. Ana Ruiz"), "Rect" => rect([150.0, 650.0, 300.0, 664.0]),
        });
        b.field(t);
        let c = b.annot(dictionary! {
            "Subtype" => "Widget", "FT" => "Ch", "T" => text("Frequency"), "V" => text("q2w"),
            "Opt" => vec![
                Object::Array(vec![text("qw"), text("Every week")]),
                Object::Array(vec![text("q2w"), text("Every 2 weeks")]),
            ],
            "Rect" => rect([150.0, 600.0, 300.0, 614.0]),
        });
        b.field(c);
        let doc = b.finish("BT /F1 10 Tf 72 653 Td (Prescriber:) Tj ET");
        assert_eq!(
            lines_of(&doc),
            vec![
                "Diagnosis: M05.79",
                "Prescriber: Dr. Ana Ruiz",
                "Frequency: Every 2 weeks"
            ]
        );
    }

    #[test]
    fn a_button_whose_state_and_value_disagree_is_left_out() {
        let mut b = Build::new();
        let id = check_box(
            &mut b,
            "Biologic naive",
            [72.0, 648.0, 80.0, 656.0],
            "Yes",
            "Yes",
        );
        if let Ok(Object::Dictionary(d)) = b.doc.get_object_mut(id) {
            d.set("V", "Off");
        }
        let doc = b.finish("");
        assert!(lines_of(&doc).is_empty());
    }

    #[test]
    fn free_text_annotations_are_read_with_their_printed_label() {
        let mut b = Build::new();
        b.annot(dictionary! {
            "Subtype" => "FreeText", "Rect" => rect([140.0, 696.0, 320.0, 712.0]),
            "Contents" => text("Rheumatoid arthritis"), "DA" => text("/Helv 10 Tf 0 g"),
        });
        // Rich text only: stripped to plain text; the label sits above it.
        b.annot(dictionary! {
            "Subtype" => "FreeText", "Rect" => rect([72.0, 600.0, 400.0, 640.0]),
            "RC" => text("<body><p>Failed <b>methotrexate</b> after 12&#160;weeks</p></body>"),
        });
        // Hidden: not shown, not read.
        b.annot(dictionary! {
            "Subtype" => "FreeText", "Rect" => rect([72.0, 500.0, 200.0, 512.0]),
            "Contents" => text("draft text"), "F" => 2,
        });
        // A reviewer's sticky note.
        b.annot(dictionary! {
            "Subtype" => "Text", "Rect" => rect([500.0, 400.0, 520.0, 420.0]),
            "Contents" => text("Labs attached"),
        });
        let doc = b.finish(
            "BT /F1 10 Tf 72 700 Td (Diagnosis:) Tj ET \
             BT /F1 10 Tf 72 648 Td (Prior treatments:) Tj ET",
        );
        assert_eq!(
            lines_of(&doc),
            vec![
                "Diagnosis: Rheumatoid arthritis",
                "Prior treatments: Failed methotrexate after 12 weeks",
                "Comment: Labs attached",
            ]
        );
    }

    /// A question with printed Yes and No boxes (`re S`).
    const YES_NO: &str = "BT /F1 10 Tf 72 600 Td (Tried methotrexate?) Tj ET \
        0 G 200 598 8 8 re S BT /F1 10 Tf 211 599 Td (Yes) Tj ET \
        240 598 8 8 re S BT /F1 10 Tf 251 599 Td (No) Tj ET";

    /// A hand-drawn tick as an annotation appearance (`g` is its colour).
    fn tick(b: &mut Build, r: [f32; 4], gray: &str) {
        let ap = b.appearance(
            14.0,
            14.0,
            &format!("{gray} g 1 6 m 5 1 l 13 13 l 12 14 l 5 4 l 2 7 l h f"),
        );
        b.annot(dictionary! {
            "Subtype" => "Stamp", "Rect" => rect(r), "AP" => dictionary! { "N" => ap },
        });
    }

    /// The answers of the Yes/No question with these ticks (rectangle, gray
    /// level), painted in this order.
    fn ticked(ticks: &[([f32; 4], &str)]) -> Vec<String> {
        let mut b = Build::new();
        for (r, gray) in ticks {
            tick(&mut b, *r, gray);
        }
        lines_of(&b.finish(YES_NO))
    }

    const ON_YES: [f32; 4] = [198.0, 596.0, 212.0, 610.0];
    const ON_NO: [f32; 4] = [238.0, 596.0, 252.0, 610.0];

    #[test]
    fn a_stamp_on_a_printed_box_checks_it() {
        assert_eq!(ticked(&[(ON_NO, "0")]), vec!["Tried methotrexate? No"]);
    }

    #[test]
    fn a_mark_painted_over_in_white_is_rubbed_out() {
        assert_eq!(
            ticked(&[(ON_YES, "0"), (ON_YES, "1"), (ON_NO, "0")]),
            vec!["Tried methotrexate? No"]
        );
        // White first, then ink: the ink stands.
        assert_eq!(
            ticked(&[(ON_YES, "1"), (ON_YES, "0")]),
            vec!["Tried methotrexate? Yes"]
        );
    }

    #[test]
    fn contradictory_or_ambiguous_marks_write_nothing() {
        // Yes and No both ticked.
        assert!(ticked(&[(ON_YES, "0"), (ON_NO, "0")]).is_empty());
        // A mark on no box at all.
        assert!(ticked(&[([400.0, 596.0, 414.0, 610.0], "0")]).is_empty());
        // A faint (highlighter) tint is no mark.
        assert!(ticked(&[(ON_NO, "0.8")]).is_empty());
        // One stroke across both boxes alike (an Ink without appearance).
        let mut b = Build::new();
        b.annot(dictionary! {
            "Subtype" => "Ink", "Rect" => rect([203.0, 597.0, 245.0, 607.0]),
            "C" => vec![0.into(), 0.into(), 0.into()],
        });
        assert!(lines_of(&b.finish(YES_NO)).is_empty());
    }

    #[test]
    fn a_flattened_tick_in_the_page_content_checks_its_box() {
        let mut b = Build::new();
        let fm = b.stream(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "BBox" => rect([0.0, 0.0, 14.0, 14.0]),
            },
            "0 g 1 6 m 5 1 l 13 13 l 12 14 l 5 4 l 2 7 l h f",
        );
        b.xobject("Fm1", fm);
        let doc = b.finish(&format!("{YES_NO} q 1 0 0 1 198 596 cm /Fm1 Do Q"));
        assert_eq!(lines_of(&doc), vec!["Tried methotrexate? Yes"]);
    }

    #[test]
    fn dingbat_boxes_and_typed_checks_are_read() {
        let mut b = Build::new();
        // Something on the page makes it worth reading: a typed "X" on a box.
        b.annot(dictionary! {
            "Subtype" => "FreeText", "Rect" => rect([239.0, 556.0, 249.0, 568.0]),
            "Contents" => text("X"),
        });
        // Options under a heading, labels right of ZapfDingbats boxes; a ✔
        // (ZapfDingbats `4`) printed on the first one.
        let doc = b.finish(
            "BT /F1 10 Tf 72 640 Td (Where will the drug be given?) Tj ET \
             BT /F2 10 Tf 72 620 Td (o) Tj ET BT /F1 10 Tf 84 620 Td (Infusion center) Tj ET \
             BT /F2 10 Tf 72 620 Td (4) Tj ET \
             BT /F2 10 Tf 72 606 Td (o) Tj ET BT /F1 10 Tf 84 606 Td (Home) Tj ET \
             BT /F1 10 Tf 72 560 Td (Urgent?) Tj ET \
             240 558 8 8 re S BT /F1 10 Tf 251 559 Td (Yes) Tj ET",
        );
        assert_eq!(
            lines_of(&doc),
            vec![
                "Where will the drug be given? Infusion center",
                "Urgent? Yes"
            ]
        );
    }

    #[test]
    fn option_labels_are_tidied() {
        assert_eq!(
            tidy_option("Urgent (In checking this box, I attest that"),
            "Urgent"
        );
        assert_eq!(tidy_option("No)"), "No");
        assert_eq!(tidy_option("Ph- (negative)"), "Ph- (negative)");
        assert!(weak_label("if"));
        assert!(!weak_label("Home infusion"));
        assert!(generic_name("Check Box12") && generic_name("undefined_3"));
        assert!(!generic_name("Patient Name"));
        assert!(bare_answer("No") && !bare_answer("Methotrexate"));
    }

    /// Dump what the forms named in `FORMS_DUMP` (colon-separated) yield.
    #[test]
    #[ignore]
    fn dump() {
        let Ok(paths) = std::env::var("FORMS_DUMP") else {
            return;
        };
        for p in paths.split(':') {
            let doc = Document::load(p).unwrap();
            let t = std::time::Instant::now();
            let lines = field_lines(&doc);
            println!(
                "time {} us, {} pages",
                t.elapsed().as_micros(),
                doc.get_pages().len()
            );
            let mut pages: Vec<_> = lines.into_iter().collect();
            pages.sort();
            println!("== {p}");
            for (n, ls) in pages {
                for l in ls {
                    println!("  p{n}: {l}");
                }
            }
        }
    }
}
