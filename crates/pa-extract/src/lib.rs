//! Extract: a staged document -> per-page normalized text ([`ExtractedDoc`]).
//!
//! PDFs are opened first with lopdf 0.47 under load limits (decompression bomb
//! cap, page-count cap) to count pages, detect encryption and reject malformed
//! files; the text of each page then comes from pdf-extract, page by page, with
//! lopdf's own extractor as the fallback for a page pdf-extract fails on. Both
//! libraries may panic on hostile input: every call runs under `catch_unwind`
//! and a panic becomes a quarantine reason, never a dead run. (Aborts and stack
//! overflows need process isolation, which is not here yet.)
//!
//! The normalized page text ([`normalize`]) is the one reference for every
//! offset downstream.
#![warn(missing_docs)]

use std::panic::{catch_unwind, AssertUnwindSafe};

use pa_types::{DocKind, DocStatus, ExtractedDoc, Page, QuarantineReason, StagedDoc, TextSource};
use unicode_normalization::UnicodeNormalization;

mod kind;

pub use kind::classify;

/// Extraction limits.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// Below this many alphanumerics a page has no usable text layer.
    pub min_chars_per_page: usize,
    /// Page cap.
    pub max_pages: u32,
    /// lopdf decompression limit per stream.
    pub max_decompressed_bytes: usize,
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
    let bytes = match std::fs::read(&out.staged.path) {
        Ok(b) => b,
        Err(e) => {
            return quarantine(
                out,
                QuarantineReason::Unreadable,
                format!("cannot read file: {e}"),
            );
        }
    };
    let is_pdf = out.staged.file_name.to_lowercase().ends_with(".pdf");
    let result = if is_pdf {
        pdf_pages(&bytes, opts)
    } else {
        Ok((text_pages(&bytes), 0))
    };
    match result {
        Err((reason, message)) => quarantine(out, reason, message),
        Ok((raw_pages, _)) => {
            out.n_pages = raw_pages.len() as u32;
            let mut any_text = false;
            for (i, raw) in raw_pages.into_iter().enumerate() {
                let text = normalize(&raw);
                let usable =
                    text.chars().filter(|c| c.is_alphanumeric()).count() >= opts.min_chars_per_page;
                any_text |= usable;
                out.pages.push(Page {
                    number: i as u32 + 1,
                    text: if usable { text } else { String::new() },
                    source: if usable {
                        TextSource::Text
                    } else {
                        TextSource::None
                    },
                });
            }
            let first = out
                .pages
                .iter()
                .find(|p| !p.text.is_empty())
                .map(|p| p.text.as_str())
                .unwrap_or("");
            out.kind = classify(&out.staged.file_name, first);
            if out.n_pages == 0 {
                quarantine(out, QuarantineReason::Empty, "document has no pages".into())
            } else if !any_text {
                let n = out.n_pages;
                quarantine(
                    out,
                    QuarantineReason::NoTextLayer,
                    format!("no text layer on any of {n} page(s): a scan or fax, and OCR is not enabled"),
                )
            } else {
                out.text_source = TextSource::Text;
                out
            }
        }
    }
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

type Failure = (QuarantineReason, String);

fn pdf_pages(bytes: &[u8], opts: &ExtractOptions) -> Result<(Vec<String>, u32), Failure> {
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
    for (&number, _) in &page_ids {
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
    if panics > 0 {
        tracing::debug!(pages = n, panics, "pdf library panics contained");
    }
    Ok((pages, n))
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
    lines.join("\n")
}

/// The kind of a document, for callers that only have a kind name.
pub fn kind_from_str(s: &str) -> Option<DocKind> {
    kind::from_str(s)
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
    fn text_pages_split_on_form_feed_and_accept_latin1() {
        assert_eq!(
            text_pages(b"a\x0cb"),
            vec!["a".to_string(), "b".to_string()]
        );
        assert_eq!(text_pages(b"caf\xe9"), vec!["caf\u{e9}".to_string()]);
    }
}
