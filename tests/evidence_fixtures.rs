//! The evidence checker, tested like lint rules: one small case per behaviour
//! in `tests/fixtures/evidence/<behaviour>/`, the findings compared with the
//! reviewed snapshot `tests/fixtures/evidence.snap`. After a deliberate change,
//! rerun with `UPDATE_SNAPSHOTS=1`, review the diff, and commit it.
//!
//! Behaviours: negated support, family history, number mismatch, paraphrase
//! through a drug class, self-citation, evidence on page 2, OCR noise, a
//! duplicate fax, an injection sentence, support dated after the request, and
//! clinical documents that disagree with each other; condition synonyms from
//! ICD-10-CM, a finding over two adjacent sentences, a claim naming a thing
//! once negated and once not, lab result words ("NONREACTIVE"), "not excluded",
//! "since <event> <date>", predicates that share a subject; and payer criteria,
//! including evidence older than a criterion's time window. Also: support
//! pooled from two sentences, a result still pending, tissue weights in grams, a
//! suspicion followed by a dash and observed findings, a claim with one key term,
//! a count written after its noun ("bursts x 3"), and a dose of a past course
//! against the current dose; opposite states (smoking, living alone, a nonfocal
//! exam, non-adherence, non-ambulatory, working, leaving home, a milder grade) and
//! the same states agreeing; a treatment said to fail that a note says works; a
//! finding denied by a loosely matched sentence, which yields to a supporting one;
//! a lab test by another of its names (hCG for a pregnancy test); a result written
//! before its test ("negative QuantiFERON"), under a form label's condition ("(if
//! applicable)"), a test named without its result (neither support nor
//! opposite), a test not named at all, an indeterminate result; a coordinated
//! clause with its own subject as a claim of its own, and a causal claim whose effect a note does not name;
//! a treatment's trial length; a family history about another relative; a vital
//! sign whose latest value differs, a measure's name as a number's unit ("3
//! hr/day"), and a change of a measure ("rose by 32", "58 -> 90"); a form's
//! "History of X?" against "no hx X" (a word that only places a mention in time
//! has no polarity), and a dosing interval ("every 12 hours") that is no duration;
//! a daily dose from a dose and its frequency ("1200 mg TID" is 3600 mg a day).
//! Also: form rows as filled in (a row's value, a checked box, "[X] No" as a
//! negation, a question with its answer boxes on the next line); a course's
//! length from a date range; a trigger inside parentheses that governs only
//! them, unless it fills them ("BMI (not recorded)"); markers and their results
//! ("ER positive (90%), HER2 negative", "ER+/PR+/HER2-"); a date label
//! qualified by another event ("admission date:") that is not the document's
//! date; and levels of assistance ("max A x2" against "min A x1"). Also: a
//! lab report's test heading with its result on the next line (a heading
//! asserts nothing itself), and a form row's label that a note's line repeats
//! ("Bathroom: ...") counting beside the answer's words, never alone. Also: a
//! setting judged unsuitable after its name ("discharge to home would not be
//! safe") agreeing with the judgment written first ("not safe for discharge to
//! home", "not a candidate for"), and a reason ("given ...", "because ...")
//! outside the scope of the negation before it; a finding an imaging or lab
//! claim denies ("the x-ray showed no fracture") against the same test
//! showing it.
//! Also: abbreviations from the public glossary that the note inventories lack
//! ("TFESI", "RW"), and "moderate-to-severe" as a range of grades; therapy
//! shorthand curated by hand ("indep", "PLOF", "SBA", "SPC", "PWB", phrases such
//! as "mod A x1" and "w/o AD" read as written, negation included), and "30 min a
//! day", which grades no assistance.
//! Also: the value after the abbreviated name of a score the lexicon lacks
//! ("DLQI 21" against a newer "DLQI repeated today is 9"; "FiO2 35%" against
//! "FiO2 0.35"; "improved from 31 to 12", whose later value does not contradict
//! it); and a request dated by its fax cover's ISO date ("Date: 2026-11-25"),
//! never by another event's label ("Admit date: 11/02/2026"); a heading in
//! capitals ("COMPLETE BLOOD COUNT WITH DIFFERENTIAL"), which supports nothing
//! on its own; and a form whose only dates are a date of birth in a field
//! and the signature's, dated by the signature (a date years older than the
//! document's latest is not when it was written); pedigree shorthand ("MGF"
//! is a maternal grandfather); a course between two months ("Mar-Jun 2026"
//! is 3 to 4 months); and a sentence with every word of the claim that
//! supports it, which outweighs one sharing half of them that reads the other
//! way ("Seated SLR neg."); a value the claim says is a difference ("5 mm of
//! additional translation" from "9 mm in flexion and 4 mm in extension"),
//! while a plain other number still differs; a count of none ("0/15 lymph
//! nodes positive", "0 of 2 sets positive"), which negates what it counts,
//! also when it is the value of the label that names it.
//! Also: a drug on several dated rows of a fill history, taken from its first
//! to its last row; how long a drug was held ("hold X 2 wks prior"), which is
//! not how long it was taken; a claim that names its agents one by one against
//! a note that lists one per line; a weight change computed from the weights
//! ("lost more than 8%" from 92.0 to 83.9 kg); a lab value's label acronym
//! ("non-HDL") that the candidate's values lack; a percent and a plain value
//! of one measure ("FEV1 +14%", "FEV1 2.10"), which are not compared; and a
//! choice not to begin a drug ("did not want to take"), which is declining it;
//! a count of a total ("4/5 SOREMPs", "0/18 lymph nodes"), which is either
//! number; an inability written either way ("cannot", "unable to"); a second
//! predicate after "and" ("no plan or intent and engages in safety planning"),
//! out of the negation's reach; and a lab table's next row, whose test is no
//! unit of the number ending the row before (">40\nLDL-C 131"); and a test
//! said to be normal, high or low against its lab row's value and reference
//! range ("TSH 2.4 mIU/L 0.45-4.50"); and a course told over two sentences
//! of a later note (the drug and its dose, then why it was stopped), read as a
//! pair even though an earlier note only planned it. Also: a test not ordered
//! ("not needed ... not ordered"), which gives no result; and a score's name
//! and value alone in a sentence ("ECOG 1."), which bear on a claim of it; and
//! a BMI computed from a note's height and weight (31.2 from 160 cm and 80 kg,
//! not 45 from 5'10" and 290 lb). Also: a negative list ("no history of
//! chronic kidney disease or hypertension") against a note that records one of its
//! items ("HTN dx 2019"), and with every item denied too; and a letter's
//! framing ("I am the treating rheumatologist for ..., and I am writing to ask
//! ...") split off the patient's facts between them. Also: a number after a
//! label noun belongs to the label ("ADOS-2 Module 3" gives no ADOS-2 value;
//! unit tests in `quantity.rs` cover "pain from grade 2" and "pain x 2 yrs"),
//! and results joined by "and a" are checked one by one. Also: a course
//! started on a date and stopped in the next sentence ("started 01/2025."
//! "Stopped 03/2025 after 2 mo") lasted until its stop, not until the request;
//! and a list's label line ("... therapy sessions (EMG biofeedback, 45 min):")
//! supports nothing on its own. Also: a dose compared with its frequency
//! ("50 mg twice daily" against "50 mg daily" differs; "20 mg twice daily"
//! and "40 mg qhs" are the same amount a day; a dose raised to the claimed one
//! without a written frequency is compared as a plain number); and a score
//! named by two abbreviations in a row ("ECOG PS: 1"), whose value is the
//! first one's too. Also: a concentration in mg/dL against the same in mg/L
//! ("3.1 mg/dL" and "31 mg/L"), and a claimed peak that lower values of the
//! series do not contradict. Also: a form's lettered items ("a. ... b. ...")
//! checked one by one, and a length given as "about 2 months" against "8
//! weeks". Also: a form's diagnosis line with a specific ICD-10-CM code
//! ("Diagnosis: L40.0 Psoriasis vulgaris") is a claim to check; without a code
//! or a date it stays form data. Also: an abbreviation that stands for a
//! negation ("NED", no evidence of disease) agrees with the negated claim; and
//! a sentence that ends before a dash ("at the SPJ.-No DVT.") is two
//! sentences, so the negation of the second does not reach the first. Also: a
//! count given as a rate ("12 absence seizures per day") is not compared with a
//! count of one recording, and "never" after a label ("alcohol: never") negates
//! it. Also: an acronym spelled out by the other side's words in a row
//! ("PCSS" for "Post-Concussion Symptom Scale"), searched for and matched
//! without a vocabulary, and read in its own context ("Not a candidate for
//! PMV"); the first word may give two or three letters ("LVEDD" for "LV
//! end-diastolic diameter", "MoCA" for "Montreal Cognitive Assessment"). Also: a fill's daily dose from its strength, quantity and days
//! supplied ("500 mg tab | qty 90 | 30 days" is 1500 mg a day). Also: a
//! certificate's answer column before its question ("1. Y Does the patient
//! have dysphagia?"; "3. N Does the patient have a history of seizures?" is
//! its negation, which "denies any history of seizures" supports; "2. N Has
//! the patient had pneumonia in the past 6 months?" stays unsupported, not
//! contradicted: one shared word is no match). Also: a result table's value,
//! flag and unit in cells of their own ("188 | H | IU/mL"), thousands
//! separators, lab units (mcg/g, ng/mL, mL/min/1.73m2, x10^3/uL), dot leaders,
//! a count written without its unit ("Plt 240") and a measure under its other
//! name ("PD-L1 ... (TPS) 45%") (`lab-table-cells`); a cumulative report's
//! dated sections, whose latest value is the current one (`section-dates`);
//! and two supports that each match more of the claim than an opposite
//! reading, a table cell's "none" (`two-full-supports`). Also: a claim about
//! the present ("remains", "most recent", "now") against the earlier value of
//! a sentence's series, dated or written in order ("8.9% -> 7.6%")
//! (`latest-in-sentence`); and a table's rows read with its caption and column
//! header, found through them, where a row that supports the claim makes the
//! other rows other measures (`table-rows`); and a short denial of the claim's
//! own words ("No falls reported.") against a claim that asserts them, but not
//! against a claim of what is needed ("requires home oxygen" and "No prior
//! home oxygen") (`short-denial`); a refusal in other words ("not interested
//! in", "prefers not to") for a claim that says it was declined, even beside
//! "discussed" (`declined-paraphrase`); and a date that starts a course ("on
//! dupilumab since 06/2026; itch NRS 3/10 today") is not when its sentence
//! speaks, so an older note's other value stays history (`start-date`). Also:
//! a body weight in either unit, "about" as the claim writes it ("lost about
//! 20 pounds" against "down 9 kg"; "150 lb" against "77.5 kg") (`weight-units`).
//! Also: days of a week are how often, not how long ("6 days a week" against
//! "6/7 days"; "3 days a week" against "1 d/wk") (`days-per-week`); a letter
//! dated "Nov. 20, 2026", whose month's abbreviation does not end a sentence,
//! so a report from before it is not after the request
//! (`month-abbreviation-date`); a drug written as an abbreviation whose usual
//! sense is something else ("LTG": long term goals, or lamotrigine in a list of
//! medicines that were stopped) (`rare-drug-abbreviation`). A row of cells
//! ("Albumin | 2.9 | L | g/dL") is a sentence of its own, cited alone
//! (`lab-table-cells`, `fill-daily-dose`). Also: doses written after another
//! drug's abbreviation ("despite HCQ, MMF 2 g/day and pred 10 mg") are that
//! drug's, and the claim's drug at its daily dose ("HCQ 200 mg BID" for "400 mg
//! daily") confirms it (`abbreviated-drug-doses`); a report's "Run date:" is
//! its own date, so a claims history run after the request is after it
//! (`report-run-date`); a treatment listed as "not yet tried" denies a claim
//! that it was tried (`not-yet-tried`); a short tail after a semicolon
//! ("partial response; sedated at higher dose") stays in its claim, whose head
//! decides unless the whole is contradicted (`semicolon-tail`). A sentence
//! that gives the claimed value makes the other values of that kind in its
//! document, written for the same date, other measurements ("Target range,
//! 70-180 mg/dL: 52%." against "Time below range ...: 6%.")
//! (`other-measurements`). A claimed amount of weight lost or gained ("lost
//! about 11 pounds") is checked against two weights a sentence gives in order
//! ("wt 71.2 kg (was 76.3 kg)", "168 -> 174 lb"), in the claim's unit and
//! direction (`weight-moved`). Events listed one date each ("Falls:
//! 11/20/2026, 12/28/2026, 01/15/2027") or tallied ("flared x2") confirm a
//! claimed count of them; two dates of one stay ("10/02/2026 - 10/09/2026") are
//! one event (`listed-counts`). A sentence that would bear a claim out but
//! puts its body site on the other side ("R knee: severe osteoarthritis"
//! against "the left knee") contradicts it, and a severity of another site
//! ("R knee: severe" against "moderate osteoarthritis of both hips") grades
//! nothing of the claim (`other-side`). A treatment the claim says did not
//! work, which a note says was stopped for a reason it names (a side effect,
//! a lab abnormality, cost or travel: "d/c d/t sedation"), is contradicted; a
//! note that says it was stopped for lack of benefit supports it, and so does
//! one that gives the side effect the claim gives
//! (`stopped-for-another-reason`). Each item of a list of denials ("No
//! intubation, no ICU stay, no BiPAP.") denies its word alone
//! (`denial-list`). When the claim names a treatment, only that treatment
//! declined or never started contradicts it: "ambrisentan ... never started"
//! says nothing of "tadalafil 40 mg since 03/2027, started at 20 mg"
//! (`declined-other-treatment`). A look-back window ("in the past 12 mo")
//! of another length than the claim's ("in the past 2 months") neither
//! contradicts nor confirms it; a duration ("worn for 2 months") still does
//! (`look-back-windows`). A statement that names a finding the lexicon lacks
//! but the public vocabularies name in two words or more ("no cognitive
//! impairment") is a claim (`finding-from-vocabulary`). "Working light duty"
//! denies "currently unable to work" (`work-status`). A drug the claim says
//! the patient takes now, which a note says was stopped and not restarted
//! ("sertraline stopped 2025 - GI upset"), is contradicted
//! (`stopped-not-current`). A grade (a severity, a level of assistance) is a
//! value on an ordinal scale: an older grade is history when a later sentence
//! gives the claimed one, in another section of the same note
//! (`older-grade`). A line that gives when an illness began ("Onset:
//! 01/05/2027 L MCA stroke") opens no dated section: the evaluation's severity
//! is as of its own date (`onset-not-section`). A result row printed without
//! cell borders keeps its flag between value and unit ("Hemoglobin 9.6 L g/dL
//! 12.0-15.5"), and a result whose label the claim names confirms it
//! (`lab-row-flag`). "Stopped going to work (FMLA)" says "has not been able to
//! work" (`leave-from-work`). Every mention of a measure binds the number
//! after it, and a number a measure binds is no value of a name before it:
//! "baseline SpO2 94%, nadir SpO2 81%" confirms "Nadir oxygen saturation on
//! PSG: 81 percent" (`repeated-measure`). A form's field that opens with its
//! noun gives a count ("Hospitalizations for heart failure in the past 12
//! months: 3"), which a note's "Hospitalizations: 1" contradicts
//! (`count-field`). A list of two denials ("No hospitalizations in past yr,
//! no intubations ever.") denies each item alone, also for a claim of what
//! the patient "required" (`short-denial-list`); so does one denial of a list
//! ("Denies vomiting, laxatives, diet pills.": `denies-list`), and so does a
//! clause of its own, also through an abbreviation in capitals ("No LOC;
//! dazed ..." denies a loss of consciousness: `denial-clause`). What a finding means to the
//! writer (", which makes prompt control of his disease more urgent") is a
//! clause of its own and no claim, so the finding is checked alone
//! (`evaluative-tail`). A line under a family-history label ("FHx: Brother
//! (52) - CAD, DVT 2021") is about relatives throughout, past its dashes
//! (`family-history-line`). An event counted out of what comes before
//! (", including one hospitalization in March 2027") is a claim of its own,
//! so a denial of it leaves the rest standing (`included-event`). A smoker's amount ("Smoker 1 ppd x 25 yrs")
//! denies "non-smoker" (`smoking-amount`, lexicon negative forms). A line
//! under a plan's label ("Plan of care: 2x/wk x 6 wks (12 visits)") plans
//! all it names, however far from the label: it is no course completed
//! (`plan-of-care`); and what was scheduled is no count of what was done
//! ("Attended 5 of 12 scheduled visits"). A post-trigger that starts a
//! longer pre-trigger ("neg" of "neg for") reaches back only within its
//! clause: "Colonoscopy 8/2024: normal to TI, random bx neg for microscopic
//! colitis" gives no negative colonoscopy (`result-of-another-test`). Nor does
//! a post-trigger reach back past a comma over an item with a value of its
//! own: in "(mPAP 48, PAWP 11, CO 3.9, vasoreactivity neg)" only the
//! vasoreactivity is negative (`value-list-result`); nor over an item that
//! gives its own result before the comma ("eGFR 58, LFTs nl, HBV/HCV neg":
//! `result-list-items`); nor over a target that is itself a result: in
//! "coordination nl, Romberg neg" the "nl" is normal (`result-word-item`).
//! A comparison written as a sign ("<= 35%", ">= 300 cells/uL") bounds the
//! value, so a note's 30% and 410 bear it out; so does "above 400 microns"
//! a thickness of "446 um" (`comparison-sign`). A named
//! score keeps its value past a parenthesised qualifier ("MoCA (v8.2):
//! 28/30", "MG-QOL15 total score (most recent): 18"); a form's item number
//! ("6.2 MG-QOL15") is no dose of milligrams, and a Roman numeral ("factor
//! IX") names no score (`named-value-qualifiers`). A cumulative result
//! table's row gives its unit once, in a column before its dated values
//! ("FERRITIN | ng/mL | 41 | 26 L | 18 L | 30-400") or after them, before
//! the range ("ANC | 3.1 | 0.4 L | 2.6 | x10^3/uL | 1.5-7.8"), so each value
//! has that unit, and two rows together support a claim of both (`unit-column-row`;
//! "TSAT" is transferrin saturation, a curated abbreviation). The words a
//! letter writes around its point ("we", "our", "are") are no key terms:
//! "At our visit we found that his lungs are clear" is "Lungs clear
//! bilaterally" (`function-words`). A result the claim gives by its value
//! is looked for by that value too, beyond the index's candidates: in a long
//! note whose every line repeats the claim's words, the lab row "Hgb ....
//! 8.1 g/dL L" still bears out "Her hemoglobin was 8.1 g/dL"
//! (`value-candidates`). An angle or a range of motion in degrees is a
//! result a note must repeat ("active abduction 80 degrees" against "110
//! deg"), and an amount of change ("improves by 25 degrees") is no value
//! to compare with a note's values (`angle-degrees`). A form row that asks
//! for a side ("Affected side: Right knee") is said otherwise by a note
//! that puts the site on the other side ("L knee with effusion"), however
//! few of the row's words it shares; a form's item number is no word of the
//! row's label ("B4. Side of worse joint pain: Right knee") (`side-row`). A result under its limit
//! ("Hepatitis C viral load: <15 IU/mL") is a negative one and bears out
//! "the viral load test was negative" (`below-limit`). A disease or factor
//! of another type is not the claim's: "anti-HCV negative" does not bear out
//! a negative hepatitis B screen (`another-type`; hepatitis A to E, diabetes
//! type 1 or 2, coagulation factors). A drug known only to the drug
//! vocabulary is searched for by its other names too, so a note that charts
//! it by its brand or its generic is found ("Mestinon 60 mg QID" for
//! pyridostigmine, "sumatriptan" for Imitrex:
//! `drug-other-names`). A blood pressure gives both its numbers in mmHg,
//! with its unit or after its name: "162/98 mmHg" is "BP 162/98", and
//! "150/94 mmHg" is not "average BP 141/88" (`blood-pressure`). A size in
//! three dimensions gives each length its unit: "6.2 x 5.0 x 4.4 cm" bears
//! out a 6.2 cm fibroid, and "1.9 x 1.6 x 1.4 cm" does not confirm a 2.5 cm
//! nodule (`size-dimensions`). A value of a plan, an option discussed or a
//! goal ("Consider increasing metformin to 1500 mg", "Goal LDL below 70
//! mg/dL") is not what was taken or found: it neither confirms nor opposes a
//! claimed value; and a loosely matched refusal ("Oral clindamycin/rifampin
//! offered, declined") yields to a sentence that supports the claim
//! (`planned-values`). A length in centimetres is the same in millimetres
//! ("LV end-diastolic diameter 6.6 cm" for "66 mm"); a value read in another
//! unit only ever agrees, so "endometrium 8 mm" does not oppose a 4.6 cm
//! fibroid (`length-units`). Values given by side are compared side by side:
//! "1.5 mm OD, 3.0 mm OS" says otherwise of "1.5 mm OD / 1.5 mm OS"
//! (`side-values`). A score out of a one-digit maximum is read written out
//! ("5 out of 7") or after its name ("CAS OD 5/7", "hip abduction 4/5"), not
//! from a date ("seen 5/7"); the same score and maximum is a matched term,
//! and another value of it says otherwise (`small-scores`). A result's value
//! in the same unit, written with two digits or more, is a matched term: "His
//! serum creatinine has risen to 2.4 mg/dL" is borne out by "Creatinine
//! .... 2.4 mg/dL H", which shares one word of it (`result-value`). The
//! request is as late as the case's latest letter or form: a note written
//! after the letter but before the form that was sent with it supports the
//! letter (`request-date`). "Nadir" alone is no oxygen saturation: an ANC or
//! a glucose nadir keeps its own unit and is compared as such (`nadir`). A
//! value measured in parentheses is what was found, whatever denial comes
//! before the parenthesis: "no response (Hgb 9.8 -> 9.6 -> 9.4 g/dL)" gives a
//! hemoglobin of 9.4, while "No B symptoms (fever, ...)" still denies what it
//! lists (`measured-in-parentheses`). A term both sides deny puts them on
//! the same side, and another term negated on one side only is a scope that
//! runs on there ("She no longer drives and relies on her son" against "No
//! longer drives; son does groceries"); a denying verb with an object after
//! it denies the object, not the test that did it ("The bubble study excluded
//! an ASD", "CT of the chest ruled out a mass"), nor the agent after "by";
//! the word after "non-" is negated ("non-sustained" VT against "no sustained
//! VT"); after a comma, an item graded by how often or how much ("no AF or
//! flutter, occasional PACs") is out of the denial's reach, and a word the
//! candidate also gives through another abbreviation the claim's way ("AF"
//! denied, "PACs" present, both "atrial") is not opposed (`denial-scope`). A denial of a qualified state ("no active ulcerative
//! colitis", "no other pathogenic variants") neither opposes nor bears out the
//! unqualified one, unless both name the qualifier ("active perianal fistula"
//! against "no active fistula"); nor does a denial of the past ("No personal
//! hx of CAD or prior MI") oppose the event of this admission ("admitted on
//! 11/20/2026 with a non-ST-elevation myocardial infarction")
//! (`qualified-denial`). A result or a test
//! claimed of a test that a note says was not done ("MRI not obtained",
//! "testing not performed") is contradicted (`test-not-done`). A value the
//! claim itself gives as earlier ("PHQ-9 is 21, up from 14 in June") is no
//! other value: a note giving only it neither confirms nor opposes the
//! current one; an arrow after a score and its date leads to its later value
//! ("GAD-7 9 (7/14) -> 15 (10/20)") (`earlier-values`). A course the claim
//! says still goes on ("has taken sertraline ... for five months") is not
//! opposed by the shorter span a note gave before the request, when the days
//! since reach the claim ("x 3 mo" two months earlier); a completed course is
//! (`ongoing-duration`). A claim of the most recent value is not borne out
//! by a value a note marks as previous ("Previous HbA1c: 7.2 %"); the number
//! of a label counts nothing ("type 2 diabetes"), and the digit of a score's
//! name is no score ("a PHQ-9 of 11") (`current-value`). A reference
//! range's bound ("ref 70-140", a row's last cell "<140 %"), a mean of the
//! claimed measure ("Mean glucose: 186") and a value at rest against one on
//! exertion ("SpO2 95% RA at rest" against a six-minute walk) are other
//! figures: none of them opposes the claimed value (`other-figures`). A stay
//! written "3/4-3/13/27" is 9 days, and a span said in whole weeks is
//! rounded: "three weeks" of rehabilitation is borne out by 18 days between
//! two dates (`stay-length`). How long ago is the time from the
//! candidate's one dated event to the request: "quit smoking more than five
//! years ago" against "quit 03/2025" two years before; a duration the
//! candidate writes ("1 ppd x 45 yr") is how long, not how long ago
//! (`years-ago`). A referral placed is a plan, not the program attended
//! (`referral-plan`). A prescription the family "did not fill" was never
//! tried (`never-filled`). A refusal of one drug of a claimed list ("tried
//! risperidone, olanzapine and aripiprazole" against "Aripiprazole
//! recommended -- patient refused, never started") says that item was not
//! tried, however well the others are borne out; a refusal that names a drug
//! the claim does not is of another regimen (`listed-refusal`). A claim
//! that joins several findings is contradicted by a sentence that says
//! otherwise of one of them, though it shares too few of the whole claim's
//! words to bear on it ("stage II lymphedema ... with pitting edema and a
//! positive Stemmer sign" against "Stemmer sign negative"); a value measured
//! in another specimen is of another test ("blood glucose was normal" against
//! "Glucose, urine: ... ABNORMAL") (`contradicted-part`). A short denial
//! keeps its own words out of what it denies: "no transfusion needed", "no
//! kidney stones on record", "no sonographic evidence of steatosis" deny the
//! claimed transfusion, stones and steatosis; a noun of action shares the
//! stem of its verb ("transfusion", "transfused") (`denial-words`). A word cut short
//! ("neuropsych" for "neuropsychological") is the claim's word, and "no
//! history of" says what "no prior" says (`shortened-words`). An inability
//! is said either way: "unable to maintain her weight" is what "could not
//! maintain weight" says, not its denial; an order ("Order cardiac MRI ...
//! for 04/2027") is a plan, which neither opposes "no cardiac MRI has ever
//! been performed" nor bears it out (`unable-and-ordered`). A named score
//! with another value bears on the claim however few of its words the
//! sentence has: "MG-ADL today: 7" against "MG-ADL total score was 12"
//! (`named-score-value`). A form's "No" to a question of one term ("Is the
//! member a current smoker? [X] No") is opposed by a note that names the
//! term the other way; "member" is the payer's word for the patient, no key
//! word (`form-no-one-term`). A percent beside a drug's name is its
//! strength ("4 mL 1% lidocaine"), not a measure to compare with a claimed
//! "more than 75% relief" (`drug-strength`). A value belongs to its own
//! label: after a heading's colon a word labels an item ("SNOT-22: nasal
//! blockage 5, runny nose 3" gives no SNOT-22 total); an abbreviation in
//! parentheses names the number ("COPD Assessment Test (CAT) score: 21" is
//! the CAT's, not the COPD's; a form label's parentheses are blanked as
//! printed instruction, but not an abbreviation); two values in one unit
//! whose labels each name what the other sentence does not ("femoral
//! neck-shaft angle 128 degrees", "acetabular version angle 18 degrees") are
//! two measures (`value-labels`). A gestational age ("born at 27 weeks'
//! gestation", "ex-27 wk") is no duration; a measure's clause that ends
//! without a value binds none ("glucose labile, see flowsheet, 1
//! hypoglycemic event"); a date of birth printed on a line of its own, away
//! from its "DOB:", opens no dated section (`ages-and-clauses`). Whose
//! history: "relative(s)", "siblings", "cousin" are experiencer triggers as
//! in ConText; a denial on one side of the family ("Paternal side negative
//! for breast and ovarian cancer") says nothing of the other side's
//! relatives nor of relatives in general; a claim that names the relative a
//! family-history line speaks of is about that relative, not the patient's
//! own history; a start date ("on medical leave since 09/2027") starts what
//! its clause names, and gives no duration to a claim that clause does not
//! name (`whose-history`). A note's next line that starts with a
//! capitalized word is its next item: "no angina, no ectopy" does not deny
//! the "Estimated functional capacity" on the line below. A claim that
//! points back to a time ("Her GAD-7 that day was 14") is not opposed by a
//! dated value of another day (`line-and-time`). A distance walked is
//! one measure in metres, feet or yards ("656 feet" is "200 m", "50 yards"
//! is "~50 yd"), and a phrase written with a hyphen finds its abbreviation
//! ("six-minute walk test", "6MWT") (`distance-units`). A range written in
//! words is a range, matched end to end ("ranging from 54 to 402 mg/dL",
//! "range 54-402", also in parentheses); a count a note writes with an
//! abbreviated noun is the claimed count ("remission after 8 tx", "sz x4"); a
//! number with its unit counts nothing after it ("72 hrs on insulin
//! adjustments"), hours a day are no length of time, and hours are compared
//! as hours ("3 hours 10 minutes" is not "2 hours 10 minutes")
//! (`ranges-and-tallies`). A claim of both sides is borne out by a sentence
//! of both sides, not of one, and a bound it sets for each ("at least 6.5 mm
//! on both sides") fails when one side's value is under it
//! (`bound-for-each`). A percent of relief is the one two pain scores make,
//! before and after ("8/10" then "1/10" is 88%, near a claimed 85%; "8/10"
//! then "5/10" is no "at least 80%") (`relief-and-supply`, `relief-short`);
//! a days' supply ("#30/30 days") is no length of treatment and no score
//! (`relief-and-supply`). A weight lost is found in a sentence that shares
//! no word with the claim but gives two weights, the earlier in parentheses
//! with its date ("Wt 148 lb (164 lb 3/2027)"); a number hyphenated to a
//! name is the name's ("technetium-99m" is no distance) and the day of a
//! date is no count ("on May 2 showed no ...") (`weights-and-names`). A
//! form's answer that is a value and little else keeps its label as what it
//! is about ("Supplemental oxygen: 2 L/min with exertion" against "on 2 L O2
//! with exertion"), and a symptom that "never went away" is no symptom
//! denied; a sentence before a colon ("A cardiac workup was unremarkable:
//! ...") is no form label, and tests a claim calls normal are borne out by
//! a note that gives them as negative ("UA neg, troponin neg x2")
//! (`value-answers`). A result row whose value is labelled with a word the
//! claim's value is labelled with bears on the claim, however few other
//! words they share: "blood eosinophil count is 520 cells/uL" is opposed by
//! "Eosinophils 0.21 x10^3/uL"; a table row that gives its unit in its
//! name's parentheses gives each value in it ("IgE, total (IU/mL) | 125 H")
//! (`labelled-results`). A drug the patient is
//! "off" is not taken ("off metformin since 2022" opposes "still requires
//! metformin"), and "on and off" denies nothing (`off-a-drug`). A drug of
//! the claim written cut short ("azithro", "methylpred": five letters or
//! more, half the name or more) is that drug (`drug-cut-short`). A step the
//! claim says was taken ("has completed", "attended", "finished") against a
//! note of the weeks before the request that only plans it ("referral placed
//! today", "not yet started, on the waitlist", "once approved") is
//! contradicted; a plan months older, or one the claimed course fits after
//! ("start topiramate" in September against "more than 4 months" in March),
//! leaves it unsupported, and so does a plan against a claim that denies the
//! step ("has never participated") (`planned-not-done`). A status written
//! after a spaced dash at the end of an item is the whole item's, however
//! long ("medical clearance from PCP and cardiology clearance (stent 2018) -
//! to be scheduled") (`planned-not-done`). A course the claim
//! says was had in full ("completed 12 sessions", "attended every scheduled
//! group session", "twice weekly for 10 weeks") against a note that cuts it
//! short ("5 of 12 sessions attended", "7 visits attended, 6 cancellations",
//! "did not complete"), or a series with a dose still due ("#2 due
//! 03/2028"), is contradicted; one kept in full ("20 of 20 sessions
//! attended") still supports (`course-cut-short`).
//! Living alone is denied by living with anyone ("lives w/ her daughter")
//! (`living-alone`), and borne out by "lives alone" however the claim words it
//! ("lives by himself") (`living-alone-agrees`).
//! A search for a phrase also looks for the abbreviations whose main sense
//! it is in one casing only: "atrial fibrillation" finds "AF" (atrial
//! fibrillation in 29% of its uses in capitals, "af" mostly afebrile)
//! (`cased-abbreviation`).
//! A drug held is not taken: "Sertraline on hold until ...", "Holding off on
//! donepezil until ..." oppose a claim that the patient is taking it now
//! (`held-not-current`).
//! A drug the claim says was stopped that a note before the request has the
//! patient still taking ("tolerating well", "continue lisinopril,
//! empagliflozin") is contradicted, unless a sentence records the stop
//! (`still-taken`).
//! A course started and stopped in one sentence ran from its start to its
//! stop: "started 5/2027; stopped ~7/2027" is two to three months, not six;
//! "25 mg 10/04/2027 -> 50 mg 11/2027; stopped 11/29/2027" 56 days; a start
//! given as a month leaves that month open ("08/2027 | discontinued
//! 11/10/2027" holds 12 weeks) (`start-and-stop`).
//! A relative's condition neither bears out nor opposes the patient's denial
//! of it: "no history of asthma" against "FHx: mother - asthma" (a relative
//! and the condition written with a dash between) (`relatives-condition`).
//! A measure taken on treatment ("Residual AHI: 2.3 events/h" on CPAP) and
//! the untreated one ("AHI 31.2") neither confirm nor oppose each other
//! (`on-treatment-value`).
//! A former smoker is denied by smoking now or again ("resumed smoking
//! 10/2027") (`former-smoker`), and borne out by "ex-smoker ... quit 2019"
//! (`former-smoker-agrees`).
//! A count field's label may open with "Number of" ("Number of ED visits in
//! the past year: 3"), and a row of fields gives each one ("Prescriptions: 11
//! | Number of prescribers (12 mo): 2 | ...") (`count-fields-in-a-row`).
//! A claim is shown with the clauses of its sentence that assert nothing of
//! their own: what a finding means to the writer ("His potassium was 5.9
//! mmol/L, which makes an ACE inhibitor unsafe for him"), a clause too short
//! to check alone ("Immunizations up to date; he finished ..."); an
//! instruction in the sentence stays out of it. A letter's whole sentence
//! that states a fact of the patient is a claim whatever its words ("Hearing
//! in his right ear is normal.", "His claudication remains severe.")
//! (`bare-clauses`).
//! A claim that something is needed is opposed by a sentence that says it is
//! not needed ("requires continuous home oxygen" against "No home O2
//! needed."), not by one that says it was never had ("needs pulmonary
//! rehabilitation" against "No prior pulmonary rehabilitation": that is why
//! it is asked for, and no support either) (`not-needed`).
//! A claim that denies a condition by a word of the public vocabularies ("no
//! seizures since ...") is opposed by a sentence that records it for the
//! patient now ("one focal seizure"); not a denial of something else ("no
//! structural cause for his headaches"), nor a past episode ("history of
//! pneumonia in 2019") (`denied-condition-word`).
//! A form's row is one claim, whatever its semicolons join ("Social: patient
//! lives alone; no caregiver available to assist at home"): its clauses are
//! checked alone, and the row is as flagged as its most flagged clause, with
//! that clause's reason (`form-row-clauses`).
//! A date label after a signer's credential ("Signature: Rosa Quinn, MD Date:
//! 02/16/2028") is the form's date, not another event's: the request is
//! dated by it, not by an earlier date in the form ("Date of delivery:
//! 12/19/2027"), so a note written between the two is no later than the
//! request (`signature-date`).
//! A bone density T-score is read below zero, also as a densitometry line
//! writes it ("L1-L4 T -1.9, fem neck T -1.4"), and compared: "T-score -2.6"
//! is not borne out by either (`t-score`).
//! A measure's value in parentheses as a share of the predicted ("FEV1 0.98 L
//! (41% pred)", "FVC 2.10 L (58% predicted)") is its value too: a letter's
//! "FEV1 of 41 percent of predicted" is supported and "FVC was 70 percent of
//! predicted" contradicted; an oxygen saturation's nadir is one measure however
//! it is named ("oxygen saturation nadir", "SpO2 nadir") (`percent-predicted`).
//! A start a note gives by its month alone ("since early June", "since March")
//! is the last such month before the request, and the time since then is the
//! course's length ("more than three months" supported, "more than nine
//! months" contradicted); when the claim names several treatments, the length
//! is that of the one named last before it, and a start in another one's
//! clause ("fexofenadine ... since August") gives none (`since-month`).
//! A count of a noun that names no kind ("agents", "medications", "drugs")
//! counts the word before it: "two antiepileptic medications and three rescue
//! agents" is borne out by "2 antiepileptic drugs ... and 3 rescue
//! medications", "four antiepileptic drugs" is not; a sentence naming one drug
//! opposes a count of two only when no sentence gives the count
//! (`counted-by-kind`).
//! A form's row whose question names a score by its abbreviation and whose
//! answer opens with its bare value ("ECOG performance status: 1 (restricted
//! in strenuous activity only)", "PHQ-9 total score: 18 (moderately severe
//! depression)") is checked with its question: the value is the score's,
//! supported by "ECOG 1." and contradicted by "PHQ-9 12 today" (the answer's
//! words alone had found nothing, or matched the depression); a name written
//! in mixed case is the same score ("MoCA total score: 19" against "MoCA
//! 24/30") (`score-row`).
//! A class, grade or stage of a named scale is an ordinal value: "MGFA class
//! IIIb" is contradicted by "MGFA class IIIa", "Tonnis grade 1" supported by
//! "Tonnis 1"; a claim of a past time named by an event ("West Haven grade 3
//! on admission") is borne out by a sentence of that time ("On arrival West
//! Haven grade III"), and a later value ("grade 1 today") is of a later time,
//! while a present claim ("remains West Haven grade 3") is contradicted by it
//! (`staged-value`).
//! A lab row that flags its value instead of giving the range ("TSH 8.9
//! (high)", "Ferritin 9 ng/mL L") decides a claim that the test is normal,
//! high or low, also inside a line of several rows; a "normal" that is a
//! multiple ("CK more than ten times normal") claims no status, and a bare "L"
//! right after a number is a unit (`lab-flag`). Before, "Her TSH was normal"
//! was supported by a joined pair: "bili nl." then "TSH 8.9 (high)".
//! Support in parts counts a number a support must confirm as a key term:
//! "Ferritin 7 ng/mL and transferrin saturation 4%" pools the ferritin row
//! and the saturation row of a cumulative report, though a note names both
//! tests without values; "Hemoglobin 8.9 g/dL" is contradicted by the report's
//! 9.4, each value given with its unit (`pooled-values`).
//! Also: values a note gives only by arithmetic (`totals-means-changes`): a
//! score's total from the items listed after its name ("MIDAS items: missed
//! work 6, ..."), another total left unconfirmed but not contradicted; a
//! claimed change from two weights; a claimed average from a listed series; a
//! change in percentage points from two percents. And volumes
//! (`measured-volumes`): a volume in mL with no drug beside it is a measured
//! one, which another volume does not confirm (a post-void residual); a daily
//! volume from a rate and its hours ("60 mL/h x 20 h/day"); an index to body
//! surface area (g/m2) compared as a result. And a family history list read
//! piece by piece (`family-list-pieces`): "paternal uncle with colon cancer at
//! 48; father healthy" names the uncle, not the father, for the cancer. And a
//! dated baseline (`dated-baseline`): a later note's current value neither
//! confirms nor opposes "baseline weight 214 lb on 02/02/2026".
//! Also rows (`letter-table-rows`, `dated-list-rows`, `fill-rows-course`): a
//! letter's two-column table is read row by row, each row a claim of its own
//! (joined, the rows shared one status); a note's list of dated entries is
//! read entry by entry ("06/2023 ... - no treatment" says nothing of the
//! 09/2026 relapse); and a fill history printed one fill per line, each line
//! its own sentence, still gives a drug's course from its first fill to its
//! last (a drug filled only once gives none).
//! And counted courses (`counted-courses`): "three courses of oral prednisone"
//! against a note's three dated flares needing prednisone (a count of times,
//! courses or occasions counts the dated mentions of what both name); three
//! dated azithromycin courses do not confirm two.
//! And a score's items on rows of their own (`score-item-rows`): "NIHSS score
//! was 9" against a head "NIHSS on arrival:" and one row per item that add up
//! to 9; "clinician-rated HAM-D score is 21" against a sheet of numbered items
//! with dot leaders (a list's number opens its item's sentence, it ends no
//! sentence); "Oswestry Disability Index is 48%" against rows of cells
//! ("Pain intensity 3 | Personal care 2 | ...") under a head giving each
//! item's maximum ("0-5 each"): the sum in percent of the maximum; items that
//! add up to 18 leave a claimed CAT of 20 unsupported, never contradicted (a
//! list may be partial, or a score not a sum).
//! And counts after their verb (`verb-counts`): "has fallen three times"
//! against "Falls x2" (an irregular past shares its verb's stem), "seen in
//! the emergency department four times" against "ED visits x4"; a count
//! the note does not give ("hospitalized twice" against two dated
//! admissions, which name no hospitalization) is not confirmed; "twice
//! daily" is a frequency, no count.
//! And time missed and counted fields (`absence-and-field-counts`): "has
//! missed 4 days of school because of asthma" is not borne out by asthma at
//! school without an absence, nor by the next line's sister who missed days
//! of work ("in last 2 months" is a bound, no number of days); "Falls
//! reported: 3 in last 6 mo" is a count of falls that opposes five.

use crate::common::{root, run};

#[test]
fn evidence_findings_match_the_reviewed_snapshot() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, _, stderr) = run(&root().join("tests/fixtures/evidence"), &out);
    assert_eq!(code, 0, "{stderr}");
    crate::common::assert_snapshot("evidence.snap", &crate::common::findings(&out));
}
