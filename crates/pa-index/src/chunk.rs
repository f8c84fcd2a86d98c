//! Chunking: page text -> sentences with absolute char offsets and section labels.
//!
//! Extracted PDF text wraps sentences across lines, and clinical documents mix
//! prose with label lines (`HPI: ...`), list items and table rows. A line break
//! ends a sentence only when the line was not wrapped (it is short, ends with
//! terminal punctuation, or the next line opens a label, a list item or a new
//! paragraph); inside a block, sentences end at `.`, `!` or `?` followed by a
//! space and a capital or digit, except after common abbreviations and initials.

use pa_types::{Citation, DocKind, ExtractedDoc, Sentence};

const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "st", "vs", "no", "e.g", "i.e", "approx", "inc", "jr", "sr", "dept",
    "fig", "ave", "blvd", "rd", "wt", "ht", "pt", "y.o", "etc", "prn", "bid", "tid", "qd", "apt",
    "ste",
];

/// Sentences of every page of a document, in reading order.
pub fn sentences(doc: &ExtractedDoc) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut section = String::new();
    for page in &doc.pages {
        if page.text.is_empty() {
            continue;
        }
        // Byte offset of every char (and of the end): each quote is a slice,
        // so a page costs linear time however many sentences it has.
        let bytes: Vec<usize> = page
            .text
            .char_indices()
            .map(|(b, _)| b)
            .chain([page.text.len()])
            .collect();
        for (start, end, label) in split_page(&page.text, &page.boilerplate) {
            if let Some(l) = label {
                section = l;
            }
            let quote = page.text[bytes[start]..bytes[end]].to_string();
            out.push(Sentence {
                span: Citation {
                    doc_id: doc.staged.doc_id.clone(),
                    page: page.number,
                    start: start as u32,
                    end: end as u32,
                    quote,
                },
                kind: doc.kind_of_page(page.number),
                section: section.clone(),
                ordinal: out.len() as u32,
            });
        }
    }
    out
}

/// Is this line a `Label: value` line? Returns the lowercase label.
pub fn line_label(line: &str) -> Option<String> {
    let (head, _) = line.split_once(':')?;
    let head = head.trim();
    let ok = !head.is_empty()
        && head.len() <= 32
        && head.chars().next().is_some_and(|c| c.is_alphabetic())
        && head
            .chars()
            .all(|c| c.is_alphanumeric() || " /&()'-.".contains(c))
        && head.split_whitespace().count() <= 4;
    ok.then(|| head.to_lowercase())
}

/// A line of three cells or more separated by bars: a table's row.
fn is_cells_row(line: &str) -> bool {
    line.split('|').filter(|c| !c.trim().is_empty()).count() >= 3
}

/// A line that opens with a form item's code before its text or its boxes:
/// "E2. [X] Reduced-calorie diet", "B2. Hospitalizations", "1c. [X] Patient",
/// "Q10. Prior treatment". (An answer's code, "A6.", keeps to its question:
/// `answer_follows` holds it there.)
fn opens_with_item_code(line: &str) -> bool {
    let t: Vec<char> = line.trim_start().chars().take(8).collect();
    let letters = t.iter().take_while(|c| c.is_ascii_uppercase()).count();
    let (i, ok) = if letters > 0 {
        // "E2", "Q10", "PA3"
        let d = t[letters..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        let i = letters + d;
        let i = i + usize::from(t.get(i).is_some_and(char::is_ascii_lowercase));
        (i, letters <= 2 && (1..=2).contains(&d))
    } else {
        // "1c", "12b"
        let d = t.iter().take_while(|c| c.is_ascii_digit()).count();
        let lower = t.get(d).is_some_and(char::is_ascii_lowercase);
        (d + 1, (1..=2).contains(&d) && lower)
    };
    ok && t.get(i).is_some_and(|c| matches!(c, '.' | ')'))
        && t.get(i + 1) == Some(&' ')
        && t.get(i + 2)
            .is_some_and(|c| c.is_ascii_uppercase() || matches!(c, '[' | '☐' | '☒' | '☑'))
}

/// Does the line open with a box, ticked or not, before an item's text
/// ("[X] Physical therapy", "☐ Weight loss")?
fn opens_with_box(line: &str) -> bool {
    let t = line.trim_start();
    let rest = if let Some(r) = t.strip_prefix(['☐', '☒', '☑']) {
        r
    } else if let Some(r) = t.strip_prefix('[') {
        let r = r.trim_start_matches(['x', 'X', '✓', '✔', '*', ' ']);
        match r.strip_prefix(']') {
            Some(r) if t.len() - r.len() <= 5 => r,
            _ => return false,
        }
    } else {
        return false;
    };
    rest.starts_with(' ') && rest.trim_start().starts_with(|c: char| c.is_alphanumeric())
}

/// Does the line end with a form's answer boxes ("... months?  [X] Yes [ ] No")?
/// Its question is answered: the next line is another.
fn ends_with_box_answer(line: &str) -> bool {
    let t = line.trim_end();
    let Some(last) = t.rsplit(char::is_whitespace).next() else {
        return false;
    };
    if !["yes", "no", "n/a", "unknown"].contains(&last.to_lowercase().trim_end_matches('.')) {
        return false;
    }
    let before = t[..t.len() - last.len()].trim_end();
    before.ends_with(['☐', '☒', '☑'])
        || before.ends_with(']') && before.rfind('[').is_some_and(|o| before.len() - o <= 5)
}

/// Does the line give a form's answer boxes before a remark ("... mL/min? [X]
/// Yes [ ] No (if No, dose adjustment required)")? Its question is answered
/// too: a next line in capitals is another.
fn has_box_answer(line: &str) -> bool {
    let t = line.trim_end();
    t.match_indices([']', '☐', '☒', '☑']).any(|(i, m)| {
        let boxed = m != "]" || t[..i].rfind('[').is_some_and(|o| i - o <= 4);
        let after = t[i + m.len()..].trim_start().to_lowercase();
        boxed
            && ["yes", "no"].iter().any(|w| {
                after.starts_with(w) && !after[w.len()..].starts_with(|c: char| c.is_alphanumeric())
            })
    })
}

/// A row of a two-column table ("Conservative care | more than 6 weeks"): a
/// label cell and a value cell, among other such rows.
fn is_pair_row(line: &str) -> bool {
    let cells: Vec<&str> = line.split('|').collect();
    cells.len() == 2
        && cells.iter().all(|c| !c.trim().is_empty())
        && cells[0].trim().len() <= 40
        && cells[0]
            .trim_start()
            .starts_with(|c: char| c.is_alphabetic())
}

/// Does the line open with a date ("11/2027 R leg weakness", "04/19/2027 ...")?
fn opens_with_date(line: &str) -> bool {
    let t = line.trim_start();
    let b = t.as_bytes();
    let d1 = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if !(1..=2).contains(&d1) || b.get(d1) != Some(&b'/') {
        return false;
    }
    let rest = &b[d1 + 1..];
    let d2 = rest.iter().take_while(|c| c.is_ascii_digit()).count();
    let rest2 = &rest[d2..];
    let year_next = |r: &[u8]| {
        let y = r.iter().take_while(|c| c.is_ascii_digit()).count();
        (y == 2 || y == 4) && r.get(y).is_some_and(|c| *c == b' ')
    };
    (d2 == 4 && rest2.first() == Some(&b' '))
        || ((1..=2).contains(&d2) && rest2.first() == Some(&b'/') && year_next(&rest2[1..]))
}

fn is_list_item(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("- ") || t.starts_with("• ") || t.starts_with("* ") {
        return true;
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 && digits <= 2 && (t[digits..].starts_with(". ") || t[digits..].starts_with(") "))
    {
        return true;
    }
    // A form's outline number before a capitalized item: "5.1 Pyridostigmine:",
    // "4.9. Myasthenic crisis", "(b) Dose". (A decimal before a unit, "5.1
    // mg/dL", is no item. Lettered questions, "Q3." or "A1.", are read with
    // their answers by `line_label` and `is_answer_line`.)
    let c: Vec<char> = t.chars().take(12).collect();
    let run = |from: usize, f: fn(&char) -> bool| {
        c[from.min(c.len())..].iter().take_while(|x| f(x)).count()
    };
    let mut i = 0;
    let number = if c.first() == Some(&'(') || c.get(1) == Some(&')') {
        // "(b)" / "b)"
        i = usize::from(c.first() == Some(&'('));
        c.get(i).is_some_and(|x| ('a'..='h').contains(x)) && c.get(i + 1) == Some(&')') && {
            i += 2;
            true
        }
    } else {
        // "5.1" / "4.9." / "2.3.1"
        let mut parts = 0;
        loop {
            let d = run(i, char::is_ascii_digit);
            if d == 0 || d > 2 {
                break;
            }
            i += d;
            parts += 1;
            if c.get(i) == Some(&'.') && c.get(i + 1).is_some_and(char::is_ascii_digit) {
                i += 1;
            } else {
                break;
            }
        }
        if c.get(i) == Some(&'.') {
            i += 1;
        }
        parts >= 2
    };
    number
        && c.get(i).is_some_and(|x| x.is_whitespace())
        && c.get(i + 1).is_some_and(char::is_ascii_uppercase)
}

/// A line that stops on a word no sentence ends with: a preposition, an
/// article, a conjunction or a copula ("... is 28 of", "... rose from").
fn ends_mid_phrase(line: &str) -> bool {
    const OPEN: &[&str] = &[
        "of",
        "to",
        "the",
        "a",
        "an",
        "and",
        "or",
        "with",
        "at",
        "in",
        "for",
        "from",
        "by",
        "is",
        "was",
        "were",
        "are",
        "than",
        "per",
        "over",
        "under",
        "about",
        "approximately",
    ];
    line.trim_end()
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .is_some_and(|w| OPEN.contains(&w.to_lowercase().as_str()))
}

/// Split page text into (char start, char end, section label if the sentence opens a labelled block).
fn split_page(text: &str, skip: &[(u32, u32)]) -> Vec<(usize, usize, Option<String>)> {
    let chars: Vec<char> = text.chars().collect();
    // Lines as char ranges.
    let mut lines = Vec::new();
    let mut s = 0;
    for (i, &c) in chars.iter().enumerate() {
        if c == '\n' {
            lines.push((s, i));
            s = i + 1;
        }
    }
    lines.push((s, chars.len()));
    // Each line as a string, made once: the loop below reads a line again
    // as the next one's neighbour.
    let line_strs: Vec<String> = lines
        .iter()
        .map(|&(a, b)| chars[a..b].iter().collect())
        .collect();
    let max_len = lines.iter().map(|(a, b)| b - a).max().unwrap_or(0);

    // Blocks: runs of lines joined by soft (wrapping) breaks.
    let mut blocks: Vec<(usize, usize, Option<String>)> = Vec::new();
    let mut cur: Option<(usize, usize, Option<String>)> = None;
    // The line before was a question or label whose answer is this line.
    let mut answer_follows = false;
    for (i, &(a, b)) in lines.iter().enumerate() {
        let line = &line_strs[i];
        // Headers, footers and fax banners end a block and make no sentence.
        let boilerplate = skip
            .iter()
            .any(|&(s, e)| s as usize <= a && b <= e as usize);
        if line.trim().is_empty() || boilerplate {
            if let Some(c) = cur.take() {
                blocks.push(c);
            }
            continue;
        }
        // A row of cells ("07/06/2026 | hydroxychloroquine 200 mg tab | 60 |
        // 30") is a table's row, whole on its line.
        let cells_row = is_cells_row(line);
        // (A number that starts a line after one that stops mid-phrase goes
        // on with it: "... motor score is 28 of\n50. Sensation ..." is no
        // item 50.)
        let goes_on = i > 0
            && cur.is_some()
            && line.trim_start().starts_with(|c: char| c.is_ascii_digit())
            && ends_mid_phrase(&line_strs[i - 1]);
        // (A line that goes on in lower case from one that stops mid-phrase,
        // "CT chest w/" / "contrast 03/14/2029: no mass or adenopathy.", is no
        // label's line.)
        let wrapped = i > 0
            && cur.is_some()
            && line.trim_start().starts_with(char::is_lowercase)
            && (ends_mid_phrase(&line_strs[i - 1]) || line_strs[i - 1].trim_end().ends_with("w/"));
        let label = if wrapped { None } else { line_label(line) };
        // A two-column table's rows, and a list of dated entries ("02/2022 L
        // optic neuritis - IV steroids" / "04/2026 L arm numbness - no tx"),
        // are each whole on their line.
        let pair_row = is_pair_row(line)
            && (i > 0 && is_pair_row(&line_strs[i - 1])
                || line_strs.get(i + 1).is_some_and(|n| is_pair_row(n)));
        // A checklist with one box to a line ("[X] Physical therapy - 12 visits"
        // / "[X] NSAIDs - inadequate relief"): each line is an item of its own.
        let box_item = opens_with_box(line)
            && (i > 0 && opens_with_box(&line_strs[i - 1])
                || line_strs.get(i + 1).is_some_and(|n| opens_with_box(n)));
        let dated_entry = opens_with_date(line)
            && (i > 0 && opens_with_date(&line_strs[i - 1])
                || line_strs.get(i + 1).is_some_and(|n| opens_with_date(n)));
        let opens = !answer_follows
            && (cur.is_none()
                || cells_row
                || pair_row
                || dated_entry
                || box_item
                || (is_list_item(line) && !goes_on)
                || (opens_with_item_code(line) && !goes_on)
                || label.is_some());
        if opens {
            if let Some(c) = cur.take() {
                blocks.push(c);
            }
            let label = label.clone().or_else(|| heading(line));
            cur = Some((a, b, label));
        } else if let Some(c) = cur.as_mut() {
            c.1 = b;
        }
        // Does this line end its block?
        let trimmed = line.trim_end();
        // A short line ends its paragraph, unless it stops mid-sentence and
        // the next line goes on in lowercase: a wrap that left a word or two
        // on their own line ("... A recent echocardiogram showed" / "no" /
        // "evidence of pulmonary hypertension.").
        let wrapped_on = !trimmed.ends_with(['.', ':', ';', '?', '!'])
            && (trimmed.ends_with(|c: char| c.is_alphabetic() || c == ',')
                || trimmed.ends_with("w/"))
            && line_strs
                .get(i + 1)
                .is_some_and(|next| next.trim_start().starts_with(|c: char| c.is_lowercase()));
        let short = (b - a) * 10 < max_len * 7 && !wrapped_on;
        let next_blank = lines.get(i + 1).is_none_or(|&(na, nb)| {
            line_strs[i + 1].trim().is_empty()
                || skip
                    .iter()
                    .any(|&(s, e)| s as usize <= na && nb <= e as usize)
        });
        // A one-line form field ("Equipment requested: ...") ends at the line's end
        // unless the next line continues it in lowercase.
        let field_ends = label
            .as_ref()
            .is_some_and(|l| pa_types::text::HEADER_LABELS.contains(&l.as_str()))
            && line_strs
                .get(i + 1)
                .is_some_and(|next| next.trim_start().starts_with(|c: char| c.is_uppercase()));
        // A printed question keeps its answer when the boxes are on the next line
        // ("Q6. Has the patient fallen?" / "A6. [X] Yes [ ] No - 2 falls").
        // So does a question or label whose answer line is marked "A:" ("Q8.
        // Smoking history:" / "A: Never smoker").
        let answered_below = (trimmed.ends_with('?')
            && line_strs.get(i + 1).is_some_and(|next| is_box_answer(next)))
            || ((trimmed.ends_with('?') || trimmed.ends_with(':'))
                && line_strs
                    .get(i + 1)
                    .is_some_and(|next| is_answer_line(next)));
        // A row with a dot leader ("CRP ........ 3.1 mg/dL H") is a table's
        // row, whole on its line.
        let leader_row = trimmed.split_once("....").is_some_and(|(label, value)| {
            !label.trim().is_empty() && !value.trim_start_matches('.').trim().is_empty()
        });
        answer_follows = answered_below;
        if !answered_below
            && (short
                || next_blank
                || leader_row
                || cells_row
                || pair_row
                || ends_with_box_answer(trimmed)
                || (has_box_answer(trimmed)
                    && line_strs
                        .get(i + 1)
                        .is_some_and(|next| next.trim_start().starts_with(char::is_uppercase)))
                || field_ends
                || trimmed.ends_with(':')
                || heading(line).is_some())
        {
            if let Some(c) = cur.take() {
                blocks.push(c);
            }
        }
    }
    if let Some(c) = cur.take() {
        blocks.push(c);
    }

    let mut out = Vec::new();
    for (a, b, label) in blocks {
        let mut first = true;
        let mut s = a;
        let mut i = a;
        while i < b {
            let c = chars[i];
            // The next sentence starts after a space, or after a dash or a
            // bullet that opens an item ("... at the SFJ.-No DVT.", "... knee.
            // - No DVT.").
            let starts = |k: usize| {
                k < b
                    && chars
                        .get(k)
                        .is_some_and(|n| n.is_uppercase() || n.is_ascii_digit())
            };
            let dash = |k: usize| chars.get(k).is_some_and(|n| matches!(n, '-' | '–' | '•'));
            let space = |k: usize| chars.get(k).is_some_and(|n| n.is_whitespace());
            let next_sentence = (space(i + 1)
                && (starts(i + 2)
                    || (dash(i + 2) && (starts(i + 3) || (space(i + 3) && starts(i + 4))))))
                || (c == '.' && dash(i + 1) && (starts(i + 2) || (space(i + 2) && starts(i + 3))));
            // (A run of dots is a leader between a label and its value:
            // "Calprotectin, fecal ....... 1240 ug/g H".)
            let leader = c == '.' && i > a && chars[i - 1] == '.';
            // ("Jan. 22, 2027": a month's abbreviation before its day.)
            let month_day = c == '.'
                && chars.get(i + 2).is_some_and(char::is_ascii_digit)
                && is_month_abbreviation(&chars[s..i]);
            if matches!(c, '.' | '!' | '?')
                && next_sentence
                && !(leader || month_day)
                && !is_abbreviation(&chars[s..i])
                && !(c == '?' && is_box_answer(&chars[i + 1..b].iter().collect::<String>()))
            {
                push_trimmed(
                    &chars,
                    s,
                    i + 1,
                    if first { label.clone() } else { None },
                    &mut out,
                );
                first = false;
                s = i + 1;
            }
            i += 1;
        }
        push_trimmed(&chars, s, b, if first { label } else { None }, &mut out);
    }
    out
}

/// Does this text start with a form's answer boxes ("[X] Yes [ ] No", "A6. ☒ Yes"),
/// perhaps after an answer number?
/// Does this line give an answer marked as one: "A: Never smoker", "A8. No".
fn is_answer_line(text: &str) -> bool {
    let t = text.trim_start();
    t.strip_prefix('A')
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
        .and_then(|r| r.strip_prefix([':', '.']))
        .is_some_and(|r| r.starts_with(' ') && !r.trim().is_empty())
}

fn is_box_answer(text: &str) -> bool {
    let t = text.trim_start();
    let t = t
        .strip_prefix(['A', 'a'])
        .map(|r| r.trim_start_matches(|c: char| c.is_ascii_digit()))
        .and_then(|r| r.strip_prefix(['.', ')', ':']))
        .map_or(t, str::trim_start);
    t.starts_with(['☐', '☒', '☑'])
        || t.strip_prefix('[').is_some_and(|r| {
            let r = r.trim_start_matches(['x', 'X', '✓', '✔', '*']).trim_start();
            r.starts_with(']')
        })
}

fn heading(line: &str) -> Option<String> {
    // (Tested without collecting the letters: most lines are not headings.)
    let mut letters = 0;
    let all_upper = line.chars().filter(|c| c.is_alphabetic()).all(|c| {
        letters += 1;
        c.is_uppercase()
    });
    (line.len() <= 80 && all_upper && letters >= 4).then(|| line.trim().to_lowercase())
}

/// Does the text end with a month's abbreviation ("Jan", "Sept")?
fn is_month_abbreviation(before: &[char]) -> bool {
    let word: String = before
        .iter()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_lowercase();
    // (May is written out: "May." is no abbreviation.)
    word == "sept" || (word != "may" && pa_types::text::MONTHS.contains(&word.as_str()))
}

fn is_abbreviation(before: &[char]) -> bool {
    let word: String = before
        .iter()
        .rev()
        .take_while(|c| !c.is_whitespace() && **c != '(')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let w = word.to_lowercase();
    // Single-letter initials ("Dana R. Whitfield"), and a form item's number
    // that opens its text ("Q8. Smoking history:", "A12. Yes").
    // ("3d." and "1c.", a number before its letter, too.)
    let digits_letter = w.is_ascii()
        && (2..=3).contains(&w.len())
        && w[..w.len() - 1].chars().all(|c| c.is_ascii_digit())
        && w.ends_with(|c: char| c.is_ascii_lowercase());
    // (And a list's number: "1. Apparent sadness .... 5".)
    let digits = (1..=2).contains(&w.len()) && w.chars().all(|c| c.is_ascii_digit());
    let item_number = before.iter().collect::<String>().trim_start() == word
        && w.len() <= 4
        && ((w.starts_with(|c: char| c.is_ascii_alphabetic())
            && w.chars().skip(1).all(|c| c.is_ascii_digit())
            && w.len() > 1)
            || digits_letter
            || digits);
    (w.chars().count() == 1 && w.chars().all(|c| c.is_alphabetic()))
        || item_number
        || ABBREVIATIONS.contains(&w.as_str())
}

fn push_trimmed(
    chars: &[char],
    mut s: usize,
    mut e: usize,
    label: Option<String>,
    out: &mut Vec<(usize, usize, Option<String>)>,
) {
    while s < e && chars[s].is_whitespace() {
        s += 1;
    }
    while e > s && chars[e - 1].is_whitespace() {
        e -= 1;
    }
    if chars[s..e].iter().any(|c| c.is_alphanumeric()) {
        out.push((s, e, label));
    }
}

/// Documents whose sentences may support claims: everything but letters and request forms.
pub fn is_evidence_kind(kind: DocKind) -> bool {
    !kind.is_assertion()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(t: &str) -> Vec<String> {
        split_page(t, &[])
            .into_iter()
            .map(|(a, b, _)| t.chars().skip(a).take(b - a).collect())
            .collect()
    }

    #[test]
    fn wrapped_lines_join_and_labels_split() {
        let t = "HPI: 55 y/o F with LBP radiating to the L posterior thigh and lateral calf since Aug 2026. Completed\nPT 2x/week for 6 weeks with minimal improvement. Dr. Osei saw her.\nPMH: HTN.\n- item one\n- item two";
        assert_eq!(
            texts(t),
            [
                "HPI: 55 y/o F with LBP radiating to the L posterior thigh and lateral calf since Aug 2026.",
                "Completed\nPT 2x/week for 6 weeks with minimal improvement.",
                "Dr. Osei saw her.",
                "PMH: HTN.",
                "- item one",
                "- item two"
            ]
        );
    }

    #[test]
    fn a_line_that_goes_on_in_lower_case_is_no_label() {
        let t = "Data: RNS 03/05: see report. CT chest w/\ncontrast 03/14/2029: no mass or adenopathy.\nPlan: start once approved.";
        assert_eq!(
            texts(t),
            [
                "Data: RNS 03/05: see report.",
                "CT chest w/\ncontrast 03/14/2029: no mass or adenopathy.",
                "Plan: start once approved."
            ]
        );
    }

    #[test]
    fn a_lists_number_opens_its_items_sentence() {
        let t = "MADRS - item scores 0-6\n1. Apparent sadness ........ 5\n2. Reported sadness ........ 4\nTOTAL: ____";
        assert_eq!(
            texts(t),
            [
                "MADRS - item scores 0-6",
                "1. Apparent sadness ........ 5",
                "2. Reported sadness ........ 4",
                "TOTAL: ____"
            ]
        );
        // (A number that ends a sentence still ends it: "Pain 3. Walks".)
        assert_eq!(
            texts("Pain 3. Walks with a cane."),
            ["Pain 3.", "Walks with a cane."]
        );
    }

    #[test]
    fn a_question_keeps_the_answer_boxes_below_it() {
        let t = "Q6. Has the member fallen in the last 3 months?\nA6. [X] Yes [ ] No - fell twice at home.\nQ7. Is a caregiver available?\n[ ] Yes [X] No\nQ8. Other concerns?\nNone noted.";
        assert_eq!(
            texts(t),
            [
                "Q6. Has the member fallen in the last 3 months?\nA6. [X] Yes [ ] No - fell twice at home.",
                "Q7. Is a caregiver available?\n[ ] Yes [X] No",
                "Q8. Other concerns?",
                "None noted."
            ]
        );
    }

    #[test]
    fn a_label_keeps_its_marked_answer_below_it() {
        assert_eq!(
            texts("Q8. Smoking history:\nA: Never smoker\nQ9. Cardiac evaluation:\nA: ECHO 10/2026, EF 60%\n"),
            ["Q8. Smoking history:\nA: Never smoker", "Q9. Cardiac evaluation:\nA: ECHO 10/2026, EF 60%"]
        );
    }

    #[test]
    fn dot_leaders_do_not_split() {
        let t = texts("Collected 01/22/2026 10:12\nCalprotectin, fecal ........ 1240 ug/g H [<50 normal]\nC. difficile toxin B PCR ...... NEGATIVE\nCRP ...... 3.1 mg/dL H [<0.5]\n");
        assert_eq!(
            t,
            [
                "Collected 01/22/2026 10:12",
                "Calprotectin, fecal ........ 1240 ug/g H [<50 normal]",
                "C. difficile toxin B PCR ...... NEGATIVE",
                "CRP ...... 3.1 mg/dL H [<0.5]"
            ]
        );
    }

    #[test]
    fn a_month_abbreviation_before_its_day_does_not_split() {
        assert_eq!(
            texts("Seen Jan. 22, 2027 and Sept. 3, 2026. Returns in Feb. Then PT."),
            [
                "Seen Jan. 22, 2027 and Sept. 3, 2026.",
                "Returns in Feb.",
                "Then PT."
            ]
        );
    }

    #[test]
    fn a_short_line_that_stops_mid_sentence_goes_on() {
        let t = texts("He is a former smoker of 25 pack-years who quit in 2008. A recent echocardiogram showed\nno\nevidence of pulmonary hypertension.\nShort title\nNext paragraph starts here and runs on for a while.");
        assert_eq!(
            t,
            [
                "He is a former smoker of 25 pack-years who quit in 2008.",
                "A recent echocardiogram showed\nno\nevidence of pulmonary hypertension.",
                "Short title",
                "Next paragraph starts here and runs on for a while."
            ]
        );
    }

    #[test]
    fn a_number_after_a_line_that_stops_mid_phrase_goes_on() {
        let t = "His motor score is 28 of\n50. Sensation is preserved.";
        assert_eq!(
            texts(t),
            vec!["His motor score is 28 of\n50.", "Sensation is preserved."]
        );
        // After a full line, a number opens its item.
        let t = "Problems:\n1. Central cord syndrome.\n2. Neurogenic bladder.";
        assert_eq!(texts(t)[0], "Problems:");
    }

    #[test]
    fn outline_numbers_open_items() {
        for item in [
            "5.1 Pyridostigmine: x",
            "4.9. Myasthenic crisis",
            "2.3.1 Dose",
            "(b) Dose",
            "b) Dose",
        ] {
            assert!(is_list_item(item), "{item}");
        }
        for not in [
            "5.1 mg/dL on 03/02",
            "A10 to A12",
            "2026 Annual",
            "(x) Other",
            "B12 level",
            "123.4 Mg",
        ] {
            assert!(!is_list_item(not), "{not}");
        }
    }

    #[test]
    fn rows_of_cells_do_not_join() {
        let t = texts("Fill date | Drug | Qty | Days\n07/06/2026 | hydroxychloroquine 200 mg tab | 60 | 30\n07/18/2026 | mycophenolate 500 mg tab | 60 | 30\nNo other fills.");
        assert_eq!(
            t,
            [
                "Fill date | Drug | Qty | Days",
                "07/06/2026 | hydroxychloroquine 200 mg tab | 60 | 30",
                "07/18/2026 | mycophenolate 500 mg tab | 60 | 30",
                "No other fills."
            ]
        );
    }

    #[test]
    fn two_column_rows_do_not_join() {
        let t = texts("Finding | Detail\nSymptom onset | three weeks before the visit\nImaging | lumbar MRI with a herniated disc at L4-5\nPrior care | physical therapy for six weeks\nWe ask for approval.");
        assert_eq!(
            t,
            [
                "Finding | Detail",
                "Symptom onset | three weeks before the visit",
                "Imaging | lumbar MRI with a herniated disc at L4-5",
                "Prior care | physical therapy for six weeks",
                "We ask for approval."
            ]
        );
        // (One bar in a line of prose is no table: "Phone 555-0100 | Fax ...".)
        let t = texts("Phone 555-0100 | Fax 555-0101 and this line is long enough to wrap on\nto the next line of the letterhead.");
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn a_row_answered_before_a_remark_closes() {
        let t = "Renal function adequate? [X] Yes [ ] No (if No, reduce the dose)\nPrior surgery on this knee: [ ] Yes [X] No\nHas the patient tried [X] Yes [ ] No a home program, with details of\nthe program reviewed";
        assert_eq!(
            texts(t),
            vec![
                "Renal function adequate? [X] Yes [ ] No (if No, reduce the dose)",
                "Prior surgery on this knee: [ ] Yes [X] No",
                "Has the patient tried [X] Yes [ ] No a home program, with details of\nthe program reviewed"
            ]
        );
    }

    #[test]
    fn form_items_open_and_answered_rows_close() {
        let t = "2a. [X] Two falls in the past three months, both at home and one with an\ninjury to the wrist\n2b. Walks with a cane outside the house\n2c. [X] Lives alone\nUses a walker indoors? [X] Yes [ ] No\nNeeds help with bathing? [ ] Yes [X] No\nE1. Weight 92 kg   Height 170 cm   BMI 31.8\nE2. [X] Structured diet program for at least six months";
        assert_eq!(
            texts(t),
            [
                "2a. [X] Two falls in the past three months, both at home and one with an\ninjury to the wrist",
                "2b. Walks with a cane outside the house",
                "2c. [X] Lives alone",
                "Uses a walker indoors? [X] Yes [ ] No",
                "Needs help with bathing? [ ] Yes [X] No",
                "E1. Weight 92 kg   Height 170 cm   BMI 31.8",
                "E2. [X] Structured diet program for at least six months"
            ]
        );
    }

    #[test]
    fn a_checklist_with_a_box_to_a_line_has_an_item_to_a_line() {
        let t = "Prior treatment (check all that apply):\n[X] Home exercise program for eight weeks, with a\nlog reviewed at each visit\n[ ] Bracing\n[X] Topical diclofenac - no relief\nSymptoms: [X] swelling [X] stiffness\n[X] locking at night";
        assert_eq!(
            texts(t),
            [
                "Prior treatment (check all that apply):",
                "[X] Home exercise program for eight weeks, with a\nlog reviewed at each visit",
                "[ ] Bracing",
                "[X] Topical diclofenac - no relief",
                // (Boxes that wrap onto the next line are one row.)
                "Symptoms: [X] swelling [X] stiffness\n[X] locking at night"
            ]
        );
    }

    #[test]
    fn non_ascii_words_before_a_stop_do_not_panic() {
        // (A word of two bytes before a stop once sliced a char in half.)
        assert_eq!(texts("Vu là. Suivi en clinique.").len(), 2);
        assert_eq!(texts("1é. Item\n2ü) Item\nQ1é. Item").len(), 3);
    }

    #[test]
    fn dated_entries_are_rows() {
        let t = "Relapse history:\n03/2021 optic neuritis - IV steroids, full recovery\n06/2023 arm numbness - no treatment, full recovery\n09/14/2025 leg weakness - IV steroids x3 d, partial recovery";
        assert_eq!(
            texts(t),
            [
                "Relapse history:",
                "03/2021 optic neuritis - IV steroids, full recovery",
                "06/2023 arm numbness - no treatment, full recovery",
                "09/14/2025 leg weakness - IV steroids x3 d, partial recovery"
            ]
        );
        // (A date that opens one line of prose is no list.)
        let t = texts("Seen in clinic and referred for imaging, which was done on\n03/2021 and showed a small effusion of the knee joint.");
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn initials_and_decimals_do_not_split() {
        assert_eq!(
            texts("Dana R. Whitfield had HbA1c 9.1 today. Next."),
            ["Dana R. Whitfield had HbA1c 9.1 today.", "Next."]
        );
    }

    #[test]
    fn boilerplate_lines_make_no_sentences() {
        let t = "RIVERSIDE CLINIC\nPlan: MRI of the spine.\nPage 2 of 3";
        let got: Vec<String> = split_page(t, &[(0, 16), (41, 52)])
            .into_iter()
            .map(|(a, b, _)| t.chars().skip(a).take(b - a).collect())
            .collect();
        assert_eq!(got, ["Plan: MRI of the spine."]);
    }

    #[test]
    fn one_line_fields_end_at_the_line() {
        let t = "Equipment requested: stationary oxygen concentrator (HCPCS E1390) for home use\nHe has COPD, and an arterial blood gas showed a low PaO2.";
        assert_eq!(texts(t).len(), 2, "{:?}", texts(t));
        let wrapped = "Requested service: MRI lumbar spine without contrast for the evaluation of\nlumbar radiculopathy";
        assert_eq!(texts(wrapped).len(), 1);
    }

    #[test]
    fn labels_are_sections() {
        let s = split_page("Assessment: OA knee.\nPlan: TKA.", &[]);
        assert_eq!(s[0].2.as_deref(), Some("assessment"));
        assert_eq!(s[1].2.as_deref(), Some("plan"));
    }

    #[test]
    fn a_long_page_chunks_in_linear_time() {
        let page = super::offset_properties::doc;
        // One page of 2 MB: 60,000 sentences. Quadratic quoting took minutes.
        let sentence = "Knee pain was noted on exam. ";
        let doc = page(sentence.repeat(2_000_000 / sentence.len()));
        let t = std::time::Instant::now();
        let got = sentences(&doc);
        assert_eq!(got.len(), 2_000_000 / sentence.len());
        assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
        let last = got.last().unwrap();
        let text = &doc.pages[0].text;
        let quote: String = text
            .chars()
            .skip(last.span.start as usize)
            .take((last.span.end - last.span.start) as usize)
            .collect();
        assert_eq!(last.span.quote, quote);
        assert_eq!(quote, sentence.trim_end());
    }
}

#[cfg(test)]
mod offset_properties {
    use super::*;
    use pa_types::{DocStatus, Page, StagedDoc, TextSource};
    use proptest::prelude::*;

    /// A one-page clinical note of `text`.
    pub(super) fn doc(text: String) -> ExtractedDoc {
        ExtractedDoc {
            staged: StagedDoc {
                case_id: "c".into(),
                doc_id: "d".into(),
                file_name: "d.txt".into(),
                path: Default::default(),
                sha256: String::new(),
                size: 0,
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

    /// Page-like text: clinical words, labels, punctuation, line breaks, form
    /// feeds, wide and combining characters, bidi controls.
    fn page_text() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("HPI: ".to_string()),
            Just("Pt c/o pain 7/10. ".to_string()),
            Just("\n".to_string()),
            Just("\n\n".to_string()),
            Just("\u{c}".to_string()),
            Just("Dr. Smith, M.D. ".to_string()),
            Just("- item\n".to_string()),
            Just("e\u{301}\u{202E}漢字 ".to_string()),
            Just("1. ".to_string()),
            "[ -~]{0,12}",
            "\\PC{0,6}",
        ];
        proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Every sentence's quote is exactly the page text at its offsets, and
        /// sentences come in order without overlapping.
        #[test]
        fn quotes_are_the_text_at_their_offsets(text in page_text()) {
            let d = doc(text.clone());
            let mut last_end = 0;
            for s in sentences(&d) {
                prop_assert!(s.span.start < s.span.end);
                prop_assert!(s.span.start >= last_end);
                prop_assert!(s.span.verify(&text), "{:?} not at {}..{}", s.span.quote, s.span.start, s.span.end);
                last_end = s.span.end;
            }
        }
    }
}
