//! Tests of the form reading, on PDFs built in memory.

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
