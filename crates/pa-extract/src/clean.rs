//! Clean text: words hyphenated across a line break are rejoined, and repeated
//! headers, footers and fax banners are marked so that chunking skips them
//! (they stay in the page text, so every offset stays true).

use std::collections::HashMap;
use std::sync::LazyLock;

use pa_types::Page;
use regex::Regex;

static PAGE_FOOTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(page\s*\d+(\s*(of|/)\s*\d+)?|\d+\s*(of|/)\s*\d+|-\s*\d+\s*-)\s*$")
        .unwrap()
});
static FAX_BANNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(from:|fax\b|to:|sent\b|received\b).*(\bp\.?\s?\d+\s?/\s?\d+|\bpage\s+\d+|\d{1,2}:\d{2})").unwrap()
});

/// Rejoin `treat-` + `ment ...` as `treatment` + `...`: the word fragment moves up
/// one line, so the line layout the chunker relies on stays. Only a lowercase
/// letter before the hyphen and a lowercase letter after the break qualify.
pub(crate) fn dehyphenate(lines: &mut [String]) {
    for i in 0..lines.len().saturating_sub(1) {
        let (head, tail) = lines.split_at_mut(i + 1);
        let (cur, next) = (&mut head[i], &mut tail[0]);
        let mut rev = cur.chars().rev();
        let hyphen = rev.next() == Some('-') && rev.next().is_some_and(|c| c.is_lowercase());
        if !hyphen || !next.chars().next().is_some_and(|c| c.is_lowercase()) {
            continue;
        }
        let word_end = next.find(|c: char| c.is_whitespace()).unwrap_or(next.len());
        let fragment: String = next[..word_end].to_string();
        cur.pop();
        cur.push_str(&fragment);
        *next = next[word_end..].trim_start().to_string();
    }
}

/// Lines of a page as (char start, char end, text).
fn lines(text: &str) -> Vec<(usize, usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        let n = line.chars().count();
        out.push((start, start + n, line));
        start += n + 1;
    }
    out
}

/// A line with its digits masked, so `Page 2 of 3` and `Page 3 of 3` compare equal.
fn shape(line: &str) -> String {
    line.trim()
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                '#'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// A date and time as a fax banner writes it: `10/14/2026 16:41`, `01/21/26
/// 4:08 PM`, `2026-01-21 16:08`.
static BANNER_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})|(\d{4})-(\d{2})-(\d{2}))[ T,]+(\d{1,2}):(\d{2})(?::\d{2})?(?:\s*([ap])\.?m\b\.?)?")
        .unwrap()
});

/// When a fax was sent, as its banner says: (year, month, day, hour, minute), no
/// time zone (the sending machine's clock).
pub type BannerTime = (i32, u32, u32, u32, u32);

/// The time on a banner line, when it is one and its date and time are valid.
fn banner_time(line: &str) -> Option<BannerTime> {
    if !(FAX_BANNER.is_match(line) || crate::kind::BANNER.is_match(line)) {
        return None;
    }
    let c = BANNER_TIME.captures(line)?;
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let (y, mo, d) = match (num(3), num(4)) {
        (Some(y), _) => (if y < 100 { 2000 + y } else { y }, num(1)?, num(2)?),
        (None, Some(y)) => (y, num(5)?, num(6)?),
        _ => return None,
    };
    let (mut h, mi) = (num(7)?, num(8)?);
    match c.get(9).map(|m| m.as_str().to_ascii_lowercase()) {
        Some(ap) if (1..=12).contains(&h) => h = h % 12 + if ap == "p" { 12 } else { 0 },
        Some(_) => return None,
        None => {}
    }
    let valid = (1..=12).contains(&mo) && (1..=31).contains(&d) && h < 24 && mi < 60;
    valid.then_some((y as i32, mo, d, h, mi))
}

/// The earliest fax banner time in a document's pages (a banner is among the
/// first or last three lines of a page), or `None` when it was not faxed.
pub fn fax_banner_time(pages: &[Page]) -> Option<BannerTime> {
    pages
        .iter()
        .flat_map(|p| {
            let ls: Vec<&str> = p.text.lines().filter(|l| !l.trim().is_empty()).collect();
            let n = ls.len();
            ls.into_iter()
                .enumerate()
                .filter(move |(i, _)| *i < 3 || *i + 3 >= n)
                .filter_map(|(_, l)| banner_time(l))
        })
        .min()
}

/// Mark footers (`Page 2 of 3`), fax banners, and lines among the first or last
/// three of a page that repeat on other pages of the document.
pub(crate) fn mark_boilerplate(pages: &mut [Page]) {
    const EDGE: usize = 3;
    let edges = |text: &str| -> Vec<(usize, usize, String)> {
        let ls: Vec<_> = lines(text)
            .into_iter()
            .filter(|l| !l.2.trim().is_empty())
            .collect();
        let n = ls.len();
        ls.into_iter()
            .enumerate()
            .filter(|(i, _)| *i < EDGE || *i + EDGE >= n)
            .map(|(_, (a, b, t))| (a, b, t.to_string()))
            .collect()
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for p in pages.iter() {
        let mut shapes: Vec<String> = edges(&p.text).into_iter().map(|l| shape(&l.2)).collect();
        shapes.sort();
        shapes.dedup();
        for s in shapes {
            *seen.entry(s).or_default() += 1;
        }
    }
    let multi = pages.iter().filter(|p| !p.text.is_empty()).count() >= 2;
    for p in pages.iter_mut() {
        let mut marks = Vec::new();
        for (a, b, line) in edges(&p.text) {
            let repeated = multi
                && line.trim().chars().count() >= 4
                && seen.get(&shape(&line)).copied().unwrap_or(0) >= 2;
            if repeated || PAGE_FOOTER.is_match(&line) || FAX_BANNER.is_match(&line) {
                marks.push((a as u32, b as u32));
            }
        }
        p.boilerplate = marks;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(n: u32, text: &str) -> Page {
        Page::plain(n, text)
    }

    #[test]
    fn hyphenated_words_rejoin_without_moving_lines() {
        let mut l = vec![
            "completed a course of treat-".to_string(),
            "ment with naproxen".to_string(),
            "Follow-".to_string(),
            "Up".to_string(),
        ];
        dehyphenate(&mut l);
        assert_eq!(
            l,
            [
                "completed a course of treatment",
                "with naproxen",
                "Follow-",
                "Up"
            ]
        );
    }

    #[test]
    fn repeated_headers_footers_and_banners_are_marked() {
        let mut pages = vec![
            page(
                1,
                "RIVERSIDE CLINIC\nHPI: knee pain for 3 years.\nPage 1 of 2",
            ),
            page(2, "RIVERSIDE CLINIC\nPlan: MRI.\nPage 2 of 2"),
        ];
        mark_boilerplate(&mut pages);
        let marked = |p: &Page| {
            p.boilerplate
                .iter()
                .map(|&(a, b)| {
                    p.text
                        .chars()
                        .skip(a as usize)
                        .take((b - a) as usize)
                        .collect::<String>()
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(marked(&pages[0]), ["RIVERSIDE CLINIC", "Page 1 of 2"]);
        assert_eq!(marked(&pages[1]), ["RIVERSIDE CLINIC", "Page 2 of 2"]);
        let mut fax = vec![page(1, "FROM: NORTHSHORE IMAGING (312) 555-0177 10/14/2026 16:41 P.001/002\nImpression: grade 4 OA.")];
        mark_boilerplate(&mut fax);
        assert_eq!(fax[0].boilerplate, [(0, 66)]);
    }

    #[test]
    fn fax_banner_times() {
        let doc = |t: &str| vec![page(1, t)];
        let from = "FROM: NORTHSHORE IMAGING (312) 555-0177 10/14/2026 16:41 P.001/002\nImpression: grade 4 OA.";
        assert_eq!(fax_banner_time(&doc(from)), Some((2026, 10, 14, 16, 41)));
        let pm = "01/21/26 4:08 PM FROM: CLINIC P.002/008\nNote.";
        assert_eq!(fax_banner_time(&doc(pm)), Some((2026, 1, 21, 16, 8)));
        // Two pages: the earliest sending; a date in the body is no banner.
        let pages = vec![
            page(1, "FAX 10/02/2026 14:30 P.1\nVisit 09/30/2026 10:00."),
            page(2, "FAX 10/01/2026 09:00 P.2\nMore."),
        ];
        assert_eq!(fax_banner_time(&pages), Some((2026, 10, 1, 9, 0)));
        assert_eq!(
            fax_banner_time(&doc("Seen 10/01/2026 09:00 in clinic.")),
            None
        );
        assert_eq!(fax_banner_time(&doc("FAX 13/45/2026 09:00 P.1")), None);
    }
}

/// Word 3-gram shingles of a document's text, hashed.
fn shingles(doc: &pa_types::ExtractedDoc) -> rustc_hash::FxHashSet<u64> {
    use std::hash::{Hash, Hasher};
    // The lowercased words, one after another in `buf`, and each one's range
    // (one buffer, not a String per word).
    let mut buf = String::new();
    let mut words: Vec<(usize, usize)> = Vec::new();
    for p in &doc.pages {
        // Banners and footers differ between two sendings of the same fax:
        // their chars are blanked (marked once per range, not looked up in
        // every range for every char).
        let kept: std::borrow::Cow<str> = if p.boilerplate.is_empty() {
            p.text.as_str().into()
        } else {
            let mut blank = vec![false; p.text.chars().count()];
            for &(a, b) in &p.boilerplate {
                for x in blank.iter_mut().take(b as usize).skip(a as usize) {
                    *x = true;
                }
            }
            p.text
                .chars()
                .zip(&blank)
                .map(|(c, &bl)| if bl { ' ' } else { c })
                .collect::<String>()
                .into()
        };
        for w in kept
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let a = buf.len();
            if w.is_ascii() {
                buf.extend(w.chars().map(|c| c.to_ascii_lowercase()));
            } else {
                buf.push_str(&w.to_lowercase());
            }
            words.push((a, buf.len()));
        }
    }
    words
        .windows(3)
        .map(|w| {
            // Hashed as a slice of three strs (FxHash: the sets are compared
            // with each other only, within one run).
            let three = [
                &buf[w[0].0..w[0].1],
                &buf[w[1].0..w[1].1],
                &buf[w[2].0..w[2].1],
            ];
            let mut h = rustc_hash::FxHasher::default();
            three[..].hash(&mut h);
            h.finish()
        })
        .collect()
}

/// Mark near-duplicates within a case (the same fax sent twice, a re-scan):
/// a readable document whose word 3-grams overlap an earlier one's by at least
/// `threshold` (Jaccard) becomes `duplicate`, pointing at the earlier one.
pub fn mark_near_duplicates(docs: &mut [pa_types::ExtractedDoc], threshold: f64) {
    use pa_types::{DocStatus, QuarantineReason};
    let sets: Vec<Option<rustc_hash::FxHashSet<u64>>> = docs
        .iter()
        .map(|d| {
            (d.status == DocStatus::Ok)
                .then(|| shingles(d))
                .filter(|s| s.len() >= 20)
        })
        .collect();
    for j in 0..docs.len() {
        let Some(b) = &sets[j] else { continue };
        for i in 0..j {
            let Some(a) = &sets[i] else { continue };
            if docs[i].status != DocStatus::Ok {
                continue;
            }
            let inter = a.intersection(b).count() as f64;
            let jaccard = inter / ((a.len() + b.len()) as f64 - inter);
            if jaccard >= threshold {
                let first = docs[i].staged.doc_id.clone();
                let d = &mut docs[j];
                d.status = DocStatus::Duplicate;
                d.reason = Some((
                    QuarantineReason::Duplicate,
                    format!(
                        "near-duplicate of {first} ({:.0}% of word sequences shared)",
                        jaccard * 100.0
                    ),
                ));
                tracing::info!(case_id = %d.staged.case_id, doc_id = %d.staged.doc_id, of = %first, "near-duplicate");
                break;
            }
        }
    }
}

#[cfg(test)]
mod near_duplicate_tests {
    use super::*;
    use pa_types::{DocKind, DocStatus, ExtractedDoc, StagedDoc, TextSource};

    fn doc(id: &str, text: &str) -> ExtractedDoc {
        ExtractedDoc {
            staged: StagedDoc {
                case_id: "c".into(),
                doc_id: id.into(),
                file_name: format!("{id}.txt"),
                path: id.into(),
                sha256: id.into(),
                size: 1,
                status: DocStatus::Ok,
                reason: None,
            },
            kind: DocKind::ClinicalNote,
            status: DocStatus::Ok,
            reason: None,
            text_source: TextSource::Text,
            n_pages: 1,
            pages: vec![Page::plain(1, text)],
            parts: Vec::new(),
        }
    }

    #[test]
    fn shingles_hash_as_the_words_as_strings_would() {
        use std::hash::{Hash, Hasher};
        let text =
            "\u{00dc}ber ΣΟΦΙΑΣ words, and ASCII Words: 3-grams\nof Strings, hashed the SAME";
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let want: rustc_hash::FxHashSet<u64> = words
            .windows(3)
            .map(|w| {
                let mut h = rustc_hash::FxHasher::default();
                w.hash(&mut h);
                h.finish()
            })
            .collect();
        assert_eq!(want.len(), words.len() - 2);
        assert_eq!(shingles(&doc("a", text)), want);
    }

    #[test]
    fn refaxed_documents_are_near_duplicates_and_different_ones_are_not() {
        let body = "patient with right knee pain for three years worse with stairs no relief from meloxicam fifteen mg daily for six months or from two corticosteroid injections exam shows varus deformity and crepitus";
        let mut docs = vec![
            doc("a", &format!("FAX 10/01/2026 09:00 P.1\n{body}")),
            doc("b", &format!("FAX 10/02/2026 14:30 P.1\n{body}")),
            doc("c", "laboratory report hemoglobin a1c seven point two percent glucose one hundred sixty two fasting ldl ninety two egfr eighty eight creatinine normal range reported by the lab today"),
        ];
        for d in docs.iter_mut() {
            mark_boilerplate(&mut d.pages);
        }
        mark_near_duplicates(&mut docs, 0.9);
        assert_eq!(docs[0].status, DocStatus::Ok);
        assert_eq!(docs[1].status, DocStatus::Duplicate);
        assert!(docs[1]
            .reason
            .as_ref()
            .unwrap()
            .1
            .contains("near-duplicate of a"));
        assert_eq!(docs[2].status, DocStatus::Ok);
    }
}
