//! Calendar dates as clinical documents write them, so that "June 2024" in a
//! letter and "6/2024" in a problem list are the same month, and "January 29,
//! 2026" is "1/29/26".

use std::sync::LazyLock;

use regex::Regex;

/// A date, as precise as the text gives it: month and day are 0 when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
    /// Char offset where the date starts.
    pub at: usize,
}

impl Date {
    /// The date of a `(year, month, day)` triple, as documents' and requests'
    /// dates are kept, at no place in a text.
    pub fn ymd((year, month, day): (u32, u32, u32)) -> Self {
        Date {
            year,
            month,
            day,
            at: 0,
        }
    }

    /// The same day or month: equal where both are known, and the same month
    /// at least (a year alone says too little to count as the same date).
    pub fn same_as(&self, other: &Date) -> bool {
        self.year == other.year
            && self.month != 0
            && self.month == other.month
            && (self.day == 0 || other.day == 0 || self.day == other.day)
    }

    /// Days since 0000-03-01 (proleptic Gregorian); an unknown month or day is
    /// taken as the first.
    pub fn ordinal(&self) -> i64 {
        let (m, d) = (self.month.max(1) as i64, self.day.max(1) as i64);
        let y = self.year as i64 - if m <= 2 { 1 } else { 0 };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe
    }
}

pub(crate) use pa_types::text::MONTHS;

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b|\b(\d{1,2})/(\d{4})\b",
    )
    .unwrap()
});
static WORDED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?((?:19|20)\d{2})\b",
    )
    .unwrap()
});

fn year(y: &str) -> Option<u32> {
    let v: u32 = y.parse().ok()?;
    Some(if y.len() == 2 { 2000 + v } else { v })
}

/// Every date in `text`, in text order. Offsets are chars.
pub(crate) fn find(text: &str) -> Vec<Date> {
    let mut out = Vec::new();
    // Both patterns need a digit: ASCII text without one has no date (other
    // text goes through the regexes, whose \d takes any Unicode digit).
    if text.is_ascii() && !text.bytes().any(|b| b.is_ascii_digit()) {
        return out;
    }
    let char_at = |byte: usize| text[..byte].chars().count();
    for c in NUMERIC.captures_iter(text) {
        let at = char_at(c.get(0).unwrap().start());
        let (y, m, d) = if let Some(y) = c.get(1) {
            (year(y.as_str()), c[2].parse().ok(), c[3].parse().ok())
        } else if let Some(m) = c.get(4) {
            (year(&c[6]), m.as_str().parse().ok(), c[5].parse().ok())
        } else {
            (year(&c[8]), c[7].parse().ok(), Some(0))
        };
        if let (Some(year), Some(month), Some(day)) = (y, m, d) {
            if (1..=12).contains(&month) && day <= 31 {
                out.push(Date {
                    year,
                    month,
                    day,
                    at,
                });
            }
        }
    }
    for c in WORDED.captures_iter(text) {
        let at = char_at(c.get(0).unwrap().start());
        let name = c[1].to_lowercase();
        let Some(month) = MONTHS.iter().position(|m| name.starts_with(m)) else {
            continue;
        };
        let day = c.get(2).and_then(|d| d.as_str().parse().ok()).unwrap_or(0);
        if let Some(year) = year(&c[3]) {
            out.push(Date {
                year,
                month: month as u32 + 1,
                day,
                at,
            });
        }
    }
    out.sort_by_key(|d| d.at);
    out
}

/// `text` with every date [`find`] reads replaced by a space.
pub(crate) fn without_dates(text: &str) -> String {
    let once = NUMERIC.replace_all(text, " ");
    WORDED.replace_all(&once, " ").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(text: &str) -> Vec<(u32, u32, u32)> {
        find(text)
            .into_iter()
            .map(|d| (d.year, d.month, d.day))
            .collect()
    }

    #[test]
    fn the_ways_notes_write_a_date() {
        assert_eq!(ymd("NSTEMI 6/2024, DES x1"), vec![(2024, 6, 0)]);
        assert_eq!(ymd("He had an NSTEMI in June 2024"), vec![(2024, 6, 0)]);
        assert_eq!(ymd("LDL-C 112 (1/29/26)"), vec![(2026, 1, 29)]);
        assert_eq!(ymd("on January 29, 2026"), vec![(2026, 1, 29)]);
        assert_eq!(ymd("collected 2026-01-29"), vec![(2026, 1, 29)]);
        assert_eq!(ymd("pain 7/10 since Sept. 2025"), vec![(2025, 9, 0)]);
    }

    #[test]
    fn ordinals_count_days() {
        let a = find("06/02/2026")[0];
        let b = find("09/15/2026")[0];
        assert_eq!(b.ordinal() - a.ordinal(), 105);
    }

    #[test]
    fn same_month_matches_and_a_year_alone_does_not() {
        let a = find("June 2024")[0];
        let b = find("06/14/2024")[0];
        assert!(a.same_as(&b) && b.same_as(&a));
        let c = find("07/14/2024")[0];
        assert!(!a.same_as(&c));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// Any text: dates are found without a panic, at char offsets inside it.
        #[test]
        fn dates_are_inside_any_text(text in "\\PC{0,80}|[0-9/ a-zA-Z,-]{0,60}") {
            let n = text.chars().count();
            for d in super::find(&text) {
                prop_assert!(d.at < n.max(1));
                prop_assert!((1..=12).contains(&d.month) || d.month == 0);
            }
        }
    }
}
