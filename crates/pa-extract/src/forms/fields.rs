//! AcroForm fields: the field tree walked with inherited attributes, and
//! each field's answer lines (text and choice values, check boxes and radio
//! groups by their appearance state), labelled by name, tooltip or the
//! printed text next to the widget.

use super::*;

pub(super) struct Widget<'a> {
    pub(super) id: Option<ObjectId>,
    pub(super) dict: &'a Dictionary,
}

pub(super) struct WidgetBox {
    pub(super) field: usize,
    pub(super) widget: usize,
    pub(super) rect: Option<Rect>,
    pub(super) button: bool,
}

/// A field's widgets on one page (index among the field's widgets, rectangle
/// in display space), and the page's layout when it was read.
pub(super) struct OnPage<'p> {
    pub(super) boxes: &'p [(usize, Option<Rect>)],
    pub(super) layout: Option<&'p Layout>,
}

pub(super) struct Field<'a> {
    /// Full dotted `/T` name.
    pub(super) name: String,
    pub(super) tooltip: Option<String>,
    pub(super) ft: Option<&'a [u8]>,
    pub(super) flags: i64,
    pub(super) value: Option<&'a Object>,
    pub(super) opt: Option<&'a Vec<Object>>,
    pub(super) widgets: Vec<Widget<'a>>,
}

pub(super) fn collect_fields(doc: &Document) -> Vec<Field<'_>> {
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
pub(super) struct Inherited<'a> {
    pub(super) name: String,
    pub(super) ft: Option<&'a [u8]>,
    pub(super) flags: Option<i64>,
    pub(super) value: Option<&'a Object>,
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
pub(super) fn generic_name(name: &str) -> bool {
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
pub(super) fn yes_no(s: &str) -> Option<bool> {
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
pub(super) fn bare_answer(s: &str) -> bool {
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
pub(super) fn answer_line(question: Option<&str>, option: &str) -> Option<String> {
    match question {
        Some(q) => Some(join_label(Some(q), option)),
        None if bare_answer(option) => None,
        None => Some(format!("[X] {option}")),
    }
}

impl<'a> Field<'a> {
    pub(super) fn is_toggle(&self) -> bool {
        self.ft == Some(b"Btn") && self.flags & (1 << 16) == 0
    }

    /// The name to show for a text or choice field, `None` when it is generic.
    pub(super) fn display_name(&self) -> Option<String> {
        let last = self.name.rsplit('.').next().unwrap_or(&self.name);
        if generic_name(last) {
            return None;
        }
        let n = readable_name(&self.name);
        (!n.is_empty()).then_some(n)
    }

    /// The answer lines of this field on a page.
    pub(super) fn lines(
        &self,
        doc: &Document,
        page: &OnPage,
        answered: &mut Vec<usize>,
    ) -> Vec<String> {
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
    pub(super) fn value_text(&self, doc: &Document, v: &Object) -> Option<String> {
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
    pub(super) fn choice_display(&self, doc: &Document, value: &str) -> String {
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
    pub(super) fn button_lines(
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
