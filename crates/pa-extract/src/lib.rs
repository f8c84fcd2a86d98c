//! Extract: a staged document -> per-page normalized text ([`ExtractedDoc`]).
//!
//! PDFs are opened once, with lopdf 0.47 under load limits (decompression bomb
//! cap, page-count cap), to count pages, detect encryption and reject malformed
//! files; the text of each page then comes from pdf-extract (vendored in
//! `vendor/pdf-extract`, patched, on the same lopdf document) through our own
//! glyph-position layout ([`layout`]). Each page's text is checked against an
//! independent count of the character codes its content stream shows
//! ([`text_check`]); a page read short gets lopdf's own extractor as a second
//! reader, then OCR, and is marked `partial_text` when neither makes up for it.
//! Both
//! libraries may panic on hostile input: every call runs under `catch_unwind`
//! and a panic becomes a quarantine reason, never a dead run. Aborts, stack
//! overflows, runaway loops and memory blow-ups are contained by running the
//! parse in a worker process ([`worker`]).
//!
//! The normalized page text ([`normalize`]) is the one reference for every
//! offset downstream.
#![warn(missing_docs)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use pa_types::{DocStatus, ExtractedDoc, Extractor, Page, QuarantineReason, StagedDoc, TextSource};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

mod clean;
mod forms;
mod kind;
mod layout;
pub mod ocr;
mod text_check;
pub mod worker;

pub use clean::{fax_banner_time, mark_near_duplicates, BannerTime};
pub use kind::classify;
pub use ocr::OcrOptions;
pub use worker::{serve, worker_main, Isolation, WorkerOutput};

/// Extraction limits.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Below this many alphanumerics a page has no usable text layer.
    pub min_chars_per_page: usize,
    /// Page cap (PDFs, text files split on form feeds, multi-page images).
    pub max_pages: u32,
    /// Characters per page at most; a longer page makes its document `too_large`.
    pub max_page_chars: usize,
    /// lopdf decompression limit per stream.
    pub max_decompressed_bytes: usize,
    /// Parse PDFs in a worker process under limits; `None` parses in-process.
    pub isolation: Option<Isolation>,
    /// OCR for pages without a text layer.
    pub ocr: OcrOptions,
}

/// Install a panic hook that reports where a panic happened but never its
/// message: PDF library panic messages can carry document bytes (PHI).
pub fn install_quiet_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::debug!(location = %at, "panic caught (message withheld)");
    }));
}

/// Extract one document. Never panics and never fails: problems become a
/// quarantined document with a reason.
pub fn extract(staged: StagedDoc, opts: &ExtractOptions) -> ExtractedDoc {
    let mut out = ExtractedDoc {
        kind: classify(&staged.file_name, &[]),
        status: staged.status,
        reason: staged.reason.clone(),
        text_source: TextSource::None,
        n_pages: 0,
        pages: Vec::new(),
        staged,
    };
    if out.status != DocStatus::Ok {
        return out;
    }
    let lower = out.staged.file_name.to_lowercase();
    let is_pdf = lower.ends_with(".pdf");
    let is_image = IMAGE_EXTENSIONS
        .iter()
        .any(|e| lower.rsplit_once('.').is_some_and(|(_, x)| x == *e));
    if is_image {
        return extract_image(out, opts);
    }
    let raw_pages = if is_pdf {
        match &opts.isolation {
            Some(iso) => worker::pdf_pages_isolated(&out.staged.path, opts, iso),
            None => read_regular(&out.staged.path).and_then(|bytes| pdf_pages(&bytes, opts)),
        }
    } else {
        read_regular(&out.staged.path).and_then(|b| {
            Ok(text_pages(&b, opts)?
                .into_iter()
                .map(|text| RawPage {
                    text,
                    extractor: Extractor::Plain,
                    ..RawPage::default()
                })
                .collect::<Vec<_>>())
        })
    };
    let raw_pages = match raw_pages.and_then(|p| check_page_chars(p, opts.max_page_chars)) {
        Ok(p) => p,
        Err((reason, message)) => return quarantine(out, reason, message),
    };
    out.n_pages = raw_pages.len() as u32;
    let pages: Vec<(Page, bool)> = raw_pages
        .into_iter()
        .enumerate()
        .collect::<Vec<_>>()
        // Pages are OCR'd in parallel: a 20-page fax must not run on one core.
        .into_par_iter()
        .map(|(i, raw)| {
            let number = i as u32 + 1;
            let text = normalize(&raw.text);
            let mut page = Page {
                number,
                text: String::new(),
                source: TextSource::None,
                ocr_confidence: None,
                low_confidence_words: Vec::new(),
                boilerplate: Vec::new(),
                extractor: Extractor::None,
                partial_text: raw.partial_text,
                hidden_chars: raw.hidden_chars,
            };
            let mut missing = false;
            let layer_ok = usable(&text, opts.min_chars_per_page);
            if layer_ok {
                page.text = text;
                page.source = TextSource::Text;
                page.extractor = raw.extractor;
            }
            // A page without a usable text layer, or with a layer read short,
            // goes to OCR; OCR's text replaces a short layer only when it has more.
            if is_pdf && opts.ocr.enabled && (!layer_ok || raw.partial_text) {
                if !ocr::available() {
                    missing = !layer_ok;
                } else if let Some(o) = ocr::ocr_page(&out.staged.path, number, &opts.ocr) {
                    let text = normalize(&o.text);
                    let more = |a: &str, b: &str| {
                        let n = |t: &str| t.chars().filter(|c| c.is_alphanumeric()).count();
                        n(a) > n(b)
                    };
                    if usable(&text, opts.min_chars_per_page) && (!layer_ok || more(&text, &page.text)) {
                        page.text = text;
                        page.source = TextSource::Ocr;
                        page.extractor = Extractor::Tesseract;
                        page.ocr_confidence = Some(o.confidence);
                        page.low_confidence_words = o.low_confidence_words;
                        page.partial_text = false;
                    }
                } else {
                    tracing::warn!(case_id = %out.staged.case_id, doc_id = %out.staged.doc_id, page = number, "OCR failed or timed out");
                }
            }
            // Filled form answers go after the page's own text, so its offsets stay put.
            if !raw.form_lines.is_empty() {
                let own = std::mem::take(&mut page.text);
                let sep = if own.is_empty() { "" } else { "\n\n" };
                page.text = normalize(&format!("{own}{sep}FORM FIELDS\n{}", raw.form_lines.join("\n")));
            }
            (page, missing)
        })
        .collect();
    let ocr_missing = pages.iter().any(|p| p.1);
    out.pages = pages.into_iter().map(|p| p.0).collect();
    let n_text = out
        .pages
        .iter()
        .filter(|p| p.source == TextSource::Text)
        .count();
    let n_ocr = out
        .pages
        .iter()
        .filter(|p| p.source == TextSource::Ocr)
        .count();
    clean::mark_boilerplate(&mut out.pages);
    let texts: Vec<&str> = out.pages.iter().take(4).map(|p| p.text.as_str()).collect();
    out.kind = classify(&out.staged.file_name, &texts);
    let n = out.n_pages;
    if n == 0 {
        return quarantine(out, QuarantineReason::Empty, "document has no pages".into());
    }
    out.text_source = match (n_text, n_ocr) {
        (0, 0) if ocr_missing => {
            return quarantine(
                out,
                QuarantineReason::OcrUnavailable,
                format!(
                "no text layer on any of {n} page(s), and tesseract or pdftoppm is not installed"
            ),
            )
        }
        (0, 0) if opts.ocr.enabled && is_pdf => {
            return quarantine(
                out,
                QuarantineReason::NoTextLayer,
                format!("no text layer on any of {n} page(s), and OCR found no text"),
            )
        }
        (0, 0) => {
            return quarantine(
                out,
                QuarantineReason::NoTextLayer,
                format!(
                    "no text layer on any of {n} page(s): a scan or fax, and OCR is switched off"
                ),
            )
        }
        (_, 0) => TextSource::Text,
        (0, _) => TextSource::Ocr,
        _ => TextSource::Mixed,
    };
    let partial: Vec<String> = out
        .pages
        .iter()
        .filter(|p| p.partial_text)
        .map(|p| p.number.to_string())
        .collect();
    if !partial.is_empty() {
        let how = if opts.ocr.enabled && ocr::available() {
            "OCR did not recover it"
        } else {
            "OCR is not available"
        };
        return quarantine(
            out,
            QuarantineReason::PartialText,
            format!(
                "page(s) {}: the text layer shows markedly more text than could be read from it, and {how}",
                partial.join(", ")
            ),
        );
    }
    out
}

/// Enough text, and text rather than garbage: a page whose font has no usable
/// encoding extracts as private-use or replacement characters, or as Latin
/// letter soup without words; such a page goes to OCR like a scan.
fn usable(text: &str, min_chars: usize) -> bool {
    text.chars().filter(|c| c.is_alphanumeric()).count() >= min_chars && !looks_like_garbage(text)
}

fn looks_like_garbage(text: &str) -> bool {
    let visible: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    if visible.is_empty() {
        return false;
    }
    let junk = visible
        .iter()
        .filter(|&&c| c == '\u{fffd}' || ('\u{e000}'..='\u{f8ff}').contains(&c) || (c.is_control()))
        .count();
    if junk * 10 > visible.len() {
        return true;
    }
    // Only judge words in Latin script: CJK or Arabic text has no vowels to count.
    let latin = visible.iter().filter(|c| c.is_ascii_alphabetic()).count();
    if latin * 2 < visible.len() {
        return false;
    }
    let tokens: Vec<&str> = text
        .split_whitespace()
        .filter(|t| t.chars().count() >= 2)
        .collect();
    if tokens.len() < 10 {
        return false;
    }
    let wordlike = tokens
        .iter()
        .filter(|t| {
            let core: String = t.chars().filter(|c| c.is_alphanumeric()).collect();
            let letters = core.chars().filter(|c| c.is_alphabetic()).count();
            let digits = core.chars().filter(|c| c.is_ascii_digit()).count();
            digits * 2 >= core.chars().count()
                || (letters * 10 >= core.chars().count() * 8
                    && core.chars().any(|c| "aeiouyAEIOUY".contains(c)))
                || (core.chars().all(|c| c.is_uppercase()) && letters <= 5)
        })
        .count();
    wordlike * 10 < tokens.len() * 3
}

fn quarantine(mut doc: ExtractedDoc, reason: QuarantineReason, message: String) -> ExtractedDoc {
    tracing::warn!(
        case_id = %doc.staged.case_id,
        doc_id = %doc.staged.doc_id,
        sha256 = %doc.staged.sha256,
        reason = reason.as_str(),
        "document quarantined"
    );
    doc.status = DocStatus::Quarantined;
    doc.reason = Some((reason, message));
    doc
}

/// Image files read with OCR (tesseract reads them directly).
const IMAGE_EXTENSIONS: &[&str] = &["tif", "tiff", "png", "jpg", "jpeg"];

/// Read a file only if it is a regular file: the open cannot block on a FIFO
/// (`O_NONBLOCK`), a symlink swapped in is refused (`O_NOFOLLOW`; ingest
/// resolved the path), and the type is checked on the open file.
fn read_regular(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let unreadable = |e: std::io::Error| {
        (
            QuarantineReason::Unreadable,
            format!("cannot read file: {e}"),
        )
    };
    let mut f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW)
        .open(path)
        .map_err(unreadable)?;
    if !f.metadata().map_err(unreadable)?.file_type().is_file() {
        return Err((
            QuarantineReason::NotARegularFile,
            "not a regular file: not read".into(),
        ));
    }
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(unreadable)?;
    Ok(bytes)
}

/// A page longer than the limit makes the document `too_large`: chunking and
/// the checks downstream must not meet a page of megabytes.
fn check_page_chars(pages: Vec<RawPage>, max: usize) -> Result<Vec<RawPage>, Failure> {
    for (i, p) in pages.iter().enumerate() {
        // Bytes bound chars from above: count only when the bytes exceed the cap.
        if p.text.len() > max {
            let n = p.text.chars().count();
            if n > max {
                return Err((
                    QuarantineReason::TooLarge,
                    format!(
                        "page {} holds {n} characters, over the limit of {max} (extract.max_page_chars)",
                        i + 1
                    ),
                ));
            }
        }
    }
    Ok(pages)
}

/// A plain-text document: UTF-8 (Latin-1 when not valid UTF-8), pages split on
/// form feeds. Bytes that are not text (a binary file named `.txt`) are
/// refused, and the page limit is checked before any page is built.
fn text_pages(bytes: &[u8], opts: &ExtractOptions) -> Result<Vec<String>, Failure> {
    // Valid UTF-8 is borrowed, not copied: a file of form feeds costs no memory
    // before the page limit refuses it.
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => std::borrow::Cow::Owned(bytes.iter().map(|&b| b as char).collect::<String>()),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if let Some(why) = binary(text) {
        return Err((QuarantineReason::NotText, why));
    }
    let n_pages = text.matches('\u{c}').count() + 1;
    if n_pages > opts.max_pages as usize {
        return Err((
            QuarantineReason::TooLarge,
            format!(
                "{n_pages} pages (form feeds), over the limit of {} (extract.max_pages)",
                opts.max_pages
            ),
        ));
    }
    Ok(text.split('\u{c}').map(str::to_string).collect())
}

/// Why a decoded text file is binary rather than text, if it is: a NUL, or
/// more than 1% control characters other than tab, line breaks and form feed.
fn binary(text: &str) -> Option<String> {
    let mut n = 0usize;
    let mut control = 0usize;
    for c in text.chars() {
        n += 1;
        if c == '\0' {
            return Some("binary content (NUL bytes), not text".into());
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') {
            control += 1;
        }
    }
    (control * 100 > n)
        .then(|| format!("binary content ({control} control characters in {n}), not text"))
}

/// An image file: every frame read with OCR.
fn extract_image(mut out: ExtractedDoc, opts: &ExtractOptions) -> ExtractedDoc {
    if !opts.ocr.enabled {
        return quarantine(
            out,
            QuarantineReason::NoTextLayer,
            "an image: it needs OCR, and OCR is switched off".into(),
        );
    }
    if !ocr::available() {
        return quarantine(
            out,
            QuarantineReason::OcrUnavailable,
            "an image: it needs OCR, and tesseract is not installed".into(),
        );
    }
    if let Err((reason, message)) = read_regular(&out.staged.path).map(drop) {
        return quarantine(out, reason, message);
    }
    let Some(frames) = ocr::ocr_image(&out.staged.path, &opts.ocr) else {
        return quarantine(
            out,
            QuarantineReason::NoTextLayer,
            "an image, and OCR failed or ran past its deadline".into(),
        );
    };
    if frames.len() > opts.max_pages as usize {
        let n = frames.len();
        return quarantine(
            out,
            QuarantineReason::TooLarge,
            format!(
                "{n} pages, over the limit of {} (extract.max_pages)",
                opts.max_pages
            ),
        );
    }
    out.n_pages = frames.len() as u32;
    for (i, o) in frames.into_iter().enumerate() {
        let text = normalize(&o.text);
        let ok = usable(&text, opts.min_chars_per_page);
        out.pages.push(Page {
            number: i as u32 + 1,
            text: if ok { text } else { String::new() },
            source: if ok {
                TextSource::Ocr
            } else {
                TextSource::None
            },
            ocr_confidence: Some(o.confidence),
            low_confidence_words: if ok {
                o.low_confidence_words
            } else {
                Vec::new()
            },
            boilerplate: Vec::new(),
            extractor: if ok {
                Extractor::Tesseract
            } else {
                Extractor::None
            },
            partial_text: false,
            hidden_chars: 0,
        });
    }
    if let Some(p) = out
        .pages
        .iter()
        .find(|p| p.text.chars().count() > opts.max_page_chars)
    {
        let number = p.number;
        return quarantine(
            out,
            QuarantineReason::TooLarge,
            format!(
                "page {number} is over the limit of {} characters",
                opts.max_page_chars
            ),
        );
    }
    clean::mark_boilerplate(&mut out.pages);
    let texts: Vec<&str> = out.pages.iter().take(4).map(|p| p.text.as_str()).collect();
    out.kind = classify(&out.staged.file_name, &texts);
    if out.pages.iter().all(|p| p.source == TextSource::None) {
        let n = out.n_pages;
        return quarantine(
            out,
            QuarantineReason::NoTextLayer,
            format!("an image of {n} page(s), and OCR found no text"),
        );
    }
    out.text_source = TextSource::Ocr;
    out
}

pub(crate) type Failure = (QuarantineReason, String);

/// One page as a reader got it, before normalization.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RawPage {
    /// The text, as read.
    pub text: String,
    /// Which reader it came from.
    pub extractor: Extractor,
    /// The content stream shows markedly more character codes than were read.
    pub partial_text: bool,
    /// Filled form answers on this page ([`forms`]): appended to the page text
    /// under a `FORM FIELDS` heading once the page's own text (or OCR) is decided,
    /// so that answers never make a scanned form look as if it had a text layer.
    #[serde(default)]
    pub form_lines: Vec<String>,
    /// Characters nobody can see, left out of `text` ([`layout`]).
    #[serde(default)]
    pub hidden_chars: u32,
}

pub(crate) fn pdf_pages(bytes: &[u8], opts: &ExtractOptions) -> Result<Vec<RawPage>, Failure> {
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
        lopdf::Document::load_mem_with_options(bytes, load_opts)
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
    let page_ids = doc.get_pages();
    let n = page_ids.len() as u32;
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

    // One parse: pdf-extract (vendored, on lopdf 0.47) walks the document lopdf
    // opened under the load limits.
    let mut pages = Vec::with_capacity(n as usize);
    let mut panics = 0;
    for (&number, &page_id) in &page_ids {
        // The page's content streams, read once, under the decompression limit:
        // a page over it is a bomb, and the document is quarantined.
        let content = catch_unwind(AssertUnwindSafe(|| {
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
        })?;
        // A scanned page has no text to find; pdf-extract would still inflate
        // its image (hundreds of milliseconds for a large scan).
        let has_text = catch_unwind(AssertUnwindSafe(|| may_show_text(&doc, page_id, &content)))
            .unwrap_or(true);
        if !has_text {
            pages.push(RawPage::default());
            continue;
        }
        let codes = catch_unwind(AssertUnwindSafe(|| {
            text_check::shown_codes(&doc, page_id, &content)
        }))
        .ok()
        .flatten();
        let crop = crop_box(&doc, page_id);
        let pass = |content: Vec<u8>, known: Vec<(f64, f64, f64, f64)>| {
            catch_unwind(AssertUnwindSafe(|| {
                let mut s = String::new();
                let mut output = layout::PageText::new(&mut s)
                    .with_crop_box(crop)
                    .with_known_images(known);
                let ok = pdf_extract::output_page_with_content(
                    &doc,
                    &mut output,
                    number,
                    page_id,
                    content,
                )
                .is_ok();
                let seen = Seen {
                    shown: output.shown,
                    hidden: output.hidden_chars,
                    ocr: output.ocr_chars,
                    visible: output.visible_chars,
                };
                let rerun = output.images_for_rerun();
                ok.then_some((s, seen, rerun))
            }))
        };
        let mut primary = pass(content, Vec::new());
        // Invisible text under an image painted after it: a second pass that knows
        // the page's images keeps it as the scan's OCR layer.
        if let Ok(Some((_, _, Some(images)))) = &primary {
            if let Ok(content) =
                doc.get_page_content_with_limit(page_id, opts.max_decompressed_bytes)
            {
                primary = pass(content, images.clone());
            }
        }
        let primary = primary
            .map(|p| p.map(|(s, seen, _)| (s, seen)))
            .unwrap_or_else(|_| {
                panics += 1;
                None
            });
        // Text nobody can see was found: only the first reader tells visible from
        // hidden, so the second one (which would bring hidden text back) is not asked.
        let saw_hidden = primary.as_ref().is_some_and(|p| p.1.hidden > 0);
        let mut page = match primary {
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
        };
        if !saw_hidden && (page.partial_text || page.text.is_empty()) {
            // The second reader, lopdf's own extractor: keep whichever got more.
            let alt = catch_unwind(AssertUnwindSafe(|| {
                doc.extract_text(&[number]).unwrap_or_default()
            }))
            .unwrap_or_else(|_| {
                panics += 1;
                String::new()
            });
            let count = |t: &str| t.chars().filter(|c| !c.is_whitespace()).count();
            if alt.chars().any(|c| c.is_alphanumeric()) && count(&alt) > count(&page.text) {
                page = RawPage {
                    partial_text: text_check::is_partial(alt.chars().count() as u64, codes),
                    text: alt,
                    extractor: Extractor::Lopdf,
                    ..RawPage::default()
                };
            }
        }
        pages.push(page);
    }
    // Filled form fields go after the page's own text, so its offsets stay put.
    let fields = catch_unwind(AssertUnwindSafe(|| forms::field_lines(&doc))).unwrap_or_default();
    for (number, lines) in fields {
        if let Some(page) = pages.get_mut(number as usize - 1) {
            page.form_lines = lines;
        }
    }
    if panics > 0 {
        tracing::debug!(pages = n, panics, "pdf library panics contained");
    }
    Ok(pages)
}

/// What the layout pass saw on one page (counts of character codes and glyphs).
struct Seen {
    shown: u64,
    hidden: u64,
    ocr: u64,
    visible: u64,
}

/// The page's crop box (inherited like the media box), if it has one.
fn crop_box(doc: &lopdf::Document, page_id: lopdf::ObjectId) -> Option<(f64, f64, f64, f64)> {
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
fn may_show_text(doc: &lopdf::Document, page_id: lopdf::ObjectId, content: &[u8]) -> bool {
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

/// Normalize extracted text: Unicode NFKC (which also splits ligatures such as
/// `ﬁ`), `\n` line ends, no control characters, single spaces, no trailing
/// spaces, at most one blank line in a row, no leading or trailing blank lines.
pub fn normalize(raw: &str) -> String {
    let nfkc: String = raw.nfkc().collect();
    let mut lines: Vec<String> = Vec::new();
    for line in nfkc.replace("\r\n", "\n").replace('\r', "\n").split('\n') {
        let mut out = String::with_capacity(line.len());
        let mut last_space = true;
        for c in line.chars() {
            let c = if c == '\t' || c == '\u{a0}' { ' ' } else { c };
            if c.is_control() {
                continue;
            }
            if c == ' ' {
                if !last_space {
                    out.push(' ');
                }
                last_space = true;
            } else {
                out.push(c);
                last_space = false;
            }
        }
        let trimmed = out.trim_end().to_string();
        if trimmed.is_empty() && lines.last().is_none_or(|l: &String| l.is_empty()) {
            continue;
        }
        lines.push(trimmed);
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    clean::dehyphenate(&mut lines);
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_cleans_layout_and_ligatures() {
        let raw = "\n\n  ﬁrst\tline   here  \r\n\r\n\r\n\u{7}second\u{a0}line\n\n";
        assert_eq!(normalize(raw), "first line here\n\nsecond line");
    }

    #[test]
    fn garbage_text_layers_are_not_usable() {
        let ok = "Patient with chronic low back pain radiating to the left leg, completed physical therapy for six weeks.";
        assert!(usable(ok, 16));
        let pua: String = "\u{e001}\u{e002}\u{e003} ".repeat(20);
        assert!(!usable(&pua, 0));
        let soup = "Xkq Zrtp Qwvb Hjkl Mnbv Cxzq Wrtp Plkj Hgfd Sdfg Trwq Zxcv";
        assert!(!usable(soup, 16));
        let cjk = "患者は腰痛を訴えています。理学療法を六週間行いました。";
        assert!(usable(cjk, 16));
        let labs = "HbA1c 7.2 % 4.0-5.6 H LDL 92 mg/dL <100 eGFR 88 mL/min >60 BMI 34.2 BP 134/82";
        assert!(usable(labs, 16));
    }

    /// One page drawing `content` with these XObjects (name, subtype, stream).
    fn one_page(
        content: &[u8],
        xobjects: &[(&str, &str, &[u8])],
    ) -> (lopdf::Document, lopdf::ObjectId) {
        use lopdf::{dictionary, Object, Stream};
        let mut doc = lopdf::Document::with_version("1.7");
        let mut xdict = lopdf::Dictionary::new();
        for &(name, subtype, data) in xobjects {
            let id = doc.add_object(Stream::new(
                dictionary! { "Type" => "XObject", "Subtype" => subtype },
                data.to_vec(),
            ));
            xdict.set(name, Object::Reference(id));
        }
        let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages,
            "Contents" => contents,
            "Resources" => dictionary! { "XObject" => xdict },
        });
        doc.objects.insert(
            pages,
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }.into(),
        );
        (doc, page)
    }

    #[test]
    fn only_pages_made_of_images_are_skipped() {
        let scan = one_page(
            b"q 612 0 0 792 0 0 cm /Im0 Do Q",
            &[("Im0", "Image", b"\0\0")],
        );
        assert!(!may_show_text(
            &scan.0,
            scan.1,
            &scan.0.get_page_content(scan.1)
        ));
        let text = one_page(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET", &[]);
        assert!(may_show_text(
            &text.0,
            text.1,
            &text.0.get_page_content(text.1)
        ));
        // A form XObject may hold the text: not skipped.
        let form = one_page(
            b"q /Fm0 Do Q",
            &[("Fm0", "Form", b"BT /F1 12 Tf (Hello) Tj ET")],
        );
        assert!(may_show_text(
            &form.0,
            form.1,
            &form.0.get_page_content(form.1)
        ));
        let both = one_page(
            b"/Im0 Do /Fm0 Do",
            &[("Im0", "Image", b""), ("Fm0", "Form", b"")],
        );
        assert!(may_show_text(
            &both.0,
            both.1,
            &both.0.get_page_content(both.1)
        ));
    }

    /// A one-page PDF (as bytes) whose font `/F1` is a simple font with every
    /// glyph 500/1000 em wide, showing `content`.
    fn pdf_with_font(content: &[u8]) -> Vec<u8> {
        use lopdf::{dictionary, Object, Stream};
        let mut doc = lopdf::Document::with_version("1.7");
        let widths: Vec<Object> = (32..=126).map(|_| Object::Integer(500)).collect();
        let font = doc.add_object(dictionary! {
            "Type" => "Font",
            "Subtype" => "Type1",
            "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding",
            "FirstChar" => 32,
            "LastChar" => 126,
            "Widths" => widths,
        });
        let contents = doc.add_object(Stream::new(dictionary! {}, content.to_vec()));
        let pages = doc.new_object_id();
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Contents" => contents,
            "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        });
        doc.objects.insert(
            pages,
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 }.into(),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    fn plain_opts() -> ExtractOptions {
        ExtractOptions {
            min_chars_per_page: 16,
            max_pages: 10,
            max_page_chars: 1000,
            max_decompressed_bytes: 1 << 20,
            isolation: None,
            ocr: OcrOptions {
                enabled: false,
                dpi: 300,
                language: String::new(),
                timeout_per_page: std::time::Duration::ZERO,
                max_memory_bytes: 0,
            },
        }
    }

    #[test]
    fn lines_shown_with_quote_operators_are_read() {
        // How Ghostscript's pdfwrite shows plain text: the first line with Tj,
        // every next one with `'` (or `"`) after setting the leading.
        let pdf = pdf_with_font(
            b"BT /F1 10 Tf 12 TL 72 700 Td (Patient seen for follow-up today.) Tj \
              (Tried naproxen for eight weeks.) ' 0 0 (Physical therapy completed.) \" \
              T* [(Plan: MRI of the) -3000 (lumbar spine.)] TJ ET",
        );
        let pages = pdf_pages(&pdf, &plain_opts()).unwrap();
        let text = normalize(&pages[0].text);
        assert_eq!(
            text,
            "Patient seen for follow-up today.\nTried naproxen for eight weeks.\n\
             Physical therapy completed.\nPlan: MRI of the lumbar spine."
        );
        assert_eq!(pages[0].extractor, Extractor::PdfExtract);
        assert!(!pages[0].partial_text);
    }

    #[test]
    fn glyphs_placed_one_by_one_keep_their_words() {
        // How Skia (Chromium print-to-PDF, Google Docs) places glyphs: one show per
        // glyph after a `Td`, under a y-flipped text matrix, letter-spaced headings
        // 0.1 em apart and words 0.3 em apart. Every glyph here is 5 units wide.
        let mut content = b"BT /F1 10 Tf 1 0 0 -1 72 100 Tm ".to_vec();
        let line = |content: &mut Vec<u8>, words: &[&str], letter_gap: f64| {
            for (w, word) in words.iter().enumerate() {
                for (i, ch) in word.chars().enumerate() {
                    let dx = if i == 0 && w == 0 {
                        0.0
                    } else if i == 0 {
                        5.0 + letter_gap + 3.0
                    } else {
                        5.0 + letter_gap
                    };
                    content.extend_from_slice(format!("{dx} 0 Td ({ch}) Tj ").as_bytes());
                }
            }
        };
        line(&mut content, &["FAX", "COVER"], 1.0);
        content.extend_from_slice(b"ET BT /F1 10 Tf 1 0 0 -1 72 112 Tm ");
        line(&mut content, &["Indication:", "follow-up", "2026"], 0.0);
        content.extend_from_slice(b"ET");
        let pages = pdf_pages(&pdf_with_font(&content), &plain_opts()).unwrap();
        assert_eq!(
            normalize(&pages[0].text),
            "FAX COVER\nIndication: follow-up 2026"
        );
    }

    #[test]
    fn text_nobody_can_see_is_left_out_and_counted() {
        // Each trick hides one word; the visible words are kept in order.
        let pdf = pdf_with_font(
            b"BT /F1 10 Tf 72 700 Td (Visible one.) Tj ET \
              q BT 3 Tr /F1 10 Tf 72 680 Td (Invisible) Tj ET Q \
              q BT 1 1 1 rg /F1 10 Tf 72 660 Td (Whiteonwhite) Tj ET Q \
              q BT 1 g /F1 10 Tf 72 650 Td (Grayone) Tj ET Q \
              q BT 0 0 0 0 k /F1 10 Tf 72 640 Td (Cmykwhite) Tj ET Q \
              BT /F1 0.5 Tf 72 620 Td (Tiny) Tj ET \
              BT /F1 10 Tf 700 600 Td (Offpage) Tj ET \
              q 0 0 1 1 re W n BT /F1 10 Tf 72 580 Td (Clipped) Tj ET Q \
              q 0 0 612 792 re W n BT /F1 10 Tf 72 560 Td (Visible two.) Tj ET Q \
              q 0 0 1 rg 60 530 300 20 re f BT 0 0 1 rg /F1 10 Tf 72 536 Td (Blueonblue) Tj ET Q \
              q 0 0 0 rg 60 500 300 20 re f BT 1 g /F1 10 Tf 72 506 Td (Visible three.) Tj ET Q \
              0 0 0 rg 60 470 m 360 470 l 360 490 l 60 490 l h f \
              BT 1 g /F1 10 Tf 72 476 Td (Visible four.) Tj ET \
              0 0 0 rg 60 443 300 0.5 re f BT 0 g /F1 10 Tf 72 440 Td (Visible five.) Tj ET",
        );
        let pages = pdf_pages(&pdf, &plain_opts()).unwrap();
        assert_eq!(
            normalize(&pages[0].text),
            "Visible one.\n\nVisible two.\n\nVisible three.\n\nVisible four.\n\nVisible five."
        );
        let hidden = "InvisibleWhiteonwhiteGrayoneCmykwhiteTinyOffpageClippedBlueonblue";
        assert_eq!(pages[0].hidden_chars as usize, hidden.len());
        assert_eq!(pages[0].extractor, Extractor::PdfExtract);
        assert!(!pages[0].partial_text, "hidden text was read, not lost");
    }

    #[test]
    fn clip_only_render_mode_and_zero_alpha_hide_text_too() {
        let mut doc = lopdf::Document::load_mem(&pdf_with_font(
            b"BT /F1 10 Tf 72 700 Td (Shown text.) Tj ET \
              q BT 7 Tr /F1 10 Tf 72 680 Td (Cliponly) Tj ET Q \
              q /GS0 gs BT /F1 10 Tf 72 660 Td (Transparent) Tj ET Q",
        ))
        .unwrap();
        // An ExtGState with a fill alpha of 0.
        let gs = doc.add_object(lopdf::dictionary! { "Type" => "ExtGState", "ca" => 0 });
        let page = doc.get_pages()[&1];
        let res = doc
            .get_dictionary_mut(page)
            .unwrap()
            .get_mut(b"Resources")
            .unwrap()
            .as_dict_mut()
            .unwrap();
        res.set("ExtGState", lopdf::dictionary! { "GS0" => gs });
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        let pages = pdf_pages(&bytes, &plain_opts()).unwrap();
        assert_eq!(normalize(&pages[0].text), "Shown text.");
        assert_eq!(pages[0].hidden_chars as usize, "CliponlyTransparent".len());
    }

    #[test]
    fn a_page_of_hidden_text_is_not_read_by_the_second_reader() {
        let pdf =
            pdf_with_font(b"BT 3 Tr /F1 10 Tf 72 700 Td (Patient failed physical therapy.) Tj ET");
        let pages = pdf_pages(&pdf, &plain_opts()).unwrap();
        assert_eq!(pages[0].text, "");
        assert!(pages[0].hidden_chars > 20);
        assert_ne!(pages[0].extractor, Extractor::Lopdf);
    }

    #[test]
    fn text_shown_but_not_read_is_partial() {
        let pdf = pdf_with_font(b"BT /F1 10 Tf 72 700 Td (abcdefghij) Tj ET");
        let doc = lopdf::Document::load_mem(&pdf).unwrap();
        let page = doc.get_pages()[&1];
        assert_eq!(
            text_check::shown_codes(&doc, page, &doc.get_page_content(page)),
            Some(10)
        );
        // Too little to judge, then judged against 90%.
        assert!(!text_check::is_partial(0, Some(10)));
        assert!(text_check::is_partial(80, Some(100)));
        assert!(!text_check::is_partial(90, Some(100)));
        assert!(!text_check::is_partial(120, Some(100)));
        assert!(!text_check::is_partial(0, None));
    }

    #[test]
    fn text_pages_split_on_form_feed_and_accept_latin1() {
        let o = plain_opts();
        assert_eq!(
            text_pages(b"a\x0cb", &o).unwrap(),
            vec!["a".to_string(), "b".to_string()]
        );
        assert_eq!(
            text_pages(b"caf\xe9", &o).unwrap(),
            vec!["caf\u{e9}".to_string()]
        );
    }

    #[test]
    fn text_files_obey_the_page_limits_and_must_be_text() {
        let o = plain_opts();
        // Eleven pages of form feeds, over max_pages = 10: refused before any page is built.
        let err = text_pages(&[0x0c; 10], &o).unwrap_err();
        assert_eq!(err.0, QuarantineReason::TooLarge, "{err:?}");
        assert!(text_pages(&[0x0c; 9], &o).is_ok());
        // Random bytes are not text; a few stray controls in real text are.
        let mut x: u32 = 7;
        let noise: Vec<u8> = (0..4096)
            .map(|_| {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                (x >> 16) as u8
            })
            .collect();
        assert_eq!(
            text_pages(&noise, &o).unwrap_err().0,
            QuarantineReason::NotText
        );
        let prose = "Patient seen for knee pain.\n".repeat(20) + "\x1b[0m";
        assert!(text_pages(prose.as_bytes(), &o).is_ok());
        // A page over max_page_chars (1000 here) is too large.
        let long = vec![RawPage {
            text: "word ".repeat(300),
            ..Default::default()
        }];
        assert_eq!(
            check_page_chars(long, 1000).unwrap_err().0,
            QuarantineReason::TooLarge
        );
    }
}
