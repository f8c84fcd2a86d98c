#!/usr/bin/env python3
"""Rebuild the nineteenth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own19/make.py            # check labels, render, verify
    python3 tests/cases-own19/make.py --check    # check labels only (no rendering)

The set is ten fictional packets (u01-u10) written blind, without sight of
the checker's rules, code or development cases, over services no earlier
set used: four drugs from oncology/hematology, neurology, pulmonology and
endocrinology (Reblozyl for transfusion-dependent lower-risk MDS with ring
sideroblasts with a J-code, Emgality for episodic cluster headache named
only by its brand, amikacin liposome inhalation suspension for refractory
pulmonary MAC named only by its generic name as an appeal, Isturisa for
persistent Cushing disease as a peer-to-peer summary), three procedures,
imaging or sleep studies (attended PSG followed by an MSLT behind a fax
cover page, an intrathecal baclofen pump, a PSMA PET/CT on an imaging
benefit manager's form) and three behavioural or post-acute services
(parent-child interaction therapy for a four-year-old, outpatient
cognitive rehabilitation after a severe TBI, a gambling disorder
intensive outpatient program). Supported claims are worded away from
their evidence (lay vs clinical terms, abbreviations, class vs member,
unit conversions and arithmetic, durations from dates, bounds met, counts
from tables and fill records, the latest of several dated values);
contradictions are negated, another number or side, declined instead of
tried, stopped for another reason, planned but not done, a milder grade,
an older value given as the latest, normal vs abnormal reversed.
Each src/<case>/ holds one .txt per document (form feed \\f = page break)
and gold.json. The documents listed in SCANS (an AFB culture report, an
intrathecal baclofen trial note and the cognitive rehabilitation request
form, the claim document of u09) are rendered as image-only scans.
Producers, scans, determinism, checks and what the build needs:
`tests/py/case_builder.py`.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "u03_amikacin_inhaled_mac_appeal/afb_cultures_20300325": (250, 1.0),
    "u06_itb_pump_spasticity_letter/itb_trial_20300603": (200, -0.9),
    "u09_cognitive_rehab_tbi_scan/pa_form_cogrehab_20300806": (300, 0.6),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
