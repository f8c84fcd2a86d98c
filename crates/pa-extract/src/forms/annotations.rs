//! Annotations on a page: FreeText and comment texts, annotations that are
//! check marks (a stamp, ink, a line or a square drawn on a printed box),
//! and whether a page has small XObjects that may be a flattened tick.

use super::*;

pub(super) struct TextItem {
    pub(super) rect: Rect,
    pub(super) text: String,
    pub(super) comment: bool,
}

#[derive(Default)]
pub(super) struct PageAnnots {
    pub(super) texts: Vec<TextItem>,
    /// Marks from annotations, in /Annots order (sequence numbers set later).
    pub(super) marks: Vec<Ink>,
}

fn is_check_text(s: &str) -> bool {
    matches!(
        s,
        "X" | "x" | "✓" | "✔" | "✗" | "✘" | "√" | "✕" | "✖" | "☒" | "☑"
    )
}

pub(super) fn page_annotations(doc: &Document, page_id: ObjectId, rot: &Rotation) -> PageAnnots {
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
pub(super) fn has_small_xobjects(doc: &Document, page_id: ObjectId) -> bool {
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
