#!/usr/bin/env python3
"""Rebuild the third own-written labelled PA set: src/<case>/*.txt -> drop/<case>/*.pdf.

    python3 tests/cases-own3/make.py            # check labels, render, verify
    python3 tests/cases-own3/make.py --check    # check labels only (no rendering)

Each src/<case>/ holds one .txt per document (form feed \\f = page break) and
gold.json. Text-layer documents are spread round-robin over five PDF producers
(reportlab, fpdf2, headless Chromium, WeasyPrint, enscript|ps2pdf) in sorted
(case, file) order, so the assignment is stable. The documents listed in SCANS
are rendered as image-only "scans": typeset with fpdf2, rasterized by pdftoppm,
rotated slightly, speckled with seeded noise, and wrapped back into a PDF with
img2pdf (no text layer). Output is deterministic: fixed creation dates,
reportlab invariant mode, Chromium's timestamps and Ghostscript's IDs are
overwritten in place, and the scan noise comes from a seeded generator.

Needs: pip install reportlab fpdf2 weasyprint pillow img2pdf;
apt-get install chromium enscript ghostscript poppler-utils tesseract-ocr.
Fails loudly (exit 1) when a label or a rendered text-layer PDF does not check
out. Scans are checked with tesseract: a low OCR word recall is an error, a
labelled quote that does not come out of OCR verbatim is only reported.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))
import case_builder  # noqa: E402

# Documents rendered as image-only scans (case/stem) -> (dpi, rotation in degrees).
SCANS = {
    "q01_xywav_narcolepsy/sleep_study_20260818": (300, 0.8),
    "q06_sacral_neuromod/bladder_diary_20261005": (200, -1.1),
    "q09_home_health_chf/hospital_discharge_20261109": (300, 0.6),
}

if __name__ == "__main__":
    case_builder.build(Path(__file__).resolve().parent, SCANS)
