#!/usr/bin/env python3
"""Rebuild the fifteenth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own15/make.py            # check labels, render, verify
    python3 tests/cases-own15/make.py --check    # check labels only (no rendering)

The set is ten fictional packets (p01-p10) written blind, without sight of
the checker's rules, over services no earlier set used: four specialty
drugs (mavacamten for obstructive hypertrophic cardiomyopathy, resmetirom
for MASH named only by its generic name, Vyvgart Hytrulo for myasthenia
gravis named only by its brand, sparsentan for IgA nephropathy), one
infused drug with a J-code (teprotumumab for thyroid eye disease),
equipment (a chest wall oscillation vest for bronchiectasis), a procedure
(sacroiliac joint fusion, an appeal), imaging (a high-risk screening
breast MRI) and behavioural care (ABA therapy for autism, partial
hospitalization for anorexia nervosa). Supported claims are paraphrased
away from their evidence (lay vs clinical terms, abbreviations, brand vs
generic, class vs member, unit and arithmetic conversions, durations from
dates, tables with dates as columns, fill histories, a vitals flowsheet);
older values of the same measure, values dated after the request and a
relative's history sit next to them; contradictions are of many kinds
(negated, another number, side, site or person, declined instead of
tried, stopped for another reason, still active when claimed stopped, a
plan not yet done, a bound not met, a class claim contradicted by a
member, a compound claim half wrong, a normal test claimed abnormal, a
milder grade or stage).
Each src/<case>/ holds one .txt per document (form feed \\f = page break) and
gold.json. Two fax files (p03, p07) carry a cover page before the form,
separated by a page break. The documents listed in SCANS (the breast MRI
request form behind its fax cover, a CT of the orbits and a kidney biopsy
report) are rendered as image-only scans. Producers, scans, determinism,
checks and what the build needs: `tests/py/case_builder.py`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "p04_teprotumumab_ted_letter/ct_orbits_20280318": (200, 1.1),
    "p07_breast_mri_high_risk_scanned_form/fax_20280307_0841": (300, -0.6),
    "p10_sparsentan_igan_letter/kidney_bx_20280118": (250, -1.0),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
