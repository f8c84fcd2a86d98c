//! Extract: a staged document -> per-page normalized text ([`ExtractedDoc`]).
//!
//! PDFs are opened first with lopdf 0.47 under load limits (decompression bomb
//! cap, page-count cap) to count pages, detect encryption and reject malformed
//! files; the text of each page then comes from pdf-extract, page by page, with
//! lopdf's own extractor as the fallback for a page pdf-extract fails on. Both
//! libraries may panic on hostile input: every call runs under `catch_unwind`
//! and a panic becomes a quarantine reason, never a dead run. Aborts, stack
//! overflows, runaway loops and memory blow-ups are contained by running the
//! parse in a worker process ([`worker`]).
//!
//! The normalized page text ([`normalize`]) is the one reference for every
//! offset downstream.
#![warn(missing_docs)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use pa_types::{DocStatus, ExtractedDoc, Page, QuarantineReason, StagedDoc, TextSource};
use rayon::prelude::*;
use unicode_normalization::UnicodeNormalization;

mod clean;
mod forms;
mod kind;
pub mod ocr;
pub mod worker;

pub use clean::mark_near_duplicates;
pub use kind::classify;
pub use ocr::OcrOptions;
pub use worker::{serve, worker_main, Isolation, WorkerOutput};

/// Extraction limits.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Below this many alphanumerics a page has no usable text layer.
    pub min_chars_per_page: usize,
    /// Page cap.
    pub max_pages: u32,
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
        kind: classify(&staged.file_name, ""),
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
    let is_pdf = out.staged.file_name.to_lowercase().ends_with(".pdf");
    let raw_pages = if is_pdf {
        match &opts.isolation {
            Some(iso) => worker::pdf_pages_isolated(&out.staged.path, opts, iso),
            None => match std::fs::read(&out.staged.path) {
                Ok(bytes) => pdf_pages(&bytes, opts),
                Err(e) => Err((
                    QuarantineReason::Unreadable,
                    format!("cannot read file: {e}"),
                )),
            },
        }
    } else {
        std::fs::read(&out.staged.path)
            .map(|b| text_pages(&b))
            .map_err(|e| {
                (
                    QuarantineReason::Unreadable,
                    format!("cannot read file: {e}"),
                )
            })
    };
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
        .map(|(i, raw)| {
            let number = i as u32 + 1;
            let text = normalize(&raw);
            let mut page = Page {
                number,
                text: String::new(),
                source: TextSource::None,
                ocr_confidence: None,
                low_confidence_words: Vec::new(),
                boilerplate: Vec::new(),
            };
            let mut missing = false;
            if usable(&text, opts.min_chars_per_page) {
                page.text = text;
                page.source = TextSource::Text;
            } else if is_pdf && opts.ocr.enabled {
                if !ocr::available() {
                    missing = true;
                } else if let Some(o) = ocr::ocr_page(&out.staged.path, number, &opts.ocr) {
                    let text = normalize(&o.text);
                    if usable(&text, opts.min_chars_per_page) {
                        page.text = text;
                        page.source = TextSource::Ocr;
                        page.ocr_confidence = Some(o.confidence);
                        page.low_confidence_words = o.low_confidence_words;
                    }
                } else {
                    tracing::warn!(case_id = %out.staged.case_id, doc_id = %out.staged.doc_id, page = number, "OCR failed or timed out");
                }
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
    let first = out
        .pages
        .iter()
        .find(|p| !p.text.is_empty())
        .map(|p| p.text.as_str())
        .unwrap_or("");
    out.kind = classify(&out.staged.file_name, first);
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

/// A plain-text document: UTF-8 (Latin-1 when not valid UTF-8), pages split on form feeds.
fn text_pages(bytes: &[u8]) -> Vec<String> {
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => bytes.iter().map(|&b| b as char).collect(),
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    text.split('\u{c}').map(str::to_string).collect()
}

pub(crate) type Failure = (QuarantineReason, String);

pub(crate) fn pdf_pages(bytes: &[u8], opts: &ExtractOptions) -> Result<Vec<String>, Failure> {
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

    // pdf-extract parses with its own (older) lopdf; load once, then page by page.
    let pe_doc = catch_unwind(AssertUnwindSafe(|| {
        let mut d = pdf_extract::Document::load_mem(bytes).ok()?;
        if d.is_encrypted() && d.decrypt("").is_err() {
            return None;
        }
        Some(d)
    }))
    .ok()
    .flatten();

    let mut pages = Vec::with_capacity(n as usize);
    let mut panics = 0;
    for (&number, &page_id) in &page_ids {
        // A scanned page has no text to find; pdf-extract would still inflate
        // its image (hundreds of milliseconds for a large scan).
        let has_text =
            catch_unwind(AssertUnwindSafe(|| may_show_text(&doc, page_id, opts))).unwrap_or(true);
        if !has_text {
            pages.push(String::new());
            continue;
        }
        let primary = pe_doc.as_ref().and_then(|d| {
            catch_unwind(AssertUnwindSafe(|| {
                let mut s = String::new();
                let mut output = pdf_extract::PlainTextOutput::new(&mut s);
                pdf_extract::output_doc_page(d, &mut output, number)
                    .ok()
                    .map(|_| s)
            }))
            .unwrap_or_else(|_| {
                panics += 1;
                None
            })
        });
        let text = match primary {
            Some(t) if t.chars().any(|c| c.is_alphanumeric()) => t,
            _ => catch_unwind(AssertUnwindSafe(|| {
                doc.extract_text(&[number]).unwrap_or_default()
            }))
            .unwrap_or_else(|_| {
                panics += 1;
                String::new()
            }),
        };
        pages.push(text);
    }
    // Filled form fields go after the page's own text, so its offsets stay put.
    let fields = catch_unwind(AssertUnwindSafe(|| forms::field_lines(&doc))).unwrap_or_default();
    for (number, lines) in fields {
        if let Some(text) = pages.get_mut(number as usize - 1) {
            text.push_str("\n\nFORM FIELDS\n");
            text.push_str(&lines.join("\n"));
        }
    }
    if panics > 0 {
        tracing::debug!(pages = n, panics, "pdf library panics contained");
    }
    Ok(pages)
}

/// Whether a page can show text: its content streams have a text object
/// (`BT`), or it draws an XObject that is not an image (a form may hold text).
/// Errs on the side of `true`: only a page made of images and paths is skipped.
fn may_show_text(doc: &lopdf::Document, page_id: lopdf::ObjectId, opts: &ExtractOptions) -> bool {
    let Ok(content) = doc.get_page_content_with_limit(page_id, opts.max_decompressed_bytes) else {
        return true;
    };
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
        let opts = ExtractOptions {
            min_chars_per_page: 16,
            max_pages: 10,
            max_decompressed_bytes: 1 << 20,
            isolation: None,
            ocr: OcrOptions {
                enabled: false,
                dpi: 300,
                language: String::new(),
                timeout_per_page: std::time::Duration::ZERO,
                max_memory_bytes: 0,
            },
        };
        let scan = one_page(
            b"q 612 0 0 792 0 0 cm /Im0 Do Q",
            &[("Im0", "Image", b"\0\0")],
        );
        assert!(!may_show_text(&scan.0, scan.1, &opts));
        let text = one_page(b"BT /F1 12 Tf 72 700 Td (Hello) Tj ET", &[]);
        assert!(may_show_text(&text.0, text.1, &opts));
        // A form XObject may hold the text: not skipped.
        let form = one_page(
            b"q /Fm0 Do Q",
            &[("Fm0", "Form", b"BT /F1 12 Tf (Hello) Tj ET")],
        );
        assert!(may_show_text(&form.0, form.1, &opts));
        let both = one_page(
            b"/Im0 Do /Fm0 Do",
            &[("Im0", "Image", b""), ("Fm0", "Form", b"")],
        );
        assert!(may_show_text(&both.0, both.1, &opts));
    }

    #[test]
    fn text_pages_split_on_form_feed_and_accept_latin1() {
        assert_eq!(
            text_pages(b"a\x0cb"),
            vec!["a".to_string(), "b".to_string()]
        );
        assert_eq!(text_pages(b"caf\xe9"), vec!["caf\u{e9}".to_string()]);
    }
}
