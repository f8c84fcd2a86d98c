#!/usr/bin/env python3
"""Rebuild the twentieth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own20/make.py            # check labels, render, verify
    python3 tests/cases-own20/make.py --check    # check labels only (no rendering)

The set is ten fictional packets (v01-v10) written blind, without sight of
the checker's code, rules or development cases, over services no earlier set
used: four drugs (Opzelura for nonsegmental vitiligo named only by its brand,
seladelpar for primary biliary cholangitis named only by its generic name on
a checkbox pharmacy form, Vabysmo (faricimab-svoa, J2777) for diabetic
macular edema behind a fax cover page, Arikayce for refractory
Mycobacterium avium complex lung disease as an appeal quoting the denial),
three procedures (laparoscopic sleeve gastrectomy, transcatheter patent
foramen ovale closure written as a peer-to-peer summary, balloon dilation of
the eustachian tube on a form sent as an image-only scan) and three
post-acute or behavioural services (methadone in an opioid treatment
program, pelvic floor physical therapy with biofeedback for fecal
incontinence after an obstetric sphincter injury, certified hand therapy
after a zone II flexor tendon repair). Supported claims are paraphrased away
from their evidence (lay vs clinical terms, abbreviations, brand vs generic,
class vs member, unit conversions and arithmetic, durations from dates,
bounds met, counts from tables and fill records, the latest of several dated
values); contradictions are negated, another number, side or family member,
declined instead of tried, stopped for another reason, a plan not yet done,
a milder condition, an older value given as the latest, normal and abnormal
reversed. Each case has one not_a_claim (a request to the reviewer, a form
instruction, a blank plan-use field, a template question, a reviewer's
question, an attestation).
Each src/<case>/ holds one .txt per document (form feed \\f = page break) and
gold.json. The documents listed in SCANS (the eustachian tube request form,
a bariatric psychological evaluation and a flexor tendon operative report)
are rendered as image-only scans. Producers, scans, determinism, checks and
what the build needs: `tests/py/case_builder.py`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "v05_sleeve_gastrectomy_letter/psych_eval_20300512": (250, 0.9),
    "v07_eustachian_balloon_scan/pa_form_etbd_20300905": (300, -0.7),
    "v10_hand_therapy_flexor_form/op_report_20300112": (200, -1.2),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
