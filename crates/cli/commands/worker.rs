//! The hidden `extract-worker` subcommand: the isolated PDF parser `run`
//! starts. With the `failpoints` feature (tests only), `PRIORAUTH_TEST_WORKER_FAULT`
//! makes it fail the ways hostile PDFs make the PDF crates fail; without the
//! feature that hook is not compiled in.

use std::path::Path;
use std::process::ExitCode;

/// The isolated worker: no logging (its stderr is never shown), quiet panics,
/// one length-prefixed JSON answer per request on stdout.
pub(crate) fn serve(
    max_pages: u32,
    max_decompressed_bytes: usize,
    max_memory_bytes: u64,
    max_cpu_seconds: u64,
) -> ExitCode {
    pa_extract::install_quiet_panic_hook();
    let opts = pa_extract::ExtractOptions {
        min_chars_per_page: 0,
        max_pages,
        // Checked by the parent on the pages the worker sends back.
        max_page_chars: usize::MAX,
        max_decompressed_bytes,
        isolation: None,
        ocr: pa_extract::OcrOptions {
            enabled: false,
            dpi: 300,
            language: String::new(),
            timeout_per_page: std::time::Duration::ZERO,
            max_memory_bytes: 0,
        },
    };
    let before_each = fault_hook();
    match pa_extract::serve(&opts, max_memory_bytes, max_cpu_seconds, before_each) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(1),
    }
}

/// Without the `failpoints` feature: nothing before each document.
#[cfg(not(feature = "failpoints"))]
fn fault_hook() -> impl Fn(&Path) {
    |_: &Path| {}
}

/// Test hook: make this worker fail the ways hostile PDFs make the PDF crates
/// fail, so the tests can check that each death is contained and named:
/// `PRIORAUTH_TEST_WORKER_FAULT=<fault>` for every document, `<fault>@<file stem>`
/// for one.
#[cfg(feature = "failpoints")]
fn fault_hook() -> impl Fn(&Path) {
    let fault = std::env::var("PRIORAUTH_TEST_WORKER_FAULT").ok();
    move |path: &Path| {
        if let Some(f) = &fault {
            let (what, only) = f.split_once('@').unwrap_or((f, ""));
            let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            if only.is_empty() || only == stem {
                worker_fault(what);
            }
        }
    }
}

/// `abort`, `overflow` (the stack), `spin`, `cpu<ms>` (burn CPU, then parse as
/// usual) or `oom`.
#[cfg(feature = "failpoints")]
fn worker_fault(fault: &str) {
    #[allow(unconditional_recursion)]
    fn recurse(n: u64) -> u64 {
        let pad = std::hint::black_box([n; 64]);
        recurse(n + 1) + pad[0]
    }
    match fault {
        "abort" => std::process::abort(),
        "overflow" => {
            std::hint::black_box(recurse(0));
        }
        "spin" => loop {
            std::hint::black_box(0u64);
        },
        // Burn this many milliseconds of CPU, then parse as usual.
        burn if burn.starts_with("cpu") => {
            let ms: u64 = burn[3..].parse().unwrap_or(0);
            let t = std::time::Instant::now();
            while t.elapsed() < std::time::Duration::from_millis(ms) {
                std::hint::black_box(0u64);
            }
        }
        // Reserve address space until the allocator fails under RLIMIT_AS.
        // The blocks are not filled: filling 1 GiB on a loaded 2-core machine
        // could outlast the test's CPU or wall limit and end as a timeout.
        "oom" => {
            let mut hog: Vec<Vec<u8>> = Vec::new();
            loop {
                let mut block = Vec::<u8>::with_capacity(64 << 20);
                block.push(1);
                hog.push(std::hint::black_box(block));
            }
        }
        _ => {}
    }
}
