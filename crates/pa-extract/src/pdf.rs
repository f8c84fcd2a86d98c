//! PDF pages: a PDF's bytes -> one [`RawPage`] per page, read in-process
//! (the worker process calls this too).
//!
//! The document is opened once with lopdf under the load limits; each page's
//! content is read under the decompression limit, then read by two readers:
//! pdf-extract through our glyph-position layout ([`crate::layout`]) first,
//! and lopdf's own extractor when the first read it short or found nothing.
//! Each read is checked against the character codes the content stream shows
//! ([`crate::text_check`]). Filled form answers ([`crate::forms`]) are
//! attached to their pages last. Every library call runs under `catch_unwind`.

use std::panic::{catch_unwind, AssertUnwindSafe};

use lopdf::{Document, ObjectId};
use pa_types::{Extractor, QuarantineReason};

use crate::layout::Rerun;
use crate::{forms, layout, text_check, ExtractOptions, Failure, RawPage};

/// A box in page space: (x0, y0, x1, y1).
type Bbox = (f64, f64, f64, f64);

/// Read every page of a PDF, or say why the document is quarantined.
pub(crate) fn pdf_pages(bytes: &[u8], opts: &ExtractOptions) -> Result<Vec<RawPage>, Failure> {
    let doc = open(bytes, opts)?;
    let page_ids = doc.get_pages();
    let n = page_ids.len() as u32;
    check_page_count(&doc, n, opts)?;

    // One parse: pdf-extract (vendored, on lopdf 0.47) walks the document lopdf
    // opened under the load limits.
    let mut pages = Vec::with_capacity(n as usize);
    let mut panics = 0u32;
    for (&number, &page_id) in &page_ids {
        pages.push(read_page(&doc, number, page_id, opts, &mut panics)?);
    }
    attach_form_lines(&doc, &mut pages);
    if panics > 0 {
        tracing::debug!(pages = n, panics, "pdf library panics contained");
    }
    Ok(pages)
}

/// Open a PDF with lopdf under the load limits: a file without a `%PDF`
/// header, one lopdf cannot parse, or one the empty password does not open is
/// refused.
fn open(bytes: &[u8], opts: &ExtractOptions) -> Result<Document, Failure> {
    if !bytes.starts_with(b"%PDF")
        && !bytes[..bytes.len().min(1024)]
            .windows(5)
            .any(|w| w == b"%PDF-")
    {
        return Err((
            QuarantineReason::Malformed,
            "not a PDF file (no %PDF header)".into(),
        ));
    }
    let load_opts = lopdf::LoadOptions {
        max_decompressed_size: Some(opts.max_decompressed_bytes),
        ..Default::default()
    };
    let doc = catch_unwind(AssertUnwindSafe(|| {
        Document::load_mem_with_options(bytes, load_opts)
    }))
    .map_err(|_| {
        (
            QuarantineReason::Panic,
            "the PDF parser panicked while opening the file".to_string(),
        )
    })?
    .map_err(|e| classify_lopdf_error(&e))?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err((
            QuarantineReason::Encrypted,
            "encrypted PDF and the empty password does not open it".into(),
        ));
    }
    Ok(doc)
}

/// A document of no readable page (encrypted, or damaged), or of more pages
/// than the limit, is refused.
fn check_page_count(doc: &Document, n: u32, opts: &ExtractOptions) -> Result<(), Failure> {
    if n == 0 {
        return Err(if doc.is_encrypted() {
            (
                QuarantineReason::Encrypted,
                "encrypted PDF: no page is readable without a password".into(),
            )
        } else {
            (
                QuarantineReason::Malformed,
                "no readable pages: a damaged or truncated PDF".into(),
            )
        });
    }
    if n > opts.max_pages {
        return Err((
            QuarantineReason::TooLarge,
            format!("{n} pages, over the limit of {}", opts.max_pages),
        ));
    }
    Ok(())
}

/// Read one page: its content under the limits, then the first reader, then
/// the second one when the first read the page short or found no text.
/// `panics` counts the library panics contained.
fn read_page(
    doc: &Document,
    number: u32,
    page_id: ObjectId,
    opts: &ExtractOptions,
    panics: &mut u32,
) -> Result<RawPage, Failure> {
    let content = page_content(doc, number, page_id, opts)?;
    // A scanned page has no text to find; pdf-extract would still inflate
    // its image (hundreds of milliseconds for a large scan).
    let has_text =
        catch_unwind(AssertUnwindSafe(|| may_show_text(doc, page_id, &content))).unwrap_or(true);
    if !has_text {
        return Ok(RawPage::default());
    }
    let codes = catch_unwind(AssertUnwindSafe(|| {
        text_check::shown_codes(doc, page_id, &content)
    }))
    .ok()
    .flatten();
    let primary = first_reader(doc, number, page_id, content, opts, panics);
    // Text nobody can see was found: only the first reader tells visible from
    // hidden, so the second one (which would bring hidden text back) is not asked.
    let saw_hidden = primary.as_ref().is_some_and(|p| p.1.hidden > 0);
    let page = first_page(primary, codes);
    if !saw_hidden && (page.partial_text || page.text.is_empty()) {
        return Ok(second_reader(doc, number, page, codes, panics));
    }
    Ok(page)
}

/// The page's content streams, read once, under the decompression limit:
/// a page over it is a bomb, and the document is quarantined.
fn page_content(
    doc: &Document,
    number: u32,
    page_id: ObjectId,
    opts: &ExtractOptions,
) -> Result<Vec<u8>, Failure> {
    catch_unwind(AssertUnwindSafe(|| {
        doc.get_page_content_with_limit(page_id, opts.max_decompressed_bytes)
    }))
    .map_err(|_| {
        (
            QuarantineReason::Panic,
            "the PDF parser panicked while reading a page".to_string(),
        )
    })?
    .map_err(|e| {
        (
            QuarantineReason::TooLarge,
            format!("page {number}: its content cannot be read within the limits: {e}"),
        )
    })
}

/// The first reader: pdf-extract through our layout, with the page's crop box.
/// `None` when it failed or panicked (a panic is counted in `panics`).
fn first_reader(
    doc: &Document,
    number: u32,
    page_id: ObjectId,
    content: Vec<u8>,
    opts: &ExtractOptions,
    panics: &mut u32,
) -> Option<(String, Seen)> {
    let crop = crop_box(doc, page_id);
    let mut primary = layout_pass(doc, number, page_id, content, crop, Rerun::default());
    // Glyphs decided before what was painted after them was known (invisible
    // text under an image painted after it: the scan's OCR layer; visible text
    // that an opaque image or box painted after it covers: hidden): a second
    // pass that knows.
    if let Ok(Some((_, _, Some(rerun)))) = &primary {
        if let Ok(content) = doc.get_page_content_with_limit(page_id, opts.max_decompressed_bytes) {
            primary = layout_pass(doc, number, page_id, content, crop, rerun.clone());
        }
    }
    primary
        .map(|p| p.map(|(s, seen, _)| (s, seen)))
        .unwrap_or_else(|_| {
            *panics += 1;
            None
        })
}

/// One pass of pdf-extract over a page's content into our layout, knowing what
/// an earlier pass learnt (`known`): the text, what was seen, and what a second
/// pass should know, when one is needed. `Ok(None)` when pdf-extract failed,
/// `Err` when it panicked.
fn layout_pass(
    doc: &Document,
    number: u32,
    page_id: ObjectId,
    content: Vec<u8>,
    crop: Option<Bbox>,
    known: Rerun,
) -> std::thread::Result<Option<(String, Seen, Option<Rerun>)>> {
    catch_unwind(AssertUnwindSafe(|| {
        let mut s = String::new();
        let mut output = layout::PageText::new(&mut s)
            .with_crop_box(crop)
            .with_rerun(known);
        let ok = pdf_extract::output_page_with_content(doc, &mut output, number, page_id, content)
            .is_ok();
        let seen = Seen {
            shown: output.shown,
            hidden: output.hidden_chars,
            ocr: output.ocr_chars,
            visible: output.visible_chars,
        };
        let rerun = output.rerun();
        ok.then_some((s, seen, rerun))
    }))
}

/// The page as the first reader got it; with no text, a page whose content
/// shows enough character codes is marked read short.
fn first_page(primary: Option<(String, Seen)>, codes: Option<u64>) -> RawPage {
    match primary {
        Some((text, seen)) if text.chars().any(|c| c.is_alphanumeric()) || seen.hidden > 0 => {
            RawPage {
                partial_text: text_check::is_partial(seen.shown, codes),
                text,
                // A page whose text is mostly an invisible layer over its image
                // is a searchable scan.
                extractor: if seen.ocr > seen.visible {
                    Extractor::OcrLayer
                } else {
                    Extractor::PdfExtract
                },
                form_lines: Vec::new(),
                hidden_chars: seen.hidden.min(u32::MAX as u64) as u32,
            }
        }
        _ => RawPage {
            partial_text: codes.is_some_and(|c| c >= text_check::MIN_CODES),
            ..RawPage::default()
        },
    }
}

/// The second reader, lopdf's own extractor: keep whichever got more.
fn second_reader(
    doc: &Document,
    number: u32,
    page: RawPage,
    codes: Option<u64>,
    panics: &mut u32,
) -> RawPage {
    let alt = catch_unwind(AssertUnwindSafe(|| {
        doc.extract_text(&[number]).unwrap_or_default()
    }))
    .unwrap_or_else(|_| {
        *panics += 1;
        String::new()
    });
    let count = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
    if alt.chars().any(|c| c.is_alphanumeric()) && count(&alt) > count(&page.text) {
        return RawPage {
            partial_text: text_check::is_partial(alt.chars().count() as u64, codes),
            text: alt,
            extractor: Extractor::Lopdf,
            ..RawPage::default()
        };
    }
    page
}

/// Filled form fields go after the page's own text, so its offsets stay put:
/// here they are only attached to their pages.
fn attach_form_lines(doc: &Document, pages: &mut [RawPage]) {
    let fields = catch_unwind(AssertUnwindSafe(|| forms::field_lines(doc))).unwrap_or_default();
    for (number, lines) in fields {
        if let Some(page) = pages.get_mut(number as usize - 1) {
            page.form_lines = lines;
        }
    }
}

/// What the layout pass saw on one page (counts of character codes and glyphs).
struct Seen {
    shown: u64,
    hidden: u64,
    ocr: u64,
    visible: u64,
}

/// The page's crop box (inherited like the media box), if it has one.
fn crop_box(doc: &Document, page_id: ObjectId) -> Option<Bbox> {
    let mut id = page_id;
    for _ in 0..32 {
        let dict = doc.get_dictionary(id).ok()?;
        if let Ok(b) = dict.get(b"CropBox") {
            let b = match b {
                lopdf::Object::Reference(r) => doc.get_object(*r).ok()?,
                o => o,
            };
            let v: Vec<f64> = b
                .as_array()
                .ok()?
                .iter()
                .filter_map(|x| x.as_float().ok().map(f64::from))
                .collect();
            return (v.len() == 4).then(|| (v[0], v[1], v[2], v[3]));
        }
        id = dict.get(b"Parent").ok()?.as_reference().ok()?;
    }
    None
}

/// Whether a page can show text: its content streams have a text object
/// (`BT`), or it draws an XObject that is not an image (a form may hold text).
/// Errs on the side of `true`: only a page made of images and paths is skipped.
pub(crate) fn may_show_text(doc: &Document, page_id: ObjectId, content: &[u8]) -> bool {
    if content.windows(2).any(|w| w == b"BT") {
        return true;
    }
    let Ok((direct, ids)) = doc.get_page_resources(page_id) else {
        return true;
    };
    let dicts = direct
        .into_iter()
        .chain(ids.iter().filter_map(|&id| doc.get_dictionary(id).ok()));
    for resources in dicts {
        let xobjects = match resources.get(b"XObject") {
            Ok(lopdf::Object::Dictionary(d)) => Some(d),
            Ok(lopdf::Object::Reference(id)) => doc.get_dictionary(*id).ok(),
            Ok(_) => return true,
            Err(_) => None,
        };
        for (_, x) in xobjects.into_iter().flat_map(|d| d.iter()) {
            let stream = match x {
                lopdf::Object::Reference(id) => {
                    doc.get_object(*id).and_then(lopdf::Object::as_stream)
                }
                other => other.as_stream(),
            };
            let image = stream
                .ok()
                .and_then(|s| s.dict.get(b"Subtype").ok())
                .and_then(|t| t.as_name().ok())
                .is_some_and(|t| t == b"Image");
            if !image {
                return true;
            }
        }
    }
    false
}

fn classify_lopdf_error(e: &lopdf::Error) -> Failure {
    let msg = e.to_string();
    let lower = msg.to_lowercase();
    if lower.contains("decrypt") || lower.contains("encrypt") || lower.contains("password") {
        (QuarantineReason::Encrypted, format!("encrypted PDF: {msg}"))
    } else if lower.contains("limit") {
        (
            QuarantineReason::TooLarge,
            format!("PDF exceeds a load limit: {msg}"),
        )
    } else {
        (
            QuarantineReason::Malformed,
            format!("cannot parse PDF: {msg}"),
        )
    }
}
