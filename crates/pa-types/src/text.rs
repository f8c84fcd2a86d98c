//! Char-offset helpers and the tokenizer every stage shares, so that "the same
//! word" means the same thing in the summary, the index and the evidence check.

/// Month names by their first three letters, January first.
pub const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Labels of one-line header fields in letters and forms (`Date:`, `Re:`,
/// `Equipment requested:`): identification, not clinical assertions, and a
/// line of their own unless the next line continues it in lowercase.
pub const HEADER_LABELS: &[&str] = &[
    "date",
    "to",
    "re",
    "patient",
    "member",
    "member name",
    "member id",
    "id",
    "dob",
    "requested service",
    // (What a form requests, by any of its labels: "Service: PRTF admission".)
    "service",
    "service requested",
    "services requested",
    "requested services",
    "procedure requested",
    "requested procedure",
    "level of care requested",
    "requested level of care",
    "request",
    "requesting provider",
    "facility",
    "setting",
    "procedure",
    "drug",
    "drug requested",
    "medication requested",
    "equipment requested",
    "study requested",
    "prescriber",
    "plan",
    "health plan",
    "signature",
    "signed",
    "attestation",
    "date of request",
    "npi",
    "review type",
    "prescriber signature",
    "from",
    "fax",
    "tel",
    "clinical information",
    "clinical information supporting the request",
    "clinical criteria (prescriber attestation)",
    "medicare mbi",
    "diagnosis",
    "date of service",
    "collected",
    // A list of what a fax sends: "Attached: PA form, sleep study 01/10/2028".
    "attached",
    "attachments",
    "enclosed",
    "enclosures",
];

/// Labels of lines that identify a person or a document rather than say
/// anything clinical ("Patient: J. Doe  DOB: 03/04/1961", "Fax: ...").
const IDENTIFICATION_LABELS: &[&str] = &[
    "patient",
    "patient name",
    "name",
    "member",
    "member name",
    "member id",
    "id",
    "dob",
    "date of birth",
    "mrn",
    "to",
    "from",
    "fax",
    "tel",
    "phone",
    "npi",
    "re",
    "date",
    "prescriber",
    "requesting provider",
    "signature",
    "signed",
    "prescriber signature",
    "address",
    "subscriber id",
    "policy",
    "group",
    "medicare mbi",
    "attn",
];

/// Is this an identification line (a header field such as the patient's name
/// and date of birth, or a fax or phone line), never a clinical finding?
/// True when it opens with an identification label, or names a date of birth,
/// a record number or a member id anywhere.
pub fn is_identification_line(s: &str) -> bool {
    let flat = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let lower = flat.to_lowercase();
    let labelled = lower.split_once(':').is_some_and(|(head, _)| {
        let head = head.trim();
        head.split_whitespace().count() <= 4 && IDENTIFICATION_LABELS.contains(&head)
    });
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let names_id = words.iter().any(|w| matches!(*w, "dob" | "mrn"))
        || lower.contains("date of birth")
        || lower.contains("member id")
        || lower.contains("subscriber id");
    labelled || names_id
}

/// `s[start..end]` counted in chars; `None` when out of range.
pub fn char_slice(s: &str, start: usize, end: usize) -> Option<&str> {
    if start > end {
        return None;
    }
    let mut it = s
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(s.len()));
    let b_start = it.by_ref().nth(start)?;
    let b_end = if end == start {
        b_start
    } else {
        it.nth(end - start - 1)?
    };
    Some(&s[b_start..b_end])
}

/// A word of text with its char offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Lowercased word.
    pub norm: String,
    /// Char start within the tokenized string.
    pub start: usize,
    /// Char end, exclusive.
    pub end: usize,
}

/// The end (exclusive) of the word that starts at `chars[start]`, an
/// alphanumeric: alphanumerics, and any of `joiners` followed by one; a `.`
/// joins only before a digit (`7.2`, `M54.16`, but not `pain.Next`). Both
/// tokenizers, [`tokenize`] and ConText's, scan words with it.
pub fn word_end(chars: &[char], start: usize, joiners: &[char]) -> usize {
    let mut i = start;
    while i < chars.len()
        && (chars[i].is_alphanumeric()
            || (joiners.contains(&chars[i])
                && i + 1 < chars.len()
                && chars[i + 1].is_alphanumeric()
                && (chars[i] != '.' || chars[i + 1].is_ascii_digit())))
    {
        i += 1;
    }
    i
}

/// Split into lowercase alphanumeric words (a `.` between digits stays inside the
/// word, so `7.2` and `M54.16` are one token). Offsets are in chars.
pub fn tokenize(s: &str) -> Vec<Token> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        i = word_end(&chars, start, &['.']);
        let word = &chars[start..i];
        // Most words are ASCII: lowercased in one allocation. Others go through
        // `str::to_lowercase`, which knows context (a final sigma).
        let norm = if word.iter().all(char::is_ascii) {
            word.iter().map(char::to_ascii_lowercase).collect()
        } else {
            word.iter().collect::<String>().to_lowercase()
        };
        out.push(Token {
            norm,
            start,
            end: i,
        });
    }
    out
}

/// "headaches", "backaches", "aches": "-aches" after a consonant (or alone).
fn ache_plural(w: &str) -> bool {
    w.strip_suffix("aches")
        .is_some_and(|base| !base.ends_with(['a', 'e', 'i', 'o', 'u']))
}

/// Words that say the same thing in another form, stemmed to one: "cannot"
/// and "unable" (an inability). ("Without assistance" after "cannot" means
/// it needs help, so "assistance" is not made "assist": its negation would
/// oppose "max assist".) Irregular verbs too ("fallen", "fell": "fall"). The
/// search index reads words through it as well, so that "She has fallen three
/// times" finds "Falls x2".
pub fn same_stem(word: &str) -> Option<&'static str> {
    // (A `match`, not a table scanned for every token stemmed.)
    match word {
        "cannot" | "inability" | "incapable" => Some("unable"),
        // "stopped" and "discontinued" (a drug taken no more).
        "stopped" | "stopping" | "stops" | "discontinue" | "discontinued" | "discontinues"
        | "discontinuing" | "discontinuation" => Some("stop"),
        // Irregular verbs a note writes in the past ("fell", "underwent")
        // where a letter writes the present perfect ("has fallen", "has
        // undergone") or the noun ("falls").
        "fell" | "fallen" => Some("fall"),
        "underwent" | "undergone" | "undergoes" | "undergoing" => Some("undergo"),
        "broke" | "broken" => Some("break"),
        "swollen" => Some("swell"),
        "wore" | "worn" => Some("wear"),
        "began" | "begun" => Some("begin"),
        "ate" | "eaten" => Some("eat"),
        "drank" | "drunk" => Some("drink"),
        "slept" => Some("sleep"),
        "woke" | "woken" => Some("wake"),
        "ran" => Some("run"),
        _ => None,
    }
}

/// Crude English stemming for matching: plural and common suffixes.
pub fn stem(word: &str) -> String {
    // An adverb and its adjective share a stem: "bilaterally" and
    // "bilateral", "consistently" and "consistent". (Not "-ily": "family",
    // "easily".)
    let s = match word.strip_suffix("ly") {
        Some(base) if word.len() > 7 && !base.ends_with('i') => inflection_stem(base),
        _ => inflection_stem(word),
    };
    // A verb in "-ify", its "-ified" and its noun in "-ification" share a
    // stem: "verify", "verified" and "verification" are "verifi".
    if let Some(base) = s
        .strip_suffix("ification")
        .or_else(|| s.strip_suffix("ify"))
    {
        if base.len() >= 3 {
            return format!("{base}ifi");
        }
    }
    // A noun of action and its verb share a stem: "transfusion" and
    // "transfused" are "transfus", "infection" and "infected" "infect".
    if s.len() > 7 && (s.ends_with("tion") || s.ends_with("sion")) {
        return s[..s.len() - 3].to_string();
    }
    s
}

/// [`stem`] without the noun of action: plural and verb endings.
fn inflection_stem(word: &str) -> String {
    if let Some(to) = same_stem(word) {
        return to.to_string();
    }
    let w = word;
    // A Greek "-sis" noun and its "-ses" plural and "-sed" verb share a stem:
    // "diagnosis", "diagnoses" and "diagnosed" are "diagnos".
    if w.len() > 6 && w.ends_with("sis") {
        return w[..w.len() - 2].to_string();
    }
    for suf in ["ing", "ies", "ed", "es", "s"] {
        // "-es" is a suffix only after a sibilant ("boxes", "branches");
        // "headaches" is "headache" + "s" (an "-ache" after a consonant, not
        // "reaches" or "approaches").
        if suf == "es"
            && (!["ses", "xes", "zes", "ches", "shes"]
                .iter()
                .any(|x| w.ends_with(x))
                || ache_plural(w))
        {
            continue;
        }
        if w.len() > suf.len() + 3 && w.ends_with(suf) {
            let base = &w[..w.len() - suf.len()];
            return if suf == "ies" {
                format!("{base}y")
            } else {
                base.to_string()
            };
        }
    }
    w.to_string()
}

/// Collapse whitespace runs to one space and lowercase: for comparisons that
/// must ignore layout (gold anchors, OCR'd quotes).
pub fn squash(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adverb_and_its_adjective_and_an_ify_verb_and_its_noun_share_a_stem() {
        assert_eq!(stem("bilaterally"), stem("bilateral"));
        assert_eq!(stem("consistently"), stem("consistent"));
        assert_eq!(stem("previously"), stem("previous"));
        assert_eq!(stem("verification"), stem("verified"));
        assert_eq!(stem("verify"), stem("verified"));
        assert_eq!(stem("classification"), stem("classified"));
        // (Not a word that only ends in "ly" or "ily".)
        assert_eq!(stem("family"), "family");
        assert_eq!(stem("heavily"), "heavily");
        assert_eq!(stem("monthly"), "monthly");
    }

    #[test]
    fn a_sis_noun_its_plural_and_its_verb_share_a_stem() {
        assert_eq!(stem("diagnosis"), "diagnos");
        assert_eq!(stem("diagnoses"), "diagnos");
        assert_eq!(stem("diagnosed"), "diagnos");
        assert_eq!(stem("stenosis"), stem("stenoses"));
    }

    #[test]
    fn char_slice_counts_chars_not_bytes() {
        let s = "café – naïve";
        assert_eq!(char_slice(s, 0, 4), Some("café"));
        assert_eq!(char_slice(s, 5, 6), Some("–"));
        assert_eq!(char_slice(s, 7, 12), Some("naïve"));
        assert_eq!(char_slice(s, 12, 12), Some(""));
        assert_eq!(char_slice(s, 7, 13), None);
    }

    #[test]
    fn tokenize_keeps_decimals_and_codes() {
        let t: Vec<_> = tokenize("HbA1c 9.1%, dx M54.16. End.")
            .into_iter()
            .map(|t| t.norm)
            .collect();
        assert_eq!(t, ["hba1c", "9.1", "dx", "m54.16", "end"]);
    }

    #[test]
    fn stem_strips_common_suffixes() {
        assert_eq!(stem("injections"), "inject");
        assert_eq!(stem("transfusion"), stem("transfused"));
        assert_eq!(stem("lesion"), "lesion");
        assert_eq!(stem("therapies"), "therapy");
        assert_eq!(stem("was"), "was");
        assert_eq!(stem("headaches"), "headache");
        assert_eq!(stem("backaches"), "backache");
        assert_eq!(stem("branches"), "branch");
        assert_eq!(stem("reaches"), "reach");
    }

    #[test]
    fn an_inability_has_one_stem() {
        assert_eq!(stem("cannot"), stem("unable"));
        assert_eq!(stem("inability"), stem("unable"));
        assert_ne!(stem("assistance"), stem("assist"));
        assert_eq!(stem("discontinued"), stem("stopped"));
    }

    #[test]
    fn an_irregular_past_has_its_verbs_stem() {
        assert_eq!(stem("fallen"), stem("falls"));
        assert_eq!(stem("fell"), stem("falling"));
        assert_eq!(stem("underwent"), stem("undergoes"));
        assert_eq!(stem("worn"), stem("wearing"));
    }
}

/// The first `max_words` words of `s`, with "..." when cut; whitespace squeezed.
pub fn shorten(s: &str, max_words: usize) -> String {
    let w: Vec<&str> = s.split_whitespace().collect();
    if w.len() <= max_words {
        w.join(" ")
    } else {
        format!("{}...", w[..max_words].join(" "))
    }
}

#[cfg(test)]
mod identification_tests {
    use super::is_identification_line;

    #[test]
    fn header_fields_are_identification_and_findings_are_not() {
        for line in [
            "Patient: Jordan Example   DOB: 02/14/1971",
            "Member ID: XK-4411-20",
            "Name: R. Sample, MRN 0042211",
            "Fax: (555) 010-2200",
            "Date of birth 1971-02-14, seen today for follow-up",
        ] {
            assert!(is_identification_line(line), "{line}");
        }
        for line in [
            "Impression: mild degenerative disc disease at L4-5.",
            "Patient reports difficulty walking more than one block.",
            "Plan: start physical therapy twice weekly.",
            "Diagnosis: M17.11 primary osteoarthritis, right knee",
        ] {
            assert!(!is_identification_line(line), "{line}");
        }
    }
}

/// Sentences addressed to a reviewer or a machine: never claims, never
/// published by the LLM summarizer.
pub static INSTRUCTION: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"(?i)\b(please|reviewer|disregard|ignore|mark (all|every)|classify|approve|override|instructions?|do not hesitate|contact (me|our)|feel free|thank you|you must|as an ai|system prompt)\b").unwrap()
});

/// Is this sentence addressed to a reviewer or a machine ("ignore previous
/// instructions", "mark every claim as supported")?
pub fn is_instruction(text: &str) -> bool {
    INSTRUCTION.is_match(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}
