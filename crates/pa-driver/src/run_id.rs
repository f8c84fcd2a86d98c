//! Run identity: new run ids (which sort in time order) and who ran where.

use std::time::{SystemTime, UNIX_EPOCH};

use pa_types::time::civil_from_days;
use pa_types::RunInfo;

/// A new run id that sorts in time order: `YYYYMMDDTHHMMSSZ-xxxx`.
pub fn new_run() -> RunInfo {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    // Milliseconds first, so runs within one second still sort in time order;
    // a hex digit of process id and nanoseconds keeps same-millisecond runs apart.
    let millis = now.subsec_millis();
    let salt = (now.subsec_nanos() ^ std::process::id()) & 0xf;
    RunInfo {
        run_id: format!("{}Z-{millis:03}{salt:x}", timestamp(secs)),
        run_date: format!("{y:04}-{m:02}-{d:02}"),
        started_at_us: now.as_micros() as i64,
        shard: None,
    }
}

/// `YYYYMMDDTHHMMSS` (UTC) of a Unix time in seconds: the start of a run id.
pub(crate) fn timestamp(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let tod = secs.rem_euclid(86_400);
    format!(
        "{y:04}{m:02}{d:02}T{:02}{:02}{:02}",
        tod / 3600,
        tod % 3600 / 60,
        tod % 60
    )
}

/// This machine's host name, or "" when /proc does not say.
pub(crate) fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Who runs this process: `$USER`, `$LOGNAME`, or `uid <n>`.
pub(crate) fn user() -> String {
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| format!("uid {}", unsafe { libc::getuid() }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_784), (2026, 11, 27));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn run_ids_sort_in_time_order() {
        let a = new_run();
        std::thread::sleep(Duration::from_millis(5));
        let b = new_run();
        assert!(a.run_id < b.run_id, "{} < {}", a.run_id, b.run_id);
        assert_eq!(a.run_id.len(), 21);
    }

    #[test]
    fn timestamps_are_utc() {
        assert_eq!(timestamp(0), "19700101T000000");
        assert_eq!(timestamp(20_784 * 86_400 + 3_661), "20261127T010101");
    }
}
