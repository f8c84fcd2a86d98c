#!/usr/bin/env python3
"""Rebuild the eleventh own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own11/make.py            # check labels, render, verify
    python3 tests/cases-own11/make.py --check    # check labels only (no rendering)

The set is about paraphrase and contradiction: supported claims worded far
from their evidence (lay vs clinical terms, class vs member, brand vs generic,
abbreviations, negative findings phrased differently, scores and their
interpretation, durations from dates, unit and frequency conversions, evidence
split over two documents), and contradictions of many kinds (negation, a
different number or date, family history, declined or never started, stopped
for side effects, laterality, a different drug, still improving, missed doses).
Each src/<case>/ holds one .txt per document (form
feed \\f = page break) and gold.json. A file that holds several documents (a
fax cover sheet in front of a form) is one .txt with page breaks and renders to
one PDF. Text-layer documents are spread round-robin over five PDF producers
(reportlab, fpdf2, headless Chromium, WeasyPrint, enscript|ps2pdf) in sorted
(case, file) order, so the assignment is stable. The documents listed in SCANS
(here one claim form and one supporting prosthetist evaluation) are rendered as image-only
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
    "y07_dbs_tremor_scanned_form/pa_form_dbs_scan": (300, 0.6),
    "y08_microprocessor_knee_letter/prosthetist_eval_20270604": (200, -1.1),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
