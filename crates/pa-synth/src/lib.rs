//! Synth: a deterministic generator of realistic, fictional PA case folders
//! for benchmarks at scale.
//!
//! Each case is one of the ten sample cases (`tests/samplegen/cases/`, embedded)
//! with its documents padded to 1-20 pages by administrative continuation text
//! that carries no clinical claim, so the case's `gold.json` labels stay true.
//! A share of documents is rendered image-only (a scan: the text PDF rasterized
//! by `pdftoppm` and wrapped as a grayscale image), and a share of cases gets a
//! malformed file (a truncated PDF). Everything follows from the seed: the same
//! `--cases`, `--seed` and shares give byte-identical folders.
#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

use lopdf::content::{Content, Operation};
use lopdf::{dictionary, Document, Object, Stream};
use rayon::prelude::*;

mod templates;

/// Synth settings.
#[derive(Debug, Clone)]
pub struct SynthOptions {
    /// Number of cases.
    pub cases: usize,
    /// Seed of every random choice.
    pub seed: u64,
    /// Share of documents rendered image-only (0-1).
    pub scan_share: f64,
    /// Share of cases that get one malformed PDF (0-1).
    pub malformed_share: f64,
}

/// Synth errors.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// File system.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// Building a PDF.
    #[error("building {path}: {message}")]
    Pdf {
        /// The path.
        path: PathBuf,
        /// What failed.
        message: String,
    },
    /// Rendering a scan needs pdftoppm.
    #[error("rendering a scan with pdftoppm: {0}")]
    Render(String),
}

/// What was written.
#[derive(Debug, Default, Clone)]
pub struct SynthReport {
    /// Cases.
    pub cases: usize,
    /// Documents (valid ones).
    pub documents: usize,
    /// Pages of the valid documents.
    pub pages: usize,
    /// Image-only documents.
    pub scans: usize,
    /// Pages of the image-only documents.
    pub scan_pages: usize,
    /// Malformed files.
    pub malformed: usize,
}

/// splitmix64: small, fast and stable across versions, so a seed means the
/// same corpus forever.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }
}

const WRAP: usize = 92;
const LINES_PER_PAGE: usize = 54;

/// Continuation text: administrative, no clinical concept, no number that a
/// claim could be compared with.
const FILLER: &[&str] = &[
    "Continuation sheet attached to the record at the request of the submitting office.",
    "The office confirmed the member's mailing address and preferred phone number on file.",
    "Front desk staff scanned the member identification card and verified the group number.",
    "A copy of this document was retained in the practice management system.",
    "Correspondence was sent by secure fax to the number listed on the plan's request form.",
    "The member was informed that a determination letter will be mailed after review.",
    "Office hours, after-hours contact options and portal access were explained.",
    "Records release authorization is on file and was reviewed by the records department.",
    "This page intentionally continues the preceding document for completeness of the record.",
    "Scheduling staff documented the call and the callback window requested by the member.",
    "The referral coordinator logged the submission in the authorization tracking sheet.",
    "Billing staff noted that the claim will be held until the authorization decision.",
    "Language preference was recorded as English; no interpreter was requested at this time.",
    "The submitting office attests that the enclosed pages are true copies of the originals.",
    "Questions about this submission may be directed to the referral coordinator.",
    "Document imaging completed; page order verified against the fax cover sheet.",
];

fn wrap(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.lines() {
        if para.trim().is_empty() {
            lines.push(String::new());
            continue;
        }
        let indent = para.len() - para.trim_start().len();
        let mut cur = String::new();
        for w in para.split_whitespace() {
            if !cur.is_empty() && cur.len() + 1 + w.len() > WRAP {
                lines.push(std::mem::take(&mut cur));
                cur.push_str(&" ".repeat(indent));
            }
            if !cur.trim().is_empty() {
                cur.push(' ');
            } else if cur.is_empty() && lines.last().is_none_or(|l: &String| l.is_empty()) {
                cur.push_str(&" ".repeat(indent));
            }
            cur.push_str(w);
        }
        if !cur.trim().is_empty() {
            lines.push(cur);
        }
    }
    lines
}

/// `(directives, body)` of a template source (see tests/samplegen/generate.py).
fn parse_source(text: &str) -> (Vec<(String, String)>, String) {
    let mut directives = Vec::new();
    let mut body = Vec::new();
    for line in text.lines() {
        match line.strip_prefix("%% ") {
            Some(d) if body.is_empty() => {
                let (k, v) = d.split_once(' ').unwrap_or((d, ""));
                directives.push((k.to_string(), v.trim().to_string()));
            }
            _ => body.push(line),
        }
    }
    while body.first().is_some_and(|l| l.trim().is_empty()) {
        body.remove(0);
    }
    (directives, body.join("\n"))
}

/// PDF string bytes in WinAnsi (ASCII here; anything else becomes `?`).
fn pdf_text(s: &str) -> Object {
    Object::string_literal(
        s.chars()
            .map(|c| if c.is_ascii() { c } else { '?' })
            .collect::<String>(),
    )
}

fn text_pdf(pages: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica", "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    let n = pages.len();
    for (i, lines) in pages.iter().enumerate() {
        let mut ops = vec![
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 10.into()]),
            Operation::new("Td", vec![54.into(), 740.into()]),
        ];
        for line in lines {
            ops.push(Operation::new("Tj", vec![pdf_text(line)]));
            ops.push(Operation::new("Td", vec![0.into(), (-12.5).into()]));
        }
        ops.push(Operation::new("ET", vec![]));
        ops.extend([
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec!["F1".into(), 8.into()]),
            Operation::new("Td", vec![280.into(), 30.into()]),
            Operation::new("Tj", vec![pdf_text(&format!("Page {} of {n}", i + 1))]),
            Operation::new("ET", vec![]),
        ]);
        let content = Content { operations: ops }
            .encode()
            .map_err(|e| e.to_string())?;
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(
            doc.add_object(
                dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id },
            )
            .into(),
        );
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => n as i64, "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut out = Vec::new();
    doc.save_to(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Rasterize a text PDF with pdftoppm (150 dpi, gray) and wrap the pages as
/// images: a PDF without a text layer, like a fax.
fn scan_pdf(text_pdf: &[u8], work: &Path) -> Result<Vec<u8>, SynthError> {
    let src = work.join("src.pdf");
    std::fs::write(&src, text_pdf).map_err(|source| SynthError::Io {
        path: src.clone(),
        source,
    })?;
    let prefix = work.join("p");
    let st = Command::new("pdftoppm")
        .args(["-r", "150", "-gray"])
        .arg(&src)
        .arg(&prefix)
        .status()
        .map_err(|e| SynthError::Render(e.to_string()))?;
    if !st.success() {
        return Err(SynthError::Render(format!("pdftoppm exited {st}")));
    }
    let mut pgms: Vec<PathBuf> = std::fs::read_dir(work)
        .map_err(|source| SynthError::Io {
            path: work.to_path_buf(),
            source,
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "pgm"))
        .collect();
    pgms.sort();
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids = Vec::new();
    for p in &pgms {
        let bytes = std::fs::read(p).map_err(|source| SynthError::Io {
            path: p.clone(),
            source,
        })?;
        let (w, h, data) = parse_pgm(&bytes).ok_or_else(|| SynthError::Render("bad PGM".into()))?;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut z, data).map_err(|source| SynthError::Io {
            path: p.clone(),
            source,
        })?;
        let packed = z.finish().map_err(|source| SynthError::Io {
            path: p.clone(),
            source,
        })?;
        let img = doc.add_object(Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Image", "Width" => w as i64, "Height" => h as i64,
                "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8, "Filter" => "FlateDecode",
            },
            packed,
        ));
        let content = b"q 612 0 0 792 0 0 cm /Im1 Do Q".to_vec();
        let content_id = doc.add_object(Stream::new(dictionary! {}, content));
        kids.push(
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
                "Resources" => dictionary! { "XObject" => dictionary! { "Im1" => img } },
            })
            .into(),
        );
    }
    let n = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => n,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| SynthError::Render(e.to_string()))?;
    Ok(out)
}

/// A binary PGM (P5, maxval 255): width, height, pixels.
fn parse_pgm(b: &[u8]) -> Option<(usize, usize, &[u8])> {
    let mut fields = Vec::new();
    let mut i = 0;
    while fields.len() < 4 {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let s = i;
        while i < b.len() && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        fields.push(std::str::from_utf8(&b[s..i]).ok()?.to_string());
    }
    if fields[0] != "P5" || fields[3] != "255" {
        return None;
    }
    let (w, h): (usize, usize) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    let data = b.get(i + 1..i + 1 + w * h)?;
    Some((w, h, data))
}

/// Pages for a document: its own text, then continuation pages up to `target`.
fn paginate(body: &str, target: usize, rng: &mut Rng) -> Vec<Vec<String>> {
    let lines = wrap(body);
    let mut pages: Vec<Vec<String>> = lines.chunks(LINES_PER_PAGE).map(|c| c.to_vec()).collect();
    if pages.is_empty() {
        pages.push(Vec::new());
    }
    while pages.len() < target {
        let mut text = String::from("CONTINUATION\n\n");
        for _ in 0..(8 + rng.below(10)) {
            let mut para = Vec::new();
            for _ in 0..(2 + rng.below(4)) {
                para.push(FILLER[rng.below(FILLER.len() as u64) as usize]);
            }
            text.push_str(&para.join(" "));
            text.push_str("\n\n");
        }
        let mut l = wrap(&text);
        l.truncate(LINES_PER_PAGE);
        pages.push(l);
    }
    pages
}

/// Pages per document: mostly short, sometimes long (1-20).
fn page_target(rng: &mut Rng) -> usize {
    if rng.chance(0.3) {
        1 + rng.below(20) as usize
    } else {
        1 + rng.below(4) as usize
    }
}

/// Write `opts.cases` cases under `out`.
pub fn synth(out: &Path, opts: &SynthOptions) -> Result<SynthReport, SynthError> {
    let mut names: Vec<&str> = templates::TEMPLATES.iter().map(|t| t.0).collect();
    names.dedup();
    std::fs::create_dir_all(out).map_err(|source| SynthError::Io {
        path: out.to_path_buf(),
        source,
    })?;
    let reports: Vec<SynthReport> = (0..opts.cases)
        .into_par_iter()
        .map(|i| {
            let mut rng = Rng::new(opts.seed, i as u64);
            let template = names[rng.below(names.len() as u64) as usize];
            let base = template.rsplit_once('-').map_or(template, |(b, _)| b);
            let case_id = format!("s{i:05}-{base}");
            write_case(out, &case_id, template, &mut rng, opts)
        })
        .collect::<Result<_, _>>()?;
    Ok(reports
        .into_iter()
        .fold(SynthReport::default(), |mut a, r| {
            a.cases += r.cases;
            a.documents += r.documents;
            a.pages += r.pages;
            a.scans += r.scans;
            a.scan_pages += r.scan_pages;
            a.malformed += r.malformed;
            a
        }))
}

fn write_case(
    out: &Path,
    case_id: &str,
    template: &str,
    rng: &mut Rng,
    opts: &SynthOptions,
) -> Result<SynthReport, SynthError> {
    let dir = out.join(case_id);
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SynthError::Io { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let mut r = SynthReport {
        cases: 1,
        ..Default::default()
    };
    let mut first_pdf: Option<Vec<u8>> = None;
    for (_, file, text) in templates::TEMPLATES.iter().filter(|t| t.0 == template) {
        if *file == "gold.json" {
            let mut gold: serde_json::Value =
                serde_json::from_str(text).map_err(|e| SynthError::Pdf {
                    path: dir.join(file),
                    message: e.to_string(),
                })?;
            gold["case_id"] = serde_json::Value::String(case_id.to_string());
            let p = dir.join("gold.json");
            std::fs::write(&p, serde_json::to_string_pretty(&gold).unwrap_or_default())
                .map_err(io(&p))?;
            continue;
        }
        let (directives, body) = parse_source(text);
        let get = |k: &str| directives.iter().find(|d| d.0 == k).map(|d| d.1.clone());
        let stem = get("file").unwrap_or_else(|| file.trim_end_matches(".txt").to_string());
        if get("txt").is_some() {
            let p = dir.join(format!("{stem}.txt"));
            std::fs::write(&p, &body).map_err(io(&p))?;
            r.documents += 1;
            r.pages += 1;
            continue;
        }
        let pages = paginate(&body, page_target(rng), rng);
        let path = dir.join(format!("{stem}.pdf"));
        let pdf = text_pdf(&pages).map_err(|message| SynthError::Pdf {
            path: path.clone(),
            message,
        })?;
        let bytes = if rng.chance(opts.scan_share) {
            let work = tempfile::tempdir().map_err(io(&dir))?;
            r.scans += 1;
            r.scan_pages += pages.len();
            scan_pdf(&pdf, work.path())?
        } else {
            pdf
        };
        std::fs::write(&path, &bytes).map_err(io(&path))?;
        r.documents += 1;
        r.pages += pages.len();
        first_pdf.get_or_insert(bytes);
    }
    if rng.chance(opts.malformed_share) {
        if let Some(pdf) = first_pdf {
            // A transfer cut short: the first third of a real PDF.
            let p = dir.join("upload_incomplete.pdf");
            std::fs::write(&p, &pdf[..pdf.len() / 3]).map_err(io(&p))?;
            r.malformed += 1;
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_bytes_other_seed_other_corpus() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let opts = SynthOptions {
            cases: 6,
            seed: 7,
            scan_share: 0.0,
            malformed_share: 0.5,
        };
        let ra = synth(a.path(), &opts).unwrap();
        synth(b.path(), &opts).unwrap();
        let files = |d: &Path| {
            let mut v: Vec<(String, Vec<u8>)> = Vec::new();
            for c in std::fs::read_dir(d).unwrap() {
                for f in std::fs::read_dir(c.unwrap().path()).unwrap() {
                    let p = f.unwrap().path();
                    v.push((
                        p.strip_prefix(d).unwrap().display().to_string(),
                        std::fs::read(&p).unwrap(),
                    ));
                }
            }
            v.sort();
            v
        };
        assert_eq!(files(a.path()), files(b.path()));
        assert_eq!(ra.cases, 6);
        assert!(ra.pages >= ra.documents);
        let c = tempfile::tempdir().unwrap();
        synth(c.path(), &SynthOptions { seed: 8, ..opts }).unwrap();
        assert_ne!(files(a.path()), files(c.path()));
    }

    #[test]
    fn text_pdfs_open_with_lopdf_and_say_what_they_should() {
        let mut rng = Rng::new(1, 1);
        let pages = paginate(
            "Requested service: MRI lumbar spine (CPT 72148)",
            3,
            &mut rng,
        );
        let pdf = text_pdf(&pages).unwrap();
        let doc = Document::load_mem(&pdf).unwrap();
        assert_eq!(doc.get_pages().len(), 3);
        let text = doc.extract_text(&[1]).unwrap();
        assert!(text.contains("CPT 72148"), "{text}");
    }
}
