//! Document kind from the content of its first pages, falling back to the file name.
//!
//! Real senders do not start a document with its title: a letter opens with a
//! letterhead, an address block and a date, and its "RE: Letter of medical
//! necessity" or "Dear Dr." comes further down; a faxed form opens with a fax
//! banner and often a whole cover sheet. So every kind is scored on the whole
//! page, from the structure documents of that kind share:
//! - letters: a salutation, a RE: line, a closing and signature, cc: lines,
//!   first-person requests;
//! - request forms: "prior authorization" or "precertification" with a plan or
//!   request, labelled fields (member ID, prescriber, NPI), checkboxes, sections;
//! - clinical notes: the headings of a visit note (HPI, assessment, plan, ...);
//! - lab reports: result tables with units and reference ranges, specimen data;
//! - imaging reports: FINDINGS and IMPRESSION, technique, a modality;
//! - sleep studies, therapy notes and medication lists: their own headings and rows.
//!
//! Words in the head of the page (its first lines, after any fax banner) weigh
//! more than the same words further down, where a form may say "attach a letter
//! of medical necessity". A fax cover sheet (to/from/pages/confidentiality,
//! little else) does not decide the kind: the page after it does.

use std::sync::LazyLock;

use pa_types::{DocKind, DocPart};
use regex::Regex;

/// Lines of a page that count as its head (letterheads run 3-8 lines).
const HEAD_LINES: usize = 14;

/// A kind needs at least this score to be chosen over the file name.
const MIN_SCORE: f64 = 3.0;

/// One scoring rule: a pattern, its weight in the head and in the rest of the
/// page, and how many matches count.
struct Rule {
    kind: DocKind,
    /// A title rule counts in the head only on title-like lines (short, not a
    /// sentence): a letter that mentions "physical therapy" in its first
    /// paragraph is not a therapy note.
    title: bool,
    re: &'static LazyLock<Regex>,
    head: f64,
    body: f64,
    max_hits: usize,
}

macro_rules! re {
    ($name:ident, $pat:expr) => {
        static $name: LazyLock<Regex> = LazyLock::new(|| Regex::new($pat).unwrap());
    };
}

// Letters.
re!(
    LMN_TITLE,
    r"(?i)\b(letter|statement) of medical necessity\b|\bmedical necessity letter\b|\bletter of appeal\b|\brequest for reconsideration\b|\breconsideration request\b|\b(first|second|1st|2nd)[- ]level appeal\b|\bappeal of (the )?(denial|adverse (benefit )?determination)\b|\bexpedited appeal\b"
);
// What a letter to a payer asks for: approval, coverage, an appeal of a denial.
re!(
    PAYER_REQUEST,
    r"(?i)\bmedically necessary\b|\bmedical necessity\b|\bapprov(e|al)\b|\bauthori[sz](e|ation)\b|\bcoverage\b|\bappeal(ing)?\b|\bden(ial|ied)\b|\breconsider(ation)?\b|\boverturn\b"
);
// A form's numbered box ("7. Provider's Name, Address and Telephone Number:").
// (A label of at most five words: a rating scale's numbered items are questions.)
re!(
    NUMBERED_FIELD,
    r"(?m)^\s*\d{1,2}[.)]\s+[A-Z][^\s:]*(?:[ \t]+[^\s:]+){0,4}:"
);
re!(
    SALUTATION,
    r"(?im)^\s*(dear\b[^\n]{0,60}[,:]|to whom it may concern\b|to the\s[^\n:]{0,40}\b(reviewer|clinician|director|committee|team|physician|pharmacist)s?\s*[,:]\s*$)"
);
re!(RE_LINE, r"(?im)^\s*re\s*:\s*\S");
re!(
    CLOSING,
    r"(?im)^\s*(sincerely( yours)?|respectfully( submitted| yours)?|(kind|best|warm|warmest) regards|regards|yours (truly|sincerely|faithfully)|cordially|thank you|thanks|with (thanks|gratitude|appreciation)|best wishes)\s*[,.!]?\s*$|^\s*thank you for your (review|consideration|time|attention|prompt (review|attention))\b"
);
// A summary of a peer-to-peer call, written for the record by the requesting
// side: it lists what the requesting physician put to the plan's reviewer,
// as a letter does ("PEER-TO-PEER REVIEW SUMMARY", "Peer-to-Peer Review:
// Summary for the Record").
re!(
    P2P_TITLE,
    r"(?i)\bpeer[- ]to[- ]peer\b(?:\s+(?:review|discussion|conversation|call))?\s*[:-]?\s*(?:summary|record|notes?)\b"
);
re!(
    FIRST_PERSON,
    r"(?i)\bI\s+am\s+writing\b|\bI\s+(?:am|would\s+like\s+to)\s+request|\bI\s+(?:respectfully|strongly)\s+(?:request|urge|recommend)|\bon\s+behalf\s+of\s+my\s+patient\b|\bmy\s+patient\b|\bI\s+have\s+(?:been\s+)?(?:treating|followed|seen)\b|\bplease\s+(?:do\s+not\s+hesitate|contact\s+me|feel\s+free)\b|\bpeer[- ]to[- ]peer\b"
);
re!(CC_LINE, r"(?im)^\s*(cc|enclosures?|encl)\s*:");
// A sentence ends inside a line: a lower-case word or a number, then a stop
// and the next word ("pain. He", "43; no"). An abbreviation of a capital
// ("Dr. Ames", "St. Mary") is not a sentence's end.
re!(SENTENCE_BREAK, r"\b([a-z0-9][a-z0-9%)]+)[.;]\s+\S");
// Request forms.
re!(
    FORM_TITLE,
    r"(?i)\b(prior[- ]?authori[sz]ation|pre-?certification|pre-?authori[sz]ation|precert|authori[sz]ation request|request form|coverage (determination|request)|formulary exception|medication request|drug request|service request|level of care authori[sz]ation)\b"
);
re!(
    FORM_FIELD,
    r"(?im)^\s*(member( name| id| #| number)?|provider|practice|patient|subscriber|patient name|prescriber( name)?|ordering (physician|provider|md)|requesting (provider|physician)|npi|dea|group (#|number|no)|plan( name)?|bin|pcn|ndc|hcpcs|cpt( code)?s?|icd-?10( code)?s?|diagnosis( code)?|drug( name)?|medication( name)?|strength|quantity|days supply|dose|frequency|site of care|specialty|tax id|office contact|date of birth|dob)\b[^\n]{0,40}:"
);
re!(CHECKBOX, r"\[\s*[xX✓✔]?\s*\]|[☐☑☒□■✓✔]|\(\s*[xX]\s*\)");
re!(
    FORM_SECTION,
    r"(?im)^\s*(section|part)\s+([a-h]|[1-9]|[ivx]+)\b"
);
re!(
    FORM_INSTRUCTION,
    r"(?i)\bfax (the )?completed form\b|\bcomplete (all|every) (fields|sections|questions)\b|\bincomplete (requests|forms)\b|\bplease (print|complete)\b|\bform [a-z]{0,4}-?[a-z0-9-]*\s*\(rev\b|\banswer every question\b|\bplease answer\b"
);
re!(
    QUESTION_ROW,
    r"(?im)^\s*(\d{1,2}[.)]\s*)?(has|have|is|was|does|did|will|can|are)\b[^\n?]{5,160}\?"
);
// Fax cover sheets.
re!(
    COVER_TITLE,
    r"(?i)\bf\s?a\s?x\b\s*(cover|transmittal|sheet)?|\bfacsimile\b|\bcover sheet\b|\btransmittal\b"
);
re!(
    COVER_FIELD,
    r"(?im)^\s*(to|from|attn|date|pages?|re|fax|phone|subject|comments?|message|# of pages)\s*:"
);
re!(
    COVER_PAGES,
    r"(?i)\bpages?\s*(\(incl[a-z.]*\s+cover\)|:\s*\d+\s*\(incl|:?\s*\d+\s*(including|incl\.?|with) cover)|\bincluding (this )?cover\b|\bnumber of pages\b"
);
re!(
    CONFIDENTIALITY,
    r"(?i)\bconfidentiality notice\b|\bintended (only )?for the (use of the )?(individual|recipient|person)|\breceived (this|it) in error\b"
);
// Clinical notes.
re!(
    NOTE_TITLE,
    r"(?i)\b(progress note|office visit|clinic (note|visit)|visit note|consultation|consult note|new patient|follow[- ]?up visit|history and physical|h&p|discharge summary|(interim|progress|transfer|interval|off-service|hospital course) (summary|note)|visit \d{1,2}/\d{1,2}/\d{2,4}|nurse visit|telehealth visit|encounter note|admission note|hospitalist|ed note|emergency department note|(individual|group|family) psychotherapy|psychotherapy (note|session)s?|(dap|session|counsel(l)?ing) notes?|(genetic )?counsel(l)?ing (note|session|visit)|genetic counsel(l)?ing|(psychiatric|psychological|neuropsychological|psych|diagnostic) evaluation|psych eval|(intake|biopsychosocial|psychosocial|comprehensive|nursing|behavioral health) assessment)\b"
);
re!(
    NOTE_HEADING,
    r"(?im)^\s*(hpi|history of present illness|chief complaint|cc|reason for (visit|referral|consultation)|subjective|objective|assessment( and plan| & plan|/plan)?|a/p|plan|physical exam(ination)?|exam|review of systems|ros|vitals?( signs)?|past medical history|pmh|social history|family history|(personal|family|social|psych(iatric)?|surgical|medical|past (medical|surgical)) hx|medications|current medications|allergies|interval history|impression and plan|problems|problem list|active problems|hospital course)\b\s*[:\n-]?"
);
re!(SOAP, r"(?m)^\s*(S|O|A|P|A/P|A&P)\s*:");
re!(
    SIGNED,
    r"(?i)\belectronically signed\b|\be-signed\b|\bdate of service\b|\bDOS\b"
);
// Lab reports.
re!(
    LAB_TITLE,
    r"(?i)\blaborator(y|ies)\b|\blab(oratory)? (report|results)\b|\bpathology\b|\bpanel\b|\breference lab\b|\bblood gas\b|\boximetry\b|\bspirometry\b|\bpulmonary function\b"
);
re!(
    LAB_HEADER,
    r"(?i)\breference( range| interval)?\b|\bref\.? range\b|\bflag\b|\bspecimen\b|\baccession\b|\bclia\b|\bcollected\b|\bresulted\b|\breported\b"
);
re!(
    LAB_ROW,
    r"(?im)^[^\n]{2,60}?\b\d+(\.\d+)?\s*(H|L|HH|LL|\*)?\s*(mg/dl|g/dl|mmol/l|meq/l|iu/ml|u/l|iu/l|ng/ml|pg/ml|ug/ml|mcg/ml|ug/g|x10e\d/ul|k/ul|cells/ul|/ul|%|fl|pg|mm/hr|mg/l|nmol/l|umol/l|ml/min|kU/L|sec|ratio)\b"
);
// Imaging.
re!(
    IMAGING_TITLE,
    r"(?i)\b(radiology|imaging|mri|mra|ct|cta|x-?ray|radiograph|ultrasound|sonograph|mammogra|pet/ct|pet-ct|dexa|nuclear medicine|fluoroscopy|echocardiogra|venous duplex|duplex|elastograph(y|ic)|fibroscan)\b"
);
re!(
    IMAGING_HEADING,
    r"(?im)^\s*(findings|impression|technique|comparison|clinical (history|indication)|indication|exam(ination)?|procedure)(\s+(date|type|performed))?\s*(:|$)"
);
re!(
    RADIOLOGIST,
    r"(?i)\b(radiologist|dictated by|interpreted by|read by|signed by[^\n]{0,40}\bmd\b)"
);
// Sleep studies.
re!(
    SLEEP_TITLE,
    r"(?i)\b(polysomnogra|home sleep (apnea )?test|hsat|sleep study|sleep test|sleep (disorders )?(center|lab))"
);
re!(
    SLEEP_MEASURE,
    r"(?i)\b(apnea[- ]hypopnea index|ahi|rei|rdi|oxygen desaturation index|odi|nadir|sleep latency|total sleep time|sleep efficiency|events/h(ou)?r|t90|recording time)\b"
);
// Therapy notes.
re!(
    THERAPY_TITLE,
    r"(?i)\b((physical|occupational|speech|rehab(ilitation)?|interdisciplinary) therap(y|ies|ist)|speech-language pathology|physiotherapy|(pt|ot|slp) (evaluation|eval|note|progress note|discharge|re-?evaluation)|plan of care|rehabilitation (evaluation|note))\b"
);
re!(
    THERAPY_TERM,
    r"(?i)\b(range of motion|rom\b|mmt\b|manual muscle|gait|goals?\b|visits?\b|therapist|dpt\b|otr\b|slp\b|home exercise|hep\b|functional (status|independence|limitation)|fim\b|transfers?\b|ambulat)"
);
// A therapy discipline's own progress note ("PHYSICAL THERAPY / DAILY
// PROGRESS NOTE"): the discipline is more specific than the generic note title.
re!(
    THERAPY_NOTE_TITLE,
    r"(?i)\b(physical|occupational|speech|respiratory)\s+therap(y|ist)\b[\s\S]{0,80}?\b(progress|daily|treatment|visit|discharge)\s+(note|summary)\b"
);
// Medication lists.
re!(
    MEDLIST_TITLE,
    r"(?i)\b(medication (list|profile|history|reconciliation)|fill history|prescription (history|claims)|claims history|dispens(e|ing) history|rx history|pharmacy (profile|claims|history|record)|dispensing record|(fill|refill) (record|log|report)|current medications list|med list)\b"
);
re!(
    MEDLIST_ROW,
    r"(?im)^\s*(\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2})\b[^\n]{3,80}?\b\d+(\.\d+)?\s*(mg|mcg|g|ml|units?|%)\b"
);

// Reports of procedures and physiological tests: neither a lab (a specimen
// analysed) nor imaging, though they have findings and an impression.
re!(
    PROCEDURE_TITLE,
    r"(?i)\b(procedure report|operative report|op note|operative note|colonoscopy|endoscopy|egd|bronchoscopy|pulmonary function|spirometry|electrocardiogram|ekg|ecg|electromyograph|nerve conduction|emg|audiology|audiologic evaluation|audiogram|audiometry|urodynamics?( study)?)\b"
);

static RULES: &[Rule] = &[
    Rule {
        kind: DocKind::Other,
        re: &PROCEDURE_TITLE,
        title: true,
        head: 9.0,
        body: 0.0,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::Lmn,
        re: &LMN_TITLE,
        title: false,
        head: 6.0,
        body: 1.5,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::Lmn,
        re: &P2P_TITLE,
        title: true,
        head: 6.0,
        body: 0.0,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::Lmn,
        re: &SALUTATION,
        title: false,
        head: 4.0,
        body: 4.0,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::Lmn,
        re: &CLOSING,
        title: false,
        head: 2.0,
        body: 2.0,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::Lmn,
        re: &FIRST_PERSON,
        title: false,
        head: 1.0,
        body: 1.0,
        max_hits: 3,
    },
    Rule {
        kind: DocKind::Lmn,
        re: &PAYER_REQUEST,
        title: false,
        head: 0.5,
        body: 1.0,
        max_hits: 3,
    },
    Rule {
        kind: DocKind::Lmn,
        re: &CC_LINE,
        title: false,
        head: 0.5,
        body: 0.5,
        max_hits: 2,
    },
    Rule {
        kind: DocKind::Lmn,
        re: &RE_LINE,
        title: false,
        head: 1.0,
        body: 1.0,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::RequestForm,
        re: &FORM_TITLE,
        title: true,
        head: 4.0,
        body: 0.5,
        max_hits: 2,
    },
    Rule {
        kind: DocKind::RequestForm,
        re: &FORM_FIELD,
        title: false,
        head: 0.5,
        body: 0.5,
        max_hits: 8,
    },
    Rule {
        kind: DocKind::RequestForm,
        re: &CHECKBOX,
        title: false,
        head: 0.5,
        body: 0.5,
        max_hits: 6,
    },
    Rule {
        kind: DocKind::RequestForm,
        re: &FORM_SECTION,
        title: false,
        head: 1.0,
        body: 1.0,
        max_hits: 3,
    },
    Rule {
        kind: DocKind::RequestForm,
        re: &FORM_INSTRUCTION,
        title: false,
        head: 2.0,
        body: 1.0,
        max_hits: 2,
    },
    Rule {
        kind: DocKind::RequestForm,
        re: &NUMBERED_FIELD,
        title: false,
        head: 0.4,
        body: 0.4,
        max_hits: 8,
    },
    Rule {
        kind: DocKind::RequestForm,
        re: &QUESTION_ROW,
        title: false,
        head: 0.5,
        body: 0.5,
        max_hits: 4,
    },
    Rule {
        kind: DocKind::ClinicalNote,
        re: &NOTE_TITLE,
        title: true,
        head: 4.0,
        body: 0.5,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::ClinicalNote,
        re: &NOTE_HEADING,
        title: false,
        head: 1.0,
        body: 1.0,
        max_hits: 6,
    },
    Rule {
        kind: DocKind::ClinicalNote,
        re: &SOAP,
        title: false,
        head: 1.0,
        body: 1.0,
        max_hits: 4,
    },
    Rule {
        kind: DocKind::ClinicalNote,
        re: &SIGNED,
        title: false,
        head: 0.5,
        body: 0.5,
        max_hits: 2,
    },
    Rule {
        kind: DocKind::LabReport,
        re: &LAB_TITLE,
        title: true,
        head: 3.0,
        body: 0.5,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::LabReport,
        re: &LAB_HEADER,
        title: false,
        head: 1.0,
        body: 0.5,
        max_hits: 4,
    },
    Rule {
        kind: DocKind::LabReport,
        re: &LAB_ROW,
        title: false,
        head: 0.6,
        body: 0.6,
        max_hits: 8,
    },
    Rule {
        kind: DocKind::ImagingReport,
        re: &IMAGING_TITLE,
        title: true,
        head: 2.0,
        body: 0.3,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::ImagingReport,
        re: &IMAGING_HEADING,
        title: false,
        head: 1.5,
        body: 1.5,
        max_hits: 4,
    },
    Rule {
        kind: DocKind::ImagingReport,
        re: &RADIOLOGIST,
        title: false,
        head: 1.0,
        body: 1.0,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::SleepStudy,
        re: &SLEEP_TITLE,
        title: true,
        head: 2.0,
        body: 0.5,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::SleepStudy,
        re: &SLEEP_MEASURE,
        title: false,
        head: 1.0,
        body: 1.0,
        max_hits: 5,
    },
    Rule {
        kind: DocKind::PtNote,
        re: &THERAPY_TITLE,
        title: true,
        head: 4.0,
        body: 1.0,
        max_hits: 2,
    },
    Rule {
        kind: DocKind::PtNote,
        re: &THERAPY_NOTE_TITLE,
        title: true,
        head: 4.0,
        body: 0.0,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::PtNote,
        re: &THERAPY_TERM,
        title: false,
        head: 0.5,
        body: 0.5,
        max_hits: 6,
    },
    Rule {
        kind: DocKind::MedicationList,
        re: &MEDLIST_TITLE,
        title: true,
        head: 5.0,
        body: 1.0,
        max_hits: 1,
    },
    Rule {
        kind: DocKind::MedicationList,
        re: &MEDLIST_ROW,
        title: false,
        head: 0.7,
        body: 0.7,
        max_hits: 8,
    },
];

/// The kinds in the order that breaks ties: the more specific first. `Other`
/// scores only for reports that are known to be none of the others.
const KINDS: [DocKind; 9] = [
    DocKind::SleepStudy,
    DocKind::PtNote,
    DocKind::ImagingReport,
    DocKind::LabReport,
    DocKind::MedicationList,
    DocKind::Lmn,
    DocKind::RequestForm,
    DocKind::ClinicalNote,
    DocKind::Other,
];

/// File-name hints, for documents without text (scans) or without a clear kind.
const NAME_RULES: &[(DocKind, &[&str])] = &[
    (DocKind::Lmn, &["lmn", "letter", "necessity"]),
    (
        DocKind::RequestForm,
        &["request", "pa_form", "precert", "_pa_"],
    ),
    (DocKind::SleepStudy, &["hsat", "sleep", "psg"]),
    (DocKind::PtNote, &["pt_note", "therapy"]),
    (DocKind::MedicationList, &["med_list", "medication"]),
    (DocKind::LabReport, &["lab", "path", "abg"]),
    (
        DocKind::ImagingReport,
        &["xr_", "mri", "ct_", "imaging", "radiology"],
    ),
    (DocKind::ClinicalNote, &["note", "visit", "eval", "consult"]),
];

/// A fax banner line at the top of a faxed page ("01/21/2026 16:08 FROM: ... P.002/008").
pub(crate) static BANNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*\d{1,2}/\d{1,2}/\d{2,4}\s+\d{1,2}:\d{2}\b.*(\bfrom\b|\bto\b|>>|\bp\.?\s*\d+\s*(/|of)\s*\d+|\bpage\s*\d+)")
        .unwrap()
});

/// Per-kind scores of one page.
fn scores(page: &str) -> [f64; 9] {
    let lines: Vec<&str> = page
        .lines()
        .filter(|l| !l.trim().is_empty())
        .skip_while(|l| BANNER.is_match(l))
        .collect();
    let split = lines.len().min(HEAD_LINES);
    let head = lines[..split].join("\n");
    let body = lines[split..].join("\n");
    // A line whose sentence goes on in lower case on the next line is the
    // first line of a paragraph, not a title.
    let (mut titles, mut prose) = (Vec::new(), Vec::new());
    for (i, line) in lines[..split].iter().enumerate() {
        let continued = lines
            .get(i + 1)
            .is_some_and(|next| next.trim_start().starts_with(|c: char| c.is_lowercase()));
        if is_title_like(line) && !continued {
            titles.push(*line);
        } else {
            prose.push(*line);
        }
    }
    let titles = titles.join("\n");
    let rest = format!("{}\n{body}", prose.join("\n"));
    let mut out = [0.0; 9];
    for rule in RULES {
        let i = KINDS.iter().position(|k| *k == rule.kind).unwrap_or(0);
        let (head, body) = if rule.title {
            (&titles, &rest)
        } else {
            (&head, &body)
        };
        let h = rule.re.find_iter(head).take(rule.max_hits).count();
        let b = rule.re.find_iter(body).take(rule.max_hits - h).count();
        out[i] += h as f64 * rule.head + b as f64 * rule.body;
    }
    out
}

/// What a salutation and a closing together add to a page's letter score.
const LETTER_FRAME: f64 = 10.0;

/// A line that can be a title or heading: a few words (OCR splits some), not a sentence.
///
/// A line of wrapped prose is not a title, though it may be short and end
/// without a stop: it starts in lower case (the sentence began on the line
/// above), or a sentence ends inside it ("... since March. Colonoscopy in",
/// "... at 43; no prior polyps on"). A procedure or test named in a letter's
/// or a note's paragraph does not make the document that report.
fn is_title_like(line: &str) -> bool {
    let t = line.trim();
    t.split_whitespace().count() <= 16
        && !t.ends_with(['.', ',', ';'])
        && !t.starts_with(|c: char| c.is_lowercase())
        && !SENTENCE_BREAK
            .captures_iter(t)
            .any(|c| !TITLE_ABBREVIATIONS.contains(&&c[1]))
}

/// Abbreviations that end in a stop inside titles ("Form 1234 (rev. 03/2024)").
const TITLE_ABBREVIATIONS: &[&str] = &["rev", "vs", "no", "approx", "incl"];

/// Whether a page is a fax cover sheet: cover fields and a title or page count,
/// and little else.
fn is_cover(page: &str) -> bool {
    let lines: Vec<&str> = page
        .lines()
        .filter(|l| !l.trim().is_empty())
        .skip_while(|l| BANNER.is_match(l))
        .collect();
    let head = lines[..lines.len().min(HEAD_LINES)].join("\n");
    let fields = COVER_FIELD.find_iter(page).count();
    let marks = usize::from(COVER_TITLE.is_match(&head))
        + usize::from(COVER_PAGES.is_match(page))
        + usize::from(CONFIDENTIALITY.is_match(page));
    let words = page.split_whitespace().count();
    fields >= 3 && marks >= 2 && words < 450 && !document_after_cover(page)
}

/// At least this many words after a cover block make a document of their own.
const MIN_DOCUMENT_WORDS: usize = 60;

/// Whether a page that opens as a fax cover goes on, below the cover's fields,
/// with a document of its own: a title in capitals after three or more cover
/// fields ("CASCADIA HEALTH PLAN / PRIOR AUTHORIZATION REQUEST ..."), then at
/// least [`MIN_DOCUMENT_WORDS`] words that score as a kind. Fax servers and
/// portals print a transmittal block on the first page of what they send.
fn document_after_cover(page: &str) -> bool {
    let mut fields = 0;
    let mut at = 0;
    for line in page.split_inclusive('\n') {
        let t = line.trim();
        if COVER_FIELD.is_match(line) {
            fields += 1;
        } else if fields >= 3 && is_caps_title(t) && !COVER_TITLE.is_match(t) {
            let rest = &page[at..];
            if rest.split_whitespace().count() < MIN_DOCUMENT_WORDS {
                return false;
            }
            let total = scores(rest);
            let (best, score) =
                total.iter().enumerate().fold(
                    (0, f64::MIN),
                    |acc, (i, &s)| if s > acc.1 { (i, s) } else { acc },
                );
            return score >= MIN_SCORE && KINDS[best] != DocKind::Other;
        }
        at += line.len();
    }
    false
}

/// A line in capitals that names something: at least six letters, eight in
/// ten of them capitals, at most twelve words.
fn is_caps_title(line: &str) -> bool {
    let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
    letters.len() >= 6
        && letters.iter().filter(|c| c.is_uppercase()).count() * 10 >= letters.len() * 8
        && line.split_whitespace().count() <= 12
}

/// Classify a document from its file name and its pages' text.
pub fn classify(file_name: &str, pages: &[&str]) -> DocKind {
    let content: Vec<&str> = pages
        .iter()
        .copied()
        .filter(|p| !p.trim().is_empty())
        .collect();
    // A cover sheet does not decide: the first page after it does, with the
    // second page as support (a form's or letter's second page).
    let start = content.iter().position(|p| !is_cover(p));
    if let Some(start) = start {
        let mut total = scores(content[start]);
        if let Some(next) = content.get(start + 1) {
            for (t, s) in total.iter_mut().zip(scores(next)) {
                *t += 0.5 * s;
            }
        }
        // A salutation and a closing make a letter, whoever writes it: a
        // physical therapist's letter of medical necessity names its clinic
        // and its therapy as often as a therapy note does. (The closing may
        // be on the next page.)
        let closes = |k: usize| content.get(k).is_some_and(|p| CLOSING.is_match(p));
        if SALUTATION.is_match(content[start]) && (closes(start) || closes(start + 1)) {
            let i = KINDS.iter().position(|k| *k == DocKind::Lmn).unwrap_or(0);
            total[i] += LETTER_FRAME;
        }
        // A cover sheet's subject line still tells what was sent.
        if start > 0 {
            let cover = scores(content[start - 1]);
            for (t, s) in total.iter_mut().zip(cover) {
                *t += 0.25 * s;
            }
        }
        let (best, score) =
            total.iter().enumerate().fold(
                (0, f64::MIN),
                |acc, (i, &s)| if s > acc.1 { (i, s) } else { acc },
            );
        if score >= MIN_SCORE {
            return KINDS[best];
        }
    }
    let name = file_name.to_lowercase();
    for (kind, words) in NAME_RULES {
        if words.iter().any(|w| name.contains(w)) {
            return *kind;
        }
    }
    DocKind::Other
}

// A page that goes on from the one before ("page 2", "(continued)").
re!(
    CONTINUATION,
    r"(?i)\bpage\s*(?:[2-9]|\d{2,})\b|\(?\bcont(?:inued|'d)\b\)?"
);
// A document's own date under its title: "Date: 01/21/2027", "Date of
// service 07/15/2026", "DOS: 3/2/27", "Visit: March 2, 2027".
re!(
    HEADER_DATE,
    r"(?i)\b(?:date(?:\s+of\s+(?:service|visit|exam|study|procedure|report|consultation|admission|discharge))?|dos|visit(?:\s+date)?|seen|collected|reported|admitted|discharged)\b\s*:?\s*(?:\d{1,2}[/-]\d{1,2}[/-]\d{2,4}|\d{4}-\d{2}-\d{2}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})"
);

/// How many lines at the top of a page are its header: a document's title
/// and date stand there.
const PART_HEAD_LINES: usize = 4;

/// The kind of the document a page opens, if it opens one: its first lines
/// alone name a kind (a title) and give the document's own date, and it does
/// not say it goes on from the page before.
fn head_lines(page: &str) -> Vec<&str> {
    page.lines()
        .filter(|l| !l.trim().is_empty())
        .skip_while(|l| BANNER.is_match(l))
        .take(PART_HEAD_LINES)
        .collect()
}

/// The page says at its top that it goes on from the one before ("Page 2 of
/// 2", "letter of medical necessity, page 2").
fn continues(page: &str) -> bool {
    head_lines(page).iter().any(|l| CONTINUATION.is_match(l))
}

fn opens_document(page: &str) -> Option<DocKind> {
    let lines = head_lines(page);
    let head = lines.join("\n");
    if lines.is_empty()
        || continues(page)
        || !HEADER_DATE.is_match(&head)
        || !lines.iter().take(2).any(|l| is_title_like(l))
    {
        return None;
    }
    let total = scores(&head);
    let (best, score) =
        total.iter().enumerate().fold(
            (0, f64::MIN),
            |acc, (i, &s)| if s > acc.1 { (i, s) } else { acc },
        );
    (score >= MIN_SCORE).then_some(KINDS[best])
}

/// The documents a file holds by page range, when it holds more than one: a
/// fax cover sheet (`other`), then the document the file was classified as
/// (`kind`), then each later page that opens a document of another kind
/// ([`opens_document`]: a title and its own date at the top) starts a part
/// of that kind. Empty when the file is one document of `kind`.
pub fn parts(pages: &[&str], kind: DocKind) -> Vec<DocPart> {
    let mut out: Vec<DocPart> = Vec::new();
    let mut seen_main = false;
    let mut last_was_cover = false;
    for (i, page) in pages.iter().enumerate() {
        let n = i as u32 + 1;
        let blank = page.trim().is_empty();
        let cover = is_cover(page) && (i == 0 || !continues(page));
        let opens = if blank {
            None
        } else if cover {
            Some(DocKind::Other)
        } else if !seen_main {
            seen_main = true;
            Some(kind)
        } else if out
            .last()
            .is_some_and(|p| p.kind == DocKind::Other && last_was_cover)
        {
            // (The page after a later cover sheet opens what that fax sent.)
            Some(opens_document(page).unwrap_or(kind))
        } else {
            opens_document(page)
        };
        last_was_cover = cover || (blank && last_was_cover);
        match (opens, out.last_mut()) {
            (Some(k), Some(last)) if k != last.kind || cover => out.push(DocPart {
                first_page: n,
                last_page: n,
                kind: k,
            }),
            (Some(k), None) => out.push(DocPart {
                first_page: n,
                last_page: n,
                kind: k,
            }),
            (_, Some(last)) => last.last_page = n,
            (None, None) => {}
        }
    }
    if out.len() <= 1 {
        return Vec::new();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_numbered_problem_list_makes_no_form() {
        // An inpatient interim summary: a patient line, then problems
        // numbered as "N. Label:", the way a form numbers its fields.
        let note = "NORTHSIDE HOSPITAL - MEDICINE INTERIM SUMMARY\nPatient: DOE, JAMIE   MRN 1234567\nDate: 04/02/2028   Hospital day 6\n\nAdmitted 03/28 with sepsis from a left leg cellulitis.\n\nProblems\n1. Sepsis: resolved, afebrile 72 h.\n2. Cellulitis left leg: on cefazolin day 6.\n3. Diabetes type 2: insulin glargine 20 units.\n4. Acute kidney injury: creatinine 1.9 -> 1.2.\n5. Deconditioning: PT daily, walks 50 ft.\n6. Skin: heel intact.\n7. Diet: carb-controlled.\n";
        assert_eq!(classify("x.pdf", &[note]), DocKind::ClinicalNote);
    }

    #[test]
    fn a_cover_block_on_top_of_a_form_does_not_make_the_page_a_cover() {
        let cover = "RIVERBEND FAMILY MEDICINE\nFAX TRANSMITTAL\nTo: Summit Health Plan - Pharmacy\n\
            Fax: 1-800-555-0100\nFrom: M. Ruiz, RN\nDate: 03/02/2028\nPages: 6 including this cover\n\
            Re: Prior authorization request\nThis transmission may contain health information. If you \
            received it in error, please notify the sender.\n";
        let form = "SUMMIT HEALTH PLAN\nPRIOR AUTHORIZATION REQUEST - SPECIALTY DRUGS\n\
            Please complete all sections. Incomplete requests will be returned.\n\
            Member name: Test Member  Member ID: SH-1234\nPrescriber: A. Doctor, MD  NPI: 1234567890\n\
            Drug requested: dupilumab 300 mg SC every 2 weeks\n\
            1. Diagnosis: moderate to severe atopic dermatitis, L20.9\n\
            2. Has the patient tried a topical corticosteroid? [X] Yes [ ] No - triamcinolone 0.1% x 8 weeks\n\
            3. Has the patient tried a topical calcineurin inhibitor? [X] Yes [ ] No - tacrolimus x 6 weeks\n\
            4. Body surface area affected: 22%\n5. EASI score: 24\n\
            Prescriber signature: A. Doctor, MD  Date: 03/02/2028\n";
        // The cover alone is a cover; with the form below it, the page is the form's.
        assert!(is_cover(cover));
        let both = format!("{cover}{form}");
        assert!(!is_cover(&both));
        assert_eq!(classify("fax_0302", &[&both]), DocKind::RequestForm);
        assert!(parts(
            &[&both, "Page 2 of 2\n6. Prior biologic: none"],
            DocKind::RequestForm
        )
        .is_empty());
    }

    #[test]
    fn a_fax_of_a_cover_a_letter_and_notes_is_split_into_parts() {
        let cover = "NORTHFIELD SURGERY\nFACSIMILE COVER SHEET\nDate: 02/18/2027\nTo: Acme Health Plan\n\
            Fax: 555-0162\nFrom: J. Lee, scheduler\nPhone: 555-0109\nNumber of pages including cover: 5\n\
            Re: Prior authorization - panniculectomy\nThis transmission may contain confidential \
            health information. If you are not the intended recipient, notify the sender.";
        let letter1 = "NORTHFIELD SURGERY\n12 Mill Road\n\nFebruary 18, 2027\n\nRE: Jane Roe, DOB 01/02/1980\n\n\
            Dear Medical Director:\n\nI am writing to request authorization for a panniculectomy. \
            She has recurrent intertrigo beneath the pannus despite topical antifungals.";
        let letter2 =
            "Jane Roe - letter of medical necessity, page 2\n\nShe has never used tobacco.\n\n\
            Sincerely,\n\nA. Surgeon, MD";
        let consult =
            "NORTHFIELD SURGERY - NEW PATIENT CONSULTATION\nDate: 01/21/2027\nPatient: Roe, Jane\n\
            HPI: 47 yo F s/p sleeve gastrectomy with a symptomatic pannus.\nExam: Wt 176 lb.\n\
            A/P: Symptomatic pannus. Will request authorization.";
        let derm = "RIVERSIDE DERMATOLOGY - OFFICE VISIT\nDate of service: 07/15/2026\nPatient: Jane Roe\n\
            Assessment: candidal intertrigo. Plan: nystatin powder.";
        let pages = [cover, letter1, letter2, consult, derm];
        let kind = classify("fax_0218.pdf", &pages);
        assert_eq!(kind, DocKind::Lmn);
        let ranges = |pages: &[&str], kind: DocKind| -> Vec<(u32, u32, DocKind)> {
            parts(pages, kind)
                .iter()
                .map(|x| (x.first_page, x.last_page, x.kind))
                .collect()
        };
        assert_eq!(
            ranges(&pages, kind),
            [
                (1, 1, DocKind::Other),
                (2, 3, DocKind::Lmn),
                (4, 5, DocKind::ClinicalNote)
            ]
        );
        // A letter or a form alone is one document, whatever its later pages
        // name: a section title without a date of its own opens nothing.
        let form2 = "SECTION C - MEDICATION HISTORY\nDrug | Dates | Response\nadalimumab | 2024-2025 | failed";
        let form1 = "PHARMACY PRIOR AUTHORIZATION REQUEST\nMember ID: 1\nPrescriber: A\nNPI: 1\nDrug requested: X";
        assert!(parts(&[form1, form2], DocKind::RequestForm).is_empty());
        assert!(parts(&[letter1, letter2], DocKind::Lmn).is_empty());
        // A note's second page with its header and a confidentiality line is
        // no cover sheet: it says it goes on.
        let note1 = "RIVERSIDE GI - CLINIC NOTE\nDOS 01/28/2026 Page 1 of 2\nAssessment: ulcerative colitis.";
        let note2 = "RIVERSIDE GI Roe, Jane MRN 1\nDOS 01/28/2026 Page 2 of 2\nPlan: start upadacitinib.\n\
            Fax: 555-0101 Phone: 555-0100 To: plan From: clinic\nPrinted by K. Imrie - contains PHI, confidential";
        assert!(parts(&[note1, note2], DocKind::ClinicalNote).is_empty());
        // A second fax in the same file: its cover sheet, then what it sent.
        assert_eq!(
            ranges(&[cover, letter1, letter2, cover, letter1], DocKind::Lmn),
            [
                (1, 1, DocKind::Other),
                (2, 3, DocKind::Lmn),
                (4, 4, DocKind::Other),
                (5, 5, DocKind::Lmn)
            ]
        );
    }

    #[test]
    fn letters_from_any_sender_reconsiderations_and_numbered_forms() {
        // A therapist's letter names its therapy in the letterhead and the
        // signature; its salutation and closing make it a letter.
        let letter = "RIVERSIDE OCCUPATIONAL THERAPY\nHand and Upper Limb Program\n\nMarch 3, 2027\n\nRe: J. Doe, Member ID 123\n\nDear Reviewer,\n\nI am the occupational therapist treating Ms. Doe after her wrist fracture. Her grip strength is 40% of the other side and her range of motion is limited.\n";
        let close = "She needs 8 more therapy visits to reach her goals for home exercise and return to work.\n\nThank you for your consideration.\n\nA. Lee, OTR/L, CHT\nRiverside Occupational Therapy\nCertified Hand Therapist";
        assert_eq!(classify("x.pdf", &[letter, close]), DocKind::Lmn);
        assert_eq!(
            classify(
                "x.pdf",
                &["CLINIC LETTERHEAD\n\nREQUEST FOR RECONSIDERATION\nMember: A. B\nReference: UM-1\n\n- She has had two admissions this year.\n- She failed two SSRIs.\n"]
            ),
            DocKind::Lmn
        );
        let form = "HOME HEALTH CERTIFICATION AND PLAN OF CARE\nSubmitted for prior authorization to: Keystone Health\n1. Patient HI Claim No.: 1\n2. Start of Care Date: 02/11/2027\n3. Certification Period: 02/11-04/11\n4. Medical Record No.: 5\n5. Provider No.: 6\n8. Date of Birth: 07/22/1946\n10. Medications: carbidopa-levodopa\n11. Principal Diagnosis: G20\n12. Functional Limitations: ambulation\n";
        assert_eq!(classify("x.pdf", &[form]), DocKind::RequestForm);
    }

    #[test]
    fn title_wins_over_file_name() {
        assert_eq!(
            classify(
                "fax_0912.pdf",
                &["LETTER OF MEDICAL NECESSITY\nClinic\nDear Dr. Lee,\nI am writing to request"]
            ),
            DocKind::Lmn
        );
        assert_eq!(
            classify(
                "lab.pdf",
                &["PHARMACY PRIOR AUTHORIZATION REQUEST\nMember ID: 1\nPrescriber: A\nNPI: 1"]
            ),
            DocKind::RequestForm
        );
        assert_eq!(classify("hsat_report_scan.pdf", &[""]), DocKind::SleepStudy);
        assert_eq!(classify("scan_0001.pdf", &[""]), DocKind::Other);
    }

    #[test]
    fn a_letter_under_a_letterhead_is_a_letter() {
        let letter = "NORTHFIELD ORTHOPAEDIC GROUP\n12 Mill Road, Suite 4\nSpringvale, OR 97000\n\
            Tel 555-0100 Fax 555-0101\n\nMarch 3, 2026\n\nAcme Health Plan\nUtilization Review\n\
            PO Box 1\nSpringvale, OR 97001\n\nRE: Jane Roe, DOB 01/02/1960, total knee arthroplasty\n\n\
            Dear Medical Director:\n\nI am writing on behalf of my patient to request approval of a \
            right total knee arthroplasty. She has failed six months of conservative care.\n\n\
            Sincerely,\n\nA. Surgeon, MD\ncc: patient";
        assert_eq!(classify("fax_0303.pdf", &[letter]), DocKind::Lmn);
    }

    #[test]
    fn a_therapists_letter_closing_with_thanks_is_a_letter() {
        // A physical therapist's own letter names its clinic and its therapy in
        // every paragraph; its salutation and a plain "Thank you," close it as a letter.
        let letter = "LAKESIDE HAND AND UPPER LIMB THERAPY\n40 Pier Road\nDuluth, MN 55802\n\n\
            May 4, 2031\n\nNorthwoods Health Plan\nRehabilitation Review\n\nDear Reviewer,\n\n\
            I am requesting eight more visits of occupational therapy for Ana Ruiz after a wrist \
            fracture. Her grip strength is 12 kg on the left against 30 kg on the right, and her \
            range of motion is 40 degrees of extension. Her home exercise program continues.\n\n\
            Thank you,\n\nM. Berg, OTR/L, CHT";
        assert_eq!(classify("fax_0504.pdf", &[letter]), DocKind::Lmn);
    }

    #[test]
    fn a_peer_to_peer_summary_is_a_letter() {
        // The requesting side's record of a peer-to-peer call lists what it put
        // to the plan: assertions to be checked, as in a letter.
        let summary = "PEER TO PEER DISCUSSION - SUMMARY\nRequesting physician: J. Okafor, MD\n\
            Plan reviewer: Dr. Lane\nService: lumbar fusion L4-L5\nPoints made:\n\
            1. Six months of physical therapy failed.\n2. MRI shows grade 2 spondylolisthesis.\n";
        assert_eq!(classify("doc_0007.pdf", &[summary]), DocKind::Lmn);
        // A form that only says a peer-to-peer review may be needed stays a form.
        let form = "PRIOR AUTHORIZATION REQUEST FORM\nMember ID: 1\nPrescriber: A\nNPI: 1\n\
            Note: requests over 8 hours require a peer-to-peer review before approval.";
        assert_eq!(classify("doc_0008.pdf", &[form]), DocKind::RequestForm);
    }

    #[test]
    fn a_letter_about_therapy_is_not_a_therapy_note() {
        let letter = "LETTER OF MEDICAL NECESSITY\nDate: 10/20/2026\n\
            The patient completed 12 weeks of physical therapy.\n\
            An MRI of the knee showed a tear.";
        assert_eq!(classify("x.pdf", &[letter]), DocKind::Lmn);
        let note = "PHYSICAL THERAPY PROGRESS NOTE\nVisit 6 of 12\nGoals: walk 1 block.";
        assert_eq!(classify("x.pdf", &[note]), DocKind::PtNote);
    }

    #[test]
    fn a_cover_sheet_does_not_decide_the_kind() {
        let cover = "03/01/2026 09:12 FROM: CLINIC 555-0101 TO: PLAN 555-0199 P.001/003\n\
            RIVERSIDE CLINIC\nFAX COVER SHEET\nTo: Plan UM\nFrom: Office\nDate: 03/01/2026\n\
            Pages: 3 (including cover)\nRe: prior authorization request\n\
            CONFIDENTIALITY NOTICE: if you received this in error, notify the sender.";
        let form = "ACME HEALTH PLAN\nOutpatient Prior Authorization Request\n\
            Fax completed form to 555-0199.\nSECTION A - MEMBER\nMember name: Jane Roe\n\
            Member ID: X1\nSECTION B - PROVIDER\nOrdering physician: Dr. A\nNPI: 0000000000\n\
            CPT code: 27447\nICD-10: M17.11\n[X] Standard [ ] Expedited";
        assert_eq!(
            classify("fax_0301.pdf", &[cover, form]),
            DocKind::RequestForm
        );
        let note = "RIVERSIDE CLINIC\nOFFICE VISIT\nDate of service: 02/20/2026\n\
            Chief complaint: knee pain\nHPI: 66 yo F with knee pain for 3 years.\n\
            Exam: crepitus, varus.\nAssessment: primary osteoarthritis.\nPlan: refer.";
        assert_eq!(
            classify("fax_0301.pdf", &[cover, note]),
            DocKind::ClinicalNote
        );
    }

    #[test]
    fn reports_are_told_by_their_structure() {
        let lab = "VALLEY REFERENCE LABORATORY\nPatient: Roe, Jane\nCollected: 02/01/2026\n\
            Test Result Flag Units Reference\nHemoglobin A1c 8.4 H % 4.0-5.6\n\
            Glucose 182 H mg/dL 70-99\nCreatinine 0.9 mg/dL 0.6-1.2\nLDL cholesterol 131 H mg/dL <100";
        assert_eq!(classify("scan_1.pdf", &[lab]), DocKind::LabReport);
        let imaging = "NORTHGATE IMAGING\nMRI LUMBAR SPINE WITHOUT CONTRAST\n\
            CLINICAL HISTORY: low back pain\nTECHNIQUE: sagittal and axial images.\n\
            COMPARISON: none.\nFINDINGS: L4-5 disc protrusion.\nIMPRESSION: L4-5 protrusion.";
        assert_eq!(classify("scan_2.pdf", &[imaging]), DocKind::ImagingReport);
        let fills = "MAIN STREET PHARMACY\nPRESCRIPTION HISTORY REPORT\n\
            01/02/2026 METFORMIN 500 MG TAB 60 30\n02/01/2026 METFORMIN 500 MG TAB 60 30\n\
            03/01/2026 LISINOPRIL 10 MG TAB 30 30";
        assert_eq!(classify("efax_3.pdf", &[fills]), DocKind::MedicationList);
    }

    #[test]
    fn a_test_named_in_a_wrapped_paragraph_is_not_a_title() {
        // A letter without a closing, whose third paragraph line names a
        // procedure; its head is all prose after the salutation.
        let letter = "To Whom It May Concern:\n\
            RE: Request for coverage of vedolizumab\n\
            I am the treating physician for Ms. Hale and I am writing to ask\n\
            that vedolizumab be approved. She has had diarrhea since May.\n\
            Her weight fell by 4 kg over the summer. Sigmoidoscopy in\n\
            August showed active colitis; biopsies confirmed it.\n\
            Calprotectin was 900 mcg/g. Endoscopy was otherwise normal and\n\
            she has no fistula.\n\
            Jane Roe, MD";
        assert_eq!(classify("upload_2.pdf", &[letter]), DocKind::Lmn);
        // The same words as the title of a report still decide.
        let report = "COLONOSCOPY REPORT\nIndication: chronic diarrhea\nFindings: \
            active colitis in the sigmoid colon.\nImpression: moderate colitis.";
        assert_eq!(classify("upload_3.pdf", &[report]), DocKind::Other);
    }

    #[test]
    fn a_therapy_disciplines_progress_note_is_a_therapy_note() {
        let note = "LAKESIDE HOSPITAL - OCCUPATIONAL THERAPY\n\
            DAILY PROGRESS NOTE  Date: 03/02/2026\n\
            S: Pt reports shoulder pain 3/10.\nO: UB dressing with min A.\n\
            A: Progressing toward goals.\nP: Continue OT 5x/wk.";
        assert_eq!(classify("doc1.pdf", &[note]), DocKind::PtNote);
    }

    #[test]
    fn dispensing_records_and_session_notes() {
        let fills = "CORNER DRUG - DISPENSING RECORD\nPatient: A. Smith\n\
            Date Medication Qty\n2026-01-04 LISINOPRIL 10 MG TAB 30\n\
            2026-02-03 LISINOPRIL 10 MG TAB 30\n2026-03-05 LISINOPRIL 20 MG TAB 30";
        assert_eq!(classify("upload.pdf", &[fills]), DocKind::MedicationList);
        let sessions = "NORTH SHORE COUNSELING - INDIVIDUAL PSYCHOTHERAPY (DAP NOTES)\n\
            02/01/2026 - D: reports low mood. A: engaged. P: weekly CBT.\n\
            02/08/2026 - D: slept better. A: improving. P: continue.";
        assert_eq!(
            classify("therapy_log.pdf", &[sessions]),
            DocKind::ClinicalNote
        );
    }

    #[test]
    fn a_clinicians_assessment_with_checklists_is_no_request_form() {
        // A screening checklist ticked by the clinician does not make the
        // assessment a payer's form.
        let intake = "RIVERSIDE COUNSELING - BIOPSYCHOSOCIAL INTAKE ASSESSMENT\n\
            Client: R. Lee DOB: 2/3/80 Intake: 04/02/2026\n\
            SUBSTANCE USE CRITERIA (past 12 months)\n\
            [X] 1 craving\n[X] 2 tolerance\n[ ] 3 withdrawal\n[X] 4 use in hazardous situations\n\
            [X] 5 time spent using\n[ ] 6 activities given up\n[X] 7 unable to cut down\n\
            Living situation: lives with sister, supportive.\n\
            Recommendation: outpatient counseling weekly.";
        assert_eq!(classify("upload.pdf", &[intake]), DocKind::ClinicalNote);
    }
}
