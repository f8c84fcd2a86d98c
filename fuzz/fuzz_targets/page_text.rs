//! Fuzz the page text pipeline: any bytes, read as a text file is (lossy
//! UTF-8, pages split on form feeds, each normalized), chunked into sentences
//! and split into the clauses claim detection checks. It must not panic, and
//! every span must quote its page text at its offsets.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/offsets_check.rs"]
mod check;

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data);
    if let Some(broken) = check::broken_span(&raw) {
        panic!("{broken}");
    }
});
