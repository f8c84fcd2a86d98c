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
//!
//! The files: this one reads a document's answers page by page
//! ([`field_lines`]); [`fields`] the AcroForm fields, [`annotations`] the
//! annotations, [`content`] interprets a page's content (with [`fonts`]),
//! [`layout`] places its words and boxes and finds the labels and questions
//! of boxes and marks; [`geometry`] and [`objects`] are shared helpers.

use std::collections::HashMap;

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Encoding, Object, ObjectId, Stream};

mod annotations;
mod content;
mod fields;
mod fonts;
mod geometry;
mod layout;
mod objects;

use annotations::*;
use content::*;
use fields::*;
use fonts::*;
use geometry::*;
use layout::*;
use objects::*;

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

#[cfg(test)]
mod tests;
