#!/usr/bin/env python3
"""Rebuild the seventeenth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own17/make.py            # check labels, render, verify
    python3 tests/cases-own17/make.py --check    # check labels only (no rendering)

The set is ten fictional packets (r01-r10) written blind, without sight of
the checker's rules, over services no earlier set used: four drugs
(Jynarque for rapidly progressing ADPKD named only by its brand,
amifampridine for Lambert-Eaton myasthenic syndrome named only by its
generic name, Otezla for oral ulcers of Behcet's disease as an appeal,
Crysvita for adult X-linked hypophosphatemia with a J-code behind a fax
cover page), three procedures or devices (genicular nerve radiofrequency
ablation of the knee, single-level cervical disc arthroplasty, a
mechanical insufflation-exsufflation device for ALS) and three
behavioural or post-acute services (an eating disorder intensive
outpatient program for bulimia nervosa, assertive community treatment
for schizophrenia, an intensive pediatric feeding day-treatment program
for ARFID with gastrostomy dependence). Supported claims are paraphrased
away from their evidence (lay vs clinical terms, abbreviations, brand vs
generic, class vs member, unit conversions and arithmetic, durations from
dates, bounds met, counts from tables and fill or injection records, the
latest of several dated values); contradictions are negated, another
number, side or person, declined instead of tried, stopped for another
reason, a plan not yet done, a milder grade, an older value given as the
latest, a normal or abnormal status reversed.
Each src/<case>/ holds one .txt per document (form feed \\f = page break) and
gold.json. The Crysvita fax (r04) carries a cover page before a two-page
form. The documents listed in SCANS (the cervical disc arthroplasty
request form, an EMG/repetitive nerve stimulation report and a pediatric
feeding team evaluation) are rendered as image-only scans. Producers,
scans, determinism, checks and what the build needs:
`tests/py/case_builder.py`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "r02_amifampridine_lems_form/emg_report_20290305": (200, 1.1),
    "r06_cervical_disc_arthroplasty_scan/pa_form_cdr_20290915": (300, -0.7),
    "r10_feeding_program_arfid_letter/feeding_eval_20291202": (250, -1.0),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
