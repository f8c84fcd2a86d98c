//! A case's priority and due date: expedited when an affirmed red flag
//! escalates it, else standard; received when its earliest document arrived
//! (the fax banner's time, else the file's modification time, so a rerun over
//! the same files gives the same date); due that many hours later
//! (`[priority]` settings, CMS-0057-F by default).

use pa_config::PrioritySettings;
use pa_types::time::days_from_civil;
use pa_types::{ExtractedDoc, Priority, RedFlag};

const MICROS_PER_HOUR: i64 = 3_600_000_000;

/// When a document arrived, microseconds since 1970 (a banner's time read as UTC).
fn doc_received_us(doc: &ExtractedDoc) -> Option<i64> {
    if let Some((y, mo, d, h, mi)) = pa_extract::fax_banner_time(&doc.pages) {
        let secs = days_from_civil(i64::from(y), mo, d) * 86_400 + i64::from(h * 3600 + mi * 60);
        return Some(secs * 1_000_000);
    }
    let modified = std::fs::metadata(&doc.staged.path).ok()?.modified().ok()?;
    let since = modified.duration_since(std::time::UNIX_EPOCH).ok()?;
    Some(since.as_micros() as i64)
}

/// The priority of a case from its red flags and documents.
pub fn assess(flags: &[RedFlag], docs: &[ExtractedDoc], settings: &PrioritySettings) -> Priority {
    let mut ids: Vec<&str> = flags
        .iter()
        .filter(|f| f.escalates)
        .map(|f| f.flag.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let expedited = !ids.is_empty();
    let reason = if expedited {
        format!("red flag: {}", ids.join(", "))
    } else {
        "no affirmed red flag".to_string()
    };
    let hours = if expedited {
        settings.expedited_hours
    } else {
        settings.standard_hours
    };
    let received_at_us = docs.iter().filter_map(doc_received_us).min();
    Priority {
        expedited,
        reason,
        received_at_us,
        due_by_us: received_at_us.map(|r| r + i64::from(hours) * MICROS_PER_HOUR),
    }
}
