//! Numbers that matter in a claim: measure values (`HbA1c 9.1%`), quantities
//! with units (`4.2 cm`, `12 pounds`), durations (`six weeks`, `3+ yrs`),
//! frequencies (`4x/day`) and pain scores (`7/10`). Dates are removed first so
//! `10/02/2026` is never read as a number.

use std::sync::LazyLock;

use regex::Regex;

/// What a number is.
#[derive(Debug, Clone, PartialEq)]
pub enum QKind {
    /// A value bound to a lexicon measure (entry index).
    Measure(usize),
    /// How much a lexicon measure changed ("heart rate rose by 32", or "HR 58
    /// -> 90" read as a change of 32).
    ChangeOf(usize),
    /// A quantity with a normalized unit.
    Unit(&'static str),
    /// A duration in days.
    Duration,
    /// A frequency per day.
    PerDay,
    /// Pain on a 0-10 scale.
    Pain,
    /// A score out of a maximum other than 10 (`FIM 38/91`): the maximum.
    ScoreOf(u32),
    /// A count of things (`three hospitalizations`, `2 new lesions`): the
    /// stemmed noun counted.
    Count(String),
    /// A value written after the abbreviated name of a score, scale or test
    /// that the lexicon does not list (`MIDAS 42`, `ECOG performance status
    /// 1`, `SES-CD of 14`): the name, upper-cased.
    Named(String),
}

/// How the text qualifies the number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    /// Exactly (within tolerance).
    Eq,
    /// More than / at least / over / `3+`.
    AtLeast,
    /// Less than / below / under.
    AtMost,
}

/// A number found in text.
#[derive(Debug, Clone, PartialEq)]
pub struct Quantity {
    /// What it measures.
    pub kind: QKind,
    /// The value (durations in days, frequencies per day).
    pub value: f64,
    /// The qualifier.
    pub cmp: Cmp,
    /// Upper end when the text gives a range (`BMI 40.0-44.9`).
    pub hi: Option<f64>,
    /// The text as written, for reasons.
    pub surface: String,
}

impl Quantity {
    /// The unit of a `Unit` quantity as the parser names it ("kg"), else "".
    pub fn kind_unit(&self) -> &'static str {
        match self.kind {
            QKind::Unit(u) => u,
            _ => "",
        }
    }
}

static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{1,2}/(19|20)\d{2}\b|\b(19|20)\d{2}\b").unwrap()
});
const NUM: &str = r"(\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)";
static DURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{NUM}(\+)?(?:\s*-\s*|\s+)(hours?|hrs?|h|days?|d|weeks?|wks?|months?|mos?|years?|yrs?)\b"
    ))
    .unwrap()
});
static FREQ: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{NUM}\s*(?:x|times)\s*(?:/|per|a|each)?\s*(day|daily|week|wk)\b"
    ))
    .unwrap()
});
/// Days of a week or a month on which something is done: "6 days a week",
/// "5 d/wk", "8-9 d/mo" (the range's upper end), "6/7 days".
static DAYS_PER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{NUM}(?:\s*(?:-|to)\s*{NUM})?\s*(?:days?|d|nights?)\s*(?:a|per|/|each|every)\s*(week|wk|month|mo)\b|\b(\d)\s*/\s*7\s*(?:days|d|nights)\b"
    ))
    .unwrap()
});
/// After a count of days, the period it is per: "6 days| a week".
static PER_PERIOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:a|per|/|each|every)\s*(?:week|wk|month|mo)\b").unwrap()
});
/// Before a days' supply: a quantity dispensed ("#30/30 days", "qty 90 / 90 days").
static DAYS_SUPPLY_BEFORE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:#|\bqty:?)\s*\d+\s*/\s*$").unwrap());
/// After a days' supply: "30-day supply", "90 days' supply".
static DAYS_SUPPLY_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^['’]?\s*(?:of\s+)?supply\b").unwrap());
/// After a number of hours: a time each day ("3 h/day", "2 hours a day").
static PER_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:a|per|/|each|every)\s*(?:day|d|night|shift)\b").unwrap()
});
static PAIN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\b(\d{1,2})\s*/\s*10\b").unwrap());
static UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b(\d+(?:\.\d+)?)\s*[x×]\s*)?\b(\d+(?:\.\d+)?)\s*(%|percent|mg/dl|mg/l|mm\s?hg|kg/m2|ml/m(?:2|\^2|²)|g/m(?:2|\^2|²)|ml/min(?:/1\.73\s?m(?:2|\^2|²))?|ml/h(?:r)?|ml|l/min|mcg/g|ug/g|µg/g|ng/ml|pg/ml|mmol/l|umol/l|µmol/l|miu/l|uiu/ml|miu/ml|u/ml|cells/(?:ul|µl|mm3)|(?:x\s?10\^?3|10\^3|k)/(?:ul|µl)|x\s?10\^?9/l|cm\s?h2o|cm|mm|microns?|µm|μm|um|lbs?|pounds|kg|mcg|mg|units|events/h|events per hour|/hr|/h|iu/ml|u/l|meq/l|degrees|deg|°|g/dl|g/l|/mm3|/mcl|grams?|gm|g|ms|msec|milliseconds?|seconds?|secs?|s|meters?|metres?|m|ft|feet|yds?|yards?)(?:\b|\s|$|[,.;)])")
        .unwrap()
});
/// Verbs of change: "rose", "increasing", "a drop", "improves", "went down".
const CHANGE_VERBS: &str = r"(?:increas\w*|decreas\w*|ris\w*|rose|drop\w*|fell|fall\w*|chang\w*|improv\w*|reduc\w*|gain\w*|lost|los\w*|went up|went down)";
/// A change of a measure ("rose by", "increasing by", "a drop of"), before its amount.
static CHANGE_BY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"(?i)\b{CHANGE_VERBS}\s+(?:by|of)\s*$")).unwrap());
/// A change, then at most a few words, then "by" its amount: "improves the
/// superior field by", "fell by".
static CHANGED_BY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(?i)\b{CHANGE_VERBS}\b[^.;:]{{0,40}}?\bby\s*$")).unwrap()
});
/// A second value after a measure's first: "58 supine -> 90", "58 to 90" (at most
/// two words between).
static CHANGE_TO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^%?(?:\s+[a-z/]+){0,2}\s*(->|→|to)\s*(\d+(?:\.\d+)?)\b").unwrap()
});
/// How many doses a day the text right after a dose gives ("BID", "three times
/// daily"), when more than one.
fn doses_a_day(after: &str) -> Option<f64> {
    static TIMES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^[\s,]*(?:(?:po|by mouth|oral(?:ly)?|tabs?|caps?)\s+)?(bid|b\.i\.d\.|twice (?:a day|daily)|tid|t\.i\.d\.|three times (?:a day|daily)|qid|q\.i\.d\.|four times (?:a day|daily))\b")
            .unwrap()
    });
    let c = TIMES.captures(after)?;
    times_a_day(&c[1].to_lowercase())
}

/// Doses a day of a frequency written several times a day (lowercase): "bid",
/// "twice daily", "t.i.d.", "three times a day", "qid", "four times daily",
/// "q12h", "q8h".
fn times_a_day(w: &str) -> Option<f64> {
    if w.starts_with('b') || w.starts_with("twice") {
        Some(2.0)
    } else if w.starts_with('t') {
        Some(3.0)
    } else if w.starts_with("qid") || w.starts_with("q.i.d") || w.starts_with("four") {
        Some(4.0)
    } else {
        let hours: f64 = w.strip_prefix('q')?.strip_suffix('h')?.parse().ok()?;
        (hours > 0.0).then(|| 24.0 / hours)
    }
}

/// A dose with how often it is taken: "40 mg PO twice daily" is 40 mg, 2 a
/// day; "40 mg every 2 weeks" is 40 mg, 1/14 a day.
#[derive(Clone, Debug, PartialEq)]
pub struct Regimen {
    /// Byte offset of the dose in its sentence.
    pub at: usize,
    /// The dose's unit ("mg", "mcg", "units").
    pub unit: &'static str,
    /// The amount of one dose.
    pub dose: f64,
    /// Doses a day (a fraction for weekly and longer intervals).
    pub per_day: f64,
    /// The text as written, for reasons.
    pub surface: String,
}

/// Every dose in `text` whose frequency follows it ("1200 mg TID", "40 mg qd",
/// "50 mg SC weekly", "300 mg every 2 weeks"). A dose without a written
/// frequency is no regimen.
pub fn regimens(text: &str) -> Vec<Regimen> {
    static HOW_OFTEN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^[\s,]*(?:(?:po|by mouth|oral(?:ly)?|tabs?|caps?|sc|sq|subq|subcut(?:aneous(?:ly)?)?|im|iv|inhaled|sl|pr|top(?:ical(?:ly)?)?)\.?\s+){0,2}(?P<f>bid|b\.i\.d\.?|twice (?:a day|daily)|tid|t\.i\.d\.?|three times (?:a day|daily)|qid|q\.i\.d\.?|four times (?:a day|daily)|q\s?(?P<h>\d{1,2})\s?h(?:rs?|ours?)?|every (?P<h2>\d{1,2}) hours?|once (?:a day|daily)|daily|qd|q\.d\.?|qam|qpm|qhs|nightly|at bedtime|every (?:morning|evening|night)|q\s?day|weekly|once (?:a )?week(?:ly)?|every week|q\s?(?:1\s?)?wk|every (?P<w>\d) weeks|q\s?(?P<w2>\d)\s?w(?:ee)?ks?|monthly|every month|once a month)\b")
            .unwrap()
    });
    let mut out = Vec::new();
    for c in UNIT.captures_iter(text) {
        if c.get(1).is_some() {
            continue;
        }
        let unit = unit_name(&c[3]);
        if unit_is_result(unit) {
            continue;
        }
        let Ok(dose) = c[2].parse::<f64>() else {
            continue;
        };
        let end = c.get(0).unwrap().end();
        let Some(f) = HOW_OFTEN.captures(&text[end..]) else {
            continue;
        };
        let w = f["f"].to_lowercase();
        let hours = f
            .name("h")
            .or(f.name("h2"))
            .and_then(|h| h.as_str().parse::<f64>().ok());
        let weeks = f
            .name("w")
            .or(f.name("w2"))
            .and_then(|h| h.as_str().parse::<f64>().ok());
        let per_day = if let Some(h) = hours.filter(|h| *h > 0.0) {
            24.0 / h
        } else if let Some(k) = weeks.filter(|k| *k > 0.0) {
            1.0 / (7.0 * k)
        } else if let Some(n) = times_a_day(&w) {
            n
        } else if w.contains("week") || w.contains("wk") {
            1.0 / 7.0
        } else if w.contains("month") {
            1.0 / 28.0
        } else {
            1.0
        };
        out.push(Regimen {
            at: c.get(2).unwrap().start(),
            unit,
            dose,
            per_day,
            surface: format!("{}{}", c[0].trim_end_matches([',', '.', ';', ')']), &f[0]),
        });
    }
    out
}

/// Two regimens are the same: one dose, equally often; or the same amount a
/// day ("20 mg BID" and "40 mg daily"). A monthly dose is one every four weeks.
pub fn same_regimen(a: &Regimen, b: &Regimen) -> bool {
    let close = |x: f64, y: f64| (x - y).abs() <= 0.1 * x.abs().max(y.abs());
    a.unit == b.unit
        && (close(a.dose * a.per_day, b.dose * b.per_day)
            || (close(a.dose, b.dose) && close(a.per_day, b.per_day)))
}

/// Units no lexicon measure is written in (weights, lengths, doses), after a number.
static OTHER_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:lbs?|pounds|kg|mg|mcg|cm|in|inches|ft|ml|units|yrs?|years?|wks?|weeks?|mos?|months?|days?)(?:\s|$|[,.;)])")
        .unwrap()
});
/// An interval, before its length: "every 8 hours", "q 6 hours", "each 2 weeks".
static EVERY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:every|q|each|once every)\s*$").unwrap());
/// A look-back window before a duration: "in the past", "within the last", "over the previous".
static WINDOW: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(past|last|previous|prior|within|within the|in the)\s*$").unwrap()
});
static RANGE_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:(\d+(?:\.\d+)?)\s*[-–]|\b(?:rang(?:e|es|ed|ing)\s+(?:from\s+)?|between\s+)(\d+(?:\.\d+)?)\s+(?:to|and))\s*$")
        .unwrap()
});
/// Words that make "X to Y" after them a range, not a change: "ranging from
/// 62 to 318", "between 4 and 6".
static RANGE_WORDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b(?:rang(?:e|es|ed|ing)(?:\s+from)?|between)\s*$").unwrap());
static LESS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(less than|below|under|fewer than|<|<=|≤)\s*$").unwrap());
static MORE: LazyLock<Regex> = LazyLock::new(|| {
    // (Not an arrow's ">": "18.2 -> 6.4".)
    Regex::new(
        r"(?i)(more than|over|above|at least|greater than|longer than|(?:^|[^-=])>|(?:^|[^-=])>=|≥)\s*$",
    )
    .unwrap()
});

fn num(s: &str) -> Option<f64> {
    let words = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve",
    ];
    let l = s.to_lowercase();
    words
        .iter()
        .position(|w| *w == l)
        .map(|i| (i + 1) as f64)
        .or_else(|| l.parse().ok())
}

fn unit_name(u: &str) -> &'static str {
    match u.to_lowercase().replace(' ', "").as_str() {
        "%" | "percent" => "%",
        "mg/dl" => "mg/dL",
        "mg/l" => "mg/L",
        "mmhg" => "mmHg",
        "kg/m2" => "kg/m2",
        // A volume or a mass indexed to body surface area ("LAVI 41 mL/m2",
        // "LV mass index 118 g/m2"): a result, no volume given or dose.
        "ml/m2" | "ml/m^2" | "ml/m²" => "mL/m2",
        "g/m2" | "g/m^2" | "g/m²" => "g/m2",
        // A pressure ("PEEP 8 cm H2O"), no length.
        "cmh2o" => "cmH2O",
        "cm" => "cm",
        "mm" => "mm",
        "micron" | "microns" | "µm" | "μm" | "um" => "um",
        "lb" | "lbs" | "pounds" => "lb",
        "kg" => "kg",
        "mcg" => "mcg",
        "mg" => "mg",
        "units" => "units",
        "events/h" | "eventsperhour" | "/hr" | "/h" => "/h",
        "iu/ml" => "IU/mL",
        "u/l" => "U/L",
        "meq/l" => "mEq/L",
        "g/dl" => "g/dL",
        "g" | "gm" | "gram" | "grams" => "g",
        "ms" | "msec" | "millisecond" | "milliseconds" => "ms",
        "s" | "sec" | "secs" | "second" | "seconds" => "s",
        // A distance walked ("402 m", "stops after ~100 yd", "150 feet").
        "m" | "meter" | "meters" | "metre" | "metres" => "m",
        "ft" | "feet" => "ft",
        "yd" | "yds" | "yard" | "yards" => "yd",
        "ml/h" | "ml/hr" => "mL/h",
        "ml" => "mL",
        "l/min" => "L/min",
        "mcg/g" | "ug/g" | "µg/g" => "mcg/g",
        "ng/ml" => "ng/mL",
        "pg/ml" => "pg/mL",
        "mmol/l" => "mmol/L",
        "umol/l" | "µmol/l" => "umol/L",
        "miu/l" | "uiu/ml" | "miu/ml" => "mIU/L",
        "u/ml" => "U/mL",
        "cells/ul" | "cells/µl" | "cells/mm3" | "/mm3" | "/mcl" => "/uL",
        "g/l" => "g/L",
        u if u.starts_with("ml/min") => "mL/min",
        u if u.ends_with("/ul") || u.ends_with("/µl") || u.ends_with("9/l") => "K/uL",
        _ => "degrees",
    }
}

static SCORE_OF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(\d{1,3})\s*(?:/|of|out of)\s*(\d{2,3})\b").unwrap());
static COUNT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b{NUM}\s+((?:[a-z]+(?:\s*(?:-\s*)+[a-z]+)?\s+){{0,3}}?)([a-z]{{4,}}s)\b"
    ))
    .unwrap()
});
/// A count written after its noun, as notes do: "OCS bursts x3", "ED visits x 2".
static COUNT_AFTER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\b([a-z]{4,}s)\s*x\s*(\d{1,2})\b").unwrap());
/// A count a form's field gives after its label, which opens with the noun:
/// "Hospitalizations: 1 (01/03-01/07/2027, ...)", "Hospitalizations for right
/// heart failure in the past 12 months: 2", "ED visits in past year: 3",
/// "Number of prescribers (12 mo): 2", "# of ED visits: 4".
// (A field's count may be followed by its window, "Falls: 4 since
// February", "Falls reported: 3 in last 6 mo", and follow a section's label,
// "Subjective: Falls reported: 3".)
static COUNT_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^|[.;|:]\s+|\n\s*)(?:(?:number|no\.|#|total|count)\s+of\s+)?(?:[a-z]+\s+)?([a-z]{4,}s)\b[^:|\n.;]{0,70}?:\s*(\d{1,2})(?:$|\s*[,;|(]|\s+(?:[(\[]|$)|\.(?:\s|$)|\s+(?:in|since|over|during|within|this|last|past)\b)")
        .unwrap()
});
/// Nouns a count is not about: units, time, doses, and words that make the
/// number something else ("two of three", "3 times").
const NOT_COUNTED: &[&str] = &[
    "hour", "hours", "days", "weeks", "months", "years", "times", "minutes", "seconds", "units",
    "point", "points", "percent", "pounds", "inches", "feet", "yards", "meters", "degrees",
    "puffs", "tablets", "capsules", "doses", "grams", "daily", "weekly", "monthly", "nights", "mg",
    "with", "from", "than", "and", "more", "less", "over", "each", "per",
];

/// Units whose values a supporting document must repeat (clinical results:
/// also an angle, a range of motion in degrees), as opposed to doses, which
/// notes often leave out.
pub fn unit_is_result(u: &str) -> bool {
    !matches!(u, "mg" | "mcg" | "units" | "mL" | "mL/h" | "L/min")
}

/// "over" after the word of a process that took the time ("taper over",
/// "off over", "lost 20 lb over", "titrated over"): the span, not a bound. (A
/// bound follows a word that asks how long: "for over", "of over", "in over",
/// "just over", "well over", "been over", or opens the clause.)
static SPAN_OVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:taper(?:ed|ing)?|off|weaned|titrated|increased|decreased|reduced|escalated|lost|gained|declined|worsened|improved|progressed|developed|evolved|given|infused|administered|spread|completed|healed|resolved)\b(?:\s+[\w./%-]+){0,3}?\s+over\s*$").unwrap()
});

static BOUND_OVER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:for|of|in|just|well|been|than|lasting)\s+over\s*$").unwrap()
});

fn qualifier(before: &str) -> Cmp {
    if MORE.is_match(before) {
        Cmp::AtLeast
    } else if LESS.is_match(before) {
        Cmp::AtMost
    } else {
        Cmp::Eq
    }
}

/// A bound written after its value: "PAWP 15 mmHg or less" is at most 15,
/// "30 days or more" at least 30.
fn trailing_comparisons(text: &str, out: &mut [Quantity]) {
    static AFTER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^\s*or\s+(less|lower|below|fewer|under|more|greater|higher|above|longer)\b",
        )
        .unwrap()
    });
    let mut bounded: Vec<(f64, Cmp)> = Vec::new();
    for q in out
        .iter_mut()
        .filter(|q| q.cmp == Cmp::Eq && q.hi.is_none())
    {
        // (A named value's surface joins its name and number, "MIC 16", which
        // the text may part with a verb: "the amikacin MIC is 16 or lower".)
        let found = text
            .find(q.surface.as_str())
            .map(|at| at + q.surface.len())
            .or_else(|| {
                let number = q
                    .surface
                    .split_whitespace()
                    .skip_while(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
                    .collect::<Vec<_>>()
                    .join(" ");
                let name = q.surface.split_whitespace().next()?;
                let from = text.find(name)? + name.len();
                (!number.is_empty() && number != q.surface)
                    .then(|| {
                        text[from..]
                            .find(number.as_str())
                            .map(|i| from + i + number.len())
                    })
                    .flatten()
            });
        let Some(end) = found else {
            continue;
        };
        let Some(c) = AFTER.captures(&text[end..]) else {
            continue;
        };
        q.cmp = match c[1].to_ascii_lowercase().as_str() {
            "less" | "lower" | "below" | "fewer" | "under" => Cmp::AtMost,
            _ => Cmp::AtLeast,
        };
        bounded.push((q.value, q.cmp));
    }
    // (The same number read as a named value, "PAWP 15", takes the bound.)
    for q in out
        .iter_mut()
        .filter(|q| q.cmp == Cmp::Eq && q.hi.is_none())
    {
        if let Some(&(_, cmp)) = bounded.iter().find(|b| b.0 == q.value) {
            q.cmp = cmp;
        }
    }
}

/// Replace dates with spaces of the same length, so offsets stay put.
fn blank_dates(s: &str) -> String {
    DATE.replace_all(s, |c: &regex::Captures| " ".repeat(c[0].len()))
        .into_owned()
}

/// A goal or a target is no value measured: in "LDL goal <55 mg/dL" and
/// "titrate to the target of 97/103 mg twice daily" the numbers are blanked
/// (spaces of the same length), so a claimed goal is matched by its words and
/// never compared with a result, nor a result with it.
fn blank_targets(s: String) -> String {
    static TARGET: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:goals?|targets?)\b((?:\s+(?:ldl(?:-c)?|a1c|hba1c|bp|blood\s+pressure|weight|of|is|was|for|range|level|value|dose|remains))*\s*[:=]?\s*(?:<=|>=|<|>|≤|≥|below|under|above|over|less\s+than|greater\s+than|at\s+least|at\s+most|of)?\s*)(\d+(?:\.\d+)?(?:\s*(?:/|-|–|to)\s*\d+(?:\.\d+)?)?(?:\s*(?:%|mg/dl|mmol/l|mm\s?hg|mg|mcg|ng/ml|kg|lbs?))?)")
            .unwrap()
    });
    // (So is a limit an order sets: "treated area not to exceed 20% BSA",
    // "dose not exceeding 4 g/day".)
    static LIMIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bnot\s+(?:to\s+exceed|exceeding)\b(\s*)(\d+(?:\.\d+)?(?:\s*(?:%|mg|mcg|g|ml|units?)\b)?)")
            .unwrap()
    });
    let s = if LIMIT.is_match(&s) {
        blank_value_group(&LIMIT, s)
    } else {
        s
    };
    if !TARGET.is_match(&s) {
        return s;
    }
    blank_value_group(&TARGET, s)
}

/// A predicted value is no value measured: in "Predicted distance
/// (Enright): 466 m" and "FEV1 1.19 L, predicted 2.28 L" the predicted
/// numbers are blanked, as goals are ([`blank_targets`]). ("49% predicted",
/// a share of it, is the measured value's.)
fn blank_predicted(s: String) -> String {
    static PREDICTED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\bpredicted\b((?:\s+[a-z][a-z0-9]*){0,2}\s*(?:\([^)]{0,24}\)\s*)?[:=]?\s*)(\d+(?:\.\d+)?(?:\s*(?:m|meters|ft|feet|l|ml|%)\b)?)")
            .unwrap()
    });
    if !PREDICTED.is_match(&s) {
        return s;
    }
    blank_value_group(&PREDICTED, s)
}

/// `s` with group 2 of every match of `re` blanked (spaces of the same
/// length).
fn blank_value_group(re: &Regex, s: String) -> String {
    re.replace_all(&s, |c: &regex::Captures| {
        let m = c.get(0).unwrap();
        let v = c.get(2).unwrap();
        format!(
            "{}{}",
            &s[m.start()..v.start()],
            " ".repeat(v.as_str().chars().count())
        )
    })
    .into_owned()
}

/// A result table's row puts its value, its flag and its unit in cells of
/// their own: "Anti-dsDNA Ab | 212 | H | IU/mL | <30". The cell borders
/// between a value and its unit (and a flag cell between them: H, L, HH, LL,
/// A, High, Low, `*`) become spaces of the same length, so the value reads with
/// its unit, as "212 IU/mL" does in prose.
fn join_table_cells(s: &str) -> std::borrow::Cow<'_, str> {
    static CELLS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(\d)(\s*\|(?:\s*(?:HH|LL|H|L|A|high|low|\*{1,2})\s*\|)?\s*)(%|mg/dl|mg/l|mm\s?hg|kg/m2|cm|mm|lbs?|kg|mcg|mg|units|iu/ml|u/l|meq/l|g/dl|g/l|g|ms)(\s*(?:\||$))")
            .unwrap()
    });
    // A report printed without cell borders keeps the flag between the value
    // and its unit too: "Hemoglobin 9.8 L g/dL 12.0-15.5". (The flag is in
    // capitals there; "2 l" is litres.)
    static SPACED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d)([ \t]+(?:HH|LL|H|L)[ \t]+)((?i:%|mg/dl|mg/l|mm\s?hg|ml/min(?:/1\.73\s?m(?:2|\^2|²))?|ng/ml|pg/ml|mmol/l|umol/l|µmol/l|miu/l|uiu/ml|miu/ml|u/ml|cells/(?:ul|µl|mm3)|(?:x\s?10\^?3|10\^3|k)/(?:ul|µl)|x\s?10\^?9/l|mcg/g|ug/g|mcg|mg|units|iu/ml|u/l|meq/l|g/dl|g/l|/mm3|/mcl|ms|sec))(\s|$|[,;])")
            .unwrap()
    });
    let joined =
        |c: &regex::Captures| format!("{}{}{}{}", &c[1], " ".repeat(c[2].len()), &c[3], &c[4]);
    let s = match SPACED.replace_all(s, joined) {
        std::borrow::Cow::Borrowed(_) => std::borrow::Cow::Borrowed(s),
        std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(o),
    };
    if !s.contains('|') {
        return s;
    }
    match CELLS.replace_all(&s, joined) {
        std::borrow::Cow::Borrowed(_) => s,
        std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(o),
    }
}

/// Quantities of a sentence. `measures` are lexicon measure mentions as
/// `(entry, char end of the mention)`, in order; a measure binds the first bare
/// number within a few words after it, unless another measure comes first.
pub fn quantities(sentence: &str, measures: &[(usize, usize, usize)]) -> Vec<Quantity> {
    if !may_hold_numbers(sentence) {
        return Vec::new();
    }
    let text = blank_predicted(blank_targets(blank_dates(&join_thousands(
        &join_table_cells(sentence),
    ))));
    let mut out = Vec::new();
    durations(&text, &mut out);
    frequencies(&text, &mut out);
    pain_scores(&text, &mut out);
    unit_values(&text, &mut out);
    blood_pressures(&text, &mut out);
    unit_column_row(&text, &mut out);
    fill_daily_doses(&text, &mut out);
    sig_daily_doses(&text, &mut out);
    scores_of(&text, &mut out);
    counts(&text, &mut out);
    verb_counts(&text, &mut out);
    measure_values(&text, measures, &mut out);
    unit_in_name_rows(&text, measures, &mut out);
    let bound: Vec<f64> = out
        .iter()
        .filter(|q| matches!(q.kind, QKind::Measure(_)))
        .map(|q| q.value)
        .collect();
    named_values(&text, measures, &mut out);
    eponym_scores(&text, &mut out);
    bone_density_scores(&text, &mut out);
    trailing_comparisons(&text, &mut out);
    // A number a lexicon measure already binds is that measure's value, not
    // the value of a name before it: "Nadir oxygen saturation on PSG: 79
    // percent" gives the saturation, not a "PSG" of 79.
    out.retain(|q| !(matches!(q.kind, QKind::Named(_)) && bound.contains(&q.value)));
    body_heights(&text, &mut out);
    // A cell count in thousands per microlitre is the same count per
    // microlitre: "Eos abs 0.41 x10^3/uL" is "410 cells/uL".
    // (A concentration in grams per litre is the same in grams or milligrams
    // per decilitre: "IgG 8.12 g/L" is "812 mg/dL", "Hgb 91 g/L" is "9.1 g/dL".)
    let counts: Vec<Quantity> = out
        .iter()
        .flat_map(|q| {
            // (And a body weight in kilograms is the same weight in pounds:
            // "wt down 4 kg" is "lost about 9 pounds".)
            let same: &[(QKind, f64)] = match q.kind {
                QKind::Unit("K/uL") => &[(QKind::Unit("/uL"), 1000.0)],
                QKind::Unit("/uL") => &[(QKind::Unit("K/uL"), 0.001)],
                QKind::Unit("kg") => &[(QKind::Unit("lb"), LB_PER_KG)],
                QKind::Unit("lb") => &[(QKind::Unit("kg"), 1.0 / LB_PER_KG)],
                QKind::Unit("g/L") => &[(QKind::Unit("g/dL"), 0.1), (QKind::Unit("mg/dL"), 100.0)],
                QKind::Unit("g/dL") => &[(QKind::Unit("g/L"), 10.0)],
                // (A length in centimetres is the same in millimetres: "LVEDD
                // 6.4 cm" is "64 mm".)
                QKind::Unit("cm") => &[(QKind::Unit("mm"), 10.0)],
                QKind::Unit("mm") => &[(QKind::Unit("cm"), 0.1)],
                // (A distance walked in metres is the same in feet or yards:
                // "6MWT 210 m" is "689 feet".)
                QKind::Unit("m") => &[
                    (QKind::Unit("ft"), 1.0 / M_PER_FT),
                    (QKind::Unit("yd"), 1.0 / M_PER_YD),
                ],
                QKind::Unit("ft") => {
                    &[(QKind::Unit("m"), M_PER_FT), (QKind::Unit("yd"), 1.0 / 3.0)]
                }
                QKind::Unit("yd") => &[(QKind::Unit("m"), M_PER_YD), (QKind::Unit("ft"), 3.0)],
                _ => &[],
            };
            same.iter().map(|(kind, factor)| Quantity {
                kind: kind.clone(),
                value: q.value * factor,
                hi: q.hi.map(|h| h * factor),
                surface: q.surface.clone(),
                cmp: q.cmp,
            })
        })
        .collect();
    out.extend(counts);
    out
}

/// A height in feet and inches ("Height 5 ft 5 in", "5'5\"", "5 ft 5") is
/// one length, in centimetres as notes also write it ("Ht 165 cm"): not five
/// feet.
fn body_heights(text: &str, out: &mut Vec<Quantity>) {
    static FEET_INCHES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)\b([4-7])\s*(?:ft|feet|foot|')\s*(\d{1,2}(?:\.\d)?)\s*(?:in\b|inches\b|"|”|'')?"#).unwrap()
    });
    for c in FEET_INCHES.captures_iter(text) {
        let (Ok(feet), Ok(inches)) = (c[1].parse::<f64>(), c[2].parse::<f64>()) else {
            continue;
        };
        if inches >= 12.0 {
            continue;
        }
        let feet_surface = c[0]
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ");
        // (The feet read alone, "5 ft", go.)
        out.retain(|q| {
            let written = q.surface.trim();
            !(q.kind == QKind::Unit("ft")
                && ((q.value == feet && c[0].starts_with(written)) || written == feet_surface))
        });
        out.push(Quantity {
            kind: QKind::Unit("cm"),
            value: ((feet * 12.0 + inches) * 2.54 * 10.0).round() / 10.0,
            cmp: Cmp::Eq,
            hi: None,
            surface: c[0].trim().to_string(),
        });
    }
}

/// Metres in a foot and in a yard.
const M_PER_FT: f64 = 0.3048;
const M_PER_YD: f64 = 0.9144;

/// A length read in another unit than it is written in ("5.8 cm" as 58 mm,
/// "9 mm" as 0.9 cm), as `quantities` adds it. A sentence often gives the
/// sizes of several structures ("fibroid 5.8 cm, endometrium 9 mm"), so such
/// a length only ever agrees with a claimed one; a weight in the other unit
/// ("77.5 kg" against "150 lb") is the same measure and is compared.
pub(crate) fn is_length_conversion(q: &Quantity) -> bool {
    let QKind::Unit(u) = q.kind else {
        return false;
    };
    let Some(written) = q.surface.split_whitespace().nth(1) else {
        return false;
    };
    matches!((u, unit_name(written)), ("mm", "cm") | ("cm", "mm"))
}

/// A blood pressure gives both its numbers in mmHg, written with its unit
/// ("118/72 mmHg") or after its name ("BP 118/72"): a claim's "118/72 mmHg"
/// is a note's "BP 118/72".
fn blood_pressures(text: &str, out: &mut Vec<Quantity>) {
    static BP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)(?:\b(?:bp|blood pressure)\b[^0-9|]{0,12}(\d{2,3})\s*/\s*(\d{2,3})\b|\b(\d{2,3})\s*/\s*(\d{2,3})\s*mm\s?hg\b)").unwrap()
    });
    for c in BP.captures_iter(text) {
        let (sys, dia) = match (c.get(1).or(c.get(3)), c.get(2).or(c.get(4))) {
            (Some(s), Some(d)) => (s.as_str(), d.as_str()),
            _ => continue,
        };
        for v in [sys, dia] {
            let Ok(value) = v.parse::<f64>() else {
                continue;
            };
            let kind = QKind::Unit("mmHg");
            if out.iter().any(|q| q.kind == kind && q.value == value) {
                continue;
            }
            out.push(Quantity {
                kind,
                value,
                cmp: Cmp::Eq,
                hi: None,
                surface: format!("{v} mmHg"),
            });
        }
    }
}

/// A cumulative result table's row gives its unit once, in a column of its
/// own before the values, one per date: "FERRITIN | ng/mL | 38 L | 486 H | 355
/// | 312 | 30-400" gives 38, 486, 355 and 312 ng/mL (each value with at most a
/// flag; a reference range is none).
fn unit_column_row(text: &str, out: &mut Vec<Quantity>) {
    if !text.contains('|') {
        return;
    }
    let cells: Vec<&str> = text.split('|').map(str::trim).collect();
    if cells.len() < 3 {
        return;
    }
    // The unit's cell: right after the name, with the values after it
    // ("FERRITIN | ng/mL | 41 | 26 L"), or after the values, before the
    // reference range ("ANC | 3.9 | 0.3 L | 2.9 | x10^3/uL | 1.5-7.8").
    let unit_of = |cell: &str| {
        if cell.is_empty() {
            return None;
        }
        let probe = format!("1 {cell}");
        let c = UNIT.captures(&probe)?;
        (c.get(1).is_none() && c.get(2).unwrap().start() == 0 && c[3].len() == cell.len())
            .then(|| unit_name(&c[3]))
    };
    // (Or in parentheses in the name's cell: "IgE, total (IU/mL) | -- | 41 |
    // 0-100".)
    let in_name = || {
        let name = cells[0].trim_end();
        let inner = name.strip_suffix(')')?.rsplit_once('(')?.1;
        unit_of(inner.trim()).map(|u| (0, u))
    };
    let Some((at, unit)) = cells
        .iter()
        .enumerate()
        .skip(1)
        .find_map(|(i, cell)| unit_of(cell).map(|u| (i, u)))
        .or_else(in_name)
    else {
        return;
    };
    let values = match at {
        0 => &cells[1..],
        1 => &cells[2..],
        _ => &cells[1..at],
    };
    for cell in values {
        let mut parts = cell.split_whitespace();
        let Some(v) = parts.next() else { continue };
        let flag = parts.next();
        if parts.next().is_some()
            || flag.is_some_and(|f| !matches!(f, "H" | "L" | "HH" | "LL" | "A" | "*" | "**"))
            || !v.starts_with(|ch: char| ch.is_ascii_digit())
        {
            continue;
        }
        let Ok(value) = v.parse::<f64>() else {
            continue;
        };
        out.push(Quantity {
            kind: QKind::Unit(unit),
            value,
            cmp: Cmp::Eq,
            hi: None,
            surface: format!("{v} {unit}"),
        });
    }
}

/// A cumulative table printed without cell borders (as text extraction gives
/// one laid out in columns): each line a name with its unit in parentheses,
/// then one value per date, each with at most a flag, then the reference
/// range: "GGT (U/L) 210 H 188 H 190 H 176 H 7-38" gives 210, 188, 190 and
/// 176 U/L. A lexicon measure the name gives (`measures`: entry, first
/// and end char) takes each value too: "Hemoglobin A1c (%) 7.2 H 7.9 H".
fn unit_in_name_rows(text: &str, measures: &[(usize, usize, usize)], out: &mut Vec<Quantity>) {
    static ROW: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?m)^\s*[A-Za-z][A-Za-z0-9 ,/'+-]{0,40}?\s*\(([^()\n]{1,14})\)((?:[ \t]+\d+(?:\.\d+)?(?:[ \t]+(?:HH|LL|H|L|A|\*{1,2}))?){1,8})(?:[ \t]+(?:[<>]\s*)?\d+(?:\.\d+)?\s*-\s*\d+(?:\.\d+)?|[ \t]+[<>]\s*\d+(?:\.\d+)?)?[ \t]*$")
            .unwrap()
    });
    if !text.contains('(') {
        return;
    }
    for c in ROW.captures_iter(text) {
        let probe = format!("1 {}", c[1].trim());
        let Some(u) = UNIT.captures(&probe) else {
            continue;
        };
        if u.get(1).is_some() || u.get(2).unwrap().start() != 0 || u[3].len() != c[1].trim().len() {
            continue;
        }
        let unit = unit_name(&u[3]);
        let row = c.get(0).unwrap();
        let (from, to) = (
            text[..row.start()].chars().count(),
            text[..c.get(1).unwrap().start()].chars().count(),
        );
        let measure = measures
            .iter()
            .find(|m| from <= m.1 && m.2 <= to)
            .map(|m| m.0);
        // (A name in capitals, "GGT (U/L)", gives its values as the name's too,
        // as "GGT 210" does.)
        let head = c[0].trim_start();
        let name = head[..head.find('(').unwrap_or(0)]
            .split_whitespace()
            .last()
            .map(|w| w.trim_matches(|ch: char| matches!(ch, ',' | ':')))
            .filter(|w| {
                (2..=8).contains(&w.len())
                    && w.starts_with(|ch: char| ch.is_ascii_uppercase())
                    && w.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
                    && w.chars().filter(|ch| ch.is_ascii_uppercase()).count() >= 2
                    && w.chars().filter(|ch| ch.is_ascii_lowercase()).count() <= 1
                    && !w.chars().all(|ch| matches!(ch, 'I' | 'V' | 'X'))
            })
            .map(str::to_uppercase)
            .filter(|n| !NOT_MEASURES.contains(&n.as_str()));
        for v in c[2].split_whitespace() {
            if !v.starts_with(|ch: char| ch.is_ascii_digit()) {
                continue;
            }
            let Ok(value) = v.parse::<f64>() else {
                continue;
            };
            // (Each reading once: another reader may have taken the value.)
            let mut push_once = |kind: QKind, surface: String| {
                if !out.iter().any(|q| q.value == value && q.kind == kind) {
                    out.push(Quantity {
                        kind,
                        value,
                        cmp: Cmp::Eq,
                        hi: None,
                        surface,
                    });
                }
            };
            push_once(QKind::Unit(unit), format!("{v} {unit}"));
            if let Some(e) = measure {
                push_once(QKind::Measure(e), v.to_string());
            }
            if let Some(name) = &name {
                push_once(QKind::Named(name.clone()), format!("{name} {v}"));
            }
        }
    }
}

/// A score named for a person or a place, in words that are no
/// abbreviation: "St Mark's incontinence score is 19", "St Mark's (Vaizey)
/// score 16", "Wexner score 14". The name is the run of capitalized words
/// before "score" (a parenthesized alias and up to two lower-case words
/// between them), without an opening pronoun or article; its value the
/// number right after "score" (and "is", "was", "of", ":" or "=").
fn eponym_scores(text: &str, out: &mut Vec<Quantity>) {
    static SCORE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"((?:\b[A-Z][a-z]+(?:'s)?\s+){1,3})(?:\([^()]{1,20}\)\s+)?(?:[a-z]+\s+){0,2}?score\s*(?:(?:is|was|of)\s+|[:=]\s*)?(\d{1,3}(?:\.\d)?)\b(?:\s*(?:/|out of)\s*\d)?")
            .unwrap()
    });
    const NOT_NAMES: &[&str] = &[
        "her", "his", "their", "the", "a", "an", "this", "that", "latest", "current", "most",
        "total", "baseline", "recent", "last", "initial", "today", "today's", "she", "he",
    ];
    if !text.contains("score") {
        return;
    }
    for c in SCORE.captures_iter(text) {
        // ("... out of 30" is a score of its own maximum, read elsewhere.)
        if c[0].contains('/') || c[0].contains("out of") {
            continue;
        }
        let written: Vec<&str> = c[1]
            .split_whitespace()
            .skip_while(|w| NOT_NAMES.contains(&w.to_lowercase().as_str()))
            .collect();
        if written.is_empty() {
            continue;
        }
        let name = written
            .iter()
            .map(|w| w.trim_end_matches("'s").to_uppercase())
            .collect::<Vec<_>>()
            .join(" ");
        let Ok(value) = c[2].parse::<f64>() else {
            continue;
        };
        // (A value another name already has, "HF Functional Scale (HFS)
        // score: 31", is that name's.)
        if out
            .iter()
            .any(|q| matches!(q.kind, QKind::Named(_)) && q.value == value)
        {
            continue;
        }
        let kind = QKind::Named(name.clone());
        out.push(Quantity {
            kind,
            value,
            cmp: Cmp::Eq,
            hi: None,
            surface: format!("{} score {}", written.join(" "), &c[2]),
        });
    }
}

/// Pounds in a kilogram.
pub(crate) const LB_PER_KG: f64 = 2.204_622_6;

/// Thousands separators dropped, the length kept: "1,140 mcg/g" reads as
/// " 1140 mcg/g". (A list of numbers, "1,2,3", has no three-digit groups.)
pub(crate) fn join_thousands(s: &str) -> std::borrow::Cow<'_, str> {
    static THOUSANDS: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(^|[^\d,.])(\d{1,3}(?:,\d{3})+)(?:$|[^\d,])").unwrap());
    if !s.contains(',') {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    for c in THOUSANDS.captures_iter(s) {
        let g = c.get(2).unwrap();
        out.push_str(&s[last..g.start()]);
        let digits: String = g.as_str().chars().filter(|c| *c != ',').collect();
        out.push_str(&" ".repeat(g.len() - digits.len()));
        out.push_str(&digits);
        last = g.end();
    }
    out.push_str(&s[last..]);
    std::borrow::Cow::Owned(out)
}

/// Abbreviations followed by numbers that are identifiers, codes, times,
/// roles or places, not the value of a measure ("NPI 1740029385", "PO Box 12",
/// "ICU day 4", "MD 2").
const NOT_MEASURES: &[&str] = &[
    "ID", "NPI", "DOB", "MRN", "DEA", "NDC", "CPT", "HCPCS", "ICD", "BIN", "PCN", "TIN", "EIN",
    "RX", "PO", "BOX", "MD", "DO", "RN", "NP", "PA", "PT", "OT", "ST", "SLP", "AM", "PM", "US",
    "ED", "ER", "ICU", "OR", "DOS", "FAX", "TEL", "PH", "POD", "HD", "LOS", "CM", "MM", "MG", "ML",
    "IU", "QD", "BID", "TID", "QID", "QHS", "PRN", "IV", "IM", "SC", "SQ", "OD", "OS", "OU", "L",
    "R", "ZIP", "USA", "APT", "STE", "RM", "NO", "ICD-10", "ICD-9", "DSM-5", "DSM-IV", "AJCC",
    "WHO", "FDA",
    // Words in capitals that count or place, not measure ("TOTAL 14", "PAGE 2").
    "TOTAL", "SCORE", "LEVEL", "PAGE", "ITEM", "STEP", "PART", "SECTION", "LINE", "ROOM", "BED",
    "FLOOR", "DAY", "WEEK",
];

/// Nouns that a number after them belongs to, not to a measure or score named
/// before them: "pain from grade 2 spondylolisthesis", "ADOS-2 Module 1",
/// "Stage 3", "cycle 4", "visit 2".
const LABEL_NOUNS: &[&str] = &[
    "grade",
    "stage",
    "class",
    "type",
    "module",
    "part",
    "phase",
    "step",
    "item",
    "items",
    "version",
    "cycle",
    "visit",
    "session",
    "line",
    "form",
    "domain",
    "subscale",
    "section",
    "dimension",
    "dimensions",
    "criterion",
    "question",
];

/// Whether a word is one of [`LABEL_NOUNS`].
fn is_label_noun(word: &str) -> bool {
    let w = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    LABEL_NOUNS.contains(&w.as_str())
}

/// Nouns between a measure's name and a number that make the number another
/// quantity derived from the measure ("glucose variability", "coefficient of
/// variation", "management indicator").
fn is_derived_noun(word: &str) -> bool {
    let w = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    matches!(
        w.as_str(),
        "variability" | "variation" | "coefficient" | "ratio" | "indicator" | "percentile"
    )
}

/// After a measure's value and its unit, the same value as a percent in
/// parentheses: " L (48%)", " m (54% predicted)", " L (48% predicted post)"
/// (at most three words after the percent sign), read from the text right
/// after the value.
fn share_predicted(after: &str) -> Option<f64> {
    static PERCENT_ALONGSIDE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^\s*(?:[A-Za-z]{1,3}(?:/[A-Za-z]{1,3})?\s*)?\(\s*(\d{1,3}(?:\.\d)?)\s*%(?:\s+[a-z]+\.?){0,3}\s*\)").unwrap()
    });
    let after: String = after.chars().take(40).collect();
    PERCENT_ALONGSIDE.captures(&after)?[1].parse().ok()
}

/// After a number: how many times ("4 or more times a day", "6x/day").
static HOW_MANY_TIMES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:(?:or|to)\s+(?:more|fewer|\d+)\s+)?(?:times\b|x\s*/|x\s+(?:daily|a day|per|weekly|a week)\b)").unwrap()
});

/// Words after a number that make it a dose, a length of time or a count,
/// not a score's value ("SCS trial 5 days", "LA 80 mg").
const NOT_A_SCORE_UNIT: &[&str] = &[
    "mg", "mcg", "g", "ml", "units", "unit", "tabs", "tab", "tablets", "caps", "puffs", "doses",
    "days", "day", "d", "weeks", "week", "wk", "wks", "months", "month", "mo", "mos", "years",
    "year", "yr", "yrs", "y", "hours", "hour", "h", "hr", "hrs", "min", "minutes", "times", "x",
    "visits", "sessions", "pack", "ppd", "cm", "mm", "kg", "lb", "lbs", "in", "ft", "am", "pm",
];

/// Values after the abbreviated name of a score, scale or test that the
/// lexicon does not list: "MIDAS today 42", "PHQ-9 14", "ECOG performance
/// status 1", "PREMM5: 9.8%". The pattern is an abbreviation (two or more
/// capitals, digits and one hyphen allowed), at most three words, then a bare
/// number of at most three digits before its decimals, with nothing after it
/// but a percent sign or punctuation. "from 14 to 23" gives both values. An
/// abbreviation that names an identifier or a role ([`NOT_MEASURES`]) and one
/// inside a lexicon measure's mention give none. In a sentence without a
/// lower-case letter, where every word looks like an abbreviation ("TOTAL
/// 14"), only a name with a digit or a hyphen counts ("PHQ-9 14").
/// A bone density T-score or Z-score, which is below zero as often as not:
/// "lumbar spine T-score -2.6", "T-score of -3.1", and in a densitometry
/// line the bare "L1-L4 T -1.9, fem neck T -1.4" (a sentence that names the
/// scan or the score). Named `T-SCORE` or `Z-SCORE`.
fn bone_density_scores(text: &str, out: &mut Vec<Quantity>) {
    static SCORE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b([tz])[- ]?scores?\b(?:\s*(?:of|was|is|=|:))?\s*([-−–]?\s?\d(?:\.\d+)?)\b",
        )
        .unwrap()
    });
    static BARE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"\b([TZ])\s+([-−–]\s?\d(?:\.\d+)?)\b").unwrap());
    static SCAN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:dxa|dexa|bmd|bone density|densitometry|[tz]-score)\b").unwrap()
    });
    let mut push = |letter: &str, number: &str, surface: &str| {
        let n: String = number
            .chars()
            .map(|c| if matches!(c, '−' | '–') { '-' } else { c })
            .filter(|c| !c.is_whitespace())
            .collect();
        if let Ok(value) = n.parse::<f64>() {
            out.push(Quantity {
                kind: QKind::Named(format!("{}-SCORE", letter.to_uppercase())),
                value,
                cmp: Cmp::Eq,
                hi: None,
                surface: surface.to_string(),
            });
        }
    };
    for c in SCORE.captures_iter(text) {
        push(&c[1], &c[2], &c[0]);
    }
    if SCAN.is_match(text) {
        for c in BARE.captures_iter(text) {
            push(&c[1], &c[2], &c[0]);
        }
    }
}

fn named_values(text: &str, measures: &[(usize, usize, usize)], out: &mut Vec<Quantity>) {
    // (A sentence that is only a name and its value, "ECOG 1.", is no heading.)
    // (A row of times and values with one name, "11/03 @ 1400 COWS 18", is
    // no heading either: a heading in capitals has two words or more.)
    let in_capitals = !text.chars().any(|c| c.is_lowercase())
        && text.split_whitespace().count() > 2
        && text
            .split_whitespace()
            .filter(|w| w.chars().any(|c| c.is_alphabetic()))
            .count()
            > 1;
    let tokens: Vec<(usize, &str)> = text
        .split_whitespace()
        .map(|t| (t.as_ptr() as usize - text.as_ptr() as usize, t))
        .collect();
    let name_of = |t: &str| -> Option<String> {
        let t = t.trim_matches(|c: char| matches!(c, ':' | '=' | '(' | ')' | ',' | ';' | '.'));
        let caps = t.chars().filter(|c| c.is_ascii_uppercase()).count();
        let lower = t.chars().filter(|c| c.is_ascii_lowercase()).count();
        // ("SLEDAI-2K", "PROMIS-29": a hyphenated name may be longer.)
        let max_len = if t.contains('-') { 10 } else { 8 };
        let ok = (2..=max_len).contains(&t.len())
            && t.starts_with(|c: char| c.is_ascii_uppercase())
            && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && t.matches('-').count() <= 1
            && !t.ends_with('-')
            && caps >= 2
            && lower <= 1
            && (!in_capitals || t.contains(|c: char| c.is_ascii_digit() || c == '-'));
        let name = t.to_uppercase();
        // (A Roman numeral numbers a factor, a class or a stage: "factor VIII
        // activity below 1%", "NYHA class III".)
        let roman = name.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
        (ok && !roman && !NOT_MEASURES.contains(&name.as_str())).then_some(name)
    };
    // "42", "9.8%", "14," and "75/100" (and its value); not "L5-S1", "2x".
    let bare_number = |t: &str| -> Option<(f64, Option<f64>)> {
        let t = t.trim_start_matches(['(', ':', '=']);
        let int = t.chars().take_while(|c| c.is_ascii_digit()).count();
        if int == 0 || int > 3 {
            return None;
        }
        let mut end = int;
        if t[end..].starts_with('.') && t[end + 1..].starts_with(|c: char| c.is_ascii_digit()) {
            end += 1 + t[end + 1..]
                .chars()
                .take_while(|c| c.is_ascii_digit())
                .count();
        }
        let value: f64 = t[..end].parse().ok()?;
        let mut rest = &t[end..];
        // A score out of its maximum ("75/100"), or a range ("25-30%").
        let mut hi = None;
        if let Some(r) = rest.strip_prefix(['/', '-']) {
            let n = r
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '.')
                .count();
            if n == 0 {
                return None;
            }
            if rest.starts_with('-') {
                hi = Some(r[..n].parse::<f64>().ok()?).filter(|h| *h > value);
                hi?;
            }
            rest = &r[n..];
        }
        // A number that ends in a colon labels what follows ("Level 1: 24",
        // "Dim 5: 3"): it is no value of the name before it.
        rest.chars()
            .all(|c| matches!(c, '%' | ',' | ';' | '.' | ')'))
            .then_some((value, hi))
    };
    let char_at = |byte: usize| text[..byte].chars().count();
    for (i, &(at, t)) in tokens.iter().enumerate() {
        let Some(name) = name_of(t) else { continue };
        // "3 SOREMPs across 5 naps": a name counted by the number before it
        // is a counted noun, and the next number is not its value.
        // ("PHQ-9 14, GAD-7 9": a value ending its clause counts nothing.)
        // (A count is whole: "4.3 MG-ADL total score" is a form's item number.)
        if i > 0
            && tokens[i - 1].1.ends_with(|c: char| c.is_ascii_digit())
            && !tokens[i - 1].1.contains('.')
            && bare_number(tokens[i - 1].1).is_some()
        {
            continue;
        }
        let start = char_at(at);
        if measures
            .iter()
            .any(|m| start < m.2 && m.1 < start + t.chars().count())
        {
            continue;
        }
        // (A parenthesised qualifier is not counted and gives no value: "MoCA
        // (v8.1): 27/30", "MG-ADL total score (most recent): 9".)
        // (An abbreviation in parentheses names what the number measures: in
        // "COPD Assessment Test (CAT) score: 24" the 24 is the CAT's, not the
        // COPD's.)
        // ("NOSE: congestion 4, blockage 3", "PANSS: Positive 14, Negative
        // 16": after a heading's colon, a word other than a time or a total
        // labels an item, and the numbers are the items'.)
        let heading = t.ends_with(':');
        let mut in_paren = false;
        let mut words = 0;
        for (j, &(_, next)) in tokens.iter().enumerate().skip(i + 1) {
            if in_paren || (next.starts_with('(') && bare_number(next).is_none()) {
                if words > 0
                    && next.starts_with('(')
                    && next.trim_end_matches([':', ',']).ends_with(')')
                    && name_of(next).is_some()
                {
                    break;
                }
                in_paren = !next.contains(')');
                continue;
            }
            words += 1;
            let words = words - 1;
            if heading
                && words == 0
                && next.starts_with(|c: char| c.is_alphabetic())
                && name_of(next).is_none()
                && !is_score_connector(next)
            {
                break;
            }
            if let Some((v, hi)) = bare_number(next) {
                let unit = tokens.get(j + 1).map(|(_, u)| {
                    u.trim_matches(|c: char| !c.is_alphanumeric())
                        .to_lowercase()
                });
                if unit
                    .as_deref()
                    .is_some_and(|u| NOT_A_SCORE_UNIT.contains(&u))
                {
                    break;
                }
                // "from 14 to 23": both values are the measure's, of two times.
                let to = tokens
                    .get(j + 2)
                    .and_then(|&(_, w)| bare_number(w))
                    .map(|v| v.0);
                // "Y-BOCS 26 (7/9) -> 31 (10/22)": an arrow after the value
                // (and its date in parentheses) leads to the later value.
                let mut k = j + 1;
                while tokens.get(k).is_some_and(|&(_, w)| w.starts_with('(')) {
                    while tokens.get(k).is_some_and(|&(_, w)| !w.contains(')')) {
                        k += 1;
                    }
                    k += 1;
                }
                let arrow_to = tokens
                    .get(k)
                    .filter(|&&(_, w)| matches!(w, "->" | "-->" | "\u{2192}" | "=>"))
                    .and_then(|_| tokens.get(k + 1))
                    .and_then(|&(_, w)| bare_number(w))
                    .map(|v| v.0);
                if let Some(w) = arrow_to {
                    out.push(Quantity {
                        kind: QKind::Named(name.clone()),
                        value: w,
                        cmp: Cmp::Eq,
                        hi: None,
                        surface: format!("{name} {w}"),
                    });
                }
                if unit.as_deref().is_some_and(|u| u == "to") {
                    if let Some(w) = to {
                        out.push(Quantity {
                            kind: QKind::Named(name.clone()),
                            value: w,
                            cmp: Cmp::Eq,
                            hi: None,
                            surface: format!("{name} {w}"),
                        });
                    }
                }
                let before = &text[..tokens[j].0];
                out.push(Quantity {
                    kind: QKind::Named(name.clone()),
                    value: v,
                    cmp: qualifier(before),
                    hi,
                    surface: format!("{name} {}", next.trim_end_matches([',', ';', '.', ')'])),
                });
                // "FVC 2.10 L (58% predicted)": the share predicted is its value too.
                if let Some(p) =
                    share_predicted(text.get(tokens[j].0 + next.len()..).unwrap_or_default())
                {
                    out.push(Quantity {
                        kind: QKind::Named(name.clone()),
                        value: p,
                        cmp: Cmp::Eq,
                        hi: None,
                        surface: format!("{name} {p}%"),
                    });
                }
                // A table's row gives the name's value in each column: "ABI
                // 1.02 0.96" (right, left), "| FVC, % predicted | 78 | 64 |
                // 49 |" (by date; a range after the cells is the reference
                // interval, no value).
                let piped = text.matches('|').count() >= 2;
                for &(_, more) in tokens
                    .iter()
                    .skip(j + 1)
                    .filter(|&&(_, w)| w != "|")
                    .take(ROW_COLUMNS)
                {
                    let Some((v, hi)) = bare_number(more)
                        .filter(|_| !more.ends_with([',', ';']))
                        .filter(|(_, hi)| !(piped && hi.is_some()))
                    else {
                        break;
                    };
                    out.push(Quantity {
                        kind: QKind::Named(name.clone()),
                        value: v,
                        cmp: Cmp::Eq,
                        hi,
                        surface: format!("{name} {}", more.trim_end_matches(['.', ')'])),
                    });
                }
                break;
            }
            let word = next.trim_matches(|c: char| !c.is_alphanumeric());
            // Another name, a change ("rose by"), a label the number after it
            // belongs to ("Module 1"), or too far: no value. (A name right
            // after this one is one compound name: "ECOG PS: 1".)
            let compound = words == 0 && name_of(next).is_some() && !next.ends_with([',', ';']);
            // ("MRI of December 28, 2027": the number after a month is its day.)
            if words == 3
                || full_month_or_abbreviation(word)
                || is_label_noun(word)
                || word.is_empty() && next.chars().any(|c| c.is_ascii_digit())
                || (name_of(next).is_some() && !compound)
                || word.eq_ignore_ascii_case("by")
                || next.chars().any(|c| c.is_ascii_digit())
            {
                break;
            }
        }
    }
}

/// How many more columns of a table's row a name's values are read from.
const ROW_COLUMNS: usize = 4;

/// A month's name or its abbreviation ("December", "Dec", "Sept").
fn full_month_or_abbreviation(word: &str) -> bool {
    const NAMES: [&str; 12] = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let w = word.to_ascii_lowercase();
    w.len() >= 3
        && NAMES
            .iter()
            .any(|n| *n == w || (w.len() <= 4 && n.starts_with(w.as_str())))
}

/// Words between a score's name and its value that leave the value the
/// score's own: a time ("today", "baseline"), the total ("total score") or
/// a statistic of the measure ("PAWP: mean 11 mmHg").
fn is_score_connector(word: &str) -> bool {
    let w = word
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    matches!(
        w.as_str(),
        "today"
            | "now"
            | "current"
            | "currently"
            | "total"
            | "score"
            | "sum"
            | "baseline"
            | "latest"
            | "recent"
            | "most"
            | "last"
            | "initial"
            | "repeat"
            | "was"
            | "is"
            | "of"
            | "at"
            | "on"
            | "from"
            | "then"
            | "mean"
            | "average"
            | "avg"
            | "median"
            | "peak"
            | "max"
            | "maximum"
            | "min"
            | "minimum"
            | "resting"
    )
}

/// Whether `sentence` may hold a quantity: a digit, or a number word at the
/// start of a word ([`NUM`]). Most sentences hold neither, which shows without
/// the regexes. Only ASCII text is told apart this way: in other text the
/// regexes' Unicode digits and case folding decide.
fn may_hold_numbers(sentence: &str) -> bool {
    const WORDS: &[&str] = &[
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
        "twelve", "twice", "thrice", "a year", "a month", "a week",
    ];
    if !sentence.is_ascii() || sentence.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    let lower = sentence.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let word_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    (0..bytes.len())
        .filter(|&at| at == 0 || !word_byte(bytes[at - 1]))
        .any(|at| WORDS.iter().any(|w| bytes[at..].starts_with(w.as_bytes())))
}

/// After a number of weeks: a gestational age ("26 weeks' gestation", "32
/// weeks GA", "34 wks EGA").
static GESTATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:s\s+)?(?:of\s+)?(?:gestation|gestational|GA\b|EGA\b|PMA\b|corrected\b|premature|preterm)").unwrap()
});

/// Before a number of weeks: a birth or a former preterm infant ("born at",
/// "delivered at", "ex-", "ex ").
static GESTATION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:\b(?:born|delivered)\s+(?:at\s+)?(?:about\s+|approximately\s+|~\s*)?|\bex-?\s*|\bGA\s*:?\s*)$").unwrap()
});

/// Durations ("six weeks", "3+ yrs"), in days; not intervals or ages.
fn durations(text: &str, out: &mut Vec<Quantity>) {
    let before = |byte: usize| &text[..byte];
    for c in DURATION.captures_iter(text) {
        // An hour or a day abbreviated to its letter is a course's length
        // after "x" ("cephalexin x 10 d", "NAC x 21 h"); elsewhere the letter
        // is as often a time of day, a part of another value ("9-h 40 min")
        // or a time since an event the claim dates otherwise.
        if c[3].len() == 1
            && !before(c.get(0).unwrap().start())
                .trim_end()
                .ends_with(['x', 'X'])
        {
            continue;
        }
        // "every 8 hours", "q 6 hours": how often, not for how long.
        if EVERY.is_match(before(c.get(0).unwrap().start())) {
            continue;
        }
        // "6 days a week", "6/7 days": how often, not for how long.
        if c[3].to_lowercase().starts_with('d')
            && (PER_PERIOD.is_match(&text[c.get(0).unwrap().end()..])
                || before(c.get(0).unwrap().start()).trim_end().ends_with('/'))
        {
            continue;
        }
        // "#30/30 days", "90-day supply": what a fill dispenses, not how
        // long anything was taken.
        if DAYS_SUPPLY_BEFORE.is_match(before(c.get(0).unwrap().start()))
            || DAYS_SUPPLY_AFTER.is_match(&text[c.get(0).unwrap().end()..])
        {
            continue;
        }
        // "3 h/day", "2 hours per day": how long each day, not for how long.
        if c[3].to_lowercase().starts_with('h')
            && PER_DAY.is_match(&text[c.get(0).unwrap().end()..])
        {
            continue;
        }
        // "a 34-year-old man", "6 month old": an age, not a duration.
        let after = text[c.get(0).unwrap().end()..].trim_start_matches(['-', ' ']);
        if after
            .get(..3)
            .is_some_and(|w| w.eq_ignore_ascii_case("old"))
        {
            continue;
        }
        // "sx resolved in ~3 wk off drug", "2 months after stopping it": how
        // long since a course ended, not how long it ran.
        static OFF_DRUG: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)^(?:off\b|after\s+(?:stopping|discontinu\w*|cessation)|since\s+(?:stopping|discontinu\w*))")
                .unwrap()
        });
        if OFF_DRUG.is_match(after) {
            continue;
        }
        // "19 mo (at adm) ex-26-week infant", "3 yr M with asthma": an age
        // before the person it is of.
        static AGE_OF: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"^(?:\([^)]{0,24}\)\s*)?(?:(?-i:M|F)\b|(?i:male|female|boy|girl|infant|child|toddler|man|woman)\b|(?i:ex-?\s?\d{2}))")
                .unwrap()
        });
        if AGE_OF.is_match(after) {
            continue;
        }
        // "born at 26 weeks' gestation", "ex-29 wk", "32 weeks GA": a
        // gestational age, not how long anything lasted.
        if GESTATION.is_match(after.trim_start_matches(['\'', '\u{2019}', ' ']))
            || GESTATION_BEFORE.is_match(before(c.get(0).unwrap().start()))
        {
            continue;
        }
        let Some(v) = num(&c[1]) else { continue };
        let unit = c[3].to_lowercase();
        let days = match unit.chars().next() {
            Some('h') => v / 24.0,
            Some('d') => v,
            Some('w') => v * 7.0,
            Some('m') => v * 30.4,
            _ => v * 365.0,
        };
        let cmp = if c.get(2).is_some() {
            Cmp::AtLeast
        } else if WINDOW.is_match(before(c.get(0).unwrap().start())) {
            // "in the past 12 months" is a window the events fall in, not a duration.
            Cmp::AtMost
        } else if SPAN_OVER.is_match(before(c.get(0).unwrap().start()))
            && !BOUND_OVER.is_match(before(c.get(0).unwrap().start()))
        {
            // "tapered off over 3 wks", "lost 20 lb over 6 months": the time a
            // process took, not more than it ("for over 3 weeks").
            Cmp::Eq
        } else {
            qualifier(before(c.get(0).unwrap().start()))
        };
        out.push(Quantity {
            kind: QKind::Duration,
            value: days,
            cmp,
            hi: None,
            surface: c[0].to_string(),
        });
    }
    // One unit written with its article, as a bound or a time ago: "more
    // than a year", "over a month", "about a week ago". (Not "once a week",
    // "3 times a day": how often.)
    static ONE_UNIT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(?:(?:more|less|longer|greater|fewer)\s+than|over|under|at\s+least|nearly|almost|about|approximately|roughly|within)\s+(?:an?|one\s+full|a\s+full)\s+(year|month|week)\b|\ban?\s+(year|month|week)\s+ago\b").unwrap()
    });
    for c in ONE_UNIT.captures_iter(text) {
        let unit = c.get(1).or(c.get(2)).map(|m| m.as_str().to_lowercase());
        let days = match unit.as_deref() {
            Some("year") => 365.0,
            Some("month") => 30.4,
            _ => 7.0,
        };
        let start = c.get(0).unwrap().start();
        let matched = c.get(0).unwrap().as_str();
        // The bound's words are in the match ("more than", "over"): read the
        // qualifier from the text up to the article.
        let bound: Vec<&str> = matched
            .split_whitespace()
            .take_while(|w| !matches!(w.to_lowercase().as_str(), "a" | "an" | "one"))
            .collect();
        let cmp = qualifier(&format!("{} {}", before(start), bound.join(" ")));
        out.push(Quantity {
            kind: QKind::Duration,
            value: days,
            cmp,
            hi: None,
            surface: matched.to_string(),
        });
    }
}

/// Frequencies ("4x/day", "3 times a week", "6 days a week"), per day.
fn frequencies(text: &str, out: &mut Vec<Quantity>) {
    for c in DAYS_PER.captures_iter(text) {
        let (v, per) = if let Some(n) = c.get(4) {
            (num(n.as_str()), 7.0)
        } else {
            let v = c
                .get(2)
                .and_then(|hi| num(hi.as_str()))
                .or_else(|| num(&c[1]));
            let per = if c[3].to_lowercase().starts_with('w') {
                7.0
            } else {
                30.4
            };
            (v, per)
        };
        let Some(v) = v else { continue };
        out.push(Quantity {
            kind: QKind::PerDay,
            value: v / per,
            cmp: Cmp::Eq,
            hi: None,
            surface: c[0].to_string(),
        });
    }
    for c in FREQ.captures_iter(text) {
        let Some(v) = num(&c[1]) else { continue };
        let per_day = if c[2].to_lowercase().starts_with('w') {
            v / 7.0
        } else {
            v
        };
        out.push(Quantity {
            kind: QKind::PerDay,
            value: per_day,
            cmp: Cmp::Eq,
            hi: None,
            surface: c[0].to_string(),
        });
    }
}

/// Pain on a 0-10 scale ("7/10").
fn pain_scores(text: &str, out: &mut Vec<Quantity>) {
    for c in PAIN.captures_iter(text) {
        let v: f64 = c[1].parse().unwrap_or(0.0);
        out.push(Quantity {
            kind: QKind::Pain,
            value: v,
            cmp: Cmp::Eq,
            hi: None,
            surface: c[0].to_string(),
        });
    }
}

/// Quantities with a unit ("4.2 cm", "LVEF 25-30%", "1200 mg TID" as a daily dose too).
fn unit_values(text: &str, out: &mut Vec<Quantity>) {
    let before = |byte: usize| &text[..byte];
    // A size in three dimensions ("6.2 x 5.0 x 4.4 cm"): the last two are
    // read with their unit below; the first is a length in it too.
    static SIZE_3D: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(\d+(?:\.\d+)?)\s*[x×]\s*\d+(?:\.\d+)?\s*[x×]\s*\d+(?:\.\d+)?\s*(cm|mm)\b",
        )
        .unwrap()
    });
    for c in SIZE_3D.captures_iter(text) {
        if let Ok(v) = c[1].parse::<f64>() {
            out.push(Quantity {
                kind: QKind::Unit(unit_name(&c[2])),
                value: v,
                cmp: Cmp::Eq,
                hi: None,
                surface: format!("{} {}", &c[1], &c[2]),
            });
        }
    }
    for c in UNIT.captures_iter(text) {
        let unit = unit_name(&c[3]);
        // A bare "s" is seconds only after a decimal ("TUG: 11.8 s"): "in his
        // 50s" is a decade.
        if c[3].eq_ignore_ascii_case("s") && !c[2].contains('.') {
            continue;
        }
        // A form's item code that opens the sentence ("5g. Neuroimaging: MRI
        // ...", "3d. Diabetic retinopathy") is no 5 g or 3 days.
        if before(c.get(0).unwrap().start()).trim().is_empty()
            && c[3].len() == 1
            && !c[2].contains('.')
            && c.get(2).unwrap().end() == c.get(3).unwrap().start()
            && text[c.get(3).unwrap().end()..].starts_with(['.', ')'])
        {
            continue;
        }
        // An amount of change ("improves the superior field by 32 degrees",
        // "HbA1c fell by 1.2%") is no value of the result: a note's values
        // neither confirm nor oppose it. (A weight lost or gained is read
        // from the weights themselves: `weight_change`.)
        // (So is an amount right after the verb, "BG rises ~80 mg/dL between
        // 3 and 8 AM"; "falls to 80" gives the value, and a share, "improved
        // 50%", is read as the relief it is.)
        static CHANGED_NOW: LazyLock<Regex> = LazyLock::new(|| {
            Regex::new(r"(?i)\b(?:rises|rose|risen|rising|falls|fell|fallen|falling|drops|dropped|dropping|climbs|climbed|jumps|jumped)\s*(?:~|about|approximately|approx\.?|nearly|almost|over)?\s*$")
                .unwrap()
        });
        let at = before(c.get(0).unwrap().start());
        if !matches!(unit, "kg" | "lb")
            && (CHANGED_BY.is_match(at) || (unit != "%" && CHANGED_NOW.is_match(at)))
        {
            continue;
        }
        // A number glued to a name by a hyphen is the name's: "technetium-99m",
        // "Tc-99m" are no distance, "I-131" no dose.
        {
            let mut back = before(c.get(0).unwrap().start()).chars().rev();
            if back.next() == Some('-') && back.next().is_some_and(char::is_alphabetic) {
                continue;
            }
        }
        // A unit's letters that start a hyphenated name are the name's: a form's
        // item "4.3 MG-ADL total score" gives no 4.3 mg.
        if text[c.get(3).unwrap().end()..]
            .strip_prefix('-')
            .is_some_and(|r| r.starts_with(|ch: char| ch.is_alphabetic()))
        {
            continue;
        }
        let cmp = qualifier(before(c.get(0).unwrap().start()));
        // A range ("LVEF 25-30%"): the unit follows its upper end.
        if let Some(lo) = RANGE_START
            .captures(before(c.get(0).unwrap().start()))
            .and_then(|r| r.get(1).or(r.get(2))?.as_str().parse::<f64>().ok())
        {
            if let (None, Ok(hi)) = (c.get(1), c[2].parse::<f64>()) {
                if lo < hi {
                    out.push(Quantity {
                        kind: QKind::Unit(unit),
                        value: lo,
                        cmp,
                        hi: Some(hi),
                        surface: format!("{lo}-{}", &c[0].trim()),
                    });
                    continue;
                }
            }
        }
        for g in [c.get(1), c.get(2)].into_iter().flatten() {
            if let Ok(v) = g.as_str().parse::<f64>() {
                out.push(Quantity {
                    kind: QKind::Unit(unit),
                    value: v,
                    cmp,
                    hi: None,
                    surface: format!("{} {}", g.as_str(), &c[3]),
                });
            }
        }
        // A dose taken several times a day is a daily dose too: "1200 mg TID"
        // is 3600 mg a day.
        if !unit_is_result(unit) && c.get(1).is_none() {
            let after = &text[c.get(0).unwrap().end()..];
            if let (Some(n), Ok(v)) = (doses_a_day(after), c[2].parse::<f64>()) {
                out.push(Quantity {
                    kind: QKind::Unit(unit),
                    value: v * n,
                    cmp,
                    hi: None,
                    surface: format!("{} {} x{n} a day", &c[2], &c[3]),
                });
            }
        }
    }
}

/// A fill's daily dose: its strength times the quantity over the days supplied
/// ("mesalamine DR 1.2 g tab | qty 120 | 30 days" is 4.8 g a day; "#60 / 30
/// days" of 500 mg is 1000 mg). Fill histories give no frequency; their
/// quantity and days supply do.
fn fill_daily_doses(text: &str, out: &mut Vec<Quantity>) {
    static FILL: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(\d+(?:\.\d+)?)\s*(mg|mcg|g)\b[^|#\n]{0,25}?[|,;]?\s*(?:qty|quantity|#)\s*:?\s*(\d{1,4})\s*[|,;/]?\s*(?:days?(?: supply)?\s*:?\s*)?(\d{1,3})\s*(?:days?|ds|d)\b")
            .unwrap()
    });
    for c in FILL.captures_iter(text) {
        let (Ok(strength), Ok(qty), Ok(days)) = (
            c[1].parse::<f64>(),
            c[3].parse::<f64>(),
            c[4].parse::<f64>(),
        ) else {
            continue;
        };
        let per_day = qty / days;
        if days == 0.0 || !(0.25..=12.0).contains(&per_day) {
            continue;
        }
        let unit = unit_name(&c[2]);
        let daily = (strength * per_day * 1000.0).round() / 1000.0;
        out.push(Quantity {
            kind: QKind::Unit(unit),
            value: daily,
            cmp: Cmp::Eq,
            hi: None,
            surface: format!(
                "{} {} x{} a day",
                &c[1],
                &c[2],
                (per_day * 100.0).round() / 100.0
            ),
        });
    }
}

/// A daily dose from a tablet's strength and the directions that follow it in
/// the same row or line ("hydroxychloroquine 200 mg tab | 60 | 30 | 1 tab BID"
/// is 400 mg a day; "500 mg tablet, take 2 tablets twice daily" is 2000 mg).
fn sig_daily_doses(text: &str, out: &mut Vec<Quantity>) {
    static SIG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(\d+(?:\.\d+)?)\s*(mg|mcg|g)\s+(?:[a-z]+\s+){0,2}?(?:tabs?|tablets?|caps?|capsules?)\b[^\n]{0,60}?\b(\d+(?:\.\d+)?|one|two|three|four)\s*(?:tabs?|tablets?|caps?|capsules?)\s*(?:(?:po|by mouth|orally)\s+)?(bid|b\.i\.d\.?|twice (?:a day|daily)|tid|t\.i\.d\.?|three times (?:a day|daily)|qid|four times (?:a day|daily)|daily|qd|once (?:a day|daily)|qhs|at bedtime|nightly|q12h|q8h|q6h)\b")
            .unwrap()
    });
    for c in SIG.captures_iter(text) {
        let (Ok(strength), Some(count)) = (c[1].parse::<f64>(), num(&c[3])) else {
            continue;
        };
        let per_day = times_a_day(&c[4].to_lowercase()).unwrap_or(1.0);
        let unit = unit_name(&c[2]);
        let daily = (strength * count * per_day * 1000.0).round() / 1000.0;
        out.push(Quantity {
            kind: QKind::Unit(unit),
            value: daily,
            cmp: Cmp::Eq,
            hi: None,
            surface: format!("{} {} x{} a day", &c[1], &c[2], count * per_day),
        });
    }
}

/// Words that date the numbers after them ("seen 5/7", "since 10/20"): a
/// month and a day, not a score.
const DATING: &[&str] = &[
    "on", "seen", "since", "from", "date", "dos", "visit", "until", "by", "before", "after", "of",
    "to", "and", "through", "thru", "dated", "signed", "in",
];

/// A score of `v` out of `max`, as written.
fn score_of(max: u32, v: f64, surface: String) -> Quantity {
    Quantity {
        kind: QKind::ScoreOf(max),
        value: v,
        cmp: Cmp::Eq,
        hi: None,
        surface,
    }
}

/// Scores out of a maximum other than 10 ("FIM 38/91").
fn scores_of(text: &str, out: &mut Vec<Quantity>) {
    for c in SCORE_OF.captures_iter(text) {
        // (The digit of a name is no score: "PHQ-9 of 11" is a PHQ-9 of 11.)
        let mut back = text[..c.get(0).map_or(0, |m| m.start())].chars().rev();
        let first = back.next();
        if first == Some('-') && back.next().is_some_and(|c| c.is_alphanumeric()) {
            continue;
        }
        // (Nor is a quantity dispensed: "#30/30 days".)
        if first == Some('#')
            || DAYS_SUPPLY_BEFORE.is_match(&text[..c.get(2).map_or(0, |m| m.start())])
        {
            continue;
        }
        let (Ok(v), Ok(max)) = (c[1].parse::<f64>(), c[2].parse::<u32>()) else {
            continue;
        };
        // Pain is out of 10 (above); a score is below its maximum.
        if max == 10 || v > max as f64 {
            continue;
        }
        // (A month and a day after a word that dates them is a date: "PEEP 6
        // since 10/20", "seen on 11/14".)
        let dated = c[0].contains('/')
            && (1.0..=12.0).contains(&v)
            && max <= 31
            && text[..c.get(0).map_or(0, |m| m.start())]
                .split_whitespace()
                .next_back()
                .map(str::to_lowercase)
                // ("an Epworth of 9/24" is a score.)
                .is_some_and(|w| {
                    DATING.contains(&w.as_str())
                        && !matches!(w.as_str(), "of" | "to" | "and" | "in")
                });
        if dated {
            continue;
        }
        out.push(score_of(max, v, c[0].to_string()));
    }
    // A score out of a one-digit maximum: written out ("5 out of 7"), or with
    // a slash after the score's name ("CAS OD 5/7", "hip abduction 4/5"), not
    // after a word that dates it ("seen 5/7") and not as part of a date.
    static SMALL_SCORE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(\d)\s+out\s+of\s+(\d)\b|([a-z][a-z0-9-]*)[:\s]+(\d)/(\d)\b(?:[^/\d]|$)")
            .unwrap()
    });
    static PER_TIME: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\W{0,2}\s*(?:days?|d\b|nights?|wks?|weeks?|months?|mos?\b|hours?|hrs?|times?|x\b)").unwrap()
    });
    for c in SMALL_SCORE.captures_iter(text) {
        // ("6/7 days" is how often, not a score.)
        let number_end = c.get(2).or(c.get(5)).map_or(0, |m| m.end());
        if PER_TIME.is_match(&text[number_end..]) {
            continue;
        }
        let (v, max, surface) = match (c.get(1), c.get(2), c.get(3), c.get(4), c.get(5)) {
            (Some(v), Some(m), ..) => (v.as_str(), m.as_str(), c[0].to_string()),
            (_, _, Some(word), Some(v), Some(m)) => {
                if DATING.contains(&word.as_str().to_lowercase().as_str()) {
                    continue;
                }
                (
                    v.as_str(),
                    m.as_str(),
                    format!("{}/{}", v.as_str(), m.as_str()),
                )
            }
            _ => continue,
        };
        let (Ok(v), Ok(max)) = (v.parse::<f64>(), max.parse::<u32>()) else {
            continue;
        };
        if max < 2 || v > max as f64 {
            continue;
        }
        out.push(score_of(max, v, surface));
    }
}

/// A month's name or its abbreviation ("May", "Sept.", "jan").
fn is_month_name(word: &str) -> bool {
    const MONTHS: &[&str] = &[
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "jun",
        "june",
        "jul",
        "july",
        "aug",
        "august",
        "sep",
        "sept",
        "september",
        "oct",
        "october",
        "nov",
        "november",
        "dec",
        "december",
    ];
    MONTHS.contains(&word.trim_end_matches(['.', ',']).to_lowercase().as_str())
}

/// The stem a counted noun is known by: "flares" is "flare", and a "-sis" noun
/// is its own stem ("psoriasis", as the tokenizer stems it).
pub(crate) fn count_noun(noun: &str) -> String {
    if noun.ends_with("sis") {
        pa_types::text::stem(noun)
    } else {
        pa_types::text::stem(noun.trim_end_matches('s'))
    }
}

/// Counts a note writes with an abbreviated noun ("remission after 9 tx",
/// "sz x3", "2 inj"), of the counted noun `noun` (a [`count_noun`] stem) a
/// claim gives. The abbreviation must read as that one word and nothing else
/// (the inventory's senses of at least [`pa_types::abbrev::MIN_SHARE`]), and
/// the count is only looked for when a claim counts that noun: "5 mg" or
/// "2 pt" count nothing a claim does not.
pub(crate) fn abbreviated_counts(text: &str, noun: &str) -> Vec<Quantity> {
    static BEFORE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(r"(?i)(?:^|[^\w./-]){NUM}\s*([A-Za-z]{{2,5}})\b")).unwrap()
    });
    static AFTER: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?i)\b([A-Za-z]{2,5})\s*x\s*(\d{1,2})\b").unwrap());
    let reads_as_noun = |abbr: &str| match pa_types::abbrev::expand(abbr).as_slice() {
        [sense] => !sense.contains(' ') && count_noun(sense) == noun,
        _ => false,
    };
    let before = BEFORE
        .captures_iter(text)
        .map(|c| (c.get(2).unwrap(), c.get(1).unwrap()));
    let after = AFTER
        .captures_iter(text)
        .map(|c| (c.get(1).unwrap(), c.get(2).unwrap()));
    before
        .chain(after)
        .filter(|(abbr, _)| reads_as_noun(abbr.as_str()))
        .filter_map(|(abbr, n)| {
            let value = num(n.as_str())?;
            // ("up to 12 tx" is a most, as a plan gives it.)
            let before = text[..abbr.start().min(n.start())]
                .trim_end()
                .to_lowercase();
            let cmp = if before.ends_with("up to") {
                Cmp::AtMost
            } else {
                qualifier(&before)
            };
            (value.fract() == 0.0).then(|| Quantity {
                kind: QKind::Count(noun.to_string()),
                value,
                cmp,
                hi: None,
                surface: format!("{} {}", n.as_str(), abbr.as_str()),
            })
        })
        .collect()
}

/// Counted nouns that name no kind of thing: the word before them does
/// ("two augmentation agents", "three biologic medications").
const GENERIC_COUNTED: &[&str] = &[
    "agents",
    "strategies",
    "medications",
    "medicines",
    "drugs",
    "options",
    "modalities",
];

/// Words before a [`GENERIC_COUNTED`] noun that say how many or which, not
/// what kind ("two different medications", "three prior agents").
const COUNT_MODIFIERS: &[&str] = &[
    "different",
    "prior",
    "previous",
    "other",
    "separate",
    "additional",
    "further",
    "distinct",
    "more",
    "consecutive",
    "failed",
    "unsuccessful",
    "adequate",
    "total",
    "current",
    "daily",
    "scheduled",
    "preventive",
    "preventative",
    "alternative",
];

/// Counts of things: "three hospitalizations" (number, noun) and "bursts x3" (noun, number).
/// How many times something happened, counted after its verb: "has fallen
/// three times", "was hospitalized twice", "dilated on two occasions". The
/// count is of the event the verb names, as its noun is known ("fallen" and
/// "falls" are a fall, "hospitalized" and "hospitalizations" a
/// hospitalization, "admitted" an admission, "seen" a visit), so that "Falls
/// x2" or "2 ED visits" give the same kind. Not a frequency ("twice daily",
/// "three times a week"), nor a multiple ("three times the upper limit").
fn verb_counts(text: &str, out: &mut Vec<Quantity>) {
    static VERB_COUNT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)\b(fell|fallen|seen|[a-z]{3,}(?:ed|en))\s+(?:[a-z]+\s+){0,4}?(?:(twice|thrice)|(?:on\s+)?(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+(?:separate\s+|different\s+|more\s+)?(?:times|occasions))\b")
            .unwrap()
    });
    const NOT_AN_EVENT: &[&str] = &[
        "increased",
        "decreased",
        "elevated",
        "raised",
        "reduced",
        "given",
        "taken",
        "used",
        "dosed",
        "scheduled",
        "needed",
        "required",
        "planned",
    ];
    for c in VERB_COUNT.captures_iter(text) {
        let verb = c[1].to_lowercase();
        if NOT_AN_EVENT.contains(&verb.as_str()) {
            continue;
        }
        // (The words between are the verb's object or place, never a clause
        // of their own: "fell, and twice".)
        let whole = c.get(0).unwrap();
        if text[whole.range()].contains([',', ';', '.']) {
            continue;
        }
        let after = text[whole.end()..].trim_start().to_lowercase();
        const FREQUENCY: &[&str] = &[
            "a ", "an ", "per ", "daily", "weekly", "monthly", "yearly", "nightly", "each ",
            "every ", "/", "the ", "normal", "upper", "above", "below", "greater", "higher",
            "lower", "more", "less", "as ", "uln",
        ];
        if FREQUENCY.iter().any(|w| after.starts_with(w)) {
            continue;
        }
        let value = match c.get(2).map(|m| m.as_str().to_lowercase()) {
            Some(w) if w == "twice" => 2.0,
            Some(_) => 3.0,
            None => match c.get(3).and_then(|m| num(m.as_str())) {
                Some(v) => v,
                None => continue,
            },
        };
        let noun = match verb.as_str() {
            "fell" | "fallen" => "fall".to_string(),
            "seen" => count_noun("visit"),
            "admitted" | "readmitted" => count_noun("admission"),
            // ("hospitalized" is a hospitalization, "dilated" a dilation,
            // "injected" an injection.)
            v => {
                let noun = [("ized", "ization"), ("ated", "ation"), ("ected", "ection")]
                    .iter()
                    .find_map(|(verb_end, noun_end)| {
                        v.strip_suffix(verb_end)
                            .map(|root| format!("{root}{noun_end}"))
                    });
                count_noun(noun.as_deref().unwrap_or(v))
            }
        };
        out.push(Quantity {
            kind: QKind::Count(noun),
            value,
            cmp: qualifier(&text[..whole.start()]),
            hi: None,
            surface: text[whole.range()].to_string(),
        });
    }
}

fn counts(text: &str, out: &mut Vec<Quantity>) {
    let before = |byte: usize| &text[..byte];
    let counts = COUNT
        .captures_iter(text)
        .map(|c| {
            (
                c.get(3).unwrap(),
                c.get(1).unwrap(),
                c.get(0).unwrap(),
                false,
            )
        })
        .chain(COUNT_AFTER.captures_iter(text).map(|c| {
            (
                c.get(1).unwrap(),
                c.get(2).unwrap(),
                c.get(0).unwrap(),
                false,
            )
        }))
        // (Each search starts right after the last value, so that a row of
        // fields, "Prescriptions: 13 | Number of prescribers (12 mo): 2",
        // gives each one: the delimiter after a value opens the next.)
        .chain(
            std::iter::successors(COUNT_FIELD.captures_at(text, 0), |c| {
                COUNT_FIELD.captures_at(text, c.get(2).unwrap().end())
            })
            .map(|c| {
                (
                    c.get(1).unwrap(),
                    c.get(2).unwrap(),
                    c.get(0).unwrap(),
                    true,
                )
            }),
        );
    for (noun, n, whole, field) in counts {
        let noun_start = noun.start();
        // A noun that labels the next field counts nothing: "number: 2 dates:
        // 05/2026, 08/2026" gives 2 of what the row is about, and its dates.
        // (A list after its count, "two new lesions: left ... and right ...",
        // is counted: the number there is no field's value.)
        let value_first = {
            let b = before(n.start()).trim_end();
            b.is_empty() || b.ends_with(':')
        };
        let labels_next = !field && text[noun.end()..].trim_start().starts_with(':') && value_first;
        let planned = noun.start() > n.end()
            && text[n.end()..noun.start()].split_whitespace().any(|w| {
                matches!(
                    w.to_lowercase().as_str(),
                    "scheduled"
                        | "planned"
                        | "prescribed"
                        | "authorized"
                        | "ordered"
                        | "approved"
                        | "booked"
                        | "recommended"
                )
            });
        // A number with its unit counts nothing after it: "72 h on insulin
        // adjustments" is a length of time.
        let unit_first = noun.start() > n.end()
            && text[n.end()..noun.start()]
                .split_whitespace()
                .next()
                .is_some_and(|w| NOT_A_SCORE_UNIT.contains(&w.to_lowercase().as_str()));
        let noun = noun.as_str().to_lowercase();
        if NOT_COUNTED.contains(&noun.as_str()) || noun.ends_with("ly") || labels_next || unit_first
        {
            continue;
        }
        // "two augmentation agents" and "2 augmentation strategies", "three
        // biologic medications" and "3 biologics": a noun that names no kind
        // of thing counts what the word before it names.
        let noun = match text.get(n.end()..noun_start) {
            Some(between) if GENERIC_COUNTED.contains(&noun.as_str()) => between
                .split_whitespace()
                .next_back()
                .map(str::to_lowercase)
                .filter(|w| {
                    w.len() >= 4
                        && w.chars().all(|c| c.is_ascii_alphabetic())
                        && !COUNT_MODIFIERS.contains(&w.as_str())
                })
                .unwrap_or(noun),
            _ => noun,
        };
        let Some(v) = num(n.as_str()) else { continue };
        // (Nor is the tail of a code or a decimal: "L40.0 Psoriasis".)
        // (A tally's "x" stands before its number: "ED visits x2".)
        if before(n.start())
            .ends_with(|c: char| c == '.' || (c.is_ascii_alphanumeric() && !matches!(c, 'x' | 'X')))
        {
            continue;
        }
        // A count is a whole number: "4.9 Myasthenic crisis" is a form's item.
        if v.fract() != 0.0 {
            continue;
        }
        // The day of a date counts nothing: "on May 2 showed no osseous disease".
        if before(n.start())
            .split_whitespace()
            .next_back()
            .is_some_and(is_month_name)
        {
            continue;
        }
        // The number of a label counts nothing: "type 2 diabetes", "stage 3
        // kidney disease", "grade 2 lesions".
        if before(n.start())
            .split_whitespace()
            .next_back()
            .is_some_and(is_label_noun)
        {
            continue;
        }
        // "Attended 5 of 12 scheduled visits": what was planned is no count
        // of what was done; the number before it is.
        if planned {
            static DONE_OF: LazyLock<Regex> =
                LazyLock::new(|| Regex::new(r"(?i)\b(\d{1,3})\s+(?:of|out of)\s*$").unwrap());
            if let Some(done) = DONE_OF.captures(before(n.start())).and_then(|c| num(&c[1])) {
                out.push(Quantity {
                    kind: QKind::Count(count_noun(&noun)),
                    value: done,
                    cmp: Cmp::Eq,
                    hi: None,
                    surface: format!("{done} {noun}"),
                });
            }
            continue;
        }
        // "3/5 SOREMPs", "0/22 lymph nodes involved": so many of a total, and
        // the count is either ("3 SOREMPs", "all 22 nodes negative").
        if let Some(of) = before(n.start()).strip_suffix('/') {
            let digits = of.len() - of.trim_end_matches(|c: char| c.is_ascii_digit()).len();
            if let Ok(first) = of[of.len() - digits..].parse::<f64>() {
                out.push(Quantity {
                    kind: QKind::Count(count_noun(&noun)),
                    value: first,
                    cmp: Cmp::Eq,
                    hi: None,
                    surface: format!("{first} of {}", whole.as_str()),
                });
            }
        }
        out.push(Quantity {
            kind: QKind::Count(count_noun(&noun)),
            value: v,
            cmp: qualifier(before(whole.start())),
            hi: None,
            // (A field's label can be long: its noun and value say it.)
            surface: if field {
                format!("{noun}: {}", n.as_str())
            } else {
                whole.as_str().to_string()
            },
        });
    }
}

/// Values bound to a lexicon measure: the first bare number within a few
/// words after the mention, before the next measure; or a change of it.
fn measure_values(text: &str, measures: &[(usize, usize, usize)], out: &mut Vec<Quantity>) {
    let chars: Vec<char> = text.chars().collect();
    for (k, &(entry, _mstart, mend)) in measures.iter().enumerate() {
        let limit = measures.get(k + 1).map(|m| m.1).unwrap_or(chars.len());
        let mut i = mend;
        let mut words = 0usize;
        while i < limit && words < 5 {
            // A parenthesised qualifier ("AHI (4% rule): 28.4") is not the value;
            // a range in parentheses is ("labile glucose (range 62-318 ...)").
            let opens_range = || {
                let inner: String = chars[i + 1..limit.min(i + 9)].iter().collect();
                inner.to_lowercase().starts_with("rang")
            };
            if chars[i] == '(' && !opens_range() {
                while i < limit && chars[i] != ')' {
                    i += 1;
                }
                i += 1;
                continue;
            }
            if chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_alphanumeric()) {
                let st = i;
                while i < chars.len()
                    && (chars[i].is_ascii_digit()
                        || (chars[i] == '.'
                            && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
                {
                    i += 1;
                }
                // A number glued to letters (L5, 2x) is not a value.
                if i < chars.len() && chars[i].is_alphabetic() && chars[i] != 'x' {
                    break;
                }
                // A pair written with a slash whose first number is the larger
                // ("118/72 mmHg") is a blood pressure, not this measure's value
                // (a score is out of a larger maximum: "Epworth 17/24"): look
                // further, past both numbers.
                if chars.get(i) == Some(&'/') && chars.get(i + 1).is_some_and(char::is_ascii_digit)
                {
                    let mut j = i + 1;
                    while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                        j += 1;
                    }
                    let num = chars[st..i].iter().collect::<String>().parse::<f64>();
                    let den = chars[i + 1..j].iter().collect::<String>().parse::<f64>();
                    if let (Ok(n), Ok(d)) = (num, den) {
                        if n > d {
                            // (The pair and its unit do not count as words between.)
                            words = words.saturating_sub(2);
                            i = j;
                            continue;
                        }
                    }
                }
                let s: String = chars[st..i].iter().collect();
                // A range: `40.0-44.9`.
                let mut hi = None;
                if matches!(chars.get(i), Some('-') | Some('–')) {
                    let hs = i + 1;
                    let mut he = hs;
                    while he < chars.len() && (chars[he].is_ascii_digit() || chars[he] == '.') {
                        he += 1;
                    }
                    hi = chars[hs..he].iter().collect::<String>().parse::<f64>().ok();
                }
                let pre: String = chars[mend..st].iter().collect();
                // "pain from grade 2 spondylolisthesis": the number is the grade's.
                if pre.split_whitespace().any(is_label_noun) {
                    break;
                }
                // "glucose variability (CV): 41%", "FEV1/FVC 0.50": the number is
                // another quantity's, derived from the measure.
                if pre.trim_start().starts_with('/') || pre.split_whitespace().any(is_derived_noun)
                {
                    break;
                }
                // "checked glucose 4 or more times a day": how often, not a value.
                let further: String = chars[i..chars.len().min(i + 24)].iter().collect();
                if HOW_MANY_TIMES.is_match(&further) {
                    break;
                }
                let Ok(v) = s.parse::<f64>() else { break };
                // A number with a unit of another kind ("BMI: 251 lb, BMI 37.4") is
                // not this measure's value: look further.
                let after: String = chars[i..chars.len().min(i + 8)].iter().collect();
                if OTHER_UNIT.is_match(&after) {
                    // (The number and its unit do not count as words between.)
                    words = words.saturating_sub(2);
                    continue;
                }
                // "heart rate increasing by 32": a change, not the measure's value.
                if CHANGE_BY.is_match(&pre) {
                    out.push(Quantity {
                        kind: QKind::ChangeOf(entry),
                        value: v,
                        cmp: qualifier(&pre),
                        hi: None,
                        surface: s,
                    });
                    break;
                }
                // "HR 58 supine -> 90 standing", "from 58 to 90": the value, and the change.
                let rest: String = chars[i..limit.max(i)].iter().collect();
                // ("ranging from 62 to 318" is a range of values.)
                let range_to = RANGE_WORDS
                    .is_match(&pre)
                    .then(|| CHANGE_TO.captures(&rest))
                    .flatten()
                    .filter(|c| &c[1] == "to" && c[0].split_whitespace().count() == 2)
                    .and_then(|c| c[2].parse::<f64>().ok())
                    .filter(|w| *w > v);
                if let Some(w) = range_to {
                    out.push(Quantity {
                        kind: QKind::Measure(entry),
                        value: v,
                        cmp: Cmp::Eq,
                        hi: Some(w),
                        surface: format!("{s} to {w}"),
                    });
                    break;
                }
                if let Some(c) = CHANGE_TO.captures(&rest) {
                    if let Ok(w) = c[2].parse::<f64>() {
                        // "improved from 31 to 12", "8.9% -> 7.6%": both are
                        // the measure's values, of two times.
                        // ("HR 58 supine -> 90 standing" are two positions.)
                        let plain_arrow = &c[1] != "to"
                            && !c[0][..c.get(1).map_or(0, |m| m.start())]
                                .chars()
                                .any(char::is_alphabetic);
                        if pre.trim_end().to_lowercase().ends_with("from") || plain_arrow {
                            out.push(Quantity {
                                kind: QKind::Measure(entry),
                                value: w,
                                cmp: Cmp::Eq,
                                hi: None,
                                surface: c[2].to_string(),
                            });
                        }
                        out.push(Quantity {
                            kind: QKind::ChangeOf(entry),
                            value: (w - v).abs(),
                            cmp: Cmp::Eq,
                            hi: None,
                            surface: format!("{s}{}", &c[0]),
                        });
                    }
                }
                out.push(Quantity {
                    kind: QKind::Measure(entry),
                    value: v,
                    cmp: qualifier(&pre),
                    hi,
                    surface: s,
                });
                // "FEV1 1.42 L (48%)", "Distance: 312 m (54% predicted)": the
                // share in parentheses is the same measure, as a percent of
                // what is predicted, which a letter may give alone ("FEV1 of
                // 48 percent predicted").
                let rest: String = chars[i..chars.len().min(i + 40)].iter().collect();
                if let Some(p) = share_predicted(&rest) {
                    out.push(Quantity {
                        kind: QKind::Measure(entry),
                        value: p,
                        cmp: Cmp::Eq,
                        hi: None,
                        surface: format!("{p}%"),
                    });
                }
                break;
            }
            // "POC glucose labile, see flowsheet, 1 hypoglycemic event": a
            // clause that says something of the measure ends without its value.
            if matches!(chars[i], ',' | ';') {
                // (A unit after a number is no word of its own: "251 lb, BMI".)
                let said: String = chars[mend..i].iter().collect();
                let words: Vec<&str> = said.split_whitespace().collect();
                if words.iter().enumerate().any(|(k, w)| {
                    w.chars().all(char::is_alphabetic)
                        && !is_score_connector(w)
                        && !(k > 0 && words[k - 1].contains(|c: char| c.is_ascii_digit()))
                }) {
                    break;
                }
            }
            if chars[i].is_whitespace() && i > 0 && !chars[i - 1].is_whitespace() {
                words += 1;
            }
            i += 1;
        }
    }
}

/// Two values agree within this share of the larger ("AHI 32" and "AHI 32.5")...
const REL_TOLERANCE: f64 = 0.02;
/// ...or within this much, for small values written with one decimal.
const ABS_TOLERANCE: f64 = 0.051;
/// A bound holds for a value down to this factor of it (1 - [`REL_TOLERANCE`]).
pub(crate) const BELOW_FACTOR: f64 = 0.98;
/// A bound holds for a value up to this factor of it (1 + [`REL_TOLERANCE`]).
const ABOVE_FACTOR: f64 = 1.02;

/// Does `found` agree with `claimed` (same kind assumed)?
pub fn agrees(claimed: &Quantity, found: &Quantity) -> bool {
    let (a, b) = (claimed.value, found.value);
    // (A duration is in days: hours are small values, not one decimal's
    // rounding. "3 hours" is not "2 hours".)
    let abs_tolerance = if claimed.kind == QKind::Duration {
        0.0
    } else {
        ABS_TOLERANCE
    };
    let close =
        |x: f64, y: f64| (x - y).abs() <= (REL_TOLERANCE * x.abs().max(y.abs())).max(abs_tolerance);
    // A range against a range: both ends ("62 to 318" and "62-318").
    // (Two spans of time known to within a month overlap: "06/2021 - 02/2022"
    // in a form and "6/2021 - 2/2022" in a note are one course.)
    if let (Some(h), Some(g)) = (claimed.hi, found.hi) {
        if claimed.kind == QKind::Duration {
            return a <= g && b <= h;
        }
        return close(a, b) && close(h, g);
    }
    if let Some(h) = claimed.hi {
        return b >= a && b <= h;
    }
    // A range found ("LVEF 25-30%") holds a value claimed within it.
    if let Some(h) = found.hi {
        return a >= b && a <= h;
    }
    let mut close = close(a, b);
    // A span said in whole weeks, months or years is rounded: "three weeks"
    // is 18 days as well as 21 (half the unit either way).
    if claimed.kind == QKind::Duration && found.kind == QKind::Duration {
        let s = claimed.surface.to_lowercase();
        let half = if s.contains("week") || s.contains("wk") {
            3.5
        } else if s.contains("month") || s.contains("mo") {
            15.2
        } else if s.contains("year") || s.contains("yr") {
            182.0
        } else {
            0.0
        };
        close |= (a - b).abs() <= half;
    }
    match (claimed.cmp, found.cmp) {
        (Cmp::Eq, Cmp::Eq) => close,
        (Cmp::AtLeast, _) => b >= a * BELOW_FACTOR || close,
        (Cmp::AtMost, _) => b <= a * ABOVE_FACTOR || close,
        (Cmp::Eq, Cmp::AtLeast) => a >= b * BELOW_FACTOR,
        (Cmp::Eq, Cmp::AtMost) => a <= b * ABOVE_FACTOR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> Vec<(QKind, f64)> {
        quantities(s, &[])
            .into_iter()
            .map(|q| (q.kind, q.value))
            .collect()
    }

    /// The values of named scores the sentence gives.
    fn named_scores(s: &str) -> Vec<f64> {
        read(s)
            .into_iter()
            .filter(|(k, _)| matches!(k, QKind::Named(_)))
            .map(|(_, v)| v)
            .collect()
    }

    #[test]
    fn a_height_in_feet_and_inches_is_one_length() {
        let cm = |s: &str| {
            quantities(s, &[])
                .into_iter()
                .filter(|q| q.kind == QKind::Unit("cm") || q.kind == QKind::Unit("ft"))
                .map(|q| (q.kind, q.value))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            cm("Height 5 ft 5 in, weight 240 lb"),
            vec![(QKind::Unit("cm"), 165.1)]
        );
        assert_eq!(cm("Ht 5'4\" BMI 39"), vec![(QKind::Unit("cm"), 162.6)]);
        // (A distance walked stays in feet.)
        assert_eq!(cm("walked 150 feet"), vec![(QKind::Unit("ft"), 150.0)]);
    }

    #[test]
    fn over_after_a_process_is_its_span_and_after_for_a_bound() {
        let cmp = |s: &str| {
            quantities(s, &[])
                .into_iter()
                .find(|q| q.kind == QKind::Duration)
                .map(|q| q.cmp)
        };
        assert_eq!(cmp("prednisone tapered off over 3 wks"), Some(Cmp::Eq));
        assert_eq!(cmp("lost 20 lb over 6 months"), Some(Cmp::Eq));
        assert_eq!(cmp("daily headaches for over 4 months"), Some(Cmp::AtLeast));
        assert_eq!(cmp("over 6 months of knee pain"), Some(Cmp::AtLeast));
    }

    #[test]
    fn a_count_of_agents_or_medications_counts_the_kind_before_it() {
        let kinds = |s: &str| read(s).into_iter().map(|(k, _)| k).collect::<Vec<_>>();
        let agents = kinds("failed two augmentation agents");
        assert_eq!(agents, kinds("after 2 augmentation strategies"));
        assert_eq!(
            kinds("three biologic medications"),
            kinds("3 biologic agents")
        );
        // ("different", "prior": how many or which, not what kind.)
        assert_eq!(
            kinds("three different medications"),
            vec![QKind::Count(count_noun("medications"))]
        );
    }

    #[test]
    fn a_day_after_its_month_is_no_score() {
        assert!(
            named_scores("Her brain MRI of December 28, 2027 showed two new lesions.").is_empty()
        );
        assert!(named_scores("EDSS on Sept 14 was 3.5").is_empty());
        assert_eq!(named_scores("EDSS 3.5 on Sept 14"), vec![3.5]);
    }

    #[test]
    fn one_unit_with_its_article_is_a_duration() {
        let d = |s: &str| {
            quantities(s, &[])
                .into_iter()
                .filter(|q| q.kind == QKind::Duration)
                .map(|q| (q.value, q.cmp))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            d("She quit smoking more than a year ago."),
            [(365.0, Cmp::AtLeast)]
        );
        assert_eq!(d("Neck pain for over a month."), [(30.4, Cmp::AtLeast)]);
        assert_eq!(d("PT once a week, 3 times a day."), []);
    }

    #[test]
    fn a_table_rows_cells_are_values_of_its_name() {
        let fvc = |v: f64| (QKind::Named("FVC".into()), v);
        let q = read("| FVC, % predicted | 78 | 64 | 49 |");
        for v in [78.0, 64.0, 49.0] {
            assert!(q.contains(&fvc(v)), "{q:?}");
        }
        // (The reference interval after the cells is no value.)
        let q = read("| MIP | 58 | 46 | 60-120 |");
        assert!(!q.iter().any(|(_, v)| *v == 60.0), "{q:?}");
    }

    #[test]
    fn a_count_after_its_verb_counts_the_verbs_event() {
        let counts = |s: &str| {
            read(s)
                .into_iter()
                .filter(|(k, _)| matches!(k, QKind::Count(_)))
                .collect::<Vec<_>>()
        };
        let fall = QKind::Count(count_noun("fall"));
        assert_eq!(
            counts("She has fallen three times since April."),
            vec![(fall.clone(), 3.0)]
        );
        assert_eq!(counts("Falls x2 since April."), vec![(fall, 2.0)]);
        let stay = QKind::Count(count_noun("hospitalizations"));
        assert_eq!(
            counts("He was hospitalized twice in 2026."),
            vec![(stay.clone(), 2.0)]
        );
        assert_eq!(counts("Two hospitalizations for COPD."), vec![(stay, 2.0)]);
        assert_eq!(
            counts("She was seen in the emergency department four times in 2026."),
            vec![(QKind::Count(count_noun("visits")), 4.0)]
        );
        // A frequency, a multiple, or a verb that is no event count nothing.
        assert!(counts("Saline irrigations twice daily since 12/2026").is_empty());
        assert!(counts("Inhaler used three times a day.").is_empty());
        assert!(counts("CK elevated ten times the upper limit.").is_empty());
        assert!(counts("He fell, and twice he was found on the floor.").is_empty());
    }

    #[test]
    fn a_predicted_value_is_no_value_measured() {
        assert_eq!(read("Predicted distance (Enright): 466 m."), vec![]);
        assert_eq!(
            read("FEV1 1.19 L, predicted 2.28 L")
                .into_iter()
                .filter(|(k, _)| matches!(k, QKind::Unit(_)))
                .count(),
            0
        );
        // (The measured value's share of it is the measured value's.)
        assert!(read("FEV1 (52% predicted)").contains(&(QKind::Unit("%"), 52.0)));
    }

    #[test]
    fn a_hyphenated_name_may_be_longer() {
        assert_eq!(named_scores("Her SLEDAI-2K score was 12."), vec![12.0]);
        assert_eq!(named_scores("PROMIS-29 physical function 38"), vec![38.0]);
        // (Not an unhyphenated word in capitals, nor two hyphens.)
        assert!(named_scores("Her DISABILITY score was 12.").is_empty());
        assert!(named_scores("SARS-COV-2 PCR 1").is_empty());
    }

    #[test]
    fn a_rows_columns_are_its_names_values() {
        assert_eq!(named_scores("ABI 1.02 0.96"), vec![1.02, 0.96]);
        assert_eq!(named_scores("TBI 0.75 0.72"), vec![0.75, 0.72]);
        // (Words between end the row.)
        assert_eq!(named_scores("MADRS 41 on adm, 31 at d/c"), vec![41.0]);
    }

    #[test]
    fn an_amount_right_after_its_verb_is_a_change() {
        assert!(read("Dawn phenomenon: BG rises ~80 mg/dL between 3 and 8 AM.").is_empty());
        assert_eq!(
            read("Hgb fell to 7.9 g/dL"),
            vec![(QKind::Unit("g/dL"), 7.9), (QKind::Unit("g/L"), 79.0)]
        );
    }

    #[test]
    fn a_goal_or_a_target_is_no_value() {
        assert!(read("LDL goal <55 mg/dL.").is_empty());
        assert!(read("Titrate every 2 weeks to the target of 97/103 mg twice daily.").is_empty());
        assert_eq!(read("A1c 8.1% (goal < 7%)"), vec![(QKind::Unit("%"), 8.1)]);
        // (A target lesion is measured.)
        assert_eq!(read("Target lesion 23 mm")[0], (QKind::Unit("mm"), 23.0));
    }

    #[test]
    fn a_form_items_code_is_no_quantity() {
        assert!(read("5g. Neuroimaging: MRI shows no mass").is_empty());
        assert!(read("3d) Retinopathy: moderate, both eyes").is_empty());
        // (A dose that opens a sentence is still one.)
        assert_eq!(
            read("5 g. Given over an hour."),
            vec![(QKind::Unit("g"), 5.0)]
        );
        assert_eq!(read("2g IV daily"), vec![(QKind::Unit("g"), 2.0)]);
    }

    #[test]
    fn a_share_predicted_in_parentheses_is_the_measures_value_too() {
        assert_eq!(named_scores("FVC 2.10 L (58% predicted)"), vec![2.1, 58.0]);
        assert_eq!(
            named_scores("FVC 2.10 L (58% predicted post), DLCO 61"),
            vec![2.1, 58.0, 61.0]
        );
        // (A word or a number without a percent sign in parentheses is no share.)
        assert_eq!(named_scores("FVC 2.10 L (post)"), vec![2.1]);
        assert_eq!(named_scores("FVC 2.10 L (58 pred)"), vec![2.1]);
    }

    #[test]
    fn a_labels_number_and_a_names_digit_count_nothing() {
        let q = read("She has type 2 diabetes and stage 3 kidney disease.");
        assert!(
            q.iter().all(|(k, _)| !matches!(k, QKind::Count(_))),
            "{q:?}"
        );
        let q = read("She screened positive, with a PHQ-9 of 11.");
        assert!(
            q.iter().all(|(k, _)| !matches!(k, QKind::ScoreOf(_))),
            "{q:?}"
        );
        assert!(q.contains(&(QKind::Named("PHQ-9".into()), 11.0)), "{q:?}");
        // A count still counts.
        assert!(read("She had 2 hospitalizations in 2026.")
            .iter()
            .any(|(k, v)| matches!(k, QKind::Count(_)) && *v == 2.0));
    }

    #[test]
    fn a_bound_after_its_value_is_read() {
        let q = quantities("LVEF normal and PAWP 15 mmHg or less", &[]);
        assert!(
            q.iter().any(|q| q.value == 15.0 && q.cmp == Cmp::AtMost),
            "{q:?}"
        );
        // A cumulative row printed without cell borders: a value per date,
        // each with its flag, then the reference range.
        let q = quantities("ALT (U/L) 55 H 50 H 47 H 52 H 7-35", &[]);
        let alt: Vec<f64> = q
            .iter()
            .filter(|q| q.kind == QKind::Named("ALT".into()))
            .map(|q| q.value)
            .collect();
        assert_eq!(alt, [55.0, 50.0, 47.0, 52.0], "{q:?}");
        assert!(q.iter().all(|q| q.value != 7.0 && q.value != 35.0), "{q:?}");
        // A score named for a person, with its alias or its subject between.
        let named = |s: &str| -> Vec<(QKind, f64)> {
            quantities(s, &[])
                .into_iter()
                .map(|q| (q.kind, q.value))
                .collect()
        };
        let st_marks = QKind::Named("ST MARK".into());
        assert!(
            named("Her St Mark's incontinence score is 19.").contains(&(st_marks.clone(), 19.0))
        );
        assert!(named("St Mark's (Vaizey) score 16.").contains(&(st_marks, 16.0)));
        assert!(named("Wexner score 14").contains(&(QKind::Named("WEXNER".into()), 14.0)));
        // (A limit an order sets is no value.)
        let q = quantities("apply to the rash; treated area not to exceed 20% BSA", &[]);
        assert!(q.iter().all(|q| q.value != 20.0), "{q:?}");
        let q = quantities("symptoms for 6 months or longer", &[]);
        assert!(q.iter().any(|q| q.cmp == Cmp::AtLeast), "{q:?}");
        // (A named value whose name and number a verb parts.)
        let q = quantities("and the vancomycin MIC is 2 or lower, so", &[]);
        assert!(
            q.iter().any(|q| q.value == 2.0 && q.cmp == Cmp::AtMost),
            "{q:?}"
        );
        let q = quantities("BP 150/90 or higher twice", &[]);
        assert!(q.iter().all(|q| q.value != 15.0), "{q:?}");
    }

    #[test]
    fn a_bone_density_score_is_read_below_zero() {
        let t = |v: f64| (QKind::Named("T-SCORE".into()), v);
        assert!(read("DXA 08/2026 lumbar spine T-score -2.6 (osteoporosis).").contains(&t(-2.6)));
        assert!(read("Femoral neck T-score of -3.1").contains(&t(-3.1)));
        let q = read("- DXA 8/2026: L1-L4 T -1.9, fem neck T -1.4, osteopenia");
        assert!(q.contains(&t(-1.9)) && q.contains(&t(-1.4)), "{q:?}");
        assert!(
            read("Z-score: -2.2 at the radius").contains(&(QKind::Named("Z-SCORE".into()), -2.2))
        );
        // (A "T" beside a number outside a densitometry sentence is no score.)
        assert!(!read("Temp T -1 overnight drift")
            .iter()
            .any(|(k, _)| *k == t(0.0).0));
    }

    #[test]
    fn centimeters_of_water_are_a_pressure_not_a_length() {
        for t in ["PEEP of 8 cm H2O", "CPAP 10 cmH2O"] {
            let q = read(t);
            assert!(
                q.iter()
                    .all(|(k, _)| !matches!(k, QKind::Unit("cm" | "mm"))),
                "{t}: {q:?}"
            );
            assert!(
                q.iter().any(|(k, _)| *k == QKind::Unit("cmH2O")),
                "{t}: {q:?}"
            );
        }
    }

    #[test]
    fn a_size_in_three_dimensions_gives_each_length_its_unit() {
        let q = read("Fibroid A: anterior intramural, 6.2 x 5.0 x 4.4 cm.");
        for v in [6.2, 5.0, 4.4] {
            assert!(q.contains(&(QKind::Unit("cm"), v)), "{v} cm in {q:?}");
        }
        let q = read("lesion 12 × 9 × 7 mm");
        for v in [12.0, 9.0, 7.0] {
            assert!(q.contains(&(QKind::Unit("mm"), v)), "{v} mm in {q:?}");
        }
    }

    #[test]
    fn a_table_row_reads_its_value_with_its_unit_across_the_flag_cell() {
        let row = read("Anti-dsDNA Ab (EIA) | 212 | H | IU/mL | <30 | 96");
        assert!(row.contains(&(QKind::Unit("IU/mL"), 212.0)), "{row:?}");
        let row = read("Albumin | 2.6 | L | g/dL | 3.5-5.0");
        assert!(row.contains(&(QKind::Unit("g/dL"), 2.6)), "{row:?}");
        // A report printed without cell borders.
        let row = read("Hemoglobin 9.8 L g/dL 12.0-15.5");
        assert!(row.contains(&(QKind::Unit("g/dL"), 9.8)), "{row:?}");
        let row = read("Potassium 5.9 H mmol/L 3.5-5.1");
        assert!(row.contains(&(QKind::Unit("mmol/L"), 5.9)), "{row:?}");
        // A side letter before a word that is no unit stays a side.
        assert!(!read("grade 2 L knee effusion")
            .iter()
            .any(|q| matches!(q.0, QKind::Unit(_))));
        // A unit that is not in the next cells stays apart.
        assert!(!read("Score | 14 | Comment | mild")
            .iter()
            .any(|q| matches!(q.0, QKind::Unit(_))));
    }

    #[test]
    fn thousands_separators_and_lab_units_are_read() {
        assert!(read("elevated at 1,140 mcg/g.").contains(&(QKind::Unit("mcg/g"), 1140.0)));
        assert!(read("eGFR 32 mL/min/1.73m2").contains(&(QKind::Unit("mL/min"), 32.0)));
        assert!(read("25-OH vitamin D 34 ng/mL").contains(&(QKind::Unit("ng/mL"), 34.0)));
        // A count per microlitre in thousands is the same count.
        assert!(read("Eos abs 0.41 x10^3/uL (H)").contains(&(QKind::Unit("/uL"), 410.0)));
        assert!(read("eosinophils 410 cells/uL")
            .iter()
            .any(|q| q.0 == QKind::Unit("K/uL") && (q.1 - 0.41).abs() < 1e-9));
        // A list of numbers has no thousands.
        assert!(read("items 1,2,3 and 4").is_empty());
    }

    #[test]
    fn a_label_after_a_number_is_not_what_it_counts() {
        assert!(!read("Injections - number: 2 dates: 05/2026, 08/2026")
            .iter()
            .any(|q| matches!(q.0, QKind::Count(_))));
        assert!(read("2 injections in 2026")
            .iter()
            .any(|q| matches!(q.0, QKind::Count(_))));
        assert!(
            read("There are two new enhancing lesions: left frontal and right parietal")
                .iter()
                .any(|q| matches!(q.0, QKind::Count(_)))
        );
    }

    #[test]
    fn a_timed_row_with_one_name_is_no_heading_in_capitals() {
        assert!(read("11/03 @ 1400 COWS 18").contains(&(QKind::Named("COWS".into()), 18.0)));
        assert!(read("TOTAL 14 POINTS").is_empty());
    }

    #[test]
    fn only_sentences_without_numbers_skip_the_regexes() {
        assert!(!may_hold_numbers("Done; none of someone's tones."));
        assert!(!may_hold_numbers(""));
        assert!(may_hold_numbers("Three steroid bursts"));
        assert!(may_hold_numbers("bursts x(two)"));
        assert!(may_hold_numbers("_x 1"));
        // Not ASCII: the regexes decide.
        assert!(may_hold_numbers("naïve"));
        assert!(kinds("Done; none of someone's tones.").is_empty());
    }

    fn kinds(s: &str) -> Vec<(QKind, f64, Cmp)> {
        quantities(s, &[])
            .into_iter()
            .map(|q| (q.kind, q.value, q.cmp))
            .collect()
    }

    fn named(s: &str) -> Vec<(String, f64)> {
        quantities(s, &[])
            .into_iter()
            .filter_map(|q| match q.kind {
                QKind::Named(n) => Some((n, q.value)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn values_after_the_name_of_a_score() {
        assert_eq!(
            named("MIDAS repeated today is 36, grade IV."),
            vec![("MIDAS".into(), 36.0)]
        );
        assert_eq!(
            named("Risk assessment: PREMM5: 9.8%."),
            vec![("PREMM5".into(), 9.8)]
        );
        assert_eq!(
            named("PHQ-9 14, GAD-7 9."),
            vec![("PHQ-9".into(), 14.0), ("GAD-7".into(), 9.0)]
        );
        assert_eq!(named("ECOG 1."), vec![("ECOG".into(), 1.0)]);
        assert_eq!(
            named("NOSE score 75/100 (severe)"),
            vec![("NOSE".into(), 75.0)]
        );
        // "from 14 to 23": both values, of two times.
        let mut v = named("Her PHQ-9 has increased from 14 to 23.");
        v.sort_by(|a, b| a.1.total_cmp(&b.1));
        assert_eq!(v, vec![("PHQ-9".into(), 14.0), ("PHQ-9".into(), 23.0)]);
    }

    #[test]
    fn identifiers_doses_and_times_are_no_scores() {
        for s in [
            "NPI 1740029385, DEA AB1234567",
            "Propranolol LA 80 mg daily",
            "EMG 2 weeks ago was normal",
            "PT 3x/week for 8 weeks",
            "SCORE 14 TOTAL 20",
            "Member ID 884 21 9",
            "BMI rose by 4 since spring",
            // A numbered label is no value: "Level 1:" names the level.
            "ABLLS Domains: Level 1: 24 / Level 2: 7.5",
            // A counted noun is no score's name.
            "4 SOREMPs across 5 naps",
            "TOTAL 14",
        ] {
            assert!(named(s).is_empty(), "{s}: {:?}", named(s));
        }
    }

    #[test]
    fn a_distance_walked_is_one_measure_in_metres_feet_or_yards() {
        let k = kinds("6MWT 200 m on room air");
        assert!(
            k.iter()
                .any(|(kind, v, _)| *kind == QKind::Unit("ft") && (v - 656.2).abs() < 0.1),
            "{k:?}"
        );
        assert!(kinds("stops after ~50 yd").contains(&(QKind::Unit("yd"), 50.0, Cmp::Eq)));
        assert!(kinds("walked 150 feet").contains(&(QKind::Unit("ft"), 150.0, Cmp::Eq)));
    }

    #[test]
    fn a_gestational_age_is_no_duration() {
        for s in [
            "Born at 26 weeks' gestation with BPD",
            "22 mo ex-27 wk with chronic lung disease",
            "delivered at 31 weeks GA",
            "GA 33 weeks at birth",
        ] {
            assert!(
                !kinds(s)
                    .iter()
                    .any(|(k, v, _)| *k == QKind::Duration && *v > 150.0 && *v < 250.0),
                "{s}: {:?}",
                kinds(s)
            );
        }
        assert!(kinds("on CPAP for 26 weeks")
            .iter()
            .any(|(k, _, _)| *k == QKind::Duration));
    }

    #[test]
    fn an_item_list_and_a_named_test_give_their_own_values() {
        // Items after a heading's colon are the items' values, not the total.
        assert!(named("GAD-7: worry 3, restlessness 2, irritability 1").is_empty());
        assert_eq!(named("GAD-7: total 6"), vec![("GAD-7".into(), 6.0)]);
        assert_eq!(named("ESS: today 15"), vec![("ESS".into(), 15.0)]);
        assert_eq!(named("PAWP: mean 11"), vec![("PAWP".into(), 11.0)]);
        // The abbreviation in parentheses names the number, not the word before.
        assert_eq!(
            named("HF Functional Scale (HFS) score: 31"),
            vec![("HFS".into(), 31.0)]
        );
        assert_eq!(
            named("His COPD Assessment Test (CAT) score: 21, a high impact."),
            vec![("CAT".into(), 21.0)]
        );
    }

    #[test]
    fn a_count_of_a_total_is_its_first_number() {
        let q = kinds("MSL 3.8 min, 3/5 SOREMPs, AHI 2.1");
        assert!(
            q.contains(&(QKind::Count(pa_types::text::stem("soremp")), 3.0, Cmp::Eq)),
            "{q:?}"
        );
    }

    #[test]
    fn a_count_written_after_its_noun() {
        let q = kinds("ED visits x2 this winter; steroid bursts x 3 in the past year");
        assert!(
            q.contains(&(QKind::Count(pa_types::text::stem("visit")), 2.0, Cmp::Eq)),
            "{q:?}"
        );
        assert!(
            q.contains(&(QKind::Count(pa_types::text::stem("burst")), 3.0, Cmp::Eq)),
            "{q:?}"
        );
        let claimed = &quantities("three steroid bursts", &[])[0];
        let found = quantities("steroid bursts x 3", &[]);
        assert!(agrees(claimed, &found[0]));
        // What was planned is no count of what was done.
        let visit = QKind::Count(pa_types::text::stem("visit"));
        let q = kinds("Attended 5 of 12 scheduled visits over 3 weeks");
        assert!(q.contains(&(visit.clone(), 5.0, Cmp::Eq)), "{q:?}");
        assert!(!q.contains(&(visit.clone(), 12.0, Cmp::Eq)), "{q:?}");
        assert!(kinds("12 visits attended").contains(&(visit, 12.0, Cmp::Eq)));
        // A form's field that opens with its noun.
        let visit = QKind::Count(pa_types::text::stem("hospitalization"));
        for (text, n) in [
            ("Hospitalizations: 1 (01/03-01/07/2027, RV failure).", 1.0),
            (
                "Hospitalizations for right heart failure in the past 12 months: 2",
                2.0,
            ),
            (
                "BP 118/72. Hospitalizations in past yr: 0; ED visits: 2",
                0.0,
            ),
        ] {
            assert!(
                kinds(text).contains(&(visit.clone(), n, Cmp::Eq)),
                "{text}: {:?}",
                kinds(text)
            );
        }
        // Not a count: a value with a unit, a date, a decimal.
        for text in [
            "Hospitalizations: 2 weeks ago",
            "Symptoms: 3 months",
            "Labs: 1.2",
            "Admissions: 10/02/2026",
        ] {
            assert!(
                !kinds(text).iter().any(|k| matches!(k.0, QKind::Count(_))),
                "{text}: {:?}",
                kinds(text)
            );
        }
        // "2x/day" is a frequency, not a count.
        assert!(kinds("ibuprofen 2x/day")
            .iter()
            .all(|k| !matches!(k.0, QKind::Count(_))));
    }

    #[test]
    fn grams_are_a_unit_not_a_count() {
        // Tissue weights ("specimen weight 380 grams", "excised 1,250 g").
        let q = kinds("the excised specimen weighed 380 grams, and the other 350 g");
        assert_eq!(
            q,
            vec![
                (QKind::Unit("g"), 380.0, Cmp::Eq),
                (QKind::Unit("g"), 350.0, Cmp::Eq)
            ]
        );
        assert!(unit_is_result("g"));
        assert_eq!(kinds("Hgb 9.8 g/dL")[0].0, QKind::Unit("g/dL"));
    }

    #[test]
    fn a_range_holds_its_values() {
        let q = quantities("LVEF 25-30%, mod MR", &[]);
        let r = q.iter().find(|q| q.kind == QKind::Unit("%")).unwrap();
        assert_eq!((r.value, r.hi), (25.0, Some(30.0)));
        let claimed = &quantities("an ejection fraction of 25%", &[])[0];
        assert!(agrees(claimed, r));
    }

    #[test]
    fn a_range_in_words_is_a_range_and_agrees_end_to_end() {
        let q = quantities("glucose ranging from 54 to 402 mg/dL this week", &[]);
        let r = q.iter().find(|q| q.kind == QKind::Unit("mg/dL")).unwrap();
        assert_eq!((r.value, r.hi), (54.0, Some(402.0)));
        let same = &quantities("between 54 and 402 mg/dL", &[])[0];
        assert!(agrees(r, same));
        let wider = &quantities("ranged 54-450 mg/dL", &[])[0];
        assert!(!agrees(r, wider));
    }

    #[test]
    fn a_count_with_an_abbreviated_noun_is_read_for_a_claimed_noun() {
        let treatment = count_noun("treatments");
        let q = abbreviated_counts("remission after 9 tx; up to 12 tx planned", &treatment);
        assert_eq!(
            q.iter().map(|q| (q.value, q.cmp)).collect::<Vec<_>>(),
            [(9.0, Cmp::Eq), (12.0, Cmp::AtMost)]
        );
        // "sz x4" counts seizures; a unit or a word of several senses counts nothing.
        assert_eq!(
            abbreviated_counts("sz x4 this month", &count_noun("seizures"))[0].value,
            4.0
        );
        assert!(abbreviated_counts("5 mg daily", &count_noun("treatments")).is_empty());
    }

    #[test]
    fn a_number_hyphenated_to_a_name_is_the_names() {
        assert!(kinds("technetium-99m pyrophosphate scan, Tc-99m PYP").is_empty());
        assert!(kinds("LVEF 25-30%").iter().any(|k| k.0 == QKind::Unit("%")));
        // Nor is the day of a date a count.
        assert!(kinds("bone scan on May 2 showed no osseous lesions").is_empty());
    }

    #[test]
    fn a_row_whose_name_gives_its_unit_gives_each_value_in_it() {
        let q = quantities("IgE, total (IU/mL) | -- | 388 | 41 | 0-100", &[]);
        let v: Vec<f64> = q
            .iter()
            .filter(|q| q.kind == QKind::Unit("IU/mL"))
            .map(|q| q.value)
            .collect();
        assert_eq!(v, [388.0, 41.0]);
    }

    #[test]
    fn a_days_supply_is_no_length_of_treatment() {
        for s in [
            "osimertinib 80 mg PO once daily, #30/30 days",
            "Dispense a 90-day supply",
            "qty 90 / 90 days, 3 refills",
        ] {
            assert!(
                !kinds(s)
                    .iter()
                    .any(|k| matches!(k.0, QKind::Duration | QKind::ScoreOf(_))),
                "{s}"
            );
        }
        assert!(kinds("on osimertinib for 30 days")
            .iter()
            .any(|k| k.0 == QKind::Duration));
    }

    #[test]
    fn a_number_with_its_unit_counts_nothing_after_it() {
        assert!(!kinds("range 62-318 in last 72 hrs on insulin adjustments")
            .iter()
            .any(|k| matches!(k.0, QKind::Count(_))));
        // Hours a day are no length of time.
        assert!(!kinds("attends rehab 3 hours a day")
            .iter()
            .any(|k| k.0 == QKind::Duration));
        // A length of hours is one, and "3 hours" is not "2 hours".
        let three = &quantities("average use 3 hours", &[])[0];
        let two = &quantities("average use 2 hours", &[])[0];
        assert!(!agrees(three, two));
    }

    #[test]
    fn counts_and_scores_out_of_a_maximum() {
        let k = kinds("She has had three hospitalizations and 2 new lesions; FIM 38/91.");
        assert!(k.contains(&(
            QKind::Count(pa_types::text::stem("hospitalizations")),
            3.0,
            Cmp::Eq
        )));
        assert!(k.contains(&(QKind::Count("lesion".into()), 2.0, Cmp::Eq)));
        assert!(k.contains(&(QKind::ScoreOf(91), 38.0, Cmp::Eq)));
        // A one-digit maximum, written out or after the score's name; not a date.
        assert!(kinds("a Clinical Activity Score of 5 out of 7").contains(&(
            QKind::ScoreOf(7),
            5.0,
            Cmp::Eq
        )));
        assert!(kinds("CAS OD 5/7 (pain on gaze)").contains(&(QKind::ScoreOf(7), 5.0, Cmp::Eq)));
        assert!(kinds("hip abduction 4/5 bilaterally").contains(&(
            QKind::ScoreOf(5),
            4.0,
            Cmp::Eq
        )));
        for dated in [
            "seen on 5/7 for follow-up",
            "MRI 3/4/2026 showed",
            "since 5/7",
            "PEEP 6 overnight since 10/20, tolerating",
            "seen on 11/14 for follow-up",
        ] {
            assert!(
                kinds(dated)
                    .iter()
                    .all(|q| !matches!(q.0, QKind::ScoreOf(_))),
                "{dated}"
            );
        }
        assert!(kinds("an Epworth score of 9/24 today").contains(&(
            QKind::ScoreOf(24),
            9.0,
            Cmp::Eq
        )));
        assert!(kinds("pain 7/10 for three weeks")
            .iter()
            .all(|q| !matches!(q.0, QKind::Count(_) | QKind::ScoreOf(_))));
    }

    #[test]
    fn durations_frequencies_and_units() {
        assert_eq!(
            kinds("failed six weeks of PT"),
            [(QKind::Duration, 42.0, Cmp::Eq)]
        );
        // Notes abbreviate hours and days to one letter after "x".
        assert_eq!(
            kinds("cephalexin x 10 d, resolved"),
            [(QKind::Duration, 10.0, Cmp::Eq)]
        );
        assert_eq!(
            kinds("NAC protocol x 21 h"),
            [(QKind::Duration, 21.0 / 24.0, Cmp::Eq)]
        );
        // (Elsewhere the letter is left alone: "longest episode 9-h 40 min".)
        assert!(kinds("longest episode 9-h 40 min")
            .iter()
            .all(|k| k.0 != QKind::Duration));
        assert!(kinds("PT 3 h/day").iter().all(|k| k.0 != QKind::Duration));
        assert!(kinds("walks 5 d/wk").iter().all(|k| k.0 != QKind::Duration));
        assert_eq!(kinds("oxycodone 5 mg q 6 h prn"), kinds("oxycodone 5 mg"));
        // An interval is no duration, and neither is an age.
        assert_eq!(kinds("1 tab every 8 hours as needed"), []);
        assert_eq!(kinds("a 34-year-old man"), []);
        assert_eq!(kinds("her 6 month old son"), []);
        assert_eq!(kinds("19 mo (at adm) ex-26-week infant w/ trach"), []);
        assert_eq!(kinds("3 yr F with asthma"), []);
        assert_eq!(kinds("myalgias resolved in ~3 wk off drug"), []);
        assert_eq!(kinds("pain returned 2 months after stopping it"), []);
        assert_eq!(kinds("PT x 3 wk with no gain").len(), 1);
        // A multi-byte character right after a duration is no age (and no panic).
        assert_eq!(kinds("6 weeks–ölder").len(), 1);
        // A volume indexed to body surface area is its own result, never a
        // volume given.
        assert!(kinds("LA volume index 27 mL/m2.").contains(&(
            QKind::Unit("mL/m2"),
            27.0,
            Cmp::Eq
        )));
        assert!(!kinds("LA volume index 27 mL/m2.")
            .iter()
            .any(|k| k.0 == QKind::Unit("mL")));
        assert!(unit_is_result("mL/m2"));
        assert_eq!(
            kinds("QTc 452 ms"),
            [
                (QKind::Unit("ms"), 452.0, Cmp::Eq),
                (QKind::Named("QTC".into()), 452.0, Cmp::Eq)
            ]
        );
        assert_eq!(
            kinds("pain x 3+ yrs"),
            [(QKind::Duration, 1095.0, Cmp::AtLeast)]
        );
        assert_eq!(
            kinds("for more than 12 months"),
            [(QKind::Duration, 12.0 * 30.4, Cmp::AtLeast)]
        );
        assert_eq!(
            kinds("a 6-month program"),
            [(QKind::Duration, 6.0 * 30.4, Cmp::Eq)]
        );
        assert_eq!(kinds("PT 2x/week"), [(QKind::PerDay, 2.0 / 7.0, Cmp::Eq)]);
        assert_eq!(kinds("SMBG 4x/day"), [(QKind::PerDay, 4.0, Cmp::Eq)]);
        // Days of a week or a month are how often, not how long.
        for t in [
            "completing it 6 days a week",
            "HEP log: 6/7 days most weeks",
            "exercises 6 d/wk",
        ] {
            assert_eq!(kinds(t), [(QKind::PerDay, 6.0 / 7.0, Cmp::Eq)], "{t}");
        }
        assert_eq!(
            kinds("uses ~8-9 d/mo"),
            [(QKind::PerDay, 9.0 / 30.4, Cmp::Eq)]
        );
        assert_eq!(kinds("for 6 days"), [(QKind::Duration, 6.0, Cmp::Eq)]);
        assert_eq!(kinds("Pain 7/10 today"), [(QKind::Pain, 7.0, Cmp::Eq)]);
        assert_eq!(
            kinds("mass 3.1 x 2.7 cm"),
            [
                (QKind::Unit("cm"), 3.1, Cmp::Eq),
                (QKind::Unit("cm"), 2.7, Cmp::Eq),
                // (The same lengths in millimetres.)
                (QKind::Unit("mm"), 31.0, Cmp::Eq),
                (QKind::Unit("mm"), 27.0, Cmp::Eq)
            ]
        );
        assert_eq!(
            kinds("BG < 54 mg/dL"),
            [
                (QKind::Unit("mg/dL"), 54.0, Cmp::AtMost),
                (QKind::Named("BG".into()), 54.0, Cmp::AtMost)
            ]
        );
    }

    #[test]
    fn dates_are_not_numbers() {
        assert!(kinds("seen on 10/02/2026 and 03/2026, diagnosed 2023").is_empty());
    }

    #[test]
    fn measures_bind_the_next_number_only() {
        let s = "AHI of 28 events per hour with an oxygen saturation nadir of 81%";
        // ahi at 0..3, oxygen saturation at 34..51, nadir at 52..57
        let q = quantities(s, &[(1, 0, 3), (2, 34, 51), (3, 52, 57)]);
        let bound: Vec<_> = q
            .iter()
            .filter_map(|q| match q.kind {
                QKind::Measure(e) => Some((e, q.value)),
                _ => None,
            })
            .collect();
        assert_eq!(bound, [(1, 28.0), (3, 81.0)]);
    }

    #[test]
    fn a_number_after_a_label_noun_or_with_a_time_unit_is_no_measure_value() {
        let bound = |s: &str, m: &[(usize, usize, usize)]| -> Vec<f64> {
            quantities(s, m)
                .iter()
                .filter(|q| matches!(q.kind, QKind::Measure(_)))
                .map(|q| q.value)
                .collect()
        };
        // "pain" at 14..18: the 2 is the grade's.
        assert!(bound(
            "low back pain from grade 2 spondylolisthesis",
            &[(1, 9, 13)]
        )
        .is_empty());
        // "pain" at 12..16: "x 2 yrs" is how long, not how much.
        assert!(bound("LBP and leg pain x 2 yrs", &[(1, 12, 16)]).is_empty());
        assert_eq!(bound("leg pain 7/10", &[(1, 4, 8)]), [7.0]);
        let named = |s: &str| -> Vec<f64> {
            quantities(s, &[])
                .iter()
                .filter(|q| matches!(q.kind, QKind::Named(_)))
                .map(|q| q.value)
                .collect()
        };
        assert!(named("ADOS-2 Module 1 comparison score of 8").is_empty());
        // (A scale's dimension or criterion is a label too.)
        assert!(named("On the ASAM assessment dimension 4 is rated low").is_empty());
        // Two abbreviations in a row name one score.
        assert!(named("ECOG PS: 1 (ambulatory)").contains(&1.0));
        assert_eq!(
            quantities("ECOG PS: 1 (ambulatory)", &[])
                .iter()
                .filter(|q| q.kind == QKind::Named("ECOG".into()))
                .count(),
            1
        );
        assert_eq!(named("ADOS-2 total 21"), [21.0]);
    }

    #[test]
    fn a_fill_gives_a_daily_dose_from_its_quantity_and_days() {
        let k = kinds("09/30/2026 | mesalamine DR 1.2 g tab | qty 120 | 30 days | Bayside Rx");
        assert!(k.contains(&(QKind::Unit("g"), 4.8, Cmp::Eq)), "{k:?}");
        let k = kinds("naproxen 500 mg tablet #60 / 30 days");
        assert!(k.contains(&(QKind::Unit("mg"), 1000.0, Cmp::Eq)), "{k:?}");
        // A 510 g bottle for 30 days is no daily dose of 17 g.
        let k = kinds("polyethylene glycol 3350 powder 510 g qty 1 | 30 days");
        assert!(
            !k.iter().any(|q| q.0 == QKind::Unit("g") && q.1 < 20.0),
            "{k:?}"
        );
    }

    #[test]
    fn a_measure_does_not_take_a_count_or_a_derived_quantity_as_its_value() {
        // The measure's name spans chars start..end of the text (entry 0).
        let value = |t: &str, name: &str| {
            let start = t.find(name).unwrap();
            quantities(t, &[(0, start, start + name.len())])
                .into_iter()
                .find(|q| q.kind == QKind::Measure(0))
                .map(|q| q.value)
        };
        assert_eq!(
            value("checked glucose 4 or more times a day", "glucose"),
            None
        );
        assert_eq!(
            value(
                "Glucose variability (coefficient of variation): 41%",
                "Glucose"
            ),
            None
        );
        assert_eq!(value("post-BD FEV1/FVC 0.50", "FEV1"), None);
        assert_eq!(value("fasting glucose 212 mg/dL", "glucose"), Some(212.0));
        assert_eq!(
            value("BP / heart rate | 118/72 mmHg / 62 bpm", "heart rate"),
            Some(62.0)
        );
        assert_eq!(value("FEV1 1.12 L", "FEV1"), Some(1.12));
    }

    #[test]
    fn a_tablet_and_its_directions_give_a_daily_dose() {
        let k = kinds("07/06/2026 | hydroxychloroquine 200 mg tab | 60 | 30 | 1 tab BID | Okafor");
        assert!(k.contains(&(QKind::Unit("mg"), 400.0, Cmp::Eq)), "{k:?}");
        let k = kinds("metformin 500 mg tablet, take 2 tablets twice daily with meals");
        assert!(k.contains(&(QKind::Unit("mg"), 2000.0, Cmp::Eq)), "{k:?}");
    }

    #[test]
    fn a_regimen_is_a_dose_and_how_often() {
        let r = regimens("furosemide 40 mg PO twice daily; apixaban 5 mg q12h");
        assert_eq!(r.len(), 2);
        assert_eq!((r[0].dose, r[0].per_day), (40.0, 2.0));
        assert_eq!((r[1].dose, r[1].per_day), (5.0, 2.0));
        let w = regimens("adalimumab 40 mg SC every 2 weeks");
        assert_eq!((w[0].dose, w[0].per_day), (40.0, 1.0 / 14.0));
        assert!(regimens("LDL 112 mg/dL daily").is_empty());
        assert!(regimens("sertraline 200 mg").is_empty());
        let daily = &regimens("40 mg daily")[0];
        assert!(!same_regimen(&w[0], daily));
        assert!(same_regimen(&regimens("20 mg BID")[0], daily));
        assert!(!same_regimen(&regimens("40 mg BID")[0], daily));
    }

    #[test]
    fn a_dose_several_times_a_day_is_a_daily_dose_too() {
        let k = kinds("gabapentin titrated to 1200 mg TID");
        assert!(k.contains(&(QKind::Unit("mg"), 1200.0, Cmp::Eq)), "{k:?}");
        assert!(k.contains(&(QKind::Unit("mg"), 3600.0, Cmp::Eq)), "{k:?}");
        let k = kinds("doxycycline 100 mg twice daily");
        assert!(k.contains(&(QKind::Unit("mg"), 200.0, Cmp::Eq)), "{k:?}");
        // (Beside the value after the name "LDL", which is no dose.)
        assert_eq!(kinds("LDL 112 mg/dL BID").len(), 2);
    }

    #[test]
    fn a_clause_that_ends_without_a_value_binds_none() {
        // "glucose" at 4..11.
        let q = quantities(
            "POC glucose labile, see flowsheet, 1 hypoglycemic event",
            &[(1, 4, 11)],
        );
        assert!(!q.iter().any(|q| q.kind == QKind::Measure(1)), "{q:?}");
        // "BMI" at 0..3: no words before the comma.
        let q = quantities("BMI, 37.4", &[(1, 0, 3)]);
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Measure(1) && q.value == 37.4),
            "{q:?}"
        );
    }

    #[test]
    fn a_change_is_not_the_measures_value() {
        // "heart rate" at 4..14.
        let q = quantities(
            "her heart rate increasing by 32 beats per minute",
            &[(1, 4, 14)],
        );
        assert!(!q.iter().any(|q| q.kind == QKind::Measure(1)), "{q:?}");
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::ChangeOf(1) && q.value == 32.0),
            "{q:?}"
        );
        let q = quantities("heart rate of 44 at rest", &[(1, 0, 10)]);
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Measure(1) && q.value == 44.0),
            "{q:?}"
        );
        // Two values of the measure give the change too.
        let q = quantities("HR 58 supine -> 90 standing", &[(1, 0, 2)]);
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::ChangeOf(1) && q.value == 32.0),
            "{q:?}"
        );
    }

    #[test]
    fn a_number_with_another_unit_is_not_the_measures_value() {
        let s = "Current weight and BMI (within 90 days): 251 lb, BMI 37.4";
        // "BMI" at 19..22.
        let q = quantities(s, &[(1, 19, 22)]);
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Measure(1) && q.value == 37.4),
            "{q:?}"
        );
        assert!(
            !q.iter()
                .any(|q| q.kind == QKind::Measure(1) && q.value == 251.0),
            "{q:?}"
        );
        // A measure's own compound unit is its value's.
        let q = quantities("BMI 34.2 kg/m2, LDL 112 mg/dL", &[(1, 0, 3), (2, 15, 18)]);
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Measure(1) && q.value == 34.2),
            "{q:?}"
        );
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Measure(2) && q.value == 112.0),
            "{q:?}"
        );
    }

    #[test]
    fn parenthesised_qualifiers_are_skipped() {
        let q = quantities("AHI (4% rule): 28.4 events/h", &[(1, 0, 3)]);
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Measure(1) && q.value == 28.4),
            "{q:?}"
        );
        assert!(
            !q.iter()
                .any(|q| q.kind == QKind::Measure(1) && q.value == 4.0),
            "{q:?}"
        );
    }

    #[test]
    fn agreement_respects_qualifiers() {
        let q = |v, cmp| Quantity {
            kind: QKind::Duration,
            value: v,
            cmp,
            hi: None,
            surface: String::new(),
        };
        assert!(agrees(&q(365.0, Cmp::AtLeast), &q(425.0, Cmp::Eq)));
        assert!(!agrees(&q(56.0, Cmp::Eq), &q(14.0, Cmp::Eq)));
        assert!(agrees(&q(28.0, Cmp::Eq), &q(28.4, Cmp::Eq)));
        assert!(!agrees(&q(9.1, Cmp::Eq), &q(7.2, Cmp::Eq)));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    proptest! {
        /// Any text, numbers and units included, is read without a panic.
        #[test]
        fn any_text_is_read(text in "\\PC{0,80}|[0-9./% a-zA-Z,x-]{0,60}") {
            for q in super::quantities(&text, &[]) {
                prop_assert!(q.value.is_finite());
            }
        }
    }
}
#[cfg(test)]
mod count_words_between {
    use super::*;

    /// Up to three words sit between a number and its counted noun, one word
    /// each (a hyphenated word is one): "two documented flares in the past six
    /// months" counts flares, not months.
    #[test]
    fn a_number_a_measure_binds_is_no_value_of_a_name_before_it() {
        let s = "Nadir oxygen saturation on PSG: 79 percent";
        let at = s.find("oxygen").unwrap();
        let m = [(7, at, at + "oxygen saturation".len())];
        let q = quantities(s, &m);
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Measure(7) && q.value == 79.0),
            "{q:?}"
        );
        assert!(
            !q.iter().any(|q| matches!(q.kind, QKind::Named(_))),
            "{q:?}"
        );
        // Without the measure, the name keeps its value.
        assert!(quantities(s, &[])
            .iter()
            .any(|q| matches!(&q.kind, QKind::Named(n) if n == "PSG")));
    }

    #[test]
    fn a_count_takes_the_nearest_noun_after_its_words() {
        let q = quantities(
            "she has had two documented flares in the past six months.",
            &[],
        );
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Count(pa_types::text::stem("flare")) && q.value == 2.0),
            "{q:?}"
        );
        let q = quantities(
            "There are two new gadolinium- -enhancing lesions in the cord",
            &[],
        );
        assert!(
            q.iter()
                .any(|q| q.kind == QKind::Count(pa_types::text::stem("lesion")) && q.value == 2.0),
            "{q:?}"
        );
        // A count is a whole number: a form's item number is none.
        let q = quantities("4.9 Myasthenic crisis requiring intubation", &[]);
        assert!(
            !q.iter().any(|q| matches!(q.kind, QKind::Count(_))),
            "{q:?}"
        );
    }
}

#[cfg(test)]
mod unit_equivalents {
    use super::*;

    fn has(text: &str, unit: &'static str, value: f64) -> bool {
        quantities(text, &[])
            .iter()
            .any(|q| q.kind == QKind::Unit(unit) && (q.value - value).abs() < 1e-6)
    }

    /// A concentration in g/L is the same in g/dL and mg/dL, also in a table's
    /// cells; a count per mm3 is a count per microlitre.
    #[test]
    fn grams_per_litre_and_counts_per_cubic_millimetre_convert() {
        assert!(has(
            "Immunoglobulin G, total | 8.12 | g/L | 7.00-16.00 |",
            "mg/dL",
            812.0
        ));
        assert!(has("Hemoglobin 91 g/L", "g/dL", 9.1));
        assert!(has("Hemoglobin 9.1 g/dL", "g/L", 91.0));
        assert!(has("ANC nadir 200/mm3", "/uL", 200.0));
        assert!(has("ANC nadir 200/mm3", "K/uL", 0.2));
        // A cumulative row with its unit after the values, before the range.
        let row = "ANC | 3.9 | 0.3 L | 0.7 L | 2.9 | x10^3/uL | 1.5-7.8";
        assert!(has(row, "K/uL", 0.3) && has(row, "/uL", 2900.0));
        assert!(!has(row, "K/uL", 1.5) && !has(row, "K/uL", 7.8));
        // Seconds, written out or as "s" after a decimal; "50s" is a decade.
        assert!(has("TUG: 11.8 s (14.2 s at eval)", "s", 11.8));
        assert!(has("under 12 seconds", "s", 12.0));
        assert!(!has("colon cancer in his 50s", "s", 50.0));
    }
}
