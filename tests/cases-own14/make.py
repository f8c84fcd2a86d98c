#!/usr/bin/env python3
"""Rebuild the fourteenth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own14/make.py            # check labels, render, verify
    python3 tests/cases-own14/make.py --check    # check labels only (no rendering)

The set is ten fictional packets (k01-k10) written blind, without sight of
the checker's rules, over services no earlier set used: three drugs for new
indications (dupilumab for COPD, tirzepatide for sleep apnea, zuranolone for
postpartum depression), one infused drug (ocrelizumab), equipment and surgery
(a continuous glucose monitor, a total knee arthroplasty, a sleeve-to-bypass
revision) and post-acute or behavioural care (home IV ertapenem, inpatient
rehabilitation after a spinal cord injury, residential treatment for
methamphetamine use). Supported claims are paraphrased away from their
evidence (lay vs clinical terms, brand vs generic, class vs member, unit and
frequency arithmetic, durations from dates, scores, tables with dates as
columns, fill histories); older values of the same measure, a relative's
history and values dated after the request sit next to them; contradictions
are of many kinds (negated, another number, date, side or person, declined
instead of tried, stopped for another reason, a plan not yet done, a bound
like "at least" not met).
Each src/<case>/ holds one .txt per document (form feed \\f = page break) and
gold.json. Two fax files (k02, k04) print the cover sheet's block on the
form's first page, with no page break between them, as some fax servers
send it. The documents listed in SCANS (the knee arthroplasty request form
behind its fax cover, a pulmonary function report and a cervical spine MRI
report) are rendered as image-only scans. Producers, scans, determinism,
checks and what the build needs: `tests/py/case_builder.py`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "k01_dupilumab_copd_letter/pft_20280221": (200, 1.2),
    "k04_knee_arthroplasty_scanned_form/fax_20280508_0947": (300, -0.7),
    "k07_irf_spinal_cord_injury_lmn/mri_cspine_20280929": (200, -0.9),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
