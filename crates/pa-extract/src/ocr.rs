//! OCR for pages without a usable text layer: `pdftoppm` renders the page,
//! `tesseract` reads it (TSV output, so we keep per-word confidences). Both run
//! as child processes with a deadline; tesseract with `OMP_THREAD_LIMIT=1`
//! because we already run one page per core.
//!
//! Neither program is given the document's path: it gets the document opened
//! through [`pa_types::docfile::open_document`] as its standard input and reads
//! `/dev/stdin`, which reopens that very file, so what it reads is the regular
//! file that was checked, whatever the path names by then.

use std::fs::File;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// OCR settings.
#[derive(Debug, Clone)]
pub struct OcrOptions {
    /// Run OCR at all.
    pub enabled: bool,
    /// Render resolution.
    pub dpi: u32,
    /// tesseract language(s), e.g. `eng`.
    pub language: String,
    /// Deadline per page (render plus recognition).
    pub timeout_per_page: Duration,
    /// Address-space limit of each pdftoppm and tesseract process, bytes.
    pub max_memory_bytes: u64,
}

/// A page read by OCR.
#[derive(Debug, Clone)]
pub struct OcrPage {
    /// Text, lines joined by `\n`, blocks by a blank line.
    pub text: String,
    /// Mean word confidence, 0-100.
    pub confidence: f32,
    /// Words below 60 confidence.
    pub low_confidence_words: Vec<String>,
}

/// Are `pdftoppm` and `tesseract` installed? Checked once per process.
pub fn available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(|| {
        let ok = |prog: &str, arg: &str| {
            Command::new(prog)
                .arg(arg)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok()
        };
        ok("pdftoppm", "-v") && ok("tesseract", "--version")
    })
}

/// Where a child reads the document given as its standard input.
const STDIN_PATH: &str = "/dev/stdin";

/// Run `cmd` with `stdin` until `deadline`; its stdout when it succeeded.
fn run_with_deadline(
    cmd: &mut Command,
    stdin: Stdio,
    deadline: Instant,
    max_memory: u64,
) -> Option<Vec<u8>> {
    // A hostile page (a huge image) must not take the machine's memory.
    // SAFETY: only setrlimit, async-signal-safe, between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(cmd, move || {
            let lim = libc::rlimit {
                rlim_cur: max_memory as libc::rlim_t,
                rlim_max: max_memory as libc::rlim_t,
            };
            libc::setrlimit(libc::RLIMIT_AS, &lim);
            Ok(())
        });
    }
    let mut child = cmd
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = std::io::Read::read_to_end(&mut stdout, &mut buf);
        buf
    });
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                let out = reader.join().ok()?;
                return status.success().then_some(out);
            }
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(_) => return None,
        }
    }
}

/// OCR one page (1-based) of a PDF, opened with [`pa_types::docfile::open_document`].
/// `None` when rendering or recognition failed or ran past the deadline.
pub fn ocr_page(pdf: File, page: u32, opts: &OcrOptions) -> Option<OcrPage> {
    let deadline = Instant::now() + opts.timeout_per_page;
    let tmp = tempfile::tempdir().ok()?;
    let stem = tmp.path().join("page");
    let n = page.to_string();
    run_with_deadline(
        Command::new("pdftoppm")
            .args([
                "-r",
                &opts.dpi.to_string(),
                // Raw PGM: no PNG compression on one side and decompression on the other.
                "-gray",
                "-singlefile",
                "-f",
                &n,
                "-l",
                &n,
            ])
            .arg(STDIN_PATH)
            .arg(&stem),
        Stdio::from(pdf),
        deadline,
        opts.max_memory_bytes,
    )?;
    let image = tmp.path().join("page.pgm");
    let tsv = run_with_deadline(
        Command::new("tesseract")
            .arg(&image)
            .arg("stdout")
            .args(["--dpi", &opts.dpi.to_string(), "-l", &opts.language, "tsv"])
            .env("OMP_THREAD_LIMIT", "1"),
        Stdio::null(),
        deadline,
        opts.max_memory_bytes,
    )?;
    Some(parse_tsv(&String::from_utf8_lossy(&tsv)))
}

/// Build page text and confidences from tesseract's TSV.
/// OCR an image file (TIFF, PNG, JPEG), every frame of a multi-page TIFF: one
/// [`OcrPage`] per frame. `None` when recognition failed or ran past the
/// deadline (`timeout_per_page`, for the whole file).
pub fn ocr_image(image: File, opts: &OcrOptions) -> Option<Vec<OcrPage>> {
    let deadline = Instant::now() + opts.timeout_per_page;
    let tsv = run_with_deadline(
        Command::new("tesseract")
            .arg(STDIN_PATH)
            .arg("stdout")
            .args(["-l", &opts.language, "tsv"])
            .env("OMP_THREAD_LIMIT", "1"),
        Stdio::from(image),
        deadline,
        opts.max_memory_bytes,
    )?;
    Some(parse_tsv_pages(&String::from_utf8_lossy(&tsv)))
}

/// Split tesseract's TSV by its `page_num` column (frames of a TIFF).
fn parse_tsv_pages(tsv: &str) -> Vec<OcrPage> {
    let mut lines = tsv.lines();
    let header = lines.next().unwrap_or("");
    let mut pages: Vec<String> = Vec::new();
    for row in lines {
        let n: usize = row
            .split('\t')
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(1);
        // A frame number past any real TIFF is a broken answer, not a page.
        let n = n.clamp(1, 100_000);
        while pages.len() < n {
            pages.push(format!("{header}\n"));
        }
        pages[n - 1].push_str(row);
        pages[n - 1].push('\n');
    }
    if pages.is_empty() {
        pages.push(String::new());
    }
    pages.iter().map(|p| parse_tsv(p)).collect()
}

fn parse_tsv(tsv: &str) -> OcrPage {
    let mut text = String::new();
    let mut last: Option<(u32, u32, u32)> = None; // (block, par, line)
    let (mut sum, mut n) = (0.0f32, 0u32);
    let mut low = Vec::new();
    for row in tsv.lines().skip(1) {
        let cols: Vec<&str> = row.split('\t').collect();
        if cols.len() < 12 || cols[0] != "5" {
            continue;
        }
        let word = cols[11].trim();
        if word.is_empty() {
            continue;
        }
        let num = |i: usize| cols[i].parse::<u32>().unwrap_or(0);
        let key = (num(2), num(3), num(4));
        match last {
            None => {}
            Some(prev) if prev.0 != key.0 || prev.1 != key.1 => text.push_str("\n\n"),
            Some(prev) if prev != key => text.push('\n'),
            Some(_) => text.push(' '),
        }
        last = Some(key);
        text.push_str(word);
        if let Ok(conf) = cols[10].parse::<f32>() {
            if conf >= 0.0 {
                sum += conf;
                n += 1;
                if conf < 60.0 {
                    low.push(word.to_string());
                }
            }
        }
    }
    OcrPage {
        text,
        confidence: if n > 0 { sum / n as f32 } else { 0.0 },
        low_confidence_words: low,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_rows_become_lines_and_confidences() {
        let tsv = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n\
1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t\n\
5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t96\tAHI\n\
5\t1\t1\t1\t1\t2\t0\t0\t1\t1\t90\t28.4\n\
5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t40\tnadir\n\
5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t94\tImpression:\n";
        let p = parse_tsv(tsv);
        assert_eq!(p.text, "AHI 28.4\nnadir\n\nImpression:");
        assert_eq!(p.low_confidence_words, ["nadir"]);
        assert!((p.confidence - 80.0).abs() < 0.01);
    }
}
