#!/usr/bin/env python3
"""Rebuild the twelfth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own12/make.py            # check labels, render, verify
    python3 tests/cases-own12/make.py --check    # check labels only (no rendering)

The set is about paraphrase, history and contradiction: supported claims
worded far from their evidence (lay vs clinical terms, class vs member, brand
vs generic, unit conversions, durations from dates, scores and their
interpretation, evidence in tables); supported claims whose evidence sits next
to older or other values, negated findings about other things, or a family
member's history (history, not contradiction); and contradictions of many
kinds (negation, a different number, date or site, declined or never started,
stopped for side effects, other side, still improving, nonadherence), in the
newest document or in an older one.
Each src/<case>/ holds one .txt per document (form
feed \\f = page break) and gold.json. A file that holds several documents (a
fax cover sheet in front of a form) is one .txt with page breaks and renders to
one PDF. Text-layer documents are spread round-robin over five PDF producers
(reportlab, fpdf2, headless Chromium, WeasyPrint, enscript|ps2pdf) in sorted
(case, file) order, so the assignment is stable. The documents listed in SCANS
(here one claim form, one radiograph report and one controlled-substance
database report) are rendered as image-only
"scans": typeset with fpdf2, rasterized by pdftoppm, rotated slightly, speckled
with seeded noise, and wrapped back into a PDF with img2pdf (no text layer).
Output is deterministic: fixed creation dates, reportlab invariant mode,
Chromium's timestamps and Ghostscript's IDs are overwritten in place, and the
scan noise comes from a seeded generator.

Needs: pip install reportlab fpdf2 weasyprint pillow img2pdf;
apt-get install chromium enscript ghostscript poppler-utils tesseract-ocr.
Fails loudly (exit 1) when a label or a rendered text-layer PDF does not check
out. Scans are checked with tesseract: a low OCR word recall is an error, a
labelled quote or anchor that does not come out of OCR verbatim is only
reported.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "z05_cabenuva_hiv_scanned_form/fax_20271206_1147": (300, 0.7),
    "z07_bone_stimulator_nonunion_letter/xr_tibia_20271104": (200, -0.9),
    "z10_pain_rehab_program_appeal/csmd_report_20280105": (200, 1.2),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
