//! The page read as placed text: words, lines, printed boxes and rules
//! ([`Layout`]), and from them the printed label beside a box or field, the
//! question of a row or column of boxes, the marked boxes, and the answer
//! lines of the marks.

use super::*;

#[derive(Debug, Clone)]
pub(super) struct Word {
    pub(super) rect: Rect,
    pub(super) text: String,
    pub(super) size: f32,
    /// The show operation of its last glyph.
    pub(super) seq: u32,
}

#[derive(Debug)]
pub(super) struct Line {
    pub(super) rect: Rect,
    pub(super) words: Vec<Word>,
    pub(super) size: f32,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct PBox {
    pub(super) rect: Rect,
    /// A printed `☒`.
    pub(super) checked: bool,
    /// An AcroForm button widget (its field answers for it).
    pub(super) widget: bool,
}

pub(super) struct Layout {
    pub(super) lines: Vec<Line>,
    pub(super) boxes: Vec<PBox>,
    pub(super) vrules: Vec<Rect>,
    pub(super) hrules: Vec<Rect>,
    pub(super) inks: Vec<Ink>,
    /// The page's text does not decode to words (a font without a usable
    /// encoding): no printed label is trusted.
    pub(super) garbage: bool,
}

/// Which side of its box an option's label is printed on.
#[derive(Clone, Copy, PartialEq, Debug)]
pub(super) enum Side {
    Left,
    Right,
}

impl Layout {
    pub(super) fn build(scan: Scan, widget_boxes: &[(Rect, usize)]) -> Layout {
        let mut boxes: Vec<PBox> = Vec::new();
        let mut inks = scan.inks;
        let mut text: Vec<&Glyph> = Vec::new();
        for g in &scan.glyphs {
            match g.kind {
                Kind::Text => text.push(g),
                Kind::EmptyBox | Kind::CheckedBox => boxes.push(PBox {
                    rect: glyph_box(&g.rect),
                    checked: g.kind == Kind::CheckedBox,
                    widget: false,
                }),
                Kind::Check => inks.push(Ink {
                    rect: g.rect,
                    seq: g.seq,
                    light: false,
                    solid: false,
                }),
                Kind::Other => {}
            }
        }
        for r in &scan.boxes {
            boxes.push(PBox {
                rect: *r,
                checked: false,
                widget: false,
            });
        }
        // One box per place: a widget over a printed box is the widget.
        let mut merged: Vec<PBox> = widget_boxes
            .iter()
            .map(|(r, _)| PBox {
                rect: *r,
                checked: false,
                widget: true,
            })
            .collect();
        for b in boxes {
            let dup = merged.iter_mut().find(|m| {
                let i = m.rect.inter(&b.rect);
                i >= 0.3 * b.rect.area().min(m.rect.area())
            });
            match dup {
                Some(m) => m.checked |= b.checked,
                None => merged.push(b),
            }
        }
        let garbage = {
            let n = text.len();
            let bad = text
                .iter()
                .filter(|g| {
                    g.text.chars().any(|c| {
                        c == '\u{fffd}' || ('\u{e000}'..='\u{f8ff}').contains(&c) || c.is_control()
                    })
                })
                .count();
            n > 0 && bad * 10 > n
        };
        let lines = build_lines(&text);
        let mut layout = Layout {
            lines,
            boxes: merged,
            vrules: scan.vrules,
            hrules: scan.hrules,
            inks,
            garbage,
        };
        layout.take_typed_checks(scan.seq);
        layout
    }

    /// A standalone `X` typed on a box is a mark, not a word.
    pub(super) fn take_typed_checks(&mut self, seq: u32) {
        for li in 0..self.lines.len() {
            let mut keep = Vec::new();
            for w in std::mem::take(&mut self.lines[li].words) {
                let on_box = (w.text == "X" || w.text == "x")
                    && self
                        .boxes
                        .iter()
                        .any(|b| w.rect.inter(&b.rect) >= 0.3 * b.rect.area());
                if on_box {
                    self.inks.push(Ink {
                        rect: w.rect,
                        seq,
                        light: false,
                        solid: false,
                    });
                } else {
                    keep.push(w);
                }
            }
            self.lines[li].words = keep;
        }
        self.lines.retain(|l| !l.words.is_empty());
    }

    pub(super) fn words_in_band(&self, lo: f32, hi: f32) -> Vec<&Word> {
        let mut out: Vec<&Word> = self
            .lines
            .iter()
            .filter(|l| l.rect.y1 >= lo && l.rect.y0 <= hi)
            .flat_map(|l| l.words.iter())
            .filter(|w| w.rect.cy() >= lo && w.rect.cy() <= hi)
            .collect();
        out.sort_by(|a, b| a.rect.x0.total_cmp(&b.rect.x0));
        out
    }

    /// Is there a box or a vertical rule between x `a` and x `b` in this band?
    pub(super) fn blocked(&self, a: f32, b: f32, lo: f32, hi: f32) -> bool {
        let (a, b) = (a.min(b), a.max(b));
        let hi_x = b;
        let boxes = self
            .boxes
            .iter()
            .any(|b| b.rect.cx() > a && b.rect.cx() < hi_x && (lo..=hi).contains(&b.rect.cy()));
        boxes
            || self
                .vrules
                .iter()
                .any(|r| r.cx() > a && r.cx() < b && r.y1 >= lo && r.y0 <= hi)
    }

    /// A horizontal rule between y `lo` and `hi` across x `a..b`?
    pub(super) fn rule_between(&self, lo: f32, hi: f32, a: f32, b: f32) -> bool {
        self.hrules.iter().any(|r| {
            r.cy() > lo && r.cy() < hi && r.x1.min(b) - r.x0.max(a) > 0.5 * (b - a).min(r.w())
        })
    }

    /// The phrase starting next to `x` on the side `side` in a band: words
    /// spaced as words are, up to a wide gap, a box or a rule.
    pub(super) fn phrase(
        &self,
        x: f32,
        lo: f32,
        hi: f32,
        side: Side,
        reach: f32,
    ) -> Option<(String, Rect)> {
        let words = self.words_in_band(lo, hi);
        // The words in walking order; their near and far edges, seen from `x`.
        let ordered: Vec<&Word> = match side {
            Side::Right => words.into_iter().filter(|w| w.rect.x0 >= x - 1.0).collect(),
            Side::Left => words
                .into_iter()
                .rev()
                .filter(|w| w.rect.x1 <= x + 1.0)
                .collect(),
        };
        let near = |w: &Word| match side {
            Side::Right => w.rect.x0,
            Side::Left => w.rect.x1,
        };
        let far = |w: &Word| match side {
            Side::Right => w.rect.x1,
            Side::Left => w.rect.x0,
        };
        let dist = |from: f32, w: &Word| match side {
            Side::Right => w.rect.x0 - from,
            Side::Left => from - w.rect.x1,
        };
        let first = *ordered.first()?;
        if dist(x, first) > reach.max(1.3 * first.size) || self.blocked(x, near(first), lo, hi) {
            return None;
        }
        let mut picked = vec![first];
        for w in ordered.into_iter().skip(1) {
            let last = picked[picked.len() - 1];
            if dist(far(last), w) > last.size.max(w.size)
                || self.blocked(far(last), near(w), lo, hi)
            {
                break;
            }
            picked.push(w);
        }
        if side == Side::Left {
            picked.reverse();
        }
        joined(&picked)
    }

    /// All the words left of `x` in a band, back to a box, a rule or the
    /// line's start, whatever the gaps (a question before its answers).
    pub(super) fn text_left(&self, x: f32, lo: f32, hi: f32) -> Option<(String, Rect)> {
        let words = self.words_in_band(lo, hi);
        let mut picked: Vec<&Word> = Vec::new();
        let mut edge = x;
        for w in words.iter().rev().filter(|w| w.rect.x1 <= x + 1.0) {
            if self.blocked(w.rect.x1, edge, lo, hi) {
                break;
            }
            picked.push(w);
            edge = w.rect.x0;
        }
        picked.reverse();
        joined(&picked)
    }

    /// The line just above `r` (display space), not crossing a rule, and its
    /// phrase that lies over `x0..x1` (or starts left of `x0` when `left_ok`).
    pub(super) fn line_above(&self, r: &Rect, x0: f32, x1: f32, max_gap: f32) -> Option<&Line> {
        self.lines
            .iter()
            .filter(|l| l.rect.cy() > r.y1 && l.rect.y0 >= r.y1 - 0.4 * l.size)
            .filter(|l| l.rect.y0 - r.y1 <= max_gap.max(1.2 * l.size))
            .filter(|l| {
                l.words
                    .iter()
                    .any(|w| w.rect.x1 >= x0 - 2.0 && w.rect.x0 <= x1)
            })
            .filter(|l| !self.rule_between(r.y1 - 1.0, l.rect.y0 + 0.5, x0, x1.max(x0 + 1.0)))
            .min_by(|a, b| a.rect.y0.total_cmp(&b.rect.y0))
    }

    /// A multi-line question: prepend the lines it continues (same start,
    /// right above, not ending a sentence, no boxes on them).
    pub(super) fn with_lines_above(&self, text: String, rect: Rect) -> String {
        let mut text = text;
        let mut rect = rect;
        for _ in 0..2 {
            let above = self.lines.iter().filter(|l| {
                l.rect.cy() > rect.y1
                    && l.rect.y0 - rect.y1 <= 0.8 * l.size
                    && l.rect.y0 >= rect.y1 - 0.4 * l.size
            });
            let Some(l) = above.min_by(|a, b| a.rect.y0.total_cmp(&b.rect.y0)) else {
                break;
            };
            let first = &l.words[0];
            let starts_same = (first.rect.x0 - rect.x0).abs() <= 8.0;
            let ends = l.words.last().map(|w| w.text.as_str()).unwrap_or("");
            let open = !ends.ends_with(['.', '?', ':', '!']);
            let has_box = self
                .boxes
                .iter()
                .any(|b| b.rect.cy() >= l.rect.y0 && b.rect.cy() <= l.rect.y1);
            let ruled = self.rule_between(rect.y1 - 0.5, l.rect.y0 + 0.5, rect.x0, rect.x1);
            if !starts_same || !open || has_box || ruled {
                break;
            }
            let line: Vec<&str> = l.words.iter().map(|w| w.text.as_str()).collect();
            text = format!("{} {text}", line.join(" "));
            rect = rect.union(&l.rect);
        }
        text
    }

    /// The printed label for a value written at `r` (a FreeText or a text
    /// field): the phrase left of its first line, else the one just above it.
    pub(super) fn label_for(&self, r: &Rect) -> Option<String> {
        if self.garbage {
            return None;
        }
        let hi = r.y1 + 2.0;
        let lo = (r.y1 - 16.0).max(r.y0) - 2.0;
        let label = self
            .phrase(r.x0 + 2.0, lo, hi, Side::Left, 150.0)
            .map(|(t, _)| t)
            .or_else(|| {
                let l = self.line_above(r, r.x0, r.x1, 10.0)?;
                // A row of options is not a label.
                if self
                    .boxes
                    .iter()
                    .any(|b| b.rect.cy() >= l.rect.y0 && b.rect.cy() <= l.rect.y1)
                {
                    return None;
                }
                // The phrase of that line over the value.
                let over: Vec<&Word> = l
                    .words
                    .iter()
                    .filter(|w| w.rect.x1 >= r.x0 - 2.0 && w.rect.x0 <= r.x1)
                    .collect();
                let first = over.first()?;
                let (t, rr) =
                    self.phrase(first.rect.x0 - 0.5, l.rect.y0, l.rect.y1, Side::Right, 1.0)?;
                let start = self
                    .phrase(first.rect.x1 + 0.5, l.rect.y0, l.rect.y1, Side::Left, 1.0)
                    .map(|(_, r)| r.x0)
                    .unwrap_or(rr.x0);
                let (t, rr) = if start < rr.x0 {
                    self.phrase(start - 0.5, l.rect.y0, l.rect.y1, Side::Right, 1.0)
                        .unwrap_or((t, rr))
                } else {
                    (t, rr)
                };
                Some(self.with_lines_above(t, rr))
            })?;
        // Leaders and pointers printed after a label (`Address ▶`, `amount $`).
        let label = collapse(&label)
            .trim_end_matches(|c: char| {
                !c.is_alphanumeric() && !matches!(c, ':' | '?' | ')' | ']' | '*' | '.')
            })
            .to_string();
        (!label.is_empty() && label.chars().count() <= MAX_LABEL_CHARS).then_some(label)
    }

    /// The printed words inside `r`, in reading order.
    pub(super) fn printed_in(&self, r: &Rect) -> String {
        let words: Vec<&str> = self
            .lines
            .iter()
            .flat_map(|l| l.words.iter())
            .filter(|w| {
                w.rect.cx() >= r.x0
                    && w.rect.cx() <= r.x1
                    && w.rect.cy() >= r.y0
                    && w.rect.cy() <= r.y1
            })
            .map(|w| w.text.as_str())
            .collect();
        words.join(" ")
    }

    pub(super) fn widget_box(&self, r: &Rect) -> Option<usize> {
        self.boxes
            .iter()
            .position(|b| b.widget && b.rect.inter(r) >= 0.5 * r.area().min(b.rect.area()))
    }

    /// Boxes on the row of box `bi`, left to right.
    pub(super) fn row(&self, bi: usize) -> Vec<usize> {
        let b = self.boxes[bi].rect;
        let (lo, hi) = (b.y0 - 0.5 * b.h(), b.y1 + 0.5 * b.h());
        let mut row: Vec<usize> = (0..self.boxes.len())
            .filter(|&i| {
                let c = self.boxes[i].rect.cy();
                c >= lo && c <= hi
            })
            .collect();
        row.sort_by(|&a, &b| self.boxes[a].rect.x0.total_cmp(&self.boxes[b].rect.x0));
        row
    }

    pub(super) fn band(&self, bi: usize) -> (f32, f32) {
        let b = self.boxes[bi].rect;
        (b.y0 - 0.5 * b.h(), b.y1 + 0.5 * b.h())
    }

    pub(super) fn option_label(&self, bi: usize, side: Side) -> Option<(String, Rect)> {
        let b = self.boxes[bi].rect;
        let (lo, hi) = self.band(bi);
        let x = match side {
            Side::Right => b.x1,
            Side::Left => b.x0,
        };
        self.phrase(x, lo, hi, side, 12.0)
    }

    /// For a box: the question it answers (if the page shows it) and the
    /// option it stands for.
    pub(super) fn box_answer(&self, bi: usize) -> Option<(Option<String>, String)> {
        if self.garbage {
            return None;
        }
        let row = self.row(bi);
        let last = *row.last()?;
        let side = if self.option_label(last, Side::Right).is_some() {
            Side::Right
        } else {
            Side::Left
        };
        let (option, orect) = self.option_label(bi, side)?;
        let mut option = tidy_option(&option);
        if weak_label(&option) {
            return None;
        }
        // `Other (please specify):` and what was written after it.
        if side == Side::Right && option.ends_with(':') {
            let (lo, hi) = self.band(bi);
            if let Some((more, mr)) = self.phrase(orect.x1, lo, hi, Side::Right, 150.0) {
                // Only a one-line entry: a written block that spans more
                // lines than the option's would be cut.
                let stacked = self.lines.iter().any(|l| {
                    let dy = (l.rect.cy() - mr.cy()).abs();
                    dy > 0.5 * l.size
                        && dy < 1.6 * l.size.max(mr.h())
                        && l.words.iter().any(|w| (w.rect.x0 - mr.x0).abs() <= 3.0)
                });
                if !stacked {
                    option = format!("{option} {more}");
                }
            }
        }
        if option.is_empty() || option.chars().count() > MAX_LABEL_CHARS {
            return None;
        }
        // The run of boxes this one answers with: back through Yes/No options
        // for a Yes/No answer, back through all the row's boxes otherwise.
        let pos = row.iter().position(|&i| i == bi)?;
        let mut start = pos;
        let yn = bare_answer(&option);
        while start > 0 {
            let prev = row[start - 1];
            let prev_label = self.option_label(prev, side).map(|(t, _)| t);
            let prev_yn = prev_label.as_deref().is_some_and(bare_answer);
            if yn && !prev_yn {
                break;
            }
            start -= 1;
        }
        let first = row[start];
        let edge = match side {
            Side::Right => self.boxes[first].rect.x0,
            Side::Left => self
                .option_label(first, side)
                .map(|(_, r)| r.x0)
                .unwrap_or(self.boxes[first].rect.x0),
        };
        let (lo, hi) = self.band(bi);
        let question = self
            .text_left(edge, lo, hi)
            .map(|(t, r)| self.with_lines_above(t, r))
            .or_else(|| self.heading(first, yn));
        let question = question
            .map(|q| tidy_question(&q))
            .filter(|q| !q.is_empty() && q.chars().count() <= 2 * MAX_LABEL_CHARS);
        Some((question, option))
    }

    /// The heading over a column of boxes (or over a row of Yes/No boxes):
    /// the line right above the column's first box, starting left of it.
    pub(super) fn heading(&self, bi: usize, yes_no: bool) -> Option<String> {
        // Up the column: boxes at the same x, one under the other.
        let mut top = bi;
        loop {
            let t = self.boxes[top].rect;
            let next = (0..self.boxes.len())
                .filter(|&i| {
                    let r = self.boxes[i].rect;
                    (r.x0 - t.x0).abs() <= 3.0 && r.cy() > t.y1 && r.y0 - t.y1 <= 2.5 * t.h()
                })
                .min_by(|&a, &b| self.boxes[a].rect.y0.total_cmp(&self.boxes[b].rect.y0));
            match next {
                Some(n) if n != top => top = n,
                _ => break,
            }
        }
        let t = self.boxes[top].rect;
        let line = self
            .lines
            .iter()
            .filter(|l| l.rect.cy() > t.y1 && l.rect.y0 >= t.cy())
            .filter(|l| l.rect.y0 - t.y1 <= 1.6 * l.size)
            .min_by(|a, b| a.rect.y0.total_cmp(&b.rect.y0))?;
        if self
            .boxes
            .iter()
            .any(|b| b.rect.cy() >= line.rect.y0 && b.rect.cy() <= line.rect.y1)
        {
            return None;
        }
        // Its phrase that starts at or left of the box.
        let first = line.words.iter().rev().find(|w| w.rect.x0 <= t.x0 + 6.0)?;
        if self.rule_between(t.y1 - 0.5, line.rect.y0 + 0.5, first.rect.x0, t.x1) {
            return None;
        }
        let start = self
            .phrase(
                first.rect.x1 + 0.5,
                line.rect.y0,
                line.rect.y1,
                Side::Left,
                1.0,
            )
            .map(|(_, r)| r.x0)
            .unwrap_or(first.rect.x0);
        let (text, rect) =
            self.phrase(start - 0.5, line.rect.y0, line.rect.y1, Side::Right, 1.0)?;
        if yes_no && !text.ends_with(['?', ':']) {
            return None;
        }
        Some(self.with_lines_above(text, rect))
    }

    /// The boxes that carry a mark: a printed `☒`, or dark ink lying on one
    /// box (and not on two alike), not rubbed out by white ink painted after.
    pub(super) fn marked_boxes(&self) -> Vec<usize> {
        let mut marked: Vec<usize> = (0..self.boxes.len())
            .filter(|&i| self.boxes[i].checked)
            .collect();
        for ink in self.inks.iter().filter(|i| !i.light) {
            let erased = self.inks.iter().any(|e| {
                e.light && e.seq > ink.seq && ink.rect.inter(&e.rect) >= 0.6 * ink.rect.area()
            });
            if erased {
                tracing::debug!("a check mark painted over in white: left out");
                continue;
            }
            let mut scores: Vec<(f32, usize)> = self
                .boxes
                .iter()
                .enumerate()
                .filter_map(|(i, b)| {
                    let inter = ink.rect.inter(&b.rect);
                    if ink.solid {
                        (inter >= 0.9 * ink.rect.area() && ink.rect.area() <= 0.8 * b.rect.area())
                            .then_some((1.0, i))
                    } else {
                        let s = inter / b.rect.area().max(0.01);
                        (s >= 0.2).then_some((s, i))
                    }
                })
                .collect();
            scores.sort_by(|a, b| b.0.total_cmp(&a.0));
            match scores.as_slice() {
                [] => {}
                [(_, i)] => marked.push(*i),
                [(s1, i), (s2, _), ..] => {
                    if *s2 < 0.7 * s1 {
                        marked.push(*i);
                    } else {
                        tracing::debug!("a mark across two boxes: left out");
                    }
                }
            }
        }
        marked.sort_unstable();
        marked.dedup();
        marked
    }

    /// Answer lines for the marked boxes (those a field does not already
    /// answer for), with where they are, Yes-and-No contradictions left out.
    pub(super) fn mark_answers(&self, answered: &[usize]) -> Vec<(Rect, String)> {
        let mut answers: Vec<(Rect, Option<String>, String)> = Vec::new();
        for bi in self.marked_boxes() {
            if answered.contains(&bi) {
                continue;
            }
            if let Some((q, o)) = self.box_answer(bi) {
                answers.push((self.boxes[bi].rect, q, o));
            }
        }
        let contradicted = |q: &Option<String>| {
            let of_q: Vec<Option<bool>> = answers
                .iter()
                .filter(|a| a.1 == *q)
                .map(|a| yes_no(&a.2))
                .collect();
            q.is_some() && of_q.contains(&Some(true)) && of_q.contains(&Some(false))
        };
        let mut out = Vec::new();
        for (r, q, o) in &answers {
            if yes_no(o).is_some() && contradicted(q) {
                tracing::debug!("a question answered both Yes and No: left out");
                continue;
            }
            if let Some(line) = answer_line(q.as_deref(), o) {
                out.push((*r, line));
            }
        }
        out
    }
}

/// Words as one phrase: their text and the rectangle around them.
fn joined(words: &[&Word]) -> Option<(String, Rect)> {
    let first = words.first()?;
    let text = words
        .iter()
        .map(|w| w.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let rect = words.iter().fold(first.rect, |r, w| r.union(&w.rect));
    Some((text, rect))
}

/// A box glyph's em box is taller than the square it draws.
fn glyph_box(r: &Rect) -> Rect {
    let side = r.w().min(r.h());
    Rect {
        x0: r.cx() - side / 2.0,
        y0: r.cy() - side / 2.0,
        x1: r.cx() + side / 2.0,
        y1: r.cy() + side / 2.0,
    }
}

/// An option's printed label without a dangling bracket (`No)`) or an
/// unclosed aside (`Urgent (In checking this box, I attest...`).
pub(super) fn tidy_option(s: &str) -> String {
    let mut s = collapse(s);
    if let Some(i) = s.find('(') {
        if !s[i..].contains(')') && i > 0 {
            s.truncate(i);
        }
    }
    let opens = s.matches('(').count();
    let closes = s.matches(')').count();
    let mut s = s.trim().to_string();
    if closes > opens && s.ends_with(')') {
        s.pop();
    }
    if opens > closes && s.starts_with('(') {
        s.remove(0);
    }
    s.trim().to_string()
}

/// A label of function words only (`if`, `or`): part of a sentence the box
/// sits in, not the option's name.
pub(super) fn weak_label(s: &str) -> bool {
    s.split_whitespace().all(|w| {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        matches!(
            w.as_str(),
            "" | "if"
                | "and"
                | "or"
                | "the"
                | "of"
                | "to"
                | "a"
                | "an"
                | "in"
                | "on"
                | "for"
                | "with"
                | "by"
                | "at"
                | "as"
                | "is"
                | "are"
                | "be"
        )
    })
}

fn tidy_question(s: &str) -> String {
    collapse(s)
}

/// Glyphs -> lines of words (display space), top to bottom.
fn build_lines(glyphs: &[&Glyph]) -> Vec<Line> {
    let mut sorted: Vec<&Glyph> = glyphs.to_vec();
    sorted.sort_by(|a, b| b.rect.cy().total_cmp(&a.rect.cy()));
    let mut groups: Vec<(f32, f32, Vec<&Glyph>)> = Vec::new();
    for g in sorted {
        match groups.last_mut() {
            Some((cy, size, gs)) if (g.rect.cy() - *cy).abs() <= 0.35 * size.max(g.size) => {
                gs.push(g);
            }
            _ => groups.push((g.rect.cy(), g.size, vec![g])),
        }
    }
    let mut lines = Vec::new();
    for (_, _, mut gs) in groups {
        gs.sort_by(|a, b| a.rect.x0.total_cmp(&b.rect.x0));
        let mut words: Vec<Word> = Vec::new();
        let mut cur: Option<Word> = None;
        for g in gs {
            // A space splits the word it was shown with, not the words of
            // another text that it happens to overlap (trailing blanks of a
            // printed line under a value written over them).
            let blank = g.text.chars().all(char::is_whitespace);
            let split = cur.as_ref().is_some_and(|w| {
                blank && g.seq.abs_diff(w.seq) <= 2
                    || !blank && g.rect.x0 - w.rect.x1 > 0.25 * w.size.max(g.size)
            });
            if split {
                words.extend(cur.take());
            }
            if blank {
                continue;
            }
            match &mut cur {
                Some(w) => {
                    w.text.push_str(&g.text);
                    w.rect = w.rect.union(&g.rect);
                    w.size = w.size.max(g.size);
                    w.seq = g.seq;
                }
                None => {
                    cur = Some(Word {
                        rect: g.rect,
                        text: g.text.clone(),
                        size: g.size,
                        seq: g.seq,
                    })
                }
            }
        }
        words.extend(cur);
        // Blanks to fill in (`_____`, `.....`) are not words.
        words.retain(|w| !w.text.chars().all(|c| c == '_' || c == '.' || c == '…'));
        let words: Vec<Word> = words
            .into_iter()
            .map(|mut w| {
                w.text = w.text.trim_matches('_').to_string();
                w
            })
            .filter(|w| !w.text.is_empty())
            .collect();
        if words.is_empty() {
            continue;
        }
        let rect = words
            .iter()
            .skip(1)
            .fold(words[0].rect, |r, w| r.union(&w.rect));
        let size = words.iter().map(|w| w.size).fold(0.0, f32::max);
        lines.push(Line { rect, words, size });
    }
    lines
}
