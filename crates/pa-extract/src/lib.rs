//! Extract: a staged document -> per-page normalized text ([`ExtractedDoc`]).
//!
//! PDFs ([`pdf`]) are opened once, with lopdf 0.47 under load limits (decompression bomb
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

use pa_types::{DocStatus, ExtractedDoc, Extractor, Page, QuarantineReason, StagedDoc, TextSource};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

mod clean;
mod forms;
mod kind;
mod layout;
pub mod ocr;
mod pdf;
mod text_check;
pub mod worker;

pub use clean::{fax_banner_time, mark_near_duplicates, BannerTime};
pub use kind::classify;
pub use ocr::OcrOptions;
pub use worker::{serve, worker_main, Isolation, WorkerOutput};

use pdf::pdf_pages;

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
        parts: Vec::new(),
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
    let raw_pages = read_pages(&out.staged, is_pdf, opts)
        .and_then(|p| check_page_chars(p, opts.max_page_chars));
    let raw_pages = match raw_pages {
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
        .map(|(i, raw)| finish_page(raw, i as u32 + 1, is_pdf, &out.staged, opts))
        .collect();
    let ocr_missing = pages.iter().any(|p| p.1);
    out.pages = pages.into_iter().map(|p| p.0).collect();
    clean::mark_boilerplate(&mut out.pages);
    let texts: Vec<&str> = out.pages.iter().take(4).map(|p| p.text.as_str()).collect();
    out.kind = classify(&out.staged.file_name, &texts);
    let all: Vec<&str> = out.pages.iter().map(|p| p.text.as_str()).collect();
    out.parts = kind::parts(&all, out.kind);
    if out.n_pages == 0 {
        return quarantine(out, QuarantineReason::Empty, "document has no pages".into());
    }
    out.text_source = match text_source(&out, ocr_missing, is_pdf, opts) {
        Ok(source) => source,
        Err((reason, message)) => return quarantine(out, reason, message),
    };
    if let Some((reason, message)) = partial_text(&out.pages, opts) {
        return quarantine(out, reason, message);
    }
    out
}

/// The raw pages of a PDF (in the worker process when isolation is set) or of
/// a plain-text file.
fn read_pages(
    staged: &StagedDoc,
    is_pdf: bool,
    opts: &ExtractOptions,
) -> Result<Vec<RawPage>, Failure> {
    if is_pdf {
        return match &opts.isolation {
            Some(iso) => worker::pdf_pages_isolated(&staged.path, opts, iso),
            None => read_regular(&staged.path).and_then(|bytes| pdf_pages(&bytes, opts)),
        };
    }
    read_regular(&staged.path).and_then(|b| {
        Ok(text_pages(&b, opts)?
            .into_iter()
            .map(|text| RawPage {
                text,
                extractor: Extractor::Plain,
                ..RawPage::default()
            })
            .collect::<Vec<_>>())
    })
}

/// One page as the document will carry it: the normalized text layer when it
/// is usable, OCR's text when it does better, and the form answers after the
/// page's own text. The flag says OCR was needed but is not installed.
fn finish_page(
    raw: RawPage,
    number: u32,
    is_pdf: bool,
    staged: &StagedDoc,
    opts: &ExtractOptions,
) -> (Page, bool) {
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
        } else {
            ocr_pdf_page(&mut page, layer_ok, staged, opts);
        }
    }
    // Filled form answers go after the page's own text, so its offsets stay put.
    if !raw.form_lines.is_empty() {
        let own = std::mem::take(&mut page.text);
        let sep = if own.is_empty() { "" } else { "\n\n" };
        page.text = normalize(&format!(
            "{own}{sep}FORM FIELDS\n{}",
            raw.form_lines.join("\n")
        ));
    }
    (page, missing)
}

/// OCR one PDF page (OCR is installed): its text replaces the page's when
/// usable and the text layer was not (`layer_ok` false), or has more in it.
fn ocr_pdf_page(page: &mut Page, layer_ok: bool, staged: &StagedDoc, opts: &ExtractOptions) {
    let pdf = match pa_types::docfile::open_document(&staged.path) {
        Ok(f) => f,
        Err(e) => {
            let reason = e.quarantine().0;
            tracing::warn!(case_id = %staged.case_id, doc_id = %staged.doc_id, page = page.number, reason = reason.as_str(), "cannot open the document for OCR");
            return;
        }
    };
    let Some(o) = ocr::ocr_page(pdf, page.number, &opts.ocr) else {
        tracing::warn!(case_id = %staged.case_id, doc_id = %staged.doc_id, page = page.number, "OCR failed or timed out");
        return;
    };
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
}

/// Where the document's text came from, from how many pages have a text layer
/// and how many were OCR'd; no text on any page is a quarantine reason, which
/// says why (OCR missing, OCR found nothing, OCR switched off).
fn text_source(
    out: &ExtractedDoc,
    ocr_missing: bool,
    is_pdf: bool,
    opts: &ExtractOptions,
) -> Result<TextSource, Failure> {
    let count = |source: TextSource| out.pages.iter().filter(|p| p.source == source).count();
    let (n_text, n_ocr) = (count(TextSource::Text), count(TextSource::Ocr));
    let n = out.n_pages;
    Ok(match (n_text, n_ocr) {
        (0, 0) if ocr_missing => {
            return Err((
                QuarantineReason::OcrUnavailable,
                format!(
                "no text layer on any of {n} page(s), and tesseract or pdftoppm is not installed"
            ),
            ))
        }
        (0, 0) if opts.ocr.enabled && is_pdf => {
            return Err((
                QuarantineReason::NoTextLayer,
                format!("no text layer on any of {n} page(s), and OCR found no text"),
            ))
        }
        (0, 0) => {
            return Err((
                QuarantineReason::NoTextLayer,
                format!(
                    "no text layer on any of {n} page(s): a scan or fax, and OCR is switched off"
                ),
            ))
        }
        (_, 0) => TextSource::Text,
        (0, _) => TextSource::Ocr,
        _ => TextSource::Mixed,
    })
}

/// Pages whose text layer shows markedly more than could be read, and that OCR
/// did not make up for, quarantine the document as `partial_text`.
fn partial_text(pages: &[Page], opts: &ExtractOptions) -> Option<Failure> {
    let partial: Vec<String> = pages
        .iter()
        .filter(|p| p.partial_text)
        .map(|p| p.number.to_string())
        .collect();
    if partial.is_empty() {
        return None;
    }
    let how = if opts.ocr.enabled && ocr::available() {
        "OCR did not recover it"
    } else {
        "OCR is not available"
    };
    Some((
        QuarantineReason::PartialText,
        format!(
            "page(s) {}: the text layer shows markedly more text than could be read from it, and {how}",
            partial.join(", ")
        ),
    ))
}

/// Enough text, and text rather than garbage: a page whose font has no usable
/// encoding extracts as private-use or replacement characters, or as Latin
/// letter soup without words; such a page goes to OCR like a scan.
fn usable(text: &str, min_chars: usize) -> bool {
    // (Counted up to `min_chars`: a page of text has many more.)
    (min_chars == 0
        || text
            .chars()
            .filter(|c| c.is_alphanumeric())
            .nth(min_chars - 1)
            .is_some())
        && !looks_like_garbage(text)
}

/// Counted in one pass over the chars, without collecting them (the same
/// tests as ever: junk share, Latin share, word-like tokens).
fn looks_like_garbage(text: &str) -> bool {
    let (mut visible, mut junk, mut latin) = (0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        visible += 1;
        if c == '\u{fffd}' || ('\u{e000}'..='\u{f8ff}').contains(&c) || c.is_control() {
            junk += 1;
        }
        if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if visible == 0 {
        return false;
    }
    if junk * 10 > visible {
        return true;
    }
    // Only judge words in Latin script: CJK or Arabic text has no vowels to count.
    if latin * 2 < visible {
        return false;
    }
    let tokens: Vec<&str> = text
        .split_whitespace()
        .filter(|t| t.chars().nth(1).is_some())
        .collect();
    if tokens.len() < 10 {
        return false;
    }
    let wordlike = tokens
        .iter()
        .filter(|t| {
            // The token's letters and digits: how many, how many letters and
            // ASCII digits, whether one is a vowel, whether all are capitals.
            let (mut n, mut letters, mut digits) = (0usize, 0usize, 0usize);
            let (mut vowel, mut all_upper) = (false, true);
            for c in t.chars().filter(|c| c.is_alphanumeric()) {
                n += 1;
                letters += usize::from(c.is_alphabetic());
                digits += usize::from(c.is_ascii_digit());
                vowel |= "aeiouyAEIOUY".contains(c);
                all_upper &= c.is_uppercase();
            }
            digits * 2 >= n || (letters * 10 >= n * 8 && vowel) || (all_upper && letters <= 5)
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

/// Image files read with OCR (tesseract reads them from the opened file).
const IMAGE_EXTENSIONS: &[&str] = &["tif", "tiff", "png", "jpg", "jpeg"];

/// Read a whole document, opened through the one routine that refuses
/// anything but a regular file ([`pa_types::docfile::open_document`]).
pub(crate) fn read_regular(path: &std::path::Path) -> Result<Vec<u8>, Failure> {
    use std::io::Read;
    let mut f = pa_types::docfile::open_document(path).map_err(|e| e.quarantine())?;
    let mut bytes = Vec::new();
    f.read_to_end(&mut bytes).map_err(|e| {
        (
            QuarantineReason::Unreadable,
            format!("cannot read file: {e}"),
        )
    })?;
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
    let image = match pa_types::docfile::open_document(&out.staged.path) {
        Ok(f) => f,
        Err(e) => {
            let (reason, message) = e.quarantine();
            return quarantine(out, reason, message);
        }
    };
    let Some(frames) = ocr::ocr_image(image, &opts.ocr) else {
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
    let all: Vec<&str> = out.pages.iter().map(|p| p.text.as_str()).collect();
    out.parts = kind::parts(&all, out.kind);
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

/// Normalize extracted text: Unicode NFKC (which also splits ligatures such as
/// `ﬁ`), `\n` line ends, no control characters, single spaces, no trailing
/// spaces, at most one blank line in a row, no leading or trailing blank lines.
pub fn normalize(raw: &str) -> String {
    // Most pages are already in NFKC (all ASCII text is): the quick check
    // reads the chars without composing them again (NFKC took half of this).
    let nfkc: std::borrow::Cow<str> = match unicode_normalization::is_nfkc_quick(raw.chars()) {
        unicode_normalization::IsNormalized::Yes => raw.into(),
        _ => raw.nfkc().collect::<String>().into(),
    };
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
    use crate::pdf::may_show_text;

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
        assert_visible_and_hidden(
            &pdf,
            "Visible one.\n\nVisible two.\n\nVisible three.\n\nVisible four.\n\nVisible five.",
            "InvisibleWhiteonwhiteGrayoneCmykwhiteTinyOffpageClippedBlueonblue",
        );
    }

    /// The first page of `pdf` reads as `visible`, and the characters of
    /// `hidden` were read but left out.
    fn assert_visible_and_hidden(pdf: &[u8], visible: &str, hidden: &str) {
        let pages = pdf_pages(pdf, &plain_opts()).unwrap();
        assert_eq!(normalize(&pages[0].text), visible);
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
        let bytes = with_resources(doc, [("ExtGState", lopdf::dictionary! { "GS0" => gs })]);
        let pages = pdf_pages(&bytes, &plain_opts()).unwrap();
        assert_eq!(normalize(&pages[0].text), "Shown text.");
        assert_eq!(pages[0].hidden_chars as usize, "CliponlyTransparent".len());
    }

    /// `pdf` (from [`pdf_with_font`]) with these image XObjects (name, extra
    /// image dictionary entries: each is a 1x1 black DeviceGray image) and the
    /// ExtGStates `/Half` (fill alpha 0.5) and `/Over` (fill overprint).
    fn with_images(pdf: &[u8], images: &[(&str, lopdf::Dictionary)]) -> Vec<u8> {
        use lopdf::{dictionary, Object, Stream};
        let mut doc = lopdf::Document::load_mem(pdf).unwrap();
        let mut xobjects = lopdf::Dictionary::new();
        for (name, extra) in images {
            let mut dict = dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => 1, "Height" => 1,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
            };
            dict.extend(extra);
            let id = doc.add_object(Stream::new(dict, vec![0]));
            xobjects.set(*name, Object::Reference(id));
        }
        let half = doc.add_object(dictionary! { "Type" => "ExtGState", "ca" => 0.5 });
        let over = doc.add_object(dictionary! { "Type" => "ExtGState", "op" => true, "OPM" => 1 });
        let states = dictionary! { "Half" => half, "Over" => over };
        with_resources(doc, [("XObject", xobjects), ("ExtGState", states)])
    }

    /// `doc`'s bytes, with these entries set in its first page's resources.
    fn with_resources<const N: usize>(
        mut doc: lopdf::Document,
        entries: [(&str, lopdf::Dictionary); N],
    ) -> Vec<u8> {
        let page = doc.get_pages()[&1];
        let res = doc
            .get_dictionary_mut(page)
            .unwrap()
            .get_mut(b"Resources")
            .unwrap()
            .as_dict_mut()
            .unwrap();
        for (key, dict) in entries {
            res.set(key, dict);
        }
        let mut bytes = Vec::new();
        doc.save_to(&mut bytes).unwrap();
        bytes
    }

    #[test]
    fn text_covered_by_an_opaque_image_or_box_painted_later_is_hidden() {
        use lopdf::dictionary;
        let soft = dictionary! { "SMask" => lopdf::Object::Reference((999, 0)) };
        let pdf = with_images(
            &pdf_with_font(
                b"BT /F1 10 Tf 72 700 Td (Visible one.) Tj ET \
                  BT /F1 10 Tf 72 680 Td (Coveredbyimage) Tj ET \
                  q 150 0 0 20 70 675 cm /Im0 Do Q \
                  BT /F1 10 Tf 72 660 Td (Coveredbybox) Tj ET \
                  1 1 1 rg 70 655 200 20 re f 0 g \
                  BT /F1 10 Tf 72 640 Td (Coveredbyinline) Tj ET \
                  q 150 0 0 20 70 635 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x00 EI Q \
                  BT /F1 10 Tf 72 620 Td (Visible two.) Tj ET \
                  q /Half gs 0 g 70 615 200 20 re f Q \
                  BT /F1 10 Tf 72 600 Td (Visible three.) Tj ET \
                  q 150 0 0 20 70 595 cm /Soft Do Q \
                  q 150 0 0 20 70 575 cm /Stencil Do Q \
                  BT /F1 10 Tf 72 580 Td (Visible four.) Tj ET \
                  BT /F1 10 Tf 72 560 Td (Visible five.) Tj ET \
                  0 g 70 561 200 0.5 re f \
                  BT /F1 10 Tf 72 540 Td (Visible six.) Tj ET \
                  q /Over gs 0.2 0 0 0 k 70 535 200 20 re f Q \
                  q 0 0 612 650 re W n 150 0 0 20 70 675 cm /Im0 Do Q",
            ),
            &[
                ("Im0", dictionary! {}),
                ("Soft", soft),
                ("Stencil", dictionary! { "ImageMask" => true }),
            ],
        );
        // An image or a box painted after a line hides it; a half-transparent
        // box, an image with a soft mask, a stencil mask, an image painted
        // before the text, a rule through it, an image clipped away from it and
        // a tint box overprinting it do not.
        assert_visible_and_hidden(
            &pdf,
            "Visible one.\n\nVisible two.\n\nVisible three.\n\nVisible four.\n\nVisible five.\n\nVisible six.",
            "CoveredbyimageCoveredbyboxCoveredbyinline",
        );
    }

    #[test]
    fn a_scans_text_layer_stays_its_ocr_layer_whichever_comes_first() {
        use lopdf::dictionary;
        // Invisible text over the page image, or under it; and visible text under
        // it (OCR software that writes the text layer under the page image).
        let text =
            "BT 3 Tr /F1 10 Tf 72 700 Td (Patient completed six weeks of physical therapy.) Tj ET";
        let shown = text.replace("3 Tr", "0 Tr");
        let image = "q 612 0 0 792 0 0 cm /Im0 Do Q";
        for content in [
            format!("{image} {text}"),
            format!("{text} {image}"),
            format!("{shown} {image}"),
        ] {
            let pdf = with_images(
                &pdf_with_font(content.as_bytes()),
                &[("Im0", dictionary! {})],
            );
            let pages = pdf_pages(&pdf, &plain_opts()).unwrap();
            assert_eq!(
                normalize(&pages[0].text),
                "Patient completed six weeks of physical therapy.",
                "{content}"
            );
            assert_eq!(pages[0].extractor, Extractor::OcrLayer, "{content}");
            assert_eq!(pages[0].hidden_chars, 0, "{content}");
        }
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
