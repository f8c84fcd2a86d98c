#!/usr/bin/env python3
"""Rebuild the ninth own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own9/make.py            # check labels, render, verify
    python3 tests/cases-own9/make.py --check    # check labels only (no rendering)

The set is about numbers and time in clinical documents: cumulative lab reports
with several collection dates, vitals and scores repeated over visits, drug
titrations, unit and frequency conversions, durations from dates and counts
from lists. Claims that give the latest value while older values differ are
history, not contradiction. Each src/<case>/ holds one .txt per document (form
feed \\f = page break) and gold.json. A file that holds several documents (a
fax cover sheet in front of a form) is one .txt with page breaks and renders to
one PDF. Text-layer documents are spread round-robin over five PDF producers
(reportlab, fpdf2, headless Chromium, WeasyPrint, enscript|ps2pdf) in sorted
(case, file) order, so the assignment is stable. The documents listed in SCANS
(here one claim form and one supporting bleed diary) are rendered as image-only
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
    "w07_emicizumab_hemophilia_lmn/bleed_diary_2026_2027": (200, -0.9),
    "w08_hgns_scanned_form/pa_form_hgns_scan": (300, 0.7),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
