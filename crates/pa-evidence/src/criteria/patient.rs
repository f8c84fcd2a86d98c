//! Facts about the patient and the prescriber that criteria test: age (from
//! the date of birth and the request date, or an age the notes state), sex,
//! the prescriber's specialty, and doses with their units.

use std::sync::LazyLock;

use regex::Regex;

/// A date of birth after its label: `DOB: 10-19-2014`, `Date of Birth: 06-15-22`.
static DOB: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:dob|d\.o\.b\.|date\s+of\s+birth|birth\s*date)\s*[:#]?\s*(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})\b|(?i)\b(?:dob|date\s+of\s+birth|birth\s*date)\s*[:#]?\s*(\d{4})-(\d{2})-(\d{2})\b",
    )
    .unwrap()
});

/// An age as notes write it: `10yo`, `7 year old`, `54-year-old`, `45 y/o`.
static STATED_AGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d{1,3})\s*(?:yo\b|y/o\b|y\.o\.|-?\s*years?[- ]old\b|-?\s*yr[- ]old\b)")
        .unwrap()
});

/// Sex in a demographics field or after a stated age.
static SEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:sex|gender)\s*:\s*(female|male|f|m)\b|\b\d{1,3}\s*(?:yo|y/o|-?\s*years?[- ]old)\s+(female|male|woman|man|girl|boy|f|m)\b",
    )
    .unwrap()
});

/// A dose: a number and a unit.
static DOSE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(\d+(?:\.\d+)?)\s*(mg/kg|mcg/kg|mg|mcg|µg|g|ml|units?|iu)\b").unwrap()
});

/// A form's specialty field: `Specialty: Pediatric Gastroenterology`.
static SPECIALTY_FIELD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)\bspecialty\s*:\s*([a-z][a-z &/,-]{2,80})").unwrap());

/// Words that say a specialist took part in the care (a consult, a referral
/// that happened, a signature), as opposed to a specialty merely named.
static INVOLVED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(on consult|consulted|consulting|consultation|consult|following|follows|followed by|seen by|evaluated by|recommendations|attending|signed|clinic|department|dept|service|md|do)\b",
    )
    .unwrap()
});

/// Birth date `(y, m, d)` and where it was read.
pub(crate) fn date_of_birth(text: &str) -> Option<(u32, u32, u32)> {
    let c = DOB.captures(text)?;
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let (y, m, d) = if c.get(1).is_some() {
        let y = num(3)?;
        let y = if y < 100 { 2000 + y } else { y };
        (y, num(1)?, num(2)?)
    } else {
        (num(4)?, num(5)?, num(6)?)
    };
    ((1..=12).contains(&m) && (1..=31).contains(&d) && y > 1880).then_some((y, m, d))
}

/// Whole years from `born` to `on`.
pub(crate) fn years_between(born: (u32, u32, u32), on: (u32, u32, u32)) -> Option<u32> {
    let mut years = on.0.checked_sub(born.0)?;
    if (on.1, on.2) < (born.1, born.2) {
        years = years.checked_sub(1)?;
    }
    Some(years)
}

/// An age the text states.
pub(crate) fn stated_age(text: &str) -> Option<u32> {
    STATED_AGE
        .captures(text)
        .and_then(|c| c[1].parse().ok())
        .filter(|a| *a <= 130)
}

/// `female` or `male`, as the text states it.
pub(crate) fn sex(text: &str) -> Option<&'static str> {
    let c = SEX.captures(text)?;
    let v = c.get(1).or(c.get(2))?.as_str().to_lowercase();
    Some(match v.as_str() {
        "f" | "female" | "woman" | "girl" => "female",
        _ => "male",
    })
}

/// The normalized unit, or None for a unit doses are not written in.
pub(crate) fn unit(u: &str) -> Option<&'static str> {
    Some(match u.to_lowercase().as_str() {
        "mg" => "mg",
        "mcg" | "µg" => "mcg",
        "g" => "g",
        "ml" => "ml",
        "unit" | "units" | "iu" => "units",
        "mg/kg" => "mg/kg",
        "mcg/kg" => "mcg/kg",
        _ => return None,
    })
}

/// Every dose in `text` in `wanted` units.
pub(crate) fn doses(text: &str, wanted: &str) -> Vec<f64> {
    DOSE.captures_iter(text)
        .filter(|c| unit(&c[2]) == Some(wanted))
        .filter_map(|c| c[1].parse().ok())
        .collect()
}

/// The stem that names a specialty and its specialists alike:
/// gastroenterology/gastroenterologist -> `gastroenterolog`, pediatrics -> `pediatric`.
pub(crate) fn specialty_stem(name: &str) -> String {
    let n = name.trim().to_lowercase();
    if let Some(s) = n.strip_suffix("ology") {
        format!("{s}olog")
    } else if let Some(s) = n.strip_suffix("ologist") {
        format!("{s}olog")
    } else if let Some(s) = n.strip_suffix("ics") {
        format!("{s}ic")
    } else {
        n
    }
}

/// Does `text` name one of the specialties (as a word start)?
pub(crate) fn names_specialty(text: &str, stems: &[String]) -> bool {
    let lower = text.to_lowercase();
    stems.iter().any(|s| {
        lower.match_indices(s.as_str()).any(|(i, _)| {
            i == 0
                || !lower[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_alphanumeric())
        })
    })
}

/// The value of a form's `Specialty:` field.
pub(crate) fn specialty_field(text: &str) -> Option<String> {
    let c = SPECIALTY_FIELD.captures(text)?;
    // The value ends where the next field of the form begins.
    let v = c[1]
        .split(['*', ':'])
        .next()
        .unwrap_or("")
        .split("  ")
        .next()
        .unwrap_or("");
    let words: Vec<&str> = v
        .split_whitespace()
        .take_while(|w| {
            !matches!(
                w.to_lowercase().as_str(),
                "dea" | "npi" | "tin" | "office" | "phone" | "fax"
            )
        })
        .collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A prescriber's name: `Dr. Oncoso`, `Shiva Pedram, MD`.
static PRESCRIBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bDr\.?\s+[A-Z]|,\s*(?:MD|DO|NP|PA-C|M\.D\.)\b").unwrap());

/// A request's signature block naming a specialty: a sentence of a letter
/// or form that names it and holds the prescriber's name (`Dr. X`, `X, MD`), or follows the
/// sentence that does (`Dr. Oncoso` / `Pediatric Hematology and Oncology`).
pub(crate) fn signature_specialty<'s>(
    sentences: &'s [pa_types::Sentence],
    stems: &[String],
) -> Option<&'s pa_types::Sentence> {
    sentences.iter().enumerate().find_map(|(i, s)| {
        if !s.kind.is_assertion() || !names_specialty(&s.span.quote, stems) {
            return None;
        }
        // A "Specialty:" field is read as a field (and may name another specialty).
        if SPECIALTY_FIELD.is_match(&s.span.quote) {
            return None;
        }
        let named = |t: &pa_types::Sentence| PRESCRIBER.is_match(&t.span.quote);
        let prev = i
            .checked_sub(1)
            .map(|j| &sentences[j])
            .filter(|p| p.span.doc_id == s.span.doc_id);
        (named(s) || prev.is_some_and(named)).then_some(s)
    })
}

/// A clinical sentence says a specialist took part.
pub(crate) fn specialist_involved(text: &str) -> bool {
    INVOLVED.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn birth_dates_ages_and_sex() {
        assert_eq!(
            date_of_birth("Patient DOB: 10-19-2014 (10yo)"),
            Some((2014, 10, 19))
        );
        assert_eq!(
            date_of_birth("Date of Birth: 06-15-22"),
            Some((2022, 6, 15))
        );
        assert_eq!(date_of_birth("DOB 1961-03-04"), Some((1961, 3, 4)));
        assert_eq!(date_of_birth("Date: 10-19-2014"), None);
        assert_eq!(years_between((2014, 10, 19), (2024, 10, 18)), Some(9));
        assert_eq!(years_between((2014, 10, 19), (2024, 10, 19)), Some(10));
        assert_eq!(stated_age("7 year old male with B-ALL"), Some(7));
        assert_eq!(stated_age("A 54-year-old woman"), Some(54));
        assert_eq!(stated_age("10yo F with no PMH"), Some(10));
        assert_eq!(stated_age("for 3 years"), None);
        assert_eq!(sex("Patient Sex: F"), Some("female"));
        assert_eq!(sex("2yo M with PMH infantile spasms"), Some("male"));
        assert_eq!(sex("A 54-year-old woman presents"), Some("female"));
        assert_eq!(sex("Sexually active"), None);
    }

    #[test]
    fn specialties_and_doses() {
        let stems = vec![specialty_stem("gastroenterology")];
        assert!(names_specialty("Pediatric Gastroenterologist", &stems));
        assert!(!names_specialty("Pediatrics", &stems));
        assert_eq!(specialty_stem("Pediatrics"), "pediatric");
        assert_eq!(
            specialty_field("Specialty: Pediatric Gastroenterology * DEA or TIN: 1234").as_deref(),
            Some("Pediatric Gastroenterology")
        );
        assert_eq!(
            specialty_field("Specialty: Pediatrics  Office Phone").as_deref(),
            Some("Pediatrics")
        );
        assert_eq!(
            doses("Adalimumab 40mg every other week, 160 mg day 1", "mg"),
            vec![40.0, 160.0]
        );
        assert!(doses("2 mL", "mg").is_empty());
    }
}
