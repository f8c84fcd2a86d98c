//! Values a sentence gives only by arithmetic, which a claim states as one
//! number: the total of the item scores it lists ("CAT score: 24" against
//! "CAT items today: cough 3, phlegm 3, ..."), the change between two values
//! it gives in one unit ("height loss 3.5 cm" against "Ht 157.5 cm (was 161
//! cm)"), and the mean of a series ("averaging 12 episodes a day" against
//! "episodes per day: 9, 14, 11, 13, 13").
//!
//! A derived value confirms a claimed one only when the claim says which
//! arithmetic it did (a score's name beside a listed total, a word of change,
//! a word of averaging) and the values agree at the precision the claim
//! writes. It never opposes a claim: a list may be partial, and a sentence
//! may give values of two things.

use std::sync::LazyLock;

use regex::Regex;

use crate::quantity::{agrees as quantity_agrees, Cmp, QKind, Quantity};

/// A claim's word for a change between two values ("lost", "a loss of",
/// "diuresed", "an improvement of", "grew by", "additional").
static DIFFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(additional|difference|net|increased? (by|of)|decreased? (by|of)|gain(ed)? of|gained|loss|lost|dropped|fell|rose|change[sd]? (by|of)|reduction of|diures(ed|is)|improve(d|ment) (by|of)|shr(ank|unk) by|gr(ew|own) by|enlarged by|progressed by)\b",
    )
    .unwrap()
});

/// A claim's mean and the number it gives ("averaging 12", "an average of
/// 14", "mean 4.5").
static MEAN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:averag(?:e|es|ed|ing)|mean)(?:\s+(?:of|about|around|approximately|roughly|nearly|~))*\s+(\d+(?:\.\d+)?)\b").unwrap()
});

/// A claim's change in percentage points ("an absolute improvement of 13
/// percentage points"): a difference of two percents.
static POINTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d+(?:\.\d+)?)\s*(?:percentage|percent)\s+points?\b").unwrap()
});

/// A rate in mL an hour and the hours it runs: "70 mL/h x 19 h/day", "at 80
/// mL/hr over 12 hours".
static RATE_HOURS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d+(?:\.\d+)?)\s*ml/hr?\b\s*(?:x|×|for|over)\s*(\d+(?:\.\d+)?)\s*(?:h|hrs?|hours?)\b").unwrap()
});

/// The number an item of a list ends with ("cough 3", "Level 2: 7.5").
static ITEM_VALUE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[\s:=(])(\d+(?:\.\d+)?)\)?$").unwrap());

/// Three or more bare numbers in a row, separated by commas ("9, 14, 11, 13").
static SERIES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[\s:(])(\d+(?:\.\d+)?(?:\s*,\s*\d+(?:\.\d+)?){2,})(?:[\s.;)]|$)").unwrap()
});

/// What a candidate confirms of a claim by arithmetic.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Derived {
    /// The claim's quantities the arithmetic gives, each with how, as the
    /// candidate's values of the claim's kind.
    pub(crate) quantities: Vec<Quantity>,
    /// The claim's numbers as written that the arithmetic gives (for the
    /// key terms the candidate shares with the claim).
    pub(crate) numbers: Vec<String>,
}

/// The values `cand` (with quantities `found`) gives by arithmetic that
/// `claim` (with quantities `claimed`) states.
pub(crate) fn derived(
    claim: &str,
    claimed: &[Quantity],
    cand: &str,
    found: &[Quantity],
) -> Derived {
    let mut out = Derived::default();
    // Most pairs give no reason to compute anything: say so cheaply.
    let change = DIFFERENCE.is_match(claim);
    let mean = MEAN.is_match(claim);
    let named_or_unit = claimed
        .iter()
        .any(|q| matches!(q.kind, QKind::Named(_) | QKind::Unit(_)));
    if !change && !mean && !named_or_unit {
        return out;
    }
    for q in claimed
        .iter()
        .filter(|q| q.cmp == Cmp::Eq && q.hi.is_none())
    {
        let written = written_number(&q.surface);
        // A score's total: the candidate names the score and lists its items.
        if let QKind::Named(name) = &q.kind {
            if let Some(items) = items_after(cand, name) {
                let sum: f64 = items.iter().sum();
                if agrees(written, q.value, sum) && !items.contains(&q.value) {
                    confirm(
                        &mut out,
                        q,
                        sum,
                        format!("the sum of its {} listed items", items.len()),
                    );
                    continue;
                }
            }
        }
        // A change or a total of the candidate's values in the claim's unit
        // (which the numbers' comparison confirms too: here it makes the
        // candidate bear on the claim).
        if matches!(q.kind, QKind::Unit(_)) {
            let same: Vec<&Quantity> = found.iter().filter(|f| f.kind == q.kind).collect();
            if difference_or_sum(claim, q, &same) && !out.numbers.iter().any(|n| n == written) {
                out.numbers.push(written.to_string());
            }
        }
    }
    // A volume from a rate and the hours it runs ("70 mL/h x 19 h/day" is
    // 1,330 mL): a feed's or an infusion's daily volume.
    for q in claimed
        .iter()
        .filter(|q| q.kind == QKind::Unit("mL") && q.cmp == Cmp::Eq)
    {
        for c in RATE_HOURS.captures_iter(cand) {
            let (Ok(rate), Ok(hours)) = (c[1].parse::<f64>(), c[2].parse::<f64>()) else {
                continue;
            };
            let volume = Quantity {
                value: rate * hours,
                ..q.clone()
            };
            if quantity_agrees(q, &volume) {
                let how = format!("{rate} mL/h for {hours} h");
                confirm(&mut out, q, rate * hours, how);
            }
        }
    }
    // A mean of a series the candidate lists, the number after the claim's
    // word for it.
    if mean {
        let all = series(cand);
        for c in MEAN.captures_iter(claim) {
            let written = c.get(1).map_or("", |m| m.as_str());
            let Ok(value) = written.parse::<f64>() else {
                continue;
            };
            let Some(values) = all
                .iter()
                .find(|values| values.len() >= 3 && agrees(written, value, mean_of(values)))
            else {
                continue;
            };
            let how = format!("the mean of {} listed values", values.len());
            // (Of a count or a value, not of how long: "averaging 4 a week for 3
            // months".)
            let kind: fn(&QKind) -> bool = |k| !matches!(k, QKind::Duration | QKind::PerDay);
            confirm_written(&mut out, claimed, (written, kind), mean_of(values), how);
        }
    }
    // A change in percentage points, which the quantities do not read as a
    // percent: the difference of two of the candidate's percents.
    if change {
        let percents: Vec<f64> = found
            .iter()
            .filter(|f| f.kind == QKind::Unit("%") && f.cmp == Cmp::Eq && f.hi.is_none())
            .map(|f| f.value)
            .collect();
        for c in POINTS.captures_iter(claim) {
            let written = c.get(1).map_or("", |m| m.as_str());
            let Ok(value) = written.parse::<f64>() else {
                continue;
            };
            if let Some(d) = differences(&percents)
                .into_iter()
                .find(|d| agrees(written, value, *d))
            {
                let how = "the difference of two of its percents".to_string();
                // (The change of a measure: "FEV1 improved by 9".)
                let kind: fn(&QKind) -> bool =
                    |k| matches!(k, QKind::ChangeOf(_) | QKind::Measure(_) | QKind::Named(_));
                confirm_written(&mut out, claimed, (written, kind), d, how);
            }
        }
    }
    out
}

/// A claimed value that is the difference or the sum of values a sentence
/// gives, when the claim says it is one: "4 mm of additional translation"
/// from "12 mm on flexion and 8 mm on extension", "a total of 14" from its
/// parts. Without such a word, a different number is a different number.
pub(crate) fn difference_or_sum(claim_text: &str, claimed: &Quantity, found: &[&Quantity]) -> bool {
    static SUM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\b(total|combined|in all|altogether|sum)\b").unwrap());
    let exact: Vec<f64> = found
        .iter()
        .filter(|f| f.cmp == Cmp::Eq && f.hi.is_none())
        .map(|f| f.value)
        .collect();
    if claimed.hi.is_some() || exact.len() < 2 {
        return false;
    }
    // "lost more than 5 pounds": a bound is checked against the whole change,
    // from the largest value to the smallest.
    if claimed.cmp != Cmp::Eq {
        let (lo, hi) = exact
            .iter()
            .fold((f64::MAX, f64::MIN), |(l, h), v| (l.min(*v), h.max(*v)));
        return DIFFERENCE.is_match(claim_text)
            && quantity_agrees(
                claimed,
                &Quantity {
                    value: hi - lo,
                    cmp: Cmp::Eq,
                    ..claimed.clone()
                },
            );
    }
    let close = |v: f64| {
        let q = Quantity {
            value: v,
            ..claimed.clone()
        };
        quantity_agrees(claimed, &q)
    };
    let pairs = || {
        exact
            .iter()
            .enumerate()
            .flat_map(|(i, x)| exact[i + 1..].iter().map(move |y| (*x, *y)))
    };
    (DIFFERENCE.is_match(claim_text) && pairs().any(|(x, y)| close((x - y).abs())))
        || (SUM.is_match(claim_text)
            && (pairs().any(|(x, y)| close(x + y)) || close(exact.iter().sum())))
}

/// Records that the arithmetic gives the claim's number `written`: as the
/// claim's quantity of a fitting `kind` written with it, if any (the change
/// of a measure, a count), else as a number only.
fn confirm_written(
    out: &mut Derived,
    claimed: &[Quantity],
    (written, kind): (&str, fn(&QKind) -> bool),
    value: f64,
    how: String,
) {
    match claimed
        .iter()
        .find(|q| written_number(&q.surface) == written && kind(&q.kind))
    {
        Some(q) => confirm(out, q, value, how),
        None if !out.numbers.iter().any(|n| n == written) => out.numbers.push(written.to_string()),
        None => {}
    }
}

/// Records that the arithmetic gives the claim's `q` (as `value`, by `how`).
fn confirm(out: &mut Derived, q: &Quantity, value: f64, how: String) {
    let written = written_number(&q.surface);
    if out.numbers.iter().any(|n| n == written) {
        return;
    }
    out.numbers.push(written.to_string());
    out.quantities.push(Quantity {
        kind: q.kind.clone(),
        value: q.value,
        cmp: Cmp::Eq,
        hi: None,
        surface: format!("{} ({how})", trim_value(value)),
    });
}

/// The number a quantity's surface starts with ("24" of "CAT 24" is its
/// last word; "3.5" of "3.5 cm" its first).
fn written_number(surface: &str) -> &str {
    surface
        .split_whitespace()
        .find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit()))
        .unwrap_or_default()
}

/// Does `derived` equal the claimed `value`, written as `written`, at the
/// precision the claim writes it ("12" is more than 11.5 and less than 12.5;
/// "3.5" is within 0.05 of 3.5)?
fn agrees(written: &str, value: f64, derived: f64) -> bool {
    let decimals = written.split_once('.').map_or(0, |(_, f)| f.len()) as i32;
    let half = 0.5 * 10f64.powi(-decimals);
    (derived - value).abs() < half - 1e-9
}

fn mean_of(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The positive differences of each pair of distinct values.
fn differences(values: &[f64]) -> Vec<f64> {
    let mut out = Vec::new();
    for (i, x) in values.iter().enumerate() {
        for y in &values[i + 1..] {
            if x != y {
                out.push((x - y).abs());
            }
        }
    }
    out
}

/// The values of the items listed after the score's `name` in `cand`: the
/// text after the name and the colon that follows it, split at commas,
/// semicolons and spaced slashes, each piece ending with its number ("SALT
/// items: vertex 40, ..."). At least three, every piece with one; otherwise
/// `None` (a sentence that lists other things, or gives the total itself).
fn items_after(cand: &str, name: &str) -> Option<Vec<f64>> {
    let upper = cand.to_uppercase();
    let at = upper.find(&name.to_uppercase())?;
    let rest = &cand[at + name.len()..];
    // The list starts at the colon after the name, within a few words.
    let colon = rest.find(':').filter(|&i| i <= 40)?;
    let list = &rest[colon + 1..];
    let mut values = Vec::new();
    for piece in list.split([',', ';']).flat_map(|p| p.split(" / ")) {
        let piece = piece.trim().trim_end_matches('.').trim_end();
        if piece.is_empty() {
            continue;
        }
        let c = ITEM_VALUE.captures(piece)?;
        values.push(c.get(1)?.as_str().parse::<f64>().ok()?);
    }
    (values.len() >= 3).then_some(values)
}

/// The values of a score's items written on a row of their own, under a
/// head that names the score ("INCAT disability score:", then "Arm: 2
/// (disability in both arms ...)" and "Leg: 3 (walking with ...)"; "Q1
/// fatigue 6"; "1. Apparent sadness ........ 5"), one or more numbered items
/// to a row ("1. Little interest: 3 2. Feeling down: 3"). `None` for a row
/// with an item that gives no value or more than one (a table with a column
/// per visit), a date, or a total or another score of its own.
pub(crate) fn item_row_values(row: &str) -> Option<Vec<f64>> {
    static ITEM_NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(?:[A-Za-z]?\d{1,2}[a-z]?[.):]?|[a-z][.)])\s+").unwrap());
    // (An item numbered inside the row: " 2. Feeling down".)
    static NEXT_ITEM: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\s\d{1,2}[.)]\s+[A-Za-z]").unwrap());
    let row = row.trim();
    // (A sentence of several lines is read line by line: "1. Apparent
    // sadness .... 5\n2. Reported sadness .... 5".)
    if row.contains('\n') {
        let mut values = Vec::new();
        for line in row.lines().filter(|l| !l.trim().is_empty()) {
            values.extend(item_row_values(line)?);
        }
        return Some(values);
    }
    if row.chars().count() > 400 {
        return None;
    }
    let lower = row.to_lowercase();
    if ["total", "score", "sum"].iter().any(|w| lower.contains(w))
        || !crate::dates::find(row).is_empty()
    {
        return None;
    }
    // (A row of cells, "Pain intensity 4 | Personal care 4 | Lifting 5",
    // gives an item in each.)
    if row.contains(" | ") {
        let mut values = Vec::new();
        for cell in row.split(" | ") {
            values.push(item_value(cell.trim())?);
        }
        return Some(values);
    }
    let row = ITEM_NUMBER.find(row).map_or(row, |m| &row[m.end()..]);
    let mut starts: Vec<usize> = vec![0];
    starts.extend(NEXT_ITEM.find_iter(row).map(|m| m.start() + 1));
    starts.push(row.len());
    starts
        .windows(2)
        .map(|w| {
            let piece = ITEM_NUMBER
                .find(&row[w[0]..w[1]])
                .map_or(&row[w[0]..w[1]], |m| &row[w[0] + m.end()..w[1]]);
            item_value(piece)
        })
        .collect()
}

/// The one value of an item: "Arm: 2 (disability ...)", "fatigue 6",
/// "Apparent sadness ........ 5", "Lips 2/4".
fn item_value(item: &str) -> Option<f64> {
    static NUMBER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\d+(?:\.\d+)?(?:/\d+)?").unwrap());
    if item.chars().count() > 160 {
        return None;
    }
    // What parentheses add describes the item ("2 (disability in both arms
    // ...)"): it is no value.
    let mut plain = String::with_capacity(item.len());
    let mut depth = 0usize;
    for c in item.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    // The item's label comes first: at least one word of three letters.
    let label_end = plain.find(|c: char| c.is_ascii_digit())?;
    if !plain[..label_end]
        .split(|c: char| !c.is_alphabetic())
        .any(|w| w.chars().count() >= 3)
    {
        return None;
    }
    // One number, standing alone ("Arm: 2", "2/4", after dot leaders), is
    // the value.
    let numbers: Vec<regex::Match> = NUMBER.find_iter(&plain).collect();
    let [n] = numbers.as_slice() else {
        return None;
    };
    let alone = plain[..n.start()].ends_with([' ', ':', '=', '.'])
        && plain[n.end()..]
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ' ' | ',' | '.' | ';'));
    let value = n.as_str().split('/').next()?;
    if !alone || value.len() > 3 {
        return None;
    }
    value.parse().ok()
}

/// The maximum of each item a score's head gives: "item scores today, 0-5
/// each", "(0-4 per item)", "item scores 0-6".
pub(crate) fn item_maximum(head: &str) -> Option<f64> {
    static MAX: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b0\s*(?:-|–|to)\s*(\d{1,2})\b(?:\s*(?:each|per item|points? each))?")
            .unwrap()
    });
    let c = MAX.captures(head)?;
    let max: f64 = c[1].parse().ok()?;
    (max > 0.0).then_some(max)
}

/// Does `sum` give the value `q` a claim writes, at the precision it is
/// written, other than as one of the `items` themselves?
pub(crate) fn total_agrees(q: &Quantity, sum: f64, items: &[f64]) -> bool {
    agrees(written_number(&q.surface), q.value, sum) && !items.contains(&q.value)
}

/// Each run of three or more comma-separated bare numbers in `cand`.
fn series(cand: &str) -> Vec<Vec<f64>> {
    SERIES
        .captures_iter(cand)
        .filter_map(|c| {
            c.get(1)?
                .as_str()
                .split(',')
                .map(|n| n.trim().parse::<f64>().ok())
                .collect()
        })
        .collect()
}

/// A value as a reason shows it: "12", "3.5", "31.5".
fn trim_value(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quantity::quantities;

    fn check(claim: &str, cand: &str) -> Derived {
        derived(claim, &quantities(claim, &[]), cand, &quantities(cand, &[]))
    }

    fn nothing(claim: &str, cand: &str) -> bool {
        check(claim, cand) == Derived::default()
    }

    #[test]
    fn an_item_row_gives_its_one_value() {
        let item_row_value = |row: &str| match item_row_values(row).as_deref() {
            Some([v]) => Some(*v),
            _ => None,
        };
        assert_eq!(
            item_row_value("Arm: 2 (disability in both arms)"),
            Some(2.0)
        );
        assert_eq!(item_row_value("1a LOC: 0"), Some(0.0));
        assert_eq!(item_row_value("Q3 peripheral joint pain 3"), Some(3.0));
        assert_eq!(item_row_value("Lips and perioral area 2/4"), Some(2.0));
        assert_eq!(
            item_row_value("1. Apparent sadness ............ 5"),
            Some(5.0)
        );
        assert_eq!(
            item_row_values("1. Apparent sadness ..... 5\n2. Reported sadness ..... 4").as_deref(),
            Some(&[5.0, 4.0][..])
        );
        assert_eq!(
            item_row_values("1. Little interest: 3 2. Feeling down, hopeless: 3").as_deref(),
            Some(&[3.0, 3.0][..])
        );
        // A row with a value per visit, a date, a total, no label or a unit's
        // number gives none.
        assert_eq!(item_row_value("2. Lips and perioral area 2 3"), None);
        assert_eq!(item_row_value("Jaw 1 on 10/14/2026"), None);
        assert_eq!(item_row_value("Total: 9"), None);
        assert_eq!(item_row_value("2 (mild)"), None);
        assert_eq!(item_row_value("Plan: admit to the stroke unit."), None);
        assert_eq!(item_row_value("Hemoglobin 10.2 g/dL 12.0-15.5"), None);
    }

    #[test]
    fn a_named_scores_total_is_the_sum_of_the_items_listed_after_its_name() {
        let d = check(
            "Her most recent MIDAS score: 31",
            "MIDAS items this visit: missed work 6, reduced work 8, missed chores 5, reduced chores 7, missed leisure 5.",
        );
        assert_eq!(d.numbers, ["31"]);
        assert!(d.quantities[0]
            .surface
            .contains("sum of its 5 listed items"));
        // Another total, or items that carry units, or two items only, give
        // nothing.
        assert!(nothing("Her most recent MIDAS score: 30", "MIDAS items this visit: missed work 6, reduced work 8, missed chores 5, reduced chores 7, missed leisure 5."));
        assert!(nothing(
            "Her most recent MIDAS score: 31",
            "MIDAS today: Hgb 10 g/dL, plt 12 K/uL, WBC 9 K/uL"
        ));
        assert!(nothing(
            "MIDAS score: 14",
            "MIDAS items: missed work 6, reduced work 8"
        ));
        // A list far from the name is not its items.
        assert!(nothing(
            "MIDAS score: 31",
            "MIDAS reviewed with the patient at length today and then: a 6, b 8, c 5, d 7, e 5"
        ));
    }

    #[test]
    fn a_claimed_change_is_the_difference_of_two_values_in_its_unit() {
        let d = check(
            "She has lost 6.5 kg since the spring.",
            "Weight today 81.3 kg (was 87.8 kg in April).",
        );
        assert_eq!(d.numbers, ["6.5"]);
        // Without a word of change a difference confirms nothing ("weighs 6.5
        // kg" is not a change).
        assert!(nothing(
            "The mass weighs 6.5 kg.",
            "Weight today 81.3 kg (was 87.8 kg in April)."
        ));
        // Nor does another difference, nor another unit.
        assert!(nothing(
            "She has lost 7 kg since the spring.",
            "Weight today 81.3 kg (was 87.8 kg)."
        ));
        assert!(
            check("He lost 2 cm of height.", "Ht 170 cm; wt 72 kg, was 74 kg.")
                .numbers
                .is_empty()
        );
        // A size that grew is the difference of two sizes.
        assert_eq!(
            check(
                "The nodule grew by 3 mm over a year.",
                "Nodule now 9 mm (6 mm a year ago)."
            )
            .numbers,
            ["3"]
        );
        // Percentage points are the difference of two percents.
        assert_eq!(
            check(
                "FEV1 improved by 9 percentage points on therapy.",
                "FEV1 65% predicted, up from 56% before therapy."
            )
            .numbers,
            ["9"]
        );
    }

    #[test]
    fn a_daily_volume_is_a_rate_times_its_hours() {
        let d = check(
            "Formula volume per day: 1,200 mL",
            "Continuous feeds at 60 mL/h x 20 h/day via G-tube.",
        );
        assert_eq!(d.numbers, ["1200"]);
        assert!(nothing(
            "Formula volume per day: 1,500 mL",
            "Continuous feeds at 60 mL/h x 20 h/day via G-tube."
        ));
    }

    #[test]
    fn a_claimed_average_is_the_mean_of_a_listed_series() {
        let d = check(
            "He has been averaging 4 awakenings per night.",
            "Sleep log, awakenings per night: 3, 5, 4, 4, 3.",
        );
        assert_eq!(d.numbers, ["4"]);
        assert!(d.quantities[0].surface.contains("mean of 5 listed values"));
        // Another mean, or two values only, or no word of averaging.
        assert!(nothing(
            "He wakes averaging 6 times a night.",
            "Awakenings per night: 3, 5, 4, 4, 3."
        ));
        assert!(nothing(
            "He wakes averaging 4 times a night.",
            "Awakenings per night: 3, 5."
        ));
        assert!(nothing(
            "He wakes 4 times a night.",
            "Awakenings per night: 3, 5, 4, 4, 3."
        ));
    }
}
