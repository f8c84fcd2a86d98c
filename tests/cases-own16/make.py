#!/usr/bin/env python3
"""Rebuild the sixteenth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own16/make.py            # check labels, render, verify
    python3 tests/cases-own16/make.py --check    # check labels only (no rendering)

The set is ten fictional packets (q01-q10) written blind, without sight of
the checker's rules, over services no earlier set used: four drugs
(lecanemab for early Alzheimer's disease with a J-code, risdiplam for
spinal muscular atrophy named only by its generic name, Ingrezza for
Huntington chorea named only by its brand, Veozah for vasomotor symptoms,
an appeal), two procedures (reduction mammaplasty, lumbar medial branch
radiofrequency ablation), equipment (a bilevel device with a backup rate
for hypercapnic COPD, a cranial remolding orthosis for positional
plagiocephaly) and behavioural care (an adolescent intensive outpatient
program for cannabis use disorder, partial hospitalization after a first
episode of psychosis). Supported claims are paraphrased away from their
evidence (lay vs clinical terms, abbreviations, brand vs generic, class
vs member, unit and arithmetic conversions, durations from dates, bounds
met, tables with dates as columns, fill histories, attendance records);
older values of the same measure, values dated after the request and a
relative's history sit next to them; contradictions are of many kinds
(negated, another number, side or person, declined instead of tried,
stopped for another reason, still active when claimed stopped, a plan
not yet done, a bound not met, a milder grade, a normal result claimed
abnormal, an older value given as the latest).
Each src/<case>/ holds one .txt per document (form feed \\f = page break) and
gold.json. The Ingrezza fax (q03) carries a cover page before the form,
separated by a page break. The documents listed in SCANS (the lumbar
radiofrequency ablation request form, an SMN1/SMN2 genetic report and an
overnight oximetry report) are rendered as image-only scans. Producers,
scans, determinism, checks and what the build needs:
`tests/py/case_builder.py`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "q02_risdiplam_sma_form/genetic_report_20081002": (200, 1.2),
    "q06_bipap_st_copd_form/overnight_oximetry_20290126": (250, -1.0),
    "q07_lumbar_rfa_scanned_form/rfa_request_20290514": (300, -0.7),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
