#!/usr/bin/env python3
"""Rebuild the eighteenth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own18/make.py            # check labels, render, verify
    python3 tests/cases-own18/make.py --check    # check labels only (no rendering)

The set is ten fictional packets (t01-t10) written blind, without sight of
the checker's rules, over services no earlier set used: three drugs
(burosumab for adult X-linked hypophosphatemia named only by its generic
name, Evenity for severe osteoporosis named only by its brand, in an
appeal, and Jakafi for polycythemia vera on a faxed pharmacy form with a
cover page), four procedures, imaging studies or equipment (coronary CT
angiography in a peer-to-peer summary, a total hip arthroplasty, a
myoelectric below-elbow prosthesis, a speech-generating device for ALS)
and three behavioural services (assertive community treatment for
schizophrenia, a pediatric intensive feeding day program, multisystemic
therapy for an adolescent with conduct disorder). Supported claims are
paraphrased away from their evidence (lay vs clinical terms,
abbreviations, brand vs generic, class vs member, unit conversions,
durations from dates, values in tables, the latest of several dated
values, counts of dated events); contradictions are negated statements,
other numbers, sides or sites, a relative's history, declined instead of
tried, stopped for another reason, a plan not yet done, a milder grade and
an older value given as the latest.
Each src/<case>/ holds one .txt per document (form feed \\f = page break) and
gold.json. The Jakafi fax (t03) carries a cover page before the form. The
documents listed in SCANS (the myoelectric prosthesis request form, a hip
X-ray report and a feeding program intake note) are rendered as image-only
scans. Producers, scans, determinism, checks and what the build needs:
`tests/py/case_builder.py`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "t05_total_hip_arthroplasty_letter/xray_hip_20290312": (200, 1.1),
    "t06_myoelectric_prosthesis_scanned_form/prosthesis_request_20290701": (300, -0.8),
    "t09_feeding_day_program_letter/feeding_eval_20290408": (250, 0.9),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
